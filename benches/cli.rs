//! The cost of a real command next to the cheapest one: `lifeline plan --topology
//! enterprise-expanded --lost front-end --format json` against `lifeline --version`, run
//! interleaved (30 each, after a warm-up) so drift hits both. Prints the median wall time of
//! each, the ratio (goal <= 2x), and where the plan's time goes inside the process.
//!
//! `cargo bench --bench cli` (runs per side via `CLI_BENCH_RUNS`).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEFAULT_RUNS: usize = 30;
const WARM_UP: usize = 3;

fn plan_args() -> [&'static str; 7] {
    [
        "plan",
        "--topology",
        "enterprise-expanded",
        "--lost",
        "front-end",
        "--format",
        "json",
    ]
}

fn time_once(args: &[&str], home: &std::path::Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_lifeline"))
        .args(args)
        .env("LIFELINE_HOME", home)
        .env_remove("LIFELINE_WIZARDS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run lifeline");
    let elapsed = start.elapsed();
    assert!(status.success(), "lifeline {args:?} failed: {status}");
    elapsed
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let runs = std::env::var("CLI_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RUNS);
    let home = tempfile::tempdir().expect("temp home");
    let plan = plan_args();
    let version = ["--version"];
    for _ in 0..WARM_UP {
        time_once(&plan, home.path());
        time_once(&version, home.path());
    }
    let (mut p, mut v) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // Alternate which goes first, so neither always runs on a just-warmed cache.
        if i % 2 == 0 {
            p.push(time_once(&plan, home.path()));
            v.push(time_once(&version, home.path()));
        } else {
            v.push(time_once(&version, home.path()));
            p.push(time_once(&plan, home.path()));
        }
    }
    let (pm, vm) = (median(p), median(v));

    // Inside the process: the same work without process start-up, to say where it goes.
    let inner = |f: &dyn Fn()| {
        let samples: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        median(samples)
    };
    let load = inner(&|| {
        std::hint::black_box(
            lifeline::app::catalog::load_catalog(&[]).expect("bundled wizards load"),
        );
    });
    let catalog = lifeline::app::catalog::load_catalog(&[]).expect("bundled wizards load");
    let lost = vec!["front-end".to_string()];
    let build = inner(&|| {
        std::hint::black_box(
            lifeline::plan::build_plan("enterprise-expanded", &lost, None, &catalog).expect("plan"),
        );
    });
    let built =
        lifeline::plan::build_plan("enterprise-expanded", &lost, None, &catalog).expect("plan");
    let render = inner(&|| {
        std::hint::black_box(
            serde_json::to_string_pretty(&lifeline::plan::render_json(&built)).expect("json"),
        );
    });

    println!("\ncli benchmark ({runs} interleaved runs each, medians)\n");
    println!("| measure | median | goal |");
    println!("|---|---:|---|");
    println!(
        "| (a) `lifeline plan --topology enterprise-expanded --lost front-end --format json` | {pm:.2} ms | |"
    );
    println!("| (b) `lifeline --version` | {vm:.2} ms | |");
    println!("| ratio (a)/(b) | {:.2}x | ≤ 2x |", pm / vm);
    println!("| (a) of which: load and check the bundled wizards | {load:.2} ms | |");
    println!("| (a) of which: build the plan | {build:.2} ms | |");
    println!("| (a) of which: render it as JSON | {render:.2} ms | |");
}
