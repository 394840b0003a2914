//! A closed standard output never stops lifeline: `lifeline plan … | head -1` ends quietly
//! with 0, and a headless run whose reader went away (`| head -1`, `| less` quit early) goes
//! on to the end of the recovery, its record in the session files.

#![cfg(unix)]

mod support;

use std::process::Stdio;

use support::Sandbox;

#[test]
fn plan_into_a_closed_pipe_exits_quietly_with_zero() {
    let sb = Sandbox::new();
    let mut child = sb
        .lifeline()
        .args(["plan", "--topology", "enterprise-expanded", "--lost", "front-end,back-end"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lifeline");
    // The reader goes away before lifeline writes anything: every write meets a broken pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "nothing on stderr, got: {stderr}");
}

#[test]
fn plan_piped_into_head_prints_its_first_line_and_exits_zero() {
    let sb = Sandbox::new();
    let exe = sb.lifeline().get_program().to_owned();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{{ '{}' plan --topology enterprise-expanded --lost front-end,back-end; echo \"lifeline exited $?\" >&2; }} | head -1",
            exe.to_string_lossy()
        ))
        .env("LIFELINE_HOME", sb.home())
        .output()
        .expect("run sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("# "), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim(), "lifeline exited 0", "quiet, and 0");
}

#[test]
fn a_headless_run_whose_reader_went_away_runs_to_its_end() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (mut child, dir) = sb.start_slow_run(&answers, 1);
    // The operator quits `less` in the middle of the slow step.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        sb.invocations().iter().any(|l| l == "lcscmd last"),
        "the step after the slow one ran: {:?}",
        sb.invocations()
    );
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).expect("journal");
    assert!(journal.contains("\"type\":\"session-finished\""), "{journal}");
    let slow_out = std::fs::read_dir(dir.join("steps"))
        .expect("steps folder")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains("slow") && p.extension().is_some_and(|e| e == "out"))
        .expect("the slow step's output file");
    let text = std::fs::read_to_string(slow_out).expect("read output");
    assert!(text.contains("restore complete"), "{text}");
}
