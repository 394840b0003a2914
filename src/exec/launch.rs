//! The parent side of the supervisor: starting one detached from the terminal, finding it
//! again after a restart (same pid *and* start time), and asking it to stop.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::claim::{Claim, ClaimedBy, read_claim, try_claim};
use super::follow::{OutputFollower, tail_of_file};
use super::status::{
    PidRecord, StatusRecord, create_private_dir, process_alive, read_json, write_json_replace,
};
use super::supervisor::{Handover, SUPERVISE_MODE, SuperviseSpec};
use super::{ExecError, StepFiles, TAIL_LINES, step_stem};
use crate::session::engine::{ExecRequest, RunReport};

/// Timings of a supervised run; the defaults suit real steps, tests shorten them.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Between the polite stop (TERM) and the forced one (KILL) on timeout or cancel.
    pub grace: Duration,
    /// How long `launch` waits for the supervisor to record its pid.
    pub handshake: Duration,
    /// How often the output file and the status are looked at.
    pub poll: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        // Test hook (README, "Test hooks"): a shorter hand-shake, to reproduce a slow start
        // without waiting ten seconds.
        let handshake = std::env::var(HANDSHAKE_HOOK)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Duration::from_secs(10), Duration::from_millis);
        Tuning {
            grace: Duration::from_secs(5),
            handshake,
            poll: Duration::from_millis(100),
        }
    }
}

/// Test hook: the hand-shake wait in milliseconds (default 10 s).
pub const HANDSHAKE_HOOK: &str = "LIFELINE_TEST_HANDSHAKE_MS";

/// The per-attempt output cap from `LIFELINE_MAX_OUTPUT` (bytes, or with a `K`, `M` or `G`
/// suffix; `0` or `none` for no cap). Default: 1 GiB, so a runaway step cannot fill the disk.
pub fn output_cap() -> Option<u64> {
    const DEFAULT: u64 = 1 << 30;
    let Ok(value) = std::env::var("LIFELINE_MAX_OUTPUT") else {
        return Some(DEFAULT);
    };
    let v = value.trim().to_ascii_uppercase();
    if v == "0" || v == "NONE" {
        return None;
    }
    let (digits, unit) = match v.char_indices().last() {
        Some((i, 'K')) => (&v[..i], 1u64 << 10),
        Some((i, 'M')) => (&v[..i], 1 << 20),
        Some((i, 'G')) => (&v[..i], 1 << 30),
        _ => (&v[..], 1),
    };
    Some(
        digits
            .trim()
            .parse::<u64>()
            .map_or(DEFAULT, |n| n.saturating_mul(unit)),
    )
}

/// A supervisor that took a step.
#[derive(Debug)]
pub struct Launched {
    pub files: StepFiles,
    pub supervisor_pid: u32,
    /// Told by the thread that reaps the supervisor when it exits.
    pub(crate) exit: Arc<ExitWatch>,
}

/// How a supervisor started by this process ended, and a wake-up for whoever waits on it.
#[derive(Debug, Default)]
pub(crate) struct ExitWatch {
    how: Mutex<Option<String>>,
    code: Mutex<Option<i32>>,
    pub(crate) notify: tokio::sync::Notify,
}

impl ExitWatch {
    fn ended(&self) -> Option<String> {
        self.how.lock().ok().and_then(|g| g.clone())
    }

    /// The supervisor's exit code, once it has exited (normally).
    pub(crate) fn exit_code(&self) -> Option<i32> {
        self.code.lock().ok().and_then(|g| *g)
    }
}

/// Starts a supervisor for `req` with the default timings. See [`launch_with`].
pub fn launch(
    session_dir: &Path,
    req: &ExecRequest,
    self_exe: &Path,
) -> Result<Launched, ExecError> {
    launch_with(session_dir, req, self_exe, &Tuning::default())
}

