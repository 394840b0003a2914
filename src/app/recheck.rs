//! On resume, the prerequisite checks that already ran are run again, because the world
//! may have changed while lifeline was away (a backup share went offline, a port closed).
//! The operator sees what changed, and the journal keeps a note of it.

use crate::exec;
use crate::session::engine::{Engine, ExecRequest};
use crate::session::state::StepStatus;
use crate::wizard::StepKind;

/// One check to run again, with what the journal says it did last time.
#[derive(Debug, Clone)]
pub struct Target {
    pub step: String,
    pub title: String,
    pub passed_before: bool,
    pub request: ExecRequest,
}

/// The read-only checks already resolved in this session (none in a drill, where checks were
/// simulated). Pure: decided from the state and the pinned wizards.
pub fn targets(engine: &Engine<'_>) -> Vec<Target> {
    if engine.state.meta.as_ref().is_some_and(|m| m.drill) {
        return vec![];
    }
    engine
        .steps()
        .into_iter()
        .filter(|s| {
            s.def.kind == StepKind::Check && s.def.check.as_ref().is_some_and(|c| c.is_read_only())
        })
        .filter_map(|s| {
            let record = engine.state.step(&s.key);
            let passed_before = match record.status {
                StepStatus::Succeeded => true,
                StepStatus::Skipped { .. } | StepStatus::MarkedDone { .. }
                    if record.attempts > 0 =>
                {
                    false
                }
                _ => return None,
            };
            let request = engine.exec_request(&s, 0).ok()?;
            Some(Target {
                step: s.key.clone(),
                title: engine.render_text(&s, &s.def.title),
                passed_before,
                request,
            })
        })
        .collect()
}

/// What the checks say now, in the operator's words: one line per change, or one line saying
/// nothing changed. Pure.
pub fn describe(targets: &[Target], now: &[exec::CheckResult]) -> Vec<String> {
    let mut lines = Vec::new();
    for (target, result) in targets.iter().zip(now) {
        let detail = result.detail.last().cloned().unwrap_or_default();
        match (target.passed_before, result.passed) {
            (true, false) => lines.push(format!(
                "re-checked on resume: '{}' passed before but FAILS now: {detail}",
                target.title
            )),
            (false, true) => lines.push(format!(
                "re-checked on resume: '{}' did not pass before but passes now",
                target.title
            )),
            _ => {}
        }
        if let (true, Some(warning)) = (result.passed, &result.warning) {
            lines.push(format!(
                "re-checked on resume: '{}': {warning}",
                target.title
            ));
        }
    }
    if lines.is_empty() && !targets.is_empty() {
        lines.push(format!(
            "re-checked {} prerequisite check(s) on resume: nothing changed",
            targets.len()
        ));
    }
    lines
}

/// Runs the checks again, all at once (each within its step's timeout), in order.
pub fn run(targets: &[Target]) -> Vec<exec::CheckResult> {
    let failed = |why: &str| exec::CheckResult {
        passed: false,
        warning: None,
        detail: vec![why.to_string()],
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return targets
            .iter()
            .map(|_| failed("could not run the check"))
            .collect();
    };
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (index, target) in targets.iter().enumerate() {
            let request = target.request.clone();
            set.spawn(async move {
                let result = match &request.check {
                    Some(spec) => exec::run_check(spec, &request).await,
                    None => exec::CheckResult {
                        passed: false,
                        warning: None,
                        detail: vec![],
                    },
                };
                (index, result)
            });
        }
        let mut results: Vec<Option<exec::CheckResult>> = targets.iter().map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((index, result)) = joined {
                results[index] = Some(result);
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| failed("the check stopped unexpectedly")))
            .collect()
    })
}

/// Re-runs the session's passed prerequisite checks before a resume and says what it found,
/// one line each (nothing when no check ran before or the session has ended). The caller
/// journals the lines as a note through its driver and shows them to the operator.
pub fn on_resume(engine: &Engine<'_>) -> Vec<String> {
    if !engine.state.is_open() {
        return vec![];
    }
    let found = targets(engine);
    if found.is_empty() {
        return vec![];
    }
    describe(&found, &run(&found))
}

/// The note a resume journals for what [`on_resume`] found.
pub fn note(lines: &[String]) -> Option<crate::session::engine::Intent> {
    (!lines.is_empty()).then(|| crate::session::engine::Intent::Note {
        step: None,
        text: lines.join("\n"),
    })
}
