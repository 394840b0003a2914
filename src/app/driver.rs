//! The driver: the imperative shell around the pure engine. It hands intents to the
//! engine, journals the events it returns (each durable before the next effect) and folds
//! them into the state; commands to run are handed back to the caller.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::session::engine::{
    Defaults, Effect, Engine, EngineError, ExecRequest, Intent, RunReport,
};
use crate::session::event::{Event, Record};
use crate::session::state::{SessionState, TransitionError};
use crate::wizard::Catalog;

/// Where events go: the session journal (or memory, for dry runs and tests).
pub trait JournalSink {
    /// Appends one event durably and returns the record as written.
    fn append(&mut self, event: Event) -> Result<Record, String>;
}

/// How a step journaled as running stands when a driver looks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Attached {
    /// It ended (perhaps while nobody watched): here is how.
    Ended(RunReport),
    /// No process and no outcome: interrupted.
    Gone,
}

/// Runs attempts. Blocking: the headless driver waits; the screens run it on a task.
pub trait StepRunner {
    /// Runs (or simulates) one attempt to its end; `on_line` sees output as it arrives.
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport;
    /// Finds an attempt started by an earlier process: waits for it if it still runs.
    fn attach(&mut self, step: &str, attempt: u32, on_line: &mut dyn FnMut(&str)) -> Attached;
}

/// Why the driver stopped.
#[derive(Debug, Error)]
pub enum DriverError {
    #[error(transparent)]
    Refused(#[from] EngineError),
    #[error("could not write the journal: {0}")]
    Journal(String),
    #[error("the journal refused its own event at seq {seq}: {error}")]
    Fold { seq: u64, error: TransitionError },
}

/// A session being driven by this process.
pub struct Driver<'s> {
    pub catalog: Catalog,
    pub root: String,
    pub state: SessionState,
    /// Secret values given in this process; never written anywhere.
    pub secrets: BTreeMap<String, String>,
    pub defaults: Box<dyn Defaults + 's>,
    journal: Box<dyn JournalSink + 's>,
}

impl<'s> Driver<'s> {
    /// A driver over a replayed state.
    pub fn new(
        catalog: Catalog,
        root: String,
        state: SessionState,
        defaults: Box<dyn Defaults + 's>,
        journal: Box<dyn JournalSink + 's>,
    ) -> Self {
        Driver {
            catalog,
            root,
            state,
            secrets: BTreeMap::new(),
            defaults,
            journal,
        }
    }

    /// The engine's view of the session as it stands.
    pub fn engine(&self) -> Engine<'_> {
        Engine {
            catalog: &self.catalog,
            root: &self.root,
            state: &self.state,
            secrets: &self.secrets,
            defaults: self.defaults.as_ref(),
        }
    }

    /// Decides an intent and carries out its journal effects. Returns the attempts to run,
    /// each already journaled as started.
    pub fn apply(&mut self, intent: Intent) -> Result<Vec<ExecRequest>, DriverError> {
        let effects = self.engine().handle(intent)?;
        let mut runs = Vec::new();
        for effect in effects {
            match effect {
                Effect::Append(event) => self.append(event)?,
                Effect::RememberSecret { key, value } => {
                    self.secrets.insert(key, value);
                }
                Effect::Execute(request) => runs.push(request),
            }
        }
        Ok(runs)
    }

    /// Journals an event outside the engine (session start, hand-over, changed definition).
    pub fn append(&mut self, event: Event) -> Result<(), DriverError> {
        let record = self.journal.append(event).map_err(DriverError::Journal)?;
        self.state
            .apply(&record)
            .map_err(|error| DriverError::Fold {
                seq: record.seq,
                error,
            })
    }
}

/// A journal kept in memory (dry runs, tests).
#[derive(Default)]
pub struct MemoryJournal {
    pub records: Vec<Record>,
    pub now: Option<time::OffsetDateTime>,
}

impl JournalSink for MemoryJournal {
    fn append(&mut self, event: Event) -> Result<Record, String> {
        let record = Record {
            seq: self.records.len() as u64 + 1,
            at: self.now.unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            event,
        };
        self.records.push(record.clone());
        Ok(record)
    }
}

impl<T: JournalSink + ?Sized> JournalSink for &mut T {
    fn append(&mut self, event: Event) -> Result<Record, String> {
        (**self).append(event)
    }
}
