//! One expanded step as a plan line: its command with every placeholder the answers or the
//! inventory can fill filled in, the others named in words.

use std::convert::Infallible;

use serde::Serialize;

use crate::inventory::Inventory;
use crate::session::event::{AnswerValue, Answers};
use crate::session::fill::{fill_display, fill_words, render_check};
use crate::session::steps::PlannedStep;
use crate::wizard::template::{render, unknown_words};
use crate::wizard::validate::validate_value;
use crate::wizard::{Amount, Catalog, CheckSpec, InputDef, StepKind};

use super::expand::ROOT;

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanStep {
    /// Unique key in the expanded session (`setup-platform[front-end]/recover-logon`).
    pub id: String,
    /// The procedure (wizard id; `decide` for the top level's own steps).
    pub procedure: String,
    pub title: String,
    /// `info`, `choice`, `input`, `manual`, `command` or `check`.
    pub kind: String,
    /// The full argv a command (or command check) runs; shell steps as the shell runs them.
    pub argv: Vec<String>,
    /// A built-in check, fields filled in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<serde_json::Value>,
    /// Items a manual step has the operator tick.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<String>,
    /// The inputs a choice or input step asks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub asks: Vec<String>,
    /// The word a point of no return asks to be typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<String>,
    /// The server the step acts on.
    pub server: Option<String>,
    /// Only needed for some answers to the question in `decided_by`.
    pub optional: bool,
    pub decided_by: Option<String>,
    pub source: Option<String>,
}

/// Renders `step` with `answers` (and inventory defaults).
pub fn render_step(
    catalog: &Catalog,
    step: &PlannedStep<'_>,
    answers: &Answers,
    inventory: Option<&Inventory>,
    procedure: String,
) -> PlanStep {
    let def = step.def;
    // A value the answers, the inventory or the wizard's default give; a missing one is
    // named in words (`<the lost front-end server>`), never shown as `{{name}}`.
    let value = |name: &str| value_of(catalog, step, answers, inventory, name, 0);
    let words = |name: &str| unknown_words(input_of(catalog, step, name), name);
    let fill = |template: &str| -> Result<String, Infallible> {
        Ok(fill_display(template, &value, &words))
    };
    let text = |template: &str| fill(template).unwrap_or_else(|never| match never {});
    let runs =
        def.kind == StepKind::Command || matches!(def.check, Some(CheckSpec::Command { .. }));
    let argv = if runs {
        fill_words(def.shell, &def.argv, &value, Some(&words)).unwrap_or_default()
    } else {
        vec![]
    };
    // Hours become seconds once they are known; until then the template shows.
    let hours = |h: &Amount| -> Result<Amount, Infallible> {
        Ok(match h {
            Amount::Fixed(n) => Amount::Fixed(*n),
            Amount::Template(t) => {
                let filled = text(t);
                match filled.trim().parse::<u64>() {
                    Ok(n) => Amount::Fixed(n),
                    Err(_) => Amount::Template(filled),
                }
            }
        })
    };
    let check = def.check.as_ref().map(|spec| {
        let rendered = render_check(spec, &fill, &hours).unwrap_or_else(|never| match never {});
        serde_json::to_value(rendered).unwrap_or(serde_json::Value::Null)
    });
    PlanStep {
        id: step.key.clone(),
        procedure,
        title: text(&def.title),
        kind: kind_name(def.kind).into(),
        argv,
        check,
        checklist: def.checklist.iter().map(|c| text(c)).collect(),
        asks: def.input.iter().chain(&def.inputs).cloned().collect(),
        confirm: def.confirm.as_deref().map(text),
        server: def.server.as_deref().map(text),
        optional: false,
        decided_by: None,
        source: def.source.clone(),
    }
}

/// A placeholder's value: the (synthetic) answer, else the inventory value its input's
/// `default_from` names, else the input's literal default (its own placeholders filled the
/// same way, a few levels deep at most).
fn value_of(
    catalog: &Catalog,
    step: &PlannedStep<'_>,
    answers: &Answers,
    inventory: Option<&Inventory>,
    name: &str,
    depth: usize,
) -> Option<String> {
    if let Some(value) = step.lookup(answers, false, name) {
        return Some(value.as_text());
    }
    let input = input_of(catalog, step, name)?;
    let known = |n: &str| {
        if depth < 4 {
            value_of(catalog, step, answers, inventory, n, depth + 1)
        } else {
            None
        }
    };
    if let Some(key) = input.default_from.as_deref()
        && let Ok(key) = render(key, known)
        && let Some(v) = inventory.and_then(|inv| inv.lookup_text(&key))
    {
        return Some(v);
    }
    match input.default.as_ref()? {
        // As the engine does, a filled-in default counts only when it is a valid answer
        // (`{{item}}` standing for a role id is no server name).
        toml::Value::String(s) => render(s, known)
            .ok()
            .filter(|v| validate_value(input, &AnswerValue::Text(v.clone())).is_ok()),
        toml::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(other.to_string()),
    }
}

/// The definition of input `name` as the step sees it: its own wizard's, else the root's.
fn input_of<'c>(catalog: &'c Catalog, step: &PlannedStep<'c>, name: &str) -> Option<&'c InputDef> {
    step.wizard
        .inputs
        .iter()
        .find(|i| i.id == name)
        .or_else(|| catalog.input(ROOT, name))
}

/// The kebab-case name of a step kind.
pub fn kind_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Info => "info",
        StepKind::Choice => "choice",
        StepKind::Input => "input",
        StepKind::Manual => "manual",
        StepKind::Command => "command",
        StepKind::Check => "check",
        StepKind::Include => "include",
    }
}
