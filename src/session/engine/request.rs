//! Building the run request: a step's templates filled in (real values for the runner,
//! `****` for secrets in what is shown and journaled), a drill's simulation, and the
//! verification of an interrupted step.

use super::super::event::{Outcome, PlannedFault, REDACTED};
use super::super::fill::{fill_display, fill_words, render_check};
use super::super::steps::PlannedStep;
use super::{Engine, EngineError, ExecRequest, Simulation};
use crate::wizard::template::render;
use crate::wizard::template::unknown_words;
use crate::wizard::{Amount, CheckSpec, DrillMode, StepKind};

impl<'a> Engine<'a> {
    /// The drill scenario's fault for this attempt (never outside a drill).
    pub fn fault_for(&self, key: &str, attempt: u32) -> Option<&'a PlannedFault> {
        let faults = self.state.drill_faults.as_ref().filter(|_| self.drill())?;
        faults.fault_for(key, attempt)
    }

    /// In a drill: what to pretend happened instead of running the step, if anything. A
    /// planned fault wins; a read-only check runs for real unless the scenario simulates checks.
    pub(super) fn simulation(&self, step: &PlannedStep<'a>, attempt: u32) -> Option<Simulation> {
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
        let fill = |template: &str| self.fill(step, template);
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
            Some(spec) => Some(self.check(step, spec)?),
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
    pub(super) fn fill_argv(
        &self,
        step: &PlannedStep<'a>,
        templates: &[String],
        redact: bool,
    ) -> Result<Vec<String>, EngineError> {
        fill_words(
            step.def.shell,
            templates,
            &|name| self.value_for(step, name, redact),
            None,
        )
        .map_err(|missing| no_value(step, &missing))
    }

    /// Fills one template with real values (for the runner).
    fn fill(&self, step: &PlannedStep<'a>, template: &str) -> Result<String, EngineError> {
        render(template, |name| self.value_for(step, name, false))
            .map_err(|missing| no_value(step, &missing))
    }

    /// A check's fields filled with real values; `max_age_h` must come out a whole number.
    fn check(&self, step: &PlannedStep<'a>, spec: &CheckSpec) -> Result<CheckSpec, EngineError> {
        let fill = |t: &str| self.fill(step, t);
        let hours = |h: &Amount| match h {
            Amount::Fixed(n) => Ok(Amount::Fixed(*n)),
            Amount::Template(t) => {
                let text = fill(t)?;
                let text = text.trim();
                text.parse::<u64>()
                    .map(Amount::Fixed)
                    .map_err(|_| EngineError::NotAHours(text.to_string()))
            }
        };
        render_check(spec, &fill, &hours)
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
        request.check = Some(self.check(step, spec)?);
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
    /// with the answers as this step sees them. A placeholder with no answer yet shows the
    /// default its question will offer, else is named in words (`<the lost front-end server>`), and a secret shows as `****` (the checker keeps
    /// secrets out of these fields anyway). Never fails: this is for showing, not for running.
    pub fn render_text(&self, step: &PlannedStep<'a>, template: &str) -> String {
        fill_display(template, &|name| self.display_value(step, name), &|name| {
            self.unknown_words(step, name)
        })
    }

    /// A value as a person may read it now: the answer (a secret as `****`), else the default
    /// the question will offer (the inventory's value or the wizard's), else none.
    pub fn display_value(&self, step: &PlannedStep<'a>, name: &str) -> Option<String> {
        self.value_for(step, name, true).or_else(|| {
            let input = self.input_def(step, name)?;
            self.default_for(step, input).map(|v| v.as_text())
        })
    }

    /// How a value this step has no answer for yet is named to a person.
    pub fn unknown_words(&self, step: &PlannedStep<'a>, name: &str) -> String {
        unknown_words(self.input_def(step, name), name)
    }

    /// A placeholder's value as text; secrets come from memory, or `****` when redacting.
    pub(super) fn value_for(
        &self,
        step: &PlannedStep<'a>,
        name: &str,
        redact: bool,
    ) -> Option<String> {
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
}

fn no_value(step: &PlannedStep<'_>, missing: &[String]) -> EngineError {
    EngineError::NotNow {
        step: step.key.clone(),
        why: format!("no value for '{}'", missing.join("', '")),
    }
}
