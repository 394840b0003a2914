//! Driving a session to its end without screens, from an answers file: how `lifeline run`
//! and `lifeline resume --answers` work, and how a dry run finds every missing answer.

use std::collections::BTreeSet;

use crate::session::engine::{Intent, Need, Next};
use crate::session::event::Outcome;
use crate::wizard::OnInterrupt;

use super::answers::{AnswersFile, FailedDecision, ManualDecision};
use super::driver::{Attached, Driver, DriverError, StepRunner};

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

enum Verified {
    /// The drive must stop (a secret the verification needs is missing).
    Stop(Ending),
    Passed(String),
    Failed(String),
    /// No verification is defined (a check step re-runs itself instead).
    NotPossible,
}

/// Runs the verification of an interrupted step (not journaled as an attempt), after
/// giving again the secrets it may need.
#[allow(clippy::too_many_arguments)]
fn verify(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    options: &HeadlessOptions,
    runner: &mut dyn StepRunner,
    key: &str,
    lines: &mut dyn FnMut(&str),
    missing: &mut Vec<String>,
) -> Result<Verified, DriverError> {
    if let Some(end) = reask(driver, answers, options, key, missing)? {
        return Ok(Verified::Stop(end));
    }
    let request = {
        let engine = driver.engine();
        let Some(step) = engine.steps().into_iter().find(|s| s.key == key) else {
            return Ok(Verified::NotPossible);
        };
        match engine.verify_request(&step) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(Verified::NotPossible),
            Err(e) => return Ok(Verified::Failed(e.to_string())),
        }
    };
    let report = runner.run(&request, lines);
    if report.outcome == Some(Outcome::Succeeded) {
        Ok(Verified::Passed(
            "interrupted; its verification passed on resume, so it was not run again".into(),
        ))
    } else {
        Ok(Verified::Failed(
            report.message.unwrap_or_else(|| "the check failed".into()),
        ))
    }
}

