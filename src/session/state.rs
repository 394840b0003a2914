//! A session's state as the fold of its journal, with the legal step transitions.
//!
//! `apply` refuses an event that is not legal in the current state (for example a second
//! start of a step that already succeeded), so the engine can test an event before it is
//! journaled and replay can spot a journal that was edited into nonsense.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;
use time::OffsetDateTime;

use super::event::{
    AnswerValue, Answers, Event, LockHolder, Operator, Outcome, PlannedFault, Record,
};

/// Where a step stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    /// Shown to the operator, nothing decided yet.
    Entered,
    /// An execution attempt was journaled as started and has not finished (yet).
    Running {
        attempt: u32,
    },
    Succeeded,
    Failed {
        outcome: Outcome,
    },
    /// Resume found it started and not finished with no process left to say how it ended.
    Interrupted {
        attempt: u32,
    },
    Skipped {
        reason: String,
    },
    MarkedDone {
        note: Option<String>,
    },
    /// A step without execution (info, choice, input, manual, include) was completed.
    Completed,
}

impl StepStatus {
    /// Done one way or another: the cursor moves past it and it never runs again.
    pub fn is_resolved(&self) -> bool {
        matches!(
            self,
            StepStatus::Succeeded
                | StepStatus::Skipped { .. }
                | StepStatus::MarkedDone { .. }
                | StepStatus::Completed
        )
    }

    /// A short lower-case word for lists and JSON.
    pub fn label(&self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Entered => "pending",
            StepStatus::Running { .. } => "running",
            StepStatus::Succeeded => "done",
            StepStatus::Failed { .. } => "failed",
            StepStatus::Interrupted { .. } => "interrupted",
            StepStatus::Skipped { .. } => "skipped",
            StepStatus::MarkedDone { .. } => "marked-done",
            StepStatus::Completed => "done",
        }
    }
}

/// Everything the journal says about one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub status: StepStatus,
    pub attempts: u32,
    pub ticked: BTreeSet<usize>,
    pub confirmed: bool,
    pub entered_at: Option<OffsetDateTime>,
    pub started_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
    pub exit_code: Option<i32>,
    pub argv: Vec<String>,
    pub simulated: bool,
    pub tail: Vec<String>,
    pub message: Option<String>,
    /// Milliseconds spent executing, over all attempts.
    pub machine_ms: u64,
}

impl Default for StepRecord {
    fn default() -> Self {
        StepRecord {
            status: StepStatus::Pending,
            attempts: 0,
            ticked: BTreeSet::new(),
            confirmed: false,
            entered_at: None,
            started_at: None,
            finished_at: None,
            exit_code: None,
            argv: vec![],
            simulated: false,
            tail: vec![],
            message: None,
            machine_ms: 0,
        }
    }
}

/// The facts of `session-started`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub session: String,
    pub wizard: String,
    pub wizard_hash: String,
    pub wizard_version: String,
    pub inventory_hash: Option<String>,
    pub operator: Operator,
    pub drill: bool,
    pub lifeline_version: String,
    pub scenario: Option<String>,
    pub target_s: Option<u64>,
    pub started_at: OffsetDateTime,
}

/// How the session as a whole stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStatus {
    InProgress,
    Finished,
    Aborted { reason: String },
}

/// The fold of a session's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    pub meta: Option<Meta>,
    pub status: SessionStatus,
    /// Answers by scoped key; a secret's value is `****` here.
    pub answers: Answers,
    pub secret_keys: BTreeSet<String>,
    pub steps: BTreeMap<String, StepRecord>,
    pub notes: Vec<(Option<String>, String, OffsetDateTime)>,
    pub takeovers: Vec<(LockHolder, String, OffsetDateTime)>,
    pub last_seq: u64,
    pub updated_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
    /// The faults of a drill scenario (`drill-faults`), when the session is one.
    pub drill_faults: Option<DrillFaults>,
    /// Faults met so far, in order.
    pub injected: Vec<InjectedFault>,
}

/// A drill scenario's faults, as journaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillFaults {
    pub scenario: String,
    pub simulate_checks: bool,
    pub faults: Vec<PlannedFault>,
}

impl DrillFaults {
    /// The fault that hits this attempt of this step, if any (the first listed wins).
    pub fn fault_for(&self, key: &str, attempt: u32) -> Option<&PlannedFault> {
        self.faults.iter().find(|f| f.hits(key, attempt))
    }
}

/// A fault that was injected into one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFault {
    pub step: String,
    pub attempt: u32,
    pub fault: String,
    pub at: OffsetDateTime,
}

