//! The screens' shell: takes over the real terminal, feeds the one loop (`ui::App`) from the
//! input thread, the clock and the signals, and gives everything back on every way out
//! (journal flushed, terminal restored).

use std::time::Duration;

use anyhow::{Context as _, anyhow};
use crossterm::event::Event as TermEvent;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::clipboard::copy_to_terminal;
use super::terminal::TerminalGuard;
use crate::ui::state::Ending;
use crate::ui::{App, AppEvent, AppExit, AppSetup, EventSender, SignalKind, Theme};

/// Opens the screens on the terminal and runs them to their end. The journal is flushed
/// and the terminal restored on every way out (quit, finish, Ctrl-C, SIGTERM, SIGHUP).
/// A journal failure comes back as an error with a one-line message.
pub async fn run_app(setup: AppSetup) -> anyhow::Result<AppExit> {
    let theme = Theme::for_no_color(std::env::var_os("NO_COLOR").as_deref());
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
