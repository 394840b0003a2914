//! What the step under the cursor needs, detached from the engine's borrows; and the dry
//! run's runner.

use crate::session::engine::Need;
use crate::session::event::Outcome;
use crate::wizard::OnInterrupt;

use super::super::driver::{Attached, StepRunner};

/// The need, detached from the engine's borrows so the driver can be mutated.
pub(super) enum Pending {
    Answers(
        Vec<(
            String,
            crate::wizard::InputKind,
            Option<crate::session::event::AnswerValue>,
        )>,
    ),
    Running {
        attempt: u32,
    },
    Interrupted {
        policy: OnInterrupt,
    },
    Failed {
        message: String,
    },
    Confirm {
        word: String,
    },
    Checklist {
        unticked: Vec<usize>,
    },
    Execute,
    Acknowledge,
}

pub(super) fn summarize(need: &Need<'_>) -> Pending {
    match need {
        Need::Answers(asks) => Pending::Answers(
            asks.iter()
                .map(|a| (a.key.clone(), a.input.kind, a.default.clone()))
                .collect(),
        ),
        Need::Running { attempt } => Pending::Running { attempt: *attempt },
        Need::Interrupted { policy, .. } => Pending::Interrupted { policy: *policy },
        Need::Failed { outcome, exit_code } => Pending::Failed {
            message: match exit_code {
                Some(code) => format!("{} (exit code {code})", Outcome::words(*outcome)),
                None => Outcome::words(*outcome).to_string(),
            },
        },
        Need::Confirm { word } => Pending::Confirm { word: word.clone() },
        Need::Checklist { unticked } => Pending::Checklist {
            unticked: unticked.clone(),
        },
        Need::Execute => Pending::Execute,
        Need::Acknowledge => Pending::Acknowledge,
    }
}

/// A runner that runs nothing and reports success: the dry run's stand-in.
pub struct SucceedingRunner;

impl StepRunner for SucceedingRunner {
    fn run(
        &mut self,
        _request: &crate::session::engine::ExecRequest,
        _on_line: &mut dyn FnMut(&str),
    ) -> crate::session::engine::RunReport {
        crate::session::engine::RunReport {
            outcome: Some(Outcome::Succeeded),
            exit_code: Some(0),
            ..Default::default()
        }
    }
    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        Attached::Gone
    }
}
