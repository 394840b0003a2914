//! Long steps through the real binary, headless, on every platform the tests run on (under
//! Wine too): command steps of 5 s each finish with exactly one attempt per step (the
//! follower never mistakes a running supervisor for a dead one), and a step whose program
//! ignores its 2 s timeout is stopped within the grace period, with the journal saying how.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lifeline::session::Event;
use lifeline::session::event::Outcome;
use support::{Sandbox, fixture};

fn only_session(sb: &Sandbox) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(sb.home().join("sessions"))
        .expect("sessions")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn events(sb: &Sandbox) -> Vec<Event> {
    let dir = only_session(sb);
    lifeline::journal::read_journal(&lifeline::journal::journal_path(&dir))
        .expect("journal")
        .records
        .into_iter()
        .map(|r| r.event)
        .collect()
}

#[test]
fn command_steps_of_five_seconds_each_finish_with_one_attempt_per_step() {
    let sb = Sandbox::new();
    sb.stub("sleep-for");
    let answers = sb.write("answers.toml", "[answers]\n");
    let started = Instant::now();
    let out = sb
        .lifeline()
        .arg("run")
        .arg(fixture("e2e/five-seconds.toml"))
        .arg("--answers")
        .arg(&answers)
        .output()
        .expect("run lifeline");
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() >= Duration::from_secs(15));
    let events = events(&sb);
    for step in ["backup", "restore", "verify"] {
        let starts = events
            .iter()
            .filter(|e| matches!(e, Event::StepStarted { step: s, .. } if s == step))
            .count();
        assert_eq!(starts, 1, "{step} started {starts} times: {events:?}");
        let finished: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::StepFinished {
                    step: s,
                    attempt,
                    outcome,
                    duration_ms,
                    tail,
                    ..
                } if s == step => Some((*attempt, *outcome, *duration_ms, tail.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(finished.len(), 1, "{step}: {finished:?}");
        let (attempt, outcome, duration_ms, tail) = &finished[0];
        assert_eq!((*attempt, *outcome), (1, Outcome::Succeeded), "{step}");
        // Measured from the spawn; the child may have begun its 5 s a moment before.
        assert!(*duration_ms >= 4500, "{step} took {duration_ms} ms");
        assert_eq!(tail, &["sleeping 5", "slept 5"], "{step}");
    }
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, Event::StepInterrupted { .. })),
        "{events:?}"
    );
}

#[test]
fn a_child_ignoring_its_timeout_is_stopped_within_the_grace_period_and_journaled_as_such() {
    let sb = Sandbox::new();
    sb.stub("ignore-stop");
    let answers = sb.write("answers.toml", "[answers]\n");
    let started = Instant::now();
    let out = sb
        .lifeline()
        .arg("run")
        .arg(fixture("e2e/stubborn.toml"))
        .arg("--answers")
        .arg(&answers)
        .output()
        .expect("run lifeline");
    let took = started.elapsed();
    // A failed step: the session is saved, exit 1.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 2 s timeout + 5 s grace (the default), plus start-up: far below the child's 60 s.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let events = events(&sb);
    let finished: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::StepFinished {
                outcome,
                signal,
                message,
                tail,
                duration_ms,
                ..
            } => Some((
                *outcome,
                *signal,
                message.clone(),
                tail.clone(),
                *duration_ms,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(finished.len(), 1, "{events:?}");
    let (outcome, signal, message, tail, duration_ms) = &finished[0];
    assert_eq!(*outcome, Outcome::TimedOut);
    assert_eq!(tail, &["sleeping 60"]);
    assert!(*duration_ms < 60_000);
    if cfg!(windows) {
        assert_eq!(
            message.as_deref(),
            Some(
                "stopped after the 2 s timeout; its whole process tree was ended (a console program on Windows gets no polite stop)"
            )
        );
    } else {
        assert_eq!(*signal, Some(9), "KILLed after ignoring TERM");
        assert_eq!(
            message.as_deref(),
            Some(
                "stopped after the 2 s timeout; it ignored the stop request and was killed after 5 s"
            )
        );
    }
}
