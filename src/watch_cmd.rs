//! `lifeline watch [SESSION]`: a live, read-only view of a session another console drives
//! (its state, the current step, the running step's output, the clock), redrawn twice a
//! second from its journal and output files. Never takes the session's lock, never writes.
//! Without a terminal it prints one look and exits.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use lifeline::app::watch;
use lifeline::journal;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::commands::{Failure, bad};

/// Runs the `watch` command.
pub fn watch(session: Option<&str>) -> Result<u8, Failure> {
    let home = journal::lifeline_home().map_err(bad)?;
    let dir = match session {
        Some(id) => journal::find_session(&home, id).map_err(bad)?,
        None => default_session(&home)?,
    };
    if !std::io::stdout().is_terminal() {
        let view = watch::look(&dir).map_err(bad)?;
        for line in watch::lines(&view, now(), 100, 40) {
            outln!("{}", line.trim_end());
        }
        return Ok(0);
    }
    follow(&dir)
}

/// The unfinished session another console drives, else the latest unfinished one.
fn default_session(home: &Path) -> Result<PathBuf, Failure> {
    let dirs = journal::list_session_dirs(home).map_err(bad)?;
    let mut open: Vec<(PathBuf, Option<time::OffsetDateTime>, bool)> = dirs
        .into_iter()
        .filter_map(|d| {
            let view = watch::look(&d).ok()?;
            (view.state == "in progress").then(|| (d, view.updated_at, view.holder.is_some()))
        })
        .collect();
    open.sort_by_key(|b| std::cmp::Reverse((b.2, b.1)));
    open.into_iter()
        .next()
        .map(|(d, _, _)| d)
        .ok_or_else(|| bad("no unfinished session to watch (see 'lifeline sessions')"))
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn follow(dir: &Path) -> Result<u8, Failure> {
    let failed = |e: std::io::Error| Failure {
        code: 1,
        message: format!("cannot use the terminal: {e}"),
    };
    let mut guard = lifeline::ui::terminal::TerminalGuard::enter().map_err(failed)?;
    loop {
        // A journal mid-write or briefly unreadable keeps the last good look.
        let look = watch::look(dir);
        let terminal = guard.terminal();
        terminal
            .draw(|frame| {
                let area = frame.area();
                let text: Vec<Line> = match &look {
                    Ok(view) => watch::lines(
                        view,
                        now(),
                        usize::from(area.width),
                        usize::from(area.height),
                    )
                    .into_iter()
                    .map(Line::raw)
                    .collect(),
                    Err(e) => vec![Line::raw(format!(" cannot read the session: {e}"))],
                };
                frame.render_widget(Paragraph::new(text), area);
            })
            .map_err(failed)?;
        if event::poll(Duration::from_millis(500)).map_err(failed)?
            && let Event::Key(key) = event::read().map_err(failed)?
            && key.kind != KeyEventKind::Release
        {
            let ctrl_c =
                key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
            if ctrl_c || matches!(key.code, KeyCode::Char('q') | KeyCode::Esc) {
                break;
            }
        }
    }
    drop(guard);
    let _ = std::io::stdout().flush();
    Ok(0)
}
