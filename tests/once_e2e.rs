//! Issue 10, end to end: a restore step runs once whatever interrupts it. Each test is one of
//! the numbered cases, through the real binary with stub programs on PATH and a
//! private LIFELINE_HOME. Every process a test signals is first proven to be one of this
//! sandbox's (its environment names this sandbox's home) and re-read by start time.
#![cfg(target_os = "linux")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{Sandbox, wait_for};

/// A stub `restore` that logs `start <what> <pid>` and `end <what> <pid>` around `$SLOW`
/// seconds of sleep (for `slow` only) and exits `$SLOW_EXIT` for `slow` (default 0).
fn restore_stub(sb: &Sandbox) {
    use std::os::unix::fs::PermissionsExt;
    let script = format!(
        "#!/bin/sh\necho \"start $1 $$\" >> '{log}'\necho \"restore $1 running\"\n\
         if [ -n \"$PRINT_FILE\" ] && [ \"$1\" = slow ]; then cat \"$PRINT_FILE\"; fi\n\
         if [ \"$1\" = slow ]; then sleep ${{SLOW:-3}}; fi\n\
         echo \"end $1 $$\" >> '{log}'\n\
         if [ \"$1\" = slow ]; then exit ${{SLOW_EXIT:-0}}; fi\nexit 0\n",
        log = sb.log().display()
    );
    let path = sb.root.path().join("bin").join("restore");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A two-step wizard: `slow` (with `policy` and `extra` keys), then `last`.
fn wizard(sb: &Sandbox, policy: &str, extra: &str, inputs: &str) -> PathBuf {
    sb.write(
        "once.toml",
        &format!(
            "id = \"once\"\ntitle = \"Once\"\nversion = \"1\"\ndescription = \"Two restore steps.\"\n{inputs}\n\
             [[steps]]\nid = \"slow\"\nkind = \"command\"\ntitle = \"Slow restore\"\nargv = [\"restore\", \"slow\"]\non_interrupt = \"{policy}\"\n{extra}\n\
             [[steps]]\nid = \"last\"\nkind = \"command\"\ntitle = \"Last\"\nargv = [\"restore\", \"last\"]\n"
        ),
    )
}

fn answers(sb: &Sandbox, text: &str) -> PathBuf {
    sb.write("answers.toml", text)
}

fn log_lines(sb: &Sandbox) -> Vec<String> {
    sb.invocations()
}

fn count(sb: &Sandbox, prefix: &str) -> usize {
    log_lines(sb)
        .iter()
        .filter(|l| l.starts_with(prefix))
        .count()
}

fn start_run(sb: &Sandbox, wizard: &Path, answers: &Path, env: &[(&str, &str)]) -> Child {
    let mut cmd = sb.lifeline();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.arg("run")
        .arg(wizard)
        .arg("--answers")
        .arg(answers)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lifeline")
}

fn only_session(sb: &Sandbox) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(sb.home().join("sessions"))
        .expect("sessions folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn id_of(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn resume(sb: &Sandbox, id: &str, answers: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = sb.lifeline();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["resume", id, "--answers"])
        .arg(answers)
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("resume")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn start_time(pid: i32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let close = stat.rfind(')')?;
    stat[close + 1..]
        .split_whitespace()
        .nth(19)
        .map(str::to_string)
}

/// True when `pid` is a live process of this sandbox: its environment names our home.
fn ours(sb: &Sandbox, pid: i32) -> bool {
    if pid <= 1 {
        return false;
    }
    let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let want = format!("LIFELINE_HOME={}", sb.home().display());
    env.split(|&b| b == 0).any(|e| e == want.as_bytes())
}

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rfind(')')
                .map(|i| !s[i + 1..].trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

/// Signals `pid` only if it is one of this sandbox's processes, re-reading its start time
/// right before the signal. Never a group, never pid <= 1.
fn signal_ours(sb: &Sandbox, pid: i32, sig: i32) {
    assert!(pid > 1, "refusing to signal pid {pid}");
    let Some(before) = start_time(pid) else {
        return;
    };
    if !ours(sb, pid) || start_time(pid) != Some(before) {
        return;
    }
    // SAFETY: kill(2) of one positive pid verified above.
    unsafe {
        libc::kill(pid, sig);
    }
}

fn pid_record(dir: &Path, stem: &str) -> serde_json::Value {
    let path = dir.join("steps").join(format!("{stem}.pid.json"));
    let mut value = serde_json::Value::Null;
    wait_for("the pid file to name the child", || {
        value = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(serde_json::Value::Null);
        value["child_pid"].is_u64()
    });
    value
}

/// Every live process of this sandbox, by scanning /proc.
fn our_processes(sb: &Sandbox) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
        .filter(|&pid| pid != std::process::id() as i32 && ours(sb, pid) && alive(pid))
        .collect()
}

/// Ends whatever this sandbox left running (a test that failed half-way).
struct Cleanup<'a>(&'a Sandbox);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for pid in our_processes(self.0) {
            signal_ours(self.0, pid, libc::SIGKILL);
        }
    }
}

