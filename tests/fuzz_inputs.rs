//! Fuzzing the three readers of untrusted files: the wizard loader (and the whole `check`
//! pipeline behind it), the answers loader (and the dry run that judges every value), and the
//! journal reader (and the fold over what it read). Inputs are arbitrary bytes and text, and
//! structure-aware mutations of real files (bundled wizards, fixtures, a real journal):
//! deleted and duplicated spans, swapped lines, flipped bits, and tokens of each format.
//!
//! The property: nothing panics, and every rejection is a clean error whose message is not
//! empty and is one line without control characters (a newline or an escape sequence from a
//! file must not reach the terminal).
//!
//! CI runs a few thousand cases per target. Longer runs:
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --test fuzz_inputs -- --nocapture
//! LIFELINE_FUZZ_SECONDS=600 cargo test --release --test fuzz_inputs -- --nocapture --test-threads 1
//! ```
//! With `LIFELINE_FUZZ_SECONDS`, each target runs batches (fresh random seeds) for that long.

use std::path::Path;
use std::time::{Duration, Instant};

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::{Driver, MemoryJournal};
use lifeline::app::headless::{Ending, HeadlessOptions, SucceedingRunner, drive};
use lifeline::journal::{encode_line, parse_journal};
use lifeline::session::engine::NoDefaults;
use lifeline::session::event::{LockHolder, Operator, Outcome};
use lifeline::session::{AnswerValue, Event, Record, SessionState};
use lifeline::wizard::{self, Catalog, WizardSource};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use time::macros::datetime;

// ---------------------------------------------------------------- the harness

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `check` over `strategy`: once with `cases` cases, or in batches with fresh seeds for
/// `LIFELINE_FUZZ_SECONDS`. Prints how many cases ran.
fn fuzz<S: Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let seconds: Option<u64> = std::env::var("LIFELINE_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok());
    let batch = cases(default_cases);
    let started = Instant::now();
    let mut total: u64 = 0;
    loop {
        let config = Config {
            cases: batch,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, &check) {
            panic!("{name}: {e}");
        }
        total += u64::from(batch);
        match seconds {
            Some(s) if started.elapsed() < Duration::from_secs(s) => continue,
            _ => break,
        }
    }
    println!(
        "fuzz {name}: {total} cases in {:.1} s, no panic, every rejection one clean line",
        started.elapsed().as_secs_f64()
    );
}

/// A clean error message: something to read, on one line, nothing a terminal interprets.
fn clean(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "an empty error message");
    let bad = message.chars().find(|c| c.is_control());
    prop_assert!(
        bad.is_none(),
        "control character {:?} in the error message {:?}",
        bad,
        message
    );
    Ok(())
}

/// Edits that keep text valid UTF-8: positions are chosen among character boundaries.
#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, Index),
    InsertText(Index, String),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    DeleteLine(Index),
    Truncate(Index),
}

