//! Driving a session to its end without screens, from an answers file: how `lifeline run`
//! and `lifeline resume --answers` work, and how a dry run finds every missing answer.

use std::collections::BTreeSet;

use crate::session::event::Outcome;
use crate::session::engine::{Intent, Next};
use crate::wizard::OnInterrupt;

use super::answers::{AnswersFile, FailedDecision, ManualDecision};
use super::driver::{Attached, Driver, DriverError, StepRunner};

mod pending;
mod steps;
#[cfg(test)]
mod tests;

pub use pending::SucceedingRunner;
use pending::{Pending, summarize};
use steps::{Verified, finish_or_missing, give_answers, rerun, run_step, verify};

/// What to do with a step interrupted under an `ask` policy (`--interrupted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterruptedChoice {
    Rerun,
    Skip,
    Done,
}

/// How a headless drive ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Finished,
    Aborted(String),
    /// A step failed (exit 1); the session stays open for a retry.
    StepFailed {
        step: String,
        message: String,
    },
    /// The operator must decide something the answers file does not say (exit 3).
    NeedsDecision {
        step: String,
        what: String,
    },
    /// Inputs with no value in the answers file and no default (exit 2).
    MissingAnswers(Vec<String>),
    /// A value in the answers file was rejected (exit 2).
    InvalidAnswer(String),
}

/// Options of one headless drive.
#[derive(Debug, Clone, Default)]
pub struct HeadlessOptions {
    pub interrupted: Option<InterruptedChoice>,
    /// A failed step under the cursor is retried once (a resume after fixing the cause).
    pub retry_failed: bool,
    /// Collect every missing answer instead of stopping at the first (dry runs).
    pub collect_missing: bool,
}

