//! The real binary, killed mid-step: the session shows as interrupted, resume applies the
//! step's policy, and no finished step ever runs again (the stub logs every invocation).

mod support;

use support::{Sandbox, fixture, wait_for};

fn sessions_json(sb: &Sandbox) -> serde_json::Value {
    let out = sb
        .lifeline()
        .args(["sessions", "--json"])
        .output()
        .expect("run sessions");
    assert!(
        out.status.success(),
        "sessions failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("sessions --json is JSON")
}

/// Starts a run of the sleepy wizard whose slow step sleeps `sleep_s`, and SIGKILLs lifeline
/// once that step has started. Returns the session id.
fn run_and_kill_during_slow(sb: &Sandbox, answers: &std::path::Path, sleep_s: u32) -> String {
    let (mut child, dir) = sb.start_slow_run(answers, sleep_s);
    child.kill().expect("SIGKILL lifeline");
    let _ = child.wait();
    dir.file_name()
        .expect("session id")
        .to_string_lossy()
        .into_owned()
}

/// Kills what a power cut would: the running step's supervisor and its child's tree (its
/// process group on Unix; on Windows the child's Job Object ends with the supervisor). Only
/// a supervisor that exec itself confirms alive (same pid and start time) is killed.
fn kill_supervisors(sb: &Sandbox, id: &str) {
    let dir = sb.home().join("sessions").join(id);
    let stem = lifeline::exec::step_stem("slow", 1);
    let lifeline::exec::AttachState::Running { supervisor_pid, .. } =
        lifeline::exec::attach(&dir, &stem)
    else {
        panic!("the slow step should still be running under its supervisor");
    };
    let pid_file: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("steps").join(format!("{stem}.pid.json"))).expect("pid file"),
    )
    .expect("json");
    let child = pid_file["child_pid"].as_u64().expect("child pid") as i32;
    let supervisor = supervisor_pid as i32;
    assert!(
        child > 1 && supervisor > 1,
        "refusing to signal pid {child} / {supervisor}"
    );
    let token = pid_file["supervisor_start"].as_str().map(str::to_string);
    support::kill_verified(supervisor_pid, token.as_deref());
    #[cfg(unix)]
    // SAFETY: a plain kill(2) call; the verified supervisor's child leads its own process group.
    unsafe {
        libc::kill(-child, libc::SIGKILL);
    }
    wait_for("the supervisor to be gone", || {
        sessions_json(sb)[0]["state"] == "interrupted"
    });
}

#[test]
fn a_step_whose_supervisor_died_is_interrupted_and_resumes_by_policy_never_rerunning_finished_steps()
 {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\npool_name = \"pool01\"\n");
    let id = run_and_kill_during_slow(&sb, &answers, 30);
    kill_supervisors(&sb, &id);

    let list = sessions_json(&sb);
    let s = &list[0];
    assert_eq!(s["state"], "interrupted", "{list:#}");
    assert_eq!(s["current_step"], "slow");
    assert_eq!(s["wizard"], "sleepy");
    assert_eq!(s["drill"], false);
    assert_eq!(s["locked_by"], serde_json::Value::Null);

    // The slow step's policy is `ask`: a headless resume without --interrupted stops with exit 3.
    let a = answers.to_str().expect("utf-8");
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", a])
        .output()
        .expect("resume");
    assert_eq!(
        out.status.code(),
        Some(3),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("step 'slow' needs an operator decision")
    );

    // --interrupted rerun: the slow step runs again (attempt 2), then the last one; never the first.
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", a, "--interrupted", "rerun"])
        .output()
        .expect("resume");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.invocations(),
        vec![
            "lcscmd first /poolname:pool01",
            "lcscmd slow /poolname:pool01",
            "lcscmd slow /poolname:pool01",
            "lcscmd last"
        ]
    );
    let list = sessions_json(&sb);
    assert_eq!(list[0]["state"], "finished");
    assert_eq!(list[0]["steps_done"], list[0]["steps_total"]);

    // A finished session runs nothing again.
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", a])
        .output()
        .expect("resume");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(sb.invocations().len(), 4);
}

