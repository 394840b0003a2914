//! The screens after the last step: every step resolved (finish?), finished or aborted
//! (with the report command), and the stop screen when the journal failed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::para;
use crate::session::state::{SessionStatus, StepStatus};
use crate::ui::session::SessionUi;
use crate::ui::state::AppState;

fn tally(session: &SessionUi) -> String {
    let mut done = 0;
    let mut marked = 0;
    let mut skipped = 0;
    for record in session.core.state.steps.values() {
        match record.status {
            StepStatus::Succeeded | StepStatus::Completed => done += 1,
            StepStatus::MarkedDone { .. } => marked += 1,
            StepStatus::Skipped { .. } => skipped += 1,
            _ => {}
        }
    }
    format!("{done} done, {marked} marked done by hand, {skipped} skipped")
}

pub fn all_done(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut lines = vec![
        Line::raw(""),
        Line::styled(" Every step is resolved.", theme.good()),
        Line::raw(format!(" {}.", tally(session))),
        Line::raw(""),
    ];
    lines.extend(para(
        "Look over the plan (p) if you like, then finish the session: it is recorded as finished and its report can be written.",
        width,
        1,
        theme.normal(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw(" Press "),
        Span::styled("Enter", theme.key()),
        Span::raw(" to finish the session."),
    ]));
    frame.render_widget(Paragraph::new(lines), area);
}

pub fn ended(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    session: &SessionUi,
    status: &SessionStatus,
) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut lines = vec![Line::raw("")];
    match status {
        SessionStatus::Aborted { reason } => {
            lines.push(Line::styled(" The session was aborted.", theme.error()));
            lines.extend(para(&format!("Reason: {reason}"), width, 1, theme.normal()));
        }
        _ => {
            lines.push(Line::styled(" The session is finished.", theme.good()));
            lines.push(Line::raw(format!(" {}.", tally(session))));
            if let Some(score) = &session.score {
                lines.push(Line::raw(""));
                lines.push(Line::styled(" Drill score", theme.good()));
                for line in score {
                    lines.extend(para(line, width, 2, theme.normal()));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(" Its report:"));
    lines.extend(para(
        &format!("{} report {}", crate::invocation::program(), session.id),
        width,
        3,
        theme.command(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw(" Press "),
        Span::styled("Enter", theme.key()),
        Span::raw(" to leave."),
    ]));
    frame.render_widget(Paragraph::new(lines), area);
}

/// The journal failed: say so plainly; nothing else may happen.
pub fn fatal(frame: &mut Frame, area: Rect, state: &AppState, message: &str) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut lines = vec![Line::raw(""), Line::styled(" STOPPED", theme.error())];
    lines.extend(para(message, width, 1, theme.error()));
    lines.push(Line::raw(""));
    lines.extend(para(
        "Nothing more is recorded or run. What was recorded before is safe; fix the cause (disk full? permissions?) and resume the session.",
        width,
        1,
        theme.normal(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw(" Press "),
        Span::styled("Enter", theme.key()),
        Span::raw(" to leave."),
    ]));
    frame.render_widget(Paragraph::new(lines), area);
}
