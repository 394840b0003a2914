//! The plan overview: every procedure and step in order (includes indented, `for_each`
//! instances labelled by their value) with its state, where the operator is, and progress.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::session::SessionUi;
use crate::ui::state::AppState;
use crate::ui::text::{truncate, width as cells};
use crate::ui::theme::Theme;
use crate::ui::view::RowStatus;

/// A mark and a word for a row's state.
pub fn status_text(status: RowStatus) -> (&'static str, &'static str) {
    match status {
        RowStatus::Pending => (".", "pending"),
        RowStatus::Running => ("*", "running"),
        RowStatus::Done => ("+", "done"),
        RowStatus::MarkedDone => ("+", "marked done"),
        RowStatus::Skipped => ("~", "skipped"),
        RowStatus::Failed => ("!", "FAILED"),
        RowStatus::Interrupted => ("?", "INTERRUPTED"),
        RowStatus::NotApplicable => ("-", "n/a"),
        RowStatus::Undecided => (".", "depends"),
    }
}

fn status_style(status: RowStatus, theme: &Theme) -> Style {
    match status {
        RowStatus::Done | RowStatus::MarkedDone => theme.good(),
        RowStatus::Failed | RowStatus::Interrupted => theme.error(),
        RowStatus::Running => theme.warn(),
        RowStatus::NotApplicable | RowStatus::Skipped | RowStatus::Undecided => theme.dim(),
        RowStatus::Pending => theme.normal(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let plan = &session.view.plan;
    let count = |s: RowStatus| plan.iter().filter(|r| r.status == Some(s)).count();
    let (done, total) = session.view.progress;
    let mut summary = format!(" Plan · {done} of {total} steps resolved");
    for (status, word) in [
        (RowStatus::Failed, "failed"),
        (RowStatus::Interrupted, "interrupted"),
        (RowStatus::Skipped, "skipped"),
        (RowStatus::NotApplicable, "not applicable"),
    ] {
        let n = count(status);
        if n > 0 {
            summary.push_str(&format!(" · {n} {word}"));
        }
    }
    let mut lines = vec![Line::styled(truncate(&summary, width), theme.title())];
    let rows = usize::from(area.height).saturating_sub(1);
    let start = session
        .widgets
        .plan_scroll
        .min(plan.len().saturating_sub(rows.max(1)));
    for (i, row) in plan.iter().enumerate().skip(start).take(rows) {
        let here = session.view.current_row == Some(i);
        let indent = "  ".repeat(row.depth);
        let Some(status) = row.status else {
            lines.push(Line::styled(
                truncate(&format!("   {indent}{}", row.title), width),
                theme.info(),
            ));
            continue;
        };
        let (mark, word) = status_text(status);
        let word = if here { "<- you are here" } else { word };
        let word_w = cells(word) + 1;
        let left = truncate(
            &format!(" {} {indent}{}", if here { ">" } else { mark }, row.title),
            width.saturating_sub(word_w + 1),
        );
        let pad = width.saturating_sub(cells(&left) + word_w);
        let style = if here {
            theme.selected()
        } else if status == RowStatus::NotApplicable {
            theme.dim()
        } else {
            theme.normal()
        };
        lines.push(Line::from(vec![
            Span::styled(left, style),
            Span::raw(" ".repeat(pad)),
            Span::styled(
                format!("{word} "),
                if here {
                    theme.selected()
                } else {
                    status_style(status, theme)
                },
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
