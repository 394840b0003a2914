//! Running one child process to its end: spawned without a shell in its own process group,
//! output pumped to a file, stopped on timeout or cancel (the whole group: TERM, a grace
//! period, then KILL; on Windows the whole Job Object at once), its exit turned into an
//! outcome. A stop that fails is said in the outcome's message, never passed off as done.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use super::pump;
use crate::session::event::Outcome;

/// How long the output of a finished child is still collected when something it started
/// in the background keeps its pipes open.
const DRAIN: Duration = Duration::from_secs(2);
/// How often cancel requests and the timeout are looked at.
const POLL: Duration = Duration::from_millis(50);

/// Everything needed to run one child; `argv` and `env` may hold secrets.
#[derive(Debug, Clone)]
pub struct ChildSpec<'a> {
    pub argv: &'a [String],
    /// The argv as shown (secrets as `****`), for messages.
    pub display_argv: &'a [String],
    pub cwd: Option<&'a str>,
    pub env: &'a [(String, String)],
    pub stdin: Option<&'a str>,
    pub timeout: Option<Duration>,
    /// Between the polite stop (TERM) and the forced one (KILL).
    pub grace: Duration,
    pub success_codes: &'a [i32],
    pub secrets: &'a [String],
    /// Under a supervisor: the attempt's token, put in the child's environment so every
    /// process of the attempt can be found (see [`super::tree`]), and the child tied to the
    /// supervisor (it dies with it).
    pub tie: Option<&'a str>,
    /// At most this many bytes of output are kept.
    pub output_cap: Option<u64>,
}

/// How a child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildEnd {
    pub outcome: Outcome,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub duration_ms: u64,
    pub message: Option<String>,
}

