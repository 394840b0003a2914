//! The answers file of a headless run: values for inputs, confirmations, and decisions on
//! manual steps, as TOML. Unknown ids are found up front; nothing here touches a session.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::session::event::AnswerValue;
use crate::wizard::validate::shown;
use crate::wizard::{Catalog, InputKind};

/// A parsed answers file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    /// Input values by id (`pool_fqdn`) or by scoped key (`servers[front-end]/server_fqdn`).
    #[serde(default)]
    pub answers: BTreeMap<String, toml::Value>,
    /// Confirmation words by step id or step key.
    #[serde(default)]
    pub confirm: BTreeMap<String, String>,
    /// Manual steps by step id or key: `"done"`, or `"skip: <reason>"`; `default` covers the rest.
    #[serde(default)]
    pub manual: BTreeMap<String, String>,
    /// Failed steps by step id or key: `"retry"`, `"skip: <reason>"` or `"done: <note>"`;
    /// `default` covers the rest. A retry is tried once per run.
    #[serde(default)]
    pub failed: BTreeMap<String, String>,
}

/// What to do with a step whose attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailedDecision {
    /// Run it again (once per run).
    Retry,
    /// Skip it, with the reason for the journal.
    Skip(String),
    /// Mark it done by hand, with an optional note.
    Done(Option<String>),
}

/// What to do with a manual step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManualDecision {
    Done,
    Skip(String),
}

/// Why an answers file cannot be used.
#[derive(Debug, Error)]
pub enum AnswersError {
    #[error("cannot read answers file '{path}': {reason}")]
    Read { path: String, reason: String },
    #[error("'{path}':{line}:{col}: {message}")]
    Parse {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("'{path}': unknown input id(s) for wizard '{wizard}': {ids}")]
    Unknown {
        path: String,
        wizard: String,
        ids: String,
    },
    #[error("'{path}': {key}: {message}")]
    Invalid {
        path: String,
        key: String,
        message: String,
    },
    #[error(
        "'{path}': manual step '{step}': expected \"done\" or \"skip: <reason>\", found '{value}'"
    )]
    BadManual {
        path: String,
        step: String,
        value: String,
    },
    #[error(
        "'{path}': failed step '{step}': expected \"retry\", \"skip: <reason>\" or \"done: <note>\", found '{value}'"
    )]
    BadFailed {
        path: String,
        step: String,
        value: String,
    },
}

impl AnswersFile {
    /// Reads and parses an answers file.
    pub fn load(path: &Path) -> Result<Self, AnswersError> {
        let label = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| AnswersError::Read {
            path: label.clone(),
            reason: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| AnswersError::Read {
            path: label.clone(),
            reason: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Self::parse(&label, &text)
    }

    /// Parses answers from text; `label` names the file in errors.
    pub fn parse(label: &str, text: &str) -> Result<Self, AnswersError> {
        let file: AnswersFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            AnswersError::Parse {
                path: label.to_string(),
                line,
                col,
                message: shown_all(e.message().trim()),
            }
        })?;
        for (step, value) in &file.manual {
            if step != "default" && parse_manual(value).is_none() {
                return Err(AnswersError::BadManual {
                    path: label.into(),
                    step: shown(step),
                    value: shown(value),
                });
            }
        }
        for (step, value) in &file.failed {
            if parse_failed(value).is_none() {
                return Err(AnswersError::BadFailed {
                    path: label.into(),
                    step: step.clone(),
                    value: value.clone(),
                });
            }
        }
        Ok(file)
    }

    /// Every answer key whose input id no wizard of the closure declares (all of them).
    pub fn check_ids(
        &self,
        label: &str,
        catalog: &Catalog,
        root: &str,
    ) -> Result<(), AnswersError> {
        let declared: Vec<&str> = catalog
            .closure(root)
            .iter()
            .flat_map(|w| w.inputs.iter().map(|i| i.id.as_str()))
            .collect();
        let unknown: Vec<String> = self
            .answers
            .keys()
            .filter(|k| !declared.contains(&input_id_of(k)))
            .map(|k| shown(k))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        Err(AnswersError::Unknown {
            path: label.into(),
            wizard: root.into(),
            ids: quote_list(&unknown.iter().map(String::as_str).collect::<Vec<_>>()),
        })
    }

    /// The value for an answer key: the exact scoped key first, then the bare input id.
    pub fn value_for(&self, key: &str, kind: InputKind) -> Option<AnswerValue> {
        let raw = self
            .answers
            .get(key)
            .or_else(|| self.answers.get(input_id_of(key)))?;
        Some(match raw {
            toml::Value::Boolean(b) => AnswerValue::Bool(*b),
            toml::Value::String(s) if kind == InputKind::MultiChoice => AnswerValue::List(
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
            ),
            toml::Value::String(s) => AnswerValue::Text(s.clone()),
            toml::Value::Array(items) => AnswerValue::List(
                items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect(),
            ),
            other => AnswerValue::Text(other.to_string()),
        })
    }