fn edit(extra: usize) -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), 1..40usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        6 => (any::<Index>(), any::<Index>()).prop_map(|(at, t)| Edit::Insert(at, t)),
        2 => (any::<Index>(), ".{0,12}").prop_map(|(at, s)| Edit::InsertText(at, s)),
        2 => any::<Index>().prop_map(Edit::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        2 => any::<Index>().prop_map(Edit::DeleteLine),
        extra as u32 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn apply_text(text: &str, edits: &[Edit], tokens: &[&str]) -> String {
    let mut text = text.to_string();
    for e in edits {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let at = |i: &Index| bounds[i.index(bounds.len())];
        match e {
            Edit::Delete(i, n) => {
                let start = i.index(bounds.len());
                let end = (start + n).min(bounds.len() - 1);
                text.replace_range(bounds[start]..bounds[end], "");
            }
            Edit::Insert(i, t) => text.insert_str(at(i), tokens[t.index(tokens.len())]),
            Edit::InsertText(i, s) => text.insert_str(at(i), s),
            Edit::DuplicateLine(i) | Edit::DeleteLine(i) | Edit::SwapLines(i, _) => {
                let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
                if lines.is_empty() {
                    continue;
                }
                let n = i.index(lines.len());
                match e {
                    Edit::DuplicateLine(_) => {
                        let l = lines[n].clone();
                        lines.insert(n, l);
                    }
                    Edit::DeleteLine(_) => {
                        lines.remove(n);
                    }
                    Edit::SwapLines(_, j) => {
                        let m = j.index(lines.len());
                        lines.swap(n, m);
                    }
                    _ => {}
                }
                text = lines.concat();
            }
            Edit::Truncate(i) => text.truncate(at(i)),
        }
    }
    text
}

// ---------------------------------------------------------------- wizards

const WIZARD_TOKENS: &[&str] = &[
    "[[steps]]\n",
    "[[inputs]]\n",
    "[[inputs.options]]\n",
    "[steps.check]\n",
    "id = \"x\"\n",
    "id = \"\"\n",
    "id = \"item\"\n",
    "kind = \"command\"\n",
    "kind = \"include\"\n",
    "kind = \"check\"\n",
    "kind = \"manual\"\n",
    "kind = \"choice\"\n",
    "kind = \"multi-choice\"\n",
    "kind = \"secret\"\n",
    "kind = \"bool\"\n",
    "title = \"t\"\n",
    "wizard = \"restore-databases\"\n",
    "wizard = \"crash-per-pool\"\n",
    "for_each = \"lost\"\n",
    "when = { lost = \"edge\" }\n",
    "when = { any = [], not = { drill = true } }\n",
    "when = { any = [{ x = true }, { item = [\"a\"] }] }\n",
    "when = { topology = [] }\n",
    "argv = [\"{{x}}\", \"{{ item }}\"]\n",
    "argv = []\n",
    "argv = [\"\"]\n",
    "shell = \"cmd\"\n",
    "shell = \"powershell\"\n",
    "shell = \"fish\"\n",
    "{{",
    "}}",
    "{{item}}",
    "{{drill}}",
    "{{ \u{1b}[2J }}",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "\\u0000",
    "\\u001b[31m",
    "\\n",
    "\\",
    "\u{feff}",
    "\u{1b}",
    "\u{0}",
    "ü",
    "\u{202e}",
    "# comment\n",
    "a.b.c = 1\n",
    "\"a\\nb\" = 1\n",
    "\"\\u001b[2J\" = 1\n",
    "pattern = \"(\"\n",
    "pattern = \"[a-z]{1,9999}{1,9999}\"\n",
    "pattern = \"\\\\p{Greek}+\"\n",
    "check = { kind = \"command\", regex = \"(?x\" }\n",
    "check = { kind = \"free-space\", path = \"c:\", min_mb = 18446744073709551615 }\n",
    "check = { kind = \"tcp-connect\", host = \"h\", port = \"99999\" }\n",
    "check = { kind = \"nope\" }\n",
    "on_interrupt = \"check\"\n",
    "on_interrupt = \"never\"\n",
    "verify = { kind = \"path-exists\", path = \"{{x}}\" }\n",
    "verify = { kind = \"command\" }\n",
    "default = [\"a\"]\n",
    "default = true\n",
    "default = \"{{x}}\"\n",
    "default_from = \"role.{{item}}.fqdn\"\n",
    "options = [{ value = \"a,b\", label = \"x\" }, { value = \"\", label = \"y\" }]\n",
    "optional = true\n",
    "confirm = \"\"\n",
    "confirm = \"RESTORE\"\n",
    "timeout_s = -1\n",
    "timeout_s = 18446744073709551615\n",
    "timeout_s = 1e400\n",
    "success_codes = [256, -1, 2147483648]\n",
    "env = { \"BAD NAME\" = \"x\", PATH = \"{{x}}\" }\n",
    "1979-05-27T07:32:00Z",
    "inf",
    "nan",
    "0x1F",
    "true",
    "[]",
    "{}",
];

fn wizard_sources() -> Vec<WizardSource> {
    let mut sources = wizard::bundled_sources();
    for dir in [
        "tests/fixtures/wizards/valid",
        "tests/fixtures/crash",
        "tests/fixtures/e2e",
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") {
                sources.push(WizardSource {
                    path: path.display().to_string(),
                    text: std::fs::read_to_string(&path).unwrap(),
                });
            }
        }
    }
    sources
}

/// Loads, checks and (when it checks clean) dry-runs a wizard text, as `lifeline check` and
/// `lifeline run` would.
fn exercise_wizard(text: &str, bundled: &Catalog) -> Result<(), TestCaseError> {
    match wizard::parse_wizard("fuzz.toml", text) {
        Ok(_) => {}
        Err(diags) => {
            prop_assert!(!diags.is_empty(), "rejected without a diagnostic");
            for d in &diags {
                clean(&d.to_string())?;
            }
        }
    }
    let source = WizardSource {
        path: "fuzz.toml".into(),
        text: text.to_string(),
    };
    let (checked, diags) = wizard::check_catalog(&[source], bundled);
    for d in &diags {
        clean(&d.to_string())?;
    }
    if !diags.is_empty() {
        return Ok(());
    }
    let Some(w) = checked.wizards.values().next() else {
        return Ok(());
    };
    let mut catalog = bundled.clone();
    catalog.insert(w.clone());
    let answers = AnswersFile::default();
    dry_run(&catalog, &w.id.clone(), &answers)
}

