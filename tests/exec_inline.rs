//! The child handling of `exec` without a supervisor (`run_inline`): argv passed verbatim
//! with and without `sh`, exit codes, timeouts that take the whole process tree (group or
//! Job Object), cancel, spawn failures and redaction. The stubs are one small program built
//! for every platform (tests/stubs/stub.rs).

#[path = "stubs/mod.rs"]
mod stubs;

use std::time::{Duration, Instant};

use lifeline::exec::quote::quote;
use lifeline::exec::{request_cancel, run_inline, step_stem};
use lifeline::session::engine::shell_argv;
use lifeline::session::event::Outcome;
use lifeline::wizard::Shell;
use stubs::{Stubs, nasty_values, recorded_argv, request};

#[tokio::test]
async fn argv_reaches_the_program_verbatim_without_a_shell() {
    let stubs = Stubs::install();
    let (record, record_env) = stubs.argv_record("argv");
    let values = nasty_values();
    let mut argv = vec!["echo-argv".to_string()];
    argv.extend(values.iter().cloned());
    let mut req = request("verbatim", &[]);
    req.display_argv = argv.clone();
    req.argv = argv;
    req.env = vec![stubs.path_env(), record_env];
    let out = tempfile::tempdir().unwrap();
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::Succeeded), "{report:?}");
    assert_eq!(recorded_argv(&record), values);
    assert!(!std::path::Path::new("/tmp/lifeline-pwned").exists());
}

#[tokio::test]
#[cfg_attr(windows, ignore = "not under Wine: no POSIX sh on Windows")]
async fn values_quoted_for_sh_come_back_verbatim_and_literal_text_stays_shell() {
    let stubs = Stubs::install();
    let (record, record_env) = stubs.argv_record("argv-sh");
    let values = nasty_values();
    // What the engine does for `shell = "sh"`: literal words as written, values quoted.
    let mut words = vec!["echo-argv".to_string()];
    words.extend(values.iter().map(|v| quote(Shell::Sh, v)));
    words.push("&& echo literal-shell-ran".into());
    let argv = shell_argv(Shell::Sh, words.join(" "));
    let mut req = request("sh", &[]);
    req.display_argv = argv.clone();
    req.argv = argv;
    req.env = vec![stubs.path_env(), record_env];
    let out = tempfile::tempdir().unwrap();
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::Succeeded), "{report:?}");
    assert_eq!(recorded_argv(&record), values);
    assert_eq!(
        report.tail.last().map(String::as_str),
        Some("literal-shell-ran")
    );
}

#[tokio::test]
async fn exit_codes_decide_the_outcome() {
    let stubs = Stubs::install();
    let out = tempfile::tempdir().unwrap();
    let mut req = request("fail", &["fail", "3"]);
    req.env = vec![stubs.path_env()];
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::Failed));
    assert_eq!(report.exit_code, Some(3));
    assert_eq!(
        report.message.as_deref(),
        Some("exited with code 3 (success is 0)")
    );
    assert_eq!(report.tail, ["fail: exiting with 3"]);

    req.attempt = 2;
    req.success_codes = vec![0, 3];
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::Succeeded));
    assert_eq!(report.message, None);
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_timeout_stops_the_child_and_its_grandchildren() {
    let out = tempfile::tempdir().unwrap();
    let mut req = request(
        "timeout",
        &["sh", "-c", "sleep 30 & echo $!; echo $$; sleep 30"],
    );
    req.timeout_s = Some(1);
    let started = Instant::now();
    let report = run_inline(&req, out.path()).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(report.outcome, Some(Outcome::TimedOut), "{report:?}");
    assert_eq!(report.signal, Some(15));
    assert_eq!(
        report.message.as_deref(),
        Some("stopped after the 1 s timeout")
    );
    let pids: Vec<i32> = report.tail.iter().map(|l| l.parse().unwrap()).collect();
    assert_eq!(pids.len(), 2, "{:?}", report.tail);
    for pid in &pids {
        assert!(!stubs::alive(*pid), "process {pid} survived the timeout");
    }
    // The shell led the group: nothing of it is left (the foreground sleep included).
    assert_eq!(stubs::group_members(pids[1]), Vec::<i32>::new());
}

