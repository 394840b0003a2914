//! The pure update: keys become intents and commands, acks fold the state, output lines go
//! to the ring buffer, and a command never starts before its start is durable.

mod ui_common;

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lifeline::session::driver::Session;
use lifeline::session::engine::NoDefaults;
use lifeline::session::event::{AnswerValue, Event, Record};
use lifeline::session::state::StepStatus;
use lifeline::ui::keys::{Context, bindings};
use lifeline::ui::memory::render_to_string;
use lifeline::ui::output::OUTPUT_LINES;
use lifeline::ui::session::SessionUi;
use lifeline::ui::state::{AppState, Ending, Screen};
use lifeline::ui::update::update;
use lifeline::ui::{AppEvent, AppExit, Command, SignalKind, Theme};
use ui_common::*;

fn app(events: Vec<Event>) -> AppState {
    let session = SessionUi::new(
        Session::new(
            catalog(),
            "restore-test".into(),
            state(false, events),
            Box::new(NoDefaults),
        ),
        ID.into(),
        PathBuf::from("/tmp/s"),
    );
    AppState::new(
        Screen::Session(Box::new(session)),
        NOW,
        Theme::default(),
        (80, 24),
    )
}

fn key(state: &mut AppState, code: KeyCode) -> Vec<Command> {
    update(
        state,
        AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)),
    )
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| key(state, KeyCode::Char(c)))
        .collect()
}

/// The journal's ack of `event`, numbered after what the state already folded.
fn ack(state: &mut AppState, event: Event) -> Vec<Command> {
    let seq = state.session().unwrap().core.state.last_seq + 1;
    update(
        state,
        AppEvent::Persisted(Record {
            seq,
            at: NOW,
            event,
        }),
    )
}

