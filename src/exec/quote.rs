//! Quoting a value so a shell reads it back as exactly that text, one word.
//!
//! Only values are quoted: the literal text of a shell step is the wizard author's shell
//! syntax. Values are never pasted into a command line any other way.

use crate::wizard::Shell;

/// `value` as one word of `shell` source text.
pub fn quote(shell: Shell, value: &str) -> String {
    match shell {
        Shell::Sh => quote_posix(value),
        Shell::Powershell => quote_powershell(value),
        Shell::Cmd => quote_cmd(value),
    }
}

/// POSIX single quotes: nothing inside is special; a `'` is closed, escaped and reopened.
fn quote_posix(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// PowerShell single-quoted (verbatim) string: a quote is doubled. PowerShell also treats
/// the typographic single quotes as quotes, so those are doubled too.
fn quote_powershell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// cmd.exe: first quoted for the program's own argument parser (the MSVC rules: `"` around,
/// backslashes doubled before a quote), then every character cmd treats specially is
/// escaped with `^`, quotes included, so cmd never enters quoted mode and every caret
/// applies. `%` is followed by a caret, which stops `%NAME%` expansion on a command line.
fn quote_cmd(value: &str) -> String {
    let mut msvc = String::from("\"");
    let mut backslashes = 0usize;
    for c in value.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                msvc.push_str(&"\\".repeat(backslashes * 2 + 1));
                msvc.push('"');
                backslashes = 0;
            }
            _ => {
                msvc.push_str(&"\\".repeat(backslashes));
                msvc.push(c);
                backslashes = 0;
            }
        }
    }
    msvc.push_str(&"\\".repeat(backslashes * 2));
    msvc.push('"');
    let special = |c: char| matches!(c, '^' | '&' | '|' | '<' | '>' | '(' | ')' | '"' | '!');
    let mut out = String::with_capacity(msvc.len() * 2);
    let mut chars = msvc.chars().peekable();
    while let Some(c) = chars.next() {
        if special(c) {
            out.push('^');
            out.push(c);
        } else if c == '%' {
            out.push('%');
            // A caret right after `%` makes the name that follows start with `^`, which no
            // variable has; a special character next already brings its own caret.
            if chars.peek().is_some_and(|&n| !special(n)) {
                out.push('^');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quotes_survive_a_real_shell() {
        for value in [
            "plain",
            "it's",
            "a b",
            "$(rm -rf /)",
            "`x`",
            "a;b&&c|d",
            "%PATH%",
            "\"q\"",
        ] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", quote(Shell::Sh, value)))
                .output();
            if let Ok(out) = out {
                assert_eq!(String::from_utf8_lossy(&out.stdout), value);
            }
        }
    }

    #[test]
    fn powershell_doubles_every_kind_of_single_quote() {
        assert_eq!(quote(Shell::Powershell, "it's"), "'it''s'");
        assert_eq!(
            quote(Shell::Powershell, "a\u{2019}b"),
            "'a\u{2019}\u{2019}b'"
        );
        assert_eq!(quote(Shell::Powershell, "$(x) `y`"), "'$(x) `y`'");
    }

    #[test]
    fn cmd_escapes_metacharacters_and_percent() {
        assert_eq!(quote(Shell::Cmd, "a b"), "^\"a b^\"");
        assert_eq!(quote(Shell::Cmd, "a&b"), "^\"a^&b^\"");
        assert_eq!(quote(Shell::Cmd, "%PATH%"), "^\"%^PATH%^\"");
        assert_eq!(quote(Shell::Cmd, r#"say "hi""#), r#"^"say \^"hi\^"^""#);
    }
}
