//! `lifeline watch`: what another console's session looks like now, read from its journal and
//! its step output files only. Never takes (nor tries) the session's lock and never writes:
//! the incident lead, or the colleague taking over next, follows the recovery live.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use time::OffsetDateTime;

use super::store::{self, StoreError};
use crate::session::engine::{Engine, Next};
use crate::session::state::SessionStatus;

/// The output bytes read from the end of a step's output file (enough for a screenful).
const TAIL_BYTES: u64 = 64 * 1024;

/// One look at a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchView {
    pub id: String,
    pub wizard: String,
    pub drill: bool,
    pub state: SessionStatus,
    pub done: usize,
    pub total: usize,
    pub started_at: Option<OffsetDateTime>,
    pub updated_at: Option<OffsetDateTime>,
    /// Who drives it (from the lock file's contents, read without locking).
    pub holder: Option<String>,
    /// The step the session stands on, and what it waits for.
    pub step: Option<String>,
    /// The running step's attempt and the last lines of its output.
    pub running: Option<(String, u32)>,
    pub output: Vec<String>,
}

/// Reads the session in `dir` as it stands.
pub fn look(dir: &Path) -> Result<WatchView, StoreError> {
    let (session, _) = store::load_read_only(dir)?;
    let meta = session.state.meta.clone();
    let wizard = meta.as_ref().map(|m| m.wizard.clone()).unwrap_or_default();
    let engine = Engine::looking_at(&session.catalog, &wizard, &session.state);
    let (done, total) = engine.progress();
    let step = match engine.next() {
        Next::Step { step, .. } => Some(engine.render_text(&step, &step.def.title)),
        _ => None,
    };
    let running = session.state.running_steps().into_iter().next();
    let output = running
        .as_ref()
        .map(|(key, attempt)| {
            let files = crate::exec::StepFiles::new(dir, &crate::exec::step_stem(key, *attempt));
            tail(&files.out(), 200)
        })
        .unwrap_or_default();
    let state = session.state.status.clone();
    Ok(WatchView {
        id: session.id.clone(),
        wizard,
        drill: meta.as_ref().is_some_and(|m| m.drill),
        state,
        done,
        total,
        started_at: meta.as_ref().map(|m| m.started_at),
        updated_at: session.state.updated_at,
        holder: crate::journal::read_holder(dir)
            .map(|h| format!("{}@{} pid {}", h.user, h.host, h.pid)),
        step,
        running,
        output,
    })
}

/// A session's status in words: `in progress`, `finished`, `aborted: <reason>`.
fn status_words(status: &SessionStatus) -> String {
    match status {
        SessionStatus::InProgress => "in progress".to_string(),
        SessionStatus::Finished => "finished".to_string(),
        SessionStatus::Aborted { reason } => format!("aborted: {reason}"),
    }
}

/// The last `n` lines of a file (escape sequences neutralized), empty when it is missing.
fn tail(path: &Path, n: usize) -> Vec<String> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let from = len.saturating_sub(TAIL_BYTES);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(from)).is_err() || file.read_to_end(&mut bytes).is_err() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<String> = text
        .lines()
        .skip(usize::from(from > 0))
        .map(|l| crate::exec::terminal::neutralize(l).into_owned())
        .collect();
    lines[lines.len().saturating_sub(n)..].to_vec()
}

/// The view as text lines for a `width` x `height` console (the last line is the footer).
pub fn lines(view: &WatchView, now: OffsetDateTime, width: usize, height: usize) -> Vec<String> {
    let cut = |s: String| -> String { s.chars().take(width).collect() };
    let clock = |secs: i64| {
        let secs = secs.max(0);
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    };
    let mode = if view.drill { "DRILL" } else { "real" };
    let mut out = vec![
        cut(format!(" WATCHING (read-only) · {} · {mode}", view.id)),
        cut(format!(" {}", view.wizard)),
    ];
    let elapsed = view
        .started_at
        .map(|s| clock((now - s).whole_seconds()))
        .unwrap_or_default();
    out.push(cut(format!(
        " {} · {} of {} steps done · elapsed {elapsed}",
        status_words(&view.state),
        view.done,
        view.total
    )));
    out.push(cut(match &view.holder {
        Some(h) => format!(" driven by {h}"),
        None => " no console drives it now".to_string(),
    }));
    if let Some(step) = &view.step {
        out.push(cut(format!(" now: {step}")));
    }
    match &view.running {
        Some((key, attempt)) => {
            let title = format!(" Output of {key} · attempt {attempt} · running ");
            let fill = width.saturating_sub(title.chars().count());
            out.push(cut(format!("{title}{}", "─".repeat(fill))));
            let room = height.saturating_sub(out.len() + 1);
            let from = view.output.len().saturating_sub(room);
            out.extend(view.output[from..].iter().map(|l| cut(l.clone())));
        }
        None => out.push(" (no command is running)".to_string()),
    }
    while out.len() + 1 < height {
        out.push(String::new());
    }
    out.truncate(height.saturating_sub(1));
    out.push(cut(
        " q quit · read-only: the session and its lock are not touched".to_string(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_view_names_the_session_its_step_and_the_running_output_and_fits() {
        let view = WatchView {
            id: "20260301-100000-x".into(),
            wizard: "restore-databases".into(),
            drill: false,
            state: SessionStatus::InProgress,
            done: 3,
            total: 9,
            started_at: Some(datetime!(2026-03-01 10:00:00 UTC)),
            updated_at: None,
            holder: Some("ann@console01 pid 42".into()),
            step: Some("Restore the RTC database".into()),
            running: Some(("restore-rtc".into(), 1)),
            output: (0..50).map(|i| format!("line {i}")).collect(),
        };
        let text = lines(&view, datetime!(2026-03-01 10:12:03 UTC), 80, 24);
        assert_eq!(text.len(), 24);
        assert!(text.iter().all(|l| l.chars().count() <= 80));
        let joined = text.join("\n");
        for want in [
            "WATCHING (read-only)",
            "elapsed 00:12:03",
            "driven by ann@console01 pid 42",
            "now: Restore the RTC database",
            "line 49",
            "q quit",
        ] {
            assert!(joined.contains(want), "{want}:\n{joined}");
        }
        assert!(!joined.contains("line 0\n"), "only the last lines fit");
    }
}
