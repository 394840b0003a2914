//! Storage faults: a torn last record at every byte offset, a flipped byte anywhere, a line of
//! garbage, and a full disk while appending. Each either stops the load with the damaged
//! line's number (the file untouched) or is repaired on open without losing a record that
//! was ever acknowledged; a full disk stops the drive before the next step starts.
//!
//! The binary's side of the same faults (read-only and deleted session folders, a full disk
//! on a real file system) is in `storage_faults_e2e.rs`.

use std::path::{Path, PathBuf};

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::{Attached, Driver, DriverError, JournalSink, StepRunner};
use lifeline::app::headless::{Ending, HeadlessOptions, InterruptedChoice, drive};
use lifeline::app::store::{self, NewSession};
use lifeline::journal::{JournalError, JournalWriter, parse_journal, read_journal};
use lifeline::session::engine::{ExecRequest, NoDefaults, RunReport};
use lifeline::session::event::{Event, Outcome, Record};
use lifeline::wizard::Catalog;

fn crash_catalog() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crash");
    lifeline::app::catalog::load_catalog(&[dir]).unwrap()
}

fn answers() -> AnswersFile {
    AnswersFile::parse(
        "answers.toml",
        "[answers]\npools = [\"pool01\", \"pool02\"]\nbackup_dir = '/srv/b'\ndata_dir = '/srv/d'\n\
         [confirm]\nrestore-db = \"RESTORE\"\n[manual]\ndefault = \"done\"\n",
    )
    .unwrap()
}

/// A scratch directory on tmpfs when there is one: these tests fsync thousands of times and
/// measure nothing about the disk.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// A runner that runs nothing and succeeds, checking first that the attempt it is asked to
/// run is already journaled as started, on disk.
struct CheckingRunner {
    journal: PathBuf,
    ran: Vec<(String, u32)>,
    /// What `attach` says about an attempt an earlier driver left running.
    attached: Attached,
}

impl StepRunner for CheckingRunner {
    fn run(&mut self, request: &ExecRequest, _on_line: &mut dyn FnMut(&str)) -> RunReport {
        let on_disk = read_journal(&self.journal).unwrap();
        assert!(
            on_disk.records.iter().any(|r| matches!(&r.event,
                Event::StepStarted { step, attempt, .. }
                    if *step == request.step && *attempt == request.attempt)),
            "'{}' attempt {} ran before its start was on disk",
            request.step,
            request.attempt
        );
        self.ran.push((request.step.clone(), request.attempt));
        RunReport {
            outcome: Some(Outcome::Succeeded),
            exit_code: Some(0),
            ..RunReport::default()
        }
    }
    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        self.attached.clone()
    }
}

/// The writer, remembering every record it acknowledged.
struct Acknowledged<'w> {
    writer: &'w mut JournalWriter,
    acked: Vec<Record>,
}

impl JournalSink for Acknowledged<'_> {
    fn append(&mut self, event: Event) -> Result<Record, String> {
        let record = JournalSink::append(&mut *self.writer, event)?;
        self.acked.push(record.clone());
        Ok(record)
    }
}

struct Outcome1 {
    result: Result<Ending, DriverError>,
    acked: Vec<Record>,
    ran: Vec<(String, u32)>,
    dir: PathBuf,
}

/// Starts a session of the crash wizard and drives it with the disk "full" after `budget`
/// more bytes (or, with `sync`, the next fsync failing instead).
fn drive_with_full_disk(home: &Path, catalog: &Catalog, budget: u64, sync: bool) -> Outcome1 {
    let mut opened = store::start(
        home,
        NewSession {
            catalog,
            wizard: "crash-restore",
            drill: false,
            inventory_text: None,
            scenario: None,
            target_s: None,
        },
    )
    .unwrap();
    if sync {
        opened.writer.fail_next_sync();
    } else {
        opened.writer.fail_after(budget);
    }
    let dir = opened.dir.clone();
    let mut sink = Acknowledged {
        writer: &mut opened.writer,
        acked: vec![first_record(&dir)],
    };
    let mut runner = CheckingRunner {
        journal: lifeline::journal::journal_path(&dir),
        ran: vec![],
        attached: Attached::Gone,
    };
    let result = {
        let mut driver = Driver::new(
            opened.catalog.clone(),
            "crash-restore".into(),
            opened.state.clone(),
            Box::new(NoDefaults),
            Box::new(&mut sink),
        );
        drive(
            &mut driver,
            &answers(),
            &mut runner,
            &HeadlessOptions::default(),
            &mut |_, _| {},
        )
    };
    Outcome1 {
        result,
        acked: sink.acked,
        ran: runner.ran,
        dir,
    }
}

