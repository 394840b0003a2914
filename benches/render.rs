//! Rendering the step screen with 10,000 lines in its output pane, to a test backend at
//! 80x24 and 160x48: the median time per frame (the goal is at most 2 ms).
//!
//! `cargo bench --bench render`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use lifeline::session::driver::Session;
use lifeline::session::engine::NoDefaults;
use lifeline::session::event::{AnswerValue, Event, Operator, Record};
use lifeline::session::state::SessionState;
use lifeline::ui::memory::{Harness, MemoryPersist, MemoryRunner, Script};
use lifeline::ui::render::draw;
use lifeline::ui::{AppEvent, AppSetup, SessionSetup};
use lifeline::wizard::{Catalog, Wizard};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::macros::datetime;

const FRAMES: usize = 300;

fn session() -> Harness {
    let mut catalog = Catalog::default();
    for text in [
        include_str!("../tests/fixtures/ui/restore-test.toml"),
        include_str!("../tests/fixtures/ui/restore-role.toml"),
    ] {
        catalog.insert(toml::from_str::<Wizard>(text).expect("fixture parses"));
    }
    let t0 = datetime!(2024-05-01 10:00:00 UTC);
    let text = |s: &str| AnswerValue::Text(s.into());
    let answer = |key: &str, value: AnswerValue| Event::AnswerGiven {
        key: key.into(),
        value,
        secret: false,
    };
    let events = vec![
        Event::SessionStarted {
            session: "bench".into(),
            wizard: "restore-test".into(),
            wizard_hash: "h".into(),
            wizard_version: "1".into(),
            inventory_hash: None,
            operator: Operator {
                user: "bench".into(),
                host: "bench".into(),
            },
            drill: false,
            lifeline_version: "bench".into(),
            scenario: None,
            target_s: Some(7200),
        },
        Event::StepCompleted {
            step: "intro".into(),
        },
        answer("topology", text("standard")),
        Event::StepCompleted {
            step: "pick".into(),
        },
        answer("pool_fqdn", text("pool01.contoso.com")),
        answer("backup_share", text("\\\\backup01\\ocs")),
        answer("pool_name", text("pool01")),
        Event::StepCompleted {
            step: "values".into(),
        },
        Event::StepEntered {
            step: "restore-db".into(),
        },
        Event::StepConfirmed {
            step: "restore-db".into(),
            word: "RESTORE".into(),
        },
    ];
    let records: Vec<Record> = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Record {
            seq: i as u64 + 1,
            at: t0,
            event,
        })
        .collect();
    let state = SessionState::replay(&records).expect("replays");
    let mut script = Script::ok(&[]);
    script.hold = true;
    let persist = Box::new(MemoryPersist::new(state.last_seq, t0));
    let setup = AppSetup::Session(Box::new(SessionSetup {
        session: Session::new(catalog, "restore-test".into(), state, Box::new(NoDefaults)),
        opening: vec![],
        persist,
        runner: Box::new(MemoryRunner::new().script("restore-db", script)),
        session_id: "bench".into(),
        session_dir: PathBuf::from("/tmp/bench"),
        warnings: vec![],
        records: vec![],
    }));
    let mut h = Harness::new(setup, t0, (80, 24));
    h.type_text("pw");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('r'));
    for i in 0..10_000 {
        h.send(AppEvent::StepOutput {
            step: "restore-db".into(),
            line: format!("{i:>6} Processed {} pages for database 'rtc', file 'rtc_data' on file 1 (a long line that wraps at 80 columns)", i * 8),
        });
    }
    h
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut h = session();
    assert_eq!(
        h.app.state.session().map(|s| s.output.buffer.len()),
        Some(10_000)
    );
    for (w, height) in [(80u16, 24u16), (160, 48)] {
        h.app.state.size = (w, height);
        let mut terminal = Terminal::new(TestBackend::new(w, height)).expect("test backend");
        let mut samples = Vec::with_capacity(FRAMES);
        for i in 0..FRAMES {
            // A new line each frame, as while a command runs, so every frame differs.
            h.app.handle(AppEvent::StepOutput {
                step: "restore-db".into(),
                line: format!("frame {i}"),
            });
            let start = Instant::now();
            terminal
                .draw(|frame| draw(frame, &h.app.state))
                .expect("draws");
            samples.push(start.elapsed());
        }
        println!(
            "render step screen with 10,000 output lines at {w}x{height}: median {} µs per frame ({FRAMES} frames)",
            median(samples).as_micros()
        );
    }
}
