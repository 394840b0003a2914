//! Where the session stands: the expanded steps, the one under the cursor and what it
//! still needs (answers with their defaults, a confirmation, a checklist, a run).

use super::super::event::{AnswerValue, Answers, Outcome};
use super::super::state::{SessionStatus, StepStatus};
use super::super::steps::{PlannedStep, expand};
use super::Engine;
use super::templates_of;
use crate::wizard::condition::Truth;
use crate::wizard::template::{placeholders, render};
use crate::wizard::validate::validate_value;
use crate::wizard::{DrillMode, InputDef, InputKind, OnInterrupt, StepDef, StepKind};

/// A value the session still needs before the current step can go on.
#[derive(Debug, Clone)]
pub struct Ask<'a> {
    /// Scoped key the answer will be stored under.
    pub key: String,
    pub input: &'a InputDef,
    /// The default (inventory first, then the wizard's), already validated.
    pub default: Option<AnswerValue>,
    /// Asked again because secrets are never stored.
    pub secret_again: bool,
}

/// What the step under the cursor is waiting for.
#[derive(Debug, Clone)]
pub enum Need<'a> {
    Answers(Vec<Ask<'a>>),
    /// Started before lifeline stopped, and no process is left to say how it ended.
    Interrupted {
        attempt: u32,
        policy: OnInterrupt,
    },
    /// Journaled as started; the driver must find its process or declare it interrupted.
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
    /// A command or check is ready to start.
    Execute,
    /// Nothing to run: info, a choice already answered, a finished form, an include.
    Acknowledge,
}

/// Where the session stands.
#[derive(Debug, Clone)]
pub enum Next<'a> {
    Step {
        step: PlannedStep<'a>,
        need: Need<'a>,
    },
    /// Every applicable step is resolved: the session can be finished.
    AllDone,
    /// Finished or aborted.
    Ended,
}

