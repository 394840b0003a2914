//! What the crash trials check after every lifeline process ends (killed or not): the
//! journal only grew, every stub invocation belongs to exactly one journaled attempt, every
//! step that was running at a kill ended the way its supervisor's fate demands, and every
//! interrupted step was resolved by its policy (or by the operator's `--interrupted`).
//!
//! Pure functions over what the trial read from disk, so a violation names exactly what broke.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use lifeline::session::event::{Event, Outcome, Record};
use lifeline::wizard::OnInterrupt;

/// The journal as read after one process ended.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub bytes: Vec<u8>,
    pub records: Vec<Record>,
    /// Bytes of intact records (a torn tail after them may be cut by the next driver).
    pub valid_len: u64,
}

/// The journal only grows: every byte of every intact record seen before is still there,
/// and so is every record.
pub fn check_growth(before: &Snapshot, after: &Snapshot) -> Result<(), String> {
    let keep = usize::try_from(before.valid_len).map_err(|e| e.to_string())?;
    if after.bytes.len() < keep || after.bytes[..keep] != before.bytes[..keep] {
        return Err(format!(
            "the journal lost or changed bytes: {} intact bytes before, now {} bytes with a different prefix",
            keep,
            after.bytes.len()
        ));
    }
    if after.records.len() < before.records.len()
        || after.records[..before.records.len()] != before.records[..]
    {
        return Err(format!(
            "journaled records were lost or changed: {} before, {} now",
            before.records.len(),
            after.records.len()
        ));
    }
    Ok(())
}

/// One stub invocation: the program name, the pid of its parent (the step's supervisor),
/// and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: String,
    pub ppid: u32,
    pub args: Vec<String>,
}

/// Parses the crash stubs' log: one `program ppid arg...` line per invocation.
pub fn parse_invocations(log: &str) -> Result<Vec<Invocation>, String> {
    log.lines()
        .map(|line| {
            let mut words = line.split(' ');
            let program = words.next().unwrap_or_default().to_string();
            let ppid = words
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("a stub log line without a parent pid: '{line}'"))?;
            Ok(Invocation {
                program,
                ppid,
                args: words.map(str::to_string).collect(),
            })
        })
        .collect()
}

/// Counts from the invocation check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvocationCounts {
    pub invocations: usize,
    pub attempts_started: usize,
}

