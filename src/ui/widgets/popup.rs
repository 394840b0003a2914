//! A centered window over the screen, sized to its content and never larger than the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::ui::theme::Theme;

/// A centred rectangle of at most `width` x `height` inside `area`, one cell from the edges.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2)).max(1);
    let h = height.min(area.height.saturating_sub(2)).max(1);
    Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    }
}

/// Draws a bordered window with `lines` (already wrapped), scrolled by `scroll` rows;
/// returns the inner area.
pub fn window(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: usize,
    theme: &Theme,
) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(Line::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let max_scroll = lines.len().saturating_sub(usize::from(inner.height));
    let skip = scroll.min(max_scroll);
    let shown: Vec<Line<'static>> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    inner
}
