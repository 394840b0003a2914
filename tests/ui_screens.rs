//! Every screen drawn on a test backend at 80x24 and 160x48, in a real session and in a
//! drill, with the clock fixed: insta snapshots in `tests/snapshots/`.

mod ui_common;

use crossterm::event::KeyCode;
use lifeline::session::event::{AnswerValue, Event, Outcome};
use lifeline::session::state::SessionStatus;
use lifeline::ui::memory::{Harness, MemoryRunner, Script};
use lifeline::ui::{AppSetup, HomeSetup, ScenarioSummary, SessionSummary, WizardSummary};
use time::macros::datetime;
use ui_common::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn mode(drill: bool) -> &'static str {
    if drill { "drill" } else { "real" }
}

/// Snapshots one screen at both sizes, in both modes; `prepare` brings the harness there.
fn snap(
    name: &str,
    events: fn() -> Vec<Event>,
    runner: fn() -> MemoryRunner,
    prepare: fn(&mut Harness),
) {
    for drill in [false, true] {
        for (w, h) in SIZES {
            let (mut harness, _) = harness(drill, events(), runner(), (w, h));
            prepare(&mut harness);
            let screen = harness.screen(w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}_{}", mode(drill)), screen);
        }
    }
}

fn confirmed() -> Vec<Event> {
    let mut events = through_values();
    events.push(Event::StepConfirmed {
        step: "restore-db".into(),
        word: "RESTORE".into(),
    });
    events
}

fn started() -> Vec<Event> {
    let mut events = confirmed();
    events.push(Event::StepStarted {
        step: "restore-db".into(),
        attempt: 1,
        argv: vec![
            "sqlcmd".into(),
            "-S".into(),
            "pool01.contoso.com\\rtc".into(),
            "-P".into(),
            "****".into(),
        ],
        simulated: false,
    });
    events
}

fn at_checklist() -> Vec<Event> {
    let mut events = through_values();
    let skip = |step: &str| Event::StepSkipped {
        step: step.into(),
        reason: "done by hand".into(),
    };
    events.extend([
        skip("restore-db"),
        Event::StepEntered {
            step: "per-role".into(),
        },
        Event::AnswerGiven {
            key: "lost".into(),
            value: AnswerValue::List(vec!["front-end".into()]),
            secret: false,
        },
        Event::StepCompleted {
            step: "per-role".into(),
        },
        skip("per-role[front-end]/import"),
        Event::StepMarkedDone {
            step: "per-role[front-end]/reachable".into(),
            note: None,
        },
        Event::StepEntered {
            step: "validate".into(),
        },
        Event::ChecklistTicked {
            step: "validate".into(),
            item: 0,
            ticked: true,
        },
    ]);
    events
}

fn no_runner() -> MemoryRunner {
    MemoryRunner::new()
}

fn typed_secret(h: &mut Harness) {
    h.type_text("pw");
    h.key(KeyCode::Enter);
}

#[test]
fn decision() {
    snap(
        "decision",
        || {
            vec![
                Event::StepEntered {
                    step: "intro".into(),
                },
                Event::StepCompleted {
                    step: "intro".into(),
                },
            ]
        },
        no_runner,
        |h| h.key(KeyCode::Down),
    );
}

#[test]
fn form_with_an_inline_error() {
    snap(
        "form_error",
        || {
            let mut e = through_values();
            e.truncate(5);
            e
        },
        no_runner,
        |h| {
            h.type_text("pool 01");
            h.key(KeyCode::Tab);
            h.key(KeyCode::Tab);
            h.type_text("pool-a");
            h.key(KeyCode::Enter);
        },
    );
}

#[test]
fn secret_form() {
    snap("secret_form", through_values, no_runner, |h| {
        h.type_text("s3cret")
    });
}

#[test]
fn confirmation() {
    snap("confirm", through_values, no_runner, |h| {
        typed_secret(h);
        h.type_text("RES");
    });
}

#[test]
fn step_with_command_and_output() {
    snap(
        "running",
        confirmed,
        || {
            let lines: Vec<String> = (1..=40)
                .map(|i| {
                    format!(
                        "Processed {} pages for database 'rtc', file 'rtc_data' on file 1.",
                        i * 64
                    )
                })
                .collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let mut script = Script::ok(&refs);
            script.hold = true;
            MemoryRunner::new().script("restore-db", script)
        },
        |h| {
            typed_secret(h);
            h.key(KeyCode::Char('r'));
        },
    );
}

#[test]
fn ready_to_run() {
    snap("execute", confirmed, no_runner, typed_secret);
}

#[test]
fn succeeded_under_review() {
    snap(
        "succeeded",
        confirmed,
        || {
            MemoryRunner::new().script(
                "restore-db",
                Script::ok(&[
                    "Processed 1840 pages",
                    "RESTORE DATABASE successfully processed 1842 pages in 3.1 seconds",
                ]),
            )
        },
        |h| {
            typed_secret(h);
            h.key(KeyCode::Char('r'));
        },
    );
}

#[test]
fn manual_checklist() {
    // One item is ticked: the cursor opens on the first unticked one.
    snap("checklist", at_checklist, no_runner, |_| {});
}

#[test]
fn interrupted_step() {
    snap(
        "interrupted",
        || {
            let mut e = started();
            e.push(Event::StepInterrupted {
                step: "restore-db".into(),
                attempt: 1,
            });
            e
        },
        no_runner,
        |_| {},
    );
}

