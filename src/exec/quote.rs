//! The exact command line a Windows child receives. Quoting a value for a shell is pure
//! text and lives with the wizard format ([`crate::wizard::quote`]); it is re-exported here.

pub use crate::wizard::quote::{quote, quote_msvc};

/// True when `program` names cmd.exe.
fn is_cmd(program: &str) -> bool {
    let name = program.rsplit(['\\', '/']).next().unwrap_or(program);
    name.eq_ignore_ascii_case("cmd") || name.eq_ignore_ascii_case("cmd.exe")
}

/// The arguments of `argv` (after the program) as the single command-line string a
/// Windows child receives. For cmd.exe everything after `/c` (or `/k`) is the script: it is
/// passed as `"<script>"` untouched, since cmd does not follow the MSVC rules and `/s`
/// makes it strip exactly that outer pair of quotes. Everything else is MSVC-quoted.
pub fn windows_args(argv: &[String]) -> String {
    let Some((program, args)) = argv.split_first() else {
        return String::new();
    };
    let mut words: Vec<String> = Vec::with_capacity(args.len());
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if is_cmd(program) && (arg.eq_ignore_ascii_case("/c") || arg.eq_ignore_ascii_case("/k")) {
            words.push(arg.clone());
            let script: Vec<&str> = rest.by_ref().map(String::as_str).collect();
            words.push(format!("\"{}\"", script.join(" ")));
            break;
        }
        words.push(quote_msvc(arg));
    }
    words.join(" ")
}

/// The whole command line (program included) Windows receives for `argv`: Rust's standard
/// library always puts the program in quotes (a path cannot hold a quote).
pub fn windows_command_line(argv: &[String]) -> String {
    let Some(program) = argv.first() else {
        return String::new();
    };
    let args = windows_args(argv);
    let program = format!("\"{program}\"");
    if args.is_empty() {
        program
    } else {
        format!("{program} {args}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::Shell;

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

    fn v(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn windows_argv_without_a_shell() {
        let argv = v(&[
            "sqlcmd",
            "-S",
            "sql01\\rtc",
            "-Q",
            "RESTORE DATABASE [rtc] FROM DISK='a b'",
        ]);
        assert_eq!(
            windows_command_line(&argv),
            r#""sqlcmd" -S sql01\rtc -Q "RESTORE DATABASE [rtc] FROM DISK='a b'""#
        );
        assert_eq!(
            windows_command_line(&v(&["C:\\Program Files\\x.exe"])),
            r#""C:\Program Files\x.exe""#
        );
    }

    #[test]
    fn windows_cmd_script_is_passed_raw_in_one_pair_of_quotes() {
        let script = format!(
            "lcscmd /config /action:export /level:global /configfile:{} & echo done",
            quote(Shell::Cmd, r"D:\Backup Dir\100%ok&ready.xml")
        );
        let argv = v(&["cmd", "/d", "/v:off", "/s", "/c", &script]);
        assert_eq!(
            windows_command_line(&argv),
            r#""cmd" /d /v:off /s /c "lcscmd /config /action:export /level:global /configfile:^"D:\Backup Dir\100%^ok^&ready.xml^" & echo done""#
        );
    }

    #[test]
    fn windows_powershell_script_is_one_msvc_argument() {
        let script = format!(
            "Get-Item -Path {}",
            quote(Shell::Powershell, r#"C:\it's "here""#)
        );
        let argv = v(&[
            "powershell",
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            &script,
        ]);
        assert_eq!(
            windows_command_line(&argv),
            r#""powershell" -NoProfile -NonInteractive -Command "Get-Item -Path 'C:\it''s \"here\"'""#
        );
    }
}
