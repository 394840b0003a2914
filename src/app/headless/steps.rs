//! The steps of a headless drive: answering from the file, running an attempt, running
//! again after a failure or an interruption, verifying an interrupted step.

use crate::session::engine::{Intent, Next};
use crate::session::event::Outcome;

use super::super::answers::AnswersFile;
use super::super::driver::{Driver, DriverError, StepRunner};
use super::{Ending, HeadlessOptions};

pub(super) enum Verified {
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
pub(super) fn verify(
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
pub(super) fn give_answers(
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
pub(super) fn rerun(
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

pub(super) fn finish_or_missing(missing: Vec<String>) -> Ending {
    if missing.is_empty() {
        Ending::Finished
    } else {
        Ending::MissingAnswers(missing)
    }
}

/// Starts the step's next attempt and runs it; `Some` when the drive must stop.
/// With `decided`, a failure is left to the answers file's `[failed]` decision (the drive
/// loop meets it as a failed step) instead of ending the drive.
pub(super) fn run_step(
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
