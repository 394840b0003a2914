//! Fault injection through the pure engine, over an in-memory journal: a drill's planned
//! faults replace the simulated success of the attempts they hit (first attempt only unless
//! they persist), are journaled before the attempt starts, never touch a real session, and
//! the answers file's `[failed]` decisions (retry, skip, done) handle them headlessly.

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::{Attached, Driver, MemoryJournal, StepRunner};
use lifeline::app::headless::{Ending, HeadlessOptions, drive};
use lifeline::report;
use lifeline::session::engine::{ExecRequest, NoDefaults, RunReport};
use lifeline::session::event::{Event, Operator, Outcome, PlannedFault, key_matches};
use lifeline::session::state::{SessionState, StepStatus};
use lifeline::wizard::{Catalog, Wizard};

const MAIN: &str = r#"
id = "main"
title = "Drill test"
version = "1"
description = "A command, a read-only check and a per-server include."

[[inputs]]
id = "lost"
kind = "multi-choice"
label = "Lost"
options = [{ value = "fe01", label = "FE" }, { value = "edge01", label = "Edge" }]

[[steps]]
id = "restore"
kind = "command"
title = "Restore"
argv = ["sqlcmd", "-Q", "RESTORE"]

[[steps]]
id = "share"
kind = "check"
title = "The share is there"
check = { kind = "path-exists", path = "/nonexistent/lifeline-drill-share" }

[[steps]]
id = "servers"
kind = "include"
title = "Each server"
wizard = "server"
for_each = "lost"
"#;

const SERVER: &str = r#"
id = "server"
title = "One server"
version = "1"
description = "Starts it."

[[steps]]
id = "start"
kind = "command"
title = "Start"
argv = ["sc", "start", "{{item}}"]
"#;

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    c.insert(toml::from_str::<Wizard>(MAIN).expect("main parses"));
    c.insert(toml::from_str::<Wizard>(SERVER).expect("server parses"));
    c
}

/// Plays what the engine asked for: a simulation's outcome, or (a real check) a failure,
/// as the sandbox has no such share.
#[derive(Default)]
struct Player {
    requests: Vec<ExecRequest>,
}

impl StepRunner for Player {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        self.requests.push(request.clone());
        let (outcome, code, output) = match &request.simulate {
            Some(sim) => (sim.outcome, sim.exit_code, sim.output.clone()),
            None => (Outcome::Failed, 1, "ran for real".to_string()),
        };
        for line in output.lines() {
            on_line(line);
        }
        RunReport {
            outcome: Some(outcome),
            exit_code: Some(code),
            duration_ms: 10,
            tail: output.lines().map(str::to_string).collect(),
            ..RunReport::default()
        }
    }
    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        Attached::Gone
    }
}

fn fault(id: &str, step: &str, persist: bool) -> PlannedFault {
    PlannedFault {
        id: id.into(),
        step: step.into(),
        outcome: Outcome::Failed,
        exit_code: Some(1069),
        output: "[SC] StartService FAILED 1069".into(),
        duration_s: Some(1),
        persist,
        hint: Some("fix the logon".into()),
        expect: vec!["retry".into()],
    }
}

fn new_driver<'j>(
    journal: &'j mut MemoryJournal,
    drill: bool,
    faults: Vec<PlannedFault>,
    simulate_checks: bool,
) -> Driver<'j> {
    let mut d = Driver::new(
        catalog(),
        "main".into(),
        SessionState::default(),
        Box::new(NoDefaults),
        Box::new(journal),
    );
    d.append(Event::SessionStarted {
        session: "s1".into(),
        wizard: "main".into(),
        wizard_hash: "h".into(),
        wizard_version: "1".into(),
        inventory_hash: None,
        operator: Operator {
            user: "trainee".into(),
            host: "lab".into(),
        },
        drill,
        lifeline_version: "test".into(),
        scenario: Some("test-scenario".into()),
        target_s: Some(600),
    })
    .expect("start");
    d.append(Event::DrillFaults {
        scenario: "test-scenario".into(),
        simulate_checks,
        faults,
    })
    .expect("faults");
    d
}

fn answers(extra: &str) -> AnswersFile {
    AnswersFile::parse(
        "answers.toml",
        &format!("[answers]\nlost = [\"fe01\", \"edge01\"]\n{extra}"),
    )
    .expect("answers parse")
}

#[test]
fn step_key_patterns_match_with_stars() {
    assert!(key_matches("restore", "restore"));
    assert!(!key_matches("restore", "db/restore"));
    assert!(key_matches("*/restore", "db/restore"));
    assert!(key_matches("servers[*]/start", "servers[edge01]/start"));
    assert!(key_matches("*start*", "servers[fe01]/start-03"));
    assert!(!key_matches("servers[*]/start", "servers[fe01]/started"));
    assert!(!key_matches("a*a", "a"));
}

