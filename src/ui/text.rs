//! Text helpers for narrow screens: display width, truncation with an ellipsis, wrapping,
//! command lines, durations and times.

use time::OffsetDateTime;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in terminal cells.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to `max` cells, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Splits `text` into rows of at most `max` cells (hard wrap, for output lines).
pub fn chunks(text: &str, max: usize) -> Vec<&str> {
    let max = max.max(1);
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > max {
            rows.push(&text[start..i]);
            start = i;
            used = 0;
        }
        used += w;
    }
    rows.push(&text[start..]);
    rows
}

/// Word-wraps `text` to `max` cells. Wizard text is written hard-wrapped in its files, so a
/// single newline inside a paragraph is a space here; a blank line, and a line that starts a
/// list item or is indented, begins a new row.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut rows = Vec::new();
    for paragraph in reflow(text) {
        let mut row = String::new();
        for word in paragraph.split_whitespace() {
            let needed = if row.is_empty() { 0 } else { 1 } + width(word);
            if !row.is_empty() && width(&row) + needed > max {
                rows.push(std::mem::take(&mut row));
            }
            if width(word) > max {
                for piece in chunks(word, max) {
                    if !row.is_empty() {
                        rows.push(std::mem::take(&mut row));
                    }
                    row.push_str(piece);
                }
                continue;
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
        rows.push(row);
    }
    rows
}

/// The paragraphs of `text`: its lines, with each line that merely continues a sentence
/// joined to the one before.
fn reflow(text: &str) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            paragraphs.push(String::new());
            open = false;
            continue;
        }
        if open && !starts_row(line) {
            let last = paragraphs.last_mut().expect("an open paragraph");
            last.push(' ');
            last.push_str(trimmed);
        } else {
            paragraphs.push(line.trim_end().to_string());
            open = true;
        }
    }
    if paragraphs.is_empty() {
        paragraphs.push(String::new());
    }
    paragraphs
}

/// A line that begins a row of its own: indented, or a list item (`- `, `* `, `• `, `1. `).
fn starts_row(line: &str) -> bool {
    if line.starts_with([' ', '\t']) {
        return true;
    }
    let t = line.trim_start();
    if ["- ", "* ", "• ", "$ "].iter().any(|m| t.starts_with(m)) {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
}

pub use crate::report::command_line;

/// `HH:MM:SS` (hours grow past 99 if they must).
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// Seconds from `from` to `to`.
pub fn seconds_between(from: OffsetDateTime, to: OffsetDateTime) -> i64 {
    (to - from).whole_seconds()
}

/// `2024-05-01 10:42 UTC`.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_and_wrapping_respect_the_width() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(chunks("abcdefg", 3), vec!["abc", "def", "g"]);
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
        // A hard-wrapped sentence flows again; list items keep their rows.
        assert_eq!(
            wrap("one two\nthree four\n- five\n- six", 40),
            vec!["one two three four", "- five", "- six"]
        );
    }

    #[test]
    fn command_lines_quote_what_needs_it() {
        let argv: Vec<String> = ["sqlcmd", "-Q", "RESTORE DATABASE rtc", "-P", "****"]
            .map(String::from)
            .into();
        assert_eq!(
            command_line(&argv),
            "sqlcmd -Q \"RESTORE DATABASE rtc\" -P ****"
        );
        assert_eq!(clock(3725), "01:02:05");
    }
}
