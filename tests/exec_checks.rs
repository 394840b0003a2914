//! Built-in checks, the drill simulator, and check/simulation steps run through
//! `run_to_end_with` into a session's `steps/` folder.

#[path = "stubs/mod.rs"]
mod stubs;

use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use lifeline::exec::checks::CheckResult;
use lifeline::exec::{AttachState, Tuning, attach, run_check, run_to_end_with, step_stem};
use lifeline::session::engine::{ExecRequest, Simulation};
use lifeline::session::event::Outcome;
use lifeline::wizard::CheckSpec;
use stubs::request;

fn check_req(spec: &CheckSpec) -> ExecRequest {
    let mut req = request("check", &[]);
    req.check = Some(spec.clone());
    req
}

async fn check(spec: CheckSpec) -> CheckResult {
    run_check(&spec, &check_req(&spec)).await
}

#[tokio::test]
async fn path_exists_passes_fails_and_warns_when_old() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rtc.bak");
    fs::write(&file, vec![0u8; 2048]).unwrap();
    let path = file.display().to_string();

    let ok = check(CheckSpec::PathExists {
        path: path.clone(),
        max_age_s: Some(3600),
        max_age_h: None,
    })
    .await;
    assert!(ok.passed && ok.warning.is_none(), "{ok:?}");
    assert!(ok.detail[0].contains("a file of 2.0 KB"), "{ok:?}");

    let old = fs::File::options().write(true).open(&file).unwrap();
    old.set_modified(SystemTime::now() - Duration::from_secs(3 * 86_400))
        .unwrap();
    let warned = check(CheckSpec::PathExists {
        path: path.clone(),
        max_age_s: Some(86_400),
        max_age_h: None,
    })
    .await;
    assert!(warned.passed);
    assert_eq!(
        warned.warning.as_deref(),
        Some(format!("'{path}' is 3 d old, older than the 1 d limit").as_str())
    );
    assert!(warned.detail.last().unwrap().starts_with("warning: "));

    let missing = check(CheckSpec::PathExists {
        path: format!("{path}.nope"),
        max_age_s: None,
        max_age_h: None,
    })
    .await;
    assert!(!missing.passed);
    assert_eq!(missing.detail, [format!("'{path}.nope' does not exist")]);
}

#[tokio::test]
async fn xml_contains_needs_well_formed_xml_and_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("globalandpool.xml");
    fs::write(
        &good,
        r#"<?xml version="1.0" encoding="utf-8"?>
<Settings xmlns:x="urn:x"><x:Pool Name="pool01"/><x:Pool Name="pool02"/></Settings>"#,
    )
    .unwrap();
    let path = good.display().to_string();
    let found = check(CheckSpec::XmlContains {
        path: path.clone(),
        element: Some("Pool".into()),
    })
    .await;
    assert!(found.passed, "{found:?}");
    assert_eq!(
        found.detail,
        [format!(
            "'{path}' is well-formed XML with 2 element(s) 'Pool'"
        )]
    );
    let absent = check(CheckSpec::XmlContains {
        path: path.clone(),
        element: Some("Forest".into()),
    })
    .await;
    assert!(!absent.passed);

    let torn = dir.path().join("torn.xml");
    fs::write(&torn, "<Settings><Pool Name=\"p\"></Settings>").unwrap();
    let bad = check(CheckSpec::XmlContains {
        path: torn.display().to_string(),
        element: None,
    })
    .await;
    assert!(!bad.passed);
    assert!(bad.detail[0].contains("is not well-formed XML"), "{bad:?}");
}

#[tokio::test]
async fn tcp_connect_reaches_a_listener_and_reports_a_refusal() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ok = check(CheckSpec::TcpConnect {
        host: "127.0.0.1".into(),
        port: port.to_string(),
    })
    .await;
    assert!(ok.passed, "{ok:?}");
    drop(listener);
    let refused = check(CheckSpec::TcpConnect {
        host: "127.0.0.1".into(),
        port: port.to_string(),
    })
    .await;
    assert!(!refused.passed);
    assert!(refused.detail[0].starts_with(&format!("cannot connect to 127.0.0.1:{port}")));
    let nonsense = check(CheckSpec::TcpConnect {
        host: "127.0.0.1".into(),
        port: "http".into(),
    })
    .await;
    assert_eq!(nonsense.detail, ["'http' is not a port number"]);
}

#[tokio::test]
async fn dns_resolves_names_and_checks_the_expected_answer() {
    let ok = check(CheckSpec::Dns {
        name: "localhost".into(),
        srv: false,
        expect: None,
    })
    .await;
    assert!(ok.passed, "{ok:?}");
    let literal = check(CheckSpec::Dns {
        name: "127.0.0.1".into(),
        srv: false,
        expect: Some("127.0.0.1".into()),
    })
    .await;
    assert!(literal.passed, "{literal:?}");
    let wrong = check(CheckSpec::Dns {
        name: "127.0.0.1".into(),
        srv: false,
        expect: Some("10.9.9.9".into()),
    })
    .await;
    assert!(!wrong.passed);
    assert_eq!(
        wrong.detail.last().unwrap(),
        "'127.0.0.1' does not resolve to 10.9.9.9"
    );
    // No SRV record exists under .invalid: whatever tool this machine has, it fails clearly.
    let srv = check(CheckSpec::Dns {
        name: "_sip._tls.lifeline.invalid".into(),
        srv: true,
        expect: None,
    })
    .await;
    assert!(!srv.passed);
    let why = srv.detail.last().unwrap();
    assert!(
        why.starts_with("no SRV record for")
            || why.starts_with("cannot resolve SRV here")
            || why.starts_with("no SRV answer"),
        "{why}"
    );
}

