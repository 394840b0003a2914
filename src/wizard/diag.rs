//! Diagnostics about wizard files (`path:line:col: message`) and the byte-offset to
//! line:column mapping they are positioned with.

use std::fmt;

/// One problem in a wizard file, positioned 1-based (line 0 only when no file could be read).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub path: String,
    pub line: usize,
    pub col: usize,
    /// One user-facing sentence; values in single quotes.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `line:col` of `path`.
    pub fn new(path: &str, (line, col): (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    /// `line:col: message`, the form fixtures and tests compare.
    pub fn located_message(&self) -> String {
        format!("{}:{}: {}", self.line, self.col, self.message)
    }
}

impl fmt::Display for Diagnostic {
    /// One line whatever the file held: control characters from the file's text (a key with
    /// an escaped newline, an escape sequence) are written as escapes, not sent to the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            Escaped(&self.path),
            self.line,
            self.col,
            Escaped(&self.message)
        )
    }
}

/// Text with its control characters written as Rust-style escapes (`\n`, `\u{1b}`).
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Maps byte offsets of one text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: String,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text: text.to_string(),
            starts,
        }
    }

    /// The 1-based line and column of byte `offset` (clamped to the text; a position inside
    /// a multi-byte character counts as that character).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(after) => after - 1,
        };
        let start = self.starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let mut col = self.text[start..end].chars().count() + 1;
        // A byte-order mark is invisible in editors, so it does not count as a column.
        if line == 0 && self.text.starts_with('\u{feff}') && end > 0 {
            col -= 1;
        }
        (line + 1, col)
    }

    /// The text of a byte range (empty when the range is not valid for this text).
    pub fn slice(&self, range: std::ops::Range<usize>) -> &str {
        self.text.get(range).unwrap_or("")
    }
}

/// Sorts diagnostics by file (in the order files first appear), then line and column,
/// and drops exact repeats.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    let mut order: Vec<String> = Vec::new();
    for d in diags.iter() {
        if !order.contains(&d.path) {
            order.push(d.path.clone());
        }
    }
    let rank = |p: &str| order.iter().position(|o| o == p).unwrap_or(usize::MAX);
    diags.sort_by(|a, b| {
        (rank(&a.path), a.line, a.col, &a.message).cmp(&(rank(&b.path), b.line, b.col, &b.message))
    });
    diags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let idx = LineIndex::new("ab\nc\u{e9}d\r\n\nx");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(1), (1, 2));
        assert_eq!(idx.position(2), (1, 3)); // the newline itself
        assert_eq!(idx.position(3), (2, 1));
        // 'é' is two bytes: 'd' is the third character of line 2.
        assert_eq!(idx.position(6), (2, 3));
        assert_eq!(idx.position(9), (3, 1));
        assert_eq!(idx.position(10), (4, 1));
        assert_eq!(idx.position(999), (4, 2));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let idx = LineIndex::new("\u{feff}id = 1");
        assert_eq!(idx.position(3), (1, 1));
        assert_eq!(idx.position(8), (1, 6));
    }

    #[test]
    fn display_is_path_line_col_message() {
        let d = Diagnostic::new("wizards/x.toml", (3, 7), "unknown key 'argv'");
        assert_eq!(d.to_string(), "wizards/x.toml:3:7: unknown key 'argv'");
        assert_eq!(d.located_message(), "3:7: unknown key 'argv'");
    }

    #[test]
    fn sorting_keeps_file_order_and_drops_repeats() {
        let mut v = vec![
            Diagnostic::new("b", (2, 1), "x"),
            Diagnostic::new("a", (5, 1), "y"),
            Diagnostic::new("b", (1, 4), "z"),
            Diagnostic::new("b", (1, 4), "z"),
        ];
        sort_diagnostics(&mut v);
        let got: Vec<String> = v.iter().map(|d| d.to_string()).collect();
        assert_eq!(got, vec!["b:1:4: z", "b:2:1: x", "a:5:1: y"]);
    }
}
