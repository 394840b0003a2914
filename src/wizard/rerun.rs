//! Re-run safety, a declared property of a step: `rerun = "safe"` says the step only reads,
//! so running it again after an interruption changes nothing; `rerun = "unsafe"` says it
//! writes. The step screen's words come from it, and `lifeline check` refuses a step that
//! writes but is declared safe.
//!
//! "Writes" is decided from the command text (argv and shell script, templates unfilled):
//! a known writing program or verb anywhere in it. The list errs towards writing: a step
//! whose command cannot be shown to only read should not be declared safe.

use std::sync::LazyLock;

use regex::Regex;

use super::model::{CheckSpec, Rerun, StepDef, StepKind};

/// Each writer: a pattern over the whole command line (case-insensitive) and what it writes.
static WRITERS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let w = |re: &str, what: &'static str| {
        (
            Regex::new(&format!("(?i){re}")).unwrap_or_else(|e| panic!("writer pattern: {e}")),
            what,
        )
    };
    vec![
        w(r"\blcscmd\b.*/action:(\w+)", "lcscmd changes the deployment"),
        w(
            r"\b(sqlcmd|osql)\b.*\b(RESTORE|BACKUP|DROP|ALTER|CREATE|INSERT|UPDATE|DELETE|TRUNCATE|MERGE|GRANT|REVOKE|EXEC|EXECUTE|DBCC|sp_\w+)\b",
            "the SQL statement changes the server",
        ),
        w(r"\b(sqlcmd|osql)\b.*\s-i\b", "a SQL script file may change anything"),
        w(
            r"\bsc(\.exe)?\b.*\b(start|stop|config|create|delete|pause|continue|failure)\b",
            "sc changes a service",
        ),
        w(r"\bnet(\.exe)?\s+(start|stop|use|user|share)\b", "net changes the system"),
        w(
            r"\b(Set|New|Remove|Start|Stop|Restart|Enable|Disable|Move|Install|Uninstall|Add|Grant|Revoke|Clear|Reset|Restore|Copy|Rename|Register|Unregister|Update|Invoke|Suspend|Resume|Publish|Mount|Dismount)-\w+|\bOut-File\b",
            "the PowerShell cmdlet changes something",
        ),
        w(r"\bImport-\w+", "the PowerShell cmdlet imports something"),
        w(
            r"\b(robocopy|xcopy|copy|move|del|erase|rd|rmdir|md|mkdir|ren|rename|icacls|cacls|takeown|msiexec|regsvr32|setup|cp|mv|rm)(\.exe)?\b",
            "the program changes files or the system",
        ),
        w(r"\breg(\.exe)?\s+(add|delete|import|copy|restore|load)\b", "reg changes the registry"),
        w(r"\bdnscmd\b.*/(record|zone)(add|delete)\b", "dnscmd changes DNS"),
        w(r"\bldifde\b.*\s-i\b", "ldifde imports into Active Directory"),
        w(r"\bnetsh\b.*\b(set|add|delete)\b", "netsh changes the network"),
        w(r"(^|\s)>{1,2}\s*[^&\s]", "the shell writes a file"),
    ]
});

static IMPORT_MODULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bImport-Module\b|\bRESTORE\s+(VERIFYONLY|HEADERONLY|FILELISTONLY|LABELONLY)\b|/action:export\b")
        .unwrap_or_else(|e| panic!("pattern: {e}"))
});

/// What the step writes, when its command (as written in the wizard) shows it writes.
pub fn writes(step: &StepDef) -> Option<&'static str> {
    let runs = step.kind == StepKind::Command
        || (step.kind == StepKind::Check && matches!(step.check, Some(CheckSpec::Command { .. })));
    if !runs {
        return None;
    }
    // Loading a module, verifying a backup and exporting settings to a file change nothing
    // on the deployment; every other Import- verb, RESTORE and lcscmd action writes.
    let line = IMPORT_MODULE.replace_all(&step.argv.join(" "), "").into_owned();
    WRITERS
        .iter()
        .find(|(re, _)| re.is_match(&line))
        .map(|(_, what)| *what)
}

/// The step's re-run safety: as declared, else `unsafe` for a step seen to write and `safe`
/// for a built-in check that only reads; `None` when nothing says.
pub fn safety(step: &StepDef) -> Option<Rerun> {
    if let Some(declared) = step.rerun {
        return Some(declared);
    }
    if writes(step).is_some() {
        return Some(Rerun::Unsafe);
    }
    match (&step.kind, &step.check) {
        (StepKind::Check, Some(spec)) if spec.is_read_only() => Some(Rerun::Safe),
        _ => None,
    }
}

/// The `lifeline check` message for a step declared safe that writes.
pub fn declared_safe_but_writes(step: &StepDef) -> Option<String> {
    if step.rerun != Some(Rerun::Safe) {
        return None;
    }
    writes(step).map(|what| {
        format!(
            "step '{}' is declared rerun = 'safe' (it only reads) but it writes ({what}): declare rerun = 'unsafe'",
            step.id
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(argv: &[&str]) -> StepDef {
        let text = format!(
            "id = \"s\"\nkind = \"command\"\ntitle = \"t\"\nargv = {}\n",
            serde_json::to_string(argv).expect("json")
        );
        toml::from_str(&text).expect("step")
    }

    #[test]
    fn writers_are_seen_in_argv_and_in_shell_scripts() {
        for argv in [
            &["lcscmd", "/config", "/action:import", "/level:machine"][..],
            &["sqlcmd", "-S", "be01\\rtc", "-Q", "RESTORE DATABASE rtc FROM DISK='x'"],
            &["sc", "\\\\fe01", "stop", "RTCSRV"],
            &["sc", "\\\\fe01", "start", "RTCSRV"],
            &["Import-Module Lync; Set-CsPersistentChatState -PoolFqdn x -PoolState Normal"],
            &["robocopy", "\\\\bkp\\share", "D:\\share", "/E"],
            &["Import-CsConfiguration -FileName x"],
        ] {
            assert!(writes(&command(argv)).is_some(), "{argv:?}");
        }
    }

    #[test]
    fn readers_are_not_writers() {
        for argv in [
            &["sc", "\\\\fe01", "query"][..],
            &["sqlcmd", "-S", "x", "-Q", "RESTORE VERIFYONLY FROM DISK = N'x'"],
            &["lcscmd", "/config", "/action:export", "/level:pool"],
            &["sqlcmd", "-S", "x", "-E", "-b", "-Q", "SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases"],
            &["Import-Module Lync; Get-CsPersistentChatState -Identity x"],
            &["$running = @(Get-Service -ComputerName fe01 | Where-Object { $_.Status -eq 'Running' })"],
        ] {
            assert_eq!(writes(&command(argv)), None, "{argv:?}");
        }
    }

    #[test]
    fn a_writer_declared_safe_is_refused_and_the_declaration_decides_the_words() {
        let mut step = command(&["lcscmd", "/config", "/action:import"]);
        assert_eq!(safety(&step), Some(Rerun::Unsafe));
        step.rerun = Some(Rerun::Safe);
        let message = declared_safe_but_writes(&step).expect("refused");
        assert!(message.contains("declare rerun = 'unsafe'"), "{message}");
        let mut reader = command(&["sc", "\\\\fe01", "query"]);
        assert_eq!(safety(&reader), None);
        reader.rerun = Some(Rerun::Safe);
        assert_eq!(declared_safe_but_writes(&reader), None);
        assert_eq!(safety(&reader), Some(Rerun::Safe));
    }
}
