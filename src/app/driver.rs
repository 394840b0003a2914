//! The headless shell around the one session driver (`session::driver`): its appends go to a
//! journal that acknowledges at once (the session's file, or memory for dry runs), so every
//! intent returns with its events durable and folded, and with the attempts it may now run.

use thiserror::Error;

use crate::session::driver::{AckError, Command, Decided, Session};
use crate::session::engine::{Defaults, EngineError, ExecRequest, Intent, RunReport};
use crate::session::event::{Event, Record};
use crate::session::state::SessionState;
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

/// Runs attempts. Blocking: the headless drive waits for each.
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
    #[error(transparent)]
    Ack(#[from] AckError),
}

/// A session driven headless: the one driver plus a journal that acks at once.
pub struct Driver<'s> {
    session: Session<'s>,
    journal: Box<dyn JournalSink + 's>,
}

impl<'s> Driver<'s> {
    /// A driver over a replayed state.
    pub fn new(
        catalog: Catalog,
        root: String,
        state: SessionState,
        defaults: Box<dyn Defaults + Send + 's>,
        journal: Box<dyn JournalSink + 's>,
    ) -> Self {
        Driver::over(Session::new(catalog, root, state, defaults), journal)
    }

    /// A driver over a session the caller built (an opened session's core).
    pub fn over(session: Session<'s>, journal: Box<dyn JournalSink + 's>) -> Self {
        Driver { session, journal }
    }

    /// Decides an intent and carries out its appends. Returns the attempts to run, each
    /// already journaled as started.
    pub fn apply(&mut self, intent: Intent) -> Result<Vec<ExecRequest>, DriverError> {
        let decided = self.session.submit([intent]);
        self.carry_out(decided)
    }

    /// Journals an event outside the engine (session start, hand-over, a drill's faults).
    pub fn append(&mut self, event: Event) -> Result<(), DriverError> {
        let command = self.session.record(event);
        let runs = self.carry_out(Decided {
            commands: vec![command],
            refused: None,
        })?;
        debug_assert!(
            runs.is_empty(),
            "an event outside the engine starts nothing"
        );
        Ok(())
    }

    fn carry_out(&mut self, decided: Decided) -> Result<Vec<ExecRequest>, DriverError> {
        let mut runs = Vec::new();
        let mut work: std::collections::VecDeque<Command> = decided.commands.into();
        let mut refused = decided.refused;
        while let Some(command) = work.pop_front() {
            match command {
                Command::Append(event) => {
                    let record = self.journal.append(event).map_err(DriverError::Journal)?;
                    let next = self.session.acked(&record)?;
                    work.extend(next.commands);
                    refused = refused.or(next.refused);
                }
                Command::Run(request) => runs.push(request),
            }
        }
        match refused {
            Some(error) => Err(error.into()),
            None => Ok(runs),
        }
    }
}

/// Read access to the session (its state, its engine); changes go through `apply`.
impl<'s> std::ops::Deref for Driver<'s> {
    type Target = Session<'s>;
    fn deref(&self) -> &Session<'s> {
        &self.session
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
