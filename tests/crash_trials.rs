//! Crash trials: a headless session of a realistic wizard (`tests/fixtures/crash/`) with stub
//! programs, SIGKILLed at seeded-random moments and resumed until it finishes. Sometimes the
//! running step's supervisor is killed too (a power cut rather than a closed console), and
//! sometimes only the supervisor, under a live lifeline. Issue 10 added: a shutdown (SIGTERM
//! to every process of the trial), a supervisor-only SIGKILL with its child alive, a second
//! driver from another host (another `HOSTNAME`) while the first holds the session, the lock
//! file deleted under a live driver, and supervisors stalled before their hand-shake (the
//! `LIFELINE_TEST_SUPERVISOR_STALL_MS` test hook). After every process the invariants in
//! `crash/invariants.rs` are checked.
//!
//! ```text
//! cargo test --release --test crash_trials                                # 50 trials (CI)
//! LIFELINE_CRASH_TRIALS=500 cargo test --release --test crash_trials -- --nocapture
//! LIFELINE_CRASH_SEED=1234 ...                                            # replay a seed
//! ```
//! The summary line (trials, kills, re-attached, interrupted, reruns) goes to stdout.
#![cfg(unix)]

#[path = "crash/invariants.rs"]
mod invariants;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use invariants::{
    AttemptCounts, Choice, Invocation, MustEnd, Round, Snapshot, check_attempts, check_finished,
    check_growth, check_invocations, parse_invocations, running_steps,
};
use lifeline::exec::{AttachState, attach, step_stem};
use lifeline::session::event::{Event, LockHolder};
use lifeline::wizard::{CheckSpec, OnInterrupt, StepKind};
use support::{Sandbox, fixture};

const DEFAULT_TRIALS: usize = 50;
/// The longest a trial may take before it is declared stuck.
const TRIAL_LIMIT: Duration = Duration::from_secs(120);
/// Kills land uniformly in this window after a process starts; a whole session takes about
/// 0.8 s in a release build, so most processes are killed before they finish.
const KILL_WINDOW_MS: u64 = 900;

/// splitmix64: small, seedable, good enough to pick moments and choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Each step's interruption policy, and whether it runs inside lifeline (a built-in check,
/// no supervisor, no program), from the fixture wizards themselves.
struct Policies(BTreeMap<String, (OnInterrupt, bool)>);