#[test]
fn a_fault_fails_the_first_attempt_only_and_is_journaled_before_it_starts() {
    let mut journal = MemoryJournal::default();
    let mut runner = Player::default();
    let faults = vec![fault("logon", "servers[*]/start", false)];
    {
        let mut d = new_driver(&mut journal, true, faults, true);
        let ending = drive(
            &mut d,
            &answers(""),
            &mut runner,
            &HeadlessOptions::default(),
            &mut |_, _| {},
        )
        .expect("drive");
        assert!(
            matches!(ending, Ending::StepFailed { ref step, ref message }
                if step == "servers[fe01]/start" && message.contains("1069")),
            "{ending:?}"
        );
        // A resume retries the failed step: the retry is not faulted, but the next server's
        // first attempt is, and stops the drive again; the next resume finishes.
        let options = HeadlessOptions {
            retry_failed: true,
            ..HeadlessOptions::default()
        };
        let ending =
            drive(&mut d, &answers(""), &mut runner, &options, &mut |_, _| {}).expect("drive");
        assert!(
            matches!(ending, Ending::StepFailed { ref step, .. } if step == "servers[edge01]/start"),
            "{ending:?}"
        );
        let ending =
            drive(&mut d, &answers(""), &mut runner, &options, &mut |_, _| {}).expect("drive");
        assert_eq!(ending, Ending::Finished);
    }
    let kinds: Vec<String> = journal
        .records
        .iter()
        .filter(|r| r.event.step() == Some("servers[fe01]/start"))
        .map(|r| {
            serde_json::to_value(&r.event).expect("json")["type"]
                .as_str()
                .expect("type")
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "step-entered",
            "fault-injected",
            "step-started",
            "step-finished",
            "step-entered",
            "step-started",
            "step-finished"
        ]
    );
    let state = SessionState::replay(&journal.records).expect("replay");
    assert_eq!(
        state.step("servers[fe01]/start").status,
        StepStatus::Succeeded
    );
    assert_eq!(state.step("servers[fe01]/start").attempts, 2);
    assert_eq!(state.injected.len(), 2);
    assert_eq!(state.injected[0].step, "servers[fe01]/start");
    assert_eq!(state.injected[0].attempt, 1);
    // The faulted attempt carried the fault's transcript and exit code to the runner.
    let first = runner
        .requests
        .iter()
        .find(|r| r.step == "servers[fe01]/start")
        .expect("ran");
    let sim = first.simulate.as_ref().expect("simulated");
    assert_eq!((sim.outcome, sim.exit_code), (Outcome::Failed, 1069));
    assert!(sim.output.contains("1069"));
}

#[test]
fn a_persistent_fault_fails_every_attempt_and_a_failed_decision_handles_it() {
    let mut journal = MemoryJournal::default();
    let mut runner = Player::default();
    let faults = vec![fault("in-use", "restore", true)];
    let mut d = new_driver(&mut journal, true, faults, true);
    // `retry` is tried once: the persistent fault fails it again, and the drive stops.
    let ending = drive(
        &mut d,
        &answers("[failed]\nrestore = \"retry\"\n"),
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert!(
        matches!(ending, Ending::StepFailed { ref step, .. } if step == "restore"),
        "{ending:?}"
    );
    assert_eq!(d.state.step("restore").attempts, 2);
    assert_eq!(d.state.injected.len(), 2);
    // `skip: reason` ends it, and the session runs to its end.
    let ending = drive(
        &mut d,
        &answers("[failed]\nrestore = \"skip: restored by the DBA with SSMS instead\"\n"),
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert_eq!(ending, Ending::Finished);
    assert_eq!(
        d.state.step("restore").status,
        StepStatus::Skipped {
            reason: "restored by the DBA with SSMS instead".into()
        }
    );
    drop(d);
    let built = report::build(&journal.records, &catalog(), None).expect("report");
    let f = &built.faults[0];
    assert_eq!(
        (
            f.id.as_str(),
            f.step.as_deref(),
            f.handled,
            f.handling.as_str()
        ),
        ("in-use", Some("restore"), true, "skip")
    );
    assert_eq!(f.attempts_hit, vec![1, 2]);
    assert!(!f.as_expected, "expected was retry");
}

#[test]
fn done_with_a_note_marks_a_failed_step_done_in_the_same_run() {
    let mut journal = MemoryJournal::default();
    let mut runner = Player::default();
    let mut d = new_driver(&mut journal, true, vec![fault("f", "restore", true)], true);
    let ending = drive(
        &mut d,
        &answers("[failed]\ndefault = \"done: restored by hand\"\n"),
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert_eq!(ending, Ending::Finished);
    assert_eq!(
        d.state.step("restore").status,
        StepStatus::MarkedDone {
            note: Some("restored by hand".into())
        }
    );
    assert_eq!(d.state.step("restore").attempts, 1);
}

#[test]
fn faults_never_touch_a_real_session() {
    let mut journal = MemoryJournal::default();
    let mut runner = Player::default();
    let mut d = new_driver(&mut journal, false, vec![fault("f", "restore", true)], true);
    let _ = drive(
        &mut d,
        &answers(""),
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert!(d.state.injected.is_empty());
    assert!(runner.requests.iter().all(|r| r.simulate.is_none()));
}

#[test]
fn a_scenario_simulates_read_only_checks_unless_it_asks_for_real_ones() {
    for (simulate_checks, expect_simulated) in [(true, true), (false, false)] {
        let mut journal = MemoryJournal::default();
        let mut runner = Player::default();
        let mut d = new_driver(&mut journal, true, vec![], simulate_checks);
        let _ = drive(
            &mut d,
            &answers(""),
            &mut runner,
            &HeadlessOptions::default(),
            &mut |_, _| {},
        )
        .expect("drive");
        let share = runner
            .requests
            .iter()
            .find(|r| r.step == "share")
            .expect("the check ran");
        assert_eq!(share.simulate.is_some(), expect_simulated);
    }
}

#[test]
fn journals_without_the_drill_events_replay_as_before() {
    let line = r#"{"seq":2,"at":"2026-03-01T10:00:00Z","event":{"type":"drill-faults","scenario":"x","faults":[{"id":"f","step":"a","outcome":"failed"}]}}"#;
    let record: lifeline::session::event::Record = serde_json::from_str(line).expect("parses");
    match record.event {
        Event::DrillFaults {
            simulate_checks,
            faults,
            ..
        } => {
            assert!(!simulate_checks);
            assert_eq!(faults[0].exit_code, None);
            assert!(!faults[0].persist);
        }
        other => panic!("{other:?}"),
    }
}
