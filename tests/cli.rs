//! The command-line surface through the real binary: exit codes (0 done, 1 a step failed,
//! 2 bad usage or input, 3 needs a decision) and one clear line per error.

use assert_cmd::Command;
use predicates::prelude::*;

fn lifeline(home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("lifeline").expect("the lifeline binary");
    cmd.env("LIFELINE_HOME", home)
        .env_remove("LIFELINE_WIZARDS");
    cmd
}

fn fixture(rel: &str) -> String {
    format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_passes_on_the_bundled_wizards_and_reports_every_error_of_a_bad_file() {
    let home = tempfile::tempdir().expect("temp");
    lifeline(home.path())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("no errors"));
    let bad = fixture("wizards/invalid/three-errors.toml");
    let out = lifeline(home.path())
        .args(["check", &bad])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    let located: Vec<&str> = text.lines().filter(|l| l.starts_with(&bad)).collect();
    assert_eq!(
        located.len(),
        3,
        "every error is reported, one line each: {text}"
    );
    for line in located {
        let rest = &line[bad.len()..];
        let parts: Vec<&str> = rest.splitn(4, ':').collect();
        assert!(
            parts[1].parse::<usize>().is_ok() && parts[2].parse::<usize>().is_ok(),
            "path:line:col: {line}"
        );
    }
}

#[test]
fn plan_refuses_unknown_values_naming_the_valid_ones() {
    let home = tempfile::tempdir().expect("temp");
    lifeline(home.path())
        .args(["plan", "--topology", "galactic", "--lost", "front-end"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("galactic")
                .and(predicate::str::contains("enterprise-expanded")),
        );
    lifeline(home.path())
        .args(["plan", "--topology", "standard", "--lost", "toaster"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("toaster"));
    lifeline(home.path())
        .args([
            "plan",
            "--topology",
            "standard",
            "--lost",
            "standard-edition",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"sequence\""));
}

#[test]
fn the_answers_template_lists_inputs_confirmations_and_manual_steps() {
    let home = tempfile::tempdir().expect("temp");
    let out = lifeline(home.path())
        .args(["run", "restore-service", "--print-answers-template"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let template = String::from_utf8_lossy(&out);
    for needle in [
        "[answers]",
        "topology",
        "lost",
        "allowed: back-end",
        "[confirm]",
        "[manual]",
    ] {
        assert!(template.contains(needle), "missing {needle:?}");
    }
    // The template is itself a valid answers file once filled in.
    toml::from_str::<toml::Table>(&template).expect("the template is TOML");
}

#[test]
fn usage_errors_exit_2_and_an_empty_home_lists_no_sessions() {
    let home = tempfile::tempdir().expect("temp");
    lifeline(home.path()).args(["run"]).assert().code(2);
    lifeline(home.path()).args(["frobnicate"]).assert().code(2);
    lifeline(home.path())
        .args(["sessions", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::diff("[]\n"));
    let answers = home.path().join("answers.toml");
    std::fs::write(&answers, "[answers]\n").expect("write answers");
    lifeline(home.path())
        .args([
            "resume",
            "no-such-session",
            "--answers",
            answers.to_str().expect("utf-8"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-session"));
    lifeline(home.path())
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains("lifeline"));
}
