//! Where a session's time went, from its journal alone: per step the machine time (an
//! attempt ran: step-started to step-finished) and the operator time (the step was the
//! current one and nothing ran: reading, deciding, ticking a checklist, choosing what to do
//! after a failure), per procedure and in total.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::session::event::{Event, Outcome, Record};

/// The time one step took.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepTiming {
    /// First shown to the operator (or first started, for a step never entered).
    pub entered_at: Option<OffsetDateTime>,
    pub first_started_at: Option<OffsetDateTime>,
    /// Resolved: succeeded, completed, skipped or marked done (the last such event).
    pub resolved_at: Option<OffsetDateTime>,
    /// The step's last journaled event.
    pub last_at: Option<OffsetDateTime>,
    /// Milliseconds an attempt was running, over all attempts.
    pub machine_ms: u64,
    /// Milliseconds the step was current while nothing ran.
    pub operator_ms: u64,
}

impl StepTiming {
    /// When the step ended for the report: resolved, or its last event.
    pub fn finished_at(&self) -> Option<OffsetDateTime> {
        self.resolved_at.or(self.last_at)
    }
}

/// The time of a whole session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    /// From session-started to the session's end (or its last event).
    pub wall_ms: u64,
    pub machine_ms: u64,
    pub operator_ms: u64,
    /// Time no step was current (between steps, or while no one drove the session).
    pub idle_ms: u64,
}

/// Step timings by step key, in the order steps first appear, and the totals.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timings {
    pub order: Vec<String>,
    pub steps: BTreeMap<String, StepTiming>,
    pub totals: Totals,
}

/// Milliseconds from `a` to `b` (0 when `b` is not after `a`).
pub fn span_ms(a: OffsetDateTime, b: OffsetDateTime) -> u64 {
    let ms = (b - a).whole_milliseconds();
    u64::try_from(ms.max(0)).unwrap_or(u64::MAX)
}

/// Measures every step the journal mentions.
pub fn measure(records: &[Record]) -> Timings {
    let mut order: Vec<String> = Vec::new();
    let mut steps: BTreeMap<String, StepTiming> = BTreeMap::new();
    // The start of the attempt running now, per step.
    let mut running: BTreeMap<String, OffsetDateTime> = BTreeMap::new();
    let mut started_at = None;
    let mut ended_at = None;
    for record in records {
        let at = record.at;
        match &record.event {
            Event::SessionStarted { .. } => started_at = Some(at),
            Event::SessionFinished {} | Event::SessionAborted { .. } => ended_at = Some(at),
            _ => {}
        }
        // Notes may name a step without being part of its work.
        if matches!(record.event, Event::NoteAdded { .. }) {
            continue;
        }
        let Some(key) = record.event.step() else {
            continue;
        };
        if !steps.contains_key(key) {
            order.push(key.to_string());
        }
        let t = steps.entry(key.to_string()).or_default();
        t.last_at = Some(at);
        if t.entered_at.is_none() {
            t.entered_at = Some(at);
        }
        match &record.event {
            Event::StepStarted { .. } => {
                t.first_started_at.get_or_insert(at);
                running.insert(key.to_string(), at);
            }
            Event::StepFinished { outcome, .. } => {
                if let Some(start) = running.remove(key) {
                    t.machine_ms += span_ms(start, at);
                }
                if *outcome == Outcome::Succeeded {
                    t.resolved_at = Some(at);
                }
            }
            Event::StepInterrupted { .. } => {
                // How long it really ran is unknown: nothing is counted.
                running.remove(key);
            }
            Event::StepCompleted { .. }
            | Event::StepSkipped { .. }
            | Event::StepMarkedDone { .. } => {
                t.resolved_at = Some(at);
            }
            _ => {}
        }
    }
    for t in steps.values_mut() {
        let (Some(from), Some(to)) = (t.entered_at, t.finished_at()) else {
            continue;
        };
        t.operator_ms = span_ms(from, to).saturating_sub(t.machine_ms);
    }
    let last = records.last().map(|r| r.at);
    let wall_ms = match (started_at, ended_at.or(last)) {
        (Some(a), Some(b)) => span_ms(a, b),
        _ => 0,
    };
    let machine_ms: u64 = steps.values().map(|t| t.machine_ms).sum();
    let operator_ms: u64 = steps.values().map(|t| t.operator_ms).sum();
    Timings {
        order,
        steps,
        totals: Totals {
            wall_ms,
            machine_ms,
            operator_ms,
            idle_ms: wall_ms.saturating_sub(machine_ms + operator_ms),
        },
    }
}

