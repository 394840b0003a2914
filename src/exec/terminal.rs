//! Making a step's output safe to show: a program's escape sequences (an OSC 52 clipboard
//! write, an OSC 0 window title, CSI 2J clearing the screen) must never reach the operator's
//! terminal or a report raw. Control characters become visible caret notation (`^[`), so the
//! operator still sees that they were there; the `.out` file keeps the raw bytes.

use std::borrow::Cow;

/// `text` with every control character but tab and newline made visible: C0 and DEL in caret notation
/// (`ESC` → `^[`), C1 (`U+0080`–`U+009F`, e.g. the one-byte CSI) as `<U+009B>`.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if is_plain(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' => {
                out.push('^');
                out.push(char::from(c as u8 ^ 0x40));
            }
            '\u{7f}' => out.push_str("^?"),
            '\u{80}'..='\u{9f}' => out.push_str(&format!("<U+{:04X}>", c as u32)),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// True when `text` has no control character but tab and newline: [`neutralize`] would
/// leave it as it is. One check of many lines at once costs less than one per line.
pub fn is_plain(text: &str) -> bool {
    // A byte scan first (a step can print hundreds of megabytes): only a C0 byte, DEL or the
    // lead byte of a C1 character (`0xC2`) can start a control; the exact test is by char.
    let maybe = |b: &u8| (*b < 0x20 && *b != b'\n') || *b == 0x7f || *b == 0xc2;
    // A fold without early exit, so the scan vectorizes.
    let suspect = text.as_bytes().iter().fold(false, |any, b| any | maybe(b));
    !suspect || !text.chars().any(is_control)
}

fn is_control(c: char) -> bool {
    c != '\t' && c != '\n' && (c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_and_plain_text_is_untouched() {
        assert!(matches!(neutralize("plain\ttext é\n"), Cow::Borrowed(_)));
        assert_eq!(neutralize("\x1b]52;c;aGk=\x07"), "^[]52;c;aGk=^G");
        assert_eq!(neutralize("a\x1b[2Jb"), "a^[[2Jb");
        assert_eq!(neutralize("\u{9b}2J\r"), "<U+009B>2J^M");
        assert!(is_plain("two\tlines é\nof text\n"));
        for dirty in ["a\rb\n", "\x1b[0m", "del\x7f", "c1 \u{85}\n"] {
            assert!(!is_plain(dirty), "{dirty:?}");
        }
    }
}