/// Answers what the step asks from the file or the defaults.
fn give_answers(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    options: &HeadlessOptions,
    key: &str,
    asks: Vec<(
        String,
        crate::wizard::InputKind,
        Option<crate::session::event::AnswerValue>,
    )>,
    missing: &mut Vec<String>,
) -> Result<Option<Ending>, DriverError> {
    for (answer_key, kind, default) in asks {
        // Worked out again before each answer: an answer can settle the step's condition
        // (then the rest of what it asked is not wanted), and a default may refer to an input
        // answered just before it in the same form.
        let Some(now) = asked_now(driver, key, &answer_key) else {
            return Ok(None);
        };
        let default = now.or(default);
        let Some(value) = answers.value_for(&answer_key, kind).or(default) else {
            if options.collect_missing {
                if !missing.contains(&answer_key) {
                    missing.push(answer_key.clone());
                }
                driver.apply(Intent::Skip {
                    step: key.to_string(),
                    reason: "dry run: missing answer".into(),
                })?;
                return Ok(None);
            }
            return Ok(Some(Ending::MissingAnswers(vec![answer_key])));
        };
        match driver.apply(Intent::Answer {
            key: answer_key.clone(),
            value,
        }) {
            Ok(_) => {}
            Err(DriverError::Refused(e)) => return Ok(Some(Ending::InvalidAnswer(e.to_string()))),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// While step `key` is under the cursor and still needs input `answer_key`: the default
/// the engine offers for it now. `None` when it is no longer asked.
fn asked_now(
    driver: &Driver<'_>,
    key: &str,
    answer_key: &str,
) -> Option<Option<crate::session::event::AnswerValue>> {
    let engine = driver.engine();
    match engine.next() {
        Next::Step { step, .. } if step.key == key => engine
            .missing_answers(&step)
            .into_iter()
            .find(|a| a.key == answer_key)
            .map(|a| a.default),
        _ => None,
    }
}

/// Runs a step again (after an interruption or a failure), first asking again for what
/// only memory held (secrets).
#[allow(clippy::too_many_arguments)]
fn rerun(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    options: &HeadlessOptions,
    runner: &mut dyn StepRunner,
    key: &str,
    lines: &mut dyn FnMut(&str),
    missing: &mut Vec<String>,
) -> Result<Option<Ending>, DriverError> {
    if let Some(end) = reask(driver, answers, options, key, missing)? {
        return Ok(Some(end));
    }
    let decided = answers.failed_decision(key).is_some();
    run_step(driver, runner, key, decided, lines)
}

/// Gives again what only memory held (secrets) before an interrupted or failed step runs
/// or is verified.
fn reask(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    options: &HeadlessOptions,
    key: &str,
    missing: &mut Vec<String>,
) -> Result<Option<Ending>, DriverError> {
    let asks = {
        let engine = driver.engine();
        let step = engine.steps().into_iter().find(|s| s.key == key);
        step.map(|s| {
            engine
                .missing_answers(&s)
                .iter()
                .map(|a| (a.key.clone(), a.input.kind, a.default.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    give_answers(driver, answers, options, key, asks, missing)
}

fn finish_or_missing(missing: Vec<String>) -> Ending {
    if missing.is_empty() {
        Ending::Finished
    } else {
        Ending::MissingAnswers(missing)
    }
}

/// Starts the step's next attempt and runs it; `Some` when the drive must stop.
/// With `decided`, a failure is left to the answers file's `[failed]` decision (the drive
/// loop meets it as a failed step) instead of ending the drive.
fn run_step(
    driver: &mut Driver<'_>,
    runner: &mut dyn StepRunner,
    key: &str,
    decided: bool,
    lines: &mut dyn FnMut(&str),
) -> Result<Option<Ending>, DriverError> {
    let runs = driver.apply(Intent::Start {
        step: key.to_string(),
    })?;
    for request in runs {
        let report = runner.run(&request, lines);
        let Some(outcome) = report.outcome else {
            // The supervisor vanished without a status: the outcome is unknown.
            driver.apply(Intent::Interrupted {
                step: request.step.clone(),
                attempt: request.attempt,
            })?;
            return Ok(Some(Ending::NeedsDecision {
                step: key.to_string(),
                what: format!(
                    "its supervisor ended without reporting how it went ({}); pass --interrupted rerun|skip|done",
                    report.message.unwrap_or_else(|| "no status".into())
                ),
            }));
        };
        let message = report.message.clone();
        let exit = report.exit_code;
        driver.apply(Intent::Finished {
            step: request.step.clone(),
            attempt: request.attempt,
            report,
        })?;
        if outcome != Outcome::Succeeded && !decided {
            let message = message.unwrap_or_else(|| match exit {
                Some(code) => format!("{outcome:?} with exit code {code}").to_lowercase(),
                None => format!("{outcome:?}").to_lowercase(),
            });
            return Ok(Some(Ending::StepFailed {
                step: key.to_string(),
                message,
            }));
        }
    }
    Ok(None)
}

/// The need, detached from the engine's borrows so the driver can be mutated.
enum Pending {
    Answers(
        Vec<(
            String,
            crate::wizard::InputKind,
            Option<crate::session::event::AnswerValue>,
        )>,
    ),
    Running {
        attempt: u32,
    },
    Interrupted {
        policy: OnInterrupt,
    },
    Failed {
        message: String,
    },
    Confirm {
        word: String,
    },
    Checklist {
        unticked: Vec<usize>,
    },
    Execute,
    Acknowledge,
}

fn summarize(need: &Need<'_>) -> Pending {
    match need {
        Need::Answers(asks) => Pending::Answers(
            asks.iter()
                .map(|a| (a.key.clone(), a.input.kind, a.default.clone()))
                .collect(),
        ),
        Need::Running { attempt } => Pending::Running { attempt: *attempt },
        Need::Interrupted { policy, .. } => Pending::Interrupted { policy: *policy },
        Need::Failed { outcome, exit_code } => Pending::Failed {
            message: match exit_code {
                Some(code) => format!("{} (exit code {code})", outcome_word(*outcome)),
                None => outcome_word(*outcome).to_string(),
            },
        },
        Need::Confirm { word } => Pending::Confirm { word: word.clone() },
        Need::Checklist { unticked } => Pending::Checklist {
            unticked: unticked.clone(),
        },
        Need::Execute => Pending::Execute,
        Need::Acknowledge => Pending::Acknowledge,
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed => "failed",
        Outcome::TimedOut => "timed out",
        Outcome::Cancelled => "cancelled",
        Outcome::SpawnFailed => "could not be started",
    }
}

/// A runner that runs nothing and reports success: the dry run's stand-in.
pub struct SucceedingRunner;

impl StepRunner for SucceedingRunner {
    fn run(
        &mut self,
        _request: &crate::session::engine::ExecRequest,
        _on_line: &mut dyn FnMut(&str),
    ) -> crate::session::engine::RunReport {
        crate::session::engine::RunReport {
            outcome: Some(Outcome::Succeeded),
            exit_code: Some(0),
            ..Default::default()
        }
    }
    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        Attached::Gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::driver::MemoryJournal;
    use crate::session::engine::NoDefaults;
    use crate::session::event::{Event, Operator};
    use crate::session::state::SessionState;
    use crate::wizard::{Catalog, parse_wizard};

    const WIZARD: &str = r#"
id = "w"
title = "t"
version = "1"
description = "d"

[[inputs]]
id = "which"
kind = "choice"
label = "l"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]

[[inputs]]
id = "for_a"
kind = "text"
label = "l"

[[steps]]
id = "only-a"
kind = "info"
title = "t"
body = "{{for_a}}"
when = { which = "a" }

[[steps]]
id = "always"
kind = "info"
title = "t"
"#;

    #[test]
    fn inputs_of_a_step_that_its_first_answer_rules_out_are_not_asked() {
        let mut catalog = Catalog::default();
        catalog.insert(parse_wizard("w.toml", WIZARD).unwrap());
        let answers = AnswersFile::parse("a.toml", "[answers]\nwhich = \"b\"\n").unwrap();
        for collect_missing in [false, true] {
            let mut memory = MemoryJournal::default();
            let mut driver = Driver::new(
                catalog.clone(),
                "w".into(),
                SessionState::default(),
                Box::new(NoDefaults),
                Box::new(&mut memory),
            );
            driver
                .append(Event::SessionStarted {
                    session: "s".into(),
                    wizard: "w".into(),
                    wizard_hash: String::new(),
                    wizard_version: "1".into(),
                    inventory_hash: None,
                    operator: Operator {
                        user: "u".into(),
                        host: "h".into(),
                    },
                    drill: false,
                    lifeline_version: "0".into(),
                    scenario: None,
                    target_s: None,
                })
                .unwrap();
            let options = HeadlessOptions {
                collect_missing,
                ..HeadlessOptions::default()
            };
            let ending = drive(
                &mut driver,
                &answers,
                &mut SucceedingRunner,
                &options,
                &mut |_, _| {},
            );
            assert!(matches!(ending, Ok(Ending::Finished)), "{ending:?}");
        }
    }
}