/// The procedure a step belongs to: the top-level include it is inside (`setup-platform`
/// for `setup-platform[edge]/prepare-sql`), or `""` for the root wizard's own steps.
pub fn procedure_of(key: &str) -> &str {
    match key.split_once('/') {
        None => "",
        Some((head, _)) => head.split_once('[').map_or(head, |(id, _)| id),
    }
}

/// The time of one procedure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcedureTiming {
    /// The top-level include's key (`""` for the root wizard's own steps).
    pub key: String,
    pub steps: usize,
    pub first_at: Option<OffsetDateTime>,
    pub last_at: Option<OffsetDateTime>,
    pub machine_ms: u64,
    pub operator_ms: u64,
}

impl ProcedureTiming {
    /// From its first step entered to its last step finished.
    pub fn wall_ms(&self) -> u64 {
        match (self.first_at, self.last_at) {
            (Some(a), Some(b)) => span_ms(a, b),
            _ => 0,
        }
    }
}

/// Step timings summed per procedure, in the order procedures first appear. A top-level
/// include step counts towards the procedure it opens.
pub fn per_procedure(timings: &Timings) -> Vec<ProcedureTiming> {
    let mut out: Vec<ProcedureTiming> = Vec::new();
    for key in &timings.order {
        let Some(t) = timings.steps.get(key) else {
            continue;
        };
        let proc_key = match procedure_of(key) {
            "" if timings.order.iter().any(|k| procedure_of(k) == key) => key.as_str(),
            other => other,
        };
        let index = match out.iter().position(|p| p.key == proc_key) {
            Some(i) => i,
            None => {
                out.push(ProcedureTiming {
                    key: proc_key.to_string(),
                    ..ProcedureTiming::default()
                });
                out.len() - 1
            }
        };
        let p = &mut out[index];
        p.steps += 1;
        p.machine_ms += t.machine_ms;
        p.operator_ms += t.operator_ms;
        if let Some(e) = t.entered_at {
            p.first_at = Some(p.first_at.map_or(e, |f| f.min(e)));
        }
        if let Some(f) = t.finished_at() {
            p.last_at = Some(p.last_at.map_or(f, |l| l.max(f)));
        }
    }
    out
}

