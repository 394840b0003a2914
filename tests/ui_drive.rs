//! The screens driven by keys over in-memory seams, from the first step to the finished
//! session: a choice, a form with a rejected value then a valid one, a secret, a typed
//! confirmation, commands run, a multi-choice, a manual checklist, the finish.

mod ui_common;

use crossterm::event::KeyCode;
use lifeline::session::event::{AnswerValue, Event};
use lifeline::session::state::{SessionStatus, StepStatus};
use lifeline::ui::AppExit;
use lifeline::ui::memory::{MemoryRunner, Script};
use lifeline::ui::state::Ending;
use ui_common::*;

fn screen_has(h: &mut lifeline::ui::memory::Harness, text: &str) {
    let screen = h.screen(80, 24);
    assert!(
        screen.contains(text),
        "expected {text:?} on screen:\n{screen}"
    );
}

#[test]
fn a_whole_recovery_is_driven_from_the_keyboard() {
    let runner = MemoryRunner::new().script(
        "restore-db",
        Script::ok(&[
            "Processed 1840 pages",
            "RESTORE DATABASE successfully processed",
        ]),
    );
    let (mut h, seams) = harness(false, vec![], runner, (80, 24));

    // Information: read, Enter.
    screen_has(&mut h, "Before you start");
    h.key(KeyCode::Enter);

    // A decision: one question, consequences shown; the second option is chosen.
    screen_has(&mut h, "Which topology did the lost pool have?");
    screen_has(&mut h, "One server holds everything");
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('k'));
    h.key(KeyCode::Enter);

    // A form: an invalid FQDN is refused inline, then corrected.
    screen_has(&mut h, "This step needs:");
    h.type_text("pool 01");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("pool-a");
    h.key(KeyCode::Enter);
    screen_has(&mut h, "is not a fully qualified domain name");
    let answered = |key: &str| {
        seams
            .journal
            .lock()
            .unwrap()
            .iter()
            .any(|r| matches!(&r.event, Event::AnswerGiven { key: k, .. } if k == key))
    };
    assert!(answered("topology"));
    assert!(!answered("pool_fqdn"), "an invalid form gives no answer");
    h.ctrl('u');
    h.type_text("pool01.contoso.com");
    h.key(KeyCode::Enter);

    // The secret the command needs: masked, never journaled.
    screen_has(&mut h, "SQL sa password");
    h.type_text("s3cret!");
    screen_has(&mut h, "•••••••");
    h.key(KeyCode::Enter);

    // The point of no return: a wrong word is refused, the right one goes on.
    screen_has(&mut h, "Type RESTORE and press Enter");
    h.type_text("RESTOR");
    h.key(KeyCode::Enter);
    screen_has(&mut h, "that is not 'RESTORE'");
    h.type_text("E");
    h.key(KeyCode::Enter);

    // The command: shown with the secret masked, copied, run.
    screen_has(&mut h, "sqlcmd -S pool01.contoso.com\\rtc -U sa -P ****");
    h.key(KeyCode::Char('c'));
    assert_eq!(h.copied.lock().unwrap().len(), 1);
    assert!(h.copied.lock().unwrap()[0].contains("-P ****"));
    h.key(KeyCode::Char('r'));
    let runs = seams.started.lock().unwrap().clone();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0].argv.contains(&"s3cret!".to_string()),
        "the real argv holds the secret"
    );
    assert!(runs[0].display_argv.contains(&"****".to_string()));
    // A success stays on screen with its output until Enter.
    screen_has(&mut h, "SUCCEEDED · attempt 1 · exit code 0");
    screen_has(&mut h, "RESTORE DATABASE successfully processed");
    h.key(KeyCode::Enter);

    // A multi-choice decides the for_each instances.
    screen_has(&mut h, "Which roles were lost?");
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Enter);

    // Each instance: the server form pre-filled from the item, the import, the check.
    for item in ["back-end", "front-end"] {
        screen_has(&mut h, &format!("{item}.contoso.com"));
        h.key(KeyCode::Enter);
        screen_has(&mut h, &format!("Import the settings [{item}]"));
        h.key(KeyCode::Char('r'));
        h.key(KeyCode::Enter);
        screen_has(&mut h, "The server answers on 5061");
        h.key(KeyCode::Char('r'));
        h.key(KeyCode::Enter);
    }

    // The manual checklist: every item ticked with Space, then Enter.
    screen_has(&mut h, "Validate the service");
    h.key(KeyCode::Enter);
    screen_has(&mut h, "tick every item first");
    for _ in 0..3 {
        h.key(KeyCode::Char(' '));
        h.key(KeyCode::Down);
    }
    screen_has(&mut h, "All 3 items ticked");
    h.key(KeyCode::Enter);

    // Finish, then leave.
    screen_has(&mut h, "Every step is resolved.");
    h.key(KeyCode::Enter);
    screen_has(&mut h, &format!("lifeline report {ID}"));
    h.key(KeyCode::Enter);
    assert_eq!(
        h.app.state.ending,
        Some(Ending::Exit(AppExit::Finished { session: ID.into() }))
    );

    let journal = seams.journal.lock().unwrap().clone();
    let text = serde_json::to_string(&journal).unwrap();
    assert!(!text.contains("s3cret!"), "a secret reached the journal");
    let seqs: Vec<u64> = journal.iter().map(|r| r.seq).collect();
    assert_eq!(
        seqs,
        (2..2 + journal.len() as u64).collect::<Vec<_>>(),
        "seqs follow session-started"
    );
    assert!(journal.iter().any(|r| r.event
        == Event::AnswerGiven {
            key: "topology".into(),
            value: AnswerValue::Text("standard".into()),
            secret: false
        }));
    assert!(journal.iter().any(|r| r.event
        == Event::AnswerGiven {
            key: "pool_fqdn".into(),
            value: AnswerValue::Text("pool01.contoso.com".into()),
            secret: false
        }));
    assert!(journal.iter().any(|r| r.event
        == Event::AnswerGiven {
            key: "lost".into(),
            value: AnswerValue::List(vec!["back-end".into(), "front-end".into()]),
            secret: false
        }));
    assert_eq!(
        seams.started.lock().unwrap().len(),
        5,
        "restore, 2 imports, 2 checks"
    );
    let state = &h.app.state.session().unwrap().core.state;
    assert_eq!(state.status, SessionStatus::Finished);
    assert_eq!(
        state.step("ee-only").status,
        StepStatus::Pending,
        "not applicable, never entered"
    );
    assert_eq!(
        state.step("per-role[front-end]/import").status,
        StepStatus::Succeeded
    );
}