/// Every invocation belongs to a journaled attempt: its parent is the supervisor recorded
/// for that attempt, or (an orphan, whose supervisor was killed as it started the program)
/// it matches an attempt whose supervisor left no exit code. Its argv is the journaled one.
/// No attempt ran its program twice; every attempt journaled as finished with an exit code
/// ran it exactly once. Steps for which `in_process` holds (built-in checks) run nothing.
///
/// `supervisors` maps a supervisor pid to the file stem of the attempt it ran.
pub fn check_invocations(
    records: &[Record],
    supervisors: &BTreeMap<u32, String>,
    invocations: &[Invocation],
    in_process: &dyn Fn(&str) -> bool,
) -> Result<InvocationCounts, String> {
    // stem -> (step, attempt, journaled argv), in the order attempts started.
    let mut started: Vec<(String, String, u32, Vec<String>)> = Vec::new();
    let mut exit_known: BTreeSet<String> = BTreeSet::new();
    for r in records {
        match &r.event {
            Event::StepStarted {
                step,
                attempt,
                argv,
                ..
            } => started.push((
                lifeline::exec::step_stem(step, *attempt),
                step.clone(),
                *attempt,
                argv.clone(),
            )),
            Event::StepFinished {
                step,
                attempt,
                exit_code: Some(_),
                ..
            } => {
                exit_known.insert(lifeline::exec::step_stem(step, *attempt));
            }
            _ => {}
        }
    }
    let find = |stem: &str| started.iter().find(|s| s.0 == stem);
    let mut runs: BTreeMap<String, usize> = BTreeMap::new();
    let mut orphans = Vec::new();
    for inv in invocations {
        let mut seen = vec![inv.program.clone()];
        seen.extend(inv.args.iter().cloned());
        let Some(stem) = supervisors.get(&inv.ppid) else {
            orphans.push(seen);
            continue;
        };
        let Some((_, step, attempt, argv)) = find(stem) else {
            return Err(format!(
                "'{}' ran for attempt '{stem}', which the journal never started",
                seen.join(" ")
            ));
        };
        if &seen != argv {
            return Err(format!(
                "step '{step}' attempt {attempt} ran {seen:?} but the journal says {argv:?}"
            ));
        }
        *runs.entry(stem.clone()).or_default() += 1;
    }
    for seen in orphans {
        let home = started.iter().find(|(stem, _, _, argv)| {
            *argv == seen && !exit_known.contains(stem) && !runs.contains_key(stem)
        });
        let Some((stem, ..)) = home else {
            return Err(format!(
                "'{}' ran outside any supervisor and matches no journaled attempt left without an exit code",
                seen.join(" ")
            ));
        };
        runs.insert(stem.clone(), 1);
    }
    for (stem, step, attempt, _) in &started {
        let n = runs.get(stem).copied().unwrap_or(0);
        if n > 1 {
            return Err(format!(
                "step '{step}' attempt {attempt} ran its program {n} times"
            ));
        }
        if in_process(step) && n != 0 {
            return Err(format!("built-in check '{step}' invoked a program"));
        }
        if exit_known.contains(stem) && !in_process(step) && n != 1 {
            return Err(format!(
                "step '{step}' attempt {attempt} finished with an exit code but its program ran {n} times"
            ));
        }
    }
    Ok(InvocationCounts {
        invocations: invocations.len(),
        attempts_started: started.len(),
    })
}

/// How the attempt that was running when lifeline was killed must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MustEnd {
    /// Its supervisor lived on (or had already written its status): re-attached, with the
    /// real outcome.
    Finished,
    /// Its supervisor was killed before writing a status: interrupted.
    Interrupted,
    /// No supervisor had recorded itself yet (or it was a check run inside lifeline).
    Either,
}

/// What the operator told one lifeline process about interrupted steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Rerun,
    Skip,
    Done,
}

impl Choice {
    /// The `--interrupted` value.
    pub fn arg(self) -> &'static str {
        match self {
            Choice::Rerun => "rerun",
            Choice::Skip => "skip",
            Choice::Done => "done",
        }
    }
}

/// One lifeline process of a trial: which records it appended and what it was told.
#[derive(Debug, Clone)]
pub struct Round {
    /// Index of its first record; its records run up to the next round's `first`.
    pub first: usize,
    pub choice: Option<Choice>,
}

/// Counts from the attempt checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttemptCounts {
    pub reattached: usize,
    pub interrupted: usize,
    pub reruns: usize,
    pub resolved_by_policy: usize,
}