/// Runs the session forward until it ends or needs something the answers do not give.
pub fn drive(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    runner: &mut dyn StepRunner,
    options: &HeadlessOptions,
    on_line: &mut dyn FnMut(&str, &str),
) -> Result<Ending, DriverError> {
    let mut entered: BTreeSet<String> = BTreeSet::new();
    let mut retried: BTreeSet<String> = BTreeSet::new();
    // Steps whose failure was found on re-attach (it failed while nobody watched): shown and
    // left to a decision, never retried on their own (issue 10).
    let mut found_failed: BTreeSet<String> = BTreeSet::new();
    let mut missing: Vec<String> = Vec::new();
    loop {
        let (key, need) = match driver.engine().next() {
            Next::Ended => {
                return Ok(match &driver.state.status {
                    crate::session::state::SessionStatus::Aborted { reason } => {
                        Ending::Aborted(reason.clone())
                    }
                    _ => finish_or_missing(missing),
                });
            }
            Next::AllDone => {
                if !missing.is_empty() {
                    return Ok(Ending::MissingAnswers(missing));
                }
                driver.apply(Intent::FinishSession)?;
                return Ok(Ending::Finished);
            }
            Next::Step { step, need } => (step.key.clone(), summarize(&need)),
        };
        if entered.insert(key.clone()) {
            driver.apply(Intent::Enter { step: key.clone() })?;
        }
        let mut lines = |line: &str| on_line(&key, line);
        match need {
            Pending::Answers(asks) => {
                if let Some(end) = give_answers(driver, answers, options, &key, asks, &mut missing)?
                {
                    return Ok(end);
                }
            }
            Pending::Running { attempt } => match runner.attach(&key, attempt, &mut lines) {
                Attached::Ended(report) => {
                    if report.outcome != Some(Outcome::Succeeded) {
                        found_failed.insert(key.clone());
                    }
                    driver.apply(Intent::Finished {
                        step: key.clone(),
                        attempt,
                        report,
                    })?;
                }
                Attached::Gone => {
                    driver.apply(Intent::Interrupted {
                        step: key.clone(),
                        attempt,
                    })?;
                }
            },
            Pending::Interrupted { policy } => {
                let choice = match (policy, options.interrupted) {
                    (_, Some(choice)) => choice,
                    (OnInterrupt::Rerun, None) => InterruptedChoice::Rerun,
                    (OnInterrupt::Check, None) => match verify(
                        driver,
                        answers,
                        options,
                        runner,
                        &key,
                        &mut lines,
                        &mut missing,
                    )? {
                        Verified::Stop(end) => return Ok(end),
                        Verified::Passed(note) => {
                            driver.apply(Intent::MarkDone {
                                step: key.clone(),
                                note: Some(note),
                            })?;
                            continue;
                        }
                        Verified::Failed(why) => {
                            return Ok(Ending::NeedsDecision {
                                step: key,
                                what: format!(
                                    "it was running when lifeline stopped and its verification did not pass ({why}); \
                                     pass --interrupted rerun|skip|done"
                                ),
                            });
                        }
                        Verified::NotPossible => InterruptedChoice::Rerun,
                    },
                    (OnInterrupt::Ask, None) => {
                        return Ok(Ending::NeedsDecision {
                            step: key,
                            what:
                                "it was running when lifeline stopped and its outcome is unknown; \
                                   pass --interrupted rerun|skip|done"
                                    .into(),
                        });
                    }
                };
                match choice {
                    InterruptedChoice::Rerun => {
                        if let Some(end) = rerun(
                            driver,
                            answers,
                            options,
                            runner,
                            &key,
                            &mut lines,
                            &mut missing,
                        )? {
                            return Ok(end);
                        }
                    }
                    InterruptedChoice::Skip => {
                        driver.apply(Intent::Skip {
                            step: key.clone(),
                            reason: "interrupted; skipped by the operator (--interrupted skip)"
                                .into(),
                        })?;
                    }
                    InterruptedChoice::Done => {
                        driver.apply(Intent::MarkDone {
                            step: key.clone(),
                            note: Some(
                                "interrupted; marked done by the operator (--interrupted done)"
                                    .into(),
                            ),
                        })?;
                    }
                }
            }
            Pending::Failed { message } => {
                let decision = answers.failed_decision(&key);
                match decision {
                    Some(FailedDecision::Skip(reason)) => {
                        driver.apply(Intent::Skip {
                            step: key.clone(),
                            reason,
                        })?;
                        continue;
                    }
                    Some(FailedDecision::Done(note)) => {
                        driver.apply(Intent::MarkDone {
                            step: key.clone(),
                            note,
                        })?;
                        continue;
                    }
                    Some(FailedDecision::Retry) | None => {}
                }
                if decision.is_none() && found_failed.contains(&key) {
                    let message = driver.state.step(&key).message.unwrap_or(message);
                    return Ok(Ending::NeedsDecision {
                        step: key,
                        what: format!(
                            "it failed while lifeline was not watching ({message}); decide in the answers file's [failed] table (retry, skip: <reason>, done)"
                        ),
                    });
                }
                let retry = options.retry_failed || decision.is_some();
                if retry && retried.insert(key.clone()) {
                    if let Some(end) = rerun(
                        driver,
                        answers,
                        options,
                        runner,
                        &key,
                        &mut lines,
                        &mut missing,
                    )? {
                        return Ok(end);
                    }
                } else {
                    // The last attempt's own words say more than its exit code.
                    let message = driver.state.step(&key).message.unwrap_or(message);
                    return Ok(Ending::StepFailed { step: key, message });
                }
            }
            Pending::Confirm { word } => match answers.confirmation(&key) {
                Some(given) if given.trim() == word => {
                    driver.apply(Intent::Confirm {
                        step: key.clone(),
                        word: word.clone(),
                    })?;
                }
                _ if options.collect_missing => {
                    driver.apply(Intent::Confirm {
                        step: key.clone(),
                        word: word.clone(),
                    })?;
                }
                _ => {
                    return Ok(Ending::NeedsDecision {
                        step: key,
                        what: format!(
                            "it is a point of no return; confirm with [confirm] \"<step>\" = \"{word}\""
                        ),
                    });
                }
            },
            Pending::Checklist { unticked } => {
                let decision = answers
                    .manual_decision(&key)
                    .or_else(|| options.collect_missing.then_some(ManualDecision::Done));
                match decision {
                    Some(ManualDecision::Done) => {
                        for item in unticked {
                            driver.apply(Intent::Tick {
                                step: key.clone(),
                                item,
                                ticked: true,
                            })?;
                        }
                    }
                    Some(ManualDecision::Skip(reason)) => {
                        driver.apply(Intent::Skip {
                            step: key.clone(),
                            reason,
                        })?;
                    }
                    None => {
                        return Ok(Ending::NeedsDecision {
                            step: key,
                            what: "it is a manual checklist; say [manual] \"<step>\" = \"done\" or \"skip: <reason>\""
                                .into(),
                        });
                    }
                }
            }
            Pending::Execute => {
                let decided = answers.failed_decision(&key).is_some();
                if let Some(end) = run_step(driver, runner, &key, decided, &mut lines)? {
                    return Ok(end);
                }
            }
            Pending::Acknowledge => {
                driver.apply(Intent::Acknowledge { step: key.clone() })?;
            }
        }
    }
}
