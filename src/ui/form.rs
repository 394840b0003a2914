//! The state of the widgets that collect answers: a form of text fields (validated inline
//! with `wizard::validate::parse_value`) and a one-question decision (choice, multi-choice,
//! yes/no). Pure: they turn keys into values and values into `Intent::Answer`s.

use std::collections::BTreeSet;

use tui_input::Input;

use super::view::AskView;
use crate::session::engine::Intent;
use crate::session::event::AnswerValue;
use crate::wizard::validate::parse_value;
use crate::wizard::{InputKind, OptionDef};

/// True for inputs asked one per screen, as a decision.
pub fn is_decision(kind: InputKind) -> bool {
    matches!(
        kind,
        InputKind::Choice | InputKind::MultiChoice | InputKind::Bool
    )
}

/// One text field.
#[derive(Debug, Clone)]
pub struct Field {
    pub ask: AskView,
    pub value: Input,
    /// Shown under the field: why the value is not accepted.
    pub error: Option<String>,
}

impl Field {
    fn new(ask: AskView) -> Field {
        let initial = match (&ask.default, ask.input.kind) {
            (_, InputKind::Secret) => String::new(),
            (Some(value), _) => value.as_text(),
            (None, _) => String::new(),
        };
        Field {
            ask,
            value: Input::new(initial),
            error: None,
        }
    }

    /// The value as the engine would take it, or why not.
    pub fn parse(&self) -> Result<AnswerValue, String> {
        parse_value(&self.ask.input, self.value.value())
    }

    pub fn is_secret(&self) -> bool {
        self.ask.input.kind == InputKind::Secret
    }
}

/// Why a form is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormPurpose {
    /// The current step needs these answers.
    Answers,
    /// Values to give again before an interrupted step runs again; submitting starts it.
    BeforeRerun,
}

