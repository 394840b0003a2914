//! Evaluating `when` conditions against the answers given so far.

use super::answer::AnswerValue;
use super::model::{CondValue, Condition};

/// The result of evaluating a condition that may name inputs not answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    /// These inputs must be answered before the condition can be decided.
    Unknown(Vec<String>),
}

/// Evaluates `cond`, looking answers up with `answer(name)`.
pub fn evaluate(cond: &Condition, answer: &dyn Fn(&str) -> Option<AnswerValue>) -> Truth {
    let mut missing = Vec::new();
    let mut any_false = false;
    for (key, expected) in &cond.all {
        match answer(key) {
            None => push_unique(&mut missing, key),
            Some(actual) => {
                if !matches(expected, &actual) {
                    any_false = true;
                }
            }
        }
    }
    if !cond.any.is_empty() {
        let mut any_true = false;
        let mut any_missing = Vec::new();
        for alternative in &cond.any {
            match evaluate(alternative, answer) {
                Truth::True => any_true = true,
                Truth::False => {}
                Truth::Unknown(names) => {
                    names.iter().for_each(|n| push_unique(&mut any_missing, n))
                }
            }
        }
        if !any_true {
            if any_missing.is_empty() {
                any_false = true;
            } else {
                any_missing
                    .iter()
                    .for_each(|n| push_unique(&mut missing, n));
            }
        }
    }
    if let Some(negated) = &cond.not {
        match evaluate(negated, answer) {
            Truth::True => any_false = true,
            Truth::False => {}
            Truth::Unknown(names) => names.iter().for_each(|n| push_unique(&mut missing, n)),
        }
    }
    // A known false part decides the whole: nothing more needs asking.
    if any_false {
        Truth::False
    } else if missing.is_empty() {
        Truth::True
    } else {
        Truth::Unknown(missing)
    }
}

/// Every input name the condition refers to (for `check`).
pub fn referenced_names(cond: &Condition) -> Vec<String> {
    let mut names: Vec<String> = cond.all.keys().cloned().collect();
    for alternative in &cond.any {
        names.extend(referenced_names(alternative));
    }
    if let Some(negated) = &cond.not {
        names.extend(referenced_names(negated));
    }
    names
}

fn matches(expected: &CondValue, actual: &AnswerValue) -> bool {
    let wanted: Vec<&str> = match expected {
        CondValue::Bool(b) => {
            return matches!(actual, AnswerValue::Bool(a) if a == b)
                || actual.as_text() == b.to_string();
        }
        CondValue::One(v) => vec![v.as_str()],
        CondValue::Many(vs) => vs.iter().map(String::as_str).collect(),
    };
    match actual {
        AnswerValue::List(items) => items.iter().any(|i| wanted.contains(&i.as_str())),
        other => wanted.contains(&other.as_text().as_str()),
    }
}

fn push_unique(names: &mut Vec<String>, name: &str) {
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn cond(toml_text: &str) -> Condition {
        #[derive(serde::Deserialize)]
        struct W {
            when: Condition,
        }
        toml::from_str::<W>(toml_text)
            .expect("test condition parses")
            .when
    }

    fn answers(pairs: &[(&str, AnswerValue)]) -> impl Fn(&str) -> Option<AnswerValue> + use<> {
        let map: BTreeMap<String, AnswerValue> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn every_key_must_match_and_any_listed_value_counts() {
        let c = cond(
            r#"when = { topology = ["standard", "enterprise-consolidated"], ad_lost = true }"#,
        );
        let yes = answers(&[
            ("topology", AnswerValue::Text("standard".into())),
            ("ad_lost", AnswerValue::Bool(true)),
        ]);
        assert_eq!(evaluate(&c, &yes), Truth::True);
        let no = answers(&[
            ("topology", AnswerValue::Text("enterprise-expanded".into())),
            ("ad_lost", AnswerValue::Bool(true)),
        ]);
        assert_eq!(evaluate(&c, &no), Truth::False);
    }

    #[test]
    fn multi_choice_answers_match_when_they_contain_a_listed_value() {
        let c = cond(r#"when = { lost = "front-end" }"#);
        let a = answers(&[(
            "lost",
            AnswerValue::List(vec!["edge".into(), "front-end".into()]),
        )]);
        assert_eq!(evaluate(&c, &a), Truth::True);
    }

    #[test]
    fn not_and_any_combine() {
        let c = cond(r#"when = { any = [{ a = "x" }, { b = "y" }], not = { c = true } }"#);
        let a = answers(&[
            ("a", AnswerValue::Text("z".into())),
            ("b", AnswerValue::Text("y".into())),
            ("c", AnswerValue::Bool(false)),
        ]);
        assert_eq!(evaluate(&c, &a), Truth::True);
        let b = answers(&[
            ("a", AnswerValue::Text("z".into())),
            ("b", AnswerValue::Text("q".into())),
        ]);
        assert_eq!(evaluate(&c, &b), Truth::False);
    }

    #[test]
    fn unanswered_inputs_are_reported_unless_a_known_part_is_false() {
        let c = cond(r#"when = { a = "x", b = "y" }"#);
        assert_eq!(
            evaluate(&c, &answers(&[])),
            Truth::Unknown(vec!["a".into(), "b".into()])
        );
        let decided = answers(&[("a", AnswerValue::Text("no".into()))]);
        assert_eq!(evaluate(&c, &decided), Truth::False);
    }
}