#[test]
fn a_drill_simulates_and_still_practises_the_confirmation() {
    let (mut h, seams) = harness(true, through_values(), MemoryRunner::new(), (80, 24));
    // The secret was journaled as given but is not in memory: asked again.
    screen_has(&mut h, "DRILL — nothing is executed");
    screen_has(&mut h, "SQL sa password");
    h.type_text("x");
    h.key(KeyCode::Enter);
    screen_has(&mut h, "in a drill, practise it");
    h.type_text("RESTORE");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('r'));
    let runs = seams.started.lock().unwrap().clone();
    assert!(runs[0].simulate.is_some(), "nothing is executed in a drill");
    screen_has(&mut h, "RESTORE DATABASE successfully processed 1842 pages");
    screen_has(&mut h, "simulated: nothing is run");
}

#[test]
fn a_failed_step_can_be_retried_or_skipped_with_a_reason() {
    let runner = MemoryRunner::new()
        .script(
            "restore-db",
            Script::fail(&["Msg 3201: Cannot open backup device"], 1),
        )
        .script("restore-db", Script::fail(&["still failing"], 1));
    let mut events = through_values();
    events.push(Event::StepConfirmed {
        step: "restore-db".into(),
        word: "RESTORE".into(),
    });
    let (mut h, seams) = harness(false, events, runner, (80, 24));
    h.type_text("pw");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('r'));
    screen_has(&mut h, "FAILED · attempt 1 · exit code 1");
    screen_has(&mut h, "Cannot open backup device");
    h.key(KeyCode::Char('r'));
    screen_has(&mut h, "attempt 2");
    screen_has(&mut h, "still failing");
    // Skip needs a reason.
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Enter);
    screen_has(&mut h, "a reason is required");
    h.type_text("restored by the DBA by hand");
    h.key(KeyCode::Enter);
    let state = &h.app.state.session().unwrap().core.state;
    assert_eq!(
        state.step("restore-db").status,
        StepStatus::Skipped {
            reason: "restored by the DBA by hand".into()
        }
    );
    assert_eq!(seams.started.lock().unwrap().len(), 2);
}

