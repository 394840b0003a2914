//! End to end, from outside, as an operator sees it: the real `lifeline` binary.
//!
//! (a) A one-step wizard whose command prints a lot, run with `lifeline run` (stdout to a file,
//!     as a logged run would be), next to the same command with its output redirected to a file
//!     by the shell. Interleaved; medians. Goal: <= 1.5x; lifeline's peak RSS flat as the
//!     output grows (the supervisor's is measured by `step_output`).
//! (b) `lifeline sessions` over 1,000 finished sessions (each a copy of one real 180-event
//!     session), next to `lifeline --version`. Goal: <= 100 ms. Also shown: the same list when
//!     every session's summary file is gone and each is rebuilt from its journal.
//!
//! `cargo bench --bench e2e` (sizes in MB via `E2E_SIZES_MB=50,200`, rounds via `E2E_ROUNDS`,
//! sessions via `E2E_SESSIONS`). Run as a test it only checks that the measurement works.

fn main() {
    #[cfg(target_os = "linux")]
    linux::run();
    #[cfg(not(target_os = "linux"))]
    println!("e2e: this benchmark runs on Linux only");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    const MB: u64 = 1_000_000;

    fn generator(bytes: u64) -> String {
        format!("head -c {bytes} /dev/zero | tr '\\0' x | fold -w 100")
    }

    fn lifeline() -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lifeline"));
        c.env_remove("LIFELINE_WIZARDS").stdin(Stdio::null());
        c
    }

    /// Waits for `child`, returning (seconds since `started`, peak RSS in kB of the child).
    fn wait_rss(child: std::process::Child, started: Instant) -> (f64, u64) {
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value to be filled in by wait4.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, not waited for yet; the pointers outlive the call.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let took = started.elapsed().as_secs_f64();
        assert_eq!(waited, pid, "wait4 failed");
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "exit status {status}"
        );
        std::mem::forget(child);
        (took, usage.ru_maxrss as u64)
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    fn write_print_wizard(dir: &Path, bytes: u64) -> (PathBuf, PathBuf) {
        let wizard = dir.join(format!("print-{bytes}.toml"));
        let script = generator(bytes).replace('\\', "\\\\");
        fs::write(
            &wizard,
            format!(
                "id = \"print-{bytes}\"\ntitle = \"Print\"\nversion = \"1\"\ndescription = \"Prints a lot.\"\n\n\
                 [[steps]]\nid = \"print\"\nkind = \"command\"\ntitle = \"Print\"\n\
                 argv = [\"sh\", \"-c\", \"{script}\"]\n"
            ),
        )
        .expect("write the wizard");
        let answers = dir.join("empty-answers.toml");
        fs::write(&answers, "").expect("write the answers");
        (wizard, answers)
    }

    fn shell_side(size_mb: u64, scratch: &Path) -> f64 {
        let target = scratch.join("shell.out");
        let started = Instant::now();
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{} > '{}'",
                generator(size_mb * MB),
                target.display()
            ))
            .spawn()
            .expect("sh runs");
        let (took, _) = wait_rss(child, started);
        let _ = fs::remove_file(&target);
        took
    }

    fn lifeline_side(wizard: &Path, answers: &Path, home: &Path, scratch: &Path) -> (f64, u64) {
        let log = scratch.join("run.log");
        let stdout = fs::File::create(&log).expect("a log file");
        let started = Instant::now();
        let child = lifeline()
            .arg("run")
            .arg(wizard)
            .arg("--answers")
            .arg(answers)
            .env("LIFELINE_HOME", home)
            .stdout(stdout)
            .stderr(Stdio::null())
            .spawn()
            .expect("lifeline runs");
        let measured = wait_rss(child, started);
        let _ = fs::remove_file(&log);
        // Each run leaves a session with the whole output in it: drop it before the next.
        let _ = fs::remove_dir_all(home.join("sessions"));
        measured
    }

    fn print_pair(sizes: &[u64], rounds: usize) {
        let scratch = tempfile::tempdir().expect("a scratch dir");
        let home = scratch.path().join("home");
        println!();
        println!(
            "| output | shell `> file` (median of {rounds}) | `lifeline run` > file (median) | ratio | lifeline peak RSS |"
        );
        println!("|---:|---:|---:|---:|---:|");
        for &size in sizes {
            let (wizard, answers) = write_print_wizard(scratch.path(), size * MB);
            let (mut shell, mut ours, mut rss) = (Vec::new(), Vec::new(), 0);
            for round in 0..rounds {
                // Alternate which goes first, so a busy moment hits both alike.
                let (a, b) = if round % 2 == 0 {
                    let a = shell_side(size, scratch.path());
                    (a, lifeline_side(&wizard, &answers, &home, scratch.path()))
                } else {
                    let b = lifeline_side(&wizard, &answers, &home, scratch.path());
                    (shell_side(size, scratch.path()), b)
                };
                shell.push(a);
                ours.push(b.0);
                rss = rss.max(b.1);
            }
            let (s, o) = (median(shell), median(ours));
            println!(
                "| {size} MB | {s:.2} s | {o:.2} s | {:.2}x | {:.1} MB |",
                o / s,
                rss as f64 / 1024.0
            );
        }
    }

    /// A wizard of `steps` info steps: a finished run journals about two events per step.
    fn write_long_wizard(dir: &Path, steps: usize) -> PathBuf {
        let mut text = String::from(
            "id = \"long\"\ntitle = \"Long\"\nversion = \"1\"\ndescription = \"Many steps.\"\n",
        );
        for i in 0..steps {
            text.push_str(&format!(
                "\n[[steps]]\nid = \"s{i}\"\nkind = \"info\"\ntitle = \"Step {i}\"\nbody = \"Read this.\"\n"
            ));
        }
        let path = dir.join("long.toml");
        fs::write(&path, text).expect("write the wizard");
        path
    }

    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("a session copy");
        for entry in fs::read_dir(from).expect("the session") {
            let entry = entry.expect("an entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("a type").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), &target).expect("a copy");
            }
        }
    }

    fn time_cmd(args: &[&str], home: &Path) -> f64 {
        let started = Instant::now();
        let child = lifeline()
            .args(args)
            .env("LIFELINE_HOME", home)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("lifeline runs");
        wait_rss(child, started).0
    }

    fn print_sessions(count: usize, rounds: usize) {
        let scratch = tempfile::tempdir().expect("a scratch dir");
        let home = scratch.path().join("home");
        let wizard = write_long_wizard(scratch.path(), 90);
        let answers = scratch.path().join("empty.toml");
        fs::write(&answers, "").expect("write the answers");
        let status = lifeline()
            .arg("run")
            .arg(&wizard)
            .arg("--answers")
            .arg(&answers)
            .env("LIFELINE_HOME", &home)
            .stdout(Stdio::null())
            .status()
            .expect("lifeline runs");
        assert!(status.success());
        let sessions = home.join("sessions");
        let first = fs::read_dir(&sessions)
            .expect("the sessions")
            .next()
            .expect("one session")
            .expect("an entry")
            .path();
        let name = first
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        for i in 1..count {
            copy_dir(&first, &sessions.join(format!("{name}-{i:04}")));
        }
        let events = fs::read_to_string(first.join("journal.jsonl"))
            .map(|t| t.lines().count())
            .unwrap_or(0);
        let listed = lifeline()
            .arg("sessions")
            .env("LIFELINE_HOME", &home)
            .output()
            .expect("lifeline sessions");
        let lines = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .filter(|l| l.contains("finished"))
            .count();
        assert_eq!(lines, count, "every session is listed as finished");
        let (mut list, mut version) = (Vec::new(), Vec::new());
        time_cmd(&["sessions"], &home);
        for _ in 0..rounds {
            list.push(time_cmd(&["sessions"], &home));
            version.push(time_cmd(&["--version"], &home));
        }
        // The same sessions with every summary file gone: each is read from its journal.
        let mut cold = Vec::new();
        for _ in 0..rounds.min(3) {
            for dir in fs::read_dir(&sessions).expect("the sessions") {
                let _ = fs::remove_file(dir.expect("an entry").path().join("summary.json"));
            }
            cold.push(time_cmd(&["sessions"], &home));
        }
        println!();
        println!(
            "| `lifeline sessions`, {count} finished sessions of {events} events | median of {rounds} | `lifeline --version` | without summary files |"
        );
        println!("|---|---:|---:|---:|");
        println!(
            "| listed | {:.0} ms | {:.1} ms | {:.0} ms |",
            median(list) * 1e3,
            median(version) * 1e3,
            median(cold) * 1e3
        );
    }

    pub fn run() {
        let benching = std::env::args().any(|a| a == "--bench");
        let var = |name: &str| std::env::var(name).ok();
        let sizes: Vec<u64> = var("E2E_SIZES_MB")
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_else(|| if benching { vec![50, 200] } else { vec![1] });
        let rounds: usize = var("E2E_ROUNDS")
            .and_then(|v| v.parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(if benching { 5 } else { 1 });
        let count: usize = var("E2E_SESSIONS")
            .and_then(|v| v.parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(if benching { 1000 } else { 5 });
        print_pair(&sizes, rounds);
        print_sessions(count, rounds);
    }
}
