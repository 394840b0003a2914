//! In-memory seams and a synchronous harness: the screens driven by keys with nothing on
//! disk and nothing run, for tests (and dry runs). The seams answer at once by sending
//! their events into the channel; the harness pumps it until it is empty.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use super::app::App;
use super::event::{AppEvent, EventSender};
use super::render::draw;
use super::seams::{BoxFuture, Persist, Runner};
use super::setup::AppSetup;
use super::theme::Theme;
use crate::session::engine::{ExecRequest, RunReport};
use crate::session::event::{Event, Outcome, Record};

/// Shared list, readable by the test while the seam owns a handle.
pub type Shared<T> = Arc<Mutex<Vec<T>>>;

fn lock<T>(shared: &Shared<T>) -> std::sync::MutexGuard<'_, Vec<T>> {
    match shared.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A journal in memory that acks every event at once (or fails from a chosen seq on).
pub struct MemoryPersist {
    pub records: Shared<Record>,
    next_seq: u64,
    at: OffsetDateTime,
    fail_from: Option<u64>,
}

impl MemoryPersist {
    /// Continues a journal whose last record is `last_seq`; records are stamped `at`.
    pub fn new(last_seq: u64, at: OffsetDateTime) -> MemoryPersist {
        MemoryPersist {
            records: Arc::new(Mutex::new(Vec::new())),
            next_seq: last_seq + 1,
            at,
            fail_from: None,
        }
    }

    /// Every append from sequence number `seq` on fails (a full disk).
    pub fn failing_from(mut self, seq: u64) -> MemoryPersist {
        self.fail_from = Some(seq);
        self
    }
}

impl Persist for MemoryPersist {
    fn persist(&mut self, event: Event, events: &EventSender) {
        if self.fail_from.is_some_and(|f| self.next_seq >= f) {
            let _ = events.send(AppEvent::PersistFailed("no space left on device".into()));
            return;
        }
        let record = Record {
            seq: self.next_seq,
            at: self.at,
            event,
        };
        self.next_seq += 1;
        lock(&self.records).push(record.clone());
        let _ = events.send(AppEvent::Persisted(record));
    }

    fn close(self: Box<Self>) -> BoxFuture<Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
}

/// How a scripted attempt goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub lines: Vec<String>,
    pub outcome: Outcome,
    pub exit_code: Option<i32>,
    /// Keeps running until cancelled.
    pub hold: bool,
}

impl Script {
    pub fn ok(lines: &[&str]) -> Script {
        Script {
            lines: lines.iter().map(|l| l.to_string()).collect(),
            outcome: Outcome::Succeeded,
            exit_code: Some(0),
            hold: false,
        }
    }

    pub fn fail(lines: &[&str], code: i32) -> Script {
        Script {
            outcome: Outcome::Failed,
            exit_code: Some(code),
            ..Script::ok(lines)
        }
    }
}

/// A runner that plays scripts by step key (`ok` lines and success when none is given;
/// a drill's simulation when the request carries one). Each key's scripts are used in turn.
#[derive(Default)]
pub struct MemoryRunner {
    pub scripts: BTreeMap<String, Vec<Script>>,
    pub started: Shared<ExecRequest>,
    pub cancelled: Shared<(String, u32)>,
    holding: BTreeSet<(String, u32)>,
    events: Option<EventSender>,
}

impl MemoryRunner {
    pub fn new() -> MemoryRunner {
        MemoryRunner::default()
    }

    /// Plays `script` for the next attempt of `step`.
    pub fn script(mut self, step: &str, script: Script) -> MemoryRunner {
        self.scripts
            .entry(step.to_string())
            .or_default()
            .push(script);
        self
    }

    fn play(&mut self, step: &str, attempt: u32, script: Script, events: &EventSender) {
        for line in &script.lines {
            let _ = events.send(AppEvent::StepOutput {
                step: step.to_string(),
                line: line.clone(),
            });
        }
        if script.hold {
            self.holding.insert((step.to_string(), attempt));
            self.events = Some(events.clone());
            return;
        }
        let _ = events.send(AppEvent::StepFinished {
            step: step.to_string(),
            attempt,
            report: RunReport {
                outcome: Some(script.outcome),
                exit_code: script.exit_code,
                duration_ms: 1000,
                tail: script.lines.iter().rev().take(20).rev().cloned().collect(),
                ..RunReport::default()
            },
        });
    }
}

impl Runner for MemoryRunner {
    fn start(&mut self, request: ExecRequest, events: &EventSender) {
        lock(&self.started).push(request.clone());
        let queued = self
            .scripts
            .get_mut(&request.step)
            .filter(|s| !s.is_empty());
        let script = match (queued, &request.simulate) {
            (Some(scripts), _) => scripts.remove(0),
            (None, Some(sim)) => Script {
                lines: sim.output.lines().map(str::to_string).collect(),
                outcome: sim.outcome,
                exit_code: Some(sim.exit_code),
                hold: false,
            },
            (None, None) => Script::ok(&["ok"]),
        };
        self.play(&request.step, request.attempt, script, events);
    }

    fn attach(&mut self, step: &str, attempt: u32, events: &EventSender) {
        let _ = events.send(AppEvent::StepLost {
            step: step.to_string(),
            attempt,
        });
    }

    fn cancel(&mut self, step: &str, attempt: u32) {
        lock(&self.cancelled).push((step.to_string(), attempt));
        if self.holding.remove(&(step.to_string(), attempt))
            && let Some(events) = &self.events
        {
            let _ = events.send(AppEvent::StepFinished {
                step: step.to_string(),
                attempt,
                report: RunReport {
                    outcome: Some(Outcome::Cancelled),
                    duration_ms: 500,
                    ..RunReport::default()
                },
            });
        }
    }
}

/// The screens driven synchronously: keys in, every resulting event pumped through.
pub struct Harness {
    pub app: App,
    rx: UnboundedReceiver<AppEvent>,
    pub copied: Shared<String>,
}

impl Harness {
    /// Opens the screens over `setup` (the seams inside it should be in-memory ones).
    pub fn new(setup: AppSetup, now: OffsetDateTime, size: (u16, u16)) -> Harness {
        let (tx, rx) = mpsc::unbounded_channel();
        let copied: Shared<String> = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&copied);
        let clipboard = Box::new(move |text: &str| lock(&sink).push(text.to_string()));
        let mut app = App::new(setup, tx, now, Theme::default(), size, clipboard);
        app.start();
        let mut harness = Harness { app, rx, copied };
        harness.pump();
        harness
    }

    /// Handles every event waiting in the channel (and those they cause).
    pub fn pump(&mut self) {
        while let Ok(event) = self.rx.try_recv() {
            self.app.handle(event);
        }
    }

    /// Sends an event and pumps.
    pub fn send(&mut self, event: AppEvent) {
        self.app.handle(event);
        self.pump();
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, ch: char) {
        self.send(AppEvent::Key(KeyEvent::new(
            KeyCode::Char(ch),
            KeyModifiers::CONTROL,
        )));
    }

    /// Types each character of `text`.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// The screen as text, drawn at `width` x `height`.
    pub fn screen(&mut self, width: u16, height: u16) -> String {
        self.app.state.size = (width, height);
        render_to_string(&self.app.state, width, height)
    }
}

/// Draws `state` on a test backend and returns the buffer as text (one line per row).
pub fn render_to_string(state: &super::state::AppState, width: u16, height: u16) -> String {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    let Ok(_) = terminal.draw(|frame| draw(frame, state));
    terminal.backend().to_string()
}
