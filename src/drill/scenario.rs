//! Drill scenarios: the TOML format (`assets/drills/*.toml`), loading, and validation
//! against the wizards they drive. Every error names the file, line and column.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use crate::app::answers::{AnswersFile, line_col};
use crate::inventory::Inventory;
use crate::session::event::{AnswerValue, Answers, Event, Outcome, PlannedFault, key_matches};
use crate::session::steps::expand;
use crate::wizard::condition::Truth;
use crate::wizard::validate::validate_value;
use crate::wizard::{Catalog, InputDef, InputKind};

/// The input a scenario's `loss` answers, when its wizard declares it.
pub const LOSS_INPUT: &str = "lost";
/// The input a scenario's `topology` answers, when its wizard declares it.
pub const TOPOLOGY_INPUT: &str = "topology";

/// One drill scenario as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Lower-case with dashes; the file is named after it (`<id>.toml`).
    pub id: Spanned<String>,
    pub title: String,
    /// What the trainee is told before the drill starts.
    pub briefing: String,
    /// What was lost: values of the wizard's `lost` input.
    pub loss: Spanned<Vec<String>>,
    /// The deployment type: a value of the wizard's `topology` input.
    pub topology: Spanned<String>,
    /// The wizard the drill runs (default `restore-service`).
    #[serde(default = "default_wizard")]
    pub wizard: Spanned<String>,
    /// Target time in seconds; without it, the inventory's target for the loss.
    #[serde(default)]
    pub target_s: Option<Spanned<u64>>,
    /// Run read-only checks for real (default: simulated, as the deployment is made up).
    #[serde(default)]
    pub real_checks: bool,
    /// Preset answers by input id, so the trainee starts at the interesting part.
    #[serde(default)]
    pub answers: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    pub faults: Vec<FaultDef>,
}

/// One injected fault as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultDef {
    pub id: Spanned<String>,
    /// Step key pattern (`*` matches any run of characters): `restore-databases/restore-rtc`.
    pub step: Spanned<String>,
    /// How the attempt ends (default `failed`).
    #[serde(default = "default_outcome")]
    pub outcome: Spanned<Outcome>,
    /// Exit code reported (default 1).
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// The made-up output the trainee sees.
    pub output: String,
    #[serde(default)]
    pub duration_s: Option<u64>,
    /// Every attempt fails, not only the first: a retry cannot fix it.
    #[serde(default)]
    pub persist: bool,
    /// What the trainee should do about it.
    pub hint: String,
    /// The handlings that count as right.
    pub expect: Spanned<Vec<Handling>>,
}

/// How a trainee may deal with a failed step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Handling {
    /// Fix the cause, then run the step again.
    Retry,
    /// Skip it with a reason.
    Skip,
    /// Do it by hand (or accept it) and mark it done.
    MarkDone,
}

impl Handling {
    /// The word used in the journal and reports.
    pub fn word(self) -> &'static str {
        match self {
            Handling::Retry => "retry",
            Handling::Skip => "skip",
            Handling::MarkDone => "mark-done",
        }
    }
}

fn default_wizard() -> Spanned<String> {
    Spanned::new(0..0, "restore-service".to_string())
}

fn default_outcome() -> Spanned<Outcome> {
    Spanned::new(0..0, Outcome::Failed)
}

/// A scenario file that cannot be used: each problem as `'path':line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", .0.join("\n"))]
pub struct ScenarioError(pub Vec<String>);

/// A scenario checked against its wizard, with its presets typed.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedScenario {
    pub scenario: Scenario,
    /// Where it was read from (`assets/drills/<id>.toml`).
    pub path: String,
    /// Preset answers (the loss and topology included), by input id.
    pub presets: Answers,
}

impl LoadedScenario {
    /// The scenario id.
    pub fn id(&self) -> &str {
        self.scenario.id.get_ref()
    }

    /// The wizard it drives.
    pub fn wizard(&self) -> &str {
        self.scenario.wizard.get_ref()
    }

    /// The losses.
    pub fn loss(&self) -> &[String] {
        self.scenario.loss.get_ref()
    }