fn wait_child(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

// 1. Graceful shutdown: SIGTERM to every process. The attempt is interrupted, not cancelled:
// resume follows `on_interrupt = "ask"` (exit 3) instead of running the step again.
#[test]
fn case01_a_shutdown_interrupts_the_step_and_resume_asks() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "ask", "", "");
    let a = answers(&sb, "");
    let mut run = start_run(&sb, &w, &a, &[("SLOW", "20")]);
    wait_for("the slow step to start", || count(&sb, "start slow") == 1);
    let dir = only_session(&sb);
    let pids = pid_record(&dir, "slow.1");
    let supervisor = pids["supervisor_pid"].as_i64().unwrap() as i32;
    let child = pids["child_pid"].as_i64().unwrap() as i32;
    // A shutdown: every process gets SIGTERM at about the same moment.
    for pid in [run.id() as i32, supervisor, child] {
        signal_ours(&sb, pid, libc::SIGTERM);
    }
    wait_child(&mut run, Duration::from_secs(20)).expect("lifeline ends on SIGTERM");
    wait_for("the supervisor to end", || !alive(supervisor));

    let out = resume(&sb, &id_of(&dir), &a, &[], &[("SLOW", "0")]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs an operator decision"),
        "{}",
        text(&out)
    );
    assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));
}

// 1b. A step that failed while nobody watched is shown and waits for a decision: exit 3
// unless the answers file's [failed] table decides.
#[test]
fn case01b_a_failure_found_on_reattach_waits_for_a_decision() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let mut run = start_run(&sb, &w, &a, &[("SLOW", "2"), ("SLOW_EXIT", "1")]);
    wait_for("the slow step to start", || count(&sb, "start slow") == 1);
    let dir = only_session(&sb);
    signal_ours(&sb, run.id() as i32, libc::SIGKILL);
    let _ = run.wait();
    wait_for("the slow step to fail unwatched", || {
        dir.join("steps/slow.1.status.json").exists()
    });
    let out = resume(&sb, &id_of(&dir), &a, &[], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));

    let decided = sb.write(
        "decided.toml",
        "[failed]\nslow = \"skip: checked by hand\"\n",
    );
    let out = resume(&sb, &id_of(&dir), &decided, &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));
    assert_eq!(count(&sb, "start last"), 1, "{:?}", log_lines(&sb));
}

