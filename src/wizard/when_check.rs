//! Checking a step's `when` against the inputs its wizard declares: names, value types,
//! option values, and secrets (which may never decide the flow).

use super::diag::Diagnostic;
use super::model::{CondValue, Condition, InputDef, InputKind};
use super::spans::{SpanMap, child, item};

/// Reports every problem in `cond` (found at `at`); returns true when there was none.
pub fn check_when(
    cond: &Condition,
    at: &str,
    inputs: &[InputDef],
    spans: &SpanMap,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let before = diags.len();
    for (name, value) in &cond.all {
        let path = child(at, name);
        let mut value_error = |message: String| diags.push(spans.at_value(&path, message));
        match name.as_str() {
            "item" => {
                if matches!(value, CondValue::Bool(_)) {
                    value_error("'item' is compared with option values, not true or false".into());
                }
            }
            "drill" => {
                if !matches!(value, CondValue::Bool(_)) {
                    value_error("'drill' is compared with true or false".into());
                }
            }
            _ => match inputs.iter().find(|i| i.id == *name) {
                None => diags.push(spans.at_key(
                    &path,
                    format!("'when' names input '{name}' that this wizard does not declare"),
                )),
                Some(input) => check_value(input, value, &path, spans, diags),
            },
        }
    }
    for (i, alternative) in cond.any.iter().enumerate() {
        check_when(
            alternative,
            &item(&child(at, "any"), i),
            inputs,
            spans,
            diags,
        );
    }
    if let Some(negated) = &cond.not {
        check_when(negated, &child(at, "not"), inputs, spans, diags);
    }
    diags.len() == before
}

fn check_value(
    input: &InputDef,
    value: &CondValue,
    at: &str,
    spans: &SpanMap,
    diags: &mut Vec<Diagnostic>,
) {
    let name = &input.id;
    let is_bool = matches!(value, CondValue::Bool(_));
    let message = match input.kind {
        InputKind::Secret => Some(format!(
            "secret input '{name}' cannot decide a 'when' (its answer is never stored)"
        )),
        InputKind::Bool if !is_bool => Some(format!(
            "input '{name}' is a bool: compare it with true or false"
        )),
        InputKind::Bool => None,
        kind if is_bool => Some(format!(
            "input '{name}' is {} input: compare it with {}, not true or false",
            kind_phrase(kind),
            if has_options(kind) {
                "its option values"
            } else {
                "text values"
            }
        )),
        kind if has_options(kind) && !input.options.is_empty() => {
            let values: Vec<(String, &str)> = match value {
                CondValue::One(v) => vec![(at.to_string(), v.as_str())],
                CondValue::Many(vs) => vs
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (item(at, i), v.as_str()))
                    .collect(),
                CondValue::Bool(_) => vec![],
            };
            let options: Vec<&str> = input.options.iter().map(|o| o.value.as_str()).collect();
            for (path, v) in values {
                if !options.contains(&v) {
                    diags.push(spans.at_value(
                        &path,
                        format!(
                            "'{v}' is not an option of input '{name}' (options: {})",
                            options.join(", ")
                        ),
                    ));
                }
            }
            None
        }
        _ => None,
    };
    if let Some(message) = message {
        let d = if input.kind == InputKind::Secret {
            spans.at_key(at, message)
        } else {
            spans.at_value(at, message)
        };
        diags.push(d);
    }
}

fn has_options(kind: InputKind) -> bool {
    matches!(kind, InputKind::Choice | InputKind::MultiChoice)
}

/// `a choice`, `an fqdn`... for messages.
pub fn kind_phrase(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Text => "a text",
        InputKind::Fqdn => "an fqdn",
        InputKind::UncPath => "a unc-path",
        InputKind::WindowsPath => "a windows-path",
        InputKind::Choice => "a choice",
        InputKind::MultiChoice => "a multi-choice",
        InputKind::Bool => "a bool",
        InputKind::Secret => "a secret",
    }
}