#[test]
fn failed_step() {
    snap(
        "failed",
        || {
            let mut e = started();
            e.push(Event::StepFinished {
                step: "restore-db".into(),
                attempt: 1,
                outcome: Outcome::Failed,
                exit_code: Some(1),
                signal: None,
                duration_ms: 4200,
                output: Some("steps/restore-db.1.out".into()),
                tail: vec![
                    "Msg 3201, Level 16, State 2, Server POOL01\\RTC, Line 1".into(),
                    "Cannot open backup device '\\\\backup01\\ocs\\rtc.bak'. Operating system error 5(Access is denied.).".into(),
                    "Msg 3013, Level 16, State 1, Server POOL01\\RTC, Line 1".into(),
                    "RESTORE DATABASE is terminating abnormally.".into(),
                ],
                message: Some("sqlcmd exited with code 1".into()),
            });
            e
        },
        no_runner,
        typed_secret,
    );
}

#[test]
fn plan_overview() {
    snap("plan", at_checklist, no_runner, |h| {
        h.key(KeyCode::Char('p'))
    });
}

#[test]
fn help_overlay() {
    snap("help", confirmed, no_runner, |h| {
        typed_secret(h);
        h.key(KeyCode::Char('?'));
    });
}

#[test]
fn quit_prompt() {
    snap("quit", confirmed, no_runner, |h| {
        typed_secret(h);
        h.key(KeyCode::Char('q'));
    });
}

#[test]
fn information_step() {
    snap("info", Vec::new, no_runner, |_| {});
}

#[test]
fn finished_session() {
    snap(
        "finished",
        || {
            let mut e = at_checklist();
            e.extend([
                Event::ChecklistTicked {
                    step: "validate".into(),
                    item: 1,
                    ticked: true,
                },
                Event::ChecklistTicked {
                    step: "validate".into(),
                    item: 2,
                    ticked: true,
                },
                Event::StepCompleted {
                    step: "validate".into(),
                },
            ]);
            e
        },
        no_runner,
        |h| h.key(KeyCode::Enter),
    );
}

fn home() -> HomeSetup {
    let summary = |id: &str, drill: bool, state: SessionStatus, done: usize| SessionSummary {
        id: id.into(),
        wizard: "Restore a Standard Edition pool".into(),
        drill,
        state,
        current_step: Some("Restore the RTC database".into()),
        done,
        total: 31,
        updated_at: Some(datetime!(2024-05-01 10:42:00 UTC)),
        locked_by: None,
    };
    let mut locked = summary("20240501-093000-cd34", true, SessionStatus::InProgress, 12);
    locked.locked_by = Some("bob@console02 pid 4242 since 2024-05-01 09:30 UTC".into());
    let mut finished = summary("20240420-080000-ef56", false, SessionStatus::Finished, 31);
    finished.current_step = None;
    HomeSetup {
        sessions: vec![summary(ID, false, SessionStatus::InProgress, 4), finished, locked],
        wizards: vec![
            WizardSummary {
                id: "restore-standard".into(),
                title: "Restore a Standard Edition pool".into(),
                description: "Restores a failed OCS 2007 R2 Standard Edition server from its backups: databases, settings, then validation.".into(),
            },
            WizardSummary {
                id: "restore-enterprise".into(),
                title: "Restore an Enterprise Edition pool".into(),
                description: "Restores the back-end SQL Server, then rebuilds the front ends of a consolidated pool.".into(),
            },
        ],
        scenarios: vec![
            ScenarioSummary {
                id: "rtc-in-use".into(),
                title: "The RTC restore fails: the database is in use".into(),
                briefing: "The RTC user database on be01 was damaged by a storage fault; SQL Server itself still runs. Restore RTC from last night's backup. Expect the restore to fail the first time.".into(),
                target_s: Some(3600),
                faults: 1,
            },
            ScenarioSummary {
                id: "backup-too-old".into(),
                title: "The only backup is older than the backup interval".into(),
                briefing: "Restore the Standard Edition server; the newest backup is two days old.".into(),
                target_s: None,
                faults: 2,
            },
        ],
        inventory: None,
        warnings: vec![],
    }
}

#[test]
fn home_screen() {
    for (w, h) in SIZES {
        let mut harness = Harness::new(AppSetup::Home(home()), NOW, (w, h));
        insta::assert_snapshot!(format!("home_{w}x{h}"), harness.screen(w, h));
    }
}

#[test]
fn wizard_picker() {
    for (w, h) in SIZES {
        let mut harness = Harness::new(AppSetup::Home(home()), NOW, (w, h));
        harness.key(KeyCode::Char('n'));
        harness.key(KeyCode::Down);
        insta::assert_snapshot!(format!("picker_{w}x{h}"), harness.screen(w, h));
    }
}

#[test]
fn drill_picker_lists_the_scenarios_and_says_which_inventory() {
    for (w, h) in SIZES {
        let mut harness = Harness::new(AppSetup::Home(home()), NOW, (w, h));
        harness.key(KeyCode::Char('t'));
        harness.key(KeyCode::Down);
        insta::assert_snapshot!(format!("drill_picker_{w}x{h}"), harness.screen(w, h));
    }
}

#[test]
fn drill_picker_starts_the_scenario_under_the_cursor() {
    use lifeline::ui::AppExit;
    use lifeline::ui::state::Ending;
    let mut harness = Harness::new(AppSetup::Home(home()), NOW, (80, 24));
    harness.key(KeyCode::Char('t'));
    harness.key(KeyCode::Down);
    harness.key(KeyCode::Down);
    harness.key(KeyCode::Enter);
    assert_eq!(
        harness.app.state.ending,
        Some(Ending::Exit(AppExit::Drill {
            scenario: Some("backup-too-old".into())
        }))
    );
    let mut harness = Harness::new(AppSetup::Home(home()), NOW, (80, 24));
    harness.key(KeyCode::Char('t'));
    harness.key(KeyCode::Enter);
    assert_eq!(
        harness.app.state.ending,
        Some(Ending::Exit(AppExit::Drill { scenario: None }))
    );
}
