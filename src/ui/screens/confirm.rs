//! The typed confirmation before a point of no return: the operator types the word shown.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::step::command_lines;
use super::{clip, intro, para};
use crate::ui::session::SessionUi;
use crate::ui::state::AppState;
use crate::ui::text::truncate;
use crate::ui::view::StepView;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    session: &SessionUi,
    step: &StepView,
    word: &str,
) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let w = &session.widgets;
    let mut ask = command_lines(step, theme, width);
    ask.push(Line::raw(""));
    let what = if session.drill() {
        "A point of no return (in a drill, practise it: nothing is run)."
    } else {
        "A point of no return: this cannot be undone."
    };
    ask.extend(para(what, width, 1, theme.warn()));
    ask.push(Line::from(vec![
        Span::raw(" Type "),
        Span::styled(word.to_string(), theme.title()),
        Span::raw(" and press Enter to go on:"),
    ]));
    let typed = truncate(w.confirm.value(), width.saturating_sub(6));
    let pad = width.saturating_sub(6 + typed.chars().count());
    let input_row = ask.len();
    ask.push(Line::from(vec![
        Span::raw("    "),
        Span::styled(format!("{typed}{}", " ".repeat(pad)), theme.field(true)),
    ]));
    if let Some(error) = &w.confirm_error {
        ask.extend(para(&format!("✗ {error}"), width, 4, theme.error()));
    }
    let room = usize::from(area.height).saturating_sub(ask.len());
    let mut lines = clip(intro(step, session, theme, width), room.max(2), "F3", theme);
    let y = lines.len() + input_row;
    lines.extend(ask);
    if y < usize::from(area.height) {
        let x = 4 + w.confirm.visual_cursor().min(width.saturating_sub(6));
        frame.set_cursor_position(Position::new(area.x + x as u16, area.y + y as u16));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