#[test]
fn a_step_outlives_a_killed_lifeline_and_resume_reattaches_to_it() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let id = run_and_kill_during_slow(&sb, &answers, 3);
    // The step is still running under its supervisor: not interrupted.
    assert_eq!(sessions_json(&sb)[0]["state"], "in-progress");
    // Resume while it runs: lifeline re-attaches and follows its output to the end.
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", answers.to_str().expect("utf-8")])
        .output()
        .expect("resume");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("restore complete"),
        "live output followed"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The journal carries the real outcome, and the slow step was never started a second time.
    let journal =
        std::fs::read_to_string(sb.home().join("sessions").join(&id).join("journal.jsonl"))
            .expect("journal");
    assert!(
        journal.contains("\"type\":\"step-finished\",\"step\":\"slow\",\"attempt\":1,\"outcome\":\"succeeded\",\"exit_code\":0"),
        "{journal}\n{stderr}"
    );
    assert!(!journal.contains("step-interrupted"), "{journal}");
    assert_eq!(
        sb.invocations()
            .iter()
            .filter(|l| l.starts_with("lcscmd slow"))
            .count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_failed_step_exits_1_and_a_resume_retries_only_it() {
    let sb = Sandbox::new();
    sb.stub("lcscmd");
    let answers = sb.write("answers.toml", "[answers]\n");
    let wizard = fixture("e2e/sleepy.toml");
    let out = sb
        .lifeline()
        .env("STUB_EXIT", "4")
        .args([
            "run",
            wizard.to_str().expect("utf-8"),
            "--answers",
            answers.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("step 'first' failed") && stderr.contains("code 4"),
        "{stderr}"
    );
    let id = sessions_json(&sb)[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(sessions_json(&sb)[0]["state"], "failed");
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", answers.to_str().expect("utf-8")])
        .output()
        .expect("resume");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.invocations().len(),
        4,
        "first twice, slow and last once: {:?}",
        sb.invocations()
    );
}

#[test]
fn bad_input_is_one_line_exit_2_and_creates_no_session() {
    let sb = Sandbox::new();
    let wizard = fixture("e2e/sleepy.toml");
    let w = wizard.to_str().expect("utf-8");
    let unknown = sb.write(
        "unknown.toml",
        "[answers]\npool_name = \"p\"\nbogus = 1\nalso_bogus = \"x\"\n",
    );
    let out = sb
        .lifeline()
        .args(["run", w, "--answers", unknown.to_str().expect("utf-8")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("'also_bogus', 'bogus'"), "{stderr}");

    for (args, needle) in [
        (
            vec!["run", "no-such-wizard", "--answers", "x.toml"],
            "no wizard 'no-such-wizard'",
        ),
        (
            vec![
                "resume",
                "nope",
                "--answers",
                unknown.to_str().expect("utf-8"),
            ],
            "nope",
        ),
        (
            vec!["run", w, "--answers", "/nonexistent/answers.toml"],
            "cannot read answers file",
        ),
    ] {
        let out = sb.lifeline().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    assert_eq!(
        sessions_json(&sb).as_array().map(Vec::len),
        Some(0),
        "no session was created"
    );

    // A home that cannot be created: under a file.
    let file = sb.write("a-file", "");
    let forbidden = file.join("home");
    let out = sb
        .lifeline()
        .env("LIFELINE_HOME", &forbidden)
        .args(["sessions"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&forbidden.display().to_string()),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_corrupt_journal_is_reported_with_its_line_and_left_untouched() {
    let sb = Sandbox::new();
    sb.stub("lcscmd");
    let answers = sb.write("answers.toml", "[answers]\n");
    let wizard = fixture("e2e/sleepy.toml");
    let out = sb
        .lifeline()
        .args([
            "run",
            wizard.to_str().expect("utf-8"),
            "--answers",
            answers.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = sessions_json(&sb)[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let journal = sb.home().join("sessions").join(&id).join("journal.jsonl");
    let mut bytes = std::fs::read(&journal).expect("read journal");
    let second_line = bytes.iter().position(|&b| b == b'\n').expect("newline") + 20;
    bytes[second_line] ^= 0x20;
    std::fs::write(&journal, &bytes).expect("write");
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", answers.to_str().expect("utf-8")])
        .output()
        .expect("resume");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("journal.jsonl':2:"), "{stderr}");
    assert_eq!(
        std::fs::read(&journal).expect("read"),
        bytes,
        "the journal was not modified"
    );
    assert_eq!(sessions_json(&sb)[0]["state"], "unreadable");
    // It can still be viewed read-only: the report covers the intact records before line 2.
    let out = sb
        .lifeline()
        .args(["report", &id, "--format", "json"])
        .output()
        .expect("report");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(":2:") && stderr.contains("read-only"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["wizard"], "sleepy");
    assert_eq!(
        std::fs::read(&journal).expect("read"),
        bytes,
        "viewing never writes"
    );
}

#[test]
fn a_resume_re_runs_the_checks_that_passed_and_says_what_changed() {
    let sb = Sandbox::new();
    sb.stub("lcscmd");
    let backup = sb.write("rtc.bak", "backup");
    let answers = sb.write(
        "answers.toml",
        // A literal string: a Windows path's backslashes are not escapes.
        &format!("[answers]\nbackup_file = '{}'\n", backup.display()),
    );
    let a = answers.to_str().expect("utf-8");
    let wizard = fixture("e2e/recheck.toml");
    let out = sb
        .lifeline()
        .env("STUB_EXIT", "1")
        .args(["run", wizard.to_str().expect("utf-8"), "--answers", a])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = sessions_json(&sb)[0]["id"]
        .as_str()
        .expect("id")
        .to_string();

    std::fs::remove_file(&backup).expect("the backup goes away");
    let out = sb
        .lifeline()
        .args(["resume", &id, "--answers", a])
        .output()
        .expect("resume");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'The backup can be read' passed before but FAILS now"),
        "{stderr}"
    );
    let journal =
        std::fs::read_to_string(sb.home().join("sessions").join(&id).join("journal.jsonl"))
            .expect("journal");
    assert!(
        journal.contains("\"type\":\"note-added\""),
        "the re-check is journaled"
    );
    // The check itself is not run again as an attempt: it stays done.
    assert_eq!(
        journal
            .matches("\"step\":\"backup-readable\",\"attempt\"")
            .count(),
        2,
        "{journal}"
    );
}