// 2. Only the supervisor dies (SIGKILL), its child alive: the step's remaining processes are
// ended before it counts as interrupted, so a rerun never runs beside the first copy.
#[test]
fn case02_a_dead_supervisor_leaves_no_copy_running_beside_the_rerun() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let mut run = start_run(&sb, &w, &a, &[("SLOW", "4")]);
    wait_for("the slow step to start", || count(&sb, "start slow") == 1);
    let dir = only_session(&sb);
    let pids = pid_record(&dir, "slow.1");
    let supervisor = pids["supervisor_pid"].as_i64().unwrap() as i32;
    signal_ours(&sb, supervisor, libc::SIGKILL);
    let status = wait_child(&mut run, Duration::from_secs(30)).expect("lifeline stops");
    assert_eq!(status.code(), Some(3), "the live lifeline asks");
    let out = resume(
        &sb,
        &id_of(&dir),
        &a,
        &["--interrupted", "rerun"],
        &[("SLOW", "4")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Past the moment the first copy would have finished.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(count(&sb, "start slow"), 2, "{:?}", log_lines(&sb));
    assert_eq!(
        count(&sb, "end slow"),
        1,
        "two copies finished: {:?}",
        log_lines(&sb)
    );
}

// 3. A slow start: the launcher gives up waiting and the attempt is abandoned for good; the
// late supervisor exits without running the step.
#[test]
fn case03_a_supervisor_later_than_its_handshake_never_runs_the_step() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let env = [
        ("LIFELINE_TEST_SUPERVISOR_STALL_MS", "2500"),
        ("LIFELINE_TEST_HANDSHAKE_MS", "300"),
        ("SLOW", "0"),
    ];
    let run = start_run(&sb, &w, &a, &env);
    let out = run.wait_with_output().expect("run");
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did not report back"),
        "{}",
        text(&out)
    );
    // Well past the stall: the late supervisor found its attempt abandoned.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(count(&sb, "start slow"), 0, "{:?}", log_lines(&sb));
    let dir = only_session(&sb);
    assert!(!dir.join("steps/slow.1.out").exists());
}

/// Kills the driving lifeline (SIGKILL, verified), then resumes its session headless with
/// `--interrupted rerun`, which must finish.
fn kill_then_resume_with_rerun(sb: &Sandbox, run: &mut Child, answers: &Path) {
    signal_ours(sb, run.id() as i32, libc::SIGKILL);
    let _ = run.wait();
    let dir = only_session(sb);
    let out = resume(
        sb,
        &id_of(&dir),
        answers,
        &["--interrupted", "rerun"],
        &[("SLOW", "0")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

// 3b. A resume that comes before the supervisor claimed its attempt claims it as abandoned:
// the late supervisor never runs it, the resume's own attempt runs once. (Stalled by the test
// hook, so deterministic; 3c shows the same without the hook.)
#[test]
fn case03b_a_resume_before_the_claim_never_doubles_the_attempt() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let env = [("LIFELINE_TEST_SUPERVISOR_STALL_MS", "3000"), ("SLOW", "0")];
    let mut run = start_run(&sb, &w, &a, &env);
    wait_for("the attempt to be journaled", || {
        sb.home().join("sessions").is_dir()
            && std::fs::read_dir(sb.home().join("sessions"))
                .map(|mut d| {
                    d.next().is_some_and(|e| {
                        let dir = e.unwrap().path();
                        std::fs::read_to_string(dir.join("journal.jsonl"))
                            .is_ok_and(|j| j.contains("\"step-started\""))
                    })
                })
                .unwrap_or(false)
    });
    kill_then_resume_with_rerun(&sb, &mut run, &a);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));
}

/// The children of `parent`, from the kernel's list (or, where that list is missing, a scan
/// of every process's parent).
fn children_of(parent: i32) -> Vec<i32> {
    let listed = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"));
    if let Ok(list) = listed {
        return list
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
    }
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
                .filter(|pid| {
                    std::fs::read_to_string(format!("/proc/{pid}/stat"))
                        .ok()
                        .and_then(|s| {
                            let close = s.rfind(')')?;
                            s[close + 1..]
                                .split_whitespace()
                                .nth(1)?
                                .parse::<i32>()
                                .ok()
                        })
                        == Some(parent)
                })
                .collect()
        })
        .unwrap_or_default()
}