fn first_record(dir: &Path) -> Record {
    read_journal(&lifeline::journal::journal_path(dir))
        .unwrap()
        .records[0]
        .clone()
}

#[test]
fn a_full_disk_stops_the_drive_before_the_next_step_and_loses_nothing_acknowledged() {
    let scratch = scratch();
    let catalog = crash_catalog();
    // A whole run first, to know how many bytes the journal takes.
    let whole = drive_with_full_disk(&scratch.path().join("whole"), &catalog, u64::MAX, false);
    assert!(
        matches!(whole.result, Ok(Ending::Finished)),
        "{:?}",
        whole.result.err()
    );
    let total = std::fs::metadata(lifeline::journal::journal_path(&whole.dir))
        .unwrap()
        .len();
    let first_len = lifeline::journal::encode_line(&whole.acked[0])
        .unwrap()
        .len() as u64;
    let mut budgets: Vec<u64> = (0..total - first_len).step_by(97).collect();
    budgets.extend([0, 1, total - first_len - 1]);
    let mut stopped_mid_step = 0;
    for (n, budget) in budgets.into_iter().enumerate() {
        let home = scratch.path().join(format!("home{n}"));
        let out = drive_with_full_disk(&home, &catalog, budget, false);
        let path = lifeline::journal::journal_path(&out.dir);
        let err = match out.result {
            Err(e @ DriverError::Journal(_)) => e.to_string(),
            // Times are written with as many digits as they need, so a journal's length
            // varies by a few bytes from run to run: near the end, the whole run may fit.
            Ok(Ending::Finished) => {
                let len = std::fs::metadata(&path).unwrap().len();
                assert!(
                    len <= budget + first_len,
                    "budget {budget}: finished with {len} bytes"
                );
                continue;
            }
            other => panic!("budget {budget}: expected a journal error, got {other:?}"),
        };
        assert!(
            err.contains("no space left on device") && !err.contains('\n'),
            "budget {budget}: {err}"
        );
        // Every attempt that ran was journaled as started first (checked inside the runner),
        // and nothing ran after the failed append: each acknowledged start ran exactly once.
        let started: Vec<(String, u32)> = out
            .acked
            .iter()
            .filter_map(|r| match &r.event {
                Event::StepStarted { step, attempt, .. } => Some((step.clone(), *attempt)),
                _ => None,
            })
            .collect();
        assert_eq!(out.ran, started, "budget {budget}");
        // Reopening keeps every acknowledged record; a partial line is set aside, with a
        // warning. (When all of the failed line but its newline landed, that record is whole
        // and kept too: it says what really happened.)
        let on_disk = read_journal(&path).unwrap();
        assert!(on_disk.records.starts_with(&out.acked), "budget {budget}");
        assert!(
            on_disk.records.len() <= out.acked.len() + 1,
            "budget {budget}"
        );
        let reopened = store::open(&out.dir, None, None).unwrap();
        assert_eq!(
            reopened.warnings.len(),
            usize::from(on_disk.torn.is_some()),
            "{:?}",
            reopened.warnings
        );
        if on_disk.torn.is_some() {
            assert!(reopened.warnings[0].contains("no complete record"));
        }
        // A resume finishes the session: an attempt that ran is re-attached (its supervisor
        // finished); one journaled but never run is interrupted, and run now. Nothing that
        // ran runs again.
        let mut opened = reopened;
        let mut runner = CheckingRunner {
            journal: path.clone(),
            ran: vec![],
            attached: Attached::Gone,
        };
        if let Some(last) = out.ran.last()
            && opened.state.step(&last.0).status
                == (lifeline::session::state::StepStatus::Running { attempt: last.1 })
        {
            runner.attached = Attached::Ended(RunReport {
                outcome: Some(Outcome::Succeeded),
                exit_code: Some(0),
                ..RunReport::default()
            });
        }
        let ending = {
            let mut driver = opened.driver(Box::new(NoDefaults));
            let options = HeadlessOptions {
                interrupted: Some(InterruptedChoice::Rerun),
                ..HeadlessOptions::default()
            };
            drive(
                &mut driver,
                &answers(),
                &mut runner,
                &options,
                &mut |_, _| {},
            )
        };
        assert!(
            matches!(ending, Ok(Ending::Finished)),
            "budget {budget}: {ending:?}"
        );
        for attempt in &runner.ran {
            assert!(
                !out.ran.contains(attempt),
                "budget {budget}: {attempt:?} ran twice"
            );
        }
        if out
            .acked
            .last()
            .is_some_and(|r| matches!(r.event, Event::StepStarted { .. }))
        {
            stopped_mid_step += 1;
        }
    }
    assert!(
        stopped_mid_step > 0,
        "no budget hit the append after a start"
    );
}

