//! The parent side of the supervisor: starting one detached from the terminal, finding it
//! again after a restart (same pid *and* start time), and asking it to stop.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

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
        Tuning {
            grace: Duration::from_secs(5),
            handshake: Duration::from_secs(10),
            poll: Duration::from_millis(100),
        }
    }
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
    // A leftover of an earlier launch under the same stem must not speak for this one.
    for stale in [files.status(), files.cancel(), files.pid()] {
        let _ = fs::remove_file(stale);
    }
    let spec = SuperviseSpec {
        step: req.step.clone(),
        attempt: req.attempt,
        display_argv: req.display_argv.clone(),
        cwd: req.cwd.clone(),
        timeout_s: req.timeout_s,
        grace_ms: u64::try_from(tuning.grace.as_millis()).unwrap_or(u64::MAX),
        success_codes: if req.success_codes.is_empty() {
            vec![0]
        } else {
            req.success_codes.clone()
        },
    };
    write_json_replace(&files.spec(), &spec).map_err(|e| create(&files.spec(), e))?;
    let handover = Handover {
        argv: req.argv.clone(),
        env: req.env.clone(),
        stdin: req.stdin.clone(),
        secrets: req.secrets.clone(),
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
            Some(how) if !files.pid().exists() => ExecError::SupervisorExited {
                program: self_exe.display().to_string(),
                how,
            },
            _ => ExecError::Handover(e),
        });
    }

    let deadline = Instant::now() + tuning.handshake;
    loop {
        if files.pid().exists() || files.status().exists() {
            return Ok(Launched {
                files,
                supervisor_pid,
                exit,
            });
        }
        if let Some(how) = exit.ended() {
            if !files.pid().exists() && !files.status().exists() {
                return Err(ExecError::SupervisorExited {
                    program: self_exe.display().to_string(),
                    how,
                });
            }
            continue;
        }
        if Instant::now() >= deadline {
            return Err(ExecError::NoHandshake(tuning.handshake.as_secs()));
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
pub fn attach(session_dir: &Path, stem: &str) -> AttachState {
    let files = StepFiles::new(session_dir, stem);
    if let Some(report) = ended_report(&files) {
        return AttachState::Ended(report);
    }
    if let Some(pid) = supervisor_alive(&files) {
        return AttachState::Running {
            follow: OutputFollower::new(files.out()),
            supervisor_pid: pid,
        };
    }
    // It may have finished between the two looks.
    match ended_report(&files) {
        Some(report) => AttachState::Ended(report),
        None => AttachState::Gone,
    }
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
        outcome: Some(status.outcome),
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