/// Starts `self_exe __supervise <session_dir> <stem> -- <display argv>` detached from the
/// terminal, hands it the secret part of `req` through its stdin, and returns once it has
/// recorded its pid (or already its status).
///
/// Detaching on Unix is `setsid()` in the child before exec: a new session has no
/// controlling terminal, so neither a closed SSH link (SIGHUP) nor Ctrl-C in the UI's
/// terminal reaches it, and it never competes for the terminal. A process group alone
/// (`process_group(0)`) keeps the terminal and can still be hung up; the `setsid` command
/// is not everywhere (macOS). On Windows: a process without a console (`DETACHED_PROCESS`)
/// in a new process group, broken away from the job lifeline runs in (an SSH or RDP
/// session's job ends its processes on disconnect) where that job allows it.
pub fn launch_with(
    session_dir: &Path,
    req: &ExecRequest,
    self_exe: &Path,
    tuning: &Tuning,
) -> Result<Launched, ExecError> {
    let files = StepFiles::new(session_dir, &step_stem(&req.step, req.attempt));
    let create = |path: &Path, source| ExecError::Create {
        path: path.display().to_string(),
        source,
    };
    create_private_dir(&files.dir).map_err(|e| create(&files.dir, e))?;
    // A leftover of an earlier launch under the same stem must not speak for this one. The
    // claim goes too: this launcher, holding the session's lock, is the only one starting
    // this attempt now.
    for stale in [files.status(), files.cancel(), files.pid(), files.claim()] {
        let _ = fs::remove_file(stale);
    }
    let spec = SuperviseSpec {
        step: req.step.clone(),
        attempt: req.attempt,
        display_argv: req.display_argv.clone(),
        // Secret-free on disk: a secret in the directory shows as `****`.
        cwd: req.cwd.as_deref().map(|c| super::redact(c, &req.secrets)),
        timeout_s: req.timeout_s,
        grace_ms: u64::try_from(tuning.grace.as_millis()).unwrap_or(u64::MAX),
        success_codes: if req.success_codes.is_empty() {
            vec![0]
        } else {
            req.success_codes.clone()
        },
        output_cap: output_cap(),
    };
    write_json_replace(&files.spec(), &spec).map_err(|e| create(&files.spec(), e))?;
    let handover = Handover {
        argv: req.argv.clone(),
        env: req.env.clone(),
        stdin: req.stdin.clone(),
        secrets: req.secrets.clone(),
        cwd: req.cwd.clone(),
    };
    let handover = serde_json::to_vec(&handover).map_err(|e| ExecError::Handover(e.into()))?;

    // Absolute, so the supervisor does not depend on the directory it was started from.
    let session_arg =
        std::path::absolute(session_dir).unwrap_or_else(|_| session_dir.to_path_buf());
    let mut cmd = Command::new(self_exe);
    cmd.arg(SUPERVISE_MODE)
        .arg(&session_arg)
        .arg(&files.stem)
        .arg("--")
        .args(&req.display_argv)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = spawn_detached(&mut cmd).map_err(|source| ExecError::SpawnSupervisor {
        program: self_exe.display().to_string(),
        source,
    })?;
    let supervisor_pid = child.id();
    let written = match child.stdin.take() {
        Some(mut pipe) => pipe.write_all(&handover),
        None => Err(std::io::Error::other("no pipe to the supervisor")),
    };
    // Reap the supervisor when it ends, so it never lingers as a zombie of the UI.
    let exit = Arc::new(ExitWatch::default());
    let watch = exit.clone();
    thread::spawn(move || {
        let status = child.wait();
        if let Ok(mut slot) = watch.code.lock() {
            *slot = status.as_ref().ok().and_then(|s| s.code());
        }
        let how = status.map(|s| s.to_string()).unwrap_or_default();
        if let Ok(mut slot) = watch.how.lock() {
            *slot = Some(how);
        }
        watch.notify.notify_one();
    });
    if let Err(e) = written {
        // Most likely the program exited at once (it is not lifeline): say that instead.
        let until = Instant::now() + Duration::from_secs(1);
        while exit.ended().is_none() && Instant::now() < until {
            thread::sleep(Duration::from_millis(5));
        }
        return Err(match exit.ended() {
            Some(how) if !files.claim().exists() => ExecError::SupervisorExited {
                program: self_exe.display().to_string(),
                how,
            },
            _ => ExecError::Handover(e),
        });
    }

    // The hand-shake is the supervisor's claim of the attempt. Given up waiting, this
    // launcher claims it as abandoned instead: then the step never runs (a late supervisor
    // finds the claim taken and exits), so "could not be started" is the truth.
    let deadline = Instant::now() + tuning.handshake;
    loop {
        if files.claim().exists() || files.status().exists() {
            return Ok(Launched {
                files,
                supervisor_pid,
                exit,
            });
        }
        if let Some(how) = exit.ended() {
            if !files.claim().exists() && !files.status().exists() {
                return Err(ExecError::SupervisorExited {
                    program: self_exe.display().to_string(),
                    how,
                });
            }
            continue;
        }
        if Instant::now() >= deadline {
            let give_up = Claim::here(
                ClaimedBy::Abandoned,
                None,
                Some("the supervisor did not take the step in time"),
            );
            return match try_claim(&files.claim(), &give_up) {
                Ok(true) => Err(ExecError::NoHandshake(tuning.handshake.as_secs())),
                // The supervisor claimed it at the last moment: it runs; follow it.
                Ok(false) => Ok(Launched {
                    files,
                    supervisor_pid,
                    exit,
                }),
                Err(e) => Err(ExecError::Handover(e)),
            };
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(unix)]
fn spawn_detached(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid() is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.spawn()
}

#[cfg(windows)]
fn spawn_detached(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    use std::os::windows::process::CommandExt;
    use windows_sys::Win32::System::Threading::{
        CREATE_BREAKAWAY_FROM_JOB, CREATE_NEW_PROCESS_GROUP, DETACHED_PROCESS,
    };
    let detached = DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP;
    cmd.creation_flags(detached | CREATE_BREAKAWAY_FROM_JOB);
    match cmd.spawn() {
        // The job lifeline runs in forbids breaking away: the supervisor stays in it (and
        // then ends with it, like the UI).
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            tracing::warn!("the supervisor could not break away from lifeline's job: {e}");
            cmd.creation_flags(detached);
            cmd.spawn()
        }
        other => other,
    }
}

#[cfg(not(any(unix, windows)))]
fn spawn_detached(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    cmd.spawn()
}

/// What a resume finds of an attempt.
#[derive(Debug)]
pub enum AttachState {
    /// Its supervisor is alive (same pid and start time): follow its output.
    Running {
        follow: OutputFollower,
        supervisor_pid: u32,
    },
    /// It ended while nobody watched; this is how.
    Ended(RunReport),
    /// No supervisor and no status: the outcome is unknown (the step is interrupted).
    Gone,
}

/// Finds the attempt with file stem `stem` (see [`step_stem`]).
///
/// An attempt is running while its supervisor is (pid, start time, same machine), or while
/// it runs on another machine (a shared home: it is followed, never judged gone). One that
/// no supervisor claimed is claimed as abandoned here, so it positively never starts. One
/// whose supervisor died has its remaining processes ended before it is called gone, so a
/// rerun never runs beside an orphaned first copy. An attempt a shutdown interrupted is
/// gone too (its outcome is unknown), whatever its status file's outcome says.
pub fn attach(session_dir: &Path, stem: &str) -> AttachState {
    let files = StepFiles::new(session_dir, stem);
    if let Some(state) = ended_state(&files) {
        return state;
    }
    match liveness(&files) {
        Liveness::Here(pid) | Liveness::Elsewhere(pid) => {
            return AttachState::Running {
                follow: OutputFollower::new(files.out()),
                supervisor_pid: pid,
            };
        }
        Liveness::Dead => {}
    }
    // It may have finished between the two looks.
    ended_state(&files).unwrap_or(AttachState::Gone)
}

fn ended_state(files: &StepFiles) -> Option<AttachState> {
    let status: StatusRecord = read_json(&files.status()).ok()??;
    if status.interrupted {
        return Some(AttachState::Gone);
    }
    ended_report(files).map(AttachState::Ended)
}

/// Whether an attempt's supervisor still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// On this machine: its pid.
    Here(u32),
    /// On another machine (or one this process cannot look into): the pid it had there.
    Elsewhere(u32),
    /// Gone, and so is every process of the attempt (or it never started).
    Dead,
}

