//! Deciding whether a step's `when` can ever hold, by trying every relevant combination of
//! answers to the finite inputs it names.
//!
//! Only values the condition mentions can change its outcome, so each input's domain is cut
//! down to those (plus one stand-in for "anything else" where anything else is possible):
//! a choice ranges over its mentioned options, a multi-choice over the subsets of its
//! mentioned options, a bool over true and false, and a text input over the mentioned texts
//! plus a fresh one. The result is exact for choices and bools and errs towards "can hold"
//! for text, so a reported step is truly unreachable.

use std::collections::BTreeMap;

use super::answer::AnswerValue;
use super::condition::{Truth, evaluate};
use super::model::{CondValue, Condition, InputDef, InputKind};

/// Above this many combinations the question is left undecided.
pub const MAX_COMBINATIONS: usize = 4096;

/// `Some(true)` if some answers make `cond` hold, `Some(false)` if none can, `None` when
/// there are too many combinations to try.
pub fn can_hold(cond: &Condition, inputs: &[InputDef]) -> Option<bool> {
    let mut mentioned: BTreeMap<String, Mentions> = BTreeMap::new();
    collect(cond, &mut mentioned);
    let mut names = Vec::new();
    let mut domains = Vec::new();
    let mut combinations: usize = 1;
    for (name, mentions) in &mentioned {
        let input = inputs.iter().find(|i| i.id == *name);
        let domain = domain(name, input, mentions)?;
        combinations = combinations.checked_mul(domain.len())?;
        if combinations > MAX_COMBINATIONS {
            return None;
        }
        names.push(name.as_str());
        domains.push(domain);
    }
    if domains.iter().any(Vec::is_empty) {
        return Some(false);
    }
    let mut choice = vec![0usize; domains.len()];
    loop {
        let answer = |name: &str| {
            let i = names.iter().position(|n| *n == name)?;
            Some(domains[i][choice[i]].clone())
        };
        if evaluate(cond, &answer) == Truth::True {
            return Some(true);
        }
        // Next combination, like an odometer.
        let mut digit = 0;
        loop {
            if digit == choice.len() {
                return Some(false);
            }
            choice[digit] += 1;
            if choice[digit] < domains[digit].len() {
                break;
            }
            choice[digit] = 0;
            digit += 1;
        }
    }
}

/// What a condition compares one name with.
#[derive(Debug, Default)]
struct Mentions {
    texts: Vec<String>,
    bool: bool,
}

fn collect(cond: &Condition, into: &mut BTreeMap<String, Mentions>) {
    for (name, value) in &cond.all {
        let m = into.entry(name.clone()).or_default();
        match value {
            CondValue::Bool(_) => m.bool = true,
            CondValue::One(v) => push(&mut m.texts, v),
            CondValue::Many(vs) => vs.iter().for_each(|v| push(&mut m.texts, v)),
        }
    }
    cond.any.iter().for_each(|c| collect(c, into));
    if let Some(negated) = &cond.not {
        collect(negated, into);
    }
}

fn push(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// The answers worth trying for one name; `None` when there are too many.
fn domain(name: &str, input: Option<&InputDef>, m: &Mentions) -> Option<Vec<AnswerValue>> {
    let bools = || vec![AnswerValue::Bool(true), AnswerValue::Bool(false)];
    if name == "drill" {
        return Some(bools());
    }
    let Some(input) = input else {
        return Some(texts(m));
    };
    let options: Vec<&str> = input.options.iter().map(|o| o.value.as_str()).collect();
    match input.kind {
        InputKind::Bool => Some(bools()),
        InputKind::Choice if !options.is_empty() => {
            let mut values: Vec<String> = Vec::new();
            let mut other = None;
            for o in &options {
                if m.texts.iter().any(|t| t == o) {
                    push(&mut values, o);
                } else if other.is_none() {
                    other = Some(o.to_string());
                }
            }
            values.extend(other);
            if input.optional {
                push(&mut values, "");
            }
            Some(values.into_iter().map(AnswerValue::Text).collect())
        }
        InputKind::MultiChoice if !options.is_empty() => {
            let relevant: Vec<&str> = options
                .iter()
                .copied()
                .filter(|o| m.texts.iter().any(|t| t == o))
                .collect();
            if relevant.len() > 12 {
                return None;
            }
            let empty_possible = input.optional || relevant.len() < options.len();
            let first = if empty_possible { 0 } else { 1 };
            let subsets = (first..1usize << relevant.len()).map(|mask| {
                let picked = relevant
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, v)| v.to_string())
                    .collect();
                AnswerValue::List(picked)
            });
            Some(subsets.collect())
        }
        _ => Some(texts(m)),
    }
}

