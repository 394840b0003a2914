//! What the screens show of a session, derived from the engine after every change: the
//! step under the cursor (owned, so render code needs no engine), progress and the plan.

use crate::session::engine::{Ask, Engine, Need, Next};
use crate::session::event::{AnswerValue, Outcome};
use crate::session::state::{SessionStatus, StepRecord, StepStatus};
use crate::session::steps::PlannedStep;
use crate::wizard::condition::Truth;
use crate::wizard::template::render;
use crate::wizard::{Amount, CheckSpec, InputDef, OnInterrupt, StepDef, StepKind};

use super::text::command_line;

/// A value the current step still needs.
#[derive(Debug, Clone, PartialEq)]
pub struct AskView {
    pub key: String,
    pub input: InputDef,
    pub default: Option<AnswerValue>,
    pub secret_again: bool,
}

impl AskView {
    fn from(ask: &Ask<'_>) -> Self {
        AskView {
            key: ask.key.clone(),
            input: ask.input.clone(),
            default: ask.default.clone(),
            secret_again: ask.secret_again,
        }
    }
}

/// What the current step waits for (the engine's `Need`, owned).
#[derive(Debug, Clone, PartialEq)]
pub enum NeedView {
    Answers(Vec<AskView>),
    Interrupted {
        attempt: u32,
        policy: OnInterrupt,
    },
    Running {
        attempt: u32,
    },
    Failed {
        outcome: Outcome,
        exit_code: Option<i32>,
    },
    Confirm {
        word: String,
    },
    Checklist {
        unticked: Vec<usize>,
    },
    Execute,
    Acknowledge,
    /// Only while the operator reviews a step that just succeeded.
    Succeeded,
}

/// The step under the cursor, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    pub key: String,
    pub def: StepDef,
    pub wizard_title: String,
    /// The `for_each` value this instance runs for.
    pub item: Option<String>,
    pub body: Option<String>,
    pub server: Option<String>,
    /// The command as shown (secrets `****`), when the step runs one.
    pub command: Option<String>,
    /// A built-in check, described in words.
    pub check: Option<String>,
    pub record: StepRecord,
    pub need: NeedView,
    /// Values to give again before a re-run (secrets live only in memory).
    pub reasks: Vec<AskView>,
}

/// Where the session stands, for the screens.
#[derive(Debug, Clone, PartialEq)]
pub enum Current {
    Step(Box<StepView>),
    AllDone,
    Ended(SessionStatus),
}

/// How a plan row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Pending,
    Running,
    Done,
    MarkedDone,
    Skipped,
    Failed,
    Interrupted,
    NotApplicable,
    /// Depends on an answer not given yet.
    Undecided,
}

/// One line of the plan overview.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub depth: usize,
    pub title: String,
    /// `None` for the label of a `for_each` instance.
    pub status: Option<RowStatus>,
    pub key: Option<String>,
}

/// Everything derived from the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    pub current: Current,
    /// Resolved and applicable steps (`Engine::progress`).
    pub progress: (usize, usize),
    /// Some steps wait on an answer to know whether they apply: the total may still grow.
    pub undecided: bool,
    pub plan: Vec<PlanRow>,
    /// The plan row of the current step.
    pub current_row: Option<usize>,
}

/// Derives the view.
pub fn derive(engine: &Engine<'_>) -> SessionView {
    let steps = engine.steps();
    let current = match engine.next() {
        Next::Ended => Current::Ended(engine.state.status.clone()),
        Next::AllDone => Current::AllDone,
        Next::Step { step, need } => Current::Step(Box::new(step_view(engine, &step, &need))),
    };
    let current_key = match &current {
        Current::Step(s) => Some(s.key.clone()),
        _ => None,
    };
    let (plan, current_row) = plan_rows(engine, &steps, current_key.as_deref());
    SessionView {
        current,
        progress: engine.progress(),
        undecided: engine.undecided(),
        plan,
        current_row,
    }
}

fn step_view(engine: &Engine<'_>, step: &PlannedStep<'_>, need: &Need<'_>) -> StepView {
    let drill = engine.state.meta.as_ref().is_some_and(|m| m.drill);
    let fill = |template: &str| -> String {
        render(template, |name| {
            Some(
                step.lookup(&engine.state.answers, drill, name)
                    .map(|v| v.as_text())
                    .or_else(|| engine.display_value(step, name))
                    .unwrap_or_else(|| engine.unknown_words(step, name)),
            )
        })
        .unwrap_or_else(|_| template.to_string())
    };
    let record = engine.state.step(&step.key);
    let def = step.def;
    // Titles and checklist items may name answers; they are shown filled in.
    let mut shown = def.clone();
    shown.title = engine.render_text(step, &def.title);
    shown.checklist = def
        .checklist
        .iter()
        .map(|item| engine.render_text(step, item))
        .collect();
    let command = if def.argv.is_empty() {
        None
    } else {
        let argv = match engine.exec_request(step, record.attempts + 1) {
            Ok(request) => request.display_argv,
            Err(_) if !record.argv.is_empty() => record.argv.clone(),
            Err(_) => def.argv.iter().map(|t| fill(t)).collect(),
        };
        Some(command_line(&argv))
    };
    let check = def
        .check
        .as_ref()
        .and_then(|spec| describe_check(spec, &fill));
    let need_view = match need {
        Need::Answers(asks) => NeedView::Answers(asks.iter().map(AskView::from).collect()),
        Need::Interrupted { attempt, policy } => NeedView::Interrupted {
            attempt: *attempt,
            policy: *policy,
        },
        Need::Running { attempt } => NeedView::Running { attempt: *attempt },
        Need::Failed { outcome, exit_code } => NeedView::Failed {
            outcome: *outcome,
            exit_code: *exit_code,
        },
        Need::Confirm { word } => NeedView::Confirm { word: word.clone() },
        Need::Checklist { unticked } => NeedView::Checklist {
            unticked: unticked.clone(),
        },
        Need::Execute => NeedView::Execute,
        Need::Acknowledge => NeedView::Acknowledge,
    };
    let reasks = match need {
        Need::Interrupted { .. } => engine
            .missing_answers(step)
            .iter()
            .map(AskView::from)
            .collect(),
        _ => vec![],
    };
    StepView {
        key: step.key.clone(),
        def: shown,
        wizard_title: step.wizard.title.clone(),
        item: step.items.first().cloned(),
        body: def.body.as_deref().map(fill),
        server: def.server.as_deref().map(fill),
        command,
        check,
        record,
        need: need_view,
        reasks,
    }
}

