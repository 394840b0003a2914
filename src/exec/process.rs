//! Running one child process to its end: spawned without a shell in its own process group,
//! output pumped to a file, stopped on timeout or cancel (the whole group: TERM, a grace
//! period, then KILL; a process tree on Windows), its exit turned into an outcome.

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

/// Runs `spec` to its end, writing merged output to `out`. `on_spawn` gets the child's pid;
/// `stop_requested` is polled; once it returns why (the message to record), the child is
/// stopped as cancelled.
pub fn run_child(
    spec: &ChildSpec,
    out: File,
    on_spawn: &mut dyn FnMut(u32),
    stop_requested: &dyn Fn() -> Option<&'static str>,
) -> ChildEnd {
    let mut child = match spawn(spec) {
        Ok(child) => child,
        Err(message) => return ChildEnd::spawn_failed(message),
    };
    let started = Instant::now();
    let pid = child.id();
    on_spawn(pid);
    if let (Some(text), Some(mut stdin)) = (spec.stdin, child.stdin.take()) {
        let text = text.to_string();
        // A separate thread: a child that prints before it reads must not deadlock us.
        thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        });
    }
    let mut sources: Vec<Box<dyn io::Read + Send>> = Vec::new();
    if let Some(o) = child.stdout.take() {
        sources.push(Box::new(o));
    }
    if let Some(e) = child.stderr.take() {
        sources.push(Box::new(e));
    }
    let pump = pump::start_capped(out, spec.secrets, sources, spec.output_cap);

    let (status, stop) = wait(child, spec, started, stop_requested);
    if stop.is_some() {
        // Whatever the group left behind (a grandchild in the background) goes too, and so
        // does every process of the attempt that left the group (`setsid`, a double fork).
        kill_group(pid, true);
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
    spec: &ChildSpec,
    started: Instant,
    stop_requested: &dyn Fn() -> Option<&'static str>,
) -> (io::Result<ExitStatus>, Option<(StopReason, bool)>) {
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let mut stop: Option<(StopReason, Instant, bool)> = None;
    loop {
        match rx.recv_timeout(POLL) {
            Ok(status) => return (status, stop.map(|(r, _, k)| (r, k))),
            Err(RecvTimeoutError::Disconnected) => {
                kill_group(pid, true);
                let lost = io::Error::other("the wait for the program ended unexpectedly");
                return (Err(lost), stop.map(|(r, _, k)| (r, k)));
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
                    kill_group(pid, false);
                    stop = Some((reason, Instant::now(), false));
                }
            }
            Some((_, since, killed)) => {
                if !*killed && since.elapsed() >= spec.grace {
                    kill_group(pid, true);
                    *killed = true;
                }
            }
        }
    }
}

fn decide(
    status: io::Result<ExitStatus>,
    stop: Option<(StopReason, bool)>,
    spec: &ChildSpec,
) -> ChildEnd {
    let (exit_code, signal) = match &status {
        Ok(s) => (s.code(), exit_signal(s)),
        Err(_) => (None, None),
    };
    let (outcome, message) = match (stop, &status) {
        (Some((StopReason::Timeout, killed)), _) => {
            let secs = spec.timeout.map(|t| t.as_secs()).unwrap_or(0);
            let how = if killed {
                format!(
                    "; it ignored the stop request and was killed after {} s",
                    spec.grace.as_secs_f32()
                )
            } else {
                String::new()
            };
            (
                Outcome::TimedOut,
                Some(format!("stopped after the {secs} s timeout{how}")),
            )
        }
        (Some((StopReason::Cancel(why), _)), _) => (Outcome::Cancelled, Some(why.to_string())),
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

/// Starts the child, or says in one line why it could not be started.
fn spawn(spec: &ChildSpec) -> Result<Child, String> {
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
    let mut cmd = command(spec.argv);
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
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        cmd.creation_flags(CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW);
    }
    cmd.spawn()
        .map_err(|e| format!("{} {would}", spawn_failure(&e, program)))
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
/// built by [`super::quote::windows_args`] (what its tests check is what runs).
fn command(argv: &[String]) -> Command {
    let mut cmd = Command::new(&argv[0]);
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

/// An argv as one readable line: words with blanks or quotes are double-quoted.
pub fn display_command(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.is_empty()
                || a.chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '\'')
            {
                format!("\"{}\"", a.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Stops the process group led by `pid` (Unix), or the process tree (Windows).
/// `force`: KILL instead of TERM. Errors (the group is already gone) are ignored.
pub fn kill_group(pid: u32, force: bool) {
    #[cfg(unix)]
    {
        let Ok(pgid) = libc::pid_t::try_from(pid) else {
            return;
        };
        if pgid <= 1 {
            return;
        }
        let sig = if force { libc::SIGKILL } else { libc::SIGTERM };
        // SAFETY: kill() with a negative pid signals that process group; no memory involved.
        unsafe {
            libc::kill(-pgid, sig);
        }
    }
    #[cfg(not(unix))]
    {
        // Console programs ignore taskkill's polite request (it only closes windows), so
        // the tree is ended at once whether `force` is asked or not.
        let _ = force;
        let _ = Command::new("taskkill")
            .args(["/T", "/F", "/PID", &pid.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
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