    /// The target time written in the scenario.
    pub fn target_s(&self) -> Option<u64> {
        self.scenario.target_s.as_ref().map(|t| *t.get_ref())
    }

    /// The target time: the scenario's own, else the inventory's for the loss.
    pub fn target_with(&self, inventory: Option<&Inventory>) -> Option<u64> {
        let loss: Vec<&str> = self.loss().iter().map(String::as_str).collect();
        self.target_s()
            .or_else(|| inventory.and_then(|i| i.target_for(&loss)))
    }

    /// What makes a new session a run of this scenario, journaled right after its
    /// `session-started` (which carries `drill = true`, the scenario id and the target): the
    /// faults, then the preset answers. Headless drills and the screens start drills alike.
    pub fn opening_events(&self) -> Vec<Event> {
        let mut events = vec![Event::DrillFaults {
            scenario: self.id().to_string(),
            simulate_checks: !self.scenario.real_checks,
            faults: self.planned_faults(),
        }];
        events.extend(self.presets.iter().map(|(key, value)| Event::AnswerGiven {
            key: key.clone(),
            value: value.clone(),
            secret: false,
        }));
        events
    }

    /// The faults as the journal records them (`drill-faults`).
    pub fn planned_faults(&self) -> Vec<PlannedFault> {
        self.scenario
            .faults
            .iter()
            .map(|f| PlannedFault {
                id: f.id.get_ref().clone(),
                step: f.step.get_ref().clone(),
                outcome: *f.outcome.get_ref(),
                exit_code: match f.outcome.get_ref() {
                    Outcome::SpawnFailed => None,
                    _ => Some(f.exit_code.unwrap_or(1)),
                },
                output: f.output.clone(),
                duration_s: f.duration_s,
                persist: f.persist,
                hint: Some(f.hint.clone()),
                expect: f
                    .expect
                    .get_ref()
                    .iter()
                    .map(|h| h.word().to_string())
                    .collect(),
            })
            .collect()
    }
}

/// Parses and validates one scenario file. `path` names it in errors; its file stem must be
/// the scenario id.
pub fn load_scenario(
    path: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<LoadedScenario, ScenarioError> {
    // Each error keeps its byte offset, so they can be listed in file order.
    let at = |span: std::ops::Range<usize>, message: String| -> (usize, String) {
        let (line, col) = line_col(text, span.start);
        (span.start, format!("'{path}':{line}:{col}: {message}"))
    };
    let scenario: Scenario = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ScenarioError(vec![at(span, e.message().trim().replace('\n', " ")).1])
    })?;
    let mut errors = Vec::new();
    let id = scenario.id.get_ref();
    if !is_slug(id) {
        errors.push(at(
            scenario.id.span(),
            format!("id '{id}' must be lower-case letters, digits and dashes"),
        ));
    }
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    if let Some(stem) = stem.filter(|s| s != id) {
        errors.push(at(
            scenario.id.span(),
            format!("id '{id}' must match the file name '{stem}.toml'"),
        ));
    }
    if let Some(t) = &scenario.target_s
        && *t.get_ref() == 0
    {
        errors.push(at(t.span(), "target_s must be more than 0".into()));
    }
    let wizard_id = scenario.wizard.get_ref();
    let Some(wizard) = catalog.get(wizard_id) else {
        let known: Vec<&str> = catalog.wizards.keys().map(String::as_str).collect();
        errors.push(at(
            scenario.wizard.span(),
            format!("no wizard '{wizard_id}' (known: {})", known.join(", ")),
        ));
        return Err(in_file_order(errors));
    };
    let inputs: BTreeMap<&str, &InputDef> = catalog
        .closure(wizard_id)
        .into_iter()
        .flat_map(|w| w.inputs.iter().map(|i| (i.id.as_str(), i)))
        .collect();
    let mut presets = Answers::new();
    let mut preset = |input: &str, value: AnswerValue, span, errors: &mut Vec<(usize, String)>| {
        if let Some(def) = inputs.get(input) {
            match validate_value(def, &value) {
                Ok(v) => {
                    presets.insert(input.to_string(), v);
                }
                Err(message) => errors.push(at(span, format!("{input}: {message}"))),
            }
        }
    };
    if scenario.loss.get_ref().is_empty() {
        errors.push(at(scenario.loss.span(), "loss names nothing".into()));
    }
    preset(
        LOSS_INPUT,
        AnswerValue::List(scenario.loss.get_ref().clone()),
        scenario.loss.span(),
        &mut errors,
    );
    preset(
        TOPOLOGY_INPUT,
        AnswerValue::Text(scenario.topology.get_ref().clone()),
        scenario.topology.span(),
        &mut errors,
    );
    for (key, value) in &scenario.answers {
        let span = value.span();
        let Some(def) = inputs.get(key.as_str()) else {
            errors.push(at(
                span,
                format!("no input '{key}' in wizard '{wizard_id}' or the wizards it includes"),
            ));
            continue;
        };
        if key == LOSS_INPUT || key == TOPOLOGY_INPUT {
            errors.push(at(
                span,
                format!("give '{key}' with the scenario's `loss` / `topology`, not in [answers]"),
            ));
            continue;
        }
        if def.kind == InputKind::Secret {
            errors.push(at(
                span,
                format!("'{key}' is a secret: a scenario cannot preset it"),
            ));
            continue;
        }
        let single = AnswersFile {
            answers: BTreeMap::from([(key.clone(), value.get_ref().clone())]),
            ..AnswersFile::default()
        };
        if let Some(v) = single.value_for(key, def.kind) {
            preset(key, v, span, &mut errors);
        }
    }
    check_faults(&scenario, catalog, &wizard.id, &presets, &at, &mut errors);
    if !errors.is_empty() {
        return Err(in_file_order(errors));
    }
    Ok(LoadedScenario {
        scenario,
        path: path.to_string(),
        presets,
    })
}

