//! Reports of a recorded drill journal (`tests/fixtures/reports/<session>/`: journal and
//! pinned wizards): Markdown and JSON goldens, what the HTML must and must not hold, the
//! `report` command on a copy of the session, and the score.

mod support;

use std::path::{Path, PathBuf};

use lifeline::app::store;
use lifeline::report::{self, Format};
use support::{Sandbox, fixture};

const SESSION: &str = "20260301-100000-report-demo-0001";

fn session_dir() -> PathBuf {
    fixture(&format!("reports/{SESSION}"))
}

fn built() -> report::Report {
    let loaded = store::load(&session_dir()).expect("the fixture session loads");
    report::build(&loaded.records, &loaded.catalog, None).expect("report")
}

#[test]
fn markdown_golden() {
    insta::assert_snapshot!(
        "report_markdown",
        report::render(&built(), Format::Markdown)
    );
}

#[test]
fn json_golden() {
    insta::assert_snapshot!("report_json", report::render(&built(), Format::Json));
}

#[test]
fn json_has_the_promised_fields() {
    let v: serde_json::Value =
        serde_json::from_str(&report::render(&built(), Format::Json)).expect("json");
    assert_eq!(v["session"], SESSION);
    assert_eq!(v["wizard"], "report-demo");
    assert_eq!(v["drill"], true);
    assert_eq!(v["operator"]["user"], "alice");
    assert_eq!(v["operator"]["host"], "ops-console-01");
    assert_eq!(v["started_at"], "2026-03-01T10:00:00Z");
    assert_eq!(v["finished_at"], "2026-03-01T10:17:31Z");
    assert_eq!(v["total_s"], 1051.0);
    assert_eq!(v["target_s"], 1800);
    let restore = v["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == "db/restore")
        .expect("db/restore");
    assert_eq!(restore["title"], "Restore RTC");
    assert_eq!(restore["kind"], "command");
    assert_eq!(restore["state"], "done");
    assert_eq!(restore["attempts"], 2);
    assert_eq!(restore["exit_code"], 0);
    assert_eq!(restore["machine_s"], 34.0);
    assert_eq!(restore["operator_s"], 285.0);
    assert_eq!(restore["skip_reason"], serde_json::Value::Null);
    assert_eq!(restore["started_at"], "2026-03-01T10:03:21Z");
    assert_eq!(restore["finished_at"], "2026-03-01T10:08:40Z");
}

#[test]
fn the_score_counts_faults_retries_and_skips() {
    let score = report::score(&built());
    assert_eq!(score.within_target, Some(true));
    assert_eq!(
        (score.faults_planned, score.faults_met, score.faults_handled),
        (3, 3, 3)
    );
    assert_eq!(score.retried.len(), 1);
    assert_eq!(score.skipped.len(), 2);
    let lines = score.lines();
    assert_eq!(
        lines[0],
        "Time: 17 min 31 s against a target of 30 min 00 s: within target"
    );
    assert!(
        lines.contains(&"  - edge-not-running at servers[edge01]/running: not reached".to_string())
    );
    assert!(lines.contains(&"  - db-in-use at db/restore: handled: fixed and retried".to_string()));
}

#[test]
fn html_is_one_escaped_self_contained_file_with_a_timeline() {
    let html = report::render(&built(), Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("https://"), "no external resources");
    assert_eq!(html.matches("http://").count(), 1, "only the SVG namespace");
    assert!(!html.contains("<link rel=\"stylesheet\""));
    assert!(html.contains("<style>") && html.contains("@media print"));
    assert!(html.contains("<svg class=\"timeline\""));
    // A Gantt bar per step, coloured by outcome, and the legend.
    assert_eq!(html.matches("<rect class=\"b-").count(), 12);
    assert!(html.contains("class=\"b-marked-done\""));
    assert!(html.contains("class=\"b-skipped\""));
    assert!(html.contains("<ul class=\"legend\">"));
    // Journal text is escaped.
    assert!(html.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; a | pipe"));
    assert!(!html.contains("<b>not bold</b>"));
    assert!(html.contains("DRILL — nothing was executed"));
}

#[test]
fn the_report_command_renders_a_copy_of_the_session_in_every_format() {
    let sb = Sandbox::new();
    let target = sb.home().join("sessions").join(SESSION);
    copy_dir(&session_dir(), &target);
    for (format, expected) in [
        ("md", report::render(&built(), Format::Markdown)),
        ("json", report::render(&built(), Format::Json)),
        ("html", report::render(&built(), Format::Html)),
    ] {
        let out = sb
            .lifeline()
            .args(["report", "20260301-1000", "--format", format])
            .output()
            .expect("report");
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{format}");
    }
    let file = sb.root.path().join("drill.html");
    let out = sb
        .lifeline()
        .args(["report", SESSION, "--format", "html", "--output"])
        .arg(&file)
        .output()
        .expect("report");
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&file)
            .expect("written")
            .contains("<svg")
    );
    let missing = sb
        .lifeline()
        .args(["report", "no-such-session"])
        .output()
        .expect("report");
    assert_eq!(missing.status.code(), Some(2));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}
