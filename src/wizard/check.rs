//! Checking a set of wizard files together: each file's own rules, then what spans files:
//! duplicate wizard ids, includes of missing wizards, include cycles, and inputs that an
//! including and an included wizard declare differently (their answers are shared).

use std::collections::{BTreeSet, HashMap};

use super::Catalog;
use super::diag::Diagnostic;
use super::load::{LoadedWizard, WizardSource, load_wizard, peek_id};
use super::model::{StepKind, Wizard};
use super::rules::check_wizard;
use super::spans::{child, item};
use super::when_check::kind_phrase;

/// Checks `files` together; includes may also resolve to wizards in `context` (e.g. the
/// bundled ones when checking an organization's files), which a file with the same id
/// overrides. Returns the wizards of `files` that loaded (the first of duplicates) and every
/// diagnostic, sorted by file, line and column.
pub fn check_catalog(files: &[WizardSource], context: &Catalog) -> (Catalog, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut loaded: Vec<LoadedWizard> = Vec::new();
    // Ids of files that failed to load: including them is not also "missing".
    let mut broken: BTreeSet<String> = BTreeSet::new();
    for file in files {
        match load_wizard(&file.path, &file.text) {
            Ok(l) => loaded.push(l),
            Err(d) => {
                diags.extend(d);
                broken.extend(peek_id(&file.text));
            }
        }
    }
    let mut first_path: HashMap<&str, &str> = HashMap::new();
    let mut checked = Catalog::default();
    for l in &loaded {
        let id = l.wizard.id.as_str();
        match first_path.get(id) {
            Some(other) => diags.push(l.spans.at_value(
                "id",
                format!("wizard id '{id}' is already used by '{other}'"),
            )),
            None => {
                first_path.insert(id, l.spans.path());
                checked.insert(l.wizard.clone());
            }
        }
    }
    let mut all = context.clone();
    for w in checked.wizards.values() {
        all.insert(w.clone());
    }
    for l in &loaded {
        diags.extend(check_wizard(l));
        diags.extend(check_includes(l, &all, &broken));
        diags.extend(check_shared_inputs(l, &all));
    }
    // Report in the order the files were given, each from top to bottom.
    let rank = |d: &Diagnostic| files.iter().position(|f| f.path == d.path);
    diags.sort_by(|a, b| {
        (rank(a), a.line, a.col, &a.message).cmp(&(rank(b), b.line, b.col, &b.message))
    });
    diags.dedup();
    (checked, diags)
}

/// Every include of `l` names a wizard that exists and does not lead back to `l`.
fn check_includes(l: &LoadedWizard, all: &Catalog, broken: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, step) in l.wizard.steps.iter().enumerate() {
        let (StepKind::Include, Some(target)) = (step.kind, &step.wizard) else {
            continue;
        };
        let at = child(&item("steps", i), "wizard");
        if all.get(target).is_none() {
            if !broken.contains(target) {
                diags.push(
                    l.spans
                        .at_value(&at, format!("include of missing wizard '{target}'")),
                );
            }
            continue;
        }
        if let Some(path) = path_to(all, target, &l.wizard.id) {
            let mut ids = vec![l.wizard.id.as_str()];
            ids.extend(path);
            let shown: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
            diags.push(
                l.spans
                    .at_value(&at, format!("include cycle: {}", shown.join(" -> "))),
            );
        }
    }
    diags
}

/// The wizards on a chain of includes from `from` to `to` (both ends included), if any.
fn path_to<'a>(all: &'a Catalog, from: &'a str, to: &str) -> Option<Vec<&'a str>> {
    let mut parent: HashMap<&str, &str> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(id) = queue.pop_front() {
        if id == to {
            let mut path = vec![id];
            let mut at = id;
            while let Some(p) = parent.get(at) {
                path.push(p);
                at = p;
            }
            path.reverse();
            return Some(path);
        }
        let Some(w) = all.get(id) else { continue };
        for next in includes(w) {
            if seen.insert(next) {
                parent.insert(next, id);
                queue.push_back(next);
            }
        }
    }
    None
}

fn includes(w: &Wizard) -> impl Iterator<Item = &str> {
    w.steps
        .iter()
        .filter(|s| s.kind == StepKind::Include)
        .filter_map(|s| s.wizard.as_deref())
}

/// An input `l` declares must have the same kind and options in every wizard it includes,
/// directly or not: a session keeps one answer per input id.
fn check_shared_inputs(l: &LoadedWizard, all: &Catalog) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut reached: Vec<&Wizard> = Vec::new();
    for target in includes(&l.wizard) {
        for w in all.closure(target) {
            if w.id != l.wizard.id && !reached.iter().any(|r| r.id == w.id) {
                reached.push(w);
            }
        }
    }
    for (i, input) in l.wizard.inputs.iter().enumerate() {
        let at = item("inputs", i);
        for other in &reached {
            let Some(theirs) = other.inputs.iter().find(|o| o.id == input.id) else {
                continue;
            };
            let (id, wid) = (&input.id, &other.id);
            if theirs.kind != input.kind {
                diags.push(l.spans.at_value(
                    &child(&at, "kind"),
                    format!(
                        "input '{id}' is {} input here but {} input in included wizard '{wid}'",
                        kind_phrase(input.kind),
                        kind_phrase(theirs.kind)
                    ),
                ));
            } else {
                let values = |d: &super::InputDef| -> Vec<String> {
                    d.options.iter().map(|o| o.value.clone()).collect()
                };
                if values(input) != values(theirs) {
                    diags.push(l.spans.at_value(
                        &child(&at, "id"),
                        format!(
                            "input '{id}' has other options than in included wizard '{wid}' (there: {})",
                            values(theirs).join(", ")
                        ),
                    ));
                }
            }
        }
    }
    diags
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
