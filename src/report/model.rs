//! What a report says, built from a session's journal and its pinned wizards alone: who,
//! when, drill or real, the decisions, every step with its command, outcome and time, the
//! faults a drill injected and how they were handled. Every renderer reads only this.

use std::collections::BTreeMap;

use serde::Serialize;
use time::OffsetDateTime;

use super::timing::{measure, per_procedure, secs};
use crate::inventory::Inventory;
use crate::session::event::{AnswerValue, Event, Operator, REDACTED, Record};
use crate::session::fill::fill_display;
use crate::session::state::{SessionState, SessionStatus, StepStatus};
use crate::session::steps::expand;
use crate::wizard::template::unknown_words;
use crate::wizard::{Catalog, StepKind};

/// A whole session, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub session: String,
    pub wizard: String,
    pub wizard_title: String,
    pub wizard_version: String,
    pub drill: bool,
    /// The drill scenario it was started from.
    pub scenario: Option<String>,
    pub operator: Operator,
    pub lifeline_version: String,
    /// `finished`, `aborted` or `in-progress`.
    pub status: &'static str,
    pub abort_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When the session finished or was aborted (null while it is open).
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Wall-clock seconds from start to end (or to the last event of an open session).
    pub total_s: f64,
    pub machine_s: f64,
    pub operator_s: f64,
    /// Seconds no step was current (between steps, or while nobody drove the session).
    pub idle_s: f64,
    pub target_s: Option<u64>,
    /// Where the target comes from: `session` (the scenario or the start) or `inventory`.
    pub target_from: Option<&'static str>,
    /// The definition changed after the session pinned it.
    pub wizard_changed: bool,
    pub answers: Vec<AnswerLine>,
    pub procedures: Vec<ProcedureLine>,
    pub steps: Vec<StepLine>,
    pub faults: Vec<FaultLine>,
    /// In a drill: the steps that did not really run (simulated) or were skipped.
    pub not_exercised: Vec<NotExercised>,
    pub notes: Vec<NoteLine>,
    pub handovers: Vec<Handover>,
}

/// One decision: an input and its answer (a secret as `****`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerLine {
    pub key: String,
    pub label: String,
    pub value: String,
    pub secret: bool,
}

/// The time of one procedure (a top-level include, or the root wizard's own steps).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcedureLine {
    pub id: String,
    pub title: String,
    pub steps: usize,
    pub wall_s: f64,
    pub machine_s: f64,
    pub operator_s: f64,
}

/// Where a step stands in a report; serialized (and shown in HTML classes) as its key:
/// `done`, `failed`, `skipped`, `marked-done`, `running`, `interrupted` or `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    Done,
    Failed,
    Skipped,
    MarkedDone,
    Running,
    Interrupted,
    Pending,
}

impl StepState {
    /// The state a journaled step status is reported as.
    pub fn of(status: &StepStatus) -> StepState {
        match status {
            StepStatus::Pending | StepStatus::Entered => StepState::Pending,
            StepStatus::Running { .. } => StepState::Running,
            StepStatus::Succeeded | StepStatus::Completed => StepState::Done,
            StepStatus::Failed { .. } => StepState::Failed,
            StepStatus::Interrupted { .. } => StepState::Interrupted,
            StepStatus::Skipped { .. } => StepState::Skipped,
            StepStatus::MarkedDone { .. } => StepState::MarkedDone,
        }
    }

    /// The key the JSON report and the HTML classes use.
    pub fn key(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Failed => "failed",
            StepState::Skipped => "skipped",
            StepState::MarkedDone => "marked-done",
            StepState::Running => "running",
            StepState::Interrupted => "interrupted",
            StepState::Pending => "pending",
        }
    }
}

