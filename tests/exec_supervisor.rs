//! The detached supervisor, end to end. This test binary is its own supervisor: run with
//! `__supervise ...` it does exactly what `lifeline`'s main must do (hand over to
//! `supervise_main_from_args`), so the tests launch it as `self_exe`. A small harness
//! (harness = false) runs the tests in parallel threads and prints libtest's summary line.
//! The children are the tests' stub program; what only Linux can show (sessions, process
//! groups, a command line in /proc) is checked on Linux.

#[path = "stubs/mod.rs"]
mod stubs;

fn main() {
    tests::main();
}

mod tests {

    use std::ffi::OsString;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use super::stubs::{Stubs, nasty_values, recorded_argv, request};
    use lifeline::exec::status::{PidRecord, write_json_atomic};
    use lifeline::exec::{
        AttachState, OutputFollower, SUPERVISE_MODE, StepFiles, Tuning, attach, launch_with,
        request_cancel, run_to_end_with, step_stem, supervise_main_from_args, wait_for_end,
    };
    use lifeline::session::engine::{ExecRequest, RunReport};
    use lifeline::session::event::Outcome;

    const LAUNCH_AND_EXIT: &str = "__launch_and_exit";

    pub fn main() {
        let args: Vec<OsString> = std::env::args_os().collect();
        if args.get(1).is_some_and(|a| a == SUPERVISE_MODE) {
            std::process::exit(supervise_main_from_args(args));
        }
        if args.get(1).is_some_and(|a| a == LAUNCH_AND_EXIT) {
            // A stand-in for a UI that starts a step and dies at once.
            let session = PathBuf::from(&args[2]);
            let stubs = Stubs::install();
            let mut req = request("survivor", &["sleep-for", "3"]);
            req.env = vec![stubs.path_env()];
            let launched = launch_with(&session, &req, &self_exe(), &Tuning::default());
            // The stubs' folder must outlive this process: the step still runs from it.
            std::mem::forget(stubs);
            std::process::exit(if launched.is_ok() { 0 } else { 1 });
        }
        run_tests();
    }

