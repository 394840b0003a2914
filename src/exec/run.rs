//! Running one attempt to its end, whatever it is: a drill simulation, a built-in check
//! (in this process), or a command (under a detached supervisor), handing each output line
//! to the caller as it comes and returning the report the engine journals.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::checks::{self, CheckResult};
use super::follow::{FOLLOW_POLL, OutputFollower, tail_of_file};
use super::launch::{ExitWatch, Liveness, Tuning, ended_report, launch_with, liveness};
use super::process::{ChildSpec, run_child};
use super::redact::redact;
use super::simulate::{drill_speed, simulate};
use super::status::{StatusRecord, create_private_dir, open_append_private, write_json_atomic};
use super::supervisor::STATUS_UNWRITTEN;
use super::{StepFiles, TAIL_LINES, step_stem};
use crate::session::engine::{ExecRequest, RunReport};
use crate::session::event::Outcome;
use crate::wizard::CheckSpec;

/// How much of a command check's output its regex is matched against (the end of it).
const CHECK_OUTPUT_LIMIT: u64 = 8 * 1024 * 1024;

/// Runs `req` to its end in `session_dir` with the default timings and the drill speed
/// from `LIFELINE_DRILL_SPEED`. This is what the driver calls for `Effect::Execute`.
///
/// A report whose `outcome` is `None` means the outcome is unknown (the supervisor vanished
/// without a status): the driver should treat the step as interrupted.
///
/// The future is `Send` when `on_line` is, so the screens can run an attempt as a task of
/// their runtime; a headless run blocks on it with whatever `on_line` it has.
pub async fn run_to_end(
    session_dir: &Path,
    req: &ExecRequest,
    self_exe: &Path,
    mut on_line: impl FnMut(&str),
) -> RunReport {
    run_to_end_with(
        session_dir,
        req,
        self_exe,
        &Tuning::default(),
        drill_speed(),
        &mut on_line,
    )
    .await
}

/// [`run_to_end`] with explicit timings and drill speed (a multiplier of simulated time).
pub async fn run_to_end_with<F: FnMut(&str) + ?Sized>(
    session_dir: &Path,
    req: &ExecRequest,
    self_exe: &Path,
    tuning: &Tuning,
    speed: f64,
    on_line: &mut F,
) -> RunReport {
    if req.simulate.is_some() {
        return simulate(session_dir, req, speed, on_line).await;
    }
    match &req.check {
        None => command(session_dir, req, self_exe, tuning, on_line).await,
        Some(CheckSpec::Command { regex, .. }) => {
            let report = command(session_dir, req, self_exe, tuning, on_line).await;
            judge_command_check(session_dir, req, report, regex.as_deref(), &mut |l| {
                on_line(l)
            })
        }
        Some(spec) => builtin_check(session_dir, req, spec, on_line).await,
    }
}

async fn command<F: FnMut(&str) + ?Sized>(
    session_dir: &Path,
    req: &ExecRequest,
    self_exe: &Path,
    tuning: &Tuning,
    on_line: &mut F,
) -> RunReport {
    match launch_with(session_dir, req, self_exe, tuning) {
        Ok(launched) => {
            let follow = OutputFollower::new(launched.files.out());
            follow_to_end(&launched.files, follow, Some(&launched.exit), on_line).await
        }
        Err(e) => RunReport {
            outcome: Some(Outcome::SpawnFailed),
            message: Some(redact(&e.to_string(), &req.secrets)),
            ..RunReport::default()
        },
    }
}

/// Follows a supervised attempt until its status appears (after a launch, or after
/// [`super::attach`] found it running), handing each output line to `on_line`.
pub async fn wait_for_end<F: FnMut(&str) + ?Sized>(
    session_dir: &Path,
    stem: &str,
    follow: OutputFollower,
    on_line: &mut F,
) -> RunReport {
    let files = StepFiles::new(session_dir, stem);
    follow_to_end(&files, follow, None, on_line).await
}

/// The loop of [`wait_for_end`]; `exit` (when this process started the supervisor) wakes
/// it the moment the supervisor exits instead of at the next poll.
async fn follow_to_end<F: FnMut(&str) + ?Sized>(
    files: &StepFiles,
    mut follow: OutputFollower,
    exit: Option<&ExitWatch>,
    on_line: &mut F,
) -> RunReport {
    let mut last_look = Instant::now();
    loop {
        // Keep up with a fast writer: read while there is something new.
        while follow.poll(&mut |l| on_line(l)).unwrap_or(0) > 0 {
            tokio::task::yield_now().await;
        }
        if files.status().exists() {
            let _ = follow.finish(&mut |l| on_line(l));
            if let Some(report) = ended_report(files) {
                if report.outcome.is_none() {
                    return RunReport {
                        message: Some(format!(
                            "outcome unknown: {}",
                            report.message.as_deref().unwrap_or("interrupted")
                        )),
                        ..report
                    };
                }
                return report;
            }
            return unknown_outcome(files, "its status file cannot be read");
        }
        if last_look.elapsed() >= Duration::from_secs(1) {
            last_look = Instant::now();
            if !files.status().exists() && liveness(files) == Liveness::Dead {
                let _ = follow.finish(&mut |l| on_line(l));
                let why = match exit.and_then(ExitWatch::exit_code) {
                    Some(STATUS_UNWRITTEN) => {
                        "its supervisor could not write the step's status file (is the disk full, or the session folder read-only?)"
                    }
                    _ => "its supervisor stopped without recording how it ended",
                };
                return unknown_outcome(files, why);
            }
        }
        match exit {
            Some(exit) => {
                let _ = tokio::time::timeout(FOLLOW_POLL, exit.notify.notified()).await;
            }
            None => tokio::time::sleep(FOLLOW_POLL).await,
        }
    }
}