#[test]
fn a_failed_fsync_stops_the_drive_the_same_way() {
    let scratch = scratch();
    let catalog = crash_catalog();
    let out = drive_with_full_disk(scratch.path(), &catalog, 0, true);
    let err = out.result.unwrap_err().to_string();
    assert!(err.contains("fsync failed"), "{err}");
    assert!(out.ran.is_empty());
    // The record whose fsync failed may be on disk; everything acknowledged is.
    let on_disk = read_journal(&lifeline::journal::journal_path(&out.dir)).unwrap();
    assert!(on_disk.records.starts_with(&out.acked));
}

/// A real session's journal, written by a real drive.
fn real_journal(scratch: &Path) -> (PathBuf, Vec<u8>) {
    let out = drive_with_full_disk(&scratch.join("source"), &crash_catalog(), u64::MAX, false);
    assert!(matches!(out.result, Ok(Ending::Finished)));
    let path = lifeline::journal::journal_path(&out.dir);
    let bytes = std::fs::read(&path).unwrap();
    (out.dir, bytes)
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

/// A copy of a session folder (journal replaced by `journal`), to open and repair.
/// Copies a session into `to`, whose last component must be the session's id: a journal is
/// refused in a folder named otherwise (issue 10).
fn copy_session(from: &Path, to: &Path, journal: &[u8]) {
    std::fs::create_dir_all(to.join(lifeline::journal::WIZARDS_DIR)).unwrap();
    for entry in std::fs::read_dir(from.join(lifeline::journal::WIZARDS_DIR)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            to.join(lifeline::journal::WIZARDS_DIR)
                .join(entry.file_name()),
        )
        .unwrap();
    }
    std::fs::write(lifeline::journal::journal_path(to), journal).unwrap();
}

#[test]
fn a_last_record_torn_at_every_byte_is_set_aside_on_open_and_appending_goes_on() {
    let scratch = scratch();
    let (source, full) = real_journal(scratch.path());
    let all = parse_journal(Path::new("j"), &full).unwrap().records;
    let starts = line_starts(&full);
    let last = starts[starts.len() - 2];
    for cut in last..full.len() {
        let dir = scratch
            .path()
            .join(format!("cut{cut}"))
            .join(source.file_name().unwrap());
        copy_session(&source, &dir, &full[..cut]);
        let mut opened = store::open(&dir, None, None).unwrap();
        let kept = if cut == full.len() - 1 {
            all.len()
        } else {
            all.len() - 1
        };
        assert_eq!(opened.state.last_seq, kept as u64, "cut at {cut}");
        let torn = cut > last && cut < full.len() - 1;
        assert_eq!(opened.warnings.len(), usize::from(torn), "cut at {cut}");
        if torn {
            let aside = std::fs::read(dir.join(format!("journal.torn-{last}"))).unwrap();
            assert_eq!(
                aside,
                full[last..cut],
                "the torn bytes are kept byte for byte"
            );
        }
        // The writer goes on after the last intact record.
        let record = opened
            .writer
            .append(Event::NoteAdded {
                step: None,
                text: "after the crash".into(),
            })
            .unwrap();
        assert_eq!(record.seq, kept as u64 + 1);
        drop(opened);
        let again = read_journal(&lifeline::journal::journal_path(&dir)).unwrap();
        assert_eq!(again.torn, None);
        assert_eq!(again.records[..kept], all[..kept]);
        assert_eq!(again.records.len(), kept + 1);
    }
}

