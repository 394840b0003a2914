//! The session engine: given the state (the fold of the journal) and an intent from the
//! operator or the runner, decide what happens next and return it as effects.
//!
//! Pure: no disk, clock, terminal or process. The driver carries out the effects in order,
//! appending each event (fsynced) before it carries out anything that follows it.

use std::collections::BTreeMap;

use thiserror::Error;

use super::event::{AnswerValue, Answers, Event, Outcome, PlannedFault, REDACTED};
use super::state::{SessionState, SessionStatus, StepStatus};
use super::steps::{PlannedStep, expand};
use crate::exec::quote::quote;
use crate::wizard::condition::Truth;
use crate::wizard::template::{placeholders, render};
use crate::wizard::validate::validate_value;
use crate::wizard::{
    Amount, Catalog, CheckSpec, DrillMode, InputDef, InputKind, OnInterrupt, Shell, StepDef,
    StepKind,
};

/// Where default values come from (the inventory); keys are `default_from` strings.
pub trait Defaults {
    fn lookup(&self, key: &str) -> Option<AnswerValue>;
}

/// No inventory.
pub struct NoDefaults;

impl Defaults for NoDefaults {
    fn lookup(&self, _key: &str) -> Option<AnswerValue> {
        None
    }
}

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

/// An operator decision or a runner report.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    Answer {
        key: String,
        value: AnswerValue,
    },
    Enter {
        step: String,
    },
    Confirm {
        step: String,
        word: String,
    },
    Tick {
        step: String,
        item: usize,
        ticked: bool,
    },
    Acknowledge {
        step: String,
    },
    /// Start (or retry, or re-run after an interruption) a command or check.
    Start {
        step: String,
    },
    /// The runner reports how an attempt ended.
    Finished {
        step: String,
        attempt: u32,
        report: RunReport,
    },
    /// The driver found no process for a step journaled as running.
    Interrupted {
        step: String,
        attempt: u32,
    },
    Skip {
        step: String,
        reason: String,
    },
    MarkDone {
        step: String,
        note: Option<String>,
    },
    Note {
        step: Option<String>,
        text: String,
    },
    FinishSession,
    Abort {
        reason: String,
    },
}

/// How an attempt ended, as the runner saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunReport {
    pub outcome: Option<Outcome>,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub duration_ms: u64,
    pub output: Option<String>,
    pub tail: Vec<String>,
    pub message: Option<String>,
}

/// What the driver must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Journal this event (write + fsync) before anything after it.
    Append(Event),
    /// Keep a secret's value in memory for this process only.
    RememberSecret { key: String, value: String },
    /// Run (or simulate) an attempt; report back with `Intent::Finished`.
    Execute(ExecRequest),
}

/// Everything the runner needs for one attempt, with templates filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecRequest {
    pub step: String,
    pub attempt: u32,
    /// The real argv (holds secrets; never journaled or shown).
    pub argv: Vec<String>,
    /// The argv as shown and journaled, secrets as `****`.
    pub display_argv: Vec<String>,
    pub cwd: Option<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Option<String>,
    pub timeout_s: Option<u64>,
    pub success_codes: Vec<i32>,
    /// A built-in check (its fields rendered); for `command` checks `argv` is the command.
    pub check: Option<CheckSpec>,
    /// In a drill: what to pretend happened instead of running anything.
    pub simulate: Option<Simulation>,
    /// Secret values to mask in any output.
    pub secrets: Vec<String>,
}

/// A drill's stand-in for running a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub duration_s: u64,
    pub output: String,
    pub outcome: Outcome,
    pub exit_code: i32,
}

/// Why an intent was refused. The message is for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    #[error("no step '{0}' in this session")]
    UnknownStep(String),
    #[error("step '{0}' is not the current step")]
    NotCurrent(String),
    #[error("no input '{0}' is asked here")]
    UnknownInput(String),
    #[error("'{key}': {message}")]
    InvalidAnswer { key: String, message: String },
    #[error("step '{step}' needs the word '{word}' typed to confirm")]
    WrongConfirmation { step: String, word: String },
    #[error("step '{step}' cannot do that now: {why}")]
    NotNow { step: String, why: String },
    #[error("the session has ended")]
    Ended,
    #[error("a skip needs a reason")]
    NoReason,
    #[error("'max_age_h' must fill in to a whole number of hours, not '{0}'")]
    NotAHours(String),
}