/// Decides, from the claim (or an older session's pid file), whether the attempt runs.
/// See [`attach`]. May end an orphaned attempt's processes, and may claim an unclaimed
/// attempt as abandoned.
pub fn liveness(files: &StepFiles) -> Liveness {
    let claim = match read_claim(&files.claim()) {
        Ok(Some(claim)) => claim,
        Ok(None) if files.pid().exists() => {
            // Started by a lifeline from before claims: its pid file is all there is.
            return match supervisor_alive(files) {
                Some(pid) => Liveness::Here(pid),
                None => Liveness::Dead,
            };
        }
        Ok(None) => {
            let give_up = Claim::here(
                ClaimedBy::Abandoned,
                None,
                Some("no supervisor had taken the step when lifeline looked again"),
            );
            match try_claim(&files.claim(), &give_up) {
                Ok(true) => return Liveness::Dead,
                // A supervisor claimed it this very moment: judge that claim.
                _ => match read_claim(&files.claim()) {
                    Ok(Some(claim)) => claim,
                    _ => return Liveness::Dead,
                },
            }
        }
        Err(_) => return Liveness::Dead,
    };
    if claim.by == ClaimedBy::Abandoned {
        return Liveness::Dead;
    }
    if !claim.machine.is_here() {
        if claim.machine.rebooted_since() {
            return Liveness::Dead;
        }
        return Liveness::Elsewhere(claim.pid);
    }
    if process_alive(claim.pid, claim.start.as_deref()) {
        return Liveness::Here(claim.pid);
    }
    // The supervisor is gone. Its child died with it (parent-death signal), but what the
    // child started may live on: end every process carrying the attempt's token first.
    if let Some(token) = &claim.token {
        super::tree::end_all(token, Duration::from_secs(2));
    }
    Liveness::Dead
}

