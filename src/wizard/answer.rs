//! The value an input takes: part of the wizard format (inputs, defaults, conditions and
//! validation speak it), journaled as is by a session.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An answer as journaled: a string, a bool, or a list (multi-choice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl AnswerValue {
    /// The value as one string, for templates: lists joined with commas.
    pub fn as_text(&self) -> String {
        match self {
            AnswerValue::Bool(b) => b.to_string(),
            AnswerValue::Text(s) => s.clone(),
            AnswerValue::List(items) => items.join(","),
        }
    }
}

/// Answers by scoped key, as the fold sees them.
pub type Answers = BTreeMap<String, AnswerValue>;