fn unknown_outcome(files: &StepFiles, why: &str) -> RunReport {
    RunReport {
        outcome: None,
        output: files.out().exists().then(|| files.out_relative()),
        tail: tail_of_file(&files.out(), TAIL_LINES).unwrap_or_default(),
        message: Some(format!("outcome unknown: {why}")),
        ..RunReport::default()
    }
}

/// Runs `req`'s command in this process (no supervisor), output to `dir/<stem>.out`.
/// For tests and for steps that need not outlive the UI; a `<stem>.cancel` file in `dir`
/// stops it. The report's `output` is the output file's full path.
pub async fn run_inline(req: &ExecRequest, dir: &Path) -> RunReport {
    let stem = step_stem(&req.step, req.attempt);
    let files = StepFiles {
        dir: dir.to_path_buf(),
        stem,
    };
    let req = req.clone();
    let out_path = files.out();
    let task = tokio::task::spawn_blocking(move || {
        let out =
            match create_private_dir(&files.dir).and_then(|()| open_append_private(&files.out())) {
                Ok(out) => out,
                Err(e) => {
                    return super::process::ChildEnd::spawn_failed(format!(
                        "cannot write the output file '{}': {e}",
                        files.out().display()
                    ));
                }
            };
        let codes = if req.success_codes.is_empty() {
            vec![0]
        } else {
            req.success_codes.clone()
        };
        let spec = ChildSpec {
            argv: &req.argv,
            display_argv: &req.display_argv,
            cwd: req.cwd.as_deref(),
            env: &req.env,
            stdin: req.stdin.as_deref(),
            timeout: req.timeout_s.map(Duration::from_secs),
            grace: Tuning::default().grace,
            success_codes: &codes,
            secrets: &req.secrets,
            // In this process: its runner threads come and go, so no parent-death tie.
            tie: None,
            output_cap: super::launch::output_cap(),
        };
        let cancel = files.cancel();
        run_child(&spec, out, &mut |_| {}, &|| {
            cancel.exists().then_some(super::CANCELLED)
        })
    });
    let end = match task.await {
        Ok(end) => end,
        Err(e) => super::process::ChildEnd::spawn_failed(format!("the runner stopped: {e}")),
    };
    let has_output = out_path.exists();
    RunReport {
        outcome: Some(end.outcome),
        exit_code: end.exit_code,
        signal: end.signal,
        duration_ms: end.duration_ms,
        output: has_output.then(|| out_path.display().to_string()),
        tail: tail_of_file(&out_path, TAIL_LINES).unwrap_or_default(),
        message: end.message,
    }
}

/// A built-in check: run here, its detail lines written as the attempt's output, and a
/// status file left like a supervisor would (so a resume finds how it ended).
async fn builtin_check<F: FnMut(&str) + ?Sized>(
    session_dir: &Path,
    req: &ExecRequest,
    spec: &CheckSpec,
    on_line: &mut F,
) -> RunReport {
    let files = StepFiles::new(session_dir, &step_stem(&req.step, req.attempt));
    let started = Instant::now();
    let result = checks::run_check(spec, req).await;
    let written = write_lines(&files, &result.detail);
    for line in &result.detail {
        on_line(line);
    }
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut report = checks::check_report(&result, duration_ms);
    if written.is_ok() {
        report.output = Some(files.out_relative());
    }
    record_status(&files, &report);
    report
}

/// A `command` check: the command ran under a supervisor; now its exit and output decide.
fn judge_command_check(
    session_dir: &Path,
    req: &ExecRequest,
    report: RunReport,
    regex: Option<&str>,
    on_line: &mut dyn FnMut(&str),
) -> RunReport {
    if report.outcome != Some(Outcome::Succeeded) {
        return report;
    }
    let files = StepFiles::new(session_dir, &step_stem(&req.step, req.attempt));
    let output = read_end(&files.out(), CHECK_OUTPUT_LIMIT).unwrap_or_default();
    let verdict: CheckResult = checks::judge_output(&output, regex);
    if verdict.passed {
        return report;
    }
    let _ = write_lines(&files, &verdict.detail);
    for line in &verdict.detail {
        on_line(line);
    }
    let judged = RunReport {
        outcome: Some(Outcome::Failed),
        message: verdict.detail.last().cloned(),
        tail: tail_of_file(&files.out(), TAIL_LINES).unwrap_or(report.tail.clone()),
        ..report
    };
    record_status(&files, &judged);
    judged
}

fn write_lines(files: &StepFiles, lines: &[String]) -> std::io::Result<()> {
    create_private_dir(&files.dir)?;
    let mut out = open_append_private(&files.out())?;
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    out.write_all(text.as_bytes())?;
    out.sync_all()
}

/// Leaves the status file a supervisor would have written.
pub(crate) fn record_status(files: &StepFiles, report: &RunReport) {
    let status = StatusRecord {
        outcome: report.outcome.unwrap_or(Outcome::Failed),
        exit_code: report.exit_code,
        signal: report.signal,
        duration_ms: report.duration_ms,
        message: report.message.clone(),
        interrupted: false,
    };
    if create_private_dir(&files.dir).is_ok() {
        let _ = write_json_atomic(&files.status(), &status);
    }
}

/// The last `limit` bytes of a file as text.
fn read_end(path: &Path, limit: u64) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(limit)))?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
