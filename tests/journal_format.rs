//! Journal files on disk: legal sessions round-trip, torn tails are forgiven at every byte,
//! damage anywhere else stops the load with its line number and leaves the file untouched.

use std::fs;
use std::path::Path;

use lifeline::journal::{JournalError, JournalWriter, TornTail, read_journal};
use lifeline::session::event::{LockHolder, Operator, Outcome};
use lifeline::session::{AnswerValue, Event, Record, SessionState};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

fn started() -> Event {
    Event::SessionStarted {
        session: "20261122-103000-restore-service-7f3a".into(),
        wizard: "restore-service".into(),
        wizard_hash: "ab".repeat(32),
        wizard_version: "1".into(),
        inventory_hash: Some("cd".repeat(32)),
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill: true,
        lifeline_version: "0.1.0".into(),
        scenario: None,
        target_s: Some(3600),
    }
}

/// One operator or runner action, turned into an event against the current state.
#[derive(Debug, Clone)]
enum Op {
    Enter(usize),
    Confirm(usize),
    Tick(usize, usize, bool),
    Start(usize),
    Finish(usize, usize),
    Interrupt(usize),
    Skip(usize),
    MarkDone(usize),
    Complete(usize),
    Answer(usize, bool),
    Note(Option<usize>),
    TakeOver,
    End(bool),
}

const STEPS: [&str; 3] = ["stop-services", "include[pool01]/restore-db", "check-ü"];

fn op() -> impl Strategy<Value = Op> {
    let s = 0..STEPS.len();
    prop_oneof![
        3 => s.clone().prop_map(Op::Enter),
        1 => s.clone().prop_map(Op::Confirm),
        2 => (s.clone(), 0..4usize, any::<bool>()).prop_map(|(s, i, t)| Op::Tick(s, i, t)),
        4 => s.clone().prop_map(Op::Start),
        4 => (s.clone(), 0..5usize).prop_map(|(s, o)| Op::Finish(s, o)),
        1 => s.clone().prop_map(Op::Interrupt),
        1 => s.clone().prop_map(Op::Skip),
        1 => s.clone().prop_map(Op::MarkDone),
        2 => s.clone().prop_map(Op::Complete),
        2 => (0..4usize, any::<bool>()).prop_map(|(k, secret)| Op::Answer(k, secret)),
        1 => proptest::option::of(s).prop_map(Op::Note),
        1 => Just(Op::TakeOver),
        1 => any::<bool>().prop_map(Op::End),
    ]
}

fn event_for(op: &Op, state: &SessionState) -> Event {
    let step = |i: &usize| STEPS[*i].to_string();
    let attempts = |i: &usize| state.step(STEPS[*i]).attempts;
    match op {
        Op::Enter(i) => Event::StepEntered { step: step(i) },
        Op::Confirm(i) => Event::StepConfirmed {
            step: step(i),
            word: "RESTORE".into(),
        },
        Op::Tick(i, item, ticked) => Event::ChecklistTicked {
            step: step(i),
            item: *item,
            ticked: *ticked,
        },
        Op::Start(i) => Event::StepStarted {
            step: step(i),
            attempt: attempts(i) + 1,
            argv: vec!["sqlcmd".into(), "-P".into(), "****".into()],
            simulated: true,
        },
        Op::Finish(i, o) => Event::StepFinished {
            step: step(i),
            attempt: attempts(i),
            outcome: [
                Outcome::Succeeded,
                Outcome::Failed,
                Outcome::TimedOut,
                Outcome::Cancelled,
                Outcome::SpawnFailed,
            ][*o],
            exit_code: Some(*o as i32),
            signal: None,
            duration_ms: 1234,
            output: Some(format!("steps/{}.out", step(i))),
            tail: vec!["line one".into(), "ligne deux \"quoted\"".into()],
            message: (*o != 0).then(|| "exit code 1".into()),
        },
        Op::Interrupt(i) => Event::StepInterrupted {
            step: step(i),
            attempt: attempts(i),
        },
        Op::Skip(i) => Event::StepSkipped {
            step: step(i),
            reason: "done by hand".into(),
        },
        Op::MarkDone(i) => Event::StepMarkedDone {
            step: step(i),
            note: Some("checked in the MMC".into()),
        },
        Op::Complete(i) => Event::StepCompleted { step: step(i) },
        Op::Answer(k, secret) => Event::AnswerGiven {
            key: format!("input_{k}"),
            value: if *secret {
                AnswerValue::Text("****".into())
            } else {
                AnswerValue::List(vec!["a".into(), "b, c".into()])
            },
            secret: *secret,
        },
        Op::Note(i) => Event::NoteAdded {
            step: i.as_ref().map(step),
            text: "called the DBA \u{2014} backup is on tape 7".into(),
        },
        Op::TakeOver => Event::LockTakenOver {
            previous: LockHolder {
                user: "bob".into(),
                host: "console02".into(),
                pid: 4242,
                since: datetime!(2026-11-22 10:30:00 UTC),
            },
            note: "bob went home".into(),
        },
        Op::End(true) => Event::SessionFinished {},
        Op::End(false) => Event::SessionAborted {
            reason: "drill over".into(),
        },
    }
}