/// Where an attempt's supervisor runs when that is not this machine: its host name.
pub fn running_elsewhere(session_dir: &Path, stem: &str) -> Option<String> {
    let files = StepFiles::new(session_dir, stem);
    let claim = read_claim(&files.claim()).ok()??;
    (claim.by == ClaimedBy::Supervisor && !claim.machine.is_here()).then_some(claim.machine.host)
}

/// The supervisor's pid, when the pid file names a live process with the recorded start time.
pub fn supervisor_alive(files: &StepFiles) -> Option<u32> {
    let record: PidRecord = read_json(&files.pid()).ok()??;
    process_alive(record.supervisor_pid, record.supervisor_start.as_deref())
        .then_some(record.supervisor_pid)
}

/// The report of an attempt whose status file exists.
pub fn ended_report(files: &StepFiles) -> Option<RunReport> {
    let status: StatusRecord = read_json(&files.status()).ok()??;
    let out = files.out();
    let has_output = out.exists();
    Some(RunReport {
        // Interrupted by a shutdown: its outcome is unknown, whatever the child's exit was.
        outcome: (!status.interrupted).then_some(status.outcome),
        exit_code: status.exit_code,
        signal: status.signal,
        duration_ms: status.duration_ms,
        output: has_output.then(|| files.out_relative()),
        tail: if has_output {
            tail_of_file(&out, TAIL_LINES).unwrap_or_default()
        } else {
            Vec::new()
        },
        message: status.message,
    })
}

/// Asks the supervisor of `stem` to stop its step (it stops the child's whole group,
/// records `cancelled` and exits). Works across restarts: it is a file the supervisor polls.
pub fn request_cancel(session_dir: &Path, stem: &str) -> std::io::Result<()> {
    let files = StepFiles::new(session_dir, stem);
    let file = super::status::open_append_private(&files.cancel())?;
    file.sync_all()
}
