//! The one session driver: what a session is in this process (the pinned wizards, the folded
//! state, the secrets given here, the inventory's defaults) and the order in which the
//! engine's effects may be carried out.
//!
//! Sans I/O, so both front-ends share it: it hands its shell [`Command`]s (append this event,
//! run this attempt) and is told when an append is durable ([`Session::acked`]). The state
//! folds only from acknowledged records, an attempt is handed out only once the append before
//! it (its `step-started`) is durable, and intents that arrive while acks are outstanding wait
//! in order. The screens ack from the journal writer's task; a headless run is a journal that
//! acks at once (`app::driver`).

use std::collections::{BTreeMap, VecDeque};

use thiserror::Error;

use super::engine::{Defaults, Effect, Engine, EngineError, ExecRequest, Intent};
use super::event::{Event, Record};
use super::state::{SessionState, TransitionError};
use crate::wizard::Catalog;

/// What the driver asks its shell to carry out, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Append this event durably, then call [`Session::acked`] with its record.
    Append(Event),
    /// Run this attempt: its `step-started` is durable already.
    Run(ExecRequest),
}

/// What one call decided.
#[derive(Debug, Default, PartialEq)]
pub struct Decided {
    pub commands: Vec<Command>,
    /// The intent the engine refused; those queued after it were dropped.
    pub refused: Option<EngineError>,
}

/// The journal and the driver disagree: nothing may go on.
#[derive(Debug, Error, PartialEq)]
pub enum AckError {
    #[error("the journal acknowledged an event that was never sent (seq {0})")]
    Unexpected(u64),
    #[error("the journal refused its own event at seq {seq}: {error}")]
    Fold { seq: u64, error: TransitionError },
}

/// An event handed to the journal, with the attempts that may start once it is durable.
#[derive(Debug)]
struct PendingAppend {
    event: Event,
    then_run: Vec<ExecRequest>,
}

/// A session driven by this process.
pub struct Session<'d> {
    pub catalog: Catalog,
    pub root: String,
    /// The fold of every acknowledged record.
    pub state: SessionState,
    /// Secret values given in this process; never journaled.
    secrets: BTreeMap<String, String>,
    defaults: Box<dyn Defaults + Send + 'd>,
    /// Appends handed out and not acknowledged yet, oldest first.
    pending: VecDeque<PendingAppend>,
    /// Intents waiting for the acks before them (one batch: a form's answers).
    queued: VecDeque<Intent>,
}

impl<'d> Session<'d> {
    /// A session over a replayed state.
    pub fn new(
        catalog: Catalog,
        root: String,
        state: SessionState,
        defaults: Box<dyn Defaults + Send + 'd>,
    ) -> Self {
        Session {
            catalog,
            root,
            state,
            secrets: BTreeMap::new(),
            defaults,
            pending: VecDeque::new(),
            queued: VecDeque::new(),
        }
    }

    /// The engine's view of the session as it stands: the one place a driving engine is
    /// built (read-only views use `Engine::looking_at`).
    pub fn engine(&self) -> Engine<'_> {
        Engine {
            catalog: &self.catalog,
            root: &self.root,
            state: &self.state,
            secrets: &self.secrets,
            defaults: self.defaults.as_ref(),
        }
    }

    /// The inventory's defaults (checks re-run on resume fill their templates with them).
    pub fn defaults(&self) -> &dyn Defaults {
        self.defaults.as_ref()
    }

    /// Waiting for the journal, or for intents queued behind it.
    pub fn busy(&self) -> bool {
        !self.pending.is_empty() || !self.queued.is_empty()
    }

    /// Queues intents and decides them in order while no append is outstanding.
    pub fn submit(&mut self, intents: impl IntoIterator<Item = Intent>) -> Decided {
        self.queued.extend(intents);
        let mut decided = Decided::default();
        self.drain(&mut decided);
        decided
    }

    /// Journals an event the engine did not decide (a session's start, a hand-over).
    pub fn record(&mut self, event: Event) -> Command {
        self.pending.push_back(PendingAppend {
            event: event.clone(),
            then_run: vec![],
        });
        Command::Append(event)
    }

    /// The journal has `record` durably: fold it, release the attempts that waited for it,
    /// then decide the intents queued behind it.
    pub fn acked(&mut self, record: &Record) -> Result<Decided, AckError> {
        let pending = self
            .pending
            .pop_front()
            .ok_or(AckError::Unexpected(record.seq))?;
        if pending.event != record.event {
            // The journal's copy is the truth a resume will see; fold that one.
            tracing::warn!(
                seq = record.seq,
                "journal record differs from the event sent"
            );
        }
        self.state.apply(record).map_err(|error| AckError::Fold {
            seq: record.seq,
            error,
        })?;
        let mut decided = Decided {
            commands: pending.then_run.into_iter().map(Command::Run).collect(),
            refused: None,
        };
        self.drain(&mut decided);
        Ok(decided)
    }

    fn drain(&mut self, decided: &mut Decided) {
        while self.pending.is_empty() {
            let Some(intent) = self.queued.pop_front() else {
                return;
            };
            if let Err(error) = self.decide(intent, decided) {
                self.queued.clear();
                decided.refused = Some(error);
                return;
            }
        }
    }

    /// One intent through the engine; its effects become commands, each attempt held until
    /// the append before it is durable.
    fn decide(&mut self, intent: Intent, decided: &mut Decided) -> Result<(), EngineError> {
        for effect in self.engine().handle(intent)? {
            match effect {
                Effect::Append(event) => decided.commands.push(self.record(event)),
                Effect::RememberSecret { key, value } => {
                    self.secrets.insert(key, value);
                }
                Effect::Execute(request) => match self.pending.back_mut() {
                    Some(pending) => pending.then_run.push(request),
                    None => decided.commands.push(Command::Run(request)),
                },
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