impl Policies {
    fn load() -> Policies {
        let mut map = BTreeMap::new();
        for file in ["crash/realistic.toml", "crash/per-pool.toml"] {
            let path = fixture(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let wizard = lifeline::wizard::parse_wizard(file, &text).unwrap();
            for step in &wizard.steps {
                let in_process = step.kind == StepKind::Check
                    && !matches!(step.check, Some(CheckSpec::Command { .. }));
                map.insert(step.id.clone(), (step.interrupt_policy(), in_process));
            }
        }
        Policies(map)
    }
    fn of(&self, key: &str) -> (OnInterrupt, bool) {
        let id = key.rsplit('/').next().unwrap_or(key);
        self.0[id]
    }
}

/// Totals over all trials, for the summary line.
#[derive(Default)]
struct Tally {
    trials: usize,
    processes: usize,
    kills: usize,
    supervisor_kills: usize,
    supervisor_only_kills: usize,
    reattached: usize,
    interrupted: usize,
    reruns: usize,
    resolved_by_policy: usize,
    decisions: usize,
    invocations: usize,
    aborted_starts: usize,
    shutdowns: usize,
    supervisor_only_child_alive: usize,
    second_host_drivers: usize,
    lock_deletions: usize,
    stalled_starts: usize,
}

/// A stub that logs `name ppid args...` (its parent is the step's supervisor), prints a
/// line, sleeps `--sleep S` seconds and, with `--mark PATH`, creates PATH once done.
fn crash_stub(sb: &Sandbox, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = sb.root.path().join("bin").join(name);
    let script = format!(
        "#!/bin/sh\nline=\"{name} $PPID\"\nfor a in \"$@\"; do line=\"$line $a\"; done\n\
         printf '%s\\n' \"$line\" >> '{log}'\n\
         s=0; m=\nwhile [ $# -gt 0 ]; do case \"$1\" in --sleep) s=\"$2\"; shift;; --mark) m=\"$2\"; shift;; esac; shift; done\n\
         echo \"{name}: working\"\nsleep \"$s\"\nif [ -n \"$m\" ]; then : > \"$m\"; fi\necho \"{name}: done\"\n",
        log = sb.log().display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

struct Trial<'a> {
    sb: &'a Sandbox,
    rng: &'a mut Rng,
    policies: &'a Policies,
    answers: PathBuf,
    session: Option<PathBuf>,
    seen: Snapshot,
    rounds: Vec<Round>,
    expected: BTreeMap<(String, u32), MustEnd>,
    counts: AttemptCounts,
    tally: Tally,
    log: Vec<String>,
}

/// How one lifeline process ended.
enum Ended {
    Exited(ExitStatus),
    Killed,
}

/// Kills a lifeline this trial started (its own `Child`, so its pid is ours) and reaps it.
fn kill_now(child: &mut Child) -> Ended {
    child.kill().unwrap();
    child.wait().unwrap();
    Ended::Killed
}

impl Trial<'_> {
    /// After its step's supervisor was killed, lifeline must notice (it looks at least once a
    /// second) and exit on its own.
    fn exit_after_supervisor_killed(&self, child: &mut Child) -> Ended {
        match Self::wait_up_to(child, 30_000) {
            Some(status) => Ended::Exited(status),
            None => {
                let _ = kill_now(child);
                self.fail("lifeline did not notice its step's supervisor was killed".into());
            }
        }
    }

    fn fail(&self, what: String) -> ! {
        panic!(
            "{what}\n  session: {:?}\n  history:\n    {}",
            self.session,
            self.log.join("\n    ")
        );
    }

    fn find_session(&self) -> Option<PathBuf> {
        let dir = self.sb.home().join("sessions");
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            // A journal without its first record is a session whose start was cut short:
            // lifeline refuses it ("never started"), and the trial starts a new one.
            .find(|p| {
                lifeline::journal::read_journal(&p.join("journal.jsonl"))
                    .is_ok_and(|l| !l.records.is_empty())
            })
    }

    fn snapshot(&self, dir: &Path) -> Snapshot {
        let path = dir.join("journal.jsonl");
        let bytes = std::fs::read(&path).unwrap_or_default();
        match lifeline::journal::parse_journal(&path, &bytes) {
            Ok(loaded) => Snapshot {
                bytes,
                records: loaded.records,
                valid_len: loaded.valid_len,
            },
            Err(e) => self.fail(format!("the journal cannot be read: {e}")),
        }
    }

    fn spawn(&self, choice: Option<Choice>, round: usize, stall_ms: Option<u64>) -> Child {
        let wizards = fixture("crash");
        let mut cmd = self.sb.lifeline();
        cmd.arg("--wizards").arg(&wizards);
        if let Some(ms) = stall_ms {
            // A supervisor slow to hand-shake (the README's test hook): kills land while
            // an attempt is journaled but not yet claimed.
            cmd.env("LIFELINE_TEST_SUPERVISOR_STALL_MS", ms.to_string());
        }
        match &self.session {
            None => {
                cmd.args(["run", "crash-restore", "--answers"])
                    .arg(&self.answers);
            }
            Some(dir) => {
                let id = dir.file_name().unwrap().to_str().unwrap();
                cmd.args(["resume", id, "--answers"]).arg(&self.answers);
                if let Some(c) = choice {
                    cmd.args(["--interrupted", c.arg()]);
                }
            }
        }
        let out = std::fs::File::create(self.sb.root.path().join(format!("out.{round}"))).unwrap();
        let err = std::fs::File::create(self.sb.root.path().join(format!("err.{round}"))).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn lifeline")
    }

    fn stderr_of(&self, round: usize) -> String {
        std::fs::read_to_string(self.sb.root.path().join(format!("err.{round}")))
            .unwrap_or_default()
    }

    /// Waits up to `ms` for the process; `None` if it still runs.
    fn wait_up_to(child: &mut Child, ms: u64) -> Option<ExitStatus> {
        let until = Instant::now() + Duration::from_millis(ms);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Runs lifeline processes until the session finishes, checking after each one.
    fn run(mut self) -> Tally {
        let started = Instant::now();
        let mut choice: Option<Choice> = None;
        for round in 0.. {
            if started.elapsed() > TRIAL_LIMIT {
                self.fail(format!("the trial did not finish within {TRIAL_LIMIT:?}"));
            }
            let holder = self
                .session
                .as_ref()
                .and_then(|d| lifeline::journal::read_holder(d));
            let first = self.seen.records.len();
            let stall = self.rng.percent(15).then(|| 100 + self.rng.below(800));
            if stall.is_some() {
                self.tally.stalled_starts += 1;
            }
            let mut child = self.spawn(choice, round, stall);
            self.tally.processes += 1;
            let no_kill = self.rng.percent(10);
            let delay = self.rng.below(KILL_WINDOW_MS);
            let mode = self.rng.below(100);
            let mut shutdown = false;
            let ended = if no_kill {
                Ended::Exited(child.wait().unwrap())
            } else {
                match Self::wait_up_to(&mut child, delay) {
                    Some(status) => Ended::Exited(status),
                    None if mode < 10 && self.session_dir().is_some() => {
                        self.kill_supervisors_under_live_lifeline(&mut child)
                    }
                    None if mode < 16 && self.session_dir().is_some() => {
                        self.kill_only_supervisors_child_alive(&mut child)
                    }
                    None if mode < 24 => {
                        shutdown = true;
                        self.shutdown(&mut child)
                    }
                    None if mode < 29 && self.session_dir().is_some() => {
                        self.delete_the_lock(&mut child)
                    }
                    None if mode < 34 && self.session_dir().is_some() => {
                        self.second_driver_from_another_host(&mut child, round)
                    }
                    None => kill_now(&mut child),
                }
            };
            self.rounds.push(Round { first, choice });
            if self.session.is_none() {
                self.session = self.find_session();
                if self.session.is_none() {
                    // Killed before the session's journal existed: nothing was journaled.
                    self.tally.aborted_starts += 1;
                    self.rounds.clear();
                    self.log
                        .push(format!("round {round}: killed before the session existed"));
                    choice = None;
                    continue;
                }
            }
            let dir = self.session.clone().unwrap();
            let kill_supervisors = matches!(ended, Ended::Killed) && mode < 45 && !shutdown;
            if matches!(ended, Ended::Killed) {
                self.tally.kills += 1;
                if shutdown {
                    self.register_shutdown(&dir);
                } else {
                    self.register_running(&dir, kill_supervisors);
                }
            }
            let after = self.snapshot(&dir);
            self.log.push(format!(
                "round {round}: {} after {delay} ms{}, {} records (+{})",
                match &ended {
                    Ended::Killed => "killed".to_string(),
                    Ended::Exited(s) => format!("exited {s}"),
                },
                if kill_supervisors {
                    ", supervisors killed"
                } else {
                    ""
                },
                after.records.len(),
                after.records.len() - first
            ));
            self.check_round(&dir, &after, first, holder.as_ref());
            self.seen = after;
            match ended {
                Ended::Killed => choice = None,
                Ended::Exited(status) => match status.code() {
                    Some(0) => {
                        if let Err(e) = check_finished(&self.seen.records) {
                            self.fail(e);
                        }
                        break;
                    }
                    Some(3) => {
                        let stderr = self.stderr_of(round);
                        if !stderr.contains("needs an operator decision") {
                            self.fail(format!("exit 3 without a decision asked: {stderr}"));
                        }
                        self.tally.decisions += 1;
                        choice = Some(match self.rng.below(10) {
                            0..=5 => Choice::Rerun,
                            6..=7 => Choice::Done,
                            _ => Choice::Skip,
                        });
                    }
                    // A driver whose lock file was deleted stops at its next append, saying so.
                    Some(1) if self.stderr_of(round).contains("lock file") => choice = None,
                    _ => {
                        let stderr = self.stderr_of(round);
                        self.fail(format!("lifeline exited {status}: {stderr}"));
                    }
                },
            }
        }
        self.tally.reattached = self.counts.reattached;
        self.tally.interrupted = self.counts.interrupted;
        self.tally.reruns = self.counts.reruns;
        self.tally.resolved_by_policy = self.counts.resolved_by_policy;
        self.tally
    }

    fn session_dir(&self) -> Option<PathBuf> {
        self.session.clone().or_else(|| self.find_session())
    }

    /// After a kill: how each attempt journaled as running must end, killing its supervisor
    /// first when asked (a power cut takes the step down with the console).
    fn register_running(&mut self, dir: &Path, kill_supervisors: bool) {
        let records = self.snapshot(dir).records;
        for (step, attempt) in running_steps(&records) {
            let stem = step_stem(&step, attempt);
            let must = match attach(dir, &stem) {
                AttachState::Running { supervisor_pid, .. } if kill_supervisors => {
                    kill_verified_supervisor(dir, &stem, supervisor_pid);
                    self.tally.supervisor_kills += 1;
                    if dir
                        .join("steps")
                        .join(format!("{stem}.status.json"))
                        .exists()
                    {
                        MustEnd::Finished
                    } else {
                        MustEnd::Interrupted
                    }
                }
                AttachState::Running { .. } | AttachState::Ended(_) => MustEnd::Finished,
                AttachState::Gone => MustEnd::Either,
            };
            self.expected.insert((step, attempt), must);
        }
    }

    /// Kills only the running step's supervisor while lifeline follows it: lifeline must
    /// notice, journal the step interrupted and stop (or resolve it by policy).
    fn kill_supervisors_under_live_lifeline(&mut self, child: &mut Child) -> Ended {
        let dir = self.session_dir().unwrap();
        let records = self.snapshot(&dir).records;
        let mut killed = false;
        for (step, attempt) in running_steps(&records) {
            let stem = step_stem(&step, attempt);
            if let AttachState::Running { supervisor_pid, .. } = attach(&dir, &stem) {
                kill_verified_supervisor(&dir, &stem, supervisor_pid);
                let done = dir
                    .join("steps")
                    .join(format!("{stem}.status.json"))
                    .exists();
                self.expected.insert(
                    (step, attempt),
                    if done {
                        MustEnd::Finished
                    } else {
                        MustEnd::Interrupted
                    },
                );
                killed = true;
            }
        }
        if !killed {
            return kill_now(child);
        }
        self.tally.supervisor_only_kills += 1;
        self.exit_after_supervisor_killed(child)
    }

    /// A shutdown: SIGTERM to lifeline and to every process of this sandbox (supervisors,
    /// children), each verified by its environment and start time. Attempts end interrupted.
    fn shutdown(&mut self, child: &mut Child) -> Ended {
        self.tally.shutdowns += 1;
        let mut pids = our_processes(self.sb);
        pids.retain(|&p| p != child.id() as i32);
        signal_verified(self.sb, child.id() as i32, libc::SIGTERM);
        for pid in pids {
            signal_verified(self.sb, pid, libc::SIGTERM);
        }
        if Self::wait_up_to(child, 10_000).is_none() {
            let _ = kill_now(child);
        }
        // The machine goes down: nothing of the sandbox outlives it.
        let until = Instant::now() + Duration::from_secs(10);
        while !our_processes(self.sb).is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        for pid in our_processes(self.sb) {
            signal_verified(self.sb, pid, libc::SIGKILL);
        }
        Ended::Killed
    }

    /// After a shutdown every attempt journaled as running ended one way or another before
    /// lifeline could journal it: either outcome is fine, never a second run beside it.
    fn register_shutdown(&mut self, dir: &Path) {
        let records = self.snapshot(dir).records;
        for (step, attempt) in running_steps(&records) {
            self.expected.insert((step, attempt), MustEnd::Either);
        }
    }

    /// SIGKILL to the running step's supervisor only: its child lives on (until the
    /// parent-death signal ends it) while lifeline follows the step.
    fn kill_only_supervisors_child_alive(&mut self, child: &mut Child) -> Ended {
        let dir = self.session_dir().unwrap();
        let records = self.snapshot(&dir).records;
        let mut killed = false;
        for (step, attempt) in running_steps(&records) {
            let stem = step_stem(&step, attempt);
            if let AttachState::Running { supervisor_pid, .. } = attach(&dir, &stem) {
                signal_verified(self.sb, supervisor_pid as i32, libc::SIGKILL);
                self.expected.insert((step, attempt), MustEnd::Either);
                killed = true;
            }
        }
        if !killed {
            return kill_now(child);
        }
        self.tally.supervisor_only_child_alive += 1;
        self.exit_after_supervisor_killed(child)
    }

    /// The session's lock file deleted under a live driver: it must stop before it would
    /// append beside a second driver, or finish; it is then killed or waited for.
    fn delete_the_lock(&mut self, child: &mut Child) -> Ended {
        let dir = self.session_dir().unwrap();
        let _ = std::fs::remove_file(dir.join("lock"));
        self.tally.lock_deletions += 1;
        match Self::wait_up_to(child, 30_000) {
            Some(status) => Ended::Exited(status),
            None => kill_now(child),
        }
    }

    /// A second console on another host (another HOSTNAME) resumes the session while the
    /// first one holds it (paused, so it surely does): it must be refused and append nothing.
    fn second_driver_from_another_host(&mut self, child: &mut Child, round: usize) -> Ended {
        let dir = self.session_dir().unwrap();
        let pid = child.id() as i32;
        // The first driver must hold the lock before it is paused: paused earlier, the lock is
        // free (its last holder is dead) and a second driver rightly takes it over.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return Ended::Exited(status);
            }
            let held = lifeline::journal::read_holder(&dir).is_some_and(|h| h.pid == pid as u32)
                && lifeline::journal::is_locked(&dir);
            if held {
                break;
            }
            if Instant::now() > deadline {
                return kill_now(child);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        signal_verified(self.sb, pid, libc::SIGSTOP);
        let before = std::fs::read(dir.join("journal.jsonl")).unwrap_or_default();
        let id = dir.file_name().unwrap().to_str().unwrap().to_string();
        let out = self
            .sb
            .lifeline()
            .arg("--wizards")
            .arg(fixture("crash"))
            .args(["resume", &id, "--answers"])
            .arg(&self.answers)
            .args(["--interrupted", "rerun"])
            .env("HOSTNAME", "another-console")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        // Read before the first driver goes on: once continued, it appends again.
        let after = std::fs::read(dir.join("journal.jsonl")).unwrap_or_default();
        signal_verified(self.sb, pid, libc::SIGCONT);
        self.tally.second_host_drivers += 1;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(2) || !stderr.contains("driven by") {
            self.fail(format!(
                "round {round}: a second driver from another host was not refused: {:?} {stderr}",
                out.status.code()
            ));
        }
        if after != before {
            let tail =
                String::from_utf8_lossy(after.get(before.len().min(after.len())..).unwrap_or(&[]));
            self.fail(format!(
                "round {round}: the refused second driver wrote to the journal ({} -> {} bytes: {tail:?}); its stderr: {stderr}",
                before.len(),
                after.len()
            ));
        }
        match Self::wait_up_to(child, KILL_WINDOW_MS) {
            Some(status) => Ended::Exited(status),
            None => kill_now(child),
        }
    }

    fn check_round(
        &mut self,
        dir: &Path,
        after: &Snapshot,
        first: usize,
        holder: Option<&LockHolder>,
    ) {
        if let Err(e) = check_growth(&self.seen, after) {
            self.fail(e);
        }
        if let Err((seq, e)) = lifeline::session::SessionState::replay(&after.records) {
            self.fail(format!("the journal does not replay at seq {seq}: {e}"));
        }
        // A driver that died holding the lock is named by the next one, first thing.
        let new = &after.records[first..];
        let takeovers: Vec<&Event> = new
            .iter()
            .map(|r| &r.event)
            .filter(|e| matches!(e, Event::LockTakenOver { .. }))
            .collect();
        match (holder, new.first().map(|r| &r.event)) {
            (Some(h), Some(Event::LockTakenOver { previous, .. })) if previous == h => {}
            (Some(h), Some(other)) => self.fail(format!(
                "a stale lock of pid {} was not journaled first: {other:?}",
                h.pid
            )),
            (None, _) if !takeovers.is_empty() => self.fail(format!(
                "a lock was taken over that nobody held: {takeovers:?}"
            )),
            _ => {}
        }
        if takeovers.len() > 1 {
            self.fail(format!("several take-overs in one process: {takeovers:?}"));
        }
        let invocations = read_invocations(self.sb);
        let supervisors = supervisor_pids(dir);
        let policies = self.policies;
        let in_process = |step: &str| policies.of(step).1;
        match check_invocations(&after.records, &supervisors, &invocations, &in_process) {
            Ok(c) => self.tally.invocations = c.invocations,
            Err(e) => self.fail(e),
        }
        let policy = |step: &str| policies.of(step).0;
        match check_attempts(&after.records, &self.rounds, &self.expected, &policy) {
            Ok(c) => self.counts = c,
            Err(e) => self.fail(e),
        }
    }
}

fn read_invocations(sb: &Sandbox) -> Vec<Invocation> {
    let log = std::fs::read_to_string(sb.log()).unwrap_or_default();
    parse_invocations(&log).unwrap()
}

/// Supervisor pid → attempt stem, from every `steps/<stem>.pid.json`.
fn supervisor_pids(dir: &Path) -> BTreeMap<u32, String> {
    let mut map = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir.join("steps")) else {
        return map;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".pid.json") else {
            continue;
        };
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(pid) = v["supervisor_pid"].as_u64()
        {
            map.insert(pid as u32, stem.to_string());
        }
    }
    map
}

