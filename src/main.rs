//! The `lifeline` binary: parses the command line, runs the command, maps the outcome to
//! an exit code (0 done, 1 a step failed, 2 bad usage or input, 3 needs an operator decision).

/// Writes a line to standard output, going on when it is closed (`lifeline plan … | head -1`,
/// or `lifeline run … | less` quit early): the recovery's record is its session files, never
/// this stream, so a closed pipe must neither panic nor stop a run.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// [`outln!`] without the newline.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod cli;
mod commands;
mod drill_cmd;
mod interactive;
mod report_cmd;
mod sandbox_cmd;
mod watch_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // The step supervisor is this binary in a hidden mode; it has no terminal and must hand
    // over before anything else starts.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args
        .get(1)
        .is_some_and(|a| a == lifeline::exec::SUPERVISE_MODE)
    {
        std::process::exit(lifeline::exec::supervise_main_from_args(args));
    }
    // Logs go to files under the home, never to the terminal; the guard flushes them at exit.
    let _logs = lifeline::journal::lifeline_home()
        .ok()
        .map(|home| lifeline::logging::init(&home));
    // Messages name the program as the operator can run it again (see invocation.rs).
    lifeline::invocation::init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "lifeline started");
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("lifeline: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
