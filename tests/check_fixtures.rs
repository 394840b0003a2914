//! Runs `lifeline check`'s library entry point on every fixture under
//! `tests/fixtures/wizards/` and compares the exact `line:col: message` set each file
//! declares in its leading `# expect: <line>:<col>: <message>` comments.
//!
//! `invalid/<error-kind>.toml` is checked alone; `invalid/<error-kind>/` (several files that
//! only err together, e.g. an include cycle) is checked as one folder. Every file under
//! `valid/` must check clean.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lifeline::app::catalog::check_paths;
use lifeline::wizard::Diagnostic;

/// Relative to the package root (where cargo runs tests), so diagnostics name files the
/// same way on every machine.
fn fixtures() -> PathBuf {
    PathBuf::from("tests/fixtures/wizards")
}

/// The `line:col: message` lines a fixture expects, from its leading comments.
fn expected(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(str::to_string)
        .collect()
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Checks `target` and compares each file's diagnostics with what it expects; returns the
/// mismatches as readable text.
fn compare(target: &Path, files: &[PathBuf]) -> Vec<String> {
    let diags = check_paths(&[target.to_path_buf()]);
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &diags {
        by_file
            .entry(d.path.clone())
            .or_default()
            // Messages that name another file use '/' whatever the platform's separator.
            .push(d.located_message().replace('\\', "/"));
    }
    let mut problems = Vec::new();
    for file in files {
        let label = file.display().to_string();
        let mut want = expected(file);
        let mut got = by_file.remove(&label).unwrap_or_default();
        want.sort();
        got.sort();
        if want != got {
            problems.push(format!(
                "{label}\n  expected:\n    {}\n  got:\n    {}",
                want.join("\n    "),
                got.join("\n    ")
            ));
        }
    }
    for (path, got) in by_file {
        problems.push(format!("unexpected diagnostics in {path}: {got:?}"));
    }
    problems
}

#[test]
fn every_invalid_fixture_reports_exactly_what_it_expects() {
    let dir = fixtures().join("invalid");
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in entries {
        let files = if entry.is_dir() {
            toml_files(&entry)
        } else if entry.extension().is_some_and(|x| x == "toml") {
            vec![entry.clone()]
        } else {
            continue;
        };
        let expects: usize = files.iter().map(|f| expected(f).len()).sum();
        assert!(expects > 0, "{} expects no error", entry.display());
        problems.extend(compare(&entry, &files));
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} invalid fixtures");
    assert!(problems.is_empty(), "\n{}", problems.join("\n\n"));
}

#[test]
fn every_valid_fixture_checks_clean() {
    let dir = fixtures().join("valid");
    let diags: Vec<String> = check_paths(&[dir])
        .iter()
        .map(Diagnostic::to_string)
        .collect();
    assert!(diags.is_empty(), "{}", diags.join("\n"));
}

#[test]
fn a_file_with_three_distinct_errors_reports_all_three() {
    let file = fixtures().join("invalid/three-errors.toml");
    let diags = check_paths(std::slice::from_ref(&file));
    let mut messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    messages.dedup();
    assert_eq!(messages.len(), 3, "{diags:?}");
    let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
}

#[test]
fn the_format_reference_shows_the_example_fixtures_verbatim() {
    let readme = fs::read_to_string("wizards/README.md").unwrap();
    for name in ["example.toml", "example-per-server.toml"] {
        let text = fs::read_to_string(fixtures().join("valid").join(name)).unwrap();
        assert!(
            readme.contains(&format!("```toml\n{text}```")),
            "wizards/README.md does not show {name} verbatim"
        );
    }
}

#[test]
fn the_example_expands_through_the_engine_as_the_reference_describes() {
    use lifeline::session::steps::expand;
    use lifeline::session::{AnswerValue, Answers};
    use lifeline::wizard::validate::validate_value;
    use lifeline::wizard::{Catalog, WizardSource, check_catalog};

    let sources: Vec<WizardSource> = toml_files(&fixtures().join("valid"))
        .iter()
        .map(|p| WizardSource {
            path: p.display().to_string(),
            text: fs::read_to_string(p).unwrap(),
        })
        .collect();
    let (catalog, diags) = check_catalog(&sources, &Catalog::default());
    assert!(diags.is_empty(), "{diags:?}");
    let mut answers = Answers::new();
    // Ticked out of order: the validated answer, and so the instances, follow the options.
    let lost = catalog.input("example-restore", "lost").unwrap();
    let ticked = AnswerValue::List(vec!["edge".into(), "standard-edition".into()]);
    answers.insert("lost".into(), validate_value(lost, &ticked).unwrap());
    answers.insert("os_healthy".into(), AnswerValue::Bool(true));
    let steps = expand(&catalog, "example-restore", &answers, false);
    let applicable: Vec<&str> = steps
        .iter()
        .filter(|s| s.applies != lifeline::wizard::condition::Truth::False)
        .map(|s| s.key.as_str())
        .collect();
    let at = |key: &str| applicable.iter().position(|k| *k == key);
    assert!(at("rebuild-first").is_none(), "{applicable:?}");
    assert!(
        at("per-server[standard-edition]/import-machine") < at("per-server[edge]/edge-by-hand")
    );
    assert!(
        at("per-server[edge]/import-machine").is_none(),
        "{applicable:?}"
    );
    assert!(at("per-server[standard-edition]/edge-by-hand").is_none());
    // A drill leaves out the step meant only for a real recovery.
    let drill = expand(&catalog, "example-restore", &answers, true);
    let note = drill.iter().find(|s| s.key == "practice-note").unwrap();
    assert_eq!(note.applies, lifeline::wizard::condition::Truth::False);
}
