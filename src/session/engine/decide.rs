//! Deciding an intent: whether it may happen now, and the effects (events to journal, a
//! secret to keep in memory, an attempt to run) that carry it out.

use super::super::event::{AnswerValue, Event, Outcome, REDACTED};
use super::super::state::{SessionStatus, StepStatus};
use super::super::steps::PlannedStep;
use super::{Effect, Engine, EngineError, Intent, Need, Next, RunReport};
use crate::wizard::validate::validate_value;
use crate::wizard::{DrillMode, InputKind, StepKind};

impl<'a> Engine<'a> {
    /// Decides an intent. Nothing changes until the driver journals the returned events.
    pub fn handle(&self, intent: Intent) -> Result<Vec<Effect>, EngineError> {
        if self.state.status != SessionStatus::InProgress && !matches!(intent, Intent::Note { .. })
        {
            return Err(EngineError::Ended);
        }
        match intent {
            Intent::Answer { key, value } => self.answer(key, value),
            Intent::Note { step, text } => {
                Ok(vec![Effect::Append(Event::NoteAdded { step, text })])
            }
            Intent::Abort { reason } => Ok(vec![Effect::Append(Event::SessionAborted { reason })]),
            Intent::FinishSession => match self.next() {
                Next::AllDone => Ok(vec![Effect::Append(Event::SessionFinished {})]),
                Next::Step { step, .. } => Err(EngineError::NotNow {
                    step: step.key,
                    why: "it is not resolved yet".into(),
                }),
                Next::Ended => Err(EngineError::Ended),
            },
            Intent::Finished {
                step,
                attempt,
                report,
            } => self.finished(step, attempt, report),
            Intent::Interrupted { step, attempt } => {
                let record = self.state.step(&step);
                if record.status != (StepStatus::Running { attempt }) {
                    return Err(EngineError::NotNow {
                        step,
                        why: "it is not running".into(),
                    });
                }
                Ok(vec![Effect::Append(Event::StepInterrupted {
                    step,
                    attempt,
                })])
            }
            other => self.step_intent(other),
        }
    }

    fn answer(&self, key: String, value: AnswerValue) -> Result<Vec<Effect>, EngineError> {
        // Whatever the current step still lacks may be answered, even when the step waits on
        // something else first (an interrupted step whose secret must be given again).
        let Next::Step { step, .. } = self.next() else {
            return Err(EngineError::UnknownInput(key));
        };
        let asks = self.missing_answers(&step);
        let Some(ask) = asks.iter().find(|a| a.key == key) else {
            return Err(EngineError::UnknownInput(key));
        };
        let value =
            validate_value(ask.input, &value).map_err(|message| EngineError::InvalidAnswer {
                key: key.clone(),
                message,
            })?;
        if ask.input.kind == InputKind::Secret {
            let text = value.as_text();
            let mut effects = vec![Effect::RememberSecret {
                key: key.clone(),
                value: text,
            }];
            if !ask.secret_again {
                effects.push(Effect::Append(Event::AnswerGiven {
                    key,
                    value: AnswerValue::Text(REDACTED.into()),
                    secret: true,
                }));
            }
            return Ok(effects);
        }
        Ok(vec![Effect::Append(Event::AnswerGiven {
            key,
            value,
            secret: false,
        })])
    }

