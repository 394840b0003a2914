//! Journal benchmark (plain std::time, no harness): the cost of a durable append next to a bare
//! write + fsync of the same bytes, and the replay time of a 100,000-event journal.
//!
//! Run with `cargo bench --bench journal`. Files live under Cargo's target tmp dir (a real
//! disk, not tmpfs) so the fsync figures mean something.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use lifeline::journal::{JournalWriter, encode_line, read_journal};
use lifeline::session::event::{Operator, Outcome};
use lifeline::session::{AnswerValue, Event, Record};
use time::OffsetDateTime;

const APPEND_BUDGET: Duration = Duration::from_secs(25);
const APPEND_MAX: usize = 3000;
const REPLAY_EVENTS: u64 = 100_000;
const REPLAY_RUNS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let (append_us, bare_us) = bench_append(base.path())?;
    let (replay, journal_mb) = bench_replay(base.path())?;

    let (a50, a90) = (percentile(&append_us, 50), percentile(&append_us, 90));
    let (b50, b90) = (percentile(&bare_us, 50), percentile(&bare_us, 90));
    println!(
        "\njournal benchmark ({} interleaved pairs, dir {})\n",
        append_us.len(),
        base.path().display()
    );
    println!("| measure | median | p90 | goal |");
    println!("|---|---:|---:|---|");
    println!(
        "| (a) `JournalWriter::append` (encode + write + fsync) | {a50:.0} µs | {a90:.0} µs | |"
    );
    println!("| (b) bare `write_all` + `sync_data`, same bytes | {b50:.0} µs | {b90:.0} µs | |");
    println!(
        "| ratio (a)/(b) | {:.2}x | {:.2}x | ≤ 1.25x |",
        a50 / b50,
        a90 / b90
    );
    let column = |f: fn(&Replay) -> f64| replay.iter().map(f).collect::<Vec<_>>();
    let (total, read, fold) = (
        column(|r| r.total_ms),
        column(|r| r.read_ms),
        column(|r| r.fold_ms),
    );
    println!(
        "| (c) replay {REPLAY_EVENTS} events ({journal_mb:.1} MB): read + decode + fold, {REPLAY_RUNS} runs | {:.1} ms | max {:.1} ms | ≤ 200 ms |",
        percentile(&total, 50),
        percentile(&total, 100)
    );
    println!(
        "| (c) of which read + check + decode | {:.1} ms | max {:.1} ms | |",
        percentile(&read, 50),
        percentile(&read, 100)
    );
    println!(
        "| (c) of which fold (`SessionState::apply`) | {:.1} ms | max {:.1} ms | |",
        percentile(&fold, 50),
        percentile(&fold, 100)
    );
    Ok(())
}

