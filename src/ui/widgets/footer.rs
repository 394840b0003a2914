//! The footer: the keys of the current screen, from the same table that dispatches them.
//! When they do not fit, the least important go first; help and quit always stay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::keys::{Action, Binding, bindings};
use crate::ui::state::AppState;
use crate::ui::text::width;

/// The footer entries that fit in `max` cells, in table order.
pub fn fitting(entries: Vec<Binding>, max: usize) -> Vec<Binding> {
    let cost = |b: &Binding| width(first_key(b)) + 1 + width(b.short) + 2;
    let mut shown = entries;
    while shown.iter().map(cost).sum::<usize>() > max {
        let drop = shown
            .iter()
            .rposition(|b| !matches!(b.action, Action::Help | Action::Quit));
        match drop {
            Some(i) => {
                shown.remove(i);
            }
            None => break,
        }
    }
    shown
}

/// The footer names one key per binding (help lists them all).
fn first_key(b: &Binding) -> &'static str {
    b.label.split('/').next().unwrap_or(b.label)
}

pub fn footer(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &state.theme;
    let entries: Vec<Binding> = bindings(state.context())
        .into_iter()
        .filter(|b| b.footer)
        .collect();
    let mut spans = vec![Span::raw(" ")];
    for b in fitting(entries, usize::from(area.width).saturating_sub(1)) {
        spans.push(Span::styled(first_key(&b), theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