    fn step_intent(&self, intent: Intent) -> Result<Vec<Effect>, EngineError> {
        let key = match &intent {
            Intent::Enter { step }
            | Intent::Confirm { step, .. }
            | Intent::Tick { step, .. }
            | Intent::Acknowledge { step }
            | Intent::Start { step }
            | Intent::Skip { step, .. }
            | Intent::MarkDone { step, .. } => step.clone(),
            _ => unreachable!("handled by the caller"),
        };
        let Next::Step { step, need } = self.next() else {
            return Err(EngineError::NotCurrent(key));
        };
        if step.key != key {
            return if self.steps().iter().any(|s| s.key == key) {
                Err(EngineError::NotCurrent(key))
            } else {
                Err(EngineError::UnknownStep(key))
            };
        }
        let not_now = |why: &str| EngineError::NotNow {
            step: key.clone(),
            why: why.to_string(),
        };
        let record = self.state.step(&key);
        match intent {
            Intent::Enter { .. } => Ok(vec![Effect::Append(Event::StepEntered { step: key })]),
            Intent::Confirm { word, .. } => match &need {
                Need::Confirm { word: expected } if *expected == word.trim() => {
                    Ok(vec![Effect::Append(Event::StepConfirmed {
                        step: key,
                        word: expected.clone(),
                    })])
                }
                Need::Confirm { word: expected } => Err(EngineError::WrongConfirmation {
                    step: key,
                    word: expected.clone(),
                }),
                _ => Err(not_now("it needs no confirmation now")),
            },
            Intent::Tick { item, ticked, .. } => {
                if step.def.kind != StepKind::Manual || item >= step.def.checklist.len() {
                    return Err(not_now("it has no such checklist item"));
                }
                if matches!(need, Need::Answers(_) | Need::Confirm { .. }) {
                    return Err(not_now("it still needs answers or a confirmation"));
                }
                Ok(vec![Effect::Append(Event::ChecklistTicked {
                    step: key,
                    item,
                    ticked,
                })])
            }
            Intent::Acknowledge { .. } => match need {
                Need::Acknowledge => Ok(vec![Effect::Append(Event::StepCompleted { step: key })]),
                Need::Checklist { .. } => Err(not_now("tick every checklist item first")),
                _ => Err(not_now("it is not ready to be completed")),
            },
            Intent::Start { .. } => match need {
                Need::Execute | Need::Failed { .. } => self.start(&step, record.attempts + 1),
                Need::Interrupted { .. } => self.start(&step, record.attempts + 1),
                Need::Confirm { .. } => Err(not_now("type the confirmation word first")),
                Need::Answers(_) => Err(not_now("it still needs answers")),
                Need::Running { .. } => Err(not_now("it is already running")),
                _ => Err(not_now("it does not run anything")),
            },
            Intent::Skip { reason, .. } => {
                if reason.trim().is_empty() {
                    return Err(EngineError::NoReason);
                }
                if matches!(need, Need::Running { .. }) {
                    return Err(not_now("it is running"));
                }
                Ok(vec![Effect::Append(Event::StepSkipped {
                    step: key,
                    reason: reason.trim().to_string(),
                })])
            }
            Intent::MarkDone { note, .. } => {
                if matches!(need, Need::Running { .. } | Need::Answers(_)) {
                    return Err(not_now("it is running or still needs answers"));
                }
                Ok(vec![Effect::Append(Event::StepMarkedDone {
                    step: key,
                    note,
                })])
            }
            _ => unreachable!("handled by the caller"),
        }
    }

    fn start(&self, step: &PlannedStep<'a>, attempt: u32) -> Result<Vec<Effect>, EngineError> {
        let def = step.def;
        if !def.executes() {
            return Err(EngineError::NotNow {
                step: step.key.clone(),
                why: "it does not run anything".into(),
            });
        }
        let fault = self.fault_for(&step.key, attempt);
        if self.drill() && def.drill_mode() == DrillMode::Skip && fault.is_none() {
            return Ok(vec![Effect::Append(Event::StepSkipped {
                step: step.key.clone(),
                reason: "not exercised in a drill".into(),
            })]);
        }
        let request = self.exec_request(step, attempt)?;
        let mut effects = Vec::with_capacity(3);
        if let Some(fault) = fault {
            effects.push(Effect::Append(Event::FaultInjected {
                step: step.key.clone(),
                attempt,
                fault: fault.id.clone(),
            }));
        }
        effects.push(Effect::Append(Event::StepStarted {
            step: step.key.clone(),
            attempt,
            argv: request.display_argv.clone(),
            simulated: request.simulate.is_some(),
        }));
        effects.push(Effect::Execute(request));
        Ok(effects)
    }

    fn finished(
        &self,
        step: String,
        attempt: u32,
        report: RunReport,
    ) -> Result<Vec<Effect>, EngineError> {
        let record = self.state.step(&step);
        if record.status != (StepStatus::Running { attempt }) {
            return Err(EngineError::NotNow {
                step,
                why: format!("attempt {attempt} is not running"),
            });
        }
        let outcome = report.outcome.unwrap_or(Outcome::Failed);
        Ok(vec![Effect::Append(Event::StepFinished {
            step,
            attempt,
            outcome,
            exit_code: report.exit_code,
            signal: report.signal,
            duration_ms: report.duration_ms,
            output: report.output,
            tail: report.tail,
            message: report.message,
        })])
    }
}
