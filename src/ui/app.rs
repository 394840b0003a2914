//! The loop: events in from one channel, `update`, commands out to the seams, one draw per
//! batch of events. `run_app` adds the real terminal, the input/tick/signal tasks, and the
//! clean exit (journal flushed, terminal restored) on every path.

use std::time::Duration;

use anyhow::{Context as _, anyhow};
use crossterm::event::Event as TermEvent;
use ratatui::Terminal;
use ratatui::backend::Backend;
use time::OffsetDateTime;
use tokio::sync::mpsc::{self, UnboundedReceiver};
use tokio::task::JoinHandle;

use super::clipboard::copy_to_terminal;
use super::event::{AppEvent, Command, EventSender, SignalKind};
use super::render::draw;
use super::seams::{Persist, Runner};
use super::session::SessionUi;
use super::setup::{AppExit, AppSetup};
use super::state::{AppState, Ending, HomeState, Overlay, Screen};
use super::terminal::TerminalGuard;
use super::theme::Theme;
use super::update::{submit, update};

/// Events handled before the screen is drawn again (fast output arrives in batches).
const BATCH: usize = 4096;

/// The screens with their seams: `update` decides, this carries out.
pub struct App {
    pub state: AppState,
    persist: Option<Box<dyn Persist>>,
    runner: Option<Box<dyn Runner>>,
    events: EventSender,
    clipboard: Box<dyn FnMut(&str) + Send>,
    /// Intents the session starts with (see `SessionSetup::opening`).
    opening: Vec<crate::session::engine::Intent>,
}

impl App {
    /// The screens over `setup`; `events` is the sending end of the loop's channel.
    pub fn new(
        setup: AppSetup,
        events: EventSender,
        now: OffsetDateTime,
        theme: Theme,
        size: (u16, u16),
        clipboard: Box<dyn FnMut(&str) + Send>,
    ) -> App {
        let mut opening = Vec::new();
        let (screen, persist, runner, warnings) = match setup {
            AppSetup::Home(data) => (
                Screen::Home(HomeState {
                    data,
                    ..HomeState::default()
                }),
                None,
                None,
                vec![],
            ),
            AppSetup::Session(s) => {
                let s = *s;
                let mut ui = SessionUi::new(s.session, s.session_id, s.session_dir);
                opening = s.opening;
                ui.journal = s.records;
                (
                    Screen::Session(Box::new(ui)),
                    Some(s.persist),
                    Some(s.runner),
                    s.warnings,
                )
            }
        };
        let mut state = AppState::new(screen, now, theme, size);
        if !warnings.is_empty() {
            state.overlay = Some(Overlay::Notice {
                title: "Before you go on".into(),
                lines: warnings,
            });
        }
        App {
            state,
            persist,
            runner,
            events,
            clipboard,
            opening,
        }
    }

    /// Lets the session do what it does by itself on opening (journal that the current step
    /// was shown, re-attach to a step an earlier process started).
    pub fn start(&mut self) {
        let opening = std::mem::take(&mut self.opening);
        let commands = submit(&mut self.state, opening);
        self.execute(commands);
    }

    /// One event through `update`, its commands through the seams.
    pub fn handle(&mut self, event: AppEvent) {
        let commands = update(&mut self.state, event);
        self.execute(commands);
    }

    fn execute(&mut self, commands: Vec<Command>) {
        for command in commands {
            match command {
                Command::Persist(event) => match self.persist.as_mut() {
                    Some(persist) => persist.persist(event, &self.events),
                    None => {
                        let _ = self
                            .events
                            .send(AppEvent::PersistFailed("no journal is open".into()));
                    }
                },
                Command::Run(request) => {
                    if let Some(runner) = self.runner.as_mut() {
                        runner.start(request, &self.events);
                    }
                }
                Command::Attach { step, attempt } => {
                    if let Some(runner) = self.runner.as_mut() {
                        runner.attach(&step, attempt, &self.events);
                    }
                }
                Command::Cancel { step, attempt } => {
                    if let Some(runner) = self.runner.as_mut() {
                        runner.cancel(&step, attempt);
                    }
                }
                Command::CopyToClipboard(text) => (self.clipboard)(&text),
                Command::Quit => {}
            }
        }
    }