impl std::fmt::Display for StepState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// One step the session reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepLine {
    /// The step key (`restore-databases/restore-rtc`).
    pub id: String,
    pub title: String,
    pub kind: String,
    /// The procedure it belongs to (see `timing::procedure_of`).
    pub procedure: String,
    pub state: StepState,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    pub machine_s: f64,
    pub operator_s: f64,
    pub attempts: u32,
    pub exit_code: Option<i32>,
    pub skip_reason: Option<String>,
    /// The operator's note when the step was marked done by hand.
    pub done_note: Option<String>,
    /// The last attempt's command as journaled (secrets as `****`).
    pub command: Vec<String>,
    /// The last lines of the last attempt's output (redacted when journaled).
    pub output_tail: Vec<String>,
    pub message: Option<String>,
    pub simulated: bool,
    pub attempt_log: Vec<AttemptLine>,
    /// Faults injected into its attempts (fault ids).
    pub faults: Vec<String>,
    pub notes: Vec<String>,
}

/// One execution attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptLine {
    pub attempt: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// `succeeded`, `failed`, `timed-out`, `cancelled`, `spawn-failed`, `interrupted`, or
    /// `running` when the journal says no more.
    pub outcome: String,
    pub exit_code: Option<i32>,
    pub simulated: bool,
    pub fault: Option<String>,
}

/// A planned drill fault, where it was met and how it was handled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultLine {
    pub id: String,
    /// The step key pattern it was planned for.
    pub pattern: String,
    /// The step it hit (null when the drill never reached one).
    pub step: Option<String>,
    pub attempts_hit: Vec<u32>,
    pub handled: bool,
    /// `retry`, `skip`, `mark-done`, `left-failed` or `not-reached`.
    pub handling: String,
    /// The skip reason or the done note.
    pub detail: Option<String>,
    pub expected: Vec<String>,
    pub as_expected: bool,
    pub hint: Option<String>,
}

/// A step a drill did not exercise for real.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotExercised {
    pub id: String,
    pub title: String,
    /// `simulated` or `skipped: <reason>`.
    pub how: String,
}

/// A note added during the session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteLine {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub step: Option<String>,
    pub text: String,
}

/// A lock hand-over: who drove the session before, and the note left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handover {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub previous: String,
    #[serde(with = "time::serde::rfc3339")]
    pub previous_since: OffsetDateTime,
    pub note: String,
}

/// Why a report cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("the journal does not begin with session-started")]
    NotStarted,
    #[error("the journal cannot be replayed at seq {seq}: {reason}")]
    Replay { seq: u64, reason: String },
}

