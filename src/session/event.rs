//! The events a session journal holds. State is the fold of these (see `session::state`).
//!
//! One event is one journal line: `<crc32 hex> {"seq":..,"at":..,"event":{"type":..}}`.
//! Secret values never appear here: an answer to a secret input is recorded as `"****"`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The answer value belongs to the wizard format; re-exported where sessions used it.
pub use crate::wizard::answer::{AnswerValue, Answers};

/// What stands in for a secret in every copy that leaves memory.
pub const REDACTED: &str = "****";

/// One journal record: a sequence number (1, 2, ...), the UTC time, the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub event: Event,
}

/// Who is at the keyboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub user: String,
    pub host: String,
}

/// How an execution attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    /// The program could not be started (not found, permission denied).
    SpawnFailed,
}

impl Outcome {
    /// The stable name, as the journal and the reports' JSON spell it (`timed-out`).
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed-out",
            Outcome::Cancelled => "cancelled",
            Outcome::SpawnFailed => "spawn-failed",
        }
    }

    /// The words an operator reads (`timed out`, `could not be started`).
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed out",
            Outcome::Cancelled => "cancelled",
            Outcome::SpawnFailed => "could not be started",
        }
    }
}

/// A session event. Serialized with `"type": "kebab-case-name"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    SessionStarted {
        session: String,
        wizard: String,
        /// SHA-256 of the pinned wizard files, hex.
        wizard_hash: String,
        wizard_version: String,
        #[serde(default)]
        inventory_hash: Option<String>,
        operator: Operator,
        drill: bool,
        lifeline_version: String,
        /// Drill scenario id, when started from `lifeline drill`.
        #[serde(default)]
        scenario: Option<String>,
        /// The organization's target time for this recovery, from the inventory.
        #[serde(default)]
        target_s: Option<u64>,
    },
    AnswerGiven {
        /// Scoped input key (`id`, or `include[item]/id` inside a `for_each`).
        key: String,
        value: AnswerValue,
        #[serde(default)]
        secret: bool,
    },
    StepEntered {
        step: String,
    },
    StepConfirmed {
        step: String,
        word: String,
    },
    StepStarted {
        step: String,
        attempt: u32,
        /// The command as displayed, secrets as `****`.
        #[serde(default)]
        argv: Vec<String>,
        #[serde(default)]
        simulated: bool,
    },
    StepFinished {
        step: String,
        attempt: u32,
        outcome: Outcome,
        #[serde(default)]
        exit_code: Option<i32>,
        #[serde(default)]
        signal: Option<i32>,
        duration_ms: u64,
        /// Output file, relative to the session directory.
        #[serde(default)]
        output: Option<String>,
        /// The last lines of output (redacted).
        #[serde(default)]
        tail: Vec<String>,
        /// One line on why it failed, when it did (e.g. "program 'sqlcmd' not found on PATH").
        #[serde(default)]
        message: Option<String>,
    },
    /// Resume found a step started but not finished, with no process left to tell the outcome.
    StepInterrupted {
        step: String,
        attempt: u32,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    StepMarkedDone {
        step: String,
        #[serde(default)]
        note: Option<String>,
    },
    /// A step that needs no execution (info, choice, input, manual, include) was completed.
    StepCompleted {
        step: String,
    },
    ChecklistTicked {
        step: String,
        item: usize,
        ticked: bool,
    },
    NoteAdded {
        #[serde(default)]
        step: Option<String>,
        text: String,
    },
    LockTakenOver {
        previous: LockHolder,
        note: String,
    },
    /// A resume found the bundled definition changed since the session pinned it.
    WizardChanged {
        pinned_hash: String,
        current_hash: String,
    },
    /// A drill scenario's faults, journaled right after `session-started`: the engine injects
    /// them from the journal, so a resume (headless or on screen) meets the same ones.
    DrillFaults {
        scenario: String,
        /// Checks that a drill would run for real (they only read) are simulated too: the
        /// scenario's deployment is made up, so real checks could only fail.
        #[serde(default)]
        simulate_checks: bool,
        faults: Vec<PlannedFault>,
    },
    /// A planned fault replaced this attempt's simulated success (journaled before its start).
    FaultInjected {
        step: String,
        attempt: u32,
        fault: String,
    },
    SessionFinished {},
    SessionAborted {
        reason: String,
    },
    /// Extra facts later versions add (forward compatibility): kept, ignored by the fold.
    #[serde(other)]
    Unknown,
}

/// A fault a drill scenario injects: which step keys it hits and what the simulation
/// reports instead of a success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedFault {
    pub id: String,
    /// A step key pattern; `*` matches any run of characters (`*/restore-rtc`).
    pub step: String,
    pub outcome: Outcome,
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// The made-up transcript the trainee sees.
    #[serde(default)]
    pub output: String,
    #[serde(default)]
    pub duration_s: Option<u64>,
    /// Every attempt fails, not only the first (the trainee must skip or mark it done).
    #[serde(default)]
    pub persist: bool,
    /// What a trainee should do about it (for the score and the report).
    #[serde(default)]
    pub hint: Option<String>,
    /// The handlings that count as the expected one: `retry`, `skip`, `mark-done`.
    #[serde(default)]
    pub expect: Vec<String>,
}

impl PlannedFault {
    /// True when this fault hits attempt `attempt` (1-based) of the step with key `key`.
    pub fn hits(&self, key: &str, attempt: u32) -> bool {
        (attempt == 1 || self.persist) && key_matches(&self.step, key)
    }
}

/// Matches a step key against a pattern in which `*` stands for any run of characters.
pub fn key_matches(pattern: &str, key: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == key;
    };
    let Some(mut rest) = key.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Who holds (or held) a session's lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

impl Event {
    /// The step this event is about, if any.
    pub fn step(&self) -> Option<&str> {
        match self {
            Event::StepEntered { step }
            | Event::StepConfirmed { step, .. }
            | Event::StepStarted { step, .. }
            | Event::StepFinished { step, .. }
            | Event::StepInterrupted { step, .. }
            | Event::StepSkipped { step, .. }
            | Event::StepMarkedDone { step, .. }
            | Event::StepCompleted { step }
            | Event::FaultInjected { step, .. }
            | Event::ChecklistTicked { step, .. } => Some(step),
            Event::NoteAdded { step, .. } => step.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn an_outcomes_key_is_its_journal_spelling() {
        for outcome in [
            Outcome::Succeeded,
            Outcome::Failed,
            Outcome::TimedOut,
            Outcome::Cancelled,
            Outcome::SpawnFailed,
        ] {
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.key()));
            assert!(!outcome.words().contains('-'), "{}", outcome.words());
        }
    }
}
