//! Every bundled drill, run headless by the real binary in a sandbox to its end with its
//! answers file (`tests/fixtures/drills/<id>.toml`), resumed once when a fault stops it; its
//! JSON report must list every injected fault as met and handled the expected way.

mod support;

use std::path::Path;

use support::{Sandbox, fixture};

fn scenario_ids() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/drills");
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .expect("assets/drills")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(sb: &Sandbox, args: &[&str]) -> Run {
    let out = sb.lifeline().args(args).output().expect("run lifeline");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs a command line as printed by lifeline, through the system's shell (`sh`, `cmd` on
/// Windows), with the sandbox's environment.
fn run_printed(sb: &Sandbox, line: &str) -> Run {
    let lifeline = sb.lifeline();
    #[cfg(not(windows))]
    let mut sh = {
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c").arg(line);
        sh
    };
    #[cfg(windows)]
    let mut sh = {
        use std::os::windows::process::CommandExt;
        let mut sh = std::process::Command::new("cmd");
        sh.arg("/C").raw_arg(line);
        sh
    };
    for (k, v) in lifeline.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let out = sh.output().expect("run sh");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn only_session(sb: &Sandbox) -> String {
    let dirs: Vec<_> = std::fs::read_dir(sb.home().join("sessions"))
        .expect("sessions")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn report_json(sb: &Sandbox, session: &str) -> serde_json::Value {
    let r = run(sb, &["report", session, "--format", "json"]);
    assert_eq!(r.code, Some(0), "report: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("the report is JSON")
}

/// Runs a drill with its answers file; a fault that stops it (exit 1) is resumed once.
fn drill_to_end(sb: &Sandbox, id: &str, answers: &Path) -> (String, String) {
    let a = answers.to_str().expect("utf-8");
    let first = run(sb, &["drill", id, "--answers", a]);
    let session = only_session(sb);
    let mut transcript = first.stdout.clone();
    match first.code {
        Some(0) => {}
        Some(1) => {
            assert!(
                first.stderr.contains("failed") && first.stderr.contains(" resume "),
                "{id}: {}",
                first.stderr
            );
            // The command the message names is run as printed, by a shell: it must work as
            // written (the binary is not `lifeline` on PATH here, so it is named by its path).
            let printed = regex::Regex::new(r"run: (.+ resume \S+ --answers) FILE")
                .expect("regex")
                .captures(&first.stderr)
                .unwrap_or_else(|| panic!("{id}: no command to run in: {}", first.stderr))[1]
                .to_string();
            assert!(printed.contains(&session), "{id}: {printed}");
            let quoted = if cfg!(windows) {
                format!("\"{a}\"")
            } else {
                format!("'{a}'")
            };
            let resumed = run_printed(sb, &format!("{printed} {quoted}"));
            assert_eq!(
                resumed.code,
                Some(0),
                "{id}: resume: {}{}",
                resumed.stdout,
                resumed.stderr
            );
            assert!(
                resumed.stdout.contains("Score:"),
                "{id}: a resumed drill ends with its score"
            );
            transcript.push_str(&resumed.stdout);
        }
        other => panic!(
            "{id}: drill ended with {other:?}: {}\n{}",
            first.stderr,
            first
                .stdout
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
    (session, transcript)
}

#[test]
fn every_bundled_drill_runs_to_its_end_and_its_report_lists_the_faults_as_handled() {
    let ids = scenario_ids();
    assert!(ids.len() >= 5, "{ids:?}");
    for id in &ids {
        let answers = fixture(&format!("drills/{id}.toml"));
        assert!(
            answers.exists(),
            "add an answers file for the drill '{id}': {}",
            answers.display()
        );
        let sb = Sandbox::new();
        let (session, transcript) = drill_to_end(&sb, id, &answers);
        assert!(
            transcript.starts_with("DRILL — nothing is executed"),
            "{id}"
        );
        assert!(transcript.contains("== [DRILL] "), "{id}: step titles");
        assert!(transcript.contains("   Why: "), "{id}: explanations");
        assert!(transcript.contains("   Source: "), "{id}: sources");

        let report = report_json(&sb, &session);
        assert_eq!(report["status"], "finished", "{id}");
        assert_eq!(report["drill"], true, "{id}");
        assert_eq!(report["scenario"], id.as_str());
        assert!(report["target_s"].as_u64().is_some(), "{id}: a target");
        let faults = report["faults"].as_array().expect("faults");
        assert!(!faults.is_empty(), "{id}: no faults listed");
        for f in faults {
            assert!(f["step"].is_string(), "{id}: fault not met: {f:#}");
            assert_eq!(f["handled"], true, "{id}: {f:#}");
            assert_eq!(f["as_expected"], true, "{id}: {f:#}");
        }
        let steps = report["steps"].as_array().expect("steps");
        for key in [
            "id",
            "title",
            "kind",
            "state",
            "started_at",
            "finished_at",
            "machine_s",
            "operator_s",
            "attempts",
            "exit_code",
            "skip_reason",
        ] {
            assert!(steps.iter().all(|s| s.get(key).is_some()), "{id}: {key}");
        }
        assert!(
            steps.iter().all(|s| s["state"] != "failed"),
            "{id}: a step was left failed"
        );
    }
}

#[test]
fn a_fault_left_failed_is_reported_as_not_handled() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[manual]\ndefault = \"done\"\n");
    let a = answers.to_str().expect("utf-8");
    let first = run(&sb, &["drill", "settings-no-pool-level", "--answers", a]);
    assert_eq!(first.code, Some(1), "{}", first.stderr);
    let session = only_session(&sb);
    // The fault persists: a resume's retry meets it again.
    let again = run(&sb, &["resume", &session, "--answers", a]);
    assert_eq!(again.code, Some(1), "{}", again.stderr);
    let report = report_json(&sb, &session);
    assert_eq!(report["status"], "in-progress");
    let f = &report["faults"][0];
    assert_eq!(f["id"], "xml-without-pool-level");
    assert_eq!(f["handled"], false);
    assert_eq!(f["handling"], "left-failed");
    assert_eq!(f["attempts_hit"], serde_json::json!([1, 2]));
    assert_eq!(report["faults"][1]["handling"], "not-reached");
    let failed: Vec<&serde_json::Value> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["exit_code"], 1);
    assert_eq!(failed[0]["attempts"], 2);
}

#[test]
fn drill_list_names_every_scenario_with_its_loss_topology_faults_and_target() {
    let sb = Sandbox::new();
    let r = run(&sb, &["drill", "--list"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("SCENARIO"), "{}", r.stdout);
    for id in scenario_ids() {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} not listed:\n{}", r.stdout));
        assert!(line.contains("enterprise-"), "{line}");
    }
    let rtc = lines
        .iter()
        .find(|l| l.starts_with("rtc-in-use "))
        .expect("rtc-in-use");
    assert!(rtc.contains("rtc-database"), "{rtc}");
    assert!(rtc.contains("1 h 00 min"), "{rtc}");
    assert!(rtc.contains("The RTC restore fails"), "{rtc}");
}

#[test]
fn drill_refuses_what_it_cannot_do_with_exit_2() {
    let sb = Sandbox::new();
    let none = run(&sb, &["drill"]);
    assert_eq!(none.code, Some(2));
    assert!(
        none.stderr.contains("name a scenario") && none.stderr.contains("rtc-in-use"),
        "{}",
        none.stderr
    );
    let unknown = run(&sb, &["drill", "no-such-drill", "--answers", "x.toml"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown
            .stderr
            .contains("no drill scenario 'no-such-drill' (scenarios: backup-too-old"),
        "{}",
        unknown.stderr
    );
    let no_answers = run(&sb, &["drill", "rtc-in-use"]);
    assert_eq!(no_answers.code, Some(2));
    assert!(
        no_answers
            .stderr
            .contains("the screens need a terminal; run headless instead with --answers FILE"),
        "{}",
        no_answers.stderr
    );
    assert!(!sb.home().join("sessions").exists() || only_sessions_empty(&sb));
}

fn only_sessions_empty(sb: &Sandbox) -> bool {
    std::fs::read_dir(sb.home().join("sessions"))
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
}

#[test]
fn a_headless_drill_run_says_drill_and_logs_go_to_private_files_only() {
    let sb = Sandbox::new();
    let answers = sb.write(
        "answers.toml",
        "[answers]\nlost = [\"fe01\"]\nbackup_dir = '\\\\bkp01\\sql'\nsa_password = \"pw\"\n[manual]\ndefault = \"done\"\n",
    );
    let wizards = fixture("reports/wizards");
    let r = run(
        &sb,
        &[
            "--wizards",
            wizards.to_str().expect("utf-8"),
            "run",
            "report-demo",
            "--drill",
            "--answers",
            answers.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("DRILL"), "{}", r.stdout);
    // Tracing writes to <home>/logs only: nothing of it on the terminal.
    assert!(!r.stderr.contains("INFO"), "{}", r.stderr);
    let logs: Vec<_> = std::fs::read_dir(sb.home().join("logs"))
        .expect("logs dir")
        .map(|e| e.expect("entry").path())
        .collect();
    // One file per day: a run across midnight may leave two.
    assert!(!logs.is_empty() && logs.len() <= 2, "{logs:?}");
    let text: String = logs
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("log"))
        .collect();
    assert!(text.contains("lifeline started"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&logs[0])
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "log file mode {mode:o}");
        let dir_mode = std::fs::metadata(sb.home().join("logs"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o077, 0, "logs dir mode {dir_mode:o}");
    }
}