    /// The confirmation word given for a step (by key or bare id).
    pub fn confirmation(&self, step_key: &str) -> Option<&str> {
        self.confirm
            .get(step_key)
            .or_else(|| self.confirm.get(step_id_of(step_key)))
            .map(String::as_str)
    }

    /// The decision for a manual step, falling back to `default`.
    pub fn manual_decision(&self, step_key: &str) -> Option<ManualDecision> {
        self.manual
            .get(step_key)
            .or_else(|| self.manual.get(step_id_of(step_key)))
            .or_else(|| self.manual.get("default"))
            .and_then(|v| parse_manual(v))
    }

    /// The decision for a failed step (by key, bare id, then `default`).
    pub fn failed_decision(&self, step_key: &str) -> Option<FailedDecision> {
        self.failed
            .get(step_key)
            .or_else(|| self.failed.get(step_id_of(step_key)))
            .or_else(|| self.failed.get("default"))
            .and_then(|v| parse_failed(v))
    }
}

fn parse_failed(value: &str) -> Option<FailedDecision> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("retry") {
        return Some(FailedDecision::Retry);
    }
    if v.eq_ignore_ascii_case("done") {
        return Some(FailedDecision::Done(None));
    }
    if let Some(note) = v.strip_prefix("done:") {
        let note = note.trim();
        return Some(FailedDecision::Done(
            (!note.is_empty()).then(|| note.to_string()),
        ));
    }
    let reason = v.strip_prefix("skip:")?.trim();
    (!reason.is_empty()).then(|| FailedDecision::Skip(reason.to_string()))
}

fn parse_manual(value: &str) -> Option<ManualDecision> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("done") {
        return Some(ManualDecision::Done);
    }
    let reason = v.strip_prefix("skip:")?.trim();
    (!reason.is_empty()).then(|| ManualDecision::Skip(reason.to_string()))
}

/// `a/b[x]/id` → `id`.
pub fn input_id_of(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

fn step_id_of(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A whole message with its control characters escaped (TOML's messages may quote the text).
fn shown_all(message: &str) -> String {
    message
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_decisions_and_fallbacks() {
        let f = AnswersFile::parse(
            "a.toml",
            "[manual]\ndefault = \"done\"\n\"x/validate\" = \"skip: no GUI here\"\n",
        )
        .unwrap();
        assert_eq!(
            f.manual_decision("x/validate"),
            Some(ManualDecision::Skip("no GUI here".into()))
        );
        assert_eq!(f.manual_decision("other"), Some(ManualDecision::Done));
    }

    #[test]
    fn a_bad_manual_value_and_a_syntax_error_are_reported_with_position() {
        let err = AnswersFile::parse("a.toml", "[manual]\nx = \"maybe\"\n").unwrap_err();
        assert!(err.to_string().contains("manual step 'x'"), "{err}");
        let err = AnswersFile::parse("a.toml", "[answers]\nx = \n").unwrap_err();
        assert!(err.to_string().starts_with("'a.toml':2:"), "{err}");
    }

    #[test]
    fn failed_decisions_parse_and_fall_back_to_default() {
        let f = AnswersFile::parse(
            "a.toml",
            "[failed]\ndefault = \"retry\"\n\"x/import\" = \"skip: pool export missing\"\nold = \"done: accepted the older backup\"\nbare = \"done\"\n",
        )
        .unwrap();
        assert_eq!(
            f.failed_decision("x/import"),
            Some(FailedDecision::Skip("pool export missing".into()))
        );
        assert_eq!(
            f.failed_decision("p/old"),
            Some(FailedDecision::Done(Some(
                "accepted the older backup".into()
            )))
        );
        assert_eq!(f.failed_decision("bare"), Some(FailedDecision::Done(None)));
        assert_eq!(f.failed_decision("other"), Some(FailedDecision::Retry));
        assert_eq!(AnswersFile::default().failed_decision("x"), None);
    }

    #[test]
    fn a_bad_failed_value_is_refused_naming_the_step() {
        let err = AnswersFile::parse("a.toml", "[failed]\nx = \"skip:\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'a.toml': failed step 'x': expected \"retry\", \"skip: <reason>\" or \"done: <note>\", found 'skip:'"
        );
    }

    #[test]
    fn scoped_keys_fall_back_to_the_bare_id() {
        let f =
            AnswersFile::parse("a.toml", "[answers]\nserver_fqdn = \"fe1.contoso.com\"\n").unwrap();
        assert_eq!(
            f.value_for("per-server[front-end]/server_fqdn", InputKind::Fqdn),
            Some(AnswerValue::Text("fe1.contoso.com".into()))
        );
    }
}