/// Why an event cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("expected sequence number {expected}, found {found}")]
    Sequence { expected: u64, found: u64 },
    #[error("the journal must begin with session-started")]
    NotStarted,
    #[error("the session was already started")]
    AlreadyStarted,
    #[error("the session has ended; no more steps can change")]
    Ended,
    #[error("step '{step}' cannot go from {from} to {to}")]
    Illegal {
        step: String,
        from: String,
        to: &'static str,
    },
    #[error("step '{step}' attempt {found} does not follow attempt {expected}")]
    Attempt {
        step: String,
        expected: u32,
        found: u32,
    },
}

impl Default for SessionState {
    fn default() -> Self {
        SessionState {
            meta: None,
            status: SessionStatus::InProgress,
            answers: Answers::new(),
            secret_keys: BTreeSet::new(),
            steps: BTreeMap::new(),
            notes: vec![],
            takeovers: vec![],
            last_seq: 0,
            updated_at: None,
            finished_at: None,
            drill_faults: None,
            injected: vec![],
        }
    }
}

impl SessionState {
    /// Replays records in order.
    pub fn replay<'a>(
        records: impl IntoIterator<Item = &'a Record>,
    ) -> Result<Self, (u64, TransitionError)> {
        let mut state = SessionState::default();
        for r in records {
            state.apply(r).map_err(|e| (r.seq, e))?;
        }
        Ok(state)
    }

    /// The record for a step (pending when the journal never mentioned it).
    pub fn step(&self, key: &str) -> StepRecord {
        self.steps.get(key).cloned().unwrap_or_default()
    }

    /// True when no step is mid-execution and the session has not ended.
    pub fn is_open(&self) -> bool {
        self.status == SessionStatus::InProgress
    }

    /// Steps journaled as started but not finished.
    pub fn running_steps(&self) -> Vec<(String, u32)> {
        self.steps
            .iter()
            .filter_map(|(k, r)| match r.status {
                StepStatus::Running { attempt } => Some((k.clone(), attempt)),
                _ => None,
            })
            .collect()
    }

    /// Applies one record; on error the state is unchanged.
    pub fn apply(&mut self, record: &Record) -> Result<(), TransitionError> {
        if record.seq != self.last_seq + 1 {
            return Err(TransitionError::Sequence {
                expected: self.last_seq + 1,
                found: record.seq,
            });
        }
        // In place: `apply_event` checks before it changes anything, so a refused event
        // leaves the state as it was (cloning the whole state per event made replay quadratic).
        self.apply_event(&record.event, record.at)?;
        self.last_seq = record.seq;
        self.updated_at = Some(record.at);
        Ok(())
    }

    /// Tests whether `event` would be legal now, without changing anything.
    pub fn check(&self, event: &Event, at: OffsetDateTime) -> Result<(), TransitionError> {
        self.clone().apply_event(event, at)
    }

    fn apply_event(&mut self, event: &Event, at: OffsetDateTime) -> Result<(), TransitionError> {
        if let Event::SessionStarted {
            session,
            wizard,
            wizard_hash,
            wizard_version,
            inventory_hash,
            operator,
            drill,
            lifeline_version,
            scenario,
            target_s,
        } = event
        {
            if self.meta.is_some() {
                return Err(TransitionError::AlreadyStarted);
            }
            self.meta = Some(Meta {
                session: session.clone(),
                wizard: wizard.clone(),
                wizard_hash: wizard_hash.clone(),
                wizard_version: wizard_version.clone(),
                inventory_hash: inventory_hash.clone(),
                operator: operator.clone(),
                drill: *drill,
                lifeline_version: lifeline_version.clone(),
                scenario: scenario.clone(),
                target_s: *target_s,
                started_at: at,
            });
            return Ok(());
        }
        if self.meta.is_none() {
            return Err(TransitionError::NotStarted);
        }
        // Notes, hand-overs and unknown future events are allowed at any time.
        match event {
            Event::NoteAdded { step, text } => {
                self.notes.push((step.clone(), text.clone(), at));
                return Ok(());
            }
            Event::LockTakenOver { previous, note } => {
                self.takeovers.push((previous.clone(), note.clone(), at));
                return Ok(());
            }
            Event::WizardChanged { .. } | Event::Unknown => return Ok(()),
            _ => {}
        }
        if self.status != SessionStatus::InProgress {
            return Err(TransitionError::Ended);
        }
        match event {
            Event::AnswerGiven { key, value, secret } => {
                if *secret {
                    self.secret_keys.insert(key.clone());
                    self.answers.insert(
                        key.clone(),
                        AnswerValue::Text(super::event::REDACTED.into()),
                    );
                } else {
                    self.answers.insert(key.clone(), value.clone());
                }
            }
            Event::SessionFinished {} => {
                if let Some((step, _)) = self.running_steps().into_iter().next() {
                    return Err(illegal(
                        &step,
                        &StepStatus::Running { attempt: 0 },
                        "session-finished",
                    ));
                }
                self.status = SessionStatus::Finished;
                self.finished_at = Some(at);
            }
            Event::SessionAborted { reason } => {
                self.status = SessionStatus::Aborted {
                    reason: reason.clone(),
                };
                self.finished_at = Some(at);
            }
            Event::DrillFaults {
                scenario,
                simulate_checks,
                faults,
            } => {
                self.drill_faults = Some(DrillFaults {
                    scenario: scenario.clone(),
                    simulate_checks: *simulate_checks,
                    faults: faults.clone(),
                });
            }
            Event::FaultInjected {
                step,
                attempt,
                fault,
            } => {
                self.injected.push(InjectedFault {
                    step: step.clone(),
                    attempt: *attempt,
                    fault: fault.clone(),
                    at,
                });
            }
            other => self.apply_step_event(other, at)?,
        }
        Ok(())
    }

    fn apply_step_event(
        &mut self,
        event: &Event,
        at: OffsetDateTime,
    ) -> Result<(), TransitionError> {
        let Some(key) = event.step() else {
            return Ok(());
        };
        let key = key.to_string();
        // A copy of this one step, stored back only if the event is legal.
        let mut rec = self.steps.get(&key).cloned().unwrap_or_default();
        let open = matches!(
            rec.status,
            StepStatus::Pending
                | StepStatus::Entered
                | StepStatus::Failed { .. }
                | StepStatus::Interrupted { .. }
        );
        match event {
            Event::StepEntered { .. } => {
                if rec.entered_at.is_none() {
                    rec.entered_at = Some(at);
                }
                if rec.status == StepStatus::Pending {
                    rec.status = StepStatus::Entered;
                }
            }
            Event::StepConfirmed { .. } => {
                if !open {
                    return Err(illegal(&key, &rec.status, "confirmed"));
                }
                rec.confirmed = true;
            }
            Event::ChecklistTicked { item, ticked, .. } => {
                if !open {
                    return Err(illegal(&key, &rec.status, "ticked"));
                }
                if *ticked {
                    rec.ticked.insert(*item);
                } else {
                    rec.ticked.remove(item);
                }
            }
            Event::StepStarted {
                attempt,
                argv,
                simulated,
                ..
            } => {
                if !open {
                    return Err(illegal(&key, &rec.status, "running"));
                }
                if *attempt != rec.attempts + 1 {
                    return Err(TransitionError::Attempt {
                        step: key,
                        expected: rec.attempts + 1,
                        found: *attempt,
                    });
                }
                rec.attempts = *attempt;
                rec.status = StepStatus::Running { attempt: *attempt };
                rec.started_at = Some(at);
                rec.finished_at = None;
                rec.argv = argv.clone();
                rec.simulated = *simulated;
                rec.exit_code = None;
                rec.message = None;
            }
            Event::StepFinished {
                attempt,
                outcome,
                exit_code,
                duration_ms,
                tail,
                message,
                ..
            } => {
                if rec.status != (StepStatus::Running { attempt: *attempt }) {
                    return Err(illegal(&key, &rec.status, "finished"));
                }
                rec.status = match outcome {
                    Outcome::Succeeded => StepStatus::Succeeded,
                    other => StepStatus::Failed { outcome: *other },
                };
                rec.exit_code = *exit_code;
                rec.finished_at = Some(at);
                rec.machine_ms += duration_ms;
                rec.tail = tail.clone();
                rec.message = message.clone();
            }
            Event::StepInterrupted { attempt, .. } => {
                if rec.status != (StepStatus::Running { attempt: *attempt }) {
                    return Err(illegal(&key, &rec.status, "interrupted"));
                }
                rec.status = StepStatus::Interrupted { attempt: *attempt };
            }
            Event::StepSkipped { reason, .. } => {
                if !open {
                    return Err(illegal(&key, &rec.status, "skipped"));
                }
                rec.status = StepStatus::Skipped {
                    reason: reason.clone(),
                };
                rec.finished_at = Some(at);
            }
            Event::StepMarkedDone { note, .. } => {
                if !open {
                    return Err(illegal(&key, &rec.status, "marked-done"));
                }
                rec.status = StepStatus::MarkedDone { note: note.clone() };
                rec.finished_at = Some(at);
            }
            Event::StepCompleted { .. } => {
                if !matches!(rec.status, StepStatus::Pending | StepStatus::Entered) {
                    return Err(illegal(&key, &rec.status, "completed"));
                }
                rec.status = StepStatus::Completed;
                rec.finished_at = Some(at);
            }
            _ => {}
        }
        self.steps.insert(key, rec);
        Ok(())
    }
}

fn illegal(step: &str, from: &StepStatus, to: &'static str) -> TransitionError {
    TransitionError::Illegal {
        step: step.to_string(),
        from: from.label().to_string(),
        to,
    }
}
