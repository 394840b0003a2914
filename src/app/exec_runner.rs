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
    runtime: tokio::runtime::Runtime,
}

impl ExecRunner {
    /// A runner for one session directory.
    pub fn new(session_dir: PathBuf, self_exe: PathBuf) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(ExecRunner {
            session_dir,
            self_exe,
            runtime,
        })
    }
}

impl StepRunner for ExecRunner {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        self.runtime.block_on(exec::run_to_end(
            &self.session_dir,
            request,
            &self.self_exe,
            |line| on_line(line),
        ))
    }

    fn attach(&mut self, step: &str, attempt: u32, on_line: &mut dyn FnMut(&str)) -> Attached {
        let stem = exec::step_stem(step, attempt);
        match exec::attach(&self.session_dir, &stem) {
            AttachState::Ended(report) => Attached::Ended(report),
            AttachState::Gone => Attached::Gone,
            AttachState::Running { follow, .. } => {
                let report = self.runtime.block_on(exec::wait_for_end(
                    &self.session_dir,
                    &stem,
                    follow,
                    on_line,
                ));
                if report.outcome.is_some() {
                    Attached::Ended(report)
                } else {
                    Attached::Gone
                }
            }
        }
    }
}