// 3c. The same without any test hook, so it also runs against a lifeline that has none: the
// new supervisor is frozen (SIGSTOP) the moment it appears, before it recorded or claimed
// anything; the driver dies; a resume runs the step; then the frozen supervisor continues.
// It must find its attempt given up and run nothing. A supervisor that got as far as its pid
// file or claim before it was frozen does not show the case: that trial is let go and
// another one started.
#[test]
fn case03c_a_supervisor_frozen_before_it_recorded_anything_never_doubles_the_attempt() {
    for trial in 1..=30 {
        let sb = Sandbox::new();
        let _c = Cleanup(&sb);
        restore_stub(&sb);
        let w = wizard(&sb, "rerun", "", "");
        let a = answers(&sb, "");
        let mut run = start_run(&sb, &w, &a, &[("SLOW", "0")]);
        let driver = run.id() as i32;
        let started = Instant::now();
        let mut frozen = None;
        while frozen.is_none() && started.elapsed() < Duration::from_secs(20) {
            for pid in children_of(driver) {
                // Only once it is the supervisor (exec done, so the driver can hand it the
                // step); freeze first, verify after: the check must not give it time.
                let exec_done = std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.windows(11).any(|w| w == b"__supervise"));
                if !exec_done {
                    continue;
                }
                let Some(born) = start_time(pid) else {
                    continue;
                };
                signal_ours(&sb, pid, libc::SIGSTOP);
                if ours(&sb, pid) && start_time(pid) == Some(born.clone()) {
                    frozen = Some((pid, born));
                }
            }
            if matches!(run.try_wait(), Ok(Some(_))) {
                break;
            }
        }
        let Some((supervisor, born)) = frozen else {
            panic!("trial {trial}: the supervisor never appeared");
        };
        let steps = std::fs::read_dir(sb.home().join("sessions"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path().join("steps"));
        let recorded = steps.as_ref().is_some_and(|s| {
            s.join("slow.1.pid.json").exists() || s.join("slow.1.claim.json").exists()
        });
        if recorded {
            signal_ours(&sb, supervisor, libc::SIGCONT);
            continue;
        }
        eprintln!("trial {trial}: supervisor {supervisor} frozen before it recorded anything");
        // Time for the driver to hand the frozen supervisor its step (a pipe write that
        // does not wait for the reader), as it would before a slow start.
        std::thread::sleep(Duration::from_millis(300));
        kill_then_resume_with_rerun(&sb, &mut run, &a);
        assert_eq!(start_time(supervisor), Some(born), "still the frozen one");
        signal_ours(&sb, supervisor, libc::SIGCONT);
        wait_for("the frozen supervisor to end", || !alive(supervisor));
        assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));
        assert_eq!(count(&sb, "start last"), 1, "{:?}", log_lines(&sb));
        return;
    }
    panic!("in 30 trials the supervisor always recorded itself before it could be frozen");
}

/// `unshare` arguments for a separate process identity (own pid namespace and host name), or
/// `None` where this machine does not allow one.
fn separate_identity() -> Option<Vec<&'static str>> {
    for args in [
        vec!["--pid", "--fork", "--mount-proc", "--uts", "--kill-child"],
        vec![
            "--user",
            "--map-root-user",
            "--pid",
            "--fork",
            "--mount-proc",
            "--uts",
            "--kill-child",
        ],
    ] {
        let ok = Command::new("unshare")
            .args(&args)
            .args(["sh", "-c", "hostname alpha && [ $$ = 1 ]"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(args);
        }
    }
    None
}

