//! The plan's steps: `restore-service` expanded with synthetic answers, once with every
//! "may also need" question answered the minimal way and once per other answer; the steps
//! only another answer brings in are kept as optional, naming the question that decides them.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::inventory::Inventory;
use crate::inventory::vocab::{Role, Topology};
use crate::session::event::{AnswerValue, Answers};
use crate::session::steps::{PlannedStep, expand};
use crate::wizard::condition::Truth;
use crate::wizard::{Catalog, InputKind, StepKind};

use super::render_step::{PlanStep, render_step};

/// The top-level wizard a plan expands.
pub const ROOT: &str = "restore-service";

/// The "may also need" questions with the answer that means the least work.
pub const MAY_MINIMAL: [(&str, Answer); 7] = [
    ("os_healthy", Answer::Yes),
    ("hardware_usable", Answer::Yes),
    ("pool_state", Answer::Is("intact")),
    ("secondary_site", Answer::Yes),
    ("move_users", Answer::No),
    ("keep_contacts", Answer::No),
    ("domain_rebuilt", Answer::No),
];

/// A synthetic answer to a "may also need" question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// A choice's option value.
    Is(&'static str),
}

impl Answer {
    /// The answer as the session would record it.
    pub fn value(self) -> AnswerValue {
        match self {
            Answer::Yes => AnswerValue::Bool(true),
            Answer::No => AnswerValue::Bool(false),
            Answer::Is(v) => AnswerValue::Text(v.to_string()),
        }
    }
}

/// The other answers tried, each named by the question it stands for. A question asked only
/// after another one's non-minimal answer carries that answer along.
const FLIPS: [(&str, &[(&str, Answer)]); 10] = [
    ("os_healthy", &[("os_healthy", Answer::No)]),
    ("pool_state", &[("pool_state", Answer::Is("lost"))]),
    ("pool_state", &[("pool_state", Answer::Is("recreated"))]),
    ("secondary_site", &[("secondary_site", Answer::No)]),
    ("move_users", &[("move_users", Answer::Yes)]),
    ("domain_rebuilt", &[("domain_rebuilt", Answer::Yes)]),
    (
        "hardware_usable",
        &[("os_healthy", Answer::No), ("hardware_usable", Answer::No)],
    ),
    (
        "keep_contacts",
        &[("move_users", Answer::Yes), ("keep_contacts", Answer::Yes)],
    ),
    (
        "domain_rebuilt",
        &[
            ("secondary_site", Answer::No),
            ("domain_rebuilt", Answer::Yes),
        ],
    ),
    (
        "pool_state",
        &[
            ("secondary_site", Answer::No),
            ("pool_state", Answer::Is("recreated")),
        ],
    ),
];

/// What the expansion needs to know about the recovery.
pub struct Context<'a> {
    pub topology: Topology,
    pub lost: &'a [String],
    pub inventory: Option<&'a Inventory>,
}

/// One expansion: every step in order, with whether it applies, the answers it was expanded
/// with, and those it assumed from inputs' literal defaults (key, input id, value). Steps are
/// rendered only when the plan keeps them (most expansions contribute a step or two).
struct Expansion<'c> {
    steps: Vec<PlannedStep<'c>>,
    answers: Answers,
    defaulted: Vec<(String, String, AnswerValue)>,
}

impl Expansion<'_> {
    /// The step `key` as this expansion renders it, when it applies (or may) and is no include.
    fn render(&self, catalog: &Catalog, ctx: &Context<'_>, key: &str) -> Option<PlanStep> {
        let step = self.steps.iter().find(|s| s.key == key)?;
        (step.def.kind != StepKind::Include && step.applies != Truth::False).then(|| {
            render_step(
                catalog,
                step,
                &self.answers,
                ctx.inventory,
                procedure_of(step),
            )
        })
    }
}

/// The plan's ordered steps, optional ones marked.
///
/// The base expansion answers every "may also need" question the minimal way and every
/// other choice its literal default. Each other answer of a "may" question, and each other
/// option of a defaulted choice, is expanded too; the steps only those bring in are kept as
/// optional, `decided_by` naming the question.
pub fn plan_steps(catalog: &Catalog, ctx: &Context<'_>) -> Vec<PlanStep> {
    let base = run(catalog, ctx, &[], &[]);
    let mut others: Vec<(String, Expansion)> = FLIPS
        .iter()
        .map(|(name, answers)| (name.to_string(), run(catalog, ctx, answers, &[])))
        .collect();
    for (key, id, value) in &base.defaulted {
        for other in alternatives(catalog, id, value) {
            let fixed = [(key.clone(), other)];
            others.push((id.clone(), run(catalog, ctx, &[], &fixed)));
        }
    }
    let order = merged_order(&base, others.iter().map(|(_, e)| e));
    let base_index: HashMap<&str, usize> = base
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for key in order {
        let in_base = base_index
            .get(key.as_str())
            .map(|i| &base.steps[*i].applies);
        let chosen = match in_base {
            Some(Truth::True) => base.render(catalog, ctx, &key).map(|s| (s, None)),
            Some(Truth::Unknown(names)) => base
                .render(catalog, ctx, &key)
                .map(|s| (s, Some(names.join(", ")))),
            _ => others.iter().find_map(|(name, e)| {
                e.render(catalog, ctx, &key)
                    .map(|step| (step, Some(name.clone())))
            }),
        };
        if let Some((mut step, decided_by)) = chosen {
            step.optional = decided_by.is_some();
            step.decided_by = decided_by;
            out.push(step);
        }
    }
    out
}

