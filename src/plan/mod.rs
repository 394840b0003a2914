//! From a loss scenario, topology and inventory to an ordered plan of procedures and steps. Pure.
//!
//! `build_plan` decides the server order (Table 14-9, `order`), the settings levels
//! (Table 17-1, `levels`) and the steps, by expanding the bundled `restore-service` wizard
//! with synthetic answers (`expand`). `render_markdown` prints it as a paper runbook and
//! `render_json` as data (`lifeline plan --format md|json`).

mod expand;
pub mod levels;
mod markdown;
pub mod order;
mod render_step;

use std::collections::BTreeMap;

use serde::Serialize;
use thiserror::Error;

use crate::inventory::Inventory;
use crate::inventory::vocab::{Role, Topology, all_losses, is_loss, scenarios_of};
use crate::wizard::Catalog;

pub use expand::{Answer, MAY_MINIMAL, ROOT};
pub use levels::{Level, settings_levels};
pub use markdown::render_markdown;
pub use order::{Place, place, sequence};
pub use render_step::PlanStep;

/// A recovery plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub topology: String,
    /// What was lost, in the `lost` options' order.
    pub lost: Vec<String>,
    /// The loss scenarios of "Restoring Service" these losses fall under.
    pub scenarios: Vec<String>,
    /// Server roles to restore, in Table 14-9 order for the topology.
    pub sequence: Vec<String>,
    /// Procedures the minimum plan runs, in order (`decide` first).
    pub procedures: Vec<String>,
    /// Procedures only some answers to the "may also need" questions bring in.
    pub optional_procedures: Vec<String>,
    /// The answers the minimum plan assumes to the "may also need" questions it asks.
    pub assumed: BTreeMap<String, String>,
    /// Settings levels to import, in import order (Table 17-1).
    pub settings_levels: Vec<String>,
    pub steps: Vec<PlanStep>,
    /// Remarks on the losses (roles restored with another, roles missing from the inventory).
    pub notes: Vec<String>,
    /// The deployment name, when an inventory was given.
    pub deployment: Option<String>,
    /// Target seconds per scenario, from the inventory.
    pub targets: BTreeMap<String, u64>,
    /// Who is responsible per procedure of this plan, from the inventory.
    pub owners: BTreeMap<String, String>,
}

/// Why no plan could be built. Messages name the valid values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error("unknown topology '{given}' (valid: {valid})")]
    UnknownTopology { given: String, valid: String },
    #[error("unknown loss '{given}' (valid: {valid})")]
    UnknownLoss { given: String, valid: String },
    #[error(
        "'{loss}' does not exist in a '{topology}' deployment (Table 14-9); valid here: {valid}"
    )]
    NotInTopology {
        loss: String,
        topology: String,
        valid: String,
    },
    #[error("nothing was named as lost (valid: {valid})")]
    NothingLost { valid: String },
    #[error("the bundled wizard '{0}' is missing, so no steps can be planned")]
    MissingWizard(String),
}

/// The losses that can happen in `topology`, in option order.
pub fn losses_in(topology: Topology) -> Vec<&'static str> {
    all_losses()
        .into_iter()
        .filter(|l| Role::parse(l).is_none_or(|r| r.exists_in(topology)))
        .collect()
}