/// Keeps only the events the state machine accepts, as a driver would (and checks that
/// `apply` refuses the rest without changing anything).
fn legal_events(ops: &[Op]) -> Vec<Event> {
    let now = OffsetDateTime::now_utc();
    let mut state = SessionState::default();
    let mut events = vec![started()];
    state
        .apply(&Record {
            seq: 1,
            at: now,
            event: started(),
        })
        .unwrap();
    for op in ops {
        let event = event_for(op, &state);
        if state.check(&event, now).is_ok() {
            let seq = state.last_seq + 1;
            state
                .apply(&Record {
                    seq,
                    at: now,
                    event: event.clone(),
                })
                .unwrap();
            events.push(event);
        } else {
            // A refused event leaves the state exactly as it was.
            let before = state.clone();
            let seq = state.last_seq + 1;
            let refused = state.apply(&Record {
                seq,
                at: now,
                event,
            });
            assert!(refused.is_err());
            assert_eq!(state, before);
        }
    }
    events
}

/// Writes events through the real writer; returns the records it acknowledged.
fn write_session(dir: &Path, events: Vec<Event>) -> Vec<Record> {
    let mut events = events.into_iter();
    let (mut writer, first) = JournalWriter::create(dir, events.next().unwrap()).unwrap();
    std::iter::once(first)
        .chain(events.map(|e| writer.append(e).unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn legal_sessions_replay_to_the_same_state(ops in proptest::collection::vec(op(), 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let events = legal_events(&ops);
        let written = write_session(dir.path(), events.clone());
        let loaded = read_journal(&dir.path().join("journal.jsonl")).unwrap();
        prop_assert_eq!(loaded.torn, None);
        prop_assert!(!loaded.missing_newline);
        prop_assert_eq!(&loaded.records, &written);
        let read_events: Vec<Event> = loaded.records.iter().map(|r| r.event.clone()).collect();
        prop_assert_eq!(read_events, events);
        let expected = SessionState::replay(&written).unwrap();
        prop_assert_eq!(loaded.state().unwrap(), expected);
    }

    #[test]
    fn a_flipped_byte_in_any_earlier_line_is_reported_and_nothing_is_rewritten(
        line_pick in any::<prop::sample::Index>(),
        byte_pick in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_session(dir.path(), sample_events());
        let path = dir.path().join("journal.jsonl");
        let clean = fs::read(&path).unwrap();
        let starts = line_starts(&clean);
        // Any line but the last (damage there could look like a torn write).
        let line = line_pick.index(starts.len() - 2);
        let line_len = starts[line + 1] - starts[line];
        let at = starts[line] + byte_pick.index(line_len);
        let mut damaged = clean.clone();
        damaged[at] ^= mask;
        fs::write(&path, &damaged).unwrap();

        let err = read_journal(&path).unwrap_err();
        match &err {
            JournalError::Corrupt { line: reported, .. } => prop_assert_eq!(*reported, line as u64 + 1),
            other => prop_assert!(false, "unexpected error {other}"),
        }
        let prefix = format!("'{}':{}: ", path.display(), line + 1);
        prop_assert!(err.to_string().starts_with(&prefix), "{}", err);
        prop_assert_eq!(fs::read(&path).unwrap(), damaged);
    }
}

fn sample_events() -> Vec<Event> {
    vec![
        started(),
        Event::AnswerGiven {
            key: "pool_fqdn".into(),
            value: AnswerValue::Text("pool01.contoso.local".into()),
            secret: false,
        },
        Event::StepEntered {
            step: "stop-services".into(),
        },
        Event::NoteAdded {
            step: Some("stop-services".into()),
            text: "Ünïcödé so a cut can land inside a character: \u{1F4BE}".into(),
        },
        Event::StepCompleted {
            step: "stop-services".into(),
        },
    ]
}

/// Offsets where each line starts, plus the file length.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

#[test]
fn the_last_record_cut_at_every_byte_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_session(dir.path(), sample_events());
    let full = fs::read(dir.path().join("journal.jsonl")).unwrap();
    let starts = line_starts(&full);
    let last_start = starts[starts.len() - 2];
    let cut_path = dir.path().join("cut.jsonl");
    for cut in last_start..=full.len() {
        fs::write(&cut_path, &full[..cut]).unwrap();
        let loaded = read_journal(&cut_path).unwrap();
        let torn_bytes = (cut - last_start) as u64;
        if cut == full.len() {
            assert_eq!(loaded.records, written);
            assert_eq!((loaded.torn, loaded.missing_newline), (None, false));
        } else if cut == full.len() - 1 {
            // Everything but the newline: the record is intact and kept.
            assert_eq!(loaded.records, written);
            assert_eq!((loaded.torn, loaded.missing_newline), (None, true));
            assert_eq!(loaded.valid_len, cut as u64);
        } else {
            assert_eq!(loaded.records, written[..written.len() - 1], "cut at {cut}");
            assert_eq!(loaded.valid_len, last_start as u64);
            assert!(!loaded.missing_newline);
            let expected = (torn_bytes > 0).then_some(TornTail {
                offset: last_start as u64,
                bytes: torn_bytes,
            });
            assert_eq!(loaded.torn, expected, "cut at {cut}");
        }
        assert_eq!(
            fs::read(&cut_path).unwrap(),
            full[..cut],
            "reading changed the file"
        );
    }
}

#[test]
fn a_garbage_line_in_the_middle_stops_the_load() {
    let dir = tempfile::tempdir().unwrap();
    write_session(dir.path(), sample_events());
    let path = dir.path().join("journal.jsonl");
    let clean = fs::read(&path).unwrap();
    let starts = line_starts(&clean);
    let mut damaged = clean[..starts[2]].to_vec();
    damaged.extend_from_slice(b"this is not a journal line\n");
    damaged.extend_from_slice(&clean[starts[2]..]);
    fs::write(&path, &damaged).unwrap();
    let err = read_journal(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "'{}':3: line does not start with an 8-digit checksum and a space",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), damaged);
}

#[test]
fn empty_lines_and_out_of_order_records_are_corruption() {
    let dir = tempfile::tempdir().unwrap();
    write_session(dir.path(), sample_events());
    let path = dir.path().join("journal.jsonl");
    let clean = fs::read(&path).unwrap();
    let starts = line_starts(&clean);

    let mut blank = clean[..starts[1]].to_vec();
    blank.push(b'\n');
    blank.extend_from_slice(&clean[starts[1]..]);
    fs::write(&path, &blank).unwrap();
    let err = read_journal(&path).unwrap_err().to_string();
    assert!(err.ends_with(":2: empty line"), "{err}");

    // Lines 2 and 3 swapped: each is intact, the order is not.
    let mut swapped = clean[..starts[1]].to_vec();
    swapped.extend_from_slice(&clean[starts[2]..starts[3]]);
    swapped.extend_from_slice(&clean[starts[1]..starts[2]]);
    swapped.extend_from_slice(&clean[starts[3]..]);
    fs::write(&path, &swapped).unwrap();
    let err = read_journal(&path).unwrap_err().to_string();
    assert!(
        err.ends_with(":2: expected sequence number 2, found 3"),
        "{err}"
    );
}

#[test]
fn an_illegal_event_is_reported_by_the_fold_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut events = sample_events();
    events.push(Event::StepStarted {
        step: "stop-services".into(),
        attempt: 1,
        argv: vec![],
        simulated: false,
    });
    write_session(dir.path(), events);
    let loaded = read_journal(&dir.path().join("journal.jsonl")).unwrap();
    let err = loaded.state().unwrap_err().to_string();
    assert!(
        err.contains(":6: event not legal here: step 'stop-services'"),
        "{err}"
    );
}

