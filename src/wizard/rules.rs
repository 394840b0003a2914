//! The checks that need only one wizard: ids, inputs and their defaults, placeholders,
//! each step kind's own rules, `when` (via `when_check`) and unreachable steps (via `reach`).

use regex::Regex;

use super::answer::AnswerValue;
use super::diag::Diagnostic;
use super::load::LoadedWizard;
use super::model::{Amount, CheckSpec, InputDef, InputKind, OnInterrupt, StepDef, StepKind};
use super::reach::can_hold;
use super::spans::{SpanMap, child, item};
use super::template::placeholders;
use super::validate::validate_value;
use super::when_check::{check_when, kind_phrase};

/// Input ids that would clash with a built-in name or the `when` syntax.
const RESERVED_INPUT_IDS: &[&str] = &["item", "drill", "any", "not"];

/// Every single-wizard problem in `loaded`.
pub fn check_wizard(loaded: &LoadedWizard) -> Vec<Diagnostic> {
    let mut r = Rules {
        spans: &loaded.spans,
        inputs: &loaded.wizard.inputs,
        diags: Vec::new(),
    };
    let w = &loaded.wizard;
    r.id("id", &w.id, "wizard");
    if w.steps.is_empty() {
        let at = if r.spans.contains("steps") {
            "steps"
        } else {
            "id"
        };
        r.at_key(at, format!("wizard '{}' has no steps", w.id));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, input) in w.inputs.iter().enumerate() {
        let at = item("inputs", i);
        r.id(&child(&at, "id"), &input.id, "input");
        if seen.contains(&input.id.as_str()) {
            r.at_value(
                &child(&at, "id"),
                format!("duplicate input id '{}'", input.id),
            );
        } else if RESERVED_INPUT_IDS.contains(&input.id.as_str()) {
            r.at_value(
                &child(&at, "id"),
                format!("input id '{}' is reserved", input.id),
            );
        }
        seen.push(&input.id);
        r.input(input, &at);
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, step) in w.steps.iter().enumerate() {
        let at = item("steps", i);
        r.id(&child(&at, "id"), &step.id, "step");
        if seen.contains(&step.id.as_str()) {
            r.at_value(
                &child(&at, "id"),
                format!("duplicate step id '{}'", step.id),
            );
        }
        seen.push(&step.id);
        r.step(step, &at);
    }
    r.diags
}

struct Rules<'a> {
    spans: &'a SpanMap,
    inputs: &'a [InputDef],
    diags: Vec<Diagnostic>,
}