impl<'a> Engine<'a> {
    /// The whole expanded step list.
    pub fn steps(&self) -> Vec<PlannedStep<'a>> {
        expand(self.catalog, self.root, &self.state.answers, self.drill())
    }

    /// Progress as (resolved, total) over the steps known to apply. Steps whose condition
    /// waits on an answer not given yet are left out until it is given, so the total grows
    /// as the operator describes the loss instead of starting at every step of every path.
    pub fn progress(&self) -> (usize, usize) {
        let steps = self.steps();
        let resolved = |s: &PlannedStep<'_>| self.state.step(&s.key).status.is_resolved();
        // A procedure (an include) is not a screen the operator meets: its steps are.
        let relevant: Vec<_> = steps
            .iter()
            .filter(|s| s.def.kind != StepKind::Include)
            .filter(|s| s.applies == Truth::True || (s.applies != Truth::False && resolved(s)))
            .collect();
        let done = relevant.iter().filter(|s| resolved(s)).count();
        (done, relevant.len())
    }

    /// Whether steps still wait on an answer to know if they apply (or, behind a repeated
    /// procedure whose list is not answered yet, whether they exist): the total of
    /// [`progress`](Self::progress) grows (or not) as decisions are made.
    pub fn undecided(&self) -> bool {
        self.steps().iter().any(|s| {
            let open = s.def.kind == StepKind::Include
                && s.def.for_each.is_some()
                && s.applies != Truth::False
                && !self.state.step(&s.key).status.is_resolved();
            matches!(s.applies, Truth::Unknown(_)) || open
        })
    }

    /// The step under the cursor and what it needs.
    pub fn next(&self) -> Next<'a> {
        if self.state.status != SessionStatus::InProgress {
            return Next::Ended;
        }
        for step in self.steps() {
            if step.applies == Truth::False {
                continue;
            }
            let record = self.state.step(&step.key);
            if record.status.is_resolved() {
                continue;
            }
            let need = self.need(&step);
            return Next::Step { step, need };
        }
        Next::AllDone
    }

    pub(super) fn need(&self, step: &PlannedStep<'a>) -> Need<'a> {
        let record = self.state.step(&step.key);
        match record.status {
            StepStatus::Running { attempt } => return Need::Running { attempt },
            StepStatus::Interrupted { attempt } => {
                return Need::Interrupted {
                    attempt,
                    policy: step.def.interrupt_policy(),
                };
            }
            _ => {}
        }
        let asks = self.missing_answers(step);
        if !asks.is_empty() {
            return Need::Answers(asks);
        }
        if let StepStatus::Failed { outcome } = record.status {
            return Need::Failed {
                outcome,
                exit_code: record.exit_code,
            };
        }
        if let Some(word) = &step.def.confirm
            && !record.confirmed
            && self.runs_for_real(step.def)
        {
            // A confirmation may name what it protects (`confirm = "{{target_pool_fqdn}}"`).
            return Need::Confirm {
                word: self.render_text(step, word),
            };
        }
        match step.def.kind {
            StepKind::Manual => {
                let unticked: Vec<usize> = (0..step.def.checklist.len())
                    .filter(|i| !record.ticked.contains(i))
                    .collect();
                if unticked.is_empty() {
                    Need::Acknowledge
                } else {
                    Need::Checklist { unticked }
                }
            }
            StepKind::Command | StepKind::Check => Need::Execute,
            _ => Need::Acknowledge,
        }
    }

    /// A drill confirms nothing for real, but a simulated point of no return is still
    /// confirmed so the trainee practises it.
    pub(super) fn runs_for_real(&self, def: &StepDef) -> bool {
        !(self.drill() && def.drill_mode() == DrillMode::Skip)
    }

    /// The inputs the step still needs, in the order it uses them.
    pub fn missing_answers(&self, step: &PlannedStep<'a>) -> Vec<Ask<'a>> {
        let mut names: Vec<String> = Vec::new();
        if let Truth::Unknown(missing) = &step.applies {
            names.extend(missing.iter().cloned());
        }
        let def = step.def;
        match def.kind {
            StepKind::Choice => names.extend(def.input.iter().cloned()),
            StepKind::Input => names.extend(def.inputs.iter().cloned()),
            StepKind::Include => names.extend(def.for_each.iter().cloned()),
            _ => {}
        }
        for template in templates_of(def) {
            names.extend(
                placeholders(template)
                    .into_iter()
                    .map(|p| p.name.to_string()),
            );
        }
        let mut asks: Vec<Ask<'a>> = Vec::new();
        for name in names {
            if name == "item" || name == "drill" || asks.iter().any(|a| a.input.id == name) {
                continue;
            }
            let Some(input) = self.input_def(step, &name) else {
                continue;
            };
            let known = step.lookup(&self.state.answers, self.drill(), &name);
            let secret_again = match &known {
                Some(_) if input.kind == InputKind::Secret => {
                    let key = self.resolved_key(step, &name);
                    !key.is_some_and(|k| self.secrets.contains_key(&k))
                }
                Some(_) => continue,
                None => false,
            };
            if known.is_some() && !secret_again {
                continue;
            }
            asks.push(Ask {
                key: self
                    .resolved_key(step, &name)
                    .unwrap_or_else(|| step.answer_key(&name)),
                input,
                default: None,
                secret_again,
            });
        }
        self.chain_defaults(step, &mut asks);
        asks
    }

    /// Fills in the defaults of asks that are asked together: a default may refer to another
    /// input of the same form (`'{{settings_dir}}\pool.xml'`), so each round sees the
    /// defaults the others got in the round before, until nothing changes.
    pub(super) fn chain_defaults(&self, step: &PlannedStep<'a>, asks: &mut [Ask<'a>]) {
        let mut provisional = Answers::new();
        for _ in 0..=asks.len() {
            let mut changed = false;
            for ask in asks.iter_mut() {
                let default = self.default_with(step, ask.input, &provisional);
                if default != ask.default {
                    ask.default = default;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
            provisional = asks
                .iter()
                .filter_map(|a| Some((a.input.id.clone(), a.default.clone()?)))
                .collect();
        }
    }

    /// The input definition as the step sees it: its own wizard first, then the root.
    pub(super) fn input_def(&self, step: &PlannedStep<'a>, name: &str) -> Option<&'a InputDef> {
        step.wizard
            .inputs
            .iter()
            .find(|i| i.id == name)
            .or_else(|| self.catalog.input(self.root, name))
    }

    /// The key an existing answer was stored under, searching scopes innermost first.
    pub(super) fn resolved_key(&self, step: &PlannedStep<'a>, name: &str) -> Option<String> {
        step.scopes
            .iter()
            .map(|scope| format!("{scope}{name}"))
            .find(|k| self.state.answers.contains_key(k))
    }

    /// The default for an input: the inventory's value when it has one, else the wizard's.
    pub fn default_for(&self, step: &PlannedStep<'a>, input: &InputDef) -> Option<AnswerValue> {
        self.default_with(step, input, &Answers::new())
    }

    /// [`Engine::default_for`], with `provisional` values (by input id) for inputs not
    /// answered yet: the defaults of the other inputs asked at the same time.
    pub(super) fn default_with(
        &self,
        step: &PlannedStep<'a>,
        input: &InputDef,
        provisional: &Answers,
    ) -> Option<AnswerValue> {
        let known = |n: &str| {
            step.lookup(&self.state.answers, self.drill(), n)
                .or_else(|| provisional.get(n).cloned())
                .map(|v| v.as_text())
        };
        if let Some(key) = &input.default_from {
            let key = render(key, known);
            if let Ok(key) = key
                && let Some(v) = self.defaults.lookup(&key)
                && let Ok(valid) = validate_value(input, &v)
            {
                return Some(valid);
            }
        }
        let literal = input.default.as_ref()?;
        let value = match literal {
            toml::Value::Boolean(b) => AnswerValue::Bool(*b),
            toml::Value::String(s) => {
                let s = render(s, known).ok()?;
                AnswerValue::Text(s)
            }
            toml::Value::Array(items) => AnswerValue::List(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            other => AnswerValue::Text(other.to_string()),
        };
        validate_value(input, &value).ok()
    }
}