#[tokio::test]
async fn on_path_and_free_space() {
    // A program every such system has on PATH (found with PATHEXT's `.exe` on Windows).
    let everywhere = if cfg!(windows) { "cmd" } else { "sh" };
    assert!(
        check(CheckSpec::OnPath {
            program: everywhere.into()
        })
        .await
        .passed
    );
    let missing = check(CheckSpec::OnPath {
        program: "lifeline-no-such-tool".into(),
    })
    .await;
    assert_eq!(
        missing.detail,
        ["'lifeline-no-such-tool' not found on PATH"]
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().display().to_string();
    let room = check(CheckSpec::FreeSpace {
        path: path.clone(),
        min_mb: 1,
    })
    .await;
    assert!(room.passed, "{room:?}");
    let no_room = check(CheckSpec::FreeSpace {
        path: path.clone(),
        min_mb: u64::MAX / 2,
    })
    .await;
    assert!(!no_room.passed);
    assert!(
        no_room.detail[0].contains("MB free, at least"),
        "{no_room:?}"
    );
    let nowhere = check(CheckSpec::FreeSpace {
        path: "/nonexistent/lifeline".into(),
        min_mb: 1,
    })
    .await;
    assert!(!nowhere.passed);
}

#[tokio::test]
async fn command_checks_judge_exit_and_output() {
    let stubs = stubs::Stubs::install();
    let spec = CheckSpec::Command {
        argv: vec![],
        regex: Some("^Service .* running$".into()),
    };
    let mut req = request("svc", &["echo-argv", "header", "Service RTCSRV running"]);
    req.env = vec![stubs.path_env()];
    req.check = Some(spec.clone());
    assert!(run_check(&spec, &req).await.passed);
    req.argv = vec!["echo-argv".into(), "Service RTCSRV stopped".into()];
    let stopped = run_check(&spec, &req).await;
    assert!(!stopped.passed);
    assert_eq!(
        stopped.detail,
        [
            "Service RTCSRV stopped",
            "the output does not match '^Service .* running$'"
        ]
    );
    req.argv = vec!["fail".into(), "2".into()];
    let failed = run_check(&spec, &req).await;
    assert!(!failed.passed);
    assert_eq!(
        failed.detail.last().unwrap(),
        "exited with code 2 (success is 0)"
    );
}

#[tokio::test]
async fn a_check_step_leaves_output_and_status_for_a_resume() {
    let session = tempfile::tempdir().unwrap();
    let spec = CheckSpec::PathExists {
        path: "/nonexistent/backup.bak".into(),
        max_age_s: None,
        max_age_h: None,
    };
    let req = check_req(&spec);
    let mut seen = Vec::new();
    let report = run_to_end_with(
        session.path(),
        &req,
        Path::new("/unused"),
        &Tuning::default(),
        1.0,
        &mut |l| seen.push(l.to_string()),
    )
    .await;
    assert_eq!(report.outcome, Some(Outcome::Failed));
    assert_eq!(report.exit_code, Some(1));
    assert_eq!(seen, ["'/nonexistent/backup.bak' does not exist"]);
    assert_eq!(report.output.as_deref(), Some("steps/check.1.out"));
    match attach(session.path(), &step_stem("check", 1)) {
        AttachState::Ended(again) => assert_eq!(again, report),
        other => panic!("expected Ended, got {other:?}"),
    }
}

fn drill_req(duration_s: u64, output: &str, outcome: Outcome, exit_code: i32) -> ExecRequest {
    let mut req = request("restore-db", &["sqlcmd", "-Q", "RESTORE DATABASE rtc"]);
    req.simulate = Some(Simulation {
        duration_s,
        output: output.into(),
        outcome,
        exit_code,
    });
    req.secrets = vec!["hunter2".into()];
    req
}

#[tokio::test]
async fn a_drill_plays_its_transcript_and_injected_failure_without_running_anything() {
    let session = tempfile::tempdir().unwrap();
    let req = drill_req(
        600,
        "Processed 100 pages\nlogin as sa/hunter2\nRESTORE failed",
        Outcome::Failed,
        1,
    );
    let mut seen = Vec::new();
    let started = Instant::now();
    let report = run_to_end_with(
        session.path(),
        &req,
        Path::new("/unused"),
        &Tuning::default(),
        0.0,
        &mut |l| seen.push(l.to_string()),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        seen,
        ["Processed 100 pages", "login as sa/****", "RESTORE failed"]
    );
    assert_eq!(report.outcome, Some(Outcome::Failed));
    assert_eq!(report.exit_code, Some(1));
    assert_eq!(report.tail, seen);
    assert_eq!(
        report.message.as_deref(),
        Some("simulated failure: exited with code 1")
    );
    let out = fs::read_to_string(session.path().join("steps/restore-db.1.out")).unwrap();
    assert_eq!(
        out,
        "Processed 100 pages\nlogin as sa/****\nRESTORE failed\n"
    );
    assert!(matches!(
        attach(session.path(), "restore-db.1"),
        AttachState::Ended(_)
    ));
}

#[tokio::test]
async fn drill_time_is_scaled_by_the_speed() {
    let session = tempfile::tempdir().unwrap();
    let req = drill_req(1, "a\nb", Outcome::Succeeded, 0);
    let started = Instant::now();
    let mut stamps = Vec::new();
    let report = lifeline::exec::simulate(session.path(), &req, 0.3, &mut |_| {
        stamps.push(started.elapsed())
    })
    .await;
    let took = started.elapsed();
    assert_eq!(report.outcome, Some(Outcome::Succeeded));
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_millis(900),
        "{took:?}"
    );
    assert!(stamps[0] >= Duration::from_millis(140), "{stamps:?}");
}
