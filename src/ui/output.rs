//! A step's live output: a bounded ring of its last lines, with follow mode and scrolling.
//! Lines are cleaned of control sequences on the way in, so a program's escape codes can
//! never reach the operator's terminal.

use std::collections::VecDeque;

/// How many lines the pane keeps (older ones are dropped and counted).
pub const OUTPUT_LINES: usize = 10_000;

/// The longest line kept, in characters; the rest is cut (the full output is on disk).
pub const MAX_LINE_CHARS: usize = 2_000;

/// The last lines of output.
#[derive(Debug, Clone)]
pub struct OutputBuffer {
    lines: VecDeque<String>,
    capacity: usize,
    dropped: u64,
}

impl OutputBuffer {
    pub fn new(capacity: usize) -> Self {
        OutputBuffer {
            lines: VecDeque::with_capacity(capacity.min(1024)),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// Adds one line (cleaned), dropping the oldest when full.
    pub fn push(&mut self, line: &str) {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(clean(line));
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Lines dropped from the front so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The line at `index` (0 is the oldest kept).
    pub fn get(&self, index: usize) -> Option<&str> {
        self.lines.get(index).map(String::as_str)
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.dropped = 0;
    }
}

/// The output pane: whose output, the lines, and where the operator is looking.
#[derive(Debug, Clone)]
pub struct OutputPane {
    /// The step the lines belong to.
    pub step: Option<String>,
    pub buffer: OutputBuffer,
    /// Lines between the bottom of the view and the newest line (0 when following).
    pub offset: usize,
    /// New lines keep the view at the bottom.
    pub follow: bool,
}

impl Default for OutputPane {
    fn default() -> Self {
        OutputPane {
            step: None,
            buffer: OutputBuffer::new(OUTPUT_LINES),
            offset: 0,
            follow: true,
        }
    }
}

impl OutputPane {
    /// Starts showing an attempt: a fresh pane for another step, a separator for the same one.
    pub fn begin(&mut self, step: &str, banner: String) {
        if self.step.as_deref() != Some(step) {
            self.buffer.clear();
            self.step = Some(step.to_string());
        } else if !self.buffer.is_empty() {
            self.push("");
        }
        self.push(&banner);
        self.follow = true;
        self.offset = 0;
    }

    /// Adds a line of `step`'s output; lines of any other step are not this pane's.
    pub fn line(&mut self, step: &str, line: &str) {
        if self.step.as_deref() == Some(step) {
            self.push(line);
        }
    }

    fn push(&mut self, line: &str) {
        let full = self.buffer.len() == self.buffer.capacity;
        self.buffer.push(line);
        // A reader scrolled up keeps looking at the same lines while new ones arrive.
        if !self.follow && !full {
            self.offset = (self.offset + 1).min(self.buffer.len().saturating_sub(1));
        }
    }

    /// Scrolls towards older lines.
    pub fn up(&mut self, lines: usize) {
        self.offset = (self.offset + lines).min(self.buffer.len().saturating_sub(1));
        self.follow = self.offset == 0;
    }

    /// Scrolls towards newer lines; reaching the bottom follows again.
    pub fn down(&mut self, lines: usize) {
        self.offset = self.offset.saturating_sub(lines);
        self.follow = self.offset == 0;
    }

    /// The oldest line kept.
    pub fn top(&mut self) {
        self.offset = self.buffer.len().saturating_sub(1);
        self.follow = self.buffer.len() <= 1;
    }

    /// The newest line, following.
    pub fn bottom(&mut self) {
        self.offset = 0;
        self.follow = true;
    }
}

/// Removes what a terminal would interpret: escape sequences and control characters
/// (tabs become spaces); cuts overlong lines.
pub fn clean(line: &str) -> String {
    let mut out = String::with_capacity(line.len().min(MAX_LINE_CHARS));
    let mut chars = line.chars().peekable();
    let mut kept = 0usize;
    while let Some(c) = chars.next() {
        if kept >= MAX_LINE_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\t' => {
                out.push_str("    ");
                kept += 4;
            }
            c if c.is_control() => {}
            c => {
                out.push(c);
                kept += 1;
            }
        }
    }
    out
}

/// Skips one escape sequence after ESC: CSI (`[` ... final byte), OSC (`]` ... BEL or ST),
/// or a single character.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => {
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                    chars.next();
                    break;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_keeps_the_last_lines_and_counts_the_dropped() {
        let mut b = OutputBuffer::new(3);
        for i in 0..5 {
            b.push(&format!("line {i}"));
        }
        assert_eq!(b.len(), 3);
        assert_eq!(b.dropped(), 2);
        assert_eq!(b.get(0), Some("line 2"));
        assert_eq!(b.get(2), Some("line 4"));
    }

    #[test]
    fn escape_sequences_and_controls_never_reach_the_screen() {
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m done"), "red done");
        assert_eq!(clean("a\u{1b}]52;c;aGk=\u{7}b"), "ab");
        assert_eq!(clean("a\tb\r\u{8}"), "a    b");
        assert!(clean(&"x".repeat(MAX_LINE_CHARS + 10)).ends_with('…'));
    }

    #[test]
    fn scrolling_up_stops_following_and_the_bottom_follows_again() {
        let mut pane = OutputPane::default();
        pane.begin("s", "attempt 1".into());
        for i in 0..10 {
            pane.line("s", &format!("{i}"));
        }
        pane.up(3);
        assert!(!pane.follow);
        assert_eq!(pane.offset, 3);
        pane.line("s", "new");
        assert_eq!(pane.offset, 4, "the view stays on the same lines");
        pane.line("other", "not mine");
        assert_eq!(pane.buffer.len(), 12);
        pane.bottom();
        assert!(pane.follow);
        assert_eq!(pane.offset, 0);
    }
}