    /// Runs until the state says how it ends; draws once per batch of events.
    pub async fn run<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        events: &mut UnboundedReceiver<AppEvent>,
    ) -> Result<(), String> {
        self.start();
        loop {
            if self.state.ending.is_some() {
                return Ok(());
            }
            terminal
                .draw(|frame| draw(frame, &self.state))
                .map_err(|e| e.to_string())?;
            let Some(event) = events.recv().await else {
                return Ok(());
            };
            self.handle(event);
            for _ in 0..BATCH {
                if self.state.ending.is_some() {
                    break;
                }
                match events.try_recv() {
                    Ok(event) => self.handle(event),
                    Err(_) => break,
                }
            }
        }
    }

    /// Flushes and closes the journal (every event handed over is written).
    pub async fn close(&mut self) -> Result<(), String> {
        match self.persist.take() {
            Some(persist) => persist.close().await,
            None => Ok(()),
        }
    }
}

/// Opens the screens on the terminal and runs them to their end. The journal is flushed
/// and the terminal restored on every way out (quit, finish, Ctrl-C, SIGTERM, SIGHUP).
/// A journal failure comes back as an error with a one-line message.
pub async fn run_app(setup: AppSetup) -> anyhow::Result<AppExit> {
    let theme = Theme::from_env();
    let mut guard = TerminalGuard::enter().context("cannot take over the terminal")?;
    let size = guard
        .terminal()
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut input = spawn_input(tx.clone());
    let tasks = [spawn_ticks(tx.clone()), spawn_signals(tx.clone())];
    let mut app = App::new(
        setup,
        tx,
        OffsetDateTime::now_utc(),
        theme,
        size,
        Box::new(copy_to_terminal),
    );
    let ran = app.run(guard.terminal(), &mut rx).await;
    for task in &tasks {
        task.abort();
    }
    input.stop();
    let ending = app.state.ending.clone();
    let closed = app.close().await;
    drop(guard);
    if let Some(Ending::Failed(message)) = ending {
        return Err(anyhow!(message));
    }
    ran.map_err(|e| anyhow!("the screen could not be drawn: {e}"))?;
    closed.map_err(|e| anyhow!("could not close the journal: {e}"))?;
    Ok(match ending {
        Some(Ending::Exit(exit)) => exit,
        _ => AppExit::Closed,
    })
}

/// Terminal input: keys and resizes, read on a thread of its own with `poll`/`read`.
/// crossterm's `EventStream` held back the last keys of a long paste (5,000 characters)
/// until another key arrived, so the first Enter after it seemed to do nothing. The thread
/// looks at the stop flag between polls, so the next screens get every key.
fn spawn_input(tx: EventSender) -> InputTask {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&stop);
    let thread = std::thread::spawn(move || {
        use std::sync::atomic::Ordering;
        while !flag.load(Ordering::SeqCst) {
            match crossterm::event::poll(Duration::from_millis(50)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => break,
            }
            let event = match crossterm::event::read() {
                Ok(TermEvent::Key(key)) => AppEvent::Key(key),
                Ok(TermEvent::Resize(w, h)) => AppEvent::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    InputTask {
        stop,
        thread: Some(thread),
    }
}

/// The input thread: stopped (and waited for) when the screens close, before the terminal is
/// handed back, so it never takes a key meant for what comes next.
struct InputTask {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InputTask {
    fn stop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The clock for the incident timer, four times a second.
fn spawn_ticks(tx: EventSender) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(250));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            if tx.send(AppEvent::Tick(OffsetDateTime::now_utc())).is_err() {
                break;
            }
        }
    })
}

#[cfg(unix)]
fn spawn_signals(tx: EventSender) -> JoinHandle<()> {
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind as Unix, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(Unix::terminate()),
            signal(Unix::hangup()),
            signal(Unix::interrupt()),
        ) else {
            return;
        };
        let kind = tokio::select! {
            _ = term.recv() => SignalKind::Term,
            _ = hup.recv() => SignalKind::Hup,
            _ = int.recv() => SignalKind::Int,
        };
        let _ = tx.send(AppEvent::Signal(kind));
    })
}

#[cfg(not(unix))]
fn spawn_signals(tx: EventSender) -> JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = tx.send(AppEvent::Signal(SignalKind::Int));
        }
    })
}
