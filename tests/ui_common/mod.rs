//! Shared by the screens' tests: the fixture wizards, sessions at chosen points, in-memory
//! seams and a fixed clock.
#![allow(dead_code)]

use std::path::PathBuf;

use lifeline::session::driver::Session;
use lifeline::session::engine::NoDefaults;
use lifeline::session::event::{Event, Operator, Record};
use lifeline::session::state::SessionState;
use lifeline::ui::memory::{Harness, MemoryPersist, MemoryRunner, Shared};
use lifeline::ui::{AppSetup, SessionSetup};
use lifeline::wizard::{Catalog, Wizard};
use time::OffsetDateTime;
use time::macros::datetime;

pub const T0: OffsetDateTime = datetime!(2024-05-01 10:00:00 UTC);
/// The clock the screens are drawn at: 42 min 10 s into the incident.
pub const NOW: OffsetDateTime = datetime!(2024-05-01 10:42:10 UTC);
pub const ID: &str = "20240501-100000-ab12";

pub fn catalog() -> Catalog {
    let mut c = Catalog::default();
    for text in [
        include_str!("../fixtures/ui/restore-test.toml"),
        include_str!("../fixtures/ui/restore-role.toml"),
    ] {
        c.insert(toml::from_str::<Wizard>(text).expect("fixture parses"));
    }
    c
}

pub fn started(drill: bool) -> Event {
    Event::SessionStarted {
        session: ID.into(),
        wizard: "restore-test".into(),
        wizard_hash: "h".into(),
        wizard_version: "1.0.0".into(),
        inventory_hash: None,
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill,
        lifeline_version: "test".into(),
        scenario: None,
        target_s: Some(7200),
    }
}

/// The records of `events`, one minute apart from `T0`.
pub fn records(events: Vec<Event>) -> Vec<Record> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Record {
            seq: i as u64 + 1,
            at: T0 + time::Duration::minutes(i as i64),
            event,
        })
        .collect()
}

/// A session replayed from `events` (after `session-started`).
pub fn state(drill: bool, events: Vec<Event>) -> SessionState {
    let mut all = vec![started(drill)];
    all.extend(events);
    SessionState::replay(&records(all)).expect("fixture journal replays")
}

/// What a test keeps of its in-memory seams.
pub struct Seams {
    pub journal: Shared<Record>,
    pub started: Shared<lifeline::session::engine::ExecRequest>,
    pub cancelled: Shared<(String, u32)>,
}

pub fn setup_with(
    state: SessionState,
    persist: MemoryPersist,
    runner: MemoryRunner,
) -> (AppSetup, Seams) {
    let seams = Seams {
        journal: persist.records.clone(),
        started: runner.started.clone(),
        cancelled: runner.cancelled.clone(),
    };
    let setup = AppSetup::Session(Box::new(SessionSetup {
        session: Session::new(
            catalog(),
            "restore-test".into(),
            state,
            Box::new(NoDefaults),
        ),
        opening: vec![],
        persist: Box::new(persist),
        runner: Box::new(runner),
        session_id: ID.into(),
        session_dir: PathBuf::from("/tmp/lifeline-test/sessions").join(ID),
        warnings: vec![],
        records: vec![],
    }));
    (setup, seams)
}

/// The screens over a session replayed from `events`.
pub fn harness(
    drill: bool,
    events: Vec<Event>,
    runner: MemoryRunner,
    size: (u16, u16),
) -> (Harness, Seams) {
    let state = state(drill, events);
    let persist = MemoryPersist::new(state.last_seq, NOW);
    let (setup, seams) = setup_with(state, persist, runner);
    (Harness::new(setup, NOW, size), seams)
}

/// Events that walk the fixture up to (not into) the restore step's confirmation.
pub fn through_values() -> Vec<Event> {
    use lifeline::session::event::AnswerValue::Text;
    vec![
        Event::StepEntered {
            step: "intro".into(),
        },
        Event::StepCompleted {
            step: "intro".into(),
        },
        Event::StepEntered {
            step: "pick".into(),
        },
        Event::AnswerGiven {
            key: "topology".into(),
            value: Text("standard".into()),
            secret: false,
        },
        Event::StepCompleted {
            step: "pick".into(),
        },
        Event::StepEntered {
            step: "values".into(),
        },
        Event::AnswerGiven {
            key: "pool_fqdn".into(),
            value: Text("pool01.contoso.com".into()),
            secret: false,
        },
        Event::AnswerGiven {
            key: "backup_share".into(),
            value: Text("\\\\backup01\\ocs".into()),
            secret: false,
        },
        Event::AnswerGiven {
            key: "pool_name".into(),
            value: Text("pool01".into()),
            secret: false,
        },
        Event::StepCompleted {
            step: "values".into(),
        },
        Event::StepEntered {
            step: "restore-db".into(),
        },
        Event::AnswerGiven {
            key: "sa_password".into(),
            value: Text("****".into()),
            secret: true,
        },
    ]
}

/// Lines of the journal's events, as kebab-case type names.
pub fn kinds(journal: &Shared<Record>) -> Vec<String> {
    journal
        .lock()
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::to_value(&r.event).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}