fn persisted(commands: &[Command]) -> Vec<Event> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Persist(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

/// Acks every Persist command (and those its acks cause), returning all commands seen.
fn ack_all(state: &mut AppState, mut commands: Vec<Command>) -> Vec<Command> {
    let mut seen = Vec::new();
    while let Some(pos) = commands
        .iter()
        .position(|c| matches!(c, Command::Persist(_)))
    {
        let Command::Persist(event) = commands.remove(pos) else {
            unreachable!()
        };
        seen.push(Command::Persist(event.clone()));
        let more = ack(state, event);
        commands.extend(more);
    }
    seen.extend(commands);
    seen
}

fn confirmed() -> Vec<Event> {
    let mut events = through_values();
    events.push(Event::StepConfirmed {
        step: "restore-db".into(),
        word: "RESTORE".into(),
    });
    events
}

#[test]
fn a_run_is_emitted_only_after_its_start_is_acked() {
    let mut state = app(confirmed());
    // The secret lives only in memory: giving it again journals nothing.
    let commands = type_text(&mut state, "pw");
    assert!(commands.is_empty());
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    let commands = key(&mut state, KeyCode::Char('r'));
    let [Command::Persist(started @ Event::StepStarted { attempt: 1, .. })] = commands.as_slice()
    else {
        panic!("expected only the start to be journaled, got {commands:?}");
    };
    let session = state.session().unwrap();
    assert_eq!(
        session.core.state.step("restore-db").status,
        StepStatus::Entered,
        "no fold before the ack"
    );
    let after = ack(&mut state, started.clone());
    let [Command::Run(request)] = after.as_slice() else {
        panic!("expected the run once the start is durable, got {after:?}");
    };
    assert_eq!(request.attempt, 1);
    assert!(request.argv.contains(&"pw".to_string()));
    assert_eq!(
        state
            .session()
            .unwrap()
            .core
            .state
            .step("restore-db")
            .status,
        StepStatus::Running { attempt: 1 }
    );
}

#[test]
fn a_decision_key_becomes_an_answer_folded_on_its_ack() {
    let mut state = app(vec![
        Event::StepEntered {
            step: "intro".into(),
        },
        Event::StepCompleted {
            step: "intro".into(),
        },
    ]);
    // Opening the step journals that it was shown.
    let opened = lifeline::ui::update::submit(&mut state, vec![]);
    assert_eq!(
        persisted(&opened),
        vec![Event::StepEntered {
            step: "pick".into()
        }]
    );
    ack(
        &mut state,
        Event::StepEntered {
            step: "pick".into(),
        },
    );
    assert_eq!(state.context(), Context::Decision);
    key(&mut state, KeyCode::Char('j'));
    let commands = key(&mut state, KeyCode::Enter);
    let answer = Event::AnswerGiven {
        key: "topology".into(),
        value: AnswerValue::Text("enterprise".into()),
        secret: false,
    };
    assert_eq!(persisted(&commands), vec![answer.clone()]);
    assert!(
        !state
            .session()
            .unwrap()
            .core
            .state
            .answers
            .contains_key("topology")
    );
    // The ack folds the answer; the choice step then completes itself.
    let next = ack(&mut state, answer);
    assert_eq!(
        persisted(&next),
        vec![Event::StepCompleted {
            step: "pick".into()
        }]
    );
    assert_eq!(
        state.session().unwrap().core.state.answers.get("topology"),
        Some(&AnswerValue::Text("enterprise".into()))
    );
}

#[test]
fn keys_typed_while_the_journal_catches_up_wait_their_turn() {
    let mut events = through_values();
    events.extend([
        Event::StepSkipped {
            step: "restore-db".into(),
            reason: "by hand".into(),
        },
        Event::StepEntered {
            step: "per-role".into(),
        },
        Event::AnswerGiven {
            key: "lost".into(),
            value: AnswerValue::List(vec![]),
            secret: false,
        },
        Event::StepCompleted {
            step: "per-role".into(),
        },
        Event::StepEntered {
            step: "validate".into(),
        },
    ]);
    let mut state = app(events);
    let first = key(&mut state, KeyCode::Char(' '));
    assert_eq!(
        persisted(&first),
        vec![Event::ChecklistTicked {
            step: "validate".into(),
            item: 0,
            ticked: true
        }]
    );
    assert!(
        key(&mut state, KeyCode::Down).is_empty(),
        "the next key waits for the first ack"
    );
    assert!(
        key(&mut state, KeyCode::Char(' ')).is_empty(),
        "the second key waits for the first ack"
    );
    let second = ack(
        &mut state,
        Event::ChecklistTicked {
            step: "validate".into(),
            item: 0,
            ticked: true,
        },
    );
    assert_eq!(
        persisted(&second),
        vec![Event::ChecklistTicked {
            step: "validate".into(),
            item: 1,
            ticked: true
        }]
    );
}

#[test]
fn output_lines_go_to_a_bounded_ring_buffer() {
    let mut state = app(confirmed());
    type_text(&mut state, "pw");
    key(&mut state, KeyCode::Enter);
    let run = key(&mut state, KeyCode::Char('r'));
    ack_all(&mut state, run);
    for i in 0..OUTPUT_LINES + 2000 {
        let line = format!("\u{1b}[32mline {i}\u{1b}[0m");
        assert!(
            update(
                &mut state,
                AppEvent::StepOutput {
                    step: "restore-db".into(),
                    line
                }
            )
            .is_empty()
        );
    }
    update(
        &mut state,
        AppEvent::StepOutput {
            step: "other".into(),
            line: "not this step".into(),
        },
    );
    let pane = &state.session().unwrap().output;
    assert_eq!(pane.buffer.len(), OUTPUT_LINES);
    assert_eq!(
        pane.buffer.dropped(),
        2001,
        "the attempt banner and the 2000 oldest lines"
    );
    assert_eq!(
        pane.buffer.get(OUTPUT_LINES - 1),
        Some(format!("line {}", OUTPUT_LINES + 1999).as_str())
    );
    assert!(pane.follow);
    // Scrolling up stops following; End follows again.
    key(&mut state, KeyCode::PageUp);
    assert!(!state.session().unwrap().output.follow);
    key(&mut state, KeyCode::End);
    assert!(state.session().unwrap().output.follow);
}

#[test]
fn a_finished_report_is_journaled_then_reviewed() {
    let mut state = app(confirmed());
    type_text(&mut state, "pw");
    key(&mut state, KeyCode::Enter);
    let run = key(&mut state, KeyCode::Char('r'));
    ack_all(&mut state, run);
    let report = lifeline::session::engine::RunReport {
        outcome: Some(lifeline::session::event::Outcome::Succeeded),
        exit_code: Some(0),
        ..Default::default()
    };
    let commands = update(
        &mut state,
        AppEvent::StepFinished {
            step: "restore-db".into(),
            attempt: 1,
            report,
        },
    );
    assert!(matches!(
        persisted(&commands).as_slice(),
        [Event::StepFinished { attempt: 1, .. }]
    ));
    ack_all(&mut state, commands);
    assert_eq!(
        state
            .session()
            .unwrap()
            .core
            .state
            .step("restore-db")
            .status,
        StepStatus::Succeeded
    );
    assert_eq!(
        state.context(),
        Context::Review,
        "the success stays on screen"
    );
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.context(),
        Context::Decision,
        "then the next step: which roles were lost"
    );
}

