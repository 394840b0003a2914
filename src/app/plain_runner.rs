//! A plain runner: runs an attempt as a child process of lifeline (argv, no shell),
//! appends its output to `steps/<stem>.out` in the session directory and reports its exit.
//! The supervised runner in `exec` replaces it where steps must outlive the process.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::session::engine::{ExecRequest, RunReport};
use crate::session::event::{Outcome, REDACTED};

use super::driver::{Attached, StepRunner};

/// How many output lines a report keeps.
pub const TAIL_LINES: usize = 20;

/// Runs attempts as direct children, writing output under `session_dir/steps`.
pub struct PlainRunner {
    pub session_dir: PathBuf,
    /// Multiplier for simulated drill durations (0 = instant).
    pub drill_speed: f64,
}

/// The file-name stem for a step attempt: readable, and unique through a short hash.
pub fn step_stem(step: &str, attempt: u32) -> String {
    let readable: String = step
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let hash = crc32fast::hash(step.as_bytes());
    format!("{readable}-{hash:08x}.{attempt}")
}

/// Replaces every secret value with `****` (longest first, so a secret containing another
/// is masked whole).
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    sorted
        .iter()
        .fold(text.to_string(), |acc, s| acc.replace(s.as_str(), REDACTED))
}

impl PlainRunner {
    fn out_path(&self, stem: &str) -> (PathBuf, String) {
        let rel = format!("steps/{stem}.out");
        (self.session_dir.join(&rel), rel)
    }
}

impl StepRunner for PlainRunner {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        let started = Instant::now();
        let stem = step_stem(&request.step, request.attempt);
        let (path, rel) = self.out_path(&stem);
        let mut out = match open_output(&path) {
            Ok(f) => f,
            Err(e) => {
                return failure(
                    Outcome::Failed,
                    format!("cannot write step output '{}': {e}", path.display()),
                    started,
                );
            }
        };
        let mut tail: Vec<String> = Vec::new();
        let mut emit = |line: &str, tail: &mut Vec<String>| {
            let line = redact(line, &request.secrets);
            let _ = writeln!(out, "{line}");
            on_line(&line);
            tail.push(line);
            if tail.len() > TAIL_LINES {
                tail.remove(0);
            }
        };
        if let Some(sim) = &request.simulate {
            for line in sim.output.lines() {
                emit(line, &mut tail);
            }
            std::thread::sleep(Duration::from_secs_f64(
                sim.duration_s as f64 * self.drill_speed,
            ));
            return RunReport {
                outcome: Some(sim.outcome),
                exit_code: Some(sim.exit_code),
                duration_ms: started.elapsed().as_millis() as u64,
                output: Some(rel),
                tail,
                ..RunReport::default()
            };
        }
        if request.check.as_ref().is_some_and(|c| c.is_read_only()) {
            return failure(
                Outcome::Failed,
                "built-in checks run under the supervised runner; this build has only the plain runner".into(),
                started,
            );
        }
        let Some((program, args)) = request.argv.split_first() else {
            return failure(
                Outcome::SpawnFailed,
                "the step has no command".into(),
                started,
            );
        };
        let shown = request.display_argv.join(" ");
        let mut command = Command::new(program);
        command
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command.stdin(if request.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        if let Some(dir) = &request.cwd {
            command.current_dir(dir);
        }
        command.envs(request.env.iter().map(|(k, v)| (k, v)));
        let mut child = match command.spawn() {
            Ok(c) => c,
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => {
                        format!("program '{program}' not found on PATH")
                    }
                    std::io::ErrorKind::PermissionDenied => {
                        format!("permission denied running '{program}'")
                    }
                    _ => format!("could not start '{program}': {e}"),
                };
                return failure(
                    Outcome::SpawnFailed,
                    format!("{why} (the step would have run: {shown})"),
                    started,
                );
            }
        };
        if let (Some(text), Some(mut stdin)) = (&request.stdin, child.stdin.take()) {
            let text = text.clone();
            std::thread::spawn(move || {
                let _ = stdin.write_all(text.as_bytes());
            });
        }
        // stdout and stderr interleave in arrival order through one channel.
        let (tx, rx) = mpsc::channel::<String>();
        let readers: Vec<_> = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        .map(|stream| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).split(b'\n').map_while(Result::ok) {
                    let text = String::from_utf8_lossy(&line)
                        .trim_end_matches('\r')
                        .to_string();
                    if tx.send(text).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
        drop(tx);
        let deadline = request.timeout_s.map(|s| started + Duration::from_secs(s));
        let mut timed_out = false;
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => emit(&line, &mut tail),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if deadline.is_some_and(|d| Instant::now() > d) {
                timed_out = true;
                let _ = child.kill();
                break;
            }
        }
        for r in readers {
            let _ = r.join();
        }
        while let Ok(line) = rx.try_recv() {
            emit(&line, &mut tail);
        }
        let status = child.wait();
        let duration_ms = started.elapsed().as_millis() as u64;
        let (exit_code, signal) = match &status {
            Ok(s) => (s.code(), exit_signal(s)),
            Err(_) => (None, None),
        };
        let outcome = if timed_out {
            Outcome::TimedOut
        } else if exit_code.is_some_and(|c| request.success_codes.contains(&c)) {
            Outcome::Succeeded
        } else {
            Outcome::Failed
        };
        RunReport {
            outcome: Some(outcome),
            exit_code,
            signal,
            duration_ms,
            output: Some(rel),
            tail,
            message: timed_out.then(|| {
                format!(
                    "stopped after the {}s timeout",
                    request.timeout_s.unwrap_or(0)
                )
            }),
        }
    }

    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        // Children of a dead lifeline leave no status behind with this runner.
        Attached::Gone
    }
}

fn open_output(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn failure(outcome: Outcome, message: String, started: Instant) -> RunReport {
    RunReport {
        outcome: Some(outcome),
        duration_ms: started.elapsed().as_millis() as u64,
        tail: vec![message.clone()],
        message: Some(message),
        ..RunReport::default()
    }
}

#[cfg(unix)]
fn exit_signal(status: &std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn exit_signal(_status: &std::process::ExitStatus) -> Option<i32> {
    None
}