/// Builds the plan for `topology` after losing `lost` (ids, or comma-separated ids).
pub fn build_plan(
    topology: &str,
    lost: &[String],
    inventory: Option<&Inventory>,
    catalog: &Catalog,
) -> Result<Plan, PlanError> {
    let topo = Topology::parse(topology.trim()).ok_or_else(|| PlanError::UnknownTopology {
        given: topology.to_string(),
        valid: Topology::ALL.map(Topology::as_str).join(", "),
    })?;
    let given: Vec<&str> = lost
        .iter()
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for loss in &given {
        if !is_loss(loss) {
            return Err(PlanError::UnknownLoss {
                given: loss.to_string(),
                valid: all_losses().join(", "),
            });
        }
        if Role::parse(loss).is_some_and(|r| !r.exists_in(topo)) {
            return Err(PlanError::NotInTopology {
                loss: loss.to_string(),
                topology: topo.as_str().into(),
                valid: losses_in(topo).join(", "),
            });
        }
    }
    let lost: Vec<String> = all_losses()
        .into_iter()
        .filter(|l| given.contains(l))
        .map(str::to_string)
        .collect();
    if lost.is_empty() {
        return Err(PlanError::NothingLost {
            valid: losses_in(topo).join(", "),
        });
    }
    if catalog.get(ROOT).is_none() {
        return Err(PlanError::MissingWizard(ROOT.into()));
    }
    let lost_refs: Vec<&str> = lost.iter().map(String::as_str).collect();
    let ctx = expand::Context {
        topology: topo,
        lost: &lost,
        inventory,
    };
    let steps = expand::plan_steps(catalog, &ctx);
    let mut procedures: Vec<String> = vec!["decide".into()];
    let mut optional_procedures: Vec<String> = Vec::new();
    for step in &steps {
        let list = if step.optional {
            &mut optional_procedures
        } else {
            &mut procedures
        };
        if !list.contains(&step.procedure) {
            list.push(step.procedure.clone());
        }
    }
    optional_procedures.retain(|p| !procedures.contains(p));
    let asked: Vec<&str> = steps
        .iter()
        .filter(|s| !s.optional)
        .flat_map(|s| s.asks.iter().map(String::as_str))
        .collect();
    let assumed: BTreeMap<String, String> = expand::minimal_answers(&ctx)
        .into_iter()
        .filter(|(name, _)| asked.contains(name))
        .map(|(name, answer)| (name.to_string(), answer.value().as_text()))
        .collect();
    let scenarios: Vec<String> = scenarios_of(&lost_refs)
        .into_iter()
        .map(str::to_string)
        .collect();
    let (targets, owners, deployment) = match inventory {
        Some(inv) => (
            scenarios
                .iter()
                .filter_map(|s| inv.target(s).map(|t| (s.clone(), t)))
                .collect(),
            procedures
                .iter()
                .chain(&optional_procedures)
                .filter_map(|p| inv.owner(p).map(|o| (p.clone(), o.to_string())))
                .collect(),
            inv.name.clone(),
        ),
        None => (BTreeMap::new(), BTreeMap::new(), None),
    };
    Ok(Plan {
        topology: topo.as_str().into(),
        notes: notes(topo, &lost_refs, inventory),
        sequence: sequence(topo, &lost_refs, inventory)
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        settings_levels: settings_levels(&lost_refs)
            .iter()
            .map(|l| l.as_str().to_string())
            .collect(),
        lost,
        scenarios,
        procedures,
        optional_procedures,
        assumed,
        steps,
        deployment,
        targets,
        owners,
    })
}

/// Remarks that explain the sequence: folded roles, and lost roles the inventory lacks.
fn notes(topology: Topology, lost: &[&str], inventory: Option<&Inventory>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(inv) = inventory
        && inv.topology != topology
    {
        out.push(format!(
            "the inventory describes a '{}' deployment, not '{}'",
            inv.topology.as_str(),
            topology.as_str()
        ));
    }
    for loss in lost {
        let Some(role) = Role::parse(loss) else {
            continue;
        };
        if let Place::PartOf(host) = place(role, topology) {
            out.push(format!(
                "'{loss}' is restored with '{}' in a '{}' deployment (Table 14-9)",
                host.as_str(),
                topology.as_str()
            ));
        }
        if let Some(inv) = inventory
            && !inv.has_role(role)
            && role.restored_with(topology).is_none()
        {
            out.push(format!("no server in the inventory carries '{loss}'"));
        }
    }
    out
}

/// The plan as JSON: `topology`, `lost`, `sequence`, `procedures`, `settings_levels`,
/// `steps` and the rest of the `Plan` fields.
pub fn render_json(plan: &Plan) -> serde_json::Value {
    serde_json::to_value(plan).unwrap_or(serde_json::Value::Null)
}