/// Which line (1-based) byte `at` belongs to.
fn line_of(starts: &[usize], at: usize) -> u64 {
    starts.iter().filter(|&&s| s <= at).count() as u64
}

#[test]
fn a_flipped_byte_anywhere_stops_the_load_at_its_line_or_loses_nothing() {
    let scratch = scratch();
    let (_, full) = real_journal(scratch.path());
    let all = parse_journal(Path::new("j"), &full).unwrap().records;
    let starts = line_starts(&full);
    let path = Path::new("/s/journal.jsonl");
    let mut repaired = 0;
    for at in 0..full.len() {
        for mask in [0x01u8, 0x20, 0x80, 0xff, full[at] ^ b'\n'] {
            if mask == 0 {
                continue;
            }
            let mut damaged = full.clone();
            damaged[at] ^= mask;
            match parse_journal(path, &damaged) {
                Err(JournalError::Corrupt { line, reason, .. }) => {
                    // A newline turned into something else joins the line to the next; a byte
                    // turned into a newline splits its line. Either way: this line.
                    assert_eq!(
                        line,
                        line_of(&starts, at),
                        "flip {mask:#x} at {at}: {reason}"
                    );
                    assert!(!reason.contains('\n'));
                }
                Err(other) => panic!("flip {mask:#x} at {at}: {other}"),
                Ok(loaded) => {
                    // Only the very last newline, damaged: the record before it is whole.
                    assert_eq!(at, full.len() - 1, "flip {mask:#x} at {at} went unnoticed");
                    assert_eq!(loaded.records, all, "a whole record was dropped");
                    assert_eq!(loaded.torn.map(|t| t.bytes), Some(1));
                    repaired += 1;
                }
            }
        }
    }
    assert!(repaired > 0);
}

#[test]
fn a_zeroed_tail_after_the_last_record_keeps_the_record() {
    // A power cut can leave the file longer than what reached the disk, filled with zeros.
    let scratch = scratch();
    let (source, full) = real_journal(scratch.path());
    let all = parse_journal(Path::new("j"), &full).unwrap().records;
    for (name, bytes) in [
        ("newline-zeroed", {
            let mut b = full.clone();
            *b.last_mut().unwrap() = 0;
            b.extend([0u8; 300]);
            b
        }),
        ("zeros-after", {
            let mut b = full.clone();
            b.extend([0u8; 4096]);
            b
        }),
    ] {
        let dir = scratch.path().join(name).join(source.file_name().unwrap());
        copy_session(&source, &dir, &bytes);
        let loaded = read_journal(&lifeline::journal::journal_path(&dir)).unwrap();
        assert_eq!(loaded.records, all, "{name}");
        let opened = store::open(&dir, None, None).unwrap();
        assert_eq!(opened.warnings.len(), 1, "{name}: {:?}", opened.warnings);
        drop(opened);
        assert_eq!(
            std::fs::read(lifeline::journal::journal_path(&dir)).unwrap(),
            full,
            "{name}: repaired to exactly the intact records"
        );
    }
}

