//! Both front-ends' runner over a drill simulation (no process needed): lines then the end,
//! as events for the screens and as calls for a headless drive; and a re-attach.

use super::*;
use crate::session::engine::Simulation;
use crate::session::event::Outcome;

fn simulated(step: &str, attempt: u32) -> ExecRequest {
    ExecRequest {
        step: step.into(),
        attempt,
        argv: vec!["sqlcmd".into()],
        display_argv: vec!["sqlcmd".into()],
        cwd: None,
        env: vec![],
        stdin: None,
        timeout_s: None,
        success_codes: vec![0],
        check: None,
        simulate: Some(Simulation {
            duration_s: 0,
            output: "one\ntwo\n".into(),
            outcome: Outcome::Succeeded,
            exit_code: 0,
        }),
        secrets: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_on_the_screens_is_a_task_that_reports_lines_then_its_end() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut exec = StepExec::new(dir.path().to_path_buf(), PathBuf::from("/nonexistent"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    Runner::start(&mut exec, simulated("restore", 1), &tx);
    let mut got = Vec::new();
    while !matches!(got.last(), Some(AppEvent::StepFinished { .. })) {
        got.push(rx.recv().await.expect("the task reports"));
    }
    let lines: Vec<_> = got
        .iter()
        .filter_map(|e| match e {
            AppEvent::StepOutput { step, line } if step == "restore" => Some(line.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(lines, vec!["one", "two"]);
    assert!(matches!(
        got.last(),
        Some(AppEvent::StepFinished { step, attempt: 1, report })
            if step == "restore" && report.outcome == Some(Outcome::Succeeded)
    ));
    // The attempt left its status: a later process finds it ended, with nothing to run.
    Runner::attach(&mut exec, "restore", 1, &tx);
    let mut attached = Vec::new();
    loop {
        let event = rx.recv().await.expect("the re-attach reports");
        let end = matches!(
            event,
            AppEvent::StepFinished { .. } | AppEvent::StepLost { .. }
        );
        attached.push(event);
        if end {
            break;
        }
    }
    assert!(
        matches!(attached.last(), Some(AppEvent::StepFinished { attempt: 1, report, .. }) if report.outcome == Some(Outcome::Succeeded)),
        "{attached:?}"
    );
    // An attempt nobody ever started is lost, not run.
    Runner::attach(&mut exec, "restore", 2, &tx);
    assert_eq!(
        rx.recv().await,
        Some(AppEvent::StepLost {
            step: "restore".into(),
            attempt: 2
        })
    );
}

#[test]
fn a_headless_drive_blocks_on_the_same_runner_with_one_runtime() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut runner = ExecRunner::new(dir.path().to_path_buf(), PathBuf::from("/nonexistent"))
        .expect("a runtime");
    for attempt in 1..=2 {
        let mut lines = Vec::new();
        let report = runner.run(&simulated("check", attempt), &mut |l| {
            lines.push(l.to_string())
        });
        assert_eq!(report.outcome, Some(Outcome::Succeeded));
        assert_eq!(lines, vec!["one", "two"]);
    }
    let mut lines = Vec::new();
    assert!(matches!(
        runner.attach("check", 2, &mut |l| lines.push(l.to_string())),
        Attached::Ended(report) if report.outcome == Some(Outcome::Succeeded)
    ));
}
