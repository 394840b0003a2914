//! Carrying out attempts for both front-ends: each runs under the detached supervisor
//! (`exec`), so it outlives this process, and a resume re-attaches to it.
//!
//! One async implementation ([`StepExec`]): the screens run each attempt as a task of their
//! runtime (the [`Runner`] seam); a headless drive blocks on it, on one runtime for the
//! whole drive ([`ExecRunner`]). No thread and no runtime per attempt.

use std::path::PathBuf;

use crate::exec::{self, AttachState};
use crate::session::engine::{ExecRequest, RunReport};
use crate::ui::{AppEvent, EventSender, Runner};

use super::driver::{Attached, StepRunner};

/// Runs and follows the attempts of one session directory. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StepExec {
    pub session_dir: PathBuf,
    /// The lifeline binary, started again in its hidden supervisor mode.
    pub self_exe: PathBuf,
}

impl StepExec {
    pub fn new(session_dir: PathBuf, self_exe: PathBuf) -> Self {
        StepExec {
            session_dir,
            self_exe,
        }
    }

    /// Runs one attempt to its end; `Send` when `on_line` is.
    pub async fn run(&self, request: &ExecRequest, on_line: impl FnMut(&str)) -> RunReport {
        exec::run_to_end(&self.session_dir, request, &self.self_exe, on_line).await
    }

    /// Finds an attempt an earlier process started and follows it to its end.
    pub async fn attach<F: FnMut(&str) + ?Sized>(
        &self,
        step: &str,
        attempt: u32,
        on_line: &mut F,
    ) -> Attached {
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
                let report =
                    exec::wait_for_end(&self.session_dir, &stem, follow, &mut |l| on_line(l)).await;
                match report.outcome {
                    Some(_) => Attached::Ended(report),
                    None => Attached::Gone,
                }
            }
        }
    }
}

/// The screens' runner: each attempt is a task of the screens' runtime that reports only
/// by sending events (quitting drops the task; the supervisor goes on and a resume
/// re-attaches).
impl Runner for StepExec {
    fn start(&mut self, request: ExecRequest, events: &EventSender) {
        let exec = self.clone();
        let events = events.clone();
        tokio::spawn(async move {
            let step = request.step.clone();
            let lines = events.clone();
            let report = exec
                .run(&request, move |line: &str| {
                    let _ = lines.send(AppEvent::StepOutput {
                        step: step.clone(),
                        line: line.to_string(),
                    });
                })
                .await;
            let _ = events.send(AppEvent::StepFinished {
                step: request.step,
                attempt: request.attempt,
                report,
            });
        });
    }

    fn attach(&mut self, step: &str, attempt: u32, events: &EventSender) {
        let exec = self.clone();
        let events = events.clone();
        let step = step.to_string();
        tokio::spawn(async move {
            let lines = events.clone();
            let named = step.clone();
            let mut on_line = move |line: &str| {
                let _ = lines.send(AppEvent::StepOutput {
                    step: named.clone(),
                    line: line.to_string(),
                });
            };
            let event = match exec.attach(&step, attempt, &mut on_line).await {
                Attached::Ended(report) => AppEvent::StepFinished {
                    step,
                    attempt,
                    report,
                },
                Attached::Gone => AppEvent::StepLost { step, attempt },
            };
            let _ = events.send(event);
        });
    }

    fn cancel(&mut self, step: &str, attempt: u32) {
        // The supervisor stops the step; its end arrives as the attempt's `StepFinished`.
        let _ = exec::request_cancel(&self.session_dir, &exec::step_stem(step, attempt));
    }
}

/// The headless runner: blocks the calling thread on [`StepExec`], with one runtime for the
/// whole drive.
pub struct ExecRunner {
    exec: StepExec,
    runtime: tokio::runtime::Runtime,
}

impl ExecRunner {
    /// A runner for one session directory. Fails (before anything runs) only when the
    /// system refuses the runtime's resources.
    pub fn new(session_dir: PathBuf, self_exe: PathBuf) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime that follows steps: {e}"))?;
        Ok(ExecRunner {
            exec: StepExec::new(session_dir, self_exe),
            runtime,
        })
    }
}

impl StepRunner for ExecRunner {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        self.runtime.block_on(self.exec.run(request, on_line))
    }

    fn attach(&mut self, step: &str, attempt: u32, on_line: &mut dyn FnMut(&str)) -> Attached {
        self.runtime
            .block_on(self.exec.attach(step, attempt, on_line))
    }
}

#[cfg(test)]
mod tests;