/// The values of input `id` other than `value`: the other options of a choice, the other
/// truth value of a bool.
fn alternatives(catalog: &Catalog, id: &str, value: &AnswerValue) -> Vec<AnswerValue> {
    let Some(input) = catalog
        .wizards
        .values()
        .find_map(|w| w.inputs.iter().find(|i| i.id == id))
    else {
        return vec![];
    };
    match (input.kind, value) {
        (InputKind::Bool, AnswerValue::Bool(b)) => vec![AnswerValue::Bool(!b)],
        (InputKind::Choice, AnswerValue::Text(chosen)) => input
            .options
            .iter()
            .filter(|o| &o.value != chosen)
            .map(|o| AnswerValue::Text(o.value.clone()))
            .collect(),
        _ => vec![],
    }
}

/// Keys in expansion order: the base order, with keys only other expansions have inserted
/// right after the key that precedes them there.
fn merged_order<'e, 'c: 'e>(
    base: &Expansion<'c>,
    others: impl Iterator<Item = &'e Expansion<'c>>,
) -> Vec<String> {
    let mut order: Vec<String> = base.steps.iter().map(|s| s.key.clone()).collect();
    let mut known: HashSet<String> = order.iter().cloned().collect();
    for other in others {
        let mut previous: Option<String> = None;
        for key in other.steps.iter().map(|s| &s.key) {
            if known.insert(key.clone()) {
                let at = previous
                    .as_ref()
                    .and_then(|p| order.iter().position(|k| k == p))
                    .map_or(0, |i| i + 1);
                order.insert(at, key.clone());
            }
            previous = Some(key.clone());
        }
    }
    order
}

/// Expands the root wizard with the minimal answers, `overrides` applied to the "may"
/// questions and `fixed` answers (by scoped key) set as given.
fn run<'c>(
    catalog: &'c Catalog,
    ctx: &Context<'_>,
    overrides: &[(&str, Answer)],
    fixed: &[(String, AnswerValue)],
) -> Expansion<'c> {
    let mut answers: Answers = BTreeMap::new();
    answers.insert(
        "topology".into(),
        AnswerValue::Text(ctx.topology.as_str().into()),
    );
    answers.insert("lost".into(), AnswerValue::List(ctx.lost.to_vec()));
    for (name, minimal) in minimal_answers(ctx) {
        let value = overrides
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(minimal, |(_, v)| *v);
        answers.insert(name.into(), value.value());
    }
    answers.extend(fixed.iter().cloned());
    let (steps, defaulted) = settle(catalog, ctx, &mut answers);
    Expansion {
        steps,
        answers,
        defaulted,
    }
}

/// The "may also need" answers the minimum plan assumes for these losses.
pub fn minimal_answers(ctx: &Context<'_>) -> Vec<(&'static str, Answer)> {
    MAY_MINIMAL
        .iter()
        .map(|(name, minimal)| match *name {
            // A lost back-end is a lost pool (Table 17-1), though not a re-created one.
            "pool_state" if ctx.lost.iter().any(|l| l == "back-end") => (*name, Answer::Is("lost")),
            _ => (*name, *minimal),
        })
        .collect()
}

/// The procedure a step belongs to: its wizard, with the root's own steps as `decide`.
fn procedure_of(step: &PlannedStep<'_>) -> String {
    if step.wizard.id == ROOT {
        "decide".into()
    } else {
        step.wizard.id.clone()
    }
}

/// Expands until every reached platform choice has its synthetic answer and every reached
/// choice or bool with a literal default has that default. Returns the steps and the
/// defaulted answers.
fn settle<'c>(
    catalog: &'c Catalog,
    ctx: &Context<'_>,
    answers: &mut Answers,
) -> (Vec<PlannedStep<'c>>, Vec<(String, String, AnswerValue)>) {
    let mut defaulted = Vec::new();
    for _ in 0..64 {
        let steps = expand(catalog, ROOT, answers, false);
        let mut added = false;
        for step in steps.iter().filter(|s| s.applies != Truth::False) {
            for name in per_server_names(catalog, step) {
                if step.lookup(answers, false, &name).is_some() {
                    continue;
                }
                if let Some(value) = per_server_value(catalog, ctx, step, answers, &name) {
                    answers.insert(step.answer_key(&name), value);
                    added = true;
                }
            }
            for name in asked_names(step) {
                if step.lookup(answers, false, &name).is_some() {
                    continue;
                }
                let key = step.answer_key(&name);
                if name == "platform" {
                    let Some(item) = step.items.first() else {
                        continue;
                    };
                    let path = platform_for(item, ctx, answers);
                    answers.insert(key, AnswerValue::Text(path.into()));
                    added = true;
                } else if let Some(value) = literal_default(catalog, step, &name) {
                    answers.insert(key.clone(), value.clone());
                    defaulted.push((key, name, value));
                    added = true;
                }
            }
        }
        if !added {
            return (steps, defaulted);
        }
    }
    (expand(catalog, ROOT, answers, false), defaulted)
}