#[test]
fn a_line_of_garbage_stops_the_load_wherever_it_is_and_nothing_is_rewritten() {
    let scratch = scratch();
    let (source, full) = real_journal(scratch.path());
    let starts = line_starts(&full);
    for (i, &at) in starts.iter().enumerate() {
        let mut damaged = full[..at].to_vec();
        damaged.extend_from_slice(b"\x1b[2J rm -rf / this is not a journal line\n");
        damaged.extend_from_slice(&full[at..]);
        let dir = scratch
            .path()
            .join(format!("garbage{i}"))
            .join(source.file_name().unwrap());
        copy_session(&source, &dir, &damaged);
        let err = match store::open(&dir, None, None) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("garbage at line {} was accepted", i + 1),
        };
        assert!(
            err.ends_with(&format!(
                "journal.jsonl':{}: line does not start with an 8-digit checksum and a space",
                i + 1
            )),
            "{err}"
        );
        assert_eq!(
            std::fs::read(lifeline::journal::journal_path(&dir)).unwrap(),
            damaged,
            "the journal was rewritten"
        );
        assert!(!err.contains('\u{1b}'));
    }
    // Unterminated garbage at the very end cannot be told from a torn write: it is set aside
    // (kept byte for byte) with a warning, and every record is kept.
    let mut damaged = full.clone();
    damaged.extend_from_slice(b"garbage without a newline");
    let dir = scratch
        .path()
        .join("garbage-tail")
        .join(source.file_name().unwrap());
    copy_session(&source, &dir, &damaged);
    let opened = store::open(&dir, None, None).unwrap();
    assert_eq!(opened.warnings.len(), 1);
    assert_eq!(
        opened.state.last_seq,
        parse_journal(Path::new("j"), &full).unwrap().records.len() as u64
    );
    assert_eq!(
        std::fs::read(dir.join(format!("journal.torn-{}", full.len()))).unwrap(),
        b"garbage without a newline"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: a folder holding an open journal cannot be removed on Windows"
)]
fn a_journal_deleted_or_replaced_under_its_writer_refuses_further_appends() {
    let scratch = scratch();
    for replace in [false, true] {
        let dir = scratch.path().join(format!("s{replace}"));
        std::fs::create_dir(&dir).unwrap();
        let (mut writer, _) = JournalWriter::create(
            &dir,
            Event::NoteAdded {
                step: None,
                text: "first".into(),
            },
        )
        .unwrap();
        let path = lifeline::journal::journal_path(&dir);
        if replace {
            std::fs::rename(&path, dir.join("old")).unwrap();
            std::fs::write(&path, b"").unwrap();
        } else {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        let err = writer
            .append(Event::NoteAdded {
                step: None,
                text: "second".into(),
            })
            .unwrap_err()
            .to_string();
        let expected = if replace {
            "was replaced"
        } else {
            "was deleted"
        };
        assert!(err.contains(expected), "{err}");
        assert!(writer.is_poisoned());
    }
}

#[test]
fn a_failed_append_that_landed_all_but_its_newline_is_kept_whole_on_reopen() {
    let scratch = scratch();
    let dir = scratch.path();
    let note = |text: &str| Event::NoteAdded {
        step: None,
        text: text.into(),
    };
    let (mut writer, _) = JournalWriter::create(dir, note("first")).unwrap();
    writer.fail_short_by(1);
    assert!(writer.append(note("second")).is_err());
    drop(writer);
    let loaded = read_journal(&lifeline::journal::journal_path(dir)).unwrap();
    assert!(loaded.missing_newline);
    assert_eq!(loaded.records.len(), 2);
    let Ok(reopened) = JournalWriter::open(dir, &loaded) else {
        panic!("reopen failed");
    };
    drop(reopened);
    let again = read_journal(&lifeline::journal::journal_path(dir)).unwrap();
    assert_eq!(again.records, loaded.records);
    assert!(!again.missing_newline && again.torn.is_none());
}

#[test]
fn a_session_whose_creation_was_cut_short_is_refused_and_never_written() {
    let scratch = scratch();
    let (source, full) = real_journal(scratch.path());
    let first_line = full.iter().position(|&b| b == b'\n').unwrap();
    // An empty journal, and one whose first record was torn.
    for (name, bytes) in [
        ("empty", &full[..0]),
        ("torn-first", &full[..first_line / 2]),
    ] {
        let dir = scratch.path().join(name).join(source.file_name().unwrap());
        copy_session(&source, &dir, bytes);
        let err = match store::open(&dir, None, None) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{name}: a session that never started was opened"),
        };
        assert!(err.contains("never started"), "{name}: {err}");
        assert_eq!(
            std::fs::read(lifeline::journal::journal_path(&dir)).unwrap(),
            bytes,
            "{name}: the journal was written"
        );
        let summary = store::summarize(&dir);
        assert_eq!(summary.state.as_str(), "unreadable", "{name}");
        assert!(!dir.join(lifeline::journal::HOLDER_FILE).exists());
    }
}
