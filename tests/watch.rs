//! `lifeline watch`: a second console follows a headless run in progress, live and read-only.
//! The view shows the running step and its output as it grows, then the finished session; the
//! session's lock is never taken (the run goes on and ends by itself, its lock file unchanged).

#![cfg(unix)]

mod support;

use support::Sandbox;
use support::pty::Pty;

#[test]
fn a_second_console_watches_a_headless_run_live_without_touching_its_lock() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (child, dir) = sb.start_slow_run(&answers, 3);
    let id = dir.file_name().unwrap().to_string_lossy().into_owned();
    let lock_before = std::fs::read(dir.join("lock")).ok();
    let home = sb.home();
    let mut pty = Pty::spawn(&["watch", &id], &[("LIFELINE_HOME", &home)], (80, 24));
    let first = pty.wait_for("WATCHING (read-only)");
    assert!(first.contains(&id), "{first}");
    pty.wait_for("Slow restore");
    pty.wait_for("Output of slow");
    // The stub prints "restoring..." at once and "restore complete" at the end: the view updates.
    pty.wait_for("restoring...");
    pty.wait_for("driven by");
    let out = child.wait_with_output().expect("the run ends by itself");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the watched run finished: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pty.wait_for("finished");
    pty.wait_for("no console drives it now");
    pty.send("q");
    assert!(pty.wait_exit().success());
    assert!(
        sb.invocations().iter().any(|l| l == "lcscmd last"),
        "{:?}",
        sb.invocations()
    );
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).expect("journal");
    assert!(
        !journal.contains("take"),
        "no take-over was journaled: {journal}"
    );
    if let Some(before) = lock_before {
        assert_eq!(
            std::fs::read(dir.join("lock")).ok(),
            Some(before),
            "lock file untouched"
        );
    }
}

#[test]
fn watch_without_a_terminal_prints_one_look_and_names_what_runs() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (child, _dir) = sb.start_slow_run(&answers, 2);
    let out = sb.lifeline().arg("watch").output().expect("watch");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("WATCHING (read-only)"), "{text}");
    assert!(text.contains("Output of slow · attempt 1"), "{text}");
    let run = child.wait_with_output().expect("run");
    assert_eq!(run.status.code(), Some(0));
}