/// Seconds (with milliseconds) for reports.
pub fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// A duration for people: `45 s`, `12 min 05 s`, `2 h 03 min`.
pub fn human(ms: u64) -> String {
    let s = ms / 1000;
    if ms > 0 && ms < 1000 {
        return format!("{ms} ms");
    }
    if s < 60 {
        if ms < 10_000 && !ms.is_multiple_of(1000) {
            return format!("{:.1} s", ms as f64 / 1000.0);
        }
        return format!("{s} s");
    }
    if s < 3600 {
        return format!("{} min {:02} s", s / 60, s % 60);
    }
    format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::event::Operator;
    use time::macros::datetime;

    fn rec(seq: u64, at: OffsetDateTime, event: Event) -> Record {
        Record { seq, at, event }
    }

    fn started() -> Event {
        Event::SessionStarted {
            session: "s".into(),
            wizard: "w".into(),
            wizard_hash: String::new(),
            wizard_version: "1".into(),
            inventory_hash: None,
            operator: Operator {
                user: "u".into(),
                host: "h".into(),
            },
            drill: true,
            lifeline_version: "0".into(),
            scenario: None,
            target_s: None,
        }
    }

    fn step_started(step: &str, attempt: u32) -> Event {
        Event::StepStarted {
            step: step.into(),
            attempt,
            argv: vec![],
            simulated: true,
        }
    }

    fn step_finished(step: &str, attempt: u32, outcome: Outcome) -> Event {
        Event::StepFinished {
            step: step.into(),
            attempt,
            outcome,
            exit_code: Some(i32::from(outcome != Outcome::Succeeded)),
            signal: None,
            duration_ms: 0,
            output: None,
            tail: vec![],
            message: None,
        }
    }

    /// A checklist read for 2 min, then a command that fails after 30 s, 5 min of deciding,
    /// and a retry of 40 s: machine 70 s, operator 2 min + 5 min.
    fn journal() -> Vec<Record> {
        let t0 = datetime!(2026-03-01 10:00:00 UTC);
        let s = |secs: i64| t0 + time::Duration::seconds(secs);
        vec![
            rec(1, s(0), started()),
            rec(
                2,
                s(10),
                Event::StepEntered {
                    step: "checklist".into(),
                },
            ),
            rec(
                3,
                s(70),
                Event::ChecklistTicked {
                    step: "checklist".into(),
                    item: 0,
                    ticked: true,
                },
            ),
            rec(
                4,
                s(130),
                Event::StepCompleted {
                    step: "checklist".into(),
                },
            ),
            rec(
                5,
                s(130),
                Event::StepEntered {
                    step: "db/restore".into(),
                },
            ),
            rec(6, s(130), step_started("db/restore", 1)),
            rec(7, s(160), step_finished("db/restore", 1, Outcome::Failed)),
            rec(8, s(460), step_started("db/restore", 2)),
            rec(
                9,
                s(500),
                step_finished("db/restore", 2, Outcome::Succeeded),
            ),
            rec(
                10,
                s(530),
                Event::NoteAdded {
                    step: Some("db/restore".into()),
                    text: "RTC back".into(),
                },
            ),
            rec(11, s(600), Event::SessionFinished {}),
        ]
    }

    #[test]
    fn machine_time_is_attempts_running_and_operator_time_the_rest_of_the_step() {
        let t = measure(&journal());
        assert_eq!(t.order, vec!["checklist", "db/restore"]);
        let checklist = &t.steps["checklist"];
        assert_eq!(checklist.machine_ms, 0);
        assert_eq!(checklist.operator_ms, 120_000);
        let restore = &t.steps["db/restore"];
        assert_eq!(restore.machine_ms, 70_000);
        // 370 s current (entered at 130, succeeded at 500), 70 of them running.
        assert_eq!(restore.operator_ms, 300_000);
        assert_eq!(
            t.totals,
            Totals {
                wall_ms: 600_000,
                machine_ms: 70_000,
                operator_ms: 420_000,
                idle_ms: 110_000,
            }
        );
    }

    #[test]
    fn an_interrupted_attempt_counts_no_machine_time_and_an_open_step_runs_to_its_last_event() {
        let t0 = datetime!(2026-03-01 10:00:00 UTC);
        let s = |secs: i64| t0 + time::Duration::seconds(secs);
        let records = vec![
            rec(1, s(0), started()),
            rec(2, s(0), Event::StepEntered { step: "x".into() }),
            rec(3, s(5), step_started("x", 1)),
            rec(
                4,
                s(900),
                Event::StepInterrupted {
                    step: "x".into(),
                    attempt: 1,
                },
            ),
        ];
        let t = measure(&records);
        assert_eq!(t.steps["x"].machine_ms, 0);
        assert_eq!(t.steps["x"].operator_ms, 900_000);
        assert_eq!(t.steps["x"].resolved_at, None);
        assert_eq!(t.totals.wall_ms, 900_000);
    }

    #[test]
    fn procedures_group_steps_under_their_top_level_include() {
        assert_eq!(procedure_of("welcome"), "");
        assert_eq!(
            procedure_of("restore-databases/restore-rtc"),
            "restore-databases"
        );
        assert_eq!(
            procedure_of("setup-platform[edge]/prepare-sql"),
            "setup-platform"
        );
        let t0 = datetime!(2026-03-01 10:00:00 UTC);
        let s = |secs: i64| t0 + time::Duration::seconds(secs);
        let records = vec![
            rec(1, s(0), started()),
            rec(
                2,
                s(0),
                Event::StepEntered {
                    step: "welcome".into(),
                },
            ),
            rec(
                3,
                s(20),
                Event::StepCompleted {
                    step: "welcome".into(),
                },
            ),
            rec(4, s(20), Event::StepEntered { step: "db".into() }),
            rec(5, s(21), Event::StepCompleted { step: "db".into() }),
            rec(
                6,
                s(21),
                Event::StepEntered {
                    step: "db/a".into(),
                },
            ),
            rec(7, s(21), step_started("db/a", 1)),
            rec(8, s(81), step_finished("db/a", 1, Outcome::Succeeded)),
        ];
        let procs = per_procedure(&measure(&records));
        let keys: Vec<&str> = procs.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, vec!["", "db"]);
        assert_eq!(procs[0].operator_ms, 20_000);
        assert_eq!(procs[1].steps, 2);
        assert_eq!(procs[1].machine_ms, 60_000);
        assert_eq!(procs[1].operator_ms, 1_000);
        assert_eq!(procs[1].wall_ms(), 61_000);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human(0), "0 s");
        assert_eq!(human(43), "43 ms");
        assert_eq!(human(2_500), "2.5 s");
        assert_eq!(human(45_000), "45 s");
        assert_eq!(human(725_000), "12 min 05 s");
        assert_eq!(human(7_380_000), "2 h 03 min");
    }
}
