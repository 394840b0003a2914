//! A drill's score: time against the target, steps retried, faults met and handled, steps
//! skipped and why. Pure: computed from a report, printed at the end of a headless drill and
//! available to the screens as lines of text.

use serde::Serialize;

use super::model::{FaultLine, Report, StepState};
use super::timing::human;

/// How a drill went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub total_s: f64,
    pub target_s: Option<u64>,
    /// True when the drill ended within its target (null without a target).
    pub within_target: Option<bool>,
    /// Steps run more than once: (step key, title, attempts).
    pub retried: Vec<(String, String, u32)>,
    pub faults_planned: usize,
    pub faults_met: usize,
    pub faults_handled: usize,
    pub faults: Vec<FaultLine>,
    /// Steps skipped: (step key, title, reason).
    pub skipped: Vec<(String, String, String)>,
    /// Steps marked done by hand: (step key, title, note).
    pub marked_done: Vec<(String, String, Option<String>)>,
    pub finished: bool,
}

/// The score of a (drill) session's report.
pub fn score(report: &Report) -> Score {
    let met: Vec<&FaultLine> = report.faults.iter().filter(|f| f.step.is_some()).collect();
    let planned: std::collections::BTreeSet<&str> =
        report.faults.iter().map(|f| f.id.as_str()).collect();
    Score {
        total_s: report.total_s,
        target_s: report.target_s,
        within_target: report.target_s.map(|t| report.total_s <= t as f64),
        retried: report
            .steps
            .iter()
            .filter(|s| s.attempts > 1)
            .map(|s| (s.id.clone(), s.title.clone(), s.attempts))
            .collect(),
        faults_planned: planned.len(),
        faults_met: met.len(),
        faults_handled: met.iter().filter(|f| f.handled).count(),
        faults: report.faults.clone(),
        skipped: report
            .steps
            .iter()
            .filter_map(|s| {
                let reason = s.skip_reason.clone()?;
                Some((s.id.clone(), s.title.clone(), reason))
            })
            .collect(),
        marked_done: report
            .steps
            .iter()
            .filter(|s| s.state == StepState::MarkedDone)
            .map(|s| (s.id.clone(), s.title.clone(), s.done_note.clone()))
            .collect(),
        finished: report.status == "finished",
    }
}

impl Score {
    /// The score as plain lines (the end of a headless drill; the screens' score screen).
    pub fn lines(&self) -> Vec<String> {
        let ms = (self.total_s * 1000.0).round() as u64;
        let mut out = vec![match (self.target_s, self.within_target) {
            (Some(t), Some(true)) => format!(
                "Time: {} against a target of {}: within target",
                human(ms),
                human(t * 1000)
            ),
            (Some(t), _) => format!(
                "Time: {} against a target of {}: over by {}",
                human(ms),
                human(t * 1000),
                human(ms.saturating_sub(t * 1000))
            ),
            (None, _) => format!("Time: {} (no target time set)", human(ms)),
        }];
        if !self.finished {
            out.push("The drill has not finished.".into());
        }
        out.push(format!(
            "Faults: {} of {} met were handled ({} planned)",
            self.faults_handled, self.faults_met, self.faults_planned
        ));
        for f in &self.faults {
            let at = f.step.as_deref().unwrap_or(&f.pattern);
            let how = match (f.handling.as_str(), &f.detail) {
                ("retry", _) => "handled: fixed and retried".to_string(),
                ("skip", Some(d)) => format!("handled: skipped ({d})"),
                ("mark-done", Some(d)) => format!("handled: marked done ({d})"),
                ("mark-done", None) => "handled: marked done (no note)".to_string(),
                ("not-reached", _) => "not reached".to_string(),
                _ => "NOT handled: left failed".to_string(),
            };
            let expected = if f.handled && !f.as_expected {
                format!(" — expected: {}", f.expected.join(" or "))
            } else {
                String::new()
            };
            out.push(format!("  - {} at {at}: {how}{expected}", f.id));
        }
        if self.retried.is_empty() {
            out.push("Steps retried: none".into());
        } else {
            out.push(format!("Steps retried: {}", self.retried.len()));
            for (_, title, attempts) in &self.retried {
                out.push(format!("  - {title}: {attempts} attempts"));
            }
        }
        if self.skipped.is_empty() {
            out.push("Steps skipped: none".into());
        } else {
            out.push(format!("Steps skipped: {}", self.skipped.len()));
            for (_, title, reason) in &self.skipped {
                out.push(format!("  - {title}: {reason}"));
            }
        }
        if !self.marked_done.is_empty() {
            out.push(format!(
                "Steps marked done by hand: {}",
                self.marked_done.len()
            ));
            for (_, title, note) in &self.marked_done {
                out.push(format!(
                    "  - {title}: {}",
                    note.as_deref().unwrap_or("(no note)")
                ));
            }
        }
        out
    }
}
