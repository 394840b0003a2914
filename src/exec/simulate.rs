//! The drill simulator: nothing is executed; the step's prepared transcript is written to
//! its output file line by line over its simulated duration, and the prepared outcome is
//! reported, so a trainee sees the same screens as during a real recovery.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::redact::redact;
use super::run::record_status;
use super::status::{create_private_dir, open_append_private};
use super::{StepFiles, TAIL_LINES, step_stem};
use crate::session::engine::{ExecRequest, RunReport};
use crate::session::event::Outcome;

/// The environment variable that scales simulated time: `0` instant, `0.5` twice as fast.
pub const DRILL_SPEED_VAR: &str = "LIFELINE_DRILL_SPEED";

/// The longest a single simulated step keeps a trainee waiting (before the speed factor).
/// A step's `drill_duration_s` says how long the real thing takes (a database restore,
/// minutes); watching its transcript scroll for that long teaches nothing, so a whole drill
/// stays within minutes while the wizard keeps the realistic figure.
pub const MAX_SIMULATED_WAIT_S: u64 = 3;

/// The wall-clock time a simulation of `duration_s` takes at `speed`.
pub fn simulated_wait(duration_s: u64, speed: f64) -> Duration {
    Duration::from_secs_f64(duration_s.min(MAX_SIMULATED_WAIT_S) as f64 * speed.max(0.0))
}

/// The drill speed multiplier from `LIFELINE_DRILL_SPEED` (1 when unset or not a number
/// of zero or more).
pub fn drill_speed() -> f64 {
    std::env::var(DRILL_SPEED_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(1.0)
}

/// Plays `req.simulate` (a request without one plays an empty success) into the attempt's
/// output file over [`simulated_wait`] (its duration, at most [`MAX_SIMULATED_WAIT_S`],
/// times `speed`), handing each line to `on_line`.
pub async fn simulate<F: FnMut(&str) + ?Sized>(
    session_dir: &Path,
    req: &ExecRequest,
    speed: f64,
    on_line: &mut F,
) -> RunReport {
    let files = StepFiles::new(session_dir, &step_stem(&req.step, req.attempt));
    let started = Instant::now();
    let (transcript, outcome, exit_code, duration_s) = match &req.simulate {
        Some(sim) => (
            sim.output.as_str(),
            sim.outcome,
            sim.exit_code,
            sim.duration_s,
        ),
        None => ("", Outcome::Succeeded, 0, 0),
    };
    let text = redact(transcript, &req.secrets);
    let lines: Vec<&str> = text.lines().collect();
    let total = simulated_wait(duration_s, speed);
    let mut out = create_private_dir(&files.dir)
        .and_then(|()| open_append_private(&files.out()))
        .ok();
    let steps = lines.len().max(1) as u32;
    for (i, line) in lines.iter().enumerate() {
        // Line i appears at (i + 1) / n of the duration, the last one as it ends.
        let due = total * (i as u32 + 1) / steps;
        tokio::time::sleep(due.saturating_sub(started.elapsed())).await;
        if let Some(file) = out.as_mut()
            && writeln!(file, "{line}").is_err()
        {
            out = None;
        }
        on_line(line);
    }
    tokio::time::sleep(total.saturating_sub(started.elapsed())).await;
    if let Some(file) = out.as_ref() {
        let _ = file.sync_all();
    }
    let message = match outcome {
        Outcome::Succeeded => None,
        Outcome::Failed => Some(format!("simulated failure: exited with code {exit_code}")),
        Outcome::TimedOut => Some("simulated timeout".to_string()),
        Outcome::Cancelled => Some("simulated cancel".to_string()),
        Outcome::SpawnFailed => Some("simulated: the program could not be started".to_string()),
    };
    let report = RunReport {
        outcome: Some(outcome),
        exit_code: (!matches!(outcome, Outcome::SpawnFailed)).then_some(exit_code),
        signal: None,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        output: out.is_some().then(|| files.out_relative()),
        tail: lines[lines.len().saturating_sub(TAIL_LINES)..]
            .iter()
            .map(|l| l.to_string())
            .collect(),
        message,
    };
    record_status(&files, &report);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_step_waits_a_few_seconds_scaled_by_the_speed() {
        assert_eq!(simulated_wait(2, 1.0), Duration::from_secs(2));
        assert_eq!(
            simulated_wait(90, 1.0),
            Duration::from_secs(MAX_SIMULATED_WAIT_S)
        );
        assert_eq!(
            simulated_wait(90, 2.0),
            Duration::from_secs(2 * MAX_SIMULATED_WAIT_S)
        );
        assert_eq!(simulated_wait(90, 0.0), Duration::ZERO);
    }
}
