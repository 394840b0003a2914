//! The hidden supervisor mode (`lifeline __supervise <session-dir> <stem> [-- shown argv]`):
//! a small detached process that runs one step's child so the step outlives the UI, and
//! leaves its pid, output and final status in the session's `steps/` directory.
//!
//! What to run comes in two parts. `steps/<stem>.spec.json` holds the secret-free part
//! (the argv as displayed, cwd, timeout); everything that may hold a secret (the real argv,
//! env, stdin text, the secret values to mask) arrives on the supervisor's own stdin pipe,
//! so no secret is ever written to disk. The `-- argv` words are only there so `ps` shows
//! what runs; they are the redacted display form and are ignored.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::claim::{Claim, ClaimedBy, try_claim};
use super::process::{ChildEnd, ChildSpec, run_child};
use crate::session::event::Outcome;
use super::redact::redact;
use super::status::{
    PidRecord, StatusRecord, open_append_private, start_token, write_json_atomic,
    write_json_replace,
};
use super::{CANCELLED, StepFiles};

/// The supervisor's exit code when not even its status file could be written (a full disk,
/// a read-only or deleted session folder): the launcher says so instead of "no status".
pub const STATUS_UNWRITTEN: i32 = 3;

/// The first argument that selects the supervisor mode.
pub const SUPERVISE_MODE: &str = "__supervise";

/// The secret-free description of one attempt, `steps/<stem>.spec.json` (owner-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuperviseSpec {
    pub step: String,
    pub attempt: u32,
    /// The argv as displayed, secrets as `****`.
    pub display_argv: Vec<String>,
    #[serde(default)]
    pub cwd: Option<String>,
    #[serde(default)]
    pub timeout_s: Option<u64>,
    /// Milliseconds between the polite stop and the forced one.
    pub grace_ms: u64,
    pub success_codes: Vec<i32>,
    /// At most this many bytes of output are kept (`LIFELINE_MAX_OUTPUT`).
    #[serde(default)]
    pub output_cap: Option<u64>,
}

/// What the launcher writes to the supervisor's stdin: every part that may hold a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub argv: Vec<String>,
    #[serde(default)]
    pub env: Vec<(String, String)>,
    #[serde(default)]
    pub stdin: Option<String>,
    #[serde(default)]
    pub secrets: Vec<String>,
    /// The working directory as the step runs it (the spec holds it redacted).
    #[serde(default)]
    pub cwd: Option<String>,
}

/// The supervisor's command-line arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuperviseArgs {
    pub session_dir: PathBuf,
    pub stem: String,
}

impl SuperviseArgs {
    /// Parses the arguments after the program name: `__supervise <dir> <stem> [-- ...]`.
    pub fn parse(args: &[OsString]) -> Result<SuperviseArgs, String> {
        let usage = || format!("usage: lifeline {SUPERVISE_MODE} <session-dir> <step-stem>");
        match args {
            [mode, dir, stem, rest @ ..]
                if mode == SUPERVISE_MODE && rest.first().is_none_or(|r| r == "--") =>
            {
                let stem = stem.to_str().ok_or_else(usage)?.to_string();
                if stem.is_empty() || stem.contains(['/', '\\']) || stem.starts_with('.') {
                    return Err(format!("invalid step stem '{stem}'"));
                }
                Ok(SuperviseArgs {
                    session_dir: PathBuf::from(dir),
                    stem,
                })
            }
            _ => Err(usage()),
        }
    }
}

/// The whole hidden mode: `args` as from `std::env::args_os()` (program name first).
/// Returns the process exit code: 0 once a status file is written, 2 on bad usage,
/// 3 when not even the status file could be written.
pub fn supervise_main_from_args(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().skip(1).collect();
    match SuperviseArgs::parse(&args) {
        Ok(parsed) => supervise_main(parsed),
        Err(message) => {
            eprintln!("lifeline: {message}");
            2
        }
    }
}

/// Supervises one attempt, reading the secret part from this process's stdin.
pub fn supervise_main(args: SuperviseArgs) -> i32 {
    supervise(&args, std::io::stdin().lock())
}