/// Checks every attempt's ending against `expected` (attempts running at a kill) and every
/// interruption's resolution against the policy of its step and the `--interrupted` of the
/// process that resolved it. Unresolved ones are fine (a later process resolves them).
pub fn check_attempts(
    records: &[Record],
    rounds: &[Round],
    expected: &BTreeMap<(String, u32), MustEnd>,
    policy: &dyn Fn(&str) -> OnInterrupt,
) -> Result<AttemptCounts, String> {
    let mut counts = AttemptCounts::default();
    let round_of = |index: usize| rounds.iter().rposition(|r| r.first <= index);
    for ((step, attempt), must) in expected {
        let ending = records.iter().find_map(|r| match &r.event {
            Event::StepFinished {
                step: s,
                attempt: a,
                ..
            } if s == step && a == attempt => Some(true),
            Event::StepInterrupted {
                step: s,
                attempt: a,
            } if s == step && a == attempt => Some(false),
            _ => None,
        });
        match (must, ending) {
            (_, None) => {}
            (MustEnd::Finished, Some(false)) => {
                return Err(format!(
                    "step '{step}' attempt {attempt} was still supervised at the kill, but resume journaled it interrupted instead of re-attaching"
                ));
            }
            (MustEnd::Interrupted, Some(true)) => {
                return Err(format!(
                    "step '{step}' attempt {attempt} lost its supervisor without a status, but resume journaled it finished"
                ));
            }
            (_, Some(true)) => counts.reattached += 1,
            (_, Some(false)) => {}
        }
    }
    for (i, r) in records.iter().enumerate() {
        let Event::StepInterrupted { step, attempt } = &r.event else {
            continue;
        };
        counts.interrupted += 1;
        let resolution = records[i + 1..].iter().enumerate().find(|(_, later)| {
            later.event.step() == Some(step.as_str())
                && !matches!(
                    later.event,
                    Event::StepEntered { .. } | Event::NoteAdded { .. }
                )
        });
        let Some((offset, later)) = resolution else {
            continue;
        };
        let at = i + 1 + offset;
        let choice = round_of(at).and_then(|n| rounds[n].choice);
        let policy = policy(step);
        let ok = match (choice, policy, &later.event) {
            (Some(Choice::Rerun), _, Event::StepStarted { attempt: a, .. })
            | (None, OnInterrupt::Rerun, Event::StepStarted { attempt: a, .. }) => {
                counts.reruns += 1;
                *a == attempt + 1
            }
            (Some(Choice::Skip), _, Event::StepSkipped { .. }) => true,
            (Some(Choice::Done), _, Event::StepMarkedDone { .. }) => true,
            (None, OnInterrupt::Check, Event::StepMarkedDone { note, .. }) => {
                counts.resolved_by_policy += 1;
                note.as_deref()
                    .is_some_and(|n| n.contains("verification passed"))
            }
            _ => false,
        };
        if !ok {
            return Err(format!(
                "step '{step}' (policy {policy:?}) interrupted at attempt {attempt} was resolved by {:?} under --interrupted {:?}",
                later.event, choice
            ));
        }
        if choice.is_none() && policy == OnInterrupt::Rerun {
            counts.resolved_by_policy += 1;
        }
    }
    Ok(counts)
}

/// Steps journaled as running (started, not finished nor interrupted), with their attempt.
pub fn running_steps(records: &[Record]) -> BTreeMap<String, u32> {
    let mut running = BTreeMap::new();
    for r in records {
        match &r.event {
            Event::StepStarted { step, attempt, .. } => {
                running.insert(step.clone(), *attempt);
            }
            Event::StepFinished { step, .. } | Event::StepInterrupted { step, .. } => {
                running.remove(step);
            }
            _ => {}
        }
    }
    running
}

/// At the end of a trial: the session finished, and every command step's last attempt
/// succeeded (or the operator resolved it), each exactly once.
pub fn check_finished(records: &[Record]) -> Result<(), String> {
    // A driver killed just after journaling the end leaves its lock behind: the next one
    // journals the take-over after `session-finished`, and changes nothing else.
    let Some(end) = records
        .iter()
        .rposition(|r| matches!(r.event, Event::SessionFinished {}))
    else {
        return Err(format!(
            "the session did not finish: last event {:?}",
            records.last().map(|r| &r.event)
        ));
    };
    if let Some(after) = records[end + 1..]
        .iter()
        .find(|r| !matches!(r.event, Event::LockTakenOver { .. }))
    {
        return Err(format!(
            "something was journaled after the session finished: {:?}",
            after.event
        ));
    }
    let mut succeeded: BTreeSet<&str> = BTreeSet::new();
    for r in records {
        if let Event::StepFinished {
            step,
            outcome: Outcome::Succeeded,
            ..
        } = &r.event
            && !succeeded.insert(step)
        {
            return Err(format!("step '{step}' succeeded twice"));
        }
    }
    Ok(())
}
