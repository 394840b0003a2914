//! The HTML report of the recorded drill opens in headless Chromium (Debian's `chromium`,
//! which `.ci/run` installs), a screenshot is taken, and the page logs no console message.
//! Without Chromium this test fails and says how to install it: it never passes silently.

mod support;

use std::process::Command;

use lifeline::app::store;
use lifeline::report::{self, Format};
use support::fixture;

fn chromium() -> String {
    for name in ["chromium", "chromium-browser"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return name.to_string();
        }
    }
    panic!(
        "headless Chromium is needed to check the HTML report: install Debian's package with \
         `apt-get update && apt-get install -y chromium` (.ci/run does this)"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: Chromium is not installed for Windows in CI"
)]
fn the_html_report_renders_in_headless_chromium_without_console_errors() {
    let browser = chromium();
    let loaded = store::load(&fixture("reports/20260301-100000-report-demo-0001")).expect("load");
    let built = report::build(&loaded.records, &loaded.catalog, None).expect("report");
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    std::fs::write(&page, report::render(&built, Format::Html)).expect("write");
    let shot = dir.path().join("out.png");
    let profile = dir.path().join("profile");
    let url = format!("file://{}", page.display());
    let out = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .args([
            "--window-size=1280,2000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(&url)
        .output()
        .expect("run chromium");
    let log = String::from_utf8_lossy(&out.stderr);
    let png = std::fs::read(&shot).unwrap_or_default();
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "no screenshot ({} bytes); chromium said:\n{log}",
        png.len()
    );
    // Page console messages are logged as `CONSOLE(line)` / `:CONSOLE:` with the page's URL.
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") && l.contains(&url))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
}
