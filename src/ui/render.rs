//! Drawing a frame from the state: the fixed lines (drill banner, header, progress, status,
//! footer), the screen in between, and the overlay on top. No I/O, no clock.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::screens;
use super::session::SessionUi;
use super::state::{AppState, Level, Screen};
use super::text::truncate;
use super::view::Current;
use super::widgets::{footer, header, progress::Progress};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    match &state.screen {
        Screen::Home(home) => {
            let [title, body, status, keys] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(0),
                Constraint::Length(1),
                Constraint::Length(1),
            ])
            .areas(area);
            header::home_header(frame, title, state);
            if let Some(drill) = home.picker {
                screens::home::picker(frame, body, state, home, drill);
            } else {
                screens::home::list(frame, body, state, home);
            }
            status_line(frame, status, state, None);
            footer::footer(frame, keys, state);
        }
        Screen::Session(session) => draw_session(frame, area, state, session),
    }
    screens::overlay::draw(frame, area, state);
}

fn draw_session(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi) {
    let banner = u16::from(session.drill());
    let [drill, head, gauge, body, status, keys] = Layout::vertical([
        Constraint::Length(banner),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    if banner > 0 {
        header::banner(frame, drill, state);
    }
    header::session_header(frame, head, state, session);
    let (done, total) = session.view.progress;
    frame.render_widget(
        Progress {
            done,
            total,
            theme: &state.theme,
        },
        gauge,
    );
    if let Some(message) = &state.fatal {
        screens::end::fatal(frame, body, state, message);
    } else if session.widgets.show_plan {
        screens::plan::draw(frame, body, state, session);
    } else if let Some(step) = &session.widgets.review {
        screens::step::draw(frame, body, state, session, step);
    } else {
        match &session.view.current {
            Current::Step(step) => screens::step::draw(frame, body, state, session, step),
            Current::AllDone => screens::end::all_done(frame, body, state, session),
            Current::Ended(status) => screens::end::ended(frame, body, state, session, status),
        }
    }
    status_line(frame, status, state, Some(session));
    footer::footer(frame, keys, state);
}

/// The one-line message: what just happened, or that the journal is catching up.
fn status_line(frame: &mut Frame, area: Rect, state: &AppState, session: Option<&SessionUi>) {
    let theme = &state.theme;
    let max = usize::from(area.width).saturating_sub(1);
    let span = match (&state.flash, session) {
        (Some((Level::Error, text)), _) => Span::styled(truncate(text, max), theme.error()),
        (Some((Level::Info, text)), _) => Span::styled(truncate(text, max), theme.info()),
        (None, Some(s)) if s.busy() => Span::styled("saving…", theme.dim()),
        _ => Span::raw(""),
    };
    frame.render_widget(Paragraph::new(Line::from(vec![Span::raw(" "), span])), area);
}