#[test]
fn an_interrupted_step_asks_its_secret_again_before_running_again() {
    let mut events = through_values();
    events.push(Event::StepConfirmed {
        step: "restore-db".into(),
        word: "RESTORE".into(),
    });
    events.push(Event::StepStarted {
        step: "restore-db".into(),
        attempt: 1,
        argv: vec!["sqlcmd".into()],
        simulated: false,
    });
    // Resume: the step was running; the runner finds no process (re-attach reports it lost).
    let (mut h, seams) = harness(false, events, MemoryRunner::new(), (80, 24));
    screen_has(&mut h, "INTERRUPTED, OUTCOME UNKNOWN");
    assert!(kinds(&seams.journal).contains(&"step-interrupted".to_string()));
    h.key(KeyCode::Char('r'));
    screen_has(&mut h, "Before it runs again");
    h.type_text("pw2");
    h.key(KeyCode::Enter);
    let runs = seams.started.lock().unwrap().clone();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].attempt, 2);
    assert!(runs[0].argv.contains(&"pw2".to_string()));
}

#[test]
fn a_running_step_can_be_cancelled_and_never_left_with_esc() {
    let mut hold = Script::ok(&["restoring..."]);
    hold.hold = true;
    let mut events = through_values();
    events.push(Event::StepConfirmed {
        step: "restore-db".into(),
        word: "RESTORE".into(),
    });
    let (mut h, seams) = harness(
        false,
        events,
        MemoryRunner::new().script("restore-db", hold),
        (80, 24),
    );
    h.type_text("pw");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('r'));
    screen_has(&mut h, "RUNNING · attempt 1");
    h.key(KeyCode::Esc);
    screen_has(&mut h, "RUNNING · attempt 1");
    h.key(KeyCode::Char('a'));
    screen_has(&mut h, "cancel it (x) before aborting");
    h.key(KeyCode::Char('x'));
    screen_has(&mut h, "Stop attempt 1");
    h.key(KeyCode::Char('y'));
    assert_eq!(
        seams.cancelled.lock().unwrap().as_slice(),
        &[("restore-db".to_string(), 1)]
    );
    screen_has(&mut h, "CANCELLED");
}

#[test]
fn quitting_asks_first_and_says_how_to_resume() {
    let (mut h, _seams) = harness(false, vec![], MemoryRunner::new(), (80, 24));
    h.key(KeyCode::Char('q'));
    screen_has(&mut h, &format!("lifeline resume {ID}"));
    h.key(KeyCode::Char('n'));
    assert!(h.app.state.ending.is_none());
    h.key(KeyCode::Char('q'));
    h.key(KeyCode::Char('y'));
    assert_eq!(
        h.app.state.ending,
        Some(Ending::Exit(AppExit::Left { session: ID.into() }))
    );
}

#[test]
fn a_journal_failure_stops_everything_with_one_clear_line() {
    let state = state(false, vec![]);
    let persist = lifeline::ui::memory::MemoryPersist::new(state.last_seq, NOW).failing_from(4);
    let (setup, seams) = setup_with(state, persist, MemoryRunner::new());
    let mut h = lifeline::ui::memory::Harness::new(setup, NOW, (80, 24));
    h.key(KeyCode::Enter); // intro completed (seq 3)
    assert_eq!(
        kinds(&seams.journal),
        vec!["step-entered", "step-completed"]
    );
    // Entering the next step fails to journal: stop.
    screen_has(&mut h, "STOPPED");
    screen_has(
        &mut h,
        "could not write the journal: no space left on device",
    );
    h.key(KeyCode::Char('j'));
    assert_eq!(
        h.app.state.ending,
        Some(Ending::Failed(
            "could not write the journal: no space left on device".into()
        ))
    );
}

#[test]
fn ctrl_c_stops_at_once_with_the_session_saved() {
    let (mut h, _seams) = harness(false, vec![], MemoryRunner::new(), (80, 24));
    h.ctrl('c');
    assert_eq!(
        h.app.state.ending,
        Some(Ending::Exit(AppExit::Signalled {
            session: Some(ID.into()),
            signal: lifeline::ui::SignalKind::Int
        }))
    );
}
