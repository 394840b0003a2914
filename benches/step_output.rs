//! A step that prints a lot: the same command run by lifeline's runner (detached supervisor
//! writing `.out`, the UI side following it into a 5000-line screen buffer) and with its
//! output redirected to a file by the shell, side by side. Prints a Markdown table: wall
//! time ratio (goal <= 1.5x) and peak RSS of the supervisor and of the following side
//! (goal <= 64 MB, flat as the output grows).
//!
//! `cargo bench --bench step_output` (sizes in MB via `STEP_OUTPUT_SIZES_MB=50,200`, runs
//! per side via `STEP_OUTPUT_ROUNDS=3`; times are medians, RSS the highest seen).
//! The bench binary is its own supervisor, as `lifeline` is: `__supervise` is handed over.

use std::ffi::OsString;

use lifeline::exec::{SUPERVISE_MODE, supervise_main_from_args};

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == SUPERVISE_MODE) {
        std::process::exit(supervise_main_from_args(args));
    }
    #[cfg(target_os = "linux")]
    linux::run();
    #[cfg(not(target_os = "linux"))]
    println!("step_output: this benchmark reads /proc and runs on Linux only");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::path::Path;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use lifeline::exec::status::{PidRecord, read_json};
    use lifeline::exec::{OutputBuffer, StepFiles, Tuning, run_to_end_with, step_stem};
    use lifeline::session::engine::ExecRequest;
    use lifeline::session::event::Outcome;

    const MB: u64 = 1_000_000;

    fn generator(bytes: u64) -> String {
        format!("head -c {bytes} /dev/zero | tr '\\0' x | fold -w 100")
    }

    /// The same bytes as one line without a newline (issue 10: memory flat in line length).
    fn one_line(bytes: u64) -> String {
        format!("head -c {bytes} /dev/zero | tr '\\0' x")
    }

    fn request(step: &str, script: String) -> ExecRequest {
        let argv = vec!["sh".to_string(), "-c".to_string(), script];
        ExecRequest {
            step: step.into(),
            attempt: 1,
            display_argv: argv.clone(),
            argv,
            cwd: None,
            env: vec![],
            stdin: None,
            timeout_s: None,
            success_codes: vec![0],
            check: None,
            simulate: None,
            secrets: vec!["never-printed-secret".into()],
        }
    }

    /// VmHWM (peak resident set) of a process in kB, from /proc.
    fn peak_kb(pid: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Resets this process's peak RSS so each size is measured on its own.
    fn reset_own_peak() {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }

    struct Row {
        size_mb: u64,
        shell_s: f64,
        runner_s: f64,
        lines: u64,
        supervisor_kb: u64,
        follower_kb: u64,
    }

    /// The generator with its output redirected to a file by the shell.
    fn shell_run(size_mb: u64, scratch: &Path) -> f64 {
        let target = scratch.join(format!("shell-{size_mb}.out"));
        let started = Instant::now();
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{} > '{}'",
                generator(size_mb * MB),
                target.display()
            ))
            .status()
            .expect("sh runs");
        let took = started.elapsed().as_secs_f64();
        assert!(status.success());
        let _ = std::fs::remove_file(&target);
        took
    }

    /// The generator through lifeline's runner: supervisor + follower into a screen buffer.
    /// Returns (seconds, lines followed, supervisor peak kB, own peak kB).
    fn runner_run(size_mb: u64, scratch: &Path, round: usize) -> (f64, u64, u64, u64) {
        runner_run_script(size_mb, scratch, round, generator(size_mb * MB))
    }

    fn runner_run_script(
        size_mb: u64,
        scratch: &Path,
        round: usize,
        script: String,
    ) -> (f64, u64, u64, u64) {
        let session = scratch.join(format!("session-{size_mb}-{round}"));
        let step = format!("print-{size_mb}mb");
        let req = request(&step, script);
        let files = StepFiles::new(&session, &step_stem(&step, 1));
        let done = Arc::new(AtomicBool::new(false));
        let supervisor_peak = Arc::new(AtomicU64::new(0));
        let sampler = {
            let done = done.clone();
            let peak = supervisor_peak.clone();
            let pid_file = files.pid();
            std::thread::spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    if let Ok(Some(rec)) = read_json::<PidRecord>(&pid_file)
                        && let Some(kb) = peak_kb(&rec.supervisor_pid.to_string())
                    {
                        peak.fetch_max(kb, Ordering::SeqCst);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        reset_own_peak();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let exe = std::env::current_exe().expect("own path");
        let mut screen = OutputBuffer::default();
        let started = Instant::now();
        let report = runtime.block_on(run_to_end_with(
            &session,
            &req,
            &exe,
            &Tuning::default(),
            1.0,
            &mut |line| screen.push(line),
        ));
        let took = started.elapsed().as_secs_f64();
        done.store(true, Ordering::SeqCst);
        let _ = sampler.join();
        assert_eq!(report.outcome, Some(Outcome::Succeeded), "{report:?}");
        let own = peak_kb("self").unwrap_or(0);
        let _ = std::fs::remove_dir_all(&session);
        (
            took,
            screen.seen(),
            supervisor_peak.load(Ordering::SeqCst),
            own,
        )
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    /// Both sides `rounds` times, alternating (so a busy moment hits both alike).
    fn measure(size_mb: u64, scratch: &Path, rounds: usize) -> Row {
        let (mut shell, mut runner) = (Vec::new(), Vec::new());
        let (mut lines, mut supervisor_kb, mut follower_kb) = (0, 0, 0);
        for round in 0..rounds {
            shell.push(shell_run(size_mb, scratch));
            let (took, seen, sup, own) = runner_run(size_mb, scratch, round);
            runner.push(took);
            lines = seen;
            supervisor_kb = supervisor_kb.max(sup);
            follower_kb = follower_kb.max(own);
        }
        Row {
            size_mb,
            shell_s: median(shell),
            runner_s: median(runner),
            lines,
            supervisor_kb,
            follower_kb,
        }
    }

    pub fn run() {
        // `cargo bench` passes `--bench`; run as a test (`cargo test --all-targets`) it only
        // checks that the measurement works, on a small output.
        let benching = std::env::args().any(|a| a == "--bench");
        let sizes: Vec<u64> = std::env::var("STEP_OUTPUT_SIZES_MB")
            .ok()
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_else(|| if benching { vec![50, 200] } else { vec![2] });
        let rounds: usize = std::env::var("STEP_OUTPUT_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(if benching { 3 } else { 1 });
        let scratch = tempfile::tempdir().expect("a scratch dir");
        println!();
        println!(
            "| output | shell `> file` (median of {rounds}) | lifeline runner (median) | ratio | lines followed | supervisor peak RSS | follower peak RSS |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|");
        for size in sizes {
            let r = measure(size, scratch.path(), rounds);
            println!(
                "| {} MB | {:.2} s | {:.2} s | {:.2}x | {} | {:.1} MB | {:.1} MB |",
                r.size_mb,
                r.shell_s,
                r.runner_s,
                r.runner_s / r.shell_s,
                r.lines,
                r.supervisor_kb as f64 / 1024.0,
                r.follower_kb as f64 / 1024.0,
            );
        }
        let line_mb: u64 = std::env::var("STEP_OUTPUT_LINE_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if benching { 200 } else { 2 });
        let (took, seen, sup, own) =
            runner_run_script(line_mb, scratch.path(), 99, one_line(line_mb * MB));
        println!(
            "| {line_mb} MB, one line, no newline | | {took:.2} s | | {seen} | {:.1} MB | {:.1} MB |",
            sup as f64 / 1024.0,
            own as f64 / 1024.0,
        );
        assert!(
            sup < 64 * 1024 && own < 64 * 1024,
            "peak RSS must stay under 64 MiB for one long line"
        );
    }
}