/// Each fault: a unique id, an outcome that fails, an expected handling, and a step pattern
/// that hits a step which runs something and is not ruled out by the presets.
fn check_faults(
    scenario: &Scenario,
    catalog: &Catalog,
    root: &str,
    presets: &Answers,
    at: &dyn Fn(std::ops::Range<usize>, String) -> (usize, String),
    errors: &mut Vec<(usize, String)>,
) {
    let steps = expand(catalog, root, presets, true);
    let mut seen = BTreeSet::new();
    for fault in &scenario.faults {
        let id = fault.id.get_ref();
        if !seen.insert(id.clone()) {
            errors.push(at(fault.id.span(), format!("fault '{id}' is listed twice")));
        }
        if *fault.outcome.get_ref() == Outcome::Succeeded {
            errors.push(at(
                fault.outcome.span(),
                format!("fault '{id}': a fault must not succeed"),
            ));
        }
        if fault.expect.get_ref().is_empty() {
            errors.push(at(
                fault.expect.span(),
                format!("fault '{id}': say what handling is expected (retry, skip, mark-done)"),
            ));
        }
        if fault.persist && fault.expect.get_ref() == &[Handling::Retry] {
            errors.push(at(
                fault.expect.span(),
                format!("fault '{id}' persists, so a retry cannot be its only handling"),
            ));
        }
        let pattern = fault.step.get_ref();
        let hits: Vec<_> = steps
            .iter()
            .filter(|s| key_matches(pattern, &s.key))
            .collect();
        let message = if hits.is_empty() {
            Some(format!(
                "step pattern '{pattern}' matches no step of wizard '{root}' (keys look like 'restore-databases/restore-rtc')"
            ))
        } else if !hits.iter().any(|s| s.def.executes()) {
            Some(format!(
                "step pattern '{pattern}' matches only steps that run nothing (a fault needs a command or check step)"
            ))
        } else if !hits
            .iter()
            .any(|s| s.def.executes() && s.applies != Truth::False)
        {
            Some(format!(
                "step pattern '{pattern}' matches only steps the preset answers rule out"
            ))
        } else {
            None
        };
        if let Some(message) = message {
            errors.push(at(fault.step.span(), message));
        }
    }
}

fn in_file_order(mut errors: Vec<(usize, String)>) -> ScenarioError {
    errors.sort_by_key(|(offset, _)| *offset);
    ScenarioError(errors.into_iter().map(|(_, e)| e).collect())
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
}