/// A check in words (`command` checks show their command line instead).
fn describe_check(spec: &CheckSpec, fill: &dyn Fn(&str) -> String) -> Option<String> {
    Some(match spec {
        CheckSpec::PathExists {
            path,
            max_age_s,
            max_age_h,
        } => match (max_age_s, max_age_h) {
            (_, Some(Amount::Fixed(h))) => {
                format!("check: '{}' exists, at most {h} h old", fill(path))
            }
            (_, Some(Amount::Template(h))) => {
                format!("check: '{}' exists, at most {} h old", fill(path), fill(h))
            }
            (Some(age), None) => format!("check: '{}' exists, at most {age} s old", fill(path)),
            (None, None) => format!("check: '{}' exists", fill(path)),
        },
        CheckSpec::XmlContains { path, element } => match element {
            Some(e) => format!("check: '{}' is XML with <{}>", fill(path), fill(e)),
            None => format!("check: '{}' is well-formed XML", fill(path)),
        },
        CheckSpec::TcpConnect { host, port } => {
            format!("check: TCP connect to {}:{}", fill(host), fill(port))
        }
        CheckSpec::Dns { name, srv, expect } => {
            let what = if *srv { "SRV record" } else { "name" };
            match expect {
                Some(e) => format!("check: DNS {what} {} resolves to {}", fill(name), fill(e)),
                None => format!("check: DNS {what} {} resolves", fill(name)),
            }
        }
        CheckSpec::OnPath { program } => format!("check: '{}' is on PATH", fill(program)),
        CheckSpec::FreeSpace { path, min_mb } => {
            format!("check: at least {min_mb} MB free on '{}'", fill(path))
        }
        CheckSpec::Command { .. } => return None,
    })
}

fn plan_rows(
    engine: &Engine<'_>,
    steps: &[PlannedStep<'_>],
    current: Option<&str>,
) -> (Vec<PlanRow>, Option<usize>) {
    let mut rows = Vec::with_capacity(steps.len());
    let mut current_row = None;
    let mut last_scope = String::new();
    for step in steps {
        let scope = step.scopes.first().cloned().unwrap_or_default();
        if scope != last_scope
            && scope.ends_with("]/")
            && let Some(item) = step.items.first()
        {
            rows.push(PlanRow {
                depth: step.depth,
                title: format!("[{item}]"),
                status: None,
                key: None,
            });
        }
        last_scope = scope;
        if current == Some(step.key.as_str()) {
            current_row = Some(rows.len());
        }
        rows.push(PlanRow {
            depth: step.depth,
            title: engine.render_text(step, &step.def.title),
            status: Some(row_status(&step.applies, &engine.state.step(&step.key))),
            key: Some(step.key.clone()),
        });
    }
    (rows, current_row)
}

fn row_status(applies: &Truth, record: &StepRecord) -> RowStatus {
    match &record.status {
        StepStatus::Succeeded | StepStatus::Completed => RowStatus::Done,
        StepStatus::MarkedDone { .. } => RowStatus::MarkedDone,
        StepStatus::Skipped { .. } => RowStatus::Skipped,
        StepStatus::Failed { .. } => RowStatus::Failed,
        StepStatus::Interrupted { .. } => RowStatus::Interrupted,
        StepStatus::Running { .. } => RowStatus::Running,
        StepStatus::Pending | StepStatus::Entered => match applies {
            Truth::False => RowStatus::NotApplicable,
            Truth::Unknown(_) => RowStatus::Undecided,
            Truth::True => RowStatus::Pending,
        },
    }
}

impl StepView {
    /// The title with the `for_each` value it runs for.
    pub fn heading(&self) -> String {
        match &self.item {
            Some(item) => format!("{} [{item}]", self.def.title),
            None => self.def.title.clone(),
        }
    }

    /// True for the kinds whose completion needs no decision once their answers are in.
    pub fn completes_itself(&self) -> bool {
        matches!(
            self.def.kind,
            StepKind::Choice | StepKind::Input | StepKind::Include
        )
    }
}