static STOP_SIGNAL: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_stop_signal(_: libc::c_int) {
    STOP_SIGNAL.store(true, Ordering::SeqCst);
}

/// SIGTERM, SIGINT or SIGHUP to the supervisor (a shutdown, a reboot) stops the child and
/// records the attempt as *interrupted*, rather than killing the supervisor and leaving the
/// child without anyone to report its end.
fn install_stop_handler() {
    #[cfg(unix)]
    {
        let handler = on_stop_signal as extern "C" fn(libc::c_int);
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
            libc::signal(libc::SIGHUP, handler as libc::sighandler_t);
        }
    }
}

/// The supervisor's exit code when it found its attempt already given up (abandoned by a
/// launcher that stopped waiting, or by a resume): it ran nothing.
pub const ABANDONED: i32 = 4;

/// Test hook, documented in the README's "Test hooks": milliseconds the supervisor waits
/// before it claims its attempt, to reproduce a slow start. Read only here.
pub const STALL_HOOK: &str = "LIFELINE_TEST_SUPERVISOR_STALL_MS";

fn supervise(args: &SuperviseArgs, handover: impl Read) -> i32 {
    install_stop_handler();
    // Descendants whose parent exits (a daemonising script) stay in this process's tree.
    super::tree::become_subreaper();
    if let Some(ms) = std::env::var(STALL_HOOK).ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let files = StepFiles::new(&args.session_dir, &args.stem);
    let me = std::process::id();
    let token = super::tree::new_token(me);
    // The claim comes first: if a launcher or a resume gave this attempt up meanwhile, it
    // must not run, and nothing of it may be written.
    let claim = Claim::here(ClaimedBy::Supervisor, Some(token.clone()), None);
    match try_claim(&files.claim(), &claim) {
        Ok(true) => {}
        Ok(false) => return ABANDONED,
        Err(_) => return STATUS_UNWRITTEN,
    }
    let mut pid = PidRecord {
        supervisor_pid: me,
        supervisor_start: start_token(me),
        child_pid: None,
        child_start: None,
    };
    let _ = write_json_replace(&files.pid(), &pid);

    let (end, secrets) = match prepare(&files, handover) {
        Err(message) => (ChildEnd::spawn_failed(message), Vec::new()),
        Ok((spec, handover)) => {
            let end = run(&files, &spec, &handover, &mut pid, &token);
            (end, handover.secrets)
        }
    };
    let interrupted = was_interrupted(&files, &end);
    let mut message = end.message.map(|m| redact(&m, &secrets));
    if interrupted {
        message = Some(format!(
            "interrupted by a shutdown signal ({}); whether the step finished its work is unknown",
            message.unwrap_or_else(|| "no further detail".into())
        ));
    }
    let status = StatusRecord {
        outcome: end.outcome,
        exit_code: end.exit_code,
        signal: end.signal,
        duration_ms: end.duration_ms,
        message,
        interrupted,
    };
    match write_json_atomic(&files.status(), &status) {
        Ok(()) => 0,
        Err(_) => STATUS_UNWRITTEN,
    }
}

/// Whether the attempt ended because the machine (or someone) told its processes to stop:
/// SIGTERM/SIGINT to the supervisor, or the child killed by a hang-up, interrupt or
/// termination signal lifeline did not send. An operator's cancel is never an interruption.
fn was_interrupted(files: &StepFiles, end: &ChildEnd) -> bool {
    if files.cancel().exists() || end.outcome == Outcome::TimedOut {
        return false;
    }
    #[cfg(unix)]
    let by_signal = matches!(end.signal, Some(libc::SIGTERM | libc::SIGHUP | libc::SIGINT));
    #[cfg(not(unix))]
    let by_signal = false;
    if by_signal && !STOP_SIGNAL.load(Ordering::SeqCst) {
        // A shutdown signals every process at about the same moment: give ours a moment.
        std::thread::sleep(Duration::from_millis(200));
    }
    STOP_SIGNAL.load(Ordering::SeqCst) || by_signal
}