/// `(pgrp, session)` of a process, from /proc.
fn group_and_session(pid: i32) -> Option<(i32, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

/// The process groups of the session `sid` (one the supervisor created with `setsid`),
/// other than the supervisor's own: its child and whatever that child started.
fn groups_in_session(sid: i32) -> Vec<i32> {
    let mut groups = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return groups;
    };
    for entry in entries.filter_map(Result::ok) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if let Some((pgrp, session)) = group_and_session(pid)
            && session == sid
            && pgrp != sid
            && !groups.contains(&pgrp)
        {
            groups.push(pgrp);
        }
    }
    groups
}

/// SIGKILLs a supervisor that `exec::attach` confirmed alive (same pid and start time), then
/// every process group in the session it leads (its child's group, which it created), as a
/// power cut would. A group is signalled only when /proc shows it inside that session.
fn kill_verified_supervisor(dir: &Path, stem: &str, supervisor_pid: u32) {
    let supervisor = i32::try_from(supervisor_pid).unwrap();
    assert!(supervisor > 1, "refusing to signal pid {supervisor}");
    assert_eq!(
        group_and_session(supervisor).map(|(_, sid)| sid),
        Some(supervisor),
        "pid {supervisor} does not lead its own session: not a supervisor"
    );
    // SAFETY: kill(2) on a pid exec verified as our supervisor (same pid and start time),
    // which leads the session it created.
    unsafe {
        libc::kill(supervisor, libc::SIGKILL);
    }
    let own_group = unsafe { libc::getpgrp() };
    for pgid in groups_in_session(supervisor) {
        assert!(
            pgid > 1 && pgid != own_group,
            "refusing to signal group {pgid}"
        );
        // SAFETY: a process group /proc shows inside the killed supervisor's own session.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
    // Wait until it is really gone, so a resume cannot still find it alive.
    let until = Instant::now() + Duration::from_secs(5);
    while lifeline::exec::launch::supervisor_alive(&lifeline::exec::StepFiles::new(dir, stem))
        .is_some()
    {
        assert!(
            Instant::now() < until,
            "supervisor {supervisor} survived SIGKILL"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn start_time(pid: i32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let close = stat.rfind(')')?;
    stat[close + 1..]
        .split_whitespace()
        .nth(19)
        .map(str::to_string)
}

/// True for a live, non-zombie process whose environment names this sandbox's home.
fn ours(sb: &Sandbox, pid: i32) -> bool {
    if pid <= 1 || pid == std::process::id() as i32 {
        return false;
    }
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rfind(')')
                .map(|i| s[i + 1..].trim_start().starts_with('Z'))
        })
        .unwrap_or(true);
    let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let want = format!("LIFELINE_HOME={}", sb.home().display());
    !zombie && env.split(|&b| b == 0).any(|e| e == want.as_bytes())
}

/// Every live process of this sandbox.
fn our_processes(sb: &Sandbox) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
                .filter(|&pid| ours(sb, pid))
                .collect()
        })
        .unwrap_or_default()
}

