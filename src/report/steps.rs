//! The steps and faults of a report, from the journal's records and their fold: each step's
//! attempts, outcome, command and output tail; each planned fault with the steps it hit and
//! how each was handled (retried, skipped, marked done, or left failed).

use std::collections::BTreeMap;

use super::model::{AttemptLine, FaultLine, StepLine, StepState};
use super::timing::{Timings, procedure_of, secs};
use crate::session::event::{Event, Outcome, Record};
use crate::session::state::{SessionState, StepStatus};

/// Every step the journal mentions, in the order it first did.
pub fn step_lines(
    records: &[Record],
    state: &SessionState,
    timings: &Timings,
    defs: &BTreeMap<&str, (String, String)>,
) -> Vec<StepLine> {
    let mut attempts: BTreeMap<&str, Vec<AttemptLine>> = BTreeMap::new();
    for r in records {
        match &r.event {
            Event::StepStarted {
                step,
                attempt,
                simulated,
                ..
            } => attempts.entry(step).or_default().push(AttemptLine {
                attempt: *attempt,
                started_at: r.at,
                finished_at: None,
                outcome: "running".into(),
                exit_code: None,
                simulated: *simulated,
                fault: state
                    .injected
                    .iter()
                    .find(|f| f.step == *step && f.attempt == *attempt)
                    .map(|f| f.fault.clone()),
            }),
            Event::StepFinished {
                step,
                attempt,
                outcome,
                exit_code,
                ..
            } => {
                if let Some(a) = attempts
                    .get_mut(step.as_str())
                    .and_then(|list| list.iter_mut().find(|a| a.attempt == *attempt))
                {
                    a.finished_at = Some(r.at);
                    a.outcome = Outcome::key(*outcome).into();
                    a.exit_code = *exit_code;
                }
            }
            Event::StepInterrupted { step, attempt } => {
                if let Some(a) = attempts
                    .get_mut(step.as_str())
                    .and_then(|list| list.iter_mut().find(|a| a.attempt == *attempt))
                {
                    a.outcome = "interrupted".into();
                }
            }
            _ => {}
        }
    }
    timings
        .order
        .iter()
        .map(|key| {
            let record = state.step(key);
            let t = timings.steps.get(key).cloned().unwrap_or_default();
            let (title, kind) = defs
                .get(key.as_str())
                .cloned()
                .unwrap_or_else(|| (key.clone(), "unknown".into()));
            let log = attempts.remove(key.as_str()).unwrap_or_default();
            StepLine {
                id: key.clone(),
                title,
                kind,
                procedure: procedure_of(key).to_string(),
                state: StepState::of(&record.status),
                started_at: t.entered_at,
                finished_at: t.finished_at(),
                machine_s: secs(t.machine_ms),
                operator_s: secs(t.operator_ms),
                attempts: record.attempts,
                exit_code: record.exit_code,
                skip_reason: match &record.status {
                    StepStatus::Skipped { reason } => Some(reason.clone()),
                    _ => None,
                },
                done_note: match &record.status {
                    StepStatus::MarkedDone { note } => note.clone(),
                    _ => None,
                },
                command: record.argv.clone(),
                output_tail: record.tail.clone(),
                message: record.message.clone(),
                simulated: log.iter().any(|a| a.simulated),
                faults: log.iter().filter_map(|a| a.fault.clone()).collect(),
                attempt_log: log,
                notes: state
                    .notes
                    .iter()
                    .filter(|(s, _, _)| s.as_deref() == Some(key.as_str()))
                    .map(|(_, text, _)| text.clone())
                    .collect(),
            }
        })
        .collect()
}

/// Each planned fault with the steps it hit and how each was handled.
pub fn fault_lines(state: &SessionState) -> Vec<FaultLine> {
    let Some(plan) = &state.drill_faults else {
        return vec![];
    };
    let mut out = Vec::new();
    for fault in &plan.faults {
        let mut hit_steps: Vec<&str> = Vec::new();
        for i in state.injected.iter().filter(|i| i.fault == fault.id) {
            if !hit_steps.contains(&i.step.as_str()) {
                hit_steps.push(&i.step);
            }
        }
        let line = |step: Option<String>,
                    attempts_hit: Vec<u32>,
                    handling: &str,
                    detail: Option<String>| FaultLine {
            id: fault.id.clone(),
            pattern: fault.step.clone(),
            step,
            attempts_hit,
            handled: matches!(handling, "retry" | "skip" | "mark-done"),
            as_expected: fault.expect.iter().any(|e| e == handling),
            handling: handling.to_string(),
            detail,
            expected: fault.expect.clone(),
            hint: fault.hint.clone(),
        };
        if hit_steps.is_empty() {
            out.push(line(None, vec![], "not-reached", None));
            continue;
        }
        for step in hit_steps {
            let attempts_hit: Vec<u32> = state
                .injected
                .iter()
                .filter(|i| i.fault == fault.id && i.step == step)
                .map(|i| i.attempt)
                .collect();
            let last_hit = attempts_hit.iter().copied().max().unwrap_or(0);
            let record = state.step(step);
            let (handling, detail) = match &record.status {
                StepStatus::Succeeded if record.attempts > last_hit => ("retry", None),
                StepStatus::Skipped { reason } => ("skip", Some(reason.clone())),
                StepStatus::MarkedDone { note } => ("mark-done", note.clone()),
                _ => ("left-failed", None),
            };
            out.push(line(Some(step.to_string()), attempts_hit, handling, detail));
        }
    }
    out
}
