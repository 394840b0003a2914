//! The lines at the top of every screen: the drill banner, the wizard title with the step
//! position and the incident clock.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::session::state::SessionStatus;
use crate::ui::session::SessionUi;
use crate::ui::state::AppState;
use crate::ui::text::{clock, seconds_between, truncate, width};
use crate::ui::view::Current;

/// The text of the drill banner.
pub const DRILL_BANNER: &str = "DRILL — nothing is executed";

/// The reversed, full-width drill banner.
pub fn banner(frame: &mut Frame, area: Rect, state: &AppState) {
    let style = state.theme.banner();
    let text = format!("{DRILL_BANNER} — training session");
    let text = if width(&text) + 2 <= usize::from(area.width) {
        text
    } else {
        DRILL_BANNER.to_string()
    };
    frame.render_widget(
        Paragraph::new(Line::from(text))
            .style(style)
            .alignment(Alignment::Center),
        area,
    );
}

/// The incident clock: time since the session started, against the target when there is one.
pub fn incident_clock(state: &AppState, session: &SessionUi) -> (String, bool) {
    let Some(meta) = &session.core.state.meta else {
        return (String::new(), false);
    };
    let end = session.core.state.finished_at.unwrap_or(state.now);
    let elapsed = seconds_between(meta.started_at, end);
    match meta.target_s {
        Some(target) => {
            let target = i64::try_from(target).unwrap_or(i64::MAX);
            (
                format!("{} / {}", clock(elapsed), clock(target)),
                elapsed > target,
            )
        }
        None => (clock(elapsed), false),
    }
}

/// Title, step n of N, clock.
pub fn session_header(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi) {
    let theme = &state.theme;
    let (done, total) = session.view.progress;
    let position = match &session.view.current {
        // While decisions are pending the total is what is known so far, and says so: it
        // grows as the answers bring in procedures, rather than seeming to jump.
        Current::Step(_) if session.view.undecided => {
            format!("step {} of {total} so far", (done + 1).min(total.max(1)))
        }
        Current::Step(_) => format!("step {} of {total}", (done + 1).min(total.max(1))),
        Current::AllDone => format!("all {total} steps resolved"),
        Current::Ended(SessionStatus::Aborted { .. }) => "aborted".to_string(),
        Current::Ended(_) => "finished".to_string(),
    };
    let (clock_text, late) = incident_clock(state, session);
    let right = format!("{position}  {clock_text} ");
    let room = usize::from(area.width).saturating_sub(width(&right) + 2);
    let title = truncate(&session.title(), room);
    let pad = usize::from(area.width).saturating_sub(width(&title) + 1 + width(&right));
    let clock_style = if late { theme.error() } else { theme.title() };
    let line = Line::from(vec![
        Span::raw(" "),
        Span::styled(title, theme.title()),
        Span::raw(" ".repeat(pad)),
        Span::styled(format!("{position}  "), theme.normal()),
        Span::styled(format!("{clock_text} "), clock_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// The home screen's title line.
pub fn home_header(frame: &mut Frame, area: Rect, state: &AppState) {
    let line = Line::from(vec![
        Span::styled(" lifeline", state.theme.title()),
        Span::styled(" — OCS 2007 / 2007 R2 recovery", state.theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