impl ChildEnd {
    /// Nothing ran.
    pub fn spawn_failed(message: String) -> ChildEnd {
        ChildEnd {
            outcome: Outcome::SpawnFailed,
            exit_code: None,
            signal: None,
            duration_ms: 0,
            message: Some(message),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopReason {
    Timeout,
    Cancel(&'static str),
}

/// How a stop went: forced (KILL or the job ended) or not, and the error of the last stop
/// when it failed (the child then ran on until it ended by itself).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stop {
    reason: StopReason,
    forced: bool,
    failed: Option<String>,
}

/// The child's whole process tree: its process group (Unix) or its Job Object (Windows).
#[derive(Debug)]
struct Tree {
    #[cfg(unix)]
    pgid: u32,
    #[cfg(windows)]
    job: super::win::job::Job,
}

impl Tree {
    /// Whether a polite stop exists (TERM on Unix). A console program on Windows gets none
    /// from a detached supervisor: its tree is ended at once.
    const POLITE: bool = cfg!(unix);

    /// Stops every process of the tree; `force`: KILL instead of TERM (Unix).
    fn stop(&self, force: bool) -> Result<(), String> {
        #[cfg(unix)]
        {
            kill_group(self.pgid, force)
        }
        #[cfg(windows)]
        {
            let _ = force;
            self.job
                .terminate()
                .map_err(|e| format!("ending its process tree failed: {e}"))
        }
    }
}

/// Runs `spec` to its end, writing merged output to `out`. `on_spawn` gets the child's pid;
/// `stop_requested` is polled; once it returns why (the message to record), the child is
/// stopped as cancelled.
pub fn run_child(
    spec: &ChildSpec,
    out: File,
    on_spawn: &mut dyn FnMut(u32),
    stop_requested: &dyn Fn() -> Option<&'static str>,
) -> ChildEnd {
    // Taken before the spawn: the step's duration covers the child's whole life, even when a
    // loaded machine is slow to return from the spawn (a 3 s child never reads as 2.95 s).
    let started = Instant::now();
    let (mut child, tree) = match spawn(spec) {
        Ok(spawned) => spawned,
        Err(message) => return ChildEnd::spawn_failed(message),
    };
    let pid = child.id();
    on_spawn(pid);
    if let (Some(text), Some(mut stdin)) = (spec.stdin, child.stdin.take()) {
        let text = text.to_string();
        // A separate thread: a child that prints before it reads must not deadlock us.
        thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        });
    }
    let mut sources = Vec::new();
    if let Some(o) = child.stdout.take() {
        let capacity = pump::widen_pipe(&o);
        sources.push(pump::Source::new(o, capacity));
    }
    if let Some(e) = child.stderr.take() {
        let capacity = pump::widen_pipe(&e);
        sources.push(pump::Source::new(e, capacity));
    }
    let pump = pump::start_capped(out, spec.secrets, sources, spec.output_cap);

    let (status, stop) = wait(child, &tree, spec, started, stop_requested);
    if stop.is_some() {
        // Whatever the group left behind (a grandchild in the background) goes too, and so
        // does every process of the attempt that left the group (`setsid`, a double fork).
        let _ = tree.stop(true);
        if let Some(token) = spec.tie {
            super::tree::end_all(token, spec.grace);
        }
    }
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let pumped = pump.finish(DRAIN);
    let mut end = decide(status, stop, spec);
    end.duration_ms = duration_ms;
    if let Some(e) = pumped.error {
        let note = format!("output could not be saved: {e}");
        end.message = Some(match end.message {
            Some(m) => format!("{m}; {note}"),
            None => note,
        });
    }
    end
}

/// Waits for the child to exit (a thread blocks in `wait`, so the exit is noticed at
/// once), meanwhile stopping it on cancel or timeout.
fn wait(
    mut child: Child,
    tree: &Tree,
    spec: &ChildSpec,
    started: Instant,
    stop_requested: &dyn Fn() -> Option<&'static str>,
) -> (io::Result<ExitStatus>, Option<Stop>) {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let mut stop: Option<(Stop, Instant)> = None;
    loop {
        match rx.recv_timeout(POLL) {
            Ok(status) => return (status, stop.map(|(s, _)| s)),
            Err(RecvTimeoutError::Disconnected) => {
                let _ = tree.stop(true);
                let lost = io::Error::other("the wait for the program ended unexpectedly");
                return (Err(lost), stop.map(|(s, _)| s));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        match &mut stop {
            None => {
                let reason = if let Some(why) = stop_requested() {
                    Some(StopReason::Cancel(why))
                } else if spec.timeout.is_some_and(|t| started.elapsed() >= t) {
                    Some(StopReason::Timeout)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    let forced = !Tree::POLITE;
                    let failed = tree.stop(forced).err();
                    stop = Some((
                        Stop {
                            reason,
                            forced,
                            failed,
                        },
                        Instant::now(),
                    ));
                }
            }
            Some((s, since)) => {
                // A forced stop is repeated after each grace period while the child lives
                // (only a failed one can leave it running).
                if since.elapsed() >= spec.grace && (!s.forced || s.failed.is_some()) {
                    s.failed = tree.stop(true).err();
                    s.forced = true;
                    *since = Instant::now();
                }
            }
        }
    }
}

fn decide(status: io::Result<ExitStatus>, stop: Option<Stop>, spec: &ChildSpec) -> ChildEnd {
    let (exit_code, signal) = match &status {
        Ok(s) => (s.code(), exit_signal(s)),
        Err(_) => (None, None),
    };
    let (outcome, message) = match (stop, &status) {
        (Some(stop), _) => {
            let how = match (&stop.failed, stop.forced, Tree::POLITE) {
                (Some(e), _, _) => {
                    format!("; {e}, so it ran on until it ended by itself")
                }
                (None, true, true) => format!(
                    "; it ignored the stop request and was killed after {} s",
                    spec.grace.as_secs_f32()
                ),
                (None, true, false) => {
                    "; its whole process tree was ended (a console program on Windows gets no polite stop)".to_string()
                }
                (None, false, _) => String::new(),
            };
            match stop.reason {
                StopReason::Timeout => {
                    let secs = spec.timeout.map(|t| t.as_secs()).unwrap_or(0);
                    let what = if stop.failed.is_some() {
                        format!("timed out after {secs} s")
                    } else {
                        format!("stopped after the {secs} s timeout")
                    };
                    (Outcome::TimedOut, Some(format!("{what}{how}")))
                }
                // The operator's words stay as they are unless the stop went wrong.
                StopReason::Cancel(why) if stop.failed.is_some() => {
                    (Outcome::Cancelled, Some(format!("{why}{how}")))
                }
                StopReason::Cancel(why) => (Outcome::Cancelled, Some(why.to_string())),
            }
        }
        (None, Err(e)) => (
            Outcome::Failed,
            Some(format!("lost track of the program: {e}")),
        ),
        (None, Ok(_)) => match (exit_code, signal) {
            (Some(code), _) if spec.success_codes.contains(&code) => (Outcome::Succeeded, None),
            (Some(code), _) => (
                Outcome::Failed,
                Some(format!(
                    "exited with code {code} (success is {})",
                    spec.success_codes
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            (None, Some(sig)) => (Outcome::Failed, Some(format!("killed by signal {sig}"))),
            (None, None) => (Outcome::Failed, Some("ended without an exit code".into())),
        },
    };
    ChildEnd {
        outcome,
        exit_code,
        signal,
        duration_ms: 0,
        message,
    }
}

#[cfg(unix)]
fn exit_signal(status: &ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn exit_signal(_status: &ExitStatus) -> Option<i32> {
    None
}

/// Starts the child with its tree, or says in one line why it could not be started.
fn spawn(spec: &ChildSpec) -> Result<(Child, Tree), String> {
    let would = format!(
        "(the step would have run: {})",
        display_command(spec.display_argv)
    );
    let Some(program) = spec.argv.first() else {
        return Err(format!("the step has no command {would}"));
    };
    if let Some(dir) = spec.cwd
        && !Path::new(dir).is_dir()
    {
        return Err(format!("working directory '{dir}' does not exist {would}"));
    }
    let mut cmd = command(spec.argv, spec.env);
    if let Some(dir) = spec.cwd {
        cmd.current_dir(dir);
    }
    cmd.envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(if spec.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    if let Some(token) = spec.tie {
        cmd.env(super::tree::TOKEN_VAR, token);
        tie_to_parent(&mut cmd);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        use windows_sys::Win32::System::Threading::{
            CREATE_NEW_PROCESS_GROUP, CREATE_NO_WINDOW, CREATE_SUSPENDED,
        };
        // Suspended until it is in its job, so nothing it starts escapes the job.
        cmd.creation_flags(CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW | CREATE_SUSPENDED);
    }
    let child = cmd
        .spawn()
        .map_err(|e| format!("{} {would}", spawn_failure(&e, program)))?;
    adopt(child).map_err(|e| format!("program '{program}' could not be started: {e} {would}"))
}

#[cfg(unix)]
fn adopt(child: Child) -> io::Result<(Child, Tree)> {
    let pgid = child.id();
    Ok((child, Tree { pgid }))
}

#[cfg(windows)]
fn adopt(mut child: Child) -> io::Result<(Child, Tree)> {
    let job = super::win::job::Job::kill_on_close()
        .and_then(|job| job.adopt_suspended(&child).map(|()| job));
    match job {
        Ok(job) => Ok((child, Tree { job })),
        Err(e) => {
            // Never leave a suspended child behind.
            let _ = child.kill();
            let _ = child.wait();
            Err(io::Error::new(
                e.kind(),
                format!("cannot put it in a job object: {e}"),
            ))
        }
    }
}

/// The child dies with the process that started it (Linux: a parent-death signal, checked
/// against a parent that died before it was set). Elsewhere nothing yet.
#[cfg(target_os = "linux")]
fn tie_to_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: getpid, prctl and getppid are async-signal-safe and touch no parent memory.
    let parent = unsafe { libc::getpid() };
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) == -1 {
                return Err(io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                return Err(io::Error::other(
                    "the supervisor ended before the step started",
                ));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn tie_to_parent(_cmd: &mut Command) {}

/// The command for `argv`: verbatim arguments, no shell. On Windows the command line is
/// built by [`super::quote::windows_args`] (what its tests check is what runs), and a bare
/// program name is looked up on PATH (with PATHEXT) in PATH's order, as on Unix and as the
/// `on-path` check finds it: Windows would otherwise try its own folders first.
fn command(argv: &[String], env: &[(String, String)]) -> Command {
    #[cfg(windows)]
    let mut cmd = Command::new(windows_program(&argv[0], env));
    #[cfg(not(windows))]
    let mut cmd = {
        let _ = env;
        Command::new(&argv[0])
    };
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        let rest = super::quote::windows_args(argv);
        if !rest.is_empty() {
            cmd.raw_arg(rest);
        }
    }
    #[cfg(not(windows))]
    cmd.args(&argv[1..]);
    cmd
}

/// Where a bare `program` is on the PATH the child gets (from `env`, else this process's);
/// the name as given when it has a folder part or is not found (the spawn then says so).
#[cfg(windows)]
fn windows_program(program: &str, env: &[(String, String)]) -> std::path::PathBuf {
    if program.contains(['/', '\\', ':']) {
        return program.into();
    }
    let path = env
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case("PATH"))
        .map(|(_, v)| std::ffi::OsString::from(v))
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_default();
    super::pathsearch::find_on_path(program, &path).unwrap_or_else(|| program.into())
}

/// One line on why `program` did not start.
pub fn spawn_failure(err: &io::Error, program: &str) -> String {
    let has_dir = program.contains('/') || (cfg!(windows) && program.contains('\\'));
    match err.kind() {
        io::ErrorKind::NotFound if has_dir => format!("program '{program}' not found"),
        io::ErrorKind::NotFound => format!("program '{program}' not found on PATH"),
        io::ErrorKind::PermissionDenied => {
            format!("program '{program}' cannot be run (permission denied)")
        }
        _ => format!("program '{program}' could not be started: {err}"),
    }
}

/// An argv as one readable line (the one spelling of `wizard::quote`).
pub use crate::wizard::quote::readable_command as display_command;

/// Stops the process group led by `pid` (Unix). `force`: KILL instead of TERM. A group
/// that is already gone counts as stopped; any other error is returned.
#[cfg(unix)]
pub fn kill_group(pid: u32, force: bool) -> Result<(), String> {
    let Ok(pgid) = libc::pid_t::try_from(pid) else {
        return Err(format!("'{pid}' is not a process group"));
    };
    if pgid <= 1 {
        return Err(format!(
            "'{pid}' is not a process group that may be signalled"
        ));
    }
    let sig = if force { libc::SIGKILL } else { libc::SIGTERM };
    // SAFETY: kill() with a negative pid signals that process group; no memory involved.
    let rc = unsafe { libc::kill(-pgid, sig) };
    let err = io::Error::last_os_error();
    if rc == 0 || err.raw_os_error() == Some(libc::ESRCH) {
        Ok(())
    } else {
        Err(format!("signalling its process group failed: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawn_failure_names_the_program() {
        let nf = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(
            spawn_failure(&nf, "sqlcmd"),
            "program 'sqlcmd' not found on PATH"
        );
        assert_eq!(
            spawn_failure(&nf, "/opt/x/sqlcmd"),
            "program '/opt/x/sqlcmd' not found"
        );
        let pd = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            spawn_failure(&pd, "./x"),
            "program './x' cannot be run (permission denied)"
        );
    }

    fn exited(code: u32) -> ExitStatus {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            ExitStatus::from_raw((code as i32) << 8)
        }
        #[cfg(windows)]
        {
            use std::os::windows::process::ExitStatusExt;
            ExitStatus::from_raw(code)
        }
    }

    #[test]
    fn a_failed_stop_is_reported_as_failed_never_as_done() {
        let argv = vec!["lcscmd".to_string()];
        let spec = ChildSpec {
            argv: &argv,
            display_argv: &argv,
            cwd: None,
            env: &[],
            stdin: None,
            timeout: Some(Duration::from_secs(2)),
            grace: Duration::from_secs(5),
            success_codes: &[0],
            secrets: &[],
            tie: None,
            output_cap: None,
        };
        let failed = Stop {
            reason: StopReason::Timeout,
            forced: true,
            failed: Some("ending its process tree failed: Access is denied.".into()),
        };
        let end = decide(Ok(exited(0)), Some(failed), &spec);
        assert_eq!(end.outcome, Outcome::TimedOut);
        assert_eq!(
            end.message.as_deref(),
            Some(
                "timed out after 2 s; ending its process tree failed: Access is denied., so it ran on until it ended by itself"
            )
        );
        let cancel = Stop {
            reason: StopReason::Cancel(crate::exec::CANCELLED),
            forced: true,
            failed: Some("ending its process tree failed: x".into()),
        };
        let end = decide(Ok(exited(0)), Some(cancel), &spec);
        assert_eq!(end.outcome, Outcome::Cancelled);
        assert!(end.message.unwrap().contains("failed: x, so it ran on"));
    }

    #[test]
    fn display_quotes_only_what_needs_it() {
        let argv: Vec<String> = ["sqlcmd", "-Q", "BACKUP DATABASE rtc", "", r#"a"b"#]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            display_command(&argv),
            r#"sqlcmd -Q "BACKUP DATABASE rtc" "" "a\"b""#
        );
    }
}