/// The inputs that make a per-server procedure run once per server: a `for_each` over a
/// text list (the servers of a lost site), and a condition's input whose default is read
/// per instance (`server.{{item}}.roles`).
fn per_server_names(catalog: &Catalog, step: &PlannedStep<'_>) -> Vec<String> {
    let input = |name: &str| {
        step.wizard
            .inputs
            .iter()
            .find(|i| i.id == name)
            .or_else(|| catalog.input(ROOT, name))
    };
    let mut names = Vec::new();
    if step.def.kind == StepKind::Include
        && let Some(list) = &step.def.for_each
        && input(list).is_some_and(|i| i.kind == InputKind::Text)
    {
        names.push(list.clone());
    }
    if let Truth::Unknown(waiting) = &step.applies {
        names.extend(
            waiting
                .iter()
                .filter(|n| {
                    input(n).is_some_and(|i| {
                        i.default_from
                            .as_deref()
                            .is_some_and(|k| k.contains("{{item}}"))
                    })
                })
                .cloned(),
        );
    }
    names
}

/// The inventory's value for a per-server input; without an inventory a list of servers
/// stands as one instance described in words (`<every server of the lost site ...>`), so a
/// paper plan still shows the per-server steps once.
fn per_server_value(
    catalog: &Catalog,
    ctx: &Context<'_>,
    step: &PlannedStep<'_>,
    answers: &Answers,
    name: &str,
) -> Option<AnswerValue> {
    let input = input_of(catalog, step, name)?;
    let from_inventory = ctx.inventory.and_then(|inv| {
        let key = crate::wizard::template::render(input.default_from.as_deref()?, |n| {
            step.lookup(answers, false, n).map(|v| v.as_text())
        })
        .ok()?;
        let text = inv.lookup_text(&key)?;
        crate::wizard::validate::validate_value(input, &AnswerValue::Text(text)).ok()
    });
    match from_inventory {
        Some(v) => Some(v),
        None if input.kind == InputKind::Text => {
            let words = input.unknown.clone().unwrap_or_else(|| input.label.clone());
            Some(AnswerValue::Text(format!("<{}>", words.replace(',', ""))))
        }
        None => None,
    }
}

/// An input as the step sees it: its own wizard's, else the root wizard's.
fn input_of<'c>(
    catalog: &'c Catalog,
    step: &PlannedStep<'c>,
    name: &str,
) -> Option<&'c crate::wizard::InputDef> {
    step.wizard
        .inputs
        .iter()
        .find(|i| i.id == name)
        .or_else(|| catalog.input(ROOT, name))
}

/// The inputs a step needs decided: those its condition waits for, and those it asks.
fn asked_names(step: &PlannedStep<'_>) -> Vec<String> {
    let mut names: Vec<String> = match &step.applies {
        Truth::Unknown(names) => names.clone(),
        _ => vec![],
    };
    names.extend(step.def.input.clone());
    names.extend(step.def.inputs.iter().cloned());
    names.retain(|n| n != "item" && n != "drill");
    names
}

/// The literal default of a choice or bool input, as the step sees the input.
fn literal_default(catalog: &Catalog, step: &PlannedStep<'_>, name: &str) -> Option<AnswerValue> {
    let input = input_of(catalog, step, name)?;
    match (input.kind, input.default.as_ref()?) {
        (InputKind::Bool, toml::Value::Boolean(b)) => Some(AnswerValue::Bool(*b)),
        (InputKind::Choice, toml::Value::String(v))
            if input.options.iter().any(|o| &o.value == v) =>
        {
            Some(AnswerValue::Text(v.clone()))
        }
        _ => None,
    }
}

/// The set-up path the plan assumes for one lost entry: none when the entry's server is
/// already handled by an earlier entry; otherwise the least work the answers allow.
pub fn platform_for(item: &str, ctx: &Context<'_>, answers: &Answers) -> &'static str {
    let lost: Vec<&str> = ctx.lost.iter().map(String::as_str).collect();
    let has = |id: &str| lost.contains(&id);
    let handled_elsewhere = match item {
        "rtc-database" => has("back-end") || has("standard-edition"),
        "lcslog-database" => has("archiving-cdr"),
        _ => Role::parse(item)
            .and_then(|r| r.restored_with(ctx.topology))
            .is_some_and(|host| {
                has(host.as_str())
                    || lost.iter().take_while(|l| **l != item).any(|l| {
                        Role::parse(l).and_then(|r| r.restored_with(ctx.topology)) == Some(host)
                    })
            }),
    };
    if handled_elsewhere {
        return "none";
    }
    let flag = |name: &str| matches!(answers.get(name), Some(AnswerValue::Bool(true)));
    if flag("os_healthy") {
        "prepare"
    } else if flag("hardware_usable") {
        "recover"
    } else {
        "rebuild"
    }
}
