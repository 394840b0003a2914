//! The driver's transitions, case by case: what each call hands out, and what waits for an
//! acknowledgement.

use super::*;
use crate::session::engine::{NoDefaults, RunReport};
use crate::session::event::{AnswerValue, Operator, Outcome};
use crate::session::state::StepStatus;
use crate::wizard::parse_wizard;

const WIZARD: &str = r#"
id = "w"
title = "t"
version = "1"
description = "d"

[[inputs]]
id = "server"
kind = "text"
label = "Server"

[[inputs]]
id = "password"
kind = "secret"
label = "Password"

[[steps]]
id = "ask"
kind = "input"
title = "Where"
inputs = ["server", "password"]

[[steps]]
id = "restore"
kind = "command"
title = "Restore on {{server}}"
argv = ["sqlcmd", "-S", "{{server}}"]
env = { SQLCMDPASSWORD = "{{password}}" }
"#;

fn session() -> Session<'static> {
    let mut catalog = Catalog::default();
    catalog.insert(parse_wizard("w.toml", WIZARD).expect("the wizard parses"));
    let mut session = Session::new(
        catalog,
        "w".into(),
        SessionState::default(),
        Box::new(NoDefaults),
    );
    let start = session.record(Event::SessionStarted {
        session: "s".into(),
        wizard: "w".into(),
        wizard_hash: String::new(),
        wizard_version: "1".into(),
        inventory_hash: None,
        operator: Operator {
            user: "u".into(),
            host: "h".into(),
        },
        drill: false,
        lifeline_version: "0".into(),
        scenario: None,
        target_s: None,
    });
    let mut journal = Journal::default();
    journal.ack(&mut session, start);
    session
}

/// A journal that numbers what it is given.
#[derive(Default)]
struct Journal {
    seq: u64,
}

impl Journal {
    fn record(&mut self, event: Event) -> Record {
        self.seq += 1;
        Record {
            seq: self.seq,
            at: time::OffsetDateTime::UNIX_EPOCH,
            event,
        }
    }

    /// Acks one append command and returns what the session decided next.
    fn ack(&mut self, session: &mut Session<'_>, command: Command) -> Decided {
        let Command::Append(event) = command else {
            panic!("expected an append, got {command:?}")
        };
        session.acked(&self.record(event)).expect("the ack folds")
    }
}

fn text(value: &str) -> AnswerValue {
    AnswerValue::Text(value.into())
}

fn appended(decided: &Decided) -> Vec<&Event> {
    decided
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Append(event) => Some(event),
            Command::Run(_) => None,
        })
        .collect()
}

#[test]
fn the_state_folds_only_when_the_journal_acknowledges() {
    let mut session = session();
    // The session's start is record 1.
    let mut journal = Journal { seq: 1 };
    let decided = session.submit([Intent::Enter { step: "ask".into() }]);
    assert_eq!(
        appended(&decided),
        vec![&Event::StepEntered { step: "ask".into() }]
    );
    assert!(session.busy(), "an append is outstanding");
    assert_eq!(session.state.step("ask").status, StepStatus::Pending);
    let mut commands = decided.commands;
    let after = journal.ack(&mut session, commands.remove(0));
    assert_eq!(after, Decided::default());
    assert!(!session.busy());
    assert_ne!(session.state.step("ask").status, StepStatus::Pending);
}

#[test]
fn intents_given_while_an_ack_is_outstanding_wait_in_order() {
    let mut session = session();
    // The session's start is record 1.
    let mut journal = Journal { seq: 1 };
    let first = session.submit([
        Intent::Enter { step: "ask".into() },
        Intent::Answer {
            key: "server".into(),
            value: text("sql01.contoso.com"),
        },
    ]);
    assert_eq!(
        first.commands.len(),
        1,
        "the answer waits for the entry's ack"
    );
    let mut first = first.commands;
    let second = journal.ack(&mut session, first.remove(0));
    assert_eq!(
        appended(&second),
        vec![&Event::AnswerGiven {
            key: "server".into(),
            value: text("sql01.contoso.com"),
            secret: false,
        }]
    );
}

