//! Copying to the operator's clipboard with OSC 52 (crossterm's `CopyToClipboard`): the
//! terminal, even at the far end of an SSH link, puts the text on its clipboard.

use crossterm::clipboard::CopyToClipboard;

/// Writes the OSC 52 sequence for `text` to standard output (the terminal).
pub fn copy_to_terminal(text: &str) {
    // A terminal that ignores OSC 52 ignores it silently; nothing to report.
    let _ = crossterm::execute!(std::io::stdout(), CopyToClipboard::to_clipboard_from(text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::Command;

    #[test]
    fn the_sequence_sets_the_clipboard_to_the_text_in_base64() {
        let mut written = String::new();
        CopyToClipboard::to_clipboard_from("hi")
            .write_ansi(&mut written)
            .expect("writes");
        assert!(written.starts_with("\u{1b}]52;c;aGk="), "{written:?}");
    }
}