// 4. Two consoles, one home: console A (its own pid namespace, host "alpha") starts the step
// and dies; console B (host "beta") resumes with `--interrupted rerun`. B must see the step
// running on alpha, follow it to its end, and never run it again.
#[test]
fn case04_a_step_running_on_another_host_is_followed_never_rerun() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let go = sb.root.path().join("go");
    let script = format!(
        "hostname alpha 2>/dev/null; '{bin}' run '{w}' --answers '{a}' >/dev/null 2>&1 & LP=$!\n\
         while [ ! -f '{go}' ]; do sleep 0.05; done\nkill -9 $LP\nsleep 60\n",
        bin = support::lifeline_bin().display(),
        w = w.display(),
        a = a.display(),
        go = go.display()
    );
    let identity = separate_identity();
    let mut console_a = match &identity {
        Some(args) => {
            let mut cmd = Command::new("unshare");
            cmd.args(args);
            cmd
        }
        None => {
            println!("no separate pid namespace here: host identity by HOSTNAME only");
            Command::new("setsid")
        }
    };
    let envs: Vec<(String, String)> = sb
        .lifeline()
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
        .collect();
    let mut console_a = console_a
        .args(["sh", "-c", &script])
        .envs(envs)
        .env("HOSTNAME", "alpha")
        .env("SLOW", "5")
        .stdin(Stdio::null())
        .spawn()
        .expect("console A");
    wait_for("the slow step to start on alpha", || {
        count(&sb, "start slow") == 1
    });
    std::fs::write(&go, "").unwrap();
    let dir = only_session(&sb);
    wait_for("console A to be gone", || !journal_locked(&dir));
    let started = Instant::now();
    let out = resume(
        &sb,
        &id_of(&dir),
        &a,
        &["--interrupted", "rerun"],
        &[("HOSTNAME", "beta"), ("SLOW", "5")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));
    assert_eq!(count(&sb, "end slow"), 1, "{:?}", log_lines(&sb));
    assert!(
        started.elapsed() > Duration::from_secs(1),
        "B waited for alpha's step"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("running on host 'alpha'"),
        "B says where the step runs: {}",
        text(&out)
    );
    let pid = console_a.id() as i32;
    signal_ours(&sb, pid, libc::SIGKILL);
    let _ = console_a.wait();
}

fn journal_locked(dir: &Path) -> bool {
    lifeline::journal::is_locked(dir)
}

// 5. The lock file removed while a driver runs: a second driver is refused (the holder is
// alive), the first stops before it would interleave, the step runs once and the journal
// still loads.
#[test]
fn case05_a_removed_lock_file_never_gives_two_drivers() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let mut run = start_run(&sb, &w, &a, &[("SLOW", "3")]);
    wait_for("the slow step to start", || count(&sb, "start slow") == 1);
    let dir = only_session(&sb);
    std::fs::remove_file(dir.join("lock")).unwrap();
    let second = resume(
        &sb,
        &id_of(&dir),
        &a,
        &["--interrupted", "rerun"],
        &[("SLOW", "3")],
    );
    assert_ne!(second.status.code(), Some(0), "{}", text(&second));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("is driven by"),
        "{}",
        text(&second)
    );
    let _ = wait_child(&mut run, Duration::from_secs(30));
    let out = resume(
        &sb,
        &id_of(&dir),
        &a,
        &["--interrupted", "rerun"],
        &[("SLOW", "0")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(count(&sb, "start slow"), 1, "{:?}", log_lines(&sb));
    lifeline::journal::read_journal(&dir.join("journal.jsonl")).expect("the journal loads");
}

// 5b. A journal symlinked from another session folder is refused: never two drivers of one
// journal.
#[test]
fn case05b_a_symlinked_journal_is_refused() {
    let sb = Sandbox::new();
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let out = start_run(&sb, &w, &a, &[("SLOW", "0")])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let first = only_session(&sb);
    let twin = sb
        .home()
        .join("sessions")
        .join(format!("{}-twin", id_of(&first)));
    std::fs::create_dir(&twin).unwrap();
    for entry in std::fs::read_dir(&first).unwrap().flatten() {
        let name = entry.file_name();
        if name == "journal.jsonl" {
            std::os::unix::fs::symlink(entry.path(), twin.join(&name)).unwrap();
        } else if entry.path().is_file() {
            std::fs::copy(entry.path(), twin.join(&name)).unwrap();
        } else if entry.path().is_dir() && name == "wizards" {
            std::fs::create_dir(twin.join(&name)).unwrap();
            for f in std::fs::read_dir(entry.path()).unwrap().flatten() {
                std::fs::copy(f.path(), twin.join(&name).join(f.file_name())).unwrap();
            }
        }
    }
    let before = std::fs::read(first.join("journal.jsonl")).unwrap();
    let out = resume(&sb, &id_of(&twin), &a, &[], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(first.join("journal.jsonl")).unwrap(), before);
}

// 6. `--take-over` signals only a holder verified by pid and start time: a holder record
// naming another process (a reused pid) never gets that process killed.
#[test]
fn case06_take_over_never_signals_a_stranger() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let mut run = start_run(&sb, &w, &a, &[("SLOW", "3")]);
    wait_for("the slow step to start", || count(&sb, "start slow") == 1);
    let dir = only_session(&sb);
    // A stranger: a process of ours that is not lifeline, whose pid the record now names
    // (as if the holder had died and its pid been reused).
    let template = sb.lifeline();
    let mut stranger = Command::new("sleep")
        .arg("30")
        .envs(
            template
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .spawn()
        .expect("stranger");
    let holder_path = dir.join("holder.json");
    let mut holder: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&holder_path).unwrap()).unwrap();
    holder["pid"] = serde_json::json!(stranger.id());
    std::fs::write(&holder_path, serde_json::to_vec(&holder).unwrap()).unwrap();
    let out = resume(
        &sb,
        &id_of(&dir),
        &a,
        &["--take-over", "operator moved consoles"],
        &[],
    );
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        stranger.try_wait().unwrap().is_none(),
        "the stranger was killed: {}",
        text(&out)
    );
    signal_ours(&sb, stranger.id() as i32, libc::SIGKILL);
    let _ = stranger.wait();
    let _ = wait_child(&mut run, Duration::from_secs(30));
}