/// Free text: each mentioned value, something else, and the words a bool compares with.
fn texts(m: &Mentions) -> Vec<AnswerValue> {
    let mut values = m.texts.clone();
    if m.bool {
        push(&mut values, "true");
        push(&mut values, "false");
    }
    // No condition value can contain a NUL, so this differs from every mentioned one.
    values.push("\u{0}".to_string());
    values.into_iter().map(AnswerValue::Text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::model::OptionDef;

    fn cond(text: &str) -> Condition {
        #[derive(serde::Deserialize)]
        struct W {
            when: Condition,
        }
        toml::from_str::<W>(&format!("when = {text}")).unwrap().when
    }

    fn input(id: &str, kind: InputKind, options: &[&str]) -> InputDef {
        InputDef {
            id: id.into(),
            kind,
            label: id.into(),
            help: None,
            default: None,
            default_from: None,
            options: options
                .iter()
                .map(|v| OptionDef {
                    value: v.to_string(),
                    label: v.to_string(),
                    consequence: None,
                })
                .collect(),
            pattern: None,
            pattern_message: None,
            optional: false,
            unknown: None,
        }
    }

    fn inputs() -> Vec<InputDef> {
        vec![
            input(
                "topology",
                InputKind::Choice,
                &["standard", "consolidated", "expanded"],
            ),
            input(
                "lost",
                InputKind::MultiChoice,
                &["back-end", "front-end", "edge"],
            ),
            input("healthy", InputKind::Bool, &[]),
            input("pool", InputKind::Text, &[]),
        ]
    }

    #[test]
    fn contradictions_on_choices_and_bools_never_hold() {
        let i = inputs();
        let never = [
            r#"{ topology = "standard", not = { topology = ["standard", "expanded"] } }"#,
            r#"{ healthy = true, any = [{ healthy = false }] }"#,
            r#"{ topology = [] }"#,
            r#"{ drill = true, not = { drill = true } }"#,
        ];
        for c in never {
            assert_eq!(can_hold(&cond(c), &i), Some(false), "{c}");
        }
    }

    #[test]
    fn satisfiable_conditions_hold_for_some_answers() {
        let i = inputs();
        let possible = [
            r#"{ topology = "standard" }"#,
            r#"{ not = { topology = ["standard", "expanded"] } }"#,
            // A multi-choice may hold both values at once.
            r#"{ lost = "back-end", any = [{ lost = "edge" }] }"#,
            // Something other than 'back-end' may be lost.
            r#"{ not = { lost = "back-end" } }"#,
            // Free text can be anything, including a value the condition excludes elsewhere.
            r#"{ pool = "a", not = { pool = "b" } }"#,
            r#"{ undeclared = "x" }"#,
        ];
        for c in possible {
            assert_eq!(can_hold(&cond(c), &i), Some(true), "{c}");
        }
    }

    #[test]
    fn a_required_multi_choice_whose_every_option_is_excluded_is_never_empty() {
        let i = vec![input("lost", InputKind::MultiChoice, &["a", "b"])];
        assert_eq!(
            can_hold(&cond(r#"{ not = { lost = ["a", "b"] } }"#), &i),
            Some(false)
        );
        let mut optional = i.clone();
        optional[0].optional = true;
        assert_eq!(
            can_hold(&cond(r#"{ not = { lost = ["a", "b"] } }"#), &optional),
            Some(true)
        );
    }

    #[test]
    fn too_many_combinations_are_left_undecided() {
        let options: Vec<String> = (0..13).map(|i| format!("o{i}")).collect();
        let refs: Vec<&str> = options.iter().map(String::as_str).collect();
        let i = vec![input("many", InputKind::MultiChoice, &refs)];
        let c = cond(&format!("{{ many = {refs:?} }}"));
        assert_eq!(can_hold(&c, &i), None);
    }
}