#[test]
fn a_refused_intent_drops_the_ones_queued_after_it_and_hands_out_nothing() {
    let mut session = session();
    let decided = session.submit([
        Intent::Start {
            step: "restore".into(),
        },
        Intent::Enter { step: "ask".into() },
    ]);
    assert!(decided.commands.is_empty());
    assert!(
        matches!(decided.refused, Some(EngineError::NotCurrent(ref s)) if s == "restore"),
        "{decided:?}"
    );
    assert!(!session.busy(), "nothing queued behind a refusal");
}

/// Entering the first step and giving both its answers, then `more`.
fn answered(more: Vec<Intent>) -> Vec<Intent> {
    let mut intents = vec![
        Intent::Enter { step: "ask".into() },
        Intent::Answer {
            key: "server".into(),
            value: text("sql01.contoso.com"),
        },
        Intent::Answer {
            key: "password".into(),
            value: text("hunter2"),
        },
    ];
    intents.extend(more);
    intents
}

/// Carries out everything the driver hands out, acking each append when its turn comes;
/// returns each command with the number of records acked when it was handed out.
fn carry_out(
    session: &mut Session<'_>,
    journal: &mut Journal,
    first: Decided,
) -> Vec<(u64, Command)> {
    let mut handed = Vec::new();
    let mut queue: VecDeque<Command> = VecDeque::new();
    let mut decided = first;
    loop {
        assert!(decided.refused.is_none(), "{decided:?}");
        for command in decided.commands {
            handed.push((journal.seq, command.clone()));
            if matches!(command, Command::Append(_)) {
                queue.push_back(command);
            }
        }
        let Some(command) = queue.pop_front() else {
            return handed;
        };
        decided = journal.ack(session, command);
    }
}

#[test]
fn a_secret_is_remembered_here_and_journaled_only_as_redacted() {
    let mut session = session();
    // The session's start is record 1.
    let mut journal = Journal { seq: 1 };
    let decided = session.submit(answered(vec![]));
    let handed = carry_out(&mut session, &mut journal, decided);
    let text_of_all = format!("{handed:?}");
    assert!(!text_of_all.contains("hunter2"), "{text_of_all}");
    assert_eq!(
        session.engine().secrets.get("password").map(String::as_str),
        Some("hunter2")
    );
}

#[test]
fn an_attempt_is_handed_out_only_once_its_start_is_durable() {
    let mut session = session();
    // The session's start is record 1.
    let mut journal = Journal { seq: 1 };
    let decided = session.submit(answered(vec![
        Intent::Acknowledge { step: "ask".into() },
        Intent::Enter {
            step: "restore".into(),
        },
        Intent::Start {
            step: "restore".into(),
        },
    ]));
    let handed = carry_out(&mut session, &mut journal, decided);
    // The record `step-started` became: 1 + the appends handed out up to it.
    let appends = handed
        .iter()
        .filter(|(_, c)| matches!(c, Command::Append(_)));
    let started_seq = 1
        + appends
            .clone()
            .position(|(_, c)| matches!(c, Command::Append(Event::StepStarted { .. })))
            .expect("the start was journaled") as u64
        + 1;
    let runs: Vec<&(u64, Command)> = handed
        .iter()
        .filter(|(_, c)| matches!(c, Command::Run(_)))
        .collect();
    let [(acked_then, Command::Run(run))] = runs.as_slice() else {
        panic!("one attempt expected: {handed:?}")
    };
    assert!(
        *acked_then >= started_seq,
        "the run was handed out with {acked_then} records acked, before step-started (seq {started_seq})"
    );
    let run = run.clone();
    assert_eq!(run.argv, vec!["sqlcmd", "-S", "sql01.contoso.com"]);
    assert!(
        run.env
            .iter()
            .any(|(k, v)| k == "SQLCMDPASSWORD" && v == "hunter2")
    );
    let finished = session.submit([Intent::Finished {
        step: "restore".into(),
        attempt: run.attempt,
        report: RunReport {
            outcome: Some(Outcome::Succeeded),
            exit_code: Some(0),
            ..RunReport::default()
        },
    }]);
    assert!(matches!(
        appended(&finished).first(),
        Some(Event::StepFinished {
            outcome: Outcome::Succeeded,
            ..
        })
    ));
}

#[test]
fn an_ack_the_driver_did_not_ask_for_stops_everything() {
    let mut session = session();
    let mut journal = Journal::default();
    let stray = journal.record(Event::NoteAdded {
        step: None,
        text: "x".into(),
    });
    assert_eq!(session.acked(&stray), Err(AckError::Unexpected(1)));
}