fn dry_run(catalog: &Catalog, root: &str, answers: &AnswersFile) -> Result<(), TestCaseError> {
    let mut memory = MemoryJournal::default();
    let mut driver = Driver::new(
        catalog.clone(),
        root.to_string(),
        SessionState::default(),
        Box::new(NoDefaults),
        Box::new(&mut memory),
    );
    driver
        .append(started(root))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let options = HeadlessOptions {
        collect_missing: true,
        ..HeadlessOptions::default()
    };
    match drive(
        &mut driver,
        answers,
        &mut SucceedingRunner,
        &options,
        &mut |_, _| {},
    ) {
        Ok(Ending::InvalidAnswer(m)) => clean(&m),
        Ok(Ending::NeedsDecision { what, .. }) => clean(&what),
        Ok(Ending::StepFailed { message, .. }) => clean(&message),
        Ok(_) => Ok(()),
        Err(e) => clean(&e.to_string()),
    }
}

#[test]
fn the_wizard_loader_rejects_arbitrary_text_cleanly() {
    let bundled = lifeline::app::catalog::load_catalog(&[]).unwrap();
    fuzz(
        "wizard loader, arbitrary text",
        2000,
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(any::<u8>(), 0..400)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            "(\\[\\[steps\\]\\]\n|[a-z_]{1,8} = (\"[^\"]{0,8}\"|[0-9]{1,3}|true|\\[\\]|\\{\\})\n){0,12}",
        ],
        |text| exercise_wizard(&text, &bundled),
    );
}

#[test]
fn the_wizard_loader_rejects_mutated_wizards_cleanly() {
    let bundled = lifeline::app::catalog::load_catalog(&[]).unwrap();
    let sources = wizard_sources();
    fuzz(
        "wizard loader, mutated wizards",
        1000,
        (any::<Index>(), proptest::collection::vec(edit(1), 1..6)),
        |(pick, edits)| {
            let base = &sources[pick.index(sources.len())];
            exercise_wizard(&apply_text(&base.text, &edits, WIZARD_TOKENS), &bundled)
        },
    );
}

// ---------------------------------------------------------------- answers files

const ANSWERS_TOKENS: &[&str] = &[
    "[answers]\n",
    "[confirm]\n",
    "[manual]\n",
    "[other]\n",
    "default = \"done\"\n",
    "default = \"skip:\"\n",
    "x = \"skip: a reason\"\n",
    "restore-db = \"RESTORE\"\n",
    "restore-db = 1\n",
    "pools = [\"pool01\", 3]\n",
    "pools = \"pool01,,pool02\"\n",
    "pools = [\"pool03\"]\n",
    "pools = []\n",
    "pools = [[\"a\"]]\n",
    "data_dir = \"\\u0000\"\n",
    "data_dir = \"a\\nb\"\n",
    "data_dir = \"\\u001b[2J\"\n",
    "data_dir = 1979-05-27T07:32:00Z\n",
    "data_dir = { a = 1 }\n",
    "data_dir = 1.5\n",
    "\"a\\nb\" = 1\n",
    "\"\\u001b[31m\" = \"x\"\n",
    "\"per-pool[pool01]/x\" = \"y\"\n",
    "\"\" = \"\"\n",
    "sql_instance = \"$(touch /tmp/x); `id` && | %PATH%\"\n",
    "\"\"\"\n",
    "'''",
    "\"",
    "=",
    "\n",
    "\u{0}",
    "\u{1b}",
    "ü",
];

const BASE_ANSWERS: &str = "[answers]\npools = [\"pool01\", \"pool02\"]\nbackup_dir = '/srv/backup'\n\
data_dir = '/srv/data'\nsql_instance = 'sql01\\rtc'\n\n[confirm]\nrestore-db = \"RESTORE\"\n\n\
[manual]\ndefault = \"done\"\nstop-services = \"skip: done by hand\"\n";

fn crash_catalog() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crash");
    lifeline::app::catalog::load_catalog(&[dir]).unwrap()
}

fn exercise_answers(text: &str, catalog: &Catalog) -> Result<(), TestCaseError> {
    let answers = match AnswersFile::parse("fuzz-answers.toml", text) {
        Ok(a) => a,
        Err(e) => return clean(&e.to_string()),
    };
    if let Err(e) = answers.check_ids("fuzz-answers.toml", catalog, "crash-restore") {
        return clean(&e.to_string());
    }
    dry_run(catalog, "crash-restore", &answers)
}