/// A form: the text inputs a step needs, with the focused one.
#[derive(Debug, Clone)]
pub struct FormState {
    pub step: String,
    pub purpose: FormPurpose,
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl FormState {
    /// A form for `asks`, keeping what was typed in `previous` for the same keys.
    pub fn new(
        step: &str,
        purpose: FormPurpose,
        asks: Vec<AskView>,
        previous: Option<&FormState>,
    ) -> FormState {
        let fields = asks
            .into_iter()
            .map(|ask| {
                let kept = previous.and_then(|p| p.fields.iter().find(|f| f.ask.key == ask.key));
                match kept {
                    Some(old) => Field {
                        ask,
                        value: old.value.clone(),
                        error: old.error.clone(),
                    },
                    None => Field::new(ask),
                }
            })
            .collect();
        FormState {
            step: step.to_string(),
            purpose,
            fields,
            focus: 0,
        }
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Re-validates the focused field (as the operator types, once it showed an error).
    pub fn revalidate_focused(&mut self) {
        if let Some(field) = self.fields.get_mut(self.focus)
            && field.error.is_some()
        {
            field.error = field.parse().err();
        }
    }

    /// Validates every field: the answers when all pass; otherwise the errors are set and
    /// the first invalid field takes the focus.
    pub fn submit(&mut self) -> Option<Vec<Intent>> {
        let mut intents = Vec::new();
        let mut first_bad = None;
        for (i, field) in self.fields.iter_mut().enumerate() {
            match field.parse() {
                Ok(value) => {
                    field.error = None;
                    intents.push(Intent::Answer {
                        key: field.ask.key.clone(),
                        value,
                    });
                }
                Err(message) => {
                    field.error = Some(message);
                    first_bad.get_or_insert(i);
                }
            }
        }
        match first_bad {
            Some(i) => {
                self.focus = i;
                None
            }
            None => Some(intents),
        }
    }

    /// Shows an error the engine gave for one key; true when a field took it.
    pub fn reject(&mut self, key: &str, message: &str) -> bool {
        match self.fields.iter().position(|f| f.ask.key == key) {
            Some(i) => {
                self.fields[i].error = Some(message.to_string());
                self.focus = i;
                true
            }
            None => false,
        }
    }
}

/// One question with its options.
#[derive(Debug, Clone)]
pub struct DecisionState {
    pub step: String,
    pub ask: AskView,
    /// The options (for a yes/no input: Yes and No).
    pub options: Vec<OptionDef>,
    pub cursor: usize,
    /// Ticked options of a multi-choice.
    pub selected: BTreeSet<usize>,
    pub error: Option<String>,
}

impl DecisionState {
    pub fn new(step: &str, ask: AskView) -> DecisionState {
        let options = if ask.input.kind == InputKind::Bool {
            vec![option("yes", "Yes"), option("no", "No")]
        } else {
            ask.input.options.clone()
        };
        let defaults: Vec<String> = match &ask.default {
            Some(AnswerValue::List(values)) => values.clone(),
            Some(AnswerValue::Bool(b)) => vec![if *b { "yes" } else { "no" }.to_string()],
            Some(AnswerValue::Text(t)) => vec![t.clone()],
            None => vec![],
        };
        let selected: BTreeSet<usize> = options
            .iter()
            .enumerate()
            .filter(|(_, o)| defaults.contains(&o.value))
            .map(|(i, _)| i)
            .collect();
        let cursor = selected.iter().next().copied().unwrap_or(0);
        DecisionState {
            step: step.to_string(),
            ask,
            options,
            cursor,
            selected,
            error: None,
        }
    }

    pub fn is_multi(&self) -> bool {
        self.ask.input.kind == InputKind::MultiChoice
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.cursor + 1 < self.options.len() {
            self.cursor += 1;
        }
    }

    /// Ticks or unticks the option under the cursor (multi-choice).
    pub fn toggle(&mut self) {
        if !self.is_multi() {
            return;
        }
        if !self.selected.remove(&self.cursor) {
            self.selected.insert(self.cursor);
        }
        self.error = None;
    }

    /// The answer: the option under the cursor, or the ticked options of a multi-choice.
    pub fn choose(&mut self) -> Option<Intent> {
        let raw = if self.is_multi() {
            self.options
                .iter()
                .enumerate()
                .filter(|(i, _)| self.selected.contains(i))
                .map(|(_, o)| o.value.as_str())
                .collect::<Vec<_>>()
                .join(",")
        } else {
            self.options.get(self.cursor)?.value.clone()
        };
        match parse_value(&self.ask.input, &raw) {
            Ok(value) => Some(Intent::Answer {
                key: self.ask.key.clone(),
                value,
            }),
            Err(message) => {
                self.error = Some(message);
                None
            }
        }
    }
}

fn option(value: &str, label: &str) -> OptionDef {
    OptionDef {
        value: value.into(),
        label: label.into(),
        consequence: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::InputDef;

    fn ask(id: &str, kind: InputKind, default: Option<AnswerValue>) -> AskView {
        AskView {
            key: id.into(),
            input: InputDef {
                id: id.into(),
                kind,
                label: id.into(),
                help: None,
                default: None,
                default_from: None,
                options: vec![],
                pattern: None,
                pattern_message: None,
                optional: false,
                unknown: None,
            },
            default,
            secret_again: false,
        }
    }

    #[test]
    fn a_yes_no_input_is_a_decision_with_its_default_under_the_cursor() {
        let mut d = DecisionState::new(
            "s",
            ask("ad_lost", InputKind::Bool, Some(AnswerValue::Bool(false))),
        );
        assert_eq!(d.cursor, 1);
        d.up();
        assert_eq!(
            d.choose(),
            Some(Intent::Answer {
                key: "ad_lost".into(),
                value: AnswerValue::Bool(true)
            })
        );
    }

    #[test]
    fn a_form_keeps_typed_values_when_rebuilt_and_secrets_never_get_defaults() {
        let asks = vec![
            ask(
                "fqdn",
                InputKind::Fqdn,
                Some(AnswerValue::Text("fe01.contoso.com".into())),
            ),
            ask(
                "pw",
                InputKind::Secret,
                Some(AnswerValue::Text("****".into())),
            ),
        ];
        let mut form = FormState::new("s", FormPurpose::Answers, asks.clone(), None);
        assert_eq!(form.fields[0].value.value(), "fe01.contoso.com");
        assert_eq!(form.fields[1].value.value(), "");
        assert!(form.submit().is_none(), "the secret is required");
        assert_eq!(form.focus, 1);
        form.fields[1].value = tui_input::Input::new("x".into());
        let rebuilt = FormState::new("s", FormPurpose::Answers, asks[1..].to_vec(), Some(&form));
        assert_eq!(rebuilt.fields[0].value.value(), "x");
        assert!(form.reject("fqdn", "taken"));
        assert_eq!(
            (form.focus, form.fields[0].error.as_deref()),
            (0, Some("taken"))
        );
    }
}
