//! The layering the compiler does not check by itself: the functional core (`wizard/`,
//! `plan/`, `session/`) never reaches the disk, the clock, processes, the network or the
//! terminal, and never imports the shell (`exec`, `journal`, `app`, `ui`, `report`). And no
//! source file grows past 600 lines.
//!
//! This reads the source text: a forbidden path anywhere in the code of a core file (a `use`
//! or a path written inline, tests included) fails with the file, line and what was found.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// The pure modules.
const CORE: &[&str] = &["src/wizard", "src/plan", "src/session"];

/// What the core may not name, and why.
const FORBIDDEN: &[(&str, &str)] = &[
    (r"\btokio\b", "async runtime"),
    (r"\bcrossterm\b", "terminal"),
    (r"\bratatui\b", "terminal"),
    (r"\bportable_pty\b", "terminal"),
    (r"\blibc\b", "system calls"),
    (r"\bwindows_sys\b", "system calls"),
    (r"\bstd::fs\b", "disk"),
    (r"\bstd::process\b", "processes"),
    (r"\bstd::thread\b", "threads"),
    (r"\bstd::net\b", "network"),
    (r"\bstd::env\b", "environment"),
    (r"\bstd::io::(stdin|stdout|stderr)\b", "terminal"),
    (
        r"\bstd::\{[^}]*\b(fs|process|net|thread|env)\b",
        "disk, processes or network",
    ),
    (r"\bSystemTime\b", "clock"),
    (r"\bInstant\b", "clock"),
    (r"\bnow_(utc|local)\b", "clock"),
    (
        r"\bcrate::(exec|journal|app|ui|report|logging)\b",
        "the shell",
    ),
    (
        r"\blifeline::(exec|journal|app|ui|report|logging)\b",
        "the shell",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read '{}': {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line: comments (`//`, `///`, `//!`) dropped.
fn code_of(line: &str) -> &str {
    let comment = line
        .match_indices("//")
        // `://` is a URL inside a string, not a comment.
        .find(|(at, _)| !line[..*at].ends_with(':'));
    match comment {
        Some((at, _)) => &line[..at],
        None => line,
    }
}

/// Every forbidden name in `text`, as `line: what (why)`.
/// What the screens (`src/ui`) must not do themselves: they draw and send intents; the
/// shell (`app::screens`, `app::persist`, `app::exec_runner`) owns the terminal, the tasks,
/// the clock, the environment and the disk. Channels and the terminal types they draw on are
/// theirs to use.
const UI_FORBIDDEN: &[(&str, &str)] = &[
    (
        r"\btokio::(spawn|task|signal|fs|process|time|runtime)\b",
        "tasks or the runtime",
    ),
    (
        r"\bratatui::(try_init|init|restore)\b",
        "taking over the terminal",
    ),
    (r"\bstd::fs\b", "disk"),
    (r"\bstd::process\b", "processes"),
    (r"\bstd::thread\b", "threads"),
    (r"\bstd::net\b", "network"),
    (r"\bstd::env\b", "environment"),
    (
        r"\bstd::io::(stdin|stdout|stderr)\b",
        "the terminal's streams",
    ),
    (r"\bSystemTime\b", "clock"),
    (r"\bInstant\b", "clock"),
    (r"\bnow_(utc|local)\b", "clock"),
    (r"\bcrate::(exec|journal|app|logging)\b", "the shell"),
];

fn violations(text: &str) -> Vec<String> {
    scan(text, FORBIDDEN)
}

fn scan(text: &str, forbidden: &[(&str, &str)]) -> Vec<String> {
    let rules: Vec<(Regex, &str)> = forbidden
        .iter()
        .map(|(pattern, why)| (Regex::new(pattern).expect("a valid pattern"), *why))
        .collect();
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = code_of(line);
        for (rule, why) in &rules {
            if let Some(m) = rule.find(code) {
                found.push(format!("{}: '{}' ({why})", n + 1, m.as_str()));
            }
        }
    }
    found
}

/// Every forbidden path named in the `.rs` files under `dirs` (but `skip`), as
/// `file:line: 'path' (why)`; panics when fewer than `at_least` files were found.
fn problems_in(
    dirs: &[&str],
    forbidden: &[(&str, &str)],
    skip: &str,
    at_least: usize,
) -> Vec<String> {
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(
        files.len() >= at_least,
        "the modules of {dirs:?} were not found"
    );
    files
        .iter()
        .filter(|file| skip.is_empty() || !file.ends_with(skip))
        .flat_map(|file| {
            let text = fs::read_to_string(file).expect("a readable source file");
            let shown = file
                .strip_prefix(root())
                .unwrap_or(file)
                .display()
                .to_string();
            scan(&text, forbidden)
                .into_iter()
                .map(move |v| format!("{shown}:{v}"))
        })
        .collect()
}

#[test]
fn the_core_names_no_io_and_no_shell_module() {
    let problems = problems_in(CORE, FORBIDDEN, "", 20);
    assert!(
        problems.is_empty(),
        "the functional core reaches outside itself:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_screens_only_draw_and_send_intents() {
    // The in-memory seams are a test harness (feature `test-support`), not screens.
    let problems = problems_in(&["src/ui"], UI_FORBIDDEN, "memory.rs", 20);
    assert!(
        problems.is_empty(),
        "the screens do the shell's work:\n{}",
        problems.join("\n")
    );
    for bad in [
        "tokio::spawn(async move {",
        "let _ = std::env::var_os(\"NO_COLOR\");",
        "let t = ratatui::try_init()?;",
        "std::thread::spawn(move || {});",
    ] {
        assert_eq!(scan(bad, UI_FORBIDDEN).len(), 1, "not caught: {bad}");
    }
    assert!(scan("use tokio::sync::mpsc;", UI_FORBIDDEN).is_empty());
}

/// Reports are built from records already read: no disk, no clock, no shell module (the
/// report use case that reads a session folder is `app::usecase`).
const REPORT_FORBIDDEN: &[(&str, &str)] = &[
    (r"\bstd::fs\b", "disk"),
    (r"\bstd::(process|thread|net|env)\b", "the system"),
    (r"\bSystemTime\b", "clock"),
    (r"\bInstant\b", "clock"),
    (r"\bnow_(utc|local)\b", "clock"),
    (r"\bcrate::(journal|app|ui|logging)\b", "the shell"),
];

#[test]
fn reports_read_no_disk() {
    let problems = problems_in(&["src/report"], REPORT_FORBIDDEN, "", 5);
    assert!(
        problems.is_empty(),
        "reports reach the shell:\n{}",
        problems.join("\n")
    );
    assert_eq!(
        scan(
            "let (l, w) = crate::app::store::load_read_only(dir)?;",
            REPORT_FORBIDDEN
        )
        .len(),
        1
    );
}

#[test]
fn the_scanner_catches_each_way_of_naming_io() {
    for bad in [
        "use tokio::fs;",
        "use std::fs;",
        "    let t = std::fs::read(p);",
        "use std::{collections::BTreeMap, process::Command};",
        "use std::time::{Duration, Instant};",
        "let now = std::time::SystemTime::now();",
        "let at = OffsetDateTime::now_utc();",
        "use crate::exec::quote::quote;",
        "use crate::journal::JournalWriter;",
        "use crate::app::store;",
        "use crate::ui::theme;",
        "use crossterm::event;",
        "use ratatui::Frame;",
        "use std::net::TcpStream;",
    ] {
        assert_eq!(violations(bad).len(), 1, "not caught: {bad}");
    }
    for fine in [
        "use std::collections::BTreeMap;",
        "use time::OffsetDateTime;",
        "use crate::wizard::quote::quote;",
        "// std::fs is not used here",
        "let url = \"https://example.org\"; // uses crate::exec? no",
        "use crate::session::event::Answers;",
    ] {
        assert!(violations(fine).is_empty(), "wrongly caught: {fine}");
    }
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = fs::read_to_string(f).ok()?.lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "over 600 lines:\n{}", long.join("\n"));
}
