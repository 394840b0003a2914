//! A session's flat list of steps: the root wizard with its includes expanded,
//! `for_each` includes repeated per value, and each step's applicability decided
//! from the answers given so far. Pure: the same catalog and answers give the same list.

use crate::session::event::{AnswerValue, Answers};
use crate::wizard::condition::{self, Truth};
use crate::wizard::{Catalog, StepDef, StepKind, Wizard};

/// One step of the expanded list.
#[derive(Debug, Clone)]
pub struct PlannedStep<'a> {
    /// Unique key within the session: `id`, `include/id`, `include[item]/id`.
    pub key: String,
    /// The wizard that declares the step.
    pub wizard: &'a Wizard,
    pub def: &'a StepDef,
    /// Answer scopes, innermost first, ending with the root scope `""`.
    pub scopes: Vec<String>,
    /// Values of `{{item}}`, innermost first.
    pub items: Vec<String>,
    /// Include depth (0 for the root wizard's own steps).
    pub depth: usize,
    pub applies: Truth,
}

impl PlannedStep<'_> {
    /// The scoped key an answer to input `id` is stored under when this step asks it.
    pub fn answer_key(&self, id: &str) -> String {
        format!("{}{}", self.scopes[0], id)
    }

    /// Looks a name up as this step sees it: the innermost `item`, `drill`, then answers
    /// from the innermost scope outwards.
    pub fn lookup(&self, answers: &Answers, drill: bool, name: &str) -> Option<AnswerValue> {
        lookup(answers, &self.scopes, &self.items, drill, name)
    }
}

fn lookup(
    answers: &Answers,
    scopes: &[String],
    items: &[String],
    drill: bool,
    name: &str,
) -> Option<AnswerValue> {
    match name {
        "item" => items.first().map(|i| AnswerValue::Text(i.clone())),
        "drill" => Some(AnswerValue::Bool(drill)),
        _ => scopes
            .iter()
            .find_map(|scope| answers.get(&format!("{scope}{name}")).cloned()),
    }
}

/// Expands `root` into its flat step list.
pub fn expand<'a>(
    catalog: &'a Catalog,
    root: &str,
    answers: &Answers,
    drill: bool,
) -> Vec<PlannedStep<'a>> {
    let mut out = Vec::new();
    if let Some(wizard) = catalog.get(root) {
        let ctx = Frame {
            prefix: String::new(),
            scopes: vec![String::new()],
            items: vec![],
            depth: 0,
            applies: Truth::True,
        };
        let mut stack = vec![wizard.id.as_str()];
        expand_into(catalog, wizard, &ctx, answers, drill, &mut stack, &mut out);
    }
    out
}

struct Frame {
    prefix: String,
    scopes: Vec<String>,
    items: Vec<String>,
    depth: usize,
    applies: Truth,
}

fn expand_into<'a>(
    catalog: &'a Catalog,
    wizard: &'a Wizard,
    frame: &Frame,
    answers: &Answers,
    drill: bool,
    stack: &mut Vec<&'a str>,
    out: &mut Vec<PlannedStep<'a>>,
) {
    for def in &wizard.steps {
        let key = format!("{}{}", frame.prefix, def.id);
        let own = match &def.when {
            None => Truth::True,
            Some(cond) => condition::evaluate(cond, &|name| {
                lookup(answers, &frame.scopes, &frame.items, drill, name)
            }),
        };
        let applies = and(&frame.applies, &own);
        out.push(PlannedStep {
            key: key.clone(),
            wizard,
            def,
            scopes: frame.scopes.clone(),
            items: frame.items.clone(),
            depth: frame.depth,
            applies: applies.clone(),
        });
        if def.kind != StepKind::Include || applies == Truth::False {
            continue;
        }
        let Some(child) = def.wizard.as_deref().and_then(|id| catalog.get(id)) else {
            continue;
        };
        if stack.contains(&child.id.as_str()) {
            continue; // a cycle; `check` reports it
        }
        stack.push(child.id.as_str());
        match &def.for_each {
            None => {
                let inner = Frame {
                    prefix: format!("{key}/"),
                    scopes: frame.scopes.clone(),
                    items: frame.items.clone(),
                    depth: frame.depth + 1,
                    applies: applies.clone(),
                };
                expand_into(catalog, child, &inner, answers, drill, stack, out);
            }
            Some(list) => {
                // Until the list is answered the instances are unknown: the include step
                // itself asks for it when reached.
                let values = match lookup(answers, &frame.scopes, &frame.items, drill, list) {
                    Some(AnswerValue::List(values)) => values,
                    Some(AnswerValue::Text(v)) => instances_of(&v),
                    _ => vec![],
                };
                for value in values {
                    let scope = format!("{key}[{value}]/");
                    let mut scopes = vec![scope.clone()];
                    scopes.extend(frame.scopes.iter().cloned());
                    let mut items = vec![value.clone()];
                    items.extend(frame.items.iter().cloned());
                    let inner = Frame {
                        prefix: scope,
                        scopes,
                        items,
                        depth: frame.depth + 1,
                        applies: applies.clone(),
                    };
                    expand_into(catalog, child, &inner, answers, drill, stack, out);
                }
            }
        }
        stack.pop();
    }
}

/// The instances a `text` list answer stands for: its comma-separated values, trimmed, each
/// once, in the order given. A list of servers (`fe01.contoso.com,conf01.contoso.com`) runs
/// a per-server wizard once per server, however many roles a server holds.
pub fn instances_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in text.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(value)) {
            out.push(value.to_string());
        }
    }
    out
}

fn and(a: &Truth, b: &Truth) -> Truth {
    match (a, b) {
        (Truth::False, _) | (_, Truth::False) => Truth::False,
        (Truth::True, other) | (other, Truth::True) => other.clone(),
        (Truth::Unknown(x), Truth::Unknown(y)) => {
            let mut names = x.clone();
            names.extend(y.iter().filter(|n| !x.contains(n)).cloned());
            Truth::Unknown(names)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::instances_of;

    #[test]
    fn a_text_list_gives_each_value_once_in_its_order() {
        assert_eq!(
            instances_of(
                " be01.contoso.com, conf01.contoso.com ,,CONF01.contoso.com,fe01.contoso.com"
            ),
            ["be01.contoso.com", "conf01.contoso.com", "fe01.contoso.com"]
        );
        assert_eq!(instances_of("edge"), ["edge"]);
        assert!(instances_of(" , ").is_empty());
        assert!(instances_of("").is_empty());
    }
}
