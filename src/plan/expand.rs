//! The plan's steps: `restore-service` expanded with synthetic answers, once with every
//! "may also need" question answered the minimal way and once per other answer; the steps
//! only another answer brings in are kept as optional, naming the question that decides them.

use std::collections::BTreeMap;

use crate::inventory::Inventory;
use crate::inventory::vocab::{Role, Topology};
use crate::session::event::{AnswerValue, Answers};
use crate::session::steps::{PlannedStep, expand};
use crate::wizard::condition::Truth;
use crate::wizard::{Catalog, StepKind};

use super::render_step::{PlanStep, render_step};

/// The top-level wizard a plan expands.
pub const ROOT: &str = "restore-service";

/// The "may also need" questions with the answer that means the least work.
pub const MAY_MINIMAL: [(&str, bool); 7] = [
    ("os_healthy", true),
    ("hardware_usable", true),
    ("pool_lost", false),
    ("secondary_site", true),
    ("move_users", false),
    ("keep_contacts", false),
    ("domain_rebuilt", false),
];

/// The other answers tried, each named by the question it stands for. A question asked only
/// after another one's non-minimal answer carries that answer along.
const FLIPS: [(&str, &[(&str, bool)]); 8] = [
    ("os_healthy", &[("os_healthy", false)]),
    ("pool_lost", &[("pool_lost", true)]),
    ("secondary_site", &[("secondary_site", false)]),
    ("move_users", &[("move_users", true)]),
    ("domain_rebuilt", &[("domain_rebuilt", true)]),
    (
        "hardware_usable",
        &[("os_healthy", false), ("hardware_usable", false)],
    ),
    (
        "keep_contacts",
        &[("move_users", true), ("keep_contacts", true)],
    ),
    (
        "domain_rebuilt",
        &[("secondary_site", false), ("domain_rebuilt", true)],
    ),
];

/// What the expansion needs to know about the recovery.
pub struct Context<'a> {
    pub topology: Topology,
    pub lost: &'a [String],
    pub inventory: Option<&'a Inventory>,
}

/// One expansion, rendered: every step in order, with whether it applies.
struct Expansion {
    steps: Vec<(String, Truth, Option<PlanStep>)>,
}

/// The plan's ordered steps, optional ones marked.
pub fn plan_steps(catalog: &Catalog, ctx: &Context<'_>) -> Vec<PlanStep> {
    let base = run(catalog, ctx, &[]);
    let flips: Vec<(&str, Expansion)> = FLIPS
        .iter()
        .map(|(name, answers)| (*name, run(catalog, ctx, answers)))
        .collect();
    let order = merged_order(&base, flips.iter().map(|(_, e)| e));
    let mut out = Vec::new();
    for key in order {
        let in_base = base.steps.iter().find(|(k, _, _)| *k == key);
        let chosen = match in_base {
            Some((_, Truth::True, Some(step))) => Some((step.clone(), None)),
            Some((_, Truth::Unknown(names), Some(step))) => {
                Some((step.clone(), Some(names.join(", "))))
            }
            _ => flips.iter().find_map(|(name, e)| {
                e.steps
                    .iter()
                    .find_map(|(k, truth, step)| match (truth, step) {
                        (Truth::False, _) | (_, None) => None,
                        (_, Some(step)) if *k == key => {
                            Some((step.clone(), Some(name.to_string())))
                        }
                        _ => None,
                    })
            }),
        };
        if let Some((mut step, decided_by)) = chosen {
            step.optional = decided_by.is_some();
            step.decided_by = decided_by;
            out.push(step);
        }
    }
    out
}

/// Keys in expansion order: the base order, with keys only other expansions have inserted
/// right after the key that precedes them there.
fn merged_order<'e>(base: &Expansion, others: impl Iterator<Item = &'e Expansion>) -> Vec<String> {
    let mut order: Vec<String> = base.steps.iter().map(|(k, _, _)| k.clone()).collect();
    for other in others {
        let mut previous: Option<String> = None;
        for (key, _, _) in &other.steps {
            if !order.contains(key) {
                let at = previous
                    .as_ref()
                    .and_then(|p| order.iter().position(|k| k == p))
                    .map_or(0, |i| i + 1);
                order.insert(at, key.clone());
            }
            previous = Some(key.clone());
        }
    }
    order
}

/// Expands the root wizard with the minimal answers, `overrides` applied.
fn run(catalog: &Catalog, ctx: &Context<'_>, overrides: &[(&str, bool)]) -> Expansion {
    let mut answers: Answers = BTreeMap::new();
    answers.insert(
        "topology".into(),
        AnswerValue::Text(ctx.topology.as_str().into()),
    );
    answers.insert("lost".into(), AnswerValue::List(ctx.lost.to_vec()));
    for (name, minimal) in MAY_MINIMAL {
        let value = overrides
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(minimal, |(_, v)| *v);
        answers.insert(name.into(), AnswerValue::Bool(value));
    }
    let steps = settle(catalog, ctx, &mut answers);
    Expansion {
        steps: steps
            .iter()
            .map(|s| {
                let rendered = (s.def.kind != StepKind::Include)
                    .then(|| render_step(catalog, s, &answers, ctx.inventory, procedure_of(s)));
                (s.key.clone(), s.applies.clone(), rendered)
            })
            .collect(),
    }
}

/// The procedure a step belongs to: its wizard, with the root's own steps as `decide`.
fn procedure_of(step: &PlannedStep<'_>) -> String {
    if step.wizard.id == ROOT {
        "decide".into()
    } else {
        step.wizard.id.clone()
    }
}

/// Expands until every reached platform choice has a synthetic answer.
fn settle<'c>(
    catalog: &'c Catalog,
    ctx: &Context<'_>,
    answers: &mut Answers,
) -> Vec<PlannedStep<'c>> {
    for _ in 0..64 {
        let steps = expand(catalog, ROOT, answers, false);
        let mut added = false;
        for step in steps.iter().filter(|s| s.applies != Truth::False) {
            if step.def.kind != StepKind::Choice || step.def.input.as_deref() != Some("platform") {
                continue;
            }
            if step.lookup(answers, false, "platform").is_some() {
                continue;
            }
            let Some(item) = step.items.first() else {
                continue;
            };
            let path = platform_for(item, ctx, answers);
            answers.insert(step.answer_key("platform"), AnswerValue::Text(path.into()));
            added = true;
        }
        if !added {
            return steps;
        }
    }
    expand(catalog, ROOT, answers, false)
}

/// The set-up path the plan assumes for one lost entry: none when the entry's server is
/// already handled by an earlier entry; otherwise the least work the answers allow.
pub fn platform_for(item: &str, ctx: &Context<'_>, answers: &Answers) -> &'static str {
    let lost: Vec<&str> = ctx.lost.iter().map(String::as_str).collect();
    let has = |id: &str| lost.contains(&id);
    let handled_elsewhere = match item {
        "rtc-database" => has("back-end") || has("standard-edition"),
        "lcslog-database" => has("archiving-cdr"),
        _ => Role::parse(item)
            .and_then(|r| r.restored_with(ctx.topology))
            .is_some_and(|host| {
                has(host.as_str())
                    || lost.iter().take_while(|l| **l != item).any(|l| {
                        Role::parse(l).and_then(|r| r.restored_with(ctx.topology)) == Some(host)
                    })
            }),
    };
    if handled_elsewhere {
        return "none";
    }
    let flag = |name: &str| matches!(answers.get(name), Some(AnswerValue::Bool(true)));
    if flag("os_healthy") {
        "prepare"
    } else if flag("hardware_usable") {
        "recover"
    } else {
        "rebuild"
    }
}