    type Test = (&'static str, fn());

    fn run_tests() {
        let filters: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect();
        let tests: Vec<Test> = vec![
            (
                "survives_the_ui_that_launched_it",
                survives_the_ui_that_launched_it,
            ),
            (
                "argv_reaches_the_child_verbatim",
                argv_reaches_the_child_verbatim,
            ),
            (
                "timeout_stops_the_whole_group",
                timeout_stops_the_whole_group,
            ),
            (
                "a_child_ignoring_term_is_killed",
                a_child_ignoring_term_is_killed,
            ),
            ("cancel_by_file_and_by_signal", cancel_by_file_and_by_signal),
            ("spawn_failure_is_reported", spawn_failure_is_reported),
            ("secrets_never_touch_disk", secrets_never_touch_disk),
            ("attach_rejects_a_reused_pid", attach_rejects_a_reused_pid),
            (
                "a_binary_without_the_mode_is_detected",
                a_binary_without_the_mode_is_detected,
            ),
        ];
        let selected: Vec<Test> = tests
            .into_iter()
            .filter(|(name, _)| {
                filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
            })
            .collect();
        let total = selected.len();
        println!("\nrunning {total} tests");
        let handles: Vec<_> = selected
            .into_iter()
            .map(|(name, test)| (name, std::thread::spawn(test)))
            .collect();
        let mut failed = Vec::new();
        for (name, handle) in handles {
            match handle.join() {
                Ok(()) => println!("test {name} ... ok"),
                Err(_) => {
                    println!("test {name} ... FAILED");
                    failed.push(name);
                }
            }
        }
        let passed = total - failed.len();
        if failed.is_empty() {
            println!(
                "\ntest result: ok. {passed} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
            );
        } else {
            println!(
                "\ntest result: FAILED. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out ({})",
                failed.len(),
                failed.join(", ")
            );
            std::process::exit(101);
        }
    }

    fn self_exe() -> PathBuf {
        std::env::current_exe().unwrap()
    }

    fn fast() -> Tuning {
        Tuning {
            grace: Duration::from_millis(300),
            ..Tuning::default()
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// Runs `req` through a supervisor to its end, collecting the lines shown.
    fn run(session: &Path, req: &ExecRequest, tuning: &Tuning) -> (RunReport, Vec<String>) {
        let mut lines = Vec::new();
        let report = block_on(run_to_end_with(
            session,
            req,
            &self_exe(),
            tuning,
            1.0,
            &mut |l| lines.push(l.to_string()),
        ));
        (report, lines)
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// The pids a `spawn-tree` stub printed are all gone within a few seconds.
    fn assert_tree_ended(lines: &[String]) {
        let pids: Vec<u32> = lines.iter().filter_map(|l| l.parse().ok()).collect();
        assert_eq!(pids.len(), 2, "{lines:?}");
        for pid in pids {
            let deadline = Instant::now() + Duration::from_secs(5);
            while lifeline::exec::status::process_alive(pid, None) {
                assert!(Instant::now() < deadline, "process {pid} outlived the stop");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Field `index` (0 = field 3, the state) of /proc/<pid>/stat.
    #[cfg(target_os = "linux")]
    fn stat_field(pid: u32, index: usize) -> String {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let close = stat.rfind(')').unwrap();
        stat[close + 1..]
            .split_whitespace()
            .nth(index)
            .unwrap()
            .to_string()
    }

    fn survives_the_ui_that_launched_it() {
        let session = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(self_exe())
            .arg(LAUNCH_AND_EXIT)
            .arg(session.path())
            .status()
            .unwrap();
        assert!(status.success(), "the launcher failed");
        let stem = step_stem("survivor", 1);
        let AttachState::Running {
            follow,
            supervisor_pid,
        } = attach(session.path(), &stem)
        else {
            panic!("the step did not survive its launcher");
        };
        // Detached: its own session, away from this terminal (field 6 is the session id).
        #[cfg(target_os = "linux")]
        {
            assert_eq!(stat_field(supervisor_pid, 3), supervisor_pid.to_string());
            assert_ne!(
                stat_field(supervisor_pid, 3),
                stat_field(std::process::id(), 3)
            );
        }
        let _ = supervisor_pid;
        let mut lines = Vec::new();
        let report = block_on(wait_for_end(session.path(), &stem, follow, &mut |l| {
            lines.push(l.to_string())
        }));
        assert_eq!(report.outcome, Some(Outcome::Succeeded), "{report:?}");
        assert_eq!(lines, ["sleeping 3", "slept 3"]);
        assert_eq!(report.tail, ["sleeping 3", "slept 3"]);
        assert_eq!(report.output.as_deref(), Some("steps/survivor.1.out"));
        assert!(report.duration_ms >= 3000);
        match attach(session.path(), &stem) {
            AttachState::Ended(again) => assert_eq!(again, report),
            other => panic!("expected Ended, got {other:?}"),
        }
        let files = StepFiles::new(session.path(), &stem);
        #[cfg(unix)]
        {
            assert_eq!(mode(&files.dir), 0o700);
            for f in [files.out(), files.spec(), files.pid(), files.status()] {
                assert_eq!(mode(&f), 0o600, "{}", f.display());
            }
        }
        assert!(files.status().exists());
    }

    fn argv_reaches_the_child_verbatim() {
        let session = tempfile::tempdir().unwrap();
        let stubs = Stubs::install();
        let (record, record_env) = stubs.argv_record("argv");
        let mut argv = vec!["echo-argv".to_string()];
        argv.extend(nasty_values());
        let mut req = request("verbatim", &[]);
        req.display_argv = argv.clone();
        req.argv = argv;
        req.env = vec![stubs.path_env(), record_env];
        let (report, lines) = run(session.path(), &req, &fast());
        assert_eq!(report.outcome, Some(Outcome::Succeeded), "{report:?}");
        assert_eq!(recorded_argv(&record), nasty_values());
        assert!(lines.contains(&"$(touch /tmp/lifeline-pwned)".to_string()));
    }

    fn timeout_stops_the_whole_group() {
        let session = tempfile::tempdir().unwrap();
        let stubs = Stubs::install();
        let mut req = request("slow", &["spawn-tree", "30"]);
        req.env = vec![stubs.path_env()];
        req.timeout_s = Some(1);
        let started = Instant::now();
        let (report, lines) = run(session.path(), &req, &fast());
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(report.outcome, Some(Outcome::TimedOut), "{report:?}");
        #[cfg(unix)]
        assert_eq!(report.signal, Some(15));
        assert_tree_ended(&lines);
        #[cfg(target_os = "linux")]
        {
            let leader: i32 = lines[1].parse().unwrap();
            assert!(super::stubs::group_members(leader).is_empty());
        }
    }

    fn a_child_ignoring_term_is_killed() {
        let session = tempfile::tempdir().unwrap();
        let stubs = Stubs::install();
        let mut req = request("stubborn", &["ignore-stop", "30"]);
        req.env = vec![stubs.path_env()];
        req.timeout_s = Some(1);
        let started = Instant::now();
        let (report, lines) = run(session.path(), &req, &fast());
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(report.outcome, Some(Outcome::TimedOut), "{report:?}");
        assert_eq!(lines, ["sleeping 30"]);
        #[cfg(unix)]
        {
            assert_eq!(report.signal, Some(9));
            assert_eq!(
                report.message.as_deref(),
                Some(
                    "stopped after the 1 s timeout; it ignored the stop request and was killed after 0.3 s"
                )
            );
        }
        #[cfg(windows)]
        assert_eq!(
            report.message.as_deref(),
            Some(
                "stopped after the 1 s timeout; its whole process tree was ended (a console program on Windows gets no polite stop)"
            )
        );
    }

    fn cancel_by_file_and_by_signal() {
        let session = tempfile::tempdir().unwrap();
        let tuning = fast();
        let stubs = Stubs::install();
        // A supervisor is only told to stop by a signal on Unix.
        let ways: &[(u32, bool)] = if cfg!(unix) {
            &[(1, false), (2, true)]
        } else {
            &[(1, false)]
        };
        for &(attempt, by_signal) in ways {
            let mut req = request("long", &["sleep-for", "30"]);
            req.env = vec![stubs.path_env()];
            req.attempt = attempt;
            let launched = launch_with(session.path(), &req, &self_exe(), &tuning).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            if by_signal {
                #[cfg(unix)]
                {
                    let pid = libc::pid_t::try_from(launched.supervisor_pid).unwrap();
                    // SAFETY: a plain signal to the supervisor we started.
                    unsafe { libc::kill(pid, libc::SIGTERM) };
                }
            } else {
                request_cancel(session.path(), &launched.files.stem).unwrap();
            }
            let started = Instant::now();
            let follow = OutputFollower::new(launched.files.out());
            let report = block_on(wait_for_end(
                session.path(),
                &launched.files.stem,
                follow,
                &mut |_| {},
            ));
            assert!(started.elapsed() < Duration::from_secs(3));
            if by_signal {
                // A shutdown signal interrupts: the outcome is unknown, the step's
                // on_interrupt policy decides (issue 10), never "cancelled".
                assert_eq!(report.outcome, None, "{report:?}");
                let message = report.message.as_deref().unwrap_or_default();
                assert!(
                    message.contains("interrupted by a shutdown signal"),
                    "{message}"
                );
            } else {
                assert_eq!(report.outcome, Some(Outcome::Cancelled), "{report:?}");
                assert_eq!(report.message.as_deref(), Some("cancelled by the operator"));
            }
            assert_eq!(report.tail, ["sleeping 30"]);
        }
    }

    fn spawn_failure_is_reported() {
        let session = tempfile::tempdir().unwrap();
        let mut req = request("restore", &["lifeline-no-such-sqlcmd", "-S", "sql01"]);
        req.display_argv.push("-P".into());
        req.display_argv.push("****".into());
        let (report, _) = run(session.path(), &req, &fast());
        assert_eq!(report.outcome, Some(Outcome::SpawnFailed));
        assert_eq!(
            report.message.as_deref(),
            Some(
                "program 'lifeline-no-such-sqlcmd' not found on PATH \
             (the step would have run: lifeline-no-such-sqlcmd -S sql01 -P ****)"
            )
        );
    }

    fn secrets_never_touch_disk() {
        let session = tempfile::tempdir().unwrap();
        let stubs = Stubs::install();
        let secret = "Pa55-w0rd;$(x)";
        let mut req = request("secret", &["secret-echo", secret]);
        req.display_argv = vec!["secret-echo".into(), "****".into()];
        req.env = vec![stubs.path_env(), ("PW".into(), secret.into())];
        req.stdin = Some(format!("stdin={secret}"));
        req.secrets = vec![secret.into()];
        let tuning = fast();
        let launched = launch_with(session.path(), &req, &self_exe(), &tuning).unwrap();
        // Not in the supervisor's command line either (only the display argv is there).
        #[cfg(target_os = "linux")]
        {
            let cmdline =
                std::fs::read(format!("/proc/{}/cmdline", launched.supervisor_pid)).unwrap();
            assert!(!String::from_utf8_lossy(&cmdline).contains(secret));
        }
        let report = block_on(wait_for_end(
            session.path(),
            &launched.files.stem,
            OutputFollower::new(launched.files.out()),
            &mut |_| {},
        ));
        assert_eq!(report.exit_code, Some(4));
        for entry in std::fs::read_dir(session.path().join("steps")).unwrap() {
            let path = entry.unwrap().path();
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert!(
                !text.contains(secret),
                "{} holds the secret",
                path.display()
            );
        }
        let mut tail = report.tail.clone();
        tail.sort_unstable();
        assert_eq!(tail, ["arg=****", "env=****", "stdin=****"]);
    }

    fn attach_rejects_a_reused_pid() {
        let session = tempfile::tempdir().unwrap();
        let files = StepFiles::new(session.path(), "ghost.1");
        std::fs::create_dir_all(&files.dir).unwrap();
        // A live pid (ours) with another start time: a reused pid, not the supervisor.
        let record = PidRecord {
            supervisor_pid: std::process::id(),
            supervisor_start: Some("1".into()),
            child_pid: None,
            child_start: None,
        };
        write_json_atomic(&files.pid(), &record).unwrap();
        assert!(matches!(
            attach(session.path(), "ghost.1"),
            AttachState::Gone
        ));
        let mine = PidRecord {
            supervisor_start: lifeline::exec::status::start_token(std::process::id()),
            ..record
        };
        write_json_atomic(&files.pid(), &mine).unwrap();
        assert!(matches!(
            attach(session.path(), "ghost.1"),
            AttachState::Running { .. }
        ));
        assert!(matches!(
            attach(session.path(), "never.1"),
            AttachState::Gone
        ));
    }

    fn a_binary_without_the_mode_is_detected() {
        let session = tempfile::tempdir().unwrap();
        let stubs = Stubs::install();
        // A program that is not lifeline: the stub that fails at once.
        let not_lifeline = stubs
            .dir
            .path()
            .join(format!("fail{}", std::env::consts::EXE_SUFFIX));
        let req = request("x", &["true"]);
        let err = launch_with(session.path(), &req, &not_lifeline, &fast()).unwrap_err();
        assert!(err.to_string().contains("without taking the step"), "{err}");
    }
}