/// Interleaves (a) and (b), alternating which goes first, so drift in the disk hits both.
fn bench_append(base: &Path) -> Result<(Vec<f64>, Vec<f64>), Box<dyn std::error::Error>> {
    let session = base.join("append");
    std::fs::create_dir(&session)?;
    let (mut writer, _) = JournalWriter::create(&session, started())?;
    let mut bare = OpenOptions::new()
        .append(true)
        .create_new(true)
        .open(base.join("bare.jsonl"))?;
    let event = finished("restore-rtc-db", 1);
    let bytes = encode_line(&Record {
        seq: 2,
        at: OffsetDateTime::now_utc(),
        event: event.clone(),
    })?;
    let time_append = |writer: &mut JournalWriter| -> Result<f64, Box<dyn std::error::Error>> {
        let ev = event.clone();
        let t = Instant::now();
        writer.append(ev)?;
        Ok(t.elapsed().as_secs_f64() * 1e6)
    };
    let time_bare = |file: &mut File| -> Result<f64, Box<dyn std::error::Error>> {
        let t = Instant::now();
        file.write_all(&bytes)?;
        file.sync_data()?;
        Ok(t.elapsed().as_secs_f64() * 1e6)
    };
    for _ in 0..20 {
        time_append(&mut writer)?;
        time_bare(&mut bare)?;
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let start = Instant::now();
    for i in 0..APPEND_MAX {
        if start.elapsed() > APPEND_BUDGET {
            break;
        }
        if i % 2 == 0 {
            a.push(time_append(&mut writer)?);
            b.push(time_bare(&mut bare)?);
        } else {
            b.push(time_bare(&mut bare)?);
            a.push(time_append(&mut writer)?);
        }
    }
    Ok((a, b))
}

/// Writes a legal 100,000-event session (no fsync: only reading is measured), then times
/// read + decode + fold.
fn bench_replay(base: &Path) -> Result<(Vec<Replay>, f64), Box<dyn std::error::Error>> {
    let session = base.join("replay");
    std::fs::create_dir(&session)?;
    let path = session.join("journal.jsonl");
    let mut out = BufWriter::new(File::create(&path)?);
    let at = OffsetDateTime::now_utc();
    for (i, event) in legal_session(REPLAY_EVENTS).into_iter().enumerate() {
        let record = Record {
            seq: i as u64 + 1,
            at,
            event,
        };
        out.write_all(&encode_line(&record)?)?;
    }
    out.into_inner()?.sync_all()?;
    let mb = std::fs::metadata(&path)?.len() as f64 / 1e6;
    let mut runs = Vec::new();
    for _ in 0..REPLAY_RUNS {
        let t = Instant::now();
        let loaded = read_journal(&path)?;
        let read = t.elapsed();
        let state = loaded.state()?;
        let total = t.elapsed();
        runs.push(Replay {
            read_ms: read.as_secs_f64() * 1e3,
            fold_ms: (total - read).as_secs_f64() * 1e3,
            total_ms: total.as_secs_f64() * 1e3,
        });
        assert_eq!(state.last_seq, REPLAY_EVENTS);
    }
    Ok((runs, mb))
}

/// A long but legal session: 150 steps visited in turn, each visit ticking a checklist item
/// and running one more (failing) attempt.
fn legal_session(total: u64) -> Vec<Event> {
    let mut events = vec![started()];
    for i in 0..20 {
        events.push(Event::AnswerGiven {
            key: format!("input_{i}"),
            value: AnswerValue::Text(format!("value-{i}.contoso.local")),
            secret: i == 3,
        });
    }
    let steps: Vec<String> = (0..150)
        .map(|i| format!("procedure-{}/step-{i}", i / 10))
        .collect();
    let mut attempt = vec![0u32; steps.len()];
    let mut k = 0;
    while (events.len() as u64) < total {
        let step = &steps[k % steps.len()];
        let a = &mut attempt[k % steps.len()];
        let visit = [
            Event::StepEntered { step: step.clone() },
            Event::ChecklistTicked {
                step: step.clone(),
                item: k % 4,
                ticked: true,
            },
            Event::StepStarted {
                step: step.clone(),
                attempt: *a + 1,
                argv: vec![
                    "sqlcmd".into(),
                    "-S".into(),
                    "sql01\\rtc".into(),
                    "-Q".into(),
                    "RESTORE DATABASE rtc".into(),
                ],
                simulated: false,
            },
            finished(step, *a + 1),
        ];
        *a += 1;
        events.extend(visit);
        k += 1;
    }
    events.truncate(total as usize);
    events
}

fn started() -> Event {
    Event::SessionStarted {
        session: "20261122-103000-restore-service-7f3a".into(),
        wizard: "restore-service".into(),
        wizard_hash: "9f".repeat(32),
        wizard_version: "1".into(),
        inventory_hash: None,
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill: false,
        lifeline_version: "0.1.0".into(),
        scenario: None,
        target_s: Some(14_400),
    }
}

fn finished(step: &str, attempt: u32) -> Event {
    Event::StepFinished {
        step: step.into(),
        attempt,
        outcome: Outcome::Failed,
        exit_code: Some(1),
        signal: None,
        duration_ms: 5321,
        output: Some(format!("steps/{step}.{attempt}.out")),
        tail: vec![
            "Msg 3201, Level 16, State 2, Server SQL01\\RTC, Line 1".into(),
            "Cannot open backup device 'D:\\backup\\rtc.bak'.".into(),
            "RESTORE DATABASE is terminating abnormally.".into(),
        ],
        message: Some("exit code 1".into()),
    }
}

struct Replay {
    read_ms: f64,
    fold_ms: f64,
    total_ms: f64,
}

fn percentile(samples: &[f64], p: usize) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = (sorted.len() * p / 100).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or(f64::NAN)
}