#[test]
fn esc_never_leaves_a_running_step_and_skip_needs_a_reason() {
    let mut state = app(confirmed());
    type_text(&mut state, "pw");
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Char('s'));
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert!(render_to_string(&state, 80, 24).contains("a reason is required"));
    key(&mut state, KeyCode::Esc);
    let run = key(&mut state, KeyCode::Char('r'));
    ack_all(&mut state, run);
    assert_eq!(state.context(), Context::Running);
    assert!(key(&mut state, KeyCode::Esc).is_empty());
    assert!(key(&mut state, KeyCode::Char('s')).is_empty());
    assert_eq!(state.context(), Context::Running);
}

#[test]
fn a_journal_failure_stops_everything() {
    let mut state = app(confirmed());
    update(&mut state, AppEvent::PersistFailed("disk full".into()));
    assert_eq!(state.context(), Context::Fatal);
    let report = lifeline::session::engine::RunReport::default();
    assert!(
        update(
            &mut state,
            AppEvent::StepFinished {
                step: "restore-db".into(),
                attempt: 1,
                report
            }
        )
        .is_empty()
    );
    assert_eq!(key(&mut state, KeyCode::Char('r')), vec![Command::Quit]);
    assert_eq!(
        state.ending,
        Some(Ending::Failed(
            "could not write the journal: disk full".into()
        ))
    );
}

#[test]
fn signals_quit_at_once() {
    for (signal, kind) in [(SignalKind::Term, "term"), (SignalKind::Hup, "hup")] {
        let mut state = app(vec![]);
        assert_eq!(
            update(&mut state, AppEvent::Signal(signal)),
            vec![Command::Quit],
            "{kind}"
        );
        assert_eq!(
            state.ending,
            Some(Ending::Exit(AppExit::Signalled {
                session: Some(ID.into()),
                signal
            }))
        );
    }
}

#[test]
fn ticks_move_the_incident_clock() {
    let mut state = app(vec![]);
    assert!(render_to_string(&state, 80, 24).contains("00:42:10 / 02:00:00"));
    update(&mut state, AppEvent::Tick(NOW + time::Duration::hours(2)));
    assert!(render_to_string(&state, 80, 24).contains("02:42:10 / 02:00:00"));
}

#[test]
fn help_lists_every_key_of_the_screen_below_it() {
    let mut state = app(confirmed());
    type_text(&mut state, "pw");
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Char('?'));
    assert_eq!(state.context(), Context::Help);
    let screen = render_to_string(&state, 160, 48);
    for binding in bindings(Context::Execute) {
        assert!(
            screen.contains(binding.label),
            "help lacks {}",
            binding.label
        );
        assert!(screen.contains(binding.help), "help lacks {}", binding.help);
    }
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.context(), Context::Execute);
}

#[test]
fn the_plan_shows_where_the_operator_is() {
    let mut state = app(confirmed());
    key(&mut state, KeyCode::Tab); // a form: Tab moves between fields, not to the plan
    assert_eq!(state.context(), Context::Form);
    key(&mut state, KeyCode::F(2));
    assert_eq!(state.context(), Context::Plan);
    let screen = render_to_string(&state, 80, 24);
    assert!(screen.contains("> Restore the RTC database"), "{screen}");
    assert!(screen.contains("<- you are here"));
    assert!(
        screen.contains("n/a"),
        "the enterprise-only step is not applicable"
    );
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.context(), Context::Form);
}
