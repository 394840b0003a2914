//! The journal writer: create, reopen after a crash (torn tail, missing newline), the full-disk
//! and failed-fsync poison path, the writer task's ordering, and owner-only permissions.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use lifeline::journal::{JournalError, JournalWriter, read_journal, spawn_writer};
use lifeline::session::event::Operator;
use lifeline::session::{Event, Record};

fn started() -> Event {
    Event::SessionStarted {
        session: "s".into(),
        wizard: "restore-service".into(),
        wizard_hash: "00".repeat(32),
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

fn note(text: &str) -> Event {
    Event::NoteAdded {
        step: None,
        text: text.into(),
    }
}

/// A journal with `n` records (seq 1 is session-started).
fn journal_with(dir: &Path, n: usize) -> (JournalWriter, Vec<Record>) {
    let (mut writer, first) = JournalWriter::create(dir, started()).unwrap();
    let mut records = vec![first];
    for i in 2..=n {
        records.push(writer.append(note(&format!("note {i}"))).unwrap());
    }
    (writer, records)
}

fn journal(dir: &Path) -> std::path::PathBuf {
    dir.join("journal.jsonl")
}

#[test]
fn create_refuses_an_existing_journal_and_numbers_from_one() {
    let dir = tempfile::tempdir().unwrap();
    let (writer, records) = journal_with(dir.path(), 3);
    assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(writer.next_seq(), 4);
    assert_eq!(
        writer.len(),
        fs::metadata(journal(dir.path())).unwrap().len()
    );
    drop(writer);
    let err = JournalWriter::create(dir.path(), started()).unwrap_err();
    assert!(
        matches!(&err, JournalError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{err}"
    );
    assert_eq!(read_journal(&journal(dir.path())).unwrap().records, records);
}

#[test]
fn reopening_after_a_torn_tail_keeps_a_copy_then_truncates() {
    let dir = tempfile::tempdir().unwrap();
    let (writer, records) = journal_with(dir.path(), 3);
    drop(writer);
    let path = journal(dir.path());
    let intact = fs::read(&path).unwrap();
    let torn = b"1234abcd {\"seq\":4,\"at\":\"2026-11-22T10:3";
    let mut crashed = intact.clone();
    crashed.extend_from_slice(torn);
    fs::write(&path, &crashed).unwrap();

    let loaded = read_journal(&path).unwrap();
    assert_eq!(loaded.records, records);
    let tail = loaded.torn.unwrap();
    assert_eq!(
        (tail.offset, tail.bytes),
        (intact.len() as u64, torn.len() as u64)
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        crashed,
        "read-only load left it alone"
    );

    let mut writer = JournalWriter::open(dir.path(), &loaded).unwrap();
    let copy = dir.path().join(format!("journal.torn-{}", intact.len()));
    assert_eq!(fs::read(&copy).unwrap(), torn);
    assert_eq!(fs::read(&path).unwrap(), intact);
    let next = writer.append(note("after the crash")).unwrap();
    assert_eq!(next.seq, 4);
    drop(writer);

    let reloaded = read_journal(&path).unwrap();
    assert_eq!(reloaded.torn, None);
    assert_eq!(reloaded.records.len(), 4);
    assert_eq!(reloaded.records[3], next);

    // A second crash at the same offset keeps the first copy too.
    let mut again = fs::read(&path).unwrap()[..intact.len()].to_vec();
    again.extend_from_slice(b"ffff");
    fs::write(&path, &again).unwrap();
    let loaded = read_journal(&path).unwrap();
    drop(JournalWriter::open(dir.path(), &loaded).unwrap());
    assert_eq!(fs::read(&copy).unwrap(), torn);
    let second = dir.path().join(format!("journal.torn-{}.2", intact.len()));
    assert_eq!(fs::read(second).unwrap(), b"ffff");
}

#[test]
fn reopening_adds_a_missing_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    let (writer, records) = journal_with(dir.path(), 2);
    drop(writer);
    let path = journal(dir.path());
    let mut bytes = fs::read(&path).unwrap();
    bytes.pop();
    fs::write(&path, &bytes).unwrap();

    let loaded = read_journal(&path).unwrap();
    assert!(loaded.missing_newline);
    assert_eq!(loaded.records, records);
    let mut writer = JournalWriter::open(dir.path(), &loaded).unwrap();
    assert_eq!(writer.append(note("three")).unwrap().seq, 3);
    drop(writer);
    let reloaded = read_journal(&path).unwrap();
    assert!(!reloaded.missing_newline && reloaded.torn.is_none());
    assert_eq!(reloaded.records.len(), 3);
}

#[test]
fn reopening_refuses_a_journal_that_changed_since_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, _) = journal_with(dir.path(), 2);
    let loaded = read_journal(&journal(dir.path())).unwrap();
    writer.append(note("someone else appended")).unwrap();
    let err = JournalWriter::open(dir.path(), &loaded).unwrap_err();
    assert!(matches!(err, JournalError::Changed { .. }), "{err}");
}