/// Builds the report of a session: its journal records, its pinned wizards, and the
/// inventory it pinned (for the target time when the session recorded none).
pub fn build(
    records: &[Record],
    catalog: &Catalog,
    inventory: Option<&Inventory>,
) -> Result<Report, ReportError> {
    let state = SessionState::replay(records).map_err(|(seq, e)| ReportError::Replay {
        seq,
        reason: e.to_string(),
    })?;
    let meta = state.meta.clone().ok_or(ReportError::NotStarted)?;
    let timings = measure(records);
    let planned = expand(catalog, &meta.wizard, &state.answers, meta.drill);
    let defs: BTreeMap<&str, (String, String)> = planned
        .iter()
        .map(|p| {
            // The title as the operator saw it: filled from the session's answers, and a value
            // never given named in words, never as `{{name}}`.
            let shown = fill_display(
                &p.def.title,
                &|name| {
                    p.lookup(&state.answers, meta.drill, name)
                        .map(|v| v.as_text())
                },
                &|name| {
                    let input = p
                        .wizard
                        .inputs
                        .iter()
                        .find(|i| i.id == name)
                        .or_else(|| catalog.input(&meta.wizard, name));
                    unknown_words(input, name)
                },
            );
            let title = match p.items.first() {
                Some(item) if p.def.kind != StepKind::Include => format!("{shown} ({item})"),
                _ => shown,
            };
            (p.key.as_str(), (title, kind_word(p.def.kind).to_string()))
        })
        .collect();
    let title_of = |key: &str| -> String {
        defs.get(key)
            .map(|(t, _)| t.clone())
            .unwrap_or_else(|| key.to_string())
    };
    let wizard_title = catalog
        .get(&meta.wizard)
        .map(|w| w.title.clone())
        .unwrap_or_else(|| meta.wizard.clone());
    let steps = super::steps::step_lines(records, &state, &timings, &defs);
    let procedures = per_procedure(&timings)
        .into_iter()
        .map(|p| ProcedureLine {
            title: if p.key.is_empty() {
                wizard_title.clone()
            } else {
                title_of(&p.key)
            },
            id: p.key.clone(),
            steps: p.steps,
            wall_s: secs(p.wall_ms()),
            machine_s: secs(p.machine_ms),
            operator_s: secs(p.operator_ms),
        })
        .collect();
    let lost: Vec<String> = match state.answers.get("lost") {
        Some(AnswerValue::List(items)) => items.clone(),
        Some(AnswerValue::Text(t)) if !t.is_empty() => vec![t.clone()],
        _ => vec![],
    };
    let lost_refs: Vec<&str> = lost.iter().map(String::as_str).collect();
    let (target_s, target_from) = match (meta.target_s, inventory) {
        (Some(t), _) => (Some(t), Some("session")),
        (None, Some(inv)) => match inv.target_for(&lost_refs) {
            Some(t) => (Some(t), Some("inventory")),
            None => (None, None),
        },
        (None, None) => (None, None),
    };
    let (status, abort_reason) = match &state.status {
        SessionStatus::Finished => ("finished", None),
        SessionStatus::Aborted { reason } => ("aborted", Some(reason.clone())),
        SessionStatus::InProgress => ("in-progress", None),
    };
    let not_exercised = if meta.drill {
        steps
            .iter()
            .filter_map(|s| {
                let how = match (&s.skip_reason, s.simulated) {
                    (Some(reason), _) => format!("skipped: {reason}"),
                    (None, true) => "simulated".to_string(),
                    (None, false) => return None,
                };
                Some(NotExercised {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    how,
                })
            })
            .collect()
    } else {
        vec![]
    };
    Ok(Report {
        session: meta.session.clone(),
        wizard: meta.wizard.clone(),
        wizard_title,
        wizard_version: meta.wizard_version.clone(),
        drill: meta.drill,
        scenario: meta.scenario.clone(),
        operator: meta.operator.clone(),
        lifeline_version: meta.lifeline_version.clone(),
        status,
        abort_reason,
        started_at: meta.started_at,
        finished_at: state.finished_at,
        total_s: secs(timings.totals.wall_ms),
        machine_s: secs(timings.totals.machine_ms),
        operator_s: secs(timings.totals.operator_ms),
        idle_s: secs(timings.totals.idle_ms),
        target_s,
        target_from,
        wizard_changed: records
            .iter()
            .any(|r| matches!(r.event, Event::WizardChanged { .. })),
        answers: answer_lines(&state, catalog, &meta.wizard),
        procedures,
        faults: super::steps::fault_lines(&state),
        steps,
        not_exercised,
        notes: state
            .notes
            .iter()
            .map(|(step, text, at)| NoteLine {
                at: *at,
                step: step.clone(),
                text: text.clone(),
            })
            .collect(),
        handovers: state
            .takeovers
            .iter()
            .map(|(previous, note, at)| Handover {
                at: *at,
                previous: format!("{}@{} (pid {})", previous.user, previous.host, previous.pid),
                previous_since: previous.since,
                note: note.clone(),
            })
            .collect(),
    })
}

fn kind_word(kind: StepKind) -> &'static str {
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

fn answer_lines(state: &SessionState, catalog: &Catalog, root: &str) -> Vec<AnswerLine> {
    let inputs: BTreeMap<&str, &str> = catalog
        .closure(root)
        .into_iter()
        .flat_map(|w| w.inputs.iter().map(|i| (i.id.as_str(), i.label.as_str())))
        .collect();
    state
        .answers
        .iter()
        .map(|(key, value)| {
            let secret = state.secret_keys.contains(key);
            let id = key.rsplit('/').next().unwrap_or(key);
            AnswerLine {
                key: key.clone(),
                label: inputs.get(id).map(|l| l.to_string()).unwrap_or_default(),
                value: if secret {
                    REDACTED.to_string()
                } else {
                    match value {
                        AnswerValue::List(items) => items.join(", "),
                        other => other.as_text(),
                    }
                },
                secret,
            }
        })
        .collect()
}
