//! The progress bar: steps resolved out of those that apply. Drawn with block characters so
//! it reads the same with or without colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::ui::theme::Theme;

/// `done` of `total`, as a bar with a count.
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub theme: &'a Theme,
}

impl Widget for Progress<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let percent = (self.done * 100).checked_div(self.total).unwrap_or(100);
        let label = format!(" {}/{} steps {percent:>3}% ", self.done, self.total);
        let bar = usize::from(area.width)
            .saturating_sub(label.chars().count() + 1)
            .max(1);
        let filled = (bar * self.done)
            .checked_div(self.total)
            .unwrap_or(bar)
            .min(bar);
        let line = Line::from(vec![
            Span::raw(" "),
            Span::styled("█".repeat(filled), self.theme.gauge_done()),
            Span::styled("░".repeat(bar - filled), self.theme.dim()),
            Span::raw(label),
        ]);
        line.render(area, buf);
    }
}