#[test]
fn a_full_disk_poisons_the_writer_and_leaves_earlier_records_readable() {
    // A record's length varies with its timestamp, so "most of it" and "all but the
    // newline" are expressed as bytes short of the end, never as a length measured once.
    #[derive(Clone, Copy, Debug)]
    enum Full {
        After(u64),
        ShortBy(usize),
    }
    for fault in [
        Full::After(0),
        Full::After(1),
        Full::After(9),
        Full::After(40),
        Full::ShortBy(2),
        Full::ShortBy(1),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, records) = journal_with(dir.path(), 2);
        let len_before = writer.len();
        match fault {
            Full::After(budget) => writer.fail_after(budget),
            Full::ShortBy(bytes) => writer.fail_short_by(bytes),
        }
        let err = writer.append(note("the one that fails")).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("no space left on device"), "{message}");
        assert!(writer.is_poisoned());
        assert_eq!(
            writer.next_seq(),
            3,
            "nothing partial is counted as written"
        );
        assert_eq!(writer.len(), len_before);
        let again = writer.append(note("later")).unwrap_err().to_string();
        assert_eq!(again, message, "every later append fails the same way");
        drop(writer);

        let path = journal(dir.path());
        let landed = fs::metadata(&path).unwrap().len() - len_before;
        let loaded = read_journal(&path).unwrap();
        assert_eq!(loaded.records[..2], records[..], "{fault:?}");
        if let Full::ShortBy(1) = fault {
            // All but the newline landed: the record is intact and a resume keeps it.
            assert!(loaded.missing_newline, "{fault:?}");
            assert_eq!(loaded.records.len(), 3);
            assert_eq!(loaded.records[2].event, note("the one that fails"));
        } else {
            assert!(!loaded.missing_newline, "{fault:?}");
            assert_eq!(loaded.records.len(), 2, "{fault:?}");
            assert_eq!(
                loaded.torn.map(|t| t.bytes),
                (landed > 0).then_some(landed),
                "{fault:?}"
            );
        }
        // The next driver repairs the tail and carries on.
        let mut writer = JournalWriter::open(dir.path(), &loaded).unwrap();
        let resumed = writer.append(note("resumed")).unwrap();
        assert_eq!(resumed.seq, loaded.next_seq());
        drop(writer);
        let repaired = read_journal(&journal(dir.path())).unwrap();
        assert!(repaired.torn.is_none() && !repaired.missing_newline);
        assert_eq!(repaired.records.last(), Some(&resumed));
    }
}

#[test]
fn a_write_that_fits_the_budget_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, _) = journal_with(dir.path(), 1);
    writer.fail_after(10_000);
    assert_eq!(writer.append(note("fits")).unwrap().seq, 2);
    assert!(!writer.is_poisoned());
}

#[test]
fn a_failed_fsync_poisons_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, records) = journal_with(dir.path(), 2);
    writer.fail_next_sync();
    let err = writer.append(note("unsure")).unwrap_err().to_string();
    assert!(err.contains("fsync failed"), "{err}");
    assert_eq!(writer.append(note("later")).unwrap_err().to_string(), err);
    drop(writer);
    // Whether the unsynced line survived is up to the disk; the earlier ones always do.
    let loaded = read_journal(&journal(dir.path())).unwrap();
    assert_eq!(loaded.records[..2], records[..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_writer_task_keeps_order_under_concurrent_senders() {
    let dir = tempfile::tempdir().unwrap();
    let (writer, _) = journal_with(dir.path(), 1);
    let handle = spawn_writer(writer);
    let senders = 6;
    let per_sender = 20;
    let mut tasks = Vec::new();
    for s in 0..senders {
        let handle = handle.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..per_sender {
                acked.push(handle.append(note(&format!("{s}:{i}"))).await.unwrap());
            }
            acked
        }));
    }
    let mut acked: Vec<Record> = Vec::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    handle.clone().close().await.unwrap();
    let err = handle.append(note("too late")).await.unwrap_err();
    assert!(matches!(err, JournalError::WriterStopped { .. }), "{err}");

    let loaded = read_journal(&journal(dir.path())).unwrap();
    assert_eq!(loaded.records.len(), 1 + senders * per_sender);
    // Every acknowledged record is on disk exactly as acknowledged.
    let by_seq: HashMap<u64, &Record> = loaded.records.iter().map(|r| (r.seq, r)).collect();
    for record in &acked {
        assert_eq!(by_seq[&record.seq], record);
    }
    // Each sender's events landed in the order it sent them.
    let mut last_seen: HashMap<String, i64> = HashMap::new();
    for record in &loaded.records[1..] {
        let Event::NoteAdded { text, .. } = &record.event else {
            panic!("unexpected event {:?}", record.event)
        };
        let (sender, i) = text.split_once(':').unwrap();
        let i: i64 = i.parse().unwrap();
        let last = last_seen.insert(sender.to_string(), i).unwrap_or(-1);
        assert_eq!(i, last + 1, "sender {sender} out of order");
    }
}

#[tokio::test]
async fn the_writer_task_reports_a_poisoned_writer() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, _) = journal_with(dir.path(), 1);
    writer.fail_after(0);
    let handle = spawn_writer(writer);
    let first = handle.append(note("a")).await.unwrap_err().to_string();
    let second = handle.append(note("b")).await.unwrap_err().to_string();
    assert_eq!(first, second);
    handle.close().await.unwrap();
}

#[cfg(unix)]
#[test]
fn journal_and_torn_copy_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let (writer, _) = journal_with(dir.path(), 1);
    drop(writer);
    let path = journal(dir.path());
    assert_eq!(mode(&path), 0o600);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"torn");
    fs::write(&path, &bytes).unwrap();
    let loaded = read_journal(&path).unwrap();
    drop(JournalWriter::open(dir.path(), &loaded).unwrap());
    let copy = dir
        .path()
        .join(format!("journal.torn-{}", loaded.valid_len));
    assert_eq!(mode(&copy), 0o600);
}
