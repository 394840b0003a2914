//! A decision: one question per screen, each option with its one-line consequence, and
//! the reason (the step's `why`, the input's `help`) on demand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{clip, intro, para};
use crate::ui::form::DecisionState;
use crate::ui::session::SessionUi;
use crate::ui::state::AppState;
use crate::ui::view::StepView;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    session: &SessionUi,
    step: &StepView,
    d: &DecisionState,
) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut question = vec![Line::raw("")];
    question.extend(para(&d.ask.input.label, width, 1, theme.title()));
    if session.widgets.show_why
        && let Some(help) = &d.ask.input.help
    {
        question.extend(para(help, width, 1, theme.info()));
    }
    let mut options: Vec<Line<'static>> = Vec::new();
    let mut cursor_row = 0;
    for (i, option) in d.options.iter().enumerate() {
        let here = i == d.cursor;
        let mark = match (d.is_multi(), d.selected.contains(&i)) {
            (true, true) => "[x]",
            (true, false) => "[ ]",
            (false, _) if here => "(*)",
            (false, _) => "( )",
        };
        if here {
            cursor_row = options.len();
        }
        let style = if here {
            theme.selected()
        } else {
            theme.normal()
        };
        let pointer = if here { ">" } else { " " };
        options.push(Line::styled(
            crate::ui::text::truncate(&format!(" {pointer} {mark} {}", option.label), width),
            style,
        ));
        if let Some(consequence) = &option.consequence {
            options.extend(para(consequence, width, 7, theme.dim()));
        }
    }
    let mut tail = Vec::new();
    if let Some(error) = &d.error {
        tail.extend(para(error, width, 1, theme.error()));
    }
    let hint = if d.is_multi() {
        "Space ticks an option, Enter gives the ticked ones."
    } else {
        "Enter chooses the option under the cursor."
    };
    let why_hint = if session.widgets.show_why {
        ""
    } else {
        " w: why this is asked."
    };
    tail.push(Line::from(vec![
        Span::styled(format!(" {hint}"), theme.dim()),
        Span::styled(why_hint, theme.dim()),
    ]));
    // The options come first in the room there is; the introduction gets what is left.
    let height = usize::from(area.height);
    let room = height.saturating_sub(question.len() + options.len() + tail.len());
    let mut lines = clip(intro(step, session, theme, width), room.max(2), "v", theme);
    lines.extend(question);
    let before = lines.len();
    // Keep the cursor visible when the options do not all fit.
    let options_room = height.saturating_sub(before + tail.len()).max(1);
    let skip = (cursor_row + 2).saturating_sub(options_room);
    lines.extend(options.into_iter().skip(skip).take(options_room));
    lines.extend(tail);
    frame.render_widget(Paragraph::new(lines), area);
}
