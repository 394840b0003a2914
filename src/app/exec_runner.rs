//! The step runner behind headless runs and the screens: each attempt runs under the
//! detached supervisor (`exec`), so it outlives this process; a resume re-attaches to it.

use std::path::PathBuf;

use crate::exec::{self, AttachState};
use crate::session::engine::{ExecRequest, RunReport};

use super::driver::{Attached, StepRunner};

/// Runs attempts through `exec`, blocking the calling thread until each ends.
pub struct ExecRunner {
    pub session_dir: PathBuf,
    /// The lifeline binary, started again in its hidden supervisor mode.
    pub self_exe: PathBuf,
}

impl ExecRunner {
    /// A runner for one session directory.
    pub fn new(session_dir: PathBuf, self_exe: PathBuf) -> Self {
        ExecRunner {
            session_dir,
            self_exe,
        }
    }
}

/// Runs a future to its end on a small runtime of its own. The runner is called from plain
/// threads (headless, or the screens' worker threads), never from inside a runtime, and a
/// runtime per attempt costs nothing next to a restore.
fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime that follows the step: {e}"))?;
    Ok(runtime.block_on(future))
}

impl StepRunner for ExecRunner {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        let run = exec::run_to_end(&self.session_dir, request, &self.self_exe, |line| {
            on_line(line)
        });
        // Without a runtime nothing was started: a failed attempt, not an unknown one.
        block_on(run).unwrap_or_else(|message| RunReport {
            outcome: Some(crate::session::event::Outcome::SpawnFailed),
            message: Some(message),
            ..RunReport::default()
        })
    }

    fn attach(&mut self, step: &str, attempt: u32, on_line: &mut dyn FnMut(&str)) -> Attached {
        let stem = exec::step_stem(step, attempt);
        match exec::attach(&self.session_dir, &stem) {
            AttachState::Ended(report) => Attached::Ended(report),
            AttachState::Gone => Attached::Gone,
            AttachState::Running { follow, .. } => {
                // Said first, so the operator knows why nothing is started here and whose
                // output follows: a shared home, another console on another machine.
                if let Some(host) = exec::running_elsewhere(&self.session_dir, &stem) {
                    on_line(&format!(
                        "[lifeline] this step is running on host '{host}' (another console \
                         started it): following its output here; it is not run again"
                    ));
                }
                match block_on(exec::wait_for_end(
                    &self.session_dir,
                    &stem,
                    follow,
                    on_line,
                )) {
                    Ok(report) if report.outcome.is_some() => Attached::Ended(report),
                    _ => Attached::Gone,
                }
            }
        }
    }
}
