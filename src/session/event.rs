//! The events a session journal holds. State is the fold of these (see `session::state`).
//!
//! One event is one journal line: `<crc32 hex> {"seq":..,"at":..,"event":{"type":..}}`.
//! Secret values never appear here: an answer to a secret input is recorded as `"****"`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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

/// An answer as journaled: a string, a bool, or a list (multi-choice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl AnswerValue {
    /// The value as one string, for templates: lists joined with commas.
    pub fn as_text(&self) -> String {
        match self {
            AnswerValue::Bool(b) => b.to_string(),
            AnswerValue::Text(s) => s.clone(),
            AnswerValue::List(items) => items.join(","),
        }
    }
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
    SessionFinished {},
    SessionAborted {
        reason: String,
    },
    /// Extra facts later versions add (forward compatibility): kept, ignored by the fold.
    #[serde(other)]
    Unknown,
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
            | Event::ChecklistTicked { step, .. } => Some(step),
            Event::NoteAdded { step, .. } => step.as_deref(),
            _ => None,
        }
    }
}

/// Answers by scoped key, as the fold sees them.
pub type Answers = BTreeMap<String, AnswerValue>;