/// Signals one process only if it is this sandbox's, re-reading its start time right
/// before. Never a group, never pid <= 1.
fn signal_verified(sb: &Sandbox, pid: i32, sig: i32) {
    assert!(pid > 1, "refusing to signal pid {pid}");
    let Some(before) = start_time(pid) else {
        return;
    };
    if ours(sb, pid) && start_time(pid) == Some(before) {
        // SAFETY: kill(2) of one positive pid verified above.
        unsafe {
            libc::kill(pid, sig);
        }
    }
}

fn new_sandbox() -> (Sandbox, PathBuf) {
    let sb = Sandbox::new();
    crash_stub(&sb, "lcscmd");
    crash_stub(&sb, "sqlcmd");
    let backup = sb.root.path().join("backup");
    let data = sb.root.path().join("data");
    std::fs::create_dir_all(&backup).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(backup.join("rtc.bak"), b"backup").unwrap();
    let answers = sb.write(
        "answers.toml",
        &format!(
            "[answers]\npools = [\"pool01\", \"pool02\"]\nbackup_dir = '{}'\ndata_dir = '{}'\n\n\
             [confirm]\nrestore-db = \"RESTORE\"\n\n[manual]\ndefault = \"done\"\n",
            backup.display(),
            data.display()
        ),
    );
    (sb, answers)
}

