//! Quoting a value so a shell reads it back as exactly that text, one word. Pure text:
//! the plan and the session engine fill templates with it; `exec::quote` builds the exact
//! command line a Windows child receives on top of it.
//!
//! Only values are quoted: the literal text of a shell step is the wizard author's shell
//! syntax. Values are never pasted into a command line any other way.
//!
//! What [`quote`] guarantees, for any value (any Unicode text; NUL cannot reach a process):
//! - `sh`: the value is one POSIX single-quoted word. Nothing inside single quotes is
//!   special (`$`, backticks, `\`, `;`, `&`, `|`, newlines included), so `sh -c` reads back
//!   exactly the value. Tested against a real `sh`.
//! - `powershell`: one verbatim (single-quoted) string: only quote characters are special
//!   there, and each (including the typographic ones PowerShell also accepts) is doubled.
//!   `$(...)`, backticks and `%VAR%` stay literal.
//! - `cmd`: the value reaches the program as one argument under the MSVC argument rules
//!   (which most Windows programs use), and cmd.exe neither splits it nor expands `%VAR%`
//!   or `!VAR!` in it. This holds when the script is run the way lifeline runs it:
//!   `cmd /d /v:off /s /c "<script>"` (see `exec::quote::windows_args`), with the value outside any
//!   double quotes the author wrote. A program that parses its command line its own way
//!   (not MSVC rules) may still read it differently; no quoting can fix that for cmd.
//! - Windows argv without a shell (`exec::quote::windows_args`): every element reaches a program that
//!   uses the MSVC rules as exactly that element, the same rules Rust's standard library
//!   applies; lifeline builds the line itself so the tested string is the one that runs.

use crate::wizard::Shell;

/// An argv as one line people read and paste (screens, reports, the header of a step's
/// output, error messages): an argument that is empty or holds blanks or quotes is
/// double-quoted with `"` escaped as `\"`; backslashes stay as written, so Windows paths read
/// as they are typed. For reading only: what runs is always the argv itself.
pub fn readable_command(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.is_empty()
                || a.chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '\'')
            {
                format!("\"{}\"", a.replace('"', "\\\""))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

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
    let msvc = msvc_quoted(value);
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

/// One argument quoted for a Windows program that splits its command line by the MSVC
/// rules: quotes only when needed; backslashes are doubled only before a quote.
pub fn quote_msvc(arg: &str) -> String {
    if !arg.is_empty() && !arg.contains([' ', '\t', '\n', '\u{b}', '"']) {
        return arg.to_string();
    }
    msvc_quoted(arg)
}

/// `arg` in double quotes by the MSVC rules: a quote is escaped with `\`, and backslashes
/// are doubled where they come before a quote (including the closing one).
pub(crate) fn msvc_quoted(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('"');
    let mut backslashes = 0usize;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readable_command_quotes_only_what_a_reader_needs_and_keeps_backslashes() {
        let argv: Vec<String> = [
            "sqlcmd",
            "-S",
            r"C:\Program Files\x",
            "",
            r#"a"b"#,
            "it's",
            r"\\bkp01\share",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            readable_command(&argv),
            r#"sqlcmd -S "C:\Program Files\x" "" "a\"b" "it's" \\bkp01\share"#
        );
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

    #[test]
    fn msvc_quotes_only_when_needed() {
        assert_eq!(quote_msvc("plain"), "plain");
        assert_eq!(quote_msvc(""), r#""""#);
        assert_eq!(quote_msvc("a b"), r#""a b""#);
        assert_eq!(quote_msvc(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(
            quote_msvc(r"C:\dir with space\"),
            r#""C:\dir with space\\""#
        );
        assert_eq!(quote_msvc(r"\\srv\share"), r"\\srv\share");
    }
}
