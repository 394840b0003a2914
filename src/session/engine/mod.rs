//! The session engine: given the state (the fold of the journal) and an intent from the
//! operator or the runner, decide what happens next and return it as effects.
//!
//! Pure: no disk, clock, terminal or process. The driver carries out the effects in order,
//! appending each event (fsynced) before it carries out anything that follows it.
//!
//! Split by job: [`standing`] says where the session stands and what the current step needs,
//! [`decide`] turns an intent into effects, [`request`] fills a step's templates into the
//! request the runner carries out (with the plan's filling in [`super::fill`]).

mod decide;
mod request;
mod standing;

use std::collections::BTreeMap;

use thiserror::Error;

use super::event::{AnswerValue, Event, Outcome};
use super::state::SessionState;
use crate::wizard::{Catalog, CheckSpec};

pub use super::fill::{check_templates, shell_argv, templates_of};
pub use standing::{Ask, Need, Next};

/// Where default values come from (the inventory); keys are `default_from` strings.
pub trait Defaults {
    fn lookup(&self, key: &str) -> Option<AnswerValue>;
}

/// No inventory.
pub struct NoDefaults;

impl Defaults for NoDefaults {
    fn lookup(&self, _key: &str) -> Option<AnswerValue> {
        None
    }
}

/// An operator decision or a runner report.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    Answer {
        key: String,
        value: AnswerValue,
    },
    Enter {
        step: String,
    },
    Confirm {
        step: String,
        word: String,
    },
    Tick {
        step: String,
        item: usize,
        ticked: bool,
    },
    Acknowledge {
        step: String,
    },
    /// Start (or retry, or re-run after an interruption) a command or check.
    Start {
        step: String,
    },
    /// The runner reports how an attempt ended.
    Finished {
        step: String,
        attempt: u32,
        report: RunReport,
    },
    /// The driver found no process for a step journaled as running.
    Interrupted {
        step: String,
        attempt: u32,
    },
    Skip {
        step: String,
        reason: String,
    },
    MarkDone {
        step: String,
        note: Option<String>,
    },
    Note {
        step: Option<String>,
        text: String,
    },
    FinishSession,
    Abort {
        reason: String,
    },
}

/// How an attempt ended, as the runner saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunReport {
    pub outcome: Option<Outcome>,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub duration_ms: u64,
    pub output: Option<String>,
    pub tail: Vec<String>,
    pub message: Option<String>,
}

/// What the driver must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Journal this event (write + fsync) before anything after it.
    Append(Event),
    /// Keep a secret's value in memory for this process only.
    RememberSecret { key: String, value: String },
    /// Run (or simulate) an attempt; report back with `Intent::Finished`.
    Execute(ExecRequest),
}

/// Everything the runner needs for one attempt, with templates filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecRequest {
    pub step: String,
    pub attempt: u32,
    /// The real argv (holds secrets; never journaled or shown).
    pub argv: Vec<String>,
    /// The argv as shown and journaled, secrets as `****`.
    pub display_argv: Vec<String>,
    pub cwd: Option<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Option<String>,
    pub timeout_s: Option<u64>,
    pub success_codes: Vec<i32>,
    /// A built-in check (its fields rendered); for `command` checks `argv` is the command.
    pub check: Option<CheckSpec>,
    /// In a drill: what to pretend happened instead of running anything.
    pub simulate: Option<Simulation>,
    /// Secret values to mask in any output.
    pub secrets: Vec<String>,
}

/// A drill's stand-in for running a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub duration_s: u64,
    pub output: String,
    pub outcome: Outcome,
    pub exit_code: i32,
}

/// Why an intent was refused. The message is for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    #[error("no step '{0}' in this session")]
    UnknownStep(String),
    #[error("step '{0}' is not the current step")]
    NotCurrent(String),
    #[error("no input '{0}' is asked here")]
    UnknownInput(String),
    #[error("'{key}': {message}")]
    InvalidAnswer { key: String, message: String },
    #[error("step '{step}' needs the word '{word}' typed to confirm")]
    WrongConfirmation { step: String, word: String },
    #[error("step '{step}' cannot do that now: {why}")]
    NotNow { step: String, why: String },
    #[error("the session has ended")]
    Ended,
    #[error("a skip needs a reason")]
    NoReason,
    #[error("'max_age_h' must fill in to a whole number of hours, not '{0}'")]
    NotAHours(String),
}

/// A session seen by the engine: the pinned wizards, the state, and what only memory holds.
pub struct Engine<'a> {
    pub catalog: &'a Catalog,
    pub root: &'a str,
    pub state: &'a SessionState,
    pub secrets: &'a BTreeMap<String, String>,
    pub defaults: &'a dyn Defaults,
}

impl<'a> Engine<'a> {
    /// An engine for looking at a session without driving it: no secrets given in this
    /// process, no inventory defaults (listings, the live view).
    pub fn looking_at(catalog: &'a Catalog, root: &'a str, state: &'a SessionState) -> Self {
        static NO_SECRETS: BTreeMap<String, String> = BTreeMap::new();
        Engine {
            catalog,
            root,
            state,
            secrets: &NO_SECRETS,
            defaults: &NoDefaults,
        }
    }

    pub(super) fn drill(&self) -> bool {
        self.state.meta.as_ref().is_some_and(|m| m.drill)
    }
}