// 7. A secret used in a step's `cwd` never lands in clear in steps/<stem>.spec.json.
#[test]
fn case07_a_secret_in_cwd_is_not_written_to_the_spec() {
    let sb = Sandbox::new();
    restore_stub(&sb);
    const SECRET: &str = "S3cretDir-9271";
    std::fs::create_dir_all(sb.root.path().join("work").join(SECRET)).unwrap();
    let cwd = format!("cwd = \"{}/work/{{{{pw}}}}\"", sb.root.path().display());
    let w = wizard(
        &sb,
        "rerun",
        &cwd,
        "[[inputs]]\nid = \"pw\"\nkind = \"secret\"\nlabel = \"Secret\"\n",
    );
    let a = answers(&sb, &format!("[answers]\npw = \"{SECRET}\"\n"));
    let out = start_run(&sb, &w, &a, &[("SLOW", "0")])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let dir = only_session(&sb);
    let spec = std::fs::read_to_string(dir.join("steps/slow.1.spec.json")).unwrap();
    assert!(!spec.contains(SECRET), "{spec}");
    assert!(spec.contains("****"), "{spec}");
}

fn peak_rss_while(pid: u32, child: &mut Child) -> u64 {
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kb: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kb * 1024);
        }
        if let Ok(Some(_)) = child.try_wait() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

// 8. One long output line without a newline keeps lifeline's memory flat, and the output
// file stops at its configured cap with a marker.
#[test]
fn case08_a_long_line_keeps_memory_flat_and_the_output_is_capped() {
    let sb = Sandbox::new();
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    // 100 MB of 'x' and no newline, through a file the stub prints.
    let big = sb.root.path().join("big");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&big).unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            f.write_all(&chunk).unwrap();
        }
    }
    let env = [
        ("PRINT_FILE", big.to_str().unwrap()),
        ("SLOW", "0"),
        ("LIFELINE_MAX_OUTPUT", "40M"),
    ];
    let mut run = start_run(&sb, &w, &a, &env);
    let pid = run.id();
    // Drain stdout so the pipe never blocks lifeline.
    let mut stdout = run.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut sink);
        sink.len()
    });
    let peak = peak_rss_while(pid, &mut run);
    let printed = reader.join().unwrap();
    assert!(run.wait().unwrap().success());
    assert!(peak < 64 << 20, "peak RSS {} MiB", peak >> 20);
    assert!(printed < 1 << 20, "headless printed {printed} bytes");
    let dir = only_session(&sb);
    let out = std::fs::metadata(dir.join("steps/slow.1.out"))
        .unwrap()
        .len();
    assert!(
        ((40 << 20)..(40 << 20) + 4096).contains(&out),
        "output file {out} bytes"
    );
    let tail = std::fs::read(dir.join("steps/slow.1.out")).unwrap();
    assert!(String::from_utf8_lossy(&tail[tail.len() - 300..]).contains("reached its limit"));
}

