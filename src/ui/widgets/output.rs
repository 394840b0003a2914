//! The output pane: the newest lines that fit, wrapped, drawn from the bottom up. The cost
//! of a frame depends on the pane's height, never on how many lines the buffer holds.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Widget};

use crate::ui::output::OutputPane;
use crate::ui::text::chunks;
use crate::ui::theme::Theme;

/// Lines to show: the live pane, or the journaled tail of an earlier attempt.
pub enum Source<'a> {
    Live(&'a OutputPane),
    Tail(&'a [String]),
}

/// The pane with its title line.
pub struct OutputView<'a> {
    pub source: Source<'a>,
    pub theme: &'a Theme,
}

impl Widget for OutputView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let (count, status) = match &self.source {
            Source::Live(pane) => {
                let n = pane.buffer.len();
                let status = if pane.follow {
                    "following".to_string()
                } else {
                    format!("{} lines up · End: follow", pane.offset)
                };
                let dropped = pane.buffer.dropped();
                let count = if dropped > 0 {
                    format!("last {n} lines · ")
                } else {
                    format!("{n} lines · ")
                };
                (count, status)
            }
            Source::Tail([]) => (String::new(), "nothing yet".to_string()),
            Source::Tail(tail) => (
                format!("last {} lines · ", tail.len()),
                "from the journal".to_string(),
            ),
        };
        let block = Block::new()
            .borders(Borders::TOP)
            .border_style(self.theme.dim())
            .title(Line::styled(" Output ", self.theme.title()))
            .title(Line::styled(format!(" {count}{status} "), self.theme.dim()).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = visible_rows(
            &self.source,
            usize::from(inner.width),
            usize::from(inner.height),
        );

        for (i, row) in rows.iter().enumerate() {
            let y = inner.y + i as u16;
            buf.set_stringn(inner.x, y, row, usize::from(inner.width), Style::new());
        }
    }
}

/// The rows that fill a `width` x `height` view, oldest first, ending at the scroll position.
fn visible_rows<'s>(source: &'s Source<'_>, width: usize, height: usize) -> Vec<&'s str> {
    if width == 0 || height == 0 {
        return vec![];
    }
    let (len, offset) = match source {
        Source::Live(pane) => (pane.buffer.len(), pane.offset),
        Source::Tail(tail) => (tail.len(), 0),
    };
    let line = |i: usize| -> &'s str {
        match source {
            Source::Live(pane) => pane.buffer.get(i).unwrap_or(""),
            Source::Tail(tail) => tail[i].as_str(),
        }
    };
    let mut rows: Vec<&str> = Vec::with_capacity(height);
    let mut index = len.saturating_sub(offset);
    while rows.len() < height && index > 0 {
        index -= 1;
        let pieces = chunks(line(index), width);
        for piece in pieces.into_iter().rev() {
            if rows.len() == height {
                break;
            }
            rows.push(piece);
        }
    }
    rows.reverse();
    rows
}