fn prepare(
    files: &StepFiles,
    mut handover: impl Read,
) -> Result<(SuperviseSpec, Handover), String> {
    let spec: SuperviseSpec = match super::status::read_json(&files.spec()) {
        Ok(Some(spec)) => spec,
        Ok(None) => {
            return Err(format!(
                "no step description at '{}'",
                files.spec().display()
            ));
        }
        Err(e) => return Err(format!("cannot read '{}': {e}", files.spec().display())),
    };
    let mut bytes = Vec::new();
    handover
        .read_to_end(&mut bytes)
        .map_err(|e| format!("the launcher's hand-over could not be read: {e}"))?;
    let handover: Handover = serde_json::from_slice(&bytes)
        .map_err(|_| "the launcher stopped before handing the step over".to_string())?;
    Ok((spec, handover))
}

fn run(
    files: &StepFiles,
    spec: &SuperviseSpec,
    handover: &Handover,
    pid: &mut PidRecord,
    token: &str,
) -> ChildEnd {
    let out = match open_append_private(&files.out()) {
        Ok(out) => out,
        Err(e) => {
            return ChildEnd::spawn_failed(format!(
                "cannot write the output file '{}': {e}",
                files.out().display()
            ));
        }
    };
    let child = ChildSpec {
        argv: &handover.argv,
        display_argv: &spec.display_argv,
        // The real directory comes with the hand-over (it may hold a secret); the spec's
        // is the displayed one. Older launchers put it only in the spec.
        cwd: handover.cwd.as_deref().or(spec.cwd.as_deref()),
        env: &handover.env,
        stdin: handover.stdin.as_deref(),
        timeout: spec.timeout_s.map(Duration::from_secs),
        grace: Duration::from_millis(spec.grace_ms),
        success_codes: &spec.success_codes,
        secrets: &handover.secrets,
        tie: Some(token),
        output_cap: spec.output_cap,
    };
    let cancel = files.cancel();
    let mut on_spawn = |child_pid: u32| {
        pid.child_pid = Some(child_pid);
        pid.child_start = start_token(child_pid);
        let _ = write_json_replace(&files.pid(), &*pid);
    };
    let stop = || {
        if cancel.exists() {
            Some(CANCELLED)
        } else if STOP_SIGNAL.load(Ordering::SeqCst) {
            Some("stopped because its supervisor was told to stop (a shutdown or a kill)")
        } else {
            None
        }
    };
    run_child(&child, out, &mut on_spawn, &stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn parses_the_hidden_mode_arguments() {
        let args =
            SuperviseArgs::parse(&os(&["__supervise", "/s", "a.1", "--", "x", "y"])).unwrap();
        assert_eq!(args.session_dir, PathBuf::from("/s"));
        assert_eq!(args.stem, "a.1");
        assert!(SuperviseArgs::parse(&os(&["__supervise", "/s"])).is_err());
        assert!(SuperviseArgs::parse(&os(&["__supervise", "/s", "../x"])).is_err());
        assert!(SuperviseArgs::parse(&os(&["__supervise", "/s", "a.1", "x"])).is_err());
    }

    #[test]
    fn a_broken_handover_ends_as_spawn_failed_with_a_status() {
        let dir = tempfile::tempdir().unwrap();
        let files = StepFiles::new(dir.path(), "s.1");
        std::fs::create_dir_all(&files.dir).unwrap();
        let spec = SuperviseSpec {
            step: "s".into(),
            attempt: 1,
            display_argv: vec!["true".into()],
            cwd: None,
            timeout_s: None,
            grace_ms: 100,
            success_codes: vec![0],
            output_cap: None,
        };
        write_json_atomic(&files.spec(), &spec).unwrap();
        let args = SuperviseArgs {
            session_dir: dir.path().to_path_buf(),
            stem: "s.1".into(),
        };
        assert_eq!(supervise(&args, &b"{\"argv\": [\"tr"[..]), 0);
        let status: StatusRecord = super::super::status::read_json(&files.status())
            .unwrap()
            .unwrap();
        assert_eq!(status.outcome, crate::session::event::Outcome::SpawnFailed);
        assert!(
            status
                .message
                .unwrap()
                .contains("before handing the step over")
        );
        let pid: PidRecord = super::super::status::read_json(&files.pid())
            .unwrap()
            .unwrap();
        assert_eq!(pid.supervisor_pid, std::process::id());
    }
}