// 9. A timeout ends the whole attempt, descendants that called setsid included.
#[test]
fn case09_a_timeout_ends_setsid_descendants() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    let pidfile = sb.root.path().join("escaped.pid");
    let script = sb.write(
        "escape.sh",
        &format!(
            "#!/bin/sh\nsetsid sh -c 'echo $$ > \"{p}\"; sleep 30; echo survived >> \"{log}\"' &\nsleep 30\n",
            p = pidfile.display(),
            log = sb.log().display()
        ),
    );
    let w = sb.write(
        "escape.toml",
        &format!(
            "id = \"escape\"\ntitle = \"Escape\"\nversion = \"1\"\ndescription = \"A step whose child escapes with setsid.\"\n\
             [[steps]]\nid = \"slow\"\nkind = \"command\"\ntitle = \"Slow\"\nargv = [\"sh\", \"{}\"]\ntimeout_s = 1\n",
            script.display()
        ),
    );
    let a = answers(&sb, "");
    let out = start_run(&sb, &w, &a, &[]).wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    let escaped: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    wait_for("the escaped descendant to be ended", || {
        !alive(escaped) || !ours(&sb, escaped)
    });
}

// 10. Escape sequences in a step's output never reach the terminal raw (headless stdout, the
// md report); the .out file keeps the raw bytes.
#[test]
fn case10_escape_sequences_are_neutralised_where_output_is_shown() {
    let sb = Sandbox::new();
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let print = sb.write(
        "print",
        "\x1b]52;c;aGVsbG8=\x07\x1b]0;pwned\x07\x1b[2Jvisible\n",
    );
    let out = start_run(
        &sb,
        &w,
        &a,
        &[("PRINT_FILE", print.to_str().unwrap()), ("SLOW", "0")],
    )
    .wait_with_output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!out.stdout.contains(&0x1b), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("visible"));
    let dir = only_session(&sb);
    let report = sb
        .lifeline()
        .args(["report", &id_of(&dir), "--format", "md"])
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", text(&report));
    assert!(
        !report.stdout.contains(&0x1b),
        "md report holds a raw escape"
    );
    let raw = std::fs::read(dir.join("steps/slow.1.out")).unwrap();
    assert!(
        raw.windows(5).any(|w| w == b"\x1b]52;"),
        "the .out file keeps raw bytes"
    );
}