#[test]
fn the_answers_loader_rejects_arbitrary_text_cleanly() {
    let catalog = crash_catalog();
    fuzz(
        "answers loader, arbitrary text",
        4000,
        prop_oneof![
            any::<String>(),
            "(\\[(answers|confirm|manual)\\]\n|[a-z_-]{1,10} = (\"[^\"]{0,12}\"|[0-9]{1,3}|true|\\[\"[a-z0-9]{0,6}\"\\])\n){0,10}",
        ],
        |text| exercise_answers(&text, &catalog),
    );
}

#[test]
fn the_answers_loader_rejects_mutated_answers_cleanly() {
    let catalog = crash_catalog();
    fuzz(
        "answers loader, mutated answers",
        4000,
        proptest::collection::vec(edit(1), 1..6),
        |edits| exercise_answers(&apply_text(BASE_ANSWERS, &edits, ANSWERS_TOKENS), &catalog),
    );
}

#[test]
fn the_unmutated_answers_drive_the_crash_wizard_to_its_end() {
    // So mutations of it reach the engine, not just the TOML parser.
    let catalog = crash_catalog();
    let answers = AnswersFile::parse("a.toml", BASE_ANSWERS).unwrap();
    answers
        .check_ids("a.toml", &catalog, "crash-restore")
        .unwrap();
    let mut memory = MemoryJournal::default();
    let mut driver = Driver::new(
        catalog.clone(),
        "crash-restore".into(),
        SessionState::default(),
        Box::new(NoDefaults),
        Box::new(&mut memory),
    );
    driver.append(started("crash-restore")).unwrap();
    let ending = drive(
        &mut driver,
        &answers,
        &mut SucceedingRunner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    );
    assert!(matches!(ending, Ok(Ending::Finished)), "{ending:?}");
    drop(driver);
    assert!(memory.records.len() > 40, "{}", memory.records.len());
}

#[test]
fn non_utf8_answers_files_are_refused_with_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    std::fs::write(&path, b"[answers]\npools = \"pool\xff01\"\n").unwrap();
    let err = AnswersFile::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("not UTF-8 text (invalid byte at offset 23)"),
        "{err}"
    );
    clean(&err).unwrap();
}

// ---------------------------------------------------------------- journals

fn started(wizard: &str) -> Event {
    Event::SessionStarted {
        session: "20261122-103000-fuzz-0001".into(),
        wizard: wizard.into(),
        wizard_hash: "ab".repeat(32),
        wizard_version: "1".into(),
        inventory_hash: None,
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill: false,
        lifeline_version: "0.1.0".into(),
        scenario: None,
        target_s: None,
    }
}

fn sample_journal() -> Vec<u8> {
    let events = vec![
        started("crash-restore"),
        Event::StepEntered {
            step: "intro".into(),
        },
        Event::StepCompleted {
            step: "intro".into(),
        },
        Event::AnswerGiven {
            key: "pools".into(),
            value: AnswerValue::List(vec!["pool01".into(), "pool02".into()]),
            secret: false,
        },
        Event::StepStarted {
            step: "per-pool[pool01]/import-pool".into(),
            attempt: 1,
            argv: vec!["lcscmd".into(), "import-pool".into(), "****".into()],
            simulated: false,
        },
        Event::StepFinished {
            step: "per-pool[pool01]/import-pool".into(),
            attempt: 1,
            outcome: Outcome::Failed,
            exit_code: Some(3),
            signal: None,
            duration_ms: 40,
            output: Some("steps/x.1.out".into()),
            tail: vec!["Ünïcödé \u{1F4BE}".into()],
            message: Some("exit code 3".into()),
        },
        Event::NoteAdded {
            step: None,
            text: "tape 7".into(),
        },
        Event::LockTakenOver {
            previous: LockHolder {
                user: "bob".into(),
                host: "console02".into(),
                pid: 4242,
                since: datetime!(2026-11-22 10:30:00 UTC),
            },
            note: "bob went home".into(),
        },
    ];
    let at = datetime!(2026-11-22 10:31:00.5 UTC);
    events
        .into_iter()
        .enumerate()
        .flat_map(|(i, event)| {
            encode_line(&Record {
                seq: i as u64 + 1,
                at,
                event,
            })
            .unwrap()
        })
        .collect()
}