/// A session seen by the engine: the pinned wizards, the state, and what only memory holds.
pub struct Engine<'a> {
    pub catalog: &'a Catalog,
    pub root: &'a str,
    pub state: &'a SessionState,
    pub secrets: &'a BTreeMap<String, String>,
    pub defaults: &'a dyn Defaults,
}

impl<'a> Engine<'a> {
    fn drill(&self) -> bool {
        self.state.meta.as_ref().is_some_and(|m| m.drill)
    }

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
        let relevant: Vec<_> = steps
            .iter()
            .filter(|s| s.applies == Truth::True || (s.applies != Truth::False && resolved(s)))
            .collect();
        let done = relevant.iter().filter(|s| resolved(s)).count();
        (done, relevant.len())
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

    fn need(&self, step: &PlannedStep<'a>) -> Need<'a> {
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
    fn runs_for_real(&self, def: &StepDef) -> bool {
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
    fn chain_defaults(&self, step: &PlannedStep<'a>, asks: &mut [Ask<'a>]) {
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
    fn input_def(&self, step: &PlannedStep<'a>, name: &str) -> Option<&'a InputDef> {
        step.wizard
            .inputs
            .iter()
            .find(|i| i.id == name)
            .or_else(|| self.catalog.input(self.root, name))
    }

    /// The key an existing answer was stored under, searching scopes innermost first.
    fn resolved_key(&self, step: &PlannedStep<'a>, name: &str) -> Option<String> {
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
    fn default_with(
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

    /// Decides an intent. Nothing changes until the driver journals the returned events.
    pub fn handle(&self, intent: Intent) -> Result<Vec<Effect>, EngineError> {
        if self.state.status != SessionStatus::InProgress && !matches!(intent, Intent::Note { .. })
        {
            return Err(EngineError::Ended);
        }
        match intent {
            Intent::Answer { key, value } => self.answer(key, value),
            Intent::Note { step, text } => {
                Ok(vec![Effect::Append(Event::NoteAdded { step, text })])
            }
            Intent::Abort { reason } => Ok(vec![Effect::Append(Event::SessionAborted { reason })]),
            Intent::FinishSession => match self.next() {
                Next::AllDone => Ok(vec![Effect::Append(Event::SessionFinished {})]),
                Next::Step { step, .. } => Err(EngineError::NotNow {
                    step: step.key,
                    why: "it is not resolved yet".into(),
                }),
                Next::Ended => Err(EngineError::Ended),
            },
            Intent::Finished {
                step,
                attempt,
                report,
            } => self.finished(step, attempt, report),
            Intent::Interrupted { step, attempt } => {
                let record = self.state.step(&step);
                if record.status != (StepStatus::Running { attempt }) {
                    return Err(EngineError::NotNow {
                        step,
                        why: "it is not running".into(),
                    });
                }
                Ok(vec![Effect::Append(Event::StepInterrupted {
                    step,
                    attempt,
                })])
            }
            other => self.step_intent(other),
        }
    }

    fn answer(&self, key: String, value: AnswerValue) -> Result<Vec<Effect>, EngineError> {
        // Whatever the current step still lacks may be answered, even when the step waits on
        // something else first (an interrupted step whose secret must be given again).
        let Next::Step { step, .. } = self.next() else {
            return Err(EngineError::UnknownInput(key));
        };
        let asks = self.missing_answers(&step);
        let Some(ask) = asks.iter().find(|a| a.key == key) else {
            return Err(EngineError::UnknownInput(key));
        };
        let value =
            validate_value(ask.input, &value).map_err(|message| EngineError::InvalidAnswer {
                key: key.clone(),
                message,
            })?;
        if ask.input.kind == InputKind::Secret {
            let text = value.as_text();
            let mut effects = vec![Effect::RememberSecret {
                key: key.clone(),
                value: text,
            }];
            if !ask.secret_again {
                effects.push(Effect::Append(Event::AnswerGiven {
                    key,
                    value: AnswerValue::Text(REDACTED.into()),
                    secret: true,
                }));
            }
            return Ok(effects);
        }
        Ok(vec![Effect::Append(Event::AnswerGiven {
            key,
            value,
            secret: false,
        })])
    }

    fn step_intent(&self, intent: Intent) -> Result<Vec<Effect>, EngineError> {
        let key = match &intent {
            Intent::Enter { step }
            | Intent::Confirm { step, .. }
            | Intent::Tick { step, .. }
            | Intent::Acknowledge { step }
            | Intent::Start { step }
            | Intent::Skip { step, .. }
            | Intent::MarkDone { step, .. } => step.clone(),
            _ => unreachable!("handled by the caller"),
        };
        let Next::Step { step, need } = self.next() else {
            return Err(EngineError::NotCurrent(key));
        };
        if step.key != key {
            return if self.steps().iter().any(|s| s.key == key) {
                Err(EngineError::NotCurrent(key))
            } else {
                Err(EngineError::UnknownStep(key))
            };
        }
        let not_now = |why: &str| EngineError::NotNow {
            step: key.clone(),
            why: why.to_string(),
        };
        let record = self.state.step(&key);
        match intent {
            Intent::Enter { .. } => Ok(vec![Effect::Append(Event::StepEntered { step: key })]),
            Intent::Confirm { word, .. } => match &need {
                Need::Confirm { word: expected } if *expected == word.trim() => {
                    Ok(vec![Effect::Append(Event::StepConfirmed {
                        step: key,
                        word: expected.clone(),
                    })])
                }
                Need::Confirm { word: expected } => Err(EngineError::WrongConfirmation {
                    step: key,
                    word: expected.clone(),
                }),
                _ => Err(not_now("it needs no confirmation now")),
            },
            Intent::Tick { item, ticked, .. } => {
                if step.def.kind != StepKind::Manual || item >= step.def.checklist.len() {
                    return Err(not_now("it has no such checklist item"));
                }
                if matches!(need, Need::Answers(_) | Need::Confirm { .. }) {
                    return Err(not_now("it still needs answers or a confirmation"));
                }
                Ok(vec![Effect::Append(Event::ChecklistTicked {
                    step: key,
                    item,
                    ticked,
                })])
            }
            Intent::Acknowledge { .. } => match need {
                Need::Acknowledge => Ok(vec![Effect::Append(Event::StepCompleted { step: key })]),
                Need::Checklist { .. } => Err(not_now("tick every checklist item first")),
                _ => Err(not_now("it is not ready to be completed")),
            },
            Intent::Start { .. } => match need {
                Need::Execute | Need::Failed { .. } => self.start(&step, record.attempts + 1),
                Need::Interrupted { .. } => self.start(&step, record.attempts + 1),
                Need::Confirm { .. } => Err(not_now("type the confirmation word first")),
                Need::Answers(_) => Err(not_now("it still needs answers")),
                Need::Running { .. } => Err(not_now("it is already running")),
                _ => Err(not_now("it does not run anything")),
            },
            Intent::Skip { reason, .. } => {
                if reason.trim().is_empty() {
                    return Err(EngineError::NoReason);
                }
                if matches!(need, Need::Running { .. }) {
                    return Err(not_now("it is running"));
                }
                Ok(vec![Effect::Append(Event::StepSkipped {
                    step: key,
                    reason: reason.trim().to_string(),
                })])
            }
            Intent::MarkDone { note, .. } => {
                if matches!(need, Need::Running { .. } | Need::Answers(_)) {
                    return Err(not_now("it is running or still needs answers"));
                }
                Ok(vec![Effect::Append(Event::StepMarkedDone {
                    step: key,
                    note,
                })])
            }
            _ => unreachable!("handled by the caller"),
        }
    }

    fn start(&self, step: &PlannedStep<'a>, attempt: u32) -> Result<Vec<Effect>, EngineError> {
        let def = step.def;
        if !def.executes() {
            return Err(EngineError::NotNow {
                step: step.key.clone(),
                why: "it does not run anything".into(),
            });
        }
        let fault = self.fault_for(&step.key, attempt);
        if self.drill() && def.drill_mode() == DrillMode::Skip && fault.is_none() {
            return Ok(vec![Effect::Append(Event::StepSkipped {
                step: step.key.clone(),
                reason: "not exercised in a drill".into(),
            })]);
        }
        let request = self.exec_request(step, attempt)?;
        let mut effects = Vec::with_capacity(3);
        if let Some(fault) = fault {
            effects.push(Effect::Append(Event::FaultInjected {
                step: step.key.clone(),
                attempt,
                fault: fault.id.clone(),
            }));
        }
        effects.push(Effect::Append(Event::StepStarted {
            step: step.key.clone(),
            attempt,
            argv: request.display_argv.clone(),
            simulated: request.simulate.is_some(),
        }));
        effects.push(Effect::Execute(request));
        Ok(effects)
    }

    /// The drill scenario's fault for this attempt (never outside a drill).
    pub fn fault_for(&self, key: &str, attempt: u32) -> Option<&'a PlannedFault> {
        let faults = self.state.drill_faults.as_ref().filter(|_| self.drill())?;
        faults.fault_for(key, attempt)
    }

    /// In a drill: what to pretend happened instead of running the step, if anything. A
    /// planned fault wins; a read-only check runs for real unless the scenario simulates checks.
    fn simulation(&self, step: &PlannedStep<'a>, attempt: u32) -> Option<Simulation> {
        if !self.drill() {
            return None;
        }
        let def = step.def;
        if let Some(fault) = self.fault_for(&step.key, attempt) {
            return Some(Simulation {
                duration_s: fault.duration_s.or(def.drill_duration_s).unwrap_or(2),
                output: fault.output.clone(),
                outcome: fault.outcome,
                exit_code: fault.exit_code.unwrap_or(1),
            });
        }
        let simulate_checks = self
            .state
            .drill_faults
            .as_ref()
            .is_some_and(|d| d.simulate_checks);
        match def.drill_mode() {
            DrillMode::Simulate => {}
            DrillMode::Real if simulate_checks => {}
            _ => return None,
        }
        let default_output = if def.kind == StepKind::Check {
            "(simulated: the check passed; nothing was run)"
        } else {
            "(simulated: nothing was run)"
        };
        Some(Simulation {
            duration_s: def.drill_duration_s.unwrap_or(2),
            output: def
                .drill_output
                .as_deref()
                .map(|text| self.render_text(step, text))
                .unwrap_or_else(|| default_output.into()),
            outcome: Outcome::Succeeded,
            exit_code: 0,
        })
    }

    /// Fills the step's templates: once with real values, once for display.
    pub fn exec_request(
        &self,
        step: &PlannedStep<'a>,
        attempt: u32,
    ) -> Result<ExecRequest, EngineError> {
        let def = step.def;
        let fill = |template: &str| -> Result<String, EngineError> {
            render(template, |name| self.value_for(step, name, false)).map_err(|missing| {
                EngineError::NotNow {
                    step: step.key.clone(),
                    why: format!("no value for '{}'", missing.join("', '")),
                }
            })
        };
        let argv = self.fill_argv(step, &def.argv, false)?;
        let display_argv = self.fill_argv(step, &def.argv, true)?;
        let cwd = def.cwd.as_deref().map(fill).transpose()?;
        let env = def
            .env
            .iter()
            .map(|(k, t)| Ok((k.clone(), fill(t)?)))
            .collect::<Result<Vec<_>, EngineError>>()?;
        let stdin = def.stdin.as_deref().map(fill).transpose()?;
        let check = match &def.check {
            Some(spec) => Some(render_check(spec, &fill)?),
            None => None,
        };
        let simulate = self.simulation(step, attempt);
        Ok(ExecRequest {
            step: step.key.clone(),
            attempt,
            argv,
            display_argv,
            cwd,
            env,
            stdin,
            timeout_s: def.timeout_s,
            success_codes: def.success_codes(),
            check,
            simulate,
            secrets: self
                .secrets
                .values()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect(),
        })
    }

    /// An argv's templates filled in (values quoted for the step's shell, if it has one, and
    /// the words joined into that shell's source text); `redact` puts `****` for secrets.
    fn fill_argv(
        &self,
        step: &PlannedStep<'a>,
        templates: &[String],
        redact: bool,
    ) -> Result<Vec<String>, EngineError> {
        let fill = |template: &str, shell: Option<Shell>| -> Result<String, EngineError> {
            render(template, |name| {
                let value = self.value_for(step, name, redact)?;
                Some(match shell {
                    Some(sh) => quote(sh, &value),
                    None => value,
                })
            })
            .map_err(|missing| EngineError::NotNow {
                step: step.key.clone(),
                why: format!("no value for '{}'", missing.join("', '")),
            })
        };
        match step.def.shell {
            None => templates.iter().map(|t| fill(t, None)).collect(),
            Some(shell) => {
                let words: Vec<String> = templates
                    .iter()
                    .map(|t| fill(t, Some(shell)))
                    .collect::<Result<_, _>>()?;
                Ok(shell_argv(shell, words.join(" ")))
            }
        }
    }

    /// The verification of an interrupted step under the `check` policy: the command step's
    /// `verify`, or a check step's own check. Not an attempt: nothing is journaled as started.
    ///
    /// A `command` verify runs its own `argv` like the step's command (same shell, `cwd` and
    /// `env`, no `stdin`, exit code 0 for success); the step's own argv is the work itself and
    /// never runs here. In a drill a `command` verify is simulated, like a `command` check.
    pub fn verify_request(
        &self,
        step: &PlannedStep<'a>,
    ) -> Result<Option<ExecRequest>, EngineError> {
        let spec = match (step.def.kind, &step.def.verify, &step.def.check) {
            (StepKind::Command, Some(verify), _) => verify,
            (StepKind::Check, _, Some(check)) => check,
            _ => return Ok(None),
        };
        let mut request = self.exec_request(step, 0)?;
        if let (StepKind::Command, CheckSpec::Command { argv, regex }) = (step.def.kind, spec) {
            if argv.is_empty() {
                return Ok(None);
            }
            request.argv = self.fill_argv(step, argv, false)?;
            request.display_argv = self.fill_argv(step, argv, true)?;
            request.stdin = None;
            request.success_codes = vec![0];
            request.check = Some(CheckSpec::Command {
                argv: vec![],
                regex: regex.clone(),
            });
            request.simulate = self.drill().then(|| Simulation {
                duration_s: 0,
                output: "(simulated: the verification passed)".into(),
                outcome: Outcome::Succeeded,
                exit_code: 0,
            });
            return Ok(Some(request));
        }
        let fill = |t: &str| -> Result<String, EngineError> {
            render(t, |name| self.value_for(step, name, false)).map_err(|missing| {
                EngineError::NotNow {
                    step: step.key.clone(),
                    why: format!("no value for '{}'", missing.join("', '")),
                }
            })
        };
        request.check = Some(render_check(spec, &fill)?);
        if spec.is_read_only() {
            // Only the check runs; never the step's own command.
            request.argv.clear();
            request.display_argv.clear();
            request.stdin = None;
        }
        // A scenario drill on a made-up deployment simulates its checks, verifications too.
        let simulate_checks = self.drill()
            && self
                .state
                .drill_faults
                .as_ref()
                .is_some_and(|d| d.simulate_checks);
        request.simulate = simulate_checks.then(|| Simulation {
            duration_s: 0,
            output: "(simulated: the verification passed; nothing was run)".into(),
            outcome: Outcome::Succeeded,
            exit_code: 0,
        });
        Ok(Some(request))
    }

    /// A display template (a step's title, a checklist item, its body or server) filled in
    /// with the answers as this step sees them. A placeholder with no answer yet stays visible
    /// as `{{name}}`, and a secret shows as `****` (the checker keeps secrets out of these
    /// fields anyway). Never fails: this is for showing, not for running.
    pub fn render_text(&self, step: &PlannedStep<'a>, template: &str) -> String {
        render(template, |name| {
            Some(
                self.value_for(step, name, true)
                    .unwrap_or_else(|| format!("{{{{{name}}}}}")),
            )
        })
        .unwrap_or_else(|_| template.to_string())
    }

    /// A placeholder's value as text; secrets come from memory, or `****` when redacting.
    fn value_for(&self, step: &PlannedStep<'a>, name: &str, redact: bool) -> Option<String> {
        let value = step.lookup(&self.state.answers, self.drill(), name)?;
        let key = self.resolved_key(step, name);
        if key
            .as_ref()
            .is_some_and(|k| self.state.secret_keys.contains(k))
        {
            if redact {
                return Some(REDACTED.to_string());
            }
            return key.and_then(|k| self.secrets.get(&k).cloned());
        }
        Some(value.as_text())
    }

    fn finished(
        &self,
        step: String,
        attempt: u32,
        report: RunReport,
    ) -> Result<Vec<Effect>, EngineError> {
        let record = self.state.step(&step);
        if record.status != (StepStatus::Running { attempt }) {
            return Err(EngineError::NotNow {
                step,
                why: format!("attempt {attempt} is not running"),
            });
        }
        let outcome = report.outcome.unwrap_or(Outcome::Failed);
        Ok(vec![Effect::Append(Event::StepFinished {
            step,
            attempt,
            outcome,
            exit_code: report.exit_code,
            signal: report.signal,
            duration_ms: report.duration_ms,
            output: report.output,
            tail: report.tail,
            message: report.message,
        })])
    }
}

/// The argv that runs a shell step's source text.
pub fn shell_argv(shell: Shell, script: String) -> Vec<String> {
    match shell {
        Shell::Powershell => vec![
            "powershell".into(),
            "-NoProfile".into(),
            "-NonInteractive".into(),
            "-Command".into(),
            script,
        ],
        Shell::Cmd => vec![
            "cmd".into(),
            "/d".into(),
            "/v:off".into(),
            "/s".into(),
            "/c".into(),
            script,
        ],
        Shell::Sh => vec!["sh".into(), "-c".into(), script],
    }
}

/// Every template a step holds (for finding the inputs it needs).
pub fn templates_of(def: &StepDef) -> Vec<&str> {
    let mut t: Vec<&str> = def.argv.iter().map(String::as_str).collect();
    t.extend(def.body.as_deref());
    t.extend(def.server.as_deref());
    t.extend(def.confirm.as_deref());
    t.extend(def.cwd.as_deref());
    t.extend(def.stdin.as_deref());
    t.extend(def.env.values().map(String::as_str));
    t.extend(def.checklist.iter().map(String::as_str));
    if let Some(check) = &def.check {
        t.extend(check_templates(check));
    }
    if let Some(verify) = &def.verify {
        t.extend(check_templates(verify));
    }
    t
}

/// The template fields of a check.
pub fn check_templates(spec: &CheckSpec) -> Vec<&str> {
    match spec {
        CheckSpec::PathExists {
            path, max_age_h, ..
        } => {
            let mut v = vec![path.as_str()];
            if let Some(Amount::Template(t)) = max_age_h {
                v.push(t);
            }
            v
        }
        CheckSpec::XmlContains { path, element } => {
            let mut v = vec![path.as_str()];
            v.extend(element.as_deref());
            v
        }
        CheckSpec::TcpConnect { host, port } => vec![host, port],
        CheckSpec::Dns { name, expect, .. } => {
            let mut v = vec![name.as_str()];
            v.extend(expect.as_deref());
            v
        }
        CheckSpec::OnPath { program } => vec![program],
        CheckSpec::FreeSpace { path, .. } => vec![path],
        CheckSpec::Command { argv, .. } => argv.iter().map(String::as_str).collect(),
    }
}

fn render_check(
    spec: &CheckSpec,
    fill: &dyn Fn(&str) -> Result<String, EngineError>,
) -> Result<CheckSpec, EngineError> {
    Ok(match spec {
        CheckSpec::PathExists {
            path,
            max_age_s,
            max_age_h,
        } => CheckSpec::PathExists {
            path: fill(path)?,
            max_age_s: match max_age_h {
                None => *max_age_s,
                Some(hours) => Some(hours_to_seconds(hours, fill)?),
            },
            max_age_h: None,
        },
        CheckSpec::XmlContains { path, element } => CheckSpec::XmlContains {
            path: fill(path)?,
            element: element.as_deref().map(fill).transpose()?,
        },
        CheckSpec::TcpConnect { host, port } => CheckSpec::TcpConnect {
            host: fill(host)?,
            port: fill(port)?,
        },
        CheckSpec::Dns { name, srv, expect } => CheckSpec::Dns {
            name: fill(name)?,
            srv: *srv,
            expect: expect.as_deref().map(fill).transpose()?,
        },
        CheckSpec::OnPath { program } => CheckSpec::OnPath {
            program: fill(program)?,
        },
        CheckSpec::FreeSpace { path, min_mb } => CheckSpec::FreeSpace {
            path: fill(path)?,
            min_mb: *min_mb,
        },
        // A verify's own argv is rendered into the request (see `verify_request`).
        CheckSpec::Command { regex, .. } => CheckSpec::Command {
            argv: vec![],
            regex: regex.clone(),
        },
    })
}

/// `max_age_h` as seconds: a number, or a template that fills in to a whole number of hours.
fn hours_to_seconds(
    hours: &Amount,
    fill: &dyn Fn(&str) -> Result<String, EngineError>,
) -> Result<u64, EngineError> {
    let hours = match hours {
        Amount::Fixed(h) => *h,
        Amount::Template(t) => {
            let text = fill(t)?;
            text.trim()
                .parse::<u64>()
                .map_err(|_| EngineError::NotAHours(text.trim().to_string()))?
        }
    };
    Ok(hours.saturating_mul(3600))
}