// 11a. An existing home or session folder with loose permissions is repaired (with a warning).
#[test]
fn case11a_loose_folder_modes_are_repaired_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    std::fs::set_permissions(sb.home(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = start_run(&sb, &w, &a, &[("SLOW", "0")])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("warning"),
        "{}",
        text(&out)
    );
    let mode = std::fs::metadata(sb.home()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let dir = only_session(&sb);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let list = sb
        .lifeline()
        .args(["report", &id_of(&dir), "--format", "md"])
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", text(&list));
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", text(&list));
}

// 11b. A symlink planted in steps/ is never written through.
#[test]
fn case11b_a_planted_symlink_in_steps_is_not_followed() {
    let sb = Sandbox::new();
    let _c = Cleanup(&sb);
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    let mut run = start_run(&sb, &w, &a, &[("SLOW", "30")]);
    wait_for("the slow step to start", || count(&sb, "start slow") == 1);
    let dir = only_session(&sb);
    signal_ours(&sb, run.id() as i32, libc::SIGKILL);
    let _ = run.wait();
    let pids = pid_record(&dir, "slow.1");
    for key in ["supervisor_pid", "child_pid"] {
        signal_ours(&sb, pids[key].as_i64().unwrap() as i32, libc::SIGKILL);
    }
    let victim = sb.write("victim", "precious\n");
    std::os::unix::fs::symlink(&victim, dir.join("steps/slow.2.out")).unwrap();
    let out = resume(
        &sb,
        &id_of(&dir),
        &a,
        &["--interrupted", "rerun"],
        &[("SLOW", "0")],
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "precious\n",
        "{}",
        text(&out)
    );
}

// 11c. A journal that is a FIFO does not hang `lifeline sessions`: it is listed with a reason.
#[test]
fn case11c_a_fifo_journal_does_not_hang_the_listing() {
    let sb = Sandbox::new();
    let fake = sb.home().join("sessions/20260101-000000-fake-0000");
    std::fs::create_dir_all(&fake).unwrap();
    let fifo = fake.join("journal.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let mut child = sb
        .lifeline()
        .arg("sessions")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_child(&mut child, Duration::from_secs(10));
    if status.is_none() {
        signal_ours(&sb, child.id() as i32, libc::SIGKILL);
        panic!("`lifeline sessions` hangs on a FIFO journal");
    }
    let out = child.wait_with_output().unwrap();
    let all = text(&out);
    assert!(all.contains("not a regular file"), "{all}");
}

// 12. A long for_each value still gives a step file name the file system takes.
#[test]
fn case12_a_long_for_each_value_still_runs() {
    let sb = Sandbox::new();
    restore_stub(&sb);
    let long = "p".repeat(240);
    std::fs::create_dir_all(sb.root.path().join("wz")).unwrap();
    let sub = sb.write(
        "wz/each.toml",
        "id = \"each\"\ntitle = \"Each\"\nversion = \"1\"\ndescription = \"One per pool.\"\n\
         [[steps]]\nid = \"slow\"\nkind = \"command\"\ntitle = \"Slow\"\nargv = [\"restore\", \"slow\"]\n",
    );
    let _ = sub;
    let main = sb.write(
        "wz/main.toml",
        &format!(
            "id = \"main\"\ntitle = \"Main\"\nversion = \"1\"\ndescription = \"Per pool.\"\n\
             [[inputs]]\nid = \"pools\"\nkind = \"multi-choice\"\nlabel = \"Pools\"\noptions = [{{ value = \"{long}\", label = \"A pool\" }}]\n\
             [[steps]]\nid = \"per\"\nkind = \"include\"\ntitle = \"Per pool\"\nwizard = \"each\"\nfor_each = \"pools\"\n"
        ),
    );
    let a = answers(&sb, &format!("[answers]\npools = [\"{long}\"]\n"));
    let out = sb
        .lifeline()
        .arg("--wizards")
        .arg(sb.root.path().join("wz"))
        .args(["run", "main", "--answers"])
        .arg(&a)
        .env("SLOW", "0")
        .output()
        .unwrap();
    let _ = main;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(count(&sb, "end slow"), 1, "{:?}", log_lines(&sb));
}

// 13. A session that cannot be created (a full disk) leaves nothing behind.
#[test]
fn case13_a_session_that_cannot_be_created_leaves_nothing() {
    let sb = Sandbox::new();
    let mount_ok = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        .status()
        .is_ok_and(|s| s.success());
    if !mount_ok {
        println!("skipped: no private mount namespace here for a small tmpfs");
        return;
    }
    restore_stub(&sb);
    let w = wizard(&sb, "rerun", "", "");
    let a = answers(&sb, "");
    // A home on a tmpfs that is full once `sessions/` exists.
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs '{home}' || exit 99\nmkdir -m 700 '{home}/sessions'\n\
         dd if=/dev/zero of='{home}/filler' bs=4k count=64 2>/dev/null\n\
         '{bin}' run '{w}' --answers '{a}'; rc=$?\nls -A '{home}/sessions' > '{root}/left'\nexit $rc\n",
        home = sb.home().display(),
        bin = support::lifeline_bin().display(),
        w = w.display(),
        a = a.display(),
        root = sb.root.path().display()
    );
    let envs: Vec<(std::ffi::OsString, std::ffi::OsString)> = sb
        .lifeline()
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
        .collect();
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .envs(envs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let left = std::fs::read_to_string(sb.root.path().join("left")).unwrap();
    assert_eq!(left.trim(), "", "left behind: {left}");
}