/// The stub's grandchild and the stub itself (pids it printed) are gone within a few seconds.
fn assert_tree_ended(tail: &[String]) {
    let pids: Vec<u32> = tail.iter().filter_map(|l| l.parse().ok()).collect();
    assert_eq!(pids.len(), 2, "{tail:?}");
    for pid in pids {
        let deadline = Instant::now() + Duration::from_secs(5);
        while lifeline::exec::status::process_alive(pid, None) {
            assert!(Instant::now() < deadline, "process {pid} survived the stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[tokio::test]
async fn a_timeout_ends_the_whole_tree_on_every_platform() {
    let stubs = Stubs::install();
    let out = tempfile::tempdir().unwrap();
    let mut req = request("tree", &["spawn-tree", "30"]);
    req.env = vec![stubs.path_env()];
    req.timeout_s = Some(1);
    let started = Instant::now();
    let report = run_inline(&req, out.path()).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(report.outcome, Some(Outcome::TimedOut), "{report:?}");
    let message = report.message.as_deref().unwrap_or_default();
    if cfg!(windows) {
        assert_eq!(
            message,
            "stopped after the 1 s timeout; its whole process tree was ended (a console program on Windows gets no polite stop)"
        );
    } else {
        assert_eq!(message, "stopped after the 1 s timeout");
    }
    assert_tree_ended(&report.tail);
}

#[tokio::test]
async fn a_cancel_ends_the_whole_tree() {
    let stubs = Stubs::install();
    let out = tempfile::tempdir().unwrap();
    let mut req = request("tree-cancel", &["spawn-tree", "30"]);
    req.env = vec![stubs.path_env()];
    let dir = out.path().to_path_buf();
    let stem = step_stem(&req.step, req.attempt);
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        std::fs::write(dir.join(format!("{stem}.cancel")), b"").unwrap();
    });
    let report = run_inline(&req, out.path()).await;
    canceller.await.unwrap();
    assert_eq!(report.outcome, Some(Outcome::Cancelled), "{report:?}");
    assert_eq!(report.message.as_deref(), Some("cancelled by the operator"));
    assert_tree_ended(&report.tail);
}

#[tokio::test]
async fn a_cancel_file_stops_the_step() {
    let stubs = Stubs::install();
    let out = tempfile::tempdir().unwrap();
    let mut req = request("cancel-me", &["sleep-for", "30"]);
    req.env = vec![stubs.path_env()];
    let dir = out.path().to_path_buf();
    let stem = step_stem(&req.step, req.attempt);
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        // run_inline keeps its files in `dir` itself, which is what `steps/` is to a session.
        std::fs::write(dir.join(format!("{stem}.cancel")), b"").unwrap();
    });
    let started = Instant::now();
    let report = run_inline(&req, out.path()).await;
    canceller.await.unwrap();
    assert_eq!(report.outcome, Some(Outcome::Cancelled));
    assert_eq!(report.message.as_deref(), Some("cancelled by the operator"));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(report.tail, ["sleeping 30"]);
    // request_cancel writes the same file under a session's steps/ folder.
    let session = tempfile::tempdir().unwrap();
    std::fs::create_dir(session.path().join("steps")).unwrap();
    request_cancel(session.path(), "x.1").unwrap();
    assert!(session.path().join("steps/x.1.cancel").exists());
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_failure_naming_it() {
    let out = tempfile::tempdir().unwrap();
    let mut req = request("missing", &["lifeline-no-such-sqlcmd", "-S", "sql01\\rtc"]);
    req.display_argv = vec![
        "lifeline-no-such-sqlcmd".into(),
        "-S".into(),
        "sql01\\rtc".into(),
        "-P".into(),
        "****".into(),
    ];
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::SpawnFailed));
    assert_eq!(report.exit_code, None);
    assert_eq!(
        report.message.as_deref(),
        Some(
            "program 'lifeline-no-such-sqlcmd' not found on PATH \
             (the step would have run: lifeline-no-such-sqlcmd -S sql01\\rtc -P ****)"
        )
    );

    #[cfg(unix)]
    {
        let not_executable = out.path().join("not-executable");
        std::fs::write(&not_executable, "#!/bin/sh\n").unwrap();
        let path = not_executable.display().to_string();
        let mut req = request("denied", &[&path]);
        req.attempt = 2;
        let report = run_inline(&req, out.path()).await;
        assert_eq!(report.outcome, Some(Outcome::SpawnFailed));
        assert!(report.message.unwrap().starts_with(&format!(
            "program '{path}' cannot be run (permission denied)"
        )));
    }

    let mut req = request("no-cwd", &["true"]);
    req.cwd = Some("/nonexistent/lifeline".into());
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::SpawnFailed));
    assert!(
        report
            .message
            .unwrap()
            .starts_with("working directory '/nonexistent/lifeline' does not exist")
    );
}

#[tokio::test]
async fn secrets_from_argv_env_and_stdin_never_reach_the_output() {
    let stubs = Stubs::install();
    let out = tempfile::tempdir().unwrap();
    let secret = "S3cr3t-p@ss w0rd";
    let mut req = request("secret", &["secret-echo", secret]);
    req.display_argv = vec!["secret-echo".into(), "****".into()];
    req.env = vec![stubs.path_env(), ("PW".into(), secret.into())];
    req.stdin = Some(format!("stdin={secret}\n"));
    req.secrets = vec![secret.into()];
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.exit_code, Some(4));
    let text = std::fs::read_to_string(report.output.as_ref().unwrap()).unwrap();
    assert!(!text.contains(secret), "{text}");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["arg=****", "env=****", "stdin=****"]);
    assert!(report.tail.iter().all(|l| !l.contains(secret)));
    assert!(!report.message.unwrap().contains(secret));
}

#[tokio::test]
async fn output_of_both_streams_lands_in_one_owner_only_file() {
    let stubs = Stubs::install();
    let out = tempfile::tempdir().unwrap();
    let mut req = request("streams", &["streams"]);
    req.env = vec![stubs.path_env()];
    let report = run_inline(&req, out.path()).await;
    assert_eq!(report.outcome, Some(Outcome::Succeeded));
    let path = report.output.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["no newline", "one", "two"]);
    assert!(text.ends_with('\n'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