impl Rules<'_> {
    fn at_key(&mut self, at: &str, message: String) {
        self.diags.push(self.spans.at_key(at, message));
    }

    fn at_value(&mut self, at: &str, message: String) {
        self.diags.push(self.spans.at_value(at, message));
    }

    fn input_def(&self, name: &str) -> Option<&InputDef> {
        self.inputs.iter().find(|i| i.id == name)
    }

    fn id(&mut self, at: &str, id: &str, what: &str) {
        if id.is_empty() {
            self.at_value(at, format!("{what} id is empty"));
        } else if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            self.at_value(
                at,
                format!("{what} id '{id}' must use only lower-case letters, digits, '-' and '_'"),
            );
        }
    }

    /// The placeholders of one template: each must name a declared input (or `item`,
    /// `drill`); `shown` templates are displayed, so they may not hold a secret.
    fn template(&mut self, at: &str, template: &str, field: &str, shown: bool) {
        for p in placeholders(template) {
            if p.name == "item" || p.name == "drill" {
                continue;
            }
            let pos = self.spans.pos_within_value(at, &template[p.start..p.end]);
            let message = match self.input_def(p.name) {
                None => format!(
                    "'{field}' names input '{}' that this wizard does not declare",
                    p.name
                ),
                Some(i) if shown && i.kind == InputKind::Secret => {
                    format!("secret input '{}' would be shown in '{field}'", p.name)
                }
                Some(_) => continue,
            };
            self.diags
                .push(Diagnostic::new(self.spans.path(), pos, message));
        }
    }

    fn input(&mut self, input: &InputDef, at: &str) {
        let id = &input.id;
        let takes_options = matches!(input.kind, InputKind::Choice | InputKind::MultiChoice);
        if takes_options && input.options.is_empty() {
            self.at_value(
                &child(at, "kind"),
                format!("{} input '{id}' has no options", kind_phrase(input.kind)),
            );
        }
        if !takes_options && !input.options.is_empty() {
            self.at_key(
                &child(at, "options"),
                format!(
                    "'options' is only for choice and multi-choice inputs, and '{id}' is {} input",
                    kind_phrase(input.kind)
                ),
            );
        }
        let mut values: Vec<&str> = Vec::new();
        for (j, option) in input.options.iter().enumerate() {
            let vat = child(&item(&child(at, "options"), j), "value");
            let v = option.value.as_str();
            if v.trim().is_empty() {
                self.at_value(
                    &vat,
                    format!("an option of input '{id}' has an empty value"),
                );
            } else if v.contains(',') {
                self.at_value(&vat, format!("option value '{v}' must not contain a comma"));
            } else if values.contains(&v) {
                self.at_value(&vat, format!("duplicate option value '{v}'"));
            }
            values.push(v);
        }
        let mut pattern_ok = true;
        if let Some(pattern) = &input.pattern {
            let pat = child(at, "pattern");
            if matches!(input.kind, InputKind::Bool) || takes_options {
                self.at_key(
                    &pat,
                    format!(
                        "'pattern' does not apply to {} input",
                        kind_phrase(input.kind)
                    ),
                );
            } else if let Err(e) = Regex::new(&format!("^(?:{pattern})$")) {
                pattern_ok = false;
                self.at_value(
                    &pat,
                    format!(
                        "'pattern' is not a valid regular expression: {}",
                        regex_reason(&e)
                    ),
                );
            }
        }
        if let Some(key) = &input.default_from {
            self.template(&child(at, "default_from"), key, "default_from", false);
        }
        // `unknown` is what a person reads in place of the value: never template syntax.
        if input.unknown.as_deref().is_some_and(|u| u.contains("{{")) {
            self.at_value(
                &child(at, "unknown"),
                format!("'unknown' of input '{id}' is plain words and may not hold '{{{{'"),
            );
        }
        let Some(default) = &input.default else {
            return;
        };
        let dat = child(at, "default");
        if input.kind == InputKind::Secret {
            self.at_key(
                &dat,
                format!("secret input '{id}' cannot have a default (it would sit in the file)"),
            );
            return;
        }
        let value = match default {
            toml::Value::Boolean(b) => AnswerValue::Bool(*b),
            toml::Value::String(s) => {
                self.template(&dat, s, "default", false);
                if !placeholders(s).is_empty() {
                    return; // filled in at run time, judged then
                }
                AnswerValue::Text(s.clone())
            }
            toml::Value::Array(items) => AnswerValue::List(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => return, // `load` allows no other type
        };
        if pattern_ok && let Err(why) = validate_value(input, &value) {
            self.at_value(&dat, format!("default of input '{id}' is not valid: {why}"));
        }
    }

    fn step(&mut self, step: &StepDef, at: &str) {
        let field = |name: &str| child(at, name);
        if let Some(word) = &step.confirm
            && word.trim().is_empty()
        {
            self.at_value(&field("confirm"), "'confirm' is empty".into());
        }
        if let Some(cond) = &step.when {
            let when = field("when");
            let clean = check_when(cond, &when, self.inputs, self.spans, &mut self.diags);
            if clean && can_hold(cond, self.inputs) == Some(false) {
                self.at_key(
                    &when,
                    format!("step '{}' can never run: its 'when' never holds", step.id),
                );
            }
        }
        for (i, arg) in step.argv.iter().enumerate() {
            self.template(&item(&field("argv"), i), arg, "argv", false);
        }
        if let Some(message) = super::rerun::declared_safe_but_writes(step) {
            self.at_value(&field("rerun"), message);
        }
        // Display-only templates: filled in on screen and in plans, never run.
        self.template(&field("title"), &step.title, "title", true);
        for (i, entry) in step.checklist.iter().enumerate() {
            self.template(&item(&field("checklist"), i), entry, "checklist", true);
        }
        for (name, template, shown) in [
            ("body", &step.body, true),
            ("drill_output", &step.drill_output, true),
            ("server", &step.server, true),
            ("confirm", &step.confirm, true),
            ("cwd", &step.cwd, false),
            ("stdin", &step.stdin, false),
        ] {
            if let Some(t) = template {
                self.template(&field(name), t, name, shown);
            }
        }
        for (name, value) in &step.env {
            let vat = child(&field("env"), name);
            if name.is_empty() || name.contains(['=', '\0']) {
                self.at_key(
                    &vat,
                    format!("environment variable name '{name}' is not valid"),
                );
            }
            self.template(&vat, value, "env", false);
        }
        if let Some(spec) = &step.check {
            self.check_spec(spec, &field("check"));
            if let CheckSpec::Command { argv, .. } = spec
                && !argv.is_empty()
            {
                self.at_key(
                    &child(&field("check"), "argv"),
                    "a check step's 'command' check runs the step's own 'argv'; give the program there".into(),
                );
            }
        }
        if let Some(spec) = &step.verify {
            self.check_spec(spec, &field("verify"));
            if let CheckSpec::Command { argv, .. } = spec
                && argv.is_empty()
            {
                self.at_value(
                    &child(&field("verify"), "kind"),
                    "a 'command' verify needs its own 'argv': the step's 'argv' is the work itself, which must not run again".into(),
                );
            }
        }
        self.kind_rules(step, at);
    }

    fn check_spec(&mut self, spec: &CheckSpec, at: &str) {
        for (name, template) in check_fields(spec) {
            self.template(&child(at, name), template, name, false);
        }
        match spec {
            CheckSpec::Command { argv, .. } => {
                let argv_at = child(at, "argv");
                for (i, arg) in argv.iter().enumerate() {
                    self.template(&item(&argv_at, i), arg, "argv", false);
                }
                if argv.first().is_some_and(|p| p.trim().is_empty()) {
                    self.at_value(
                        &item(&argv_at, 0),
                        "the program to run (the first item of 'argv') is empty".into(),
                    );
                }
            }
            CheckSpec::PathExists {
                max_age_s,
                max_age_h,
                ..
            } => {
                if max_age_s.is_some() && max_age_h.is_some() {
                    self.at_key(
                        &child(at, "max_age_h"),
                        "give the age limit once: 'max_age_s' or 'max_age_h', not both".into(),
                    );
                }
                if let Some(Amount::Template(t)) = max_age_h
                    && placeholders(t).is_empty()
                    && t.trim().parse::<u64>().is_err()
                {
                    self.at_value(
                        &child(at, "max_age_h"),
                        format!("'max_age_h' must be a whole number of hours or a placeholder, not '{t}'"),
                    );
                }
            }
            _ => {}
        }
        if let CheckSpec::Command {
            regex: Some(re), ..
        } = spec
            && let Err(e) = Regex::new(re)
        {
            self.at_value(
                &child(at, "regex"),
                format!(
                    "'regex' is not a valid regular expression: {}",
                    regex_reason(&e)
                ),
            );
        }
    }

    fn kind_rules(&mut self, step: &StepDef, at: &str) {
        let field = |name: &str| child(at, name);
        match step.kind {
            StepKind::Choice => {
                let Some(name) = &step.input else { return };
                match self.input_def(name) {
                    None => self.at_value(&field("input"), format!("'input' names input '{name}' that this wizard does not declare")),
                    Some(i) if !matches!(i.kind, InputKind::Choice | InputKind::MultiChoice | InputKind::Bool) => self.at_value(
                        &field("input"),
                        format!("a choice step asks a choice, multi-choice or bool input, and '{name}' is {} input", kind_phrase(i.kind)),
                    ),
                    Some(_) => {}
                }
            }
            StepKind::Input => {
                if step.inputs.is_empty() {
                    self.at_value(&field("inputs"), "'inputs' is empty".into());
                }
                for (i, name) in step.inputs.iter().enumerate() {
                    if self.input_def(name).is_none() {
                        self.at_value(
                            &item(&field("inputs"), i),
                            format!(
                                "'inputs' names input '{name}' that this wizard does not declare"
                            ),
                        );
                    }
                }
            }
            StepKind::Manual => {
                if step.checklist.is_empty() {
                    self.at_value(&field("checklist"), "'checklist' is empty".into());
                }
                for (i, entry) in step.checklist.iter().enumerate() {
                    if entry.trim().is_empty() {
                        self.at_value(
                            &item(&field("checklist"), i),
                            "a checklist item is empty".into(),
                        );
                    }
                }
            }
            StepKind::Command | StepKind::Check => {
                let runs = step.kind == StepKind::Command
                    || matches!(step.check, Some(CheckSpec::Command { .. }));
                if runs && step.argv.is_empty() {
                    self.at_value(&field("argv"), "'argv' is empty".into());
                } else if runs && step.argv[0].trim().is_empty() {
                    self.at_value(
                        &item(&field("argv"), 0),
                        "the program to run (the first item of 'argv') is empty".into(),
                    );
                }
                if step.on_interrupt == Some(OnInterrupt::Check) {
                    if step.kind == StepKind::Check {
                        self.at_value(&field("on_interrupt"), "on_interrupt = 'check' is for command steps with 'verify'; a check step is simply run again ('rerun')".into());
                    } else if step.verify.is_none() {
                        self.at_value(
                            &field("on_interrupt"),
                            "on_interrupt = 'check' needs a 'verify' check on this step".into(),
                        );
                    }
                }
            }
            StepKind::Include => {
                let Some(name) = &step.for_each else { return };
                match self.input_def(name) {
                    None => self.at_value(
                        &field("for_each"),
                        format!(
                            "'for_each' names input '{name}' that this wizard does not declare"
                        ),
                    ),
                    // A `text` input holds a comma-separated list (servers from the
                    // inventory), which static options cannot name.
                    Some(i) if !matches!(i.kind, InputKind::MultiChoice | InputKind::Text) => self.at_value(
                        &field("for_each"),
                        format!(
                            "'for_each' needs a multi-choice input or a text input holding a comma-separated list, and '{name}' is {} input",
                            kind_phrase(i.kind)
                        ),
                    ),
                    Some(_) => {}
                }
            }
            StepKind::Info => {}
        }
    }
}

/// The template fields of a check, by key name.
fn check_fields(spec: &CheckSpec) -> Vec<(&'static str, &str)> {
    let mut fields = Vec::new();
    match spec {
        CheckSpec::PathExists {
            path, max_age_h, ..
        } => {
            fields.push(("path", path.as_str()));
            if let Some(Amount::Template(t)) = max_age_h {
                fields.push(("max_age_h", t.as_str()));
            }
        }
        CheckSpec::FreeSpace { path, .. } => fields.push(("path", path.as_str())),
        CheckSpec::XmlContains { path, element } => {
            fields.push(("path", path.as_str()));
            fields.extend(element.as_deref().map(|e| ("element", e)));
        }
        CheckSpec::TcpConnect { host, port } => {
            fields.extend([("host", host.as_str()), ("port", port.as_str())])
        }
        CheckSpec::Dns { name, expect, .. } => {
            fields.push(("name", name.as_str()));
            fields.extend(expect.as_deref().map(|e| ("expect", e)));
        }
        CheckSpec::OnPath { program } => fields.push(("program", program.as_str())),
        CheckSpec::Command { .. } => {}
    }
    fields
}

/// The one line of a regex error that says what is wrong.
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim())
        .to_string()
}