#[test]
fn a_large_journal_decoded_in_parallel_reports_damage_at_the_right_line() {
    // Big enough (> 1 MiB) for the reader to split it across threads.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let mut bytes = Vec::new();
    let at = OffsetDateTime::now_utc();
    let n = 12_000u64;
    for seq in 1..=n {
        let event = if seq == 1 {
            started()
        } else {
            Event::NoteAdded {
                step: None,
                text: format!("note {seq} {}", "x".repeat(80)),
            }
        };
        bytes.extend(lifeline::journal::encode_line(&Record { seq, at, event }).unwrap());
    }
    assert!(bytes.len() > 1 << 20);
    fs::write(&path, &bytes).unwrap();
    let loaded = read_journal(&path).unwrap();
    assert_eq!(loaded.records.len() as u64, n);
    assert!(
        loaded
            .records
            .iter()
            .enumerate()
            .all(|(i, r)| r.seq == i as u64 + 1)
    );

    let starts = line_starts(&bytes);
    for line in [2usize, 6_000, 9_001, 11_999] {
        let mut damaged = bytes.clone();
        damaged[starts[line - 1] + 20] ^= 0x20;
        fs::write(&path, &damaged).unwrap();
        match read_journal(&path).unwrap_err() {
            JournalError::Corrupt { line: reported, .. } => assert_eq!(reported, line as u64),
            other => panic!("unexpected {other}"),
        }
    }
}

#[test]
fn a_missing_journal_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let err = read_journal(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("cannot read '{}': ", path.display())),
        "{err}"
    );
}