#[derive(Debug, Clone)]
enum ByteEdit {
    Flip(Index, u8),
    Delete(Index, usize),
    Insert(Index, Vec<u8>),
    GarbageLine(Index, Vec<u8>),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Truncate(Index),
    Zeros(usize),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        4 => (any::<Index>(), 1u8..=255).prop_map(|(i, m)| ByteEdit::Flip(i, m)),
        2 => (any::<Index>(), 1..30usize).prop_map(|(i, n)| ByteEdit::Delete(i, n)),
        2 => (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..20))
            .prop_map(|(i, b)| ByteEdit::Insert(i, b)),
        2 => (any::<Index>(), proptest::collection::vec(any::<u8>(), 0..60))
            .prop_map(|(i, b)| ByteEdit::GarbageLine(i, b)),
        1 => any::<Index>().prop_map(ByteEdit::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ByteEdit::SwapLines(a, b)),
        2 => any::<Index>().prop_map(ByteEdit::Truncate),
        1 => (1..600usize).prop_map(ByteEdit::Zeros),
    ]
}

fn apply_bytes(bytes: &[u8], edits: &[ByteEdit]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for e in edits {
        let len = b.len();
        let at = |i: &Index| i.index(len + 1);
        let lines = |b: &[u8]| -> Vec<Vec<u8>> {
            b.split_inclusive(|&c| c == b'\n')
                .map(<[u8]>::to_vec)
                .collect()
        };
        match e {
            ByteEdit::Flip(i, m) if len > 0 => b[i.index(len)] ^= m,
            ByteEdit::Flip(..) => {}
            ByteEdit::Delete(i, n) => {
                let s = at(i).min(len);
                b.drain(s..(s + n).min(len));
            }
            ByteEdit::Insert(i, x) => {
                let s = at(i);
                b.splice(s..s, x.iter().copied());
            }
            ByteEdit::GarbageLine(i, x) => {
                let mut ls = lines(&b);
                let mut g = x.clone();
                g.push(b'\n');
                ls.insert(i.index(ls.len() + 1), g);
                b = ls.concat();
            }
            ByteEdit::DuplicateLine(i) => {
                let mut ls = lines(&b);
                if !ls.is_empty() {
                    let n = i.index(ls.len());
                    let l = ls[n].clone();
                    ls.insert(n, l);
                }
                b = ls.concat();
            }
            ByteEdit::SwapLines(x, y) => {
                let mut ls = lines(&b);
                if !ls.is_empty() {
                    let (n, m) = (x.index(ls.len()), y.index(ls.len()));
                    ls.swap(n, m);
                }
                b = ls.concat();
            }
            ByteEdit::Truncate(i) => b.truncate(at(i)),
            ByteEdit::Zeros(n) => b.extend(std::iter::repeat_n(0u8, *n)),
        }
    }
    b
}

fn exercise_journal(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("/sessions/fuzz/journal.jsonl");
    match parse_journal(path, bytes) {
        Err(e) => clean(&e.to_string()),
        Ok(loaded) => {
            // What was kept is exactly the intact prefix: every kept record re-encodes to
            // the bytes it was read from.
            let kept: Vec<u8> = loaded
                .records
                .iter()
                .flat_map(|r| encode_line(r).unwrap())
                .collect();
            let valid = usize::try_from(loaded.valid_len).unwrap();
            let on_disk = &bytes[..valid];
            let expected = if loaded.missing_newline {
                &kept[..kept.len() - 1]
            } else {
                &kept[..]
            };
            prop_assert_eq!(on_disk, expected, "kept records are not the file's prefix");
            if let Some(t) = loaded.torn {
                prop_assert_eq!(t.offset + t.bytes, bytes.len() as u64);
            }
            match loaded.state() {
                Err(e) => clean(&e.to_string()),
                Ok(_) => Ok(()),
            }
        }
    }
}

#[test]
fn the_journal_reader_rejects_arbitrary_bytes_cleanly() {
    fuzz(
        "journal reader, arbitrary bytes",
        5000,
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..600),
            "([0-9a-f]{8} \\{\"seq\":[0-9],[^\n]{0,40}\n){0,6}".prop_map(String::into_bytes),
        ],
        |bytes| exercise_journal(&bytes),
    );
}

#[test]
fn the_journal_reader_rejects_damaged_journals_cleanly() {
    let journal = sample_journal();
    fuzz(
        "journal reader, damaged journals",
        5000,
        proptest::collection::vec(byte_edit(), 1..5),
        |edits| exercise_journal(&apply_bytes(&journal, &edits)),
    );
}