#[test]
fn sessions_killed_at_random_moments_resume_without_losing_or_repeating_anything() {
    let trials = env_number("LIFELINE_CRASH_TRIALS").map_or(DEFAULT_TRIALS, |n| n as usize);
    let seed = env_number("LIFELINE_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    println!("crash trials: seed {seed} (LIFELINE_CRASH_SEED={seed} replays the same choices)");
    let policies = Policies::load();
    let mut rng = Rng(seed);
    let mut total = Tally::default();
    let started = Instant::now();
    for n in 0..trials {
        let (sb, answers) = new_sandbox();
        let trial = Trial {
            sb: &sb,
            rng: &mut rng,
            policies: &policies,
            answers,
            session: None,
            seen: Snapshot::default(),
            rounds: vec![],
            expected: BTreeMap::new(),
            counts: AttemptCounts::default(),
            tally: Tally::default(),
            log: vec![format!("trial {n} of seed {seed}")],
        };
        let t = trial.run();
        total.trials += 1;
        total.processes += t.processes;
        total.kills += t.kills;
        total.supervisor_kills += t.supervisor_kills;
        total.supervisor_only_kills += t.supervisor_only_kills;
        total.reattached += t.reattached;
        total.interrupted += t.interrupted;
        total.reruns += t.reruns;
        total.resolved_by_policy += t.resolved_by_policy;
        total.decisions += t.decisions;
        total.invocations += t.invocations;
        total.aborted_starts += t.aborted_starts;
        total.shutdowns += t.shutdowns;
        total.supervisor_only_child_alive += t.supervisor_only_child_alive;
        total.second_host_drivers += t.second_host_drivers;
        total.lock_deletions += t.lock_deletions;
        total.stalled_starts += t.stalled_starts;
    }
    println!(
        "crash trials: {} trials, {} lifeline processes, {} kills (+{} supervisor-only), {} supervisors killed, \
         {} re-attached, {} interrupted, {} reruns, {} resolved by policy alone, {} operator decisions, \
         {} stub invocations, {} killed before the session existed; faults: {} shutdowns (SIGTERM to all), \
         {} supervisor-only kills with the child alive, {} second drivers from another host, {} lock files deleted, \
         {} stalled supervisor starts; all invariants held; seed {seed}; {:.1} s",
        total.trials,
        total.processes,
        total.kills,
        total.supervisor_only_kills,
        total.supervisor_kills,
        total.reattached,
        total.interrupted,
        total.reruns,
        total.resolved_by_policy,
        total.decisions,
        total.invocations,
        total.aborted_starts,
        total.shutdowns,
        total.supervisor_only_child_alive,
        total.second_host_drivers,
        total.lock_deletions,
        total.stalled_starts,
        started.elapsed().as_secs_f64()
    );
    assert!(total.kills > 0 || trials == 0, "no process was ever killed");
}
