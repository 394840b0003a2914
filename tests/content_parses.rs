//! The bundled wizards (`wizards/*.toml`) parse into the wizard format and keep the content
//! contract: every referenced input declared, shared inputs declared the same everywhere,
//! includes resolvable, `default_from` keys known to the inventory, and the "may also need"
//! questions never asked outside the decision phase of `restore-service`.

use std::collections::BTreeMap;
use std::path::Path;

use lifeline::inventory::known_key;
use lifeline::session::engine::templates_of;
use lifeline::session::event::{AnswerValue, Answers};
use lifeline::session::steps::expand;
use lifeline::wizard::condition::{Truth, referenced_names};
use lifeline::wizard::template::placeholders;
use lifeline::wizard::{Catalog, InputKind, StepKind, Wizard};

/// Wizards the other content helper writes; an include of one of them may not resolve yet.
const CONTENT_B: [&str; 7] = [
    "restore-databases",
    "restore-file-shares",
    "restore-settings-standard",
    "restore-settings-enterprise",
    "recreate-pool",
    "restore-site",
    "persistent-chat-failback",
];

/// The wizards this side owns.
const OWN: [&str; 6] = [
    "restore-service",
    "verify-prerequisites",
    "setup-platform",
    "install-tools",
    "reassign-users",
    "restore-domain",
];

/// The "may also need" questions.
const MAY: [&str; 7] = [
    "os_healthy",
    "hardware_usable",
    "pool_state",
    "secondary_site",
    "move_users",
    "keep_contacts",
    "domain_rebuilt",
];

fn load_dir(dir: &Path) -> Vec<(String, Wizard)> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let wizard: Wizard = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        out.push((path.display().to_string(), wizard));
    }
    out
}

fn bundled() -> Vec<(String, Wizard)> {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("wizards"))
}

fn catalog() -> Catalog {
    let mut catalog = Catalog::default();
    for (_, w) in bundled() {
        catalog.insert(w);
    }
    catalog
}

#[test]
fn every_wizard_parses_and_is_named_after_its_file() {
    let all = bundled();
    for id in OWN {
        assert!(
            all.iter().any(|(_, w)| w.id == id),
            "wizards/{id}.toml is missing"
        );
    }
    for (path, w) in &all {
        assert!(
            path.ends_with(&format!("{}.toml", w.id)),
            "{path} holds '{}'",
            w.id
        );
        assert!(w.source.is_some(), "{path}: no source");
        for step in &w.steps {
            assert!(step.why.is_some(), "{path}: step '{}' has no why", step.id);
            assert!(
                step.source.is_some(),
                "{path}: step '{}' has no source",
                step.id
            );
        }
    }
}

#[test]
fn every_referenced_input_is_declared_in_its_wizard() {
    for (path, w) in bundled() {
        let declared = |name: &str| w.inputs.iter().any(|i| i.id == name);
        for step in &w.steps {
            let mut names: Vec<String> = Vec::new();
            if let Some(cond) = &step.when {
                names.extend(referenced_names(cond));
            }
            for t in templates_of(step) {
                names.extend(placeholders(t).into_iter().map(|p| p.name.to_string()));
            }
            names.extend(step.input.clone());
            names.extend(step.inputs.iter().cloned());
            names.extend(step.for_each.clone());
            for name in names {
                if name == "item" || name == "drill" {
                    continue;
                }
                assert!(
                    declared(&name),
                    "{path}: step '{}' uses undeclared input '{name}'",
                    step.id
                );
            }
            for item in &step.checklist {
                assert!(
                    placeholders(item).is_empty() || OWN.iter().all(|o| *o != w.id),
                    "{path}: step '{}' has a placeholder in a checklist item (not rendered)",
                    step.id
                );
            }
        }
        for input in &w.inputs {
            if let Some(key) = &input.default_from {
                assert!(
                    known_key(key),
                    "{path}: input '{}' reads unknown inventory key '{key}'",
                    input.id
                );
                for p in placeholders(key) {
                    assert!(
                        p.name == "item" || declared(p.name),
                        "{path}: '{key}' uses undeclared '{}'",
                        p.name
                    );
                }
            }
        }
    }
}

#[test]
fn shared_inputs_are_declared_alike_everywhere() {
    let mut seen: BTreeMap<String, (String, InputKind, Vec<String>)> = BTreeMap::new();
    for (path, w) in bundled() {
        for input in &w.inputs {
            let options: Vec<String> = input.options.iter().map(|o| o.value.clone()).collect();
            match seen.get(&input.id) {
                None => {
                    seen.insert(input.id.clone(), (path.clone(), input.kind, options));
                }
                Some((first, kind, opts)) => {
                    assert_eq!(
                        *kind, input.kind,
                        "'{}' has another kind in {path} than in {first}",
                        input.id
                    );
                    assert_eq!(
                        *opts, options,
                        "'{}' has other options in {path} than in {first}",
                        input.id
                    );
                }
            }
        }
    }
    let lost = &seen["lost"].2;
    let expected: Vec<String> = lifeline::inventory::vocab::all_losses()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        lost, &expected,
        "the lost options must follow the contract order"
    );
}

#[test]
fn includes_name_existing_wizards() {
    let all = bundled();
    let ids: Vec<&str> = all.iter().map(|(_, w)| w.id.as_str()).collect();
    for (path, w) in &all {
        for step in w.steps.iter().filter(|s| s.kind == StepKind::Include) {
            let target = step.wizard.as_deref().unwrap_or("");
            assert!(
                ids.contains(&target) || CONTENT_B.contains(&target),
                "{path}: step '{}' includes unknown wizard '{target}'",
                step.id
            );
        }
    }
}

/// Answers a wizard run the way an operator would, and fails when a "may also need"
/// question would be asked implicitly (because a `when` or a placeholder needs it) rather
/// than by a step that asks it outright.
fn walk(catalog: &Catalog, topology: &str, lost: &[&str], minimal: bool) {
    let mut answers: Answers = BTreeMap::new();
    answers.insert("topology".into(), AnswerValue::Text(topology.into()));
    answers.insert(
        "lost".into(),
        AnswerValue::List(lost.iter().map(|s| s.to_string()).collect()),
    );
    for _round in 0..400 {
        let steps = expand(catalog, "restore-service", &answers, false);
        let mut progressed = false;
        for step in &steps {
            if step.applies == Truth::False {
                continue;
            }
            let mut needed: Vec<String> = match &step.applies {
                Truth::Unknown(names) => names.clone(),
                _ => vec![],
            };
            if step.applies == Truth::True {
                needed.extend(step.def.input.clone());
                needed.extend(step.def.inputs.iter().cloned());
                for t in templates_of(step.def) {
                    needed.extend(placeholders(t).into_iter().map(|p| p.name.to_string()));
                }
            }
            for name in needed {
                if name == "item"
                    || name == "drill"
                    || step.lookup(&answers, false, &name).is_some()
                {
                    continue;
                }
                if MAY.contains(&name.as_str()) {
                    // Only a step that asks the question outright may ask it; a question
                    // needed by a `when` or a placeholder means a condition is not gated.
                    let asker = step.applies == Truth::True
                        && (step.def.inputs.contains(&name)
                            || step.def.input.as_deref() == Some(name.as_str()));
                    assert!(
                        asker,
                        "{topology} {lost:?}: '{name}' would be asked by step '{}'",
                        step.key
                    );
                    let value = match name.as_str() {
                        "pool_state" if minimal => AnswerValue::Text("intact".into()),
                        "pool_state" => AnswerValue::Text("recreated".into()),
                        "os_healthy" | "hardware_usable" | "secondary_site" => {
                            AnswerValue::Bool(minimal)
                        }
                        _ => AnswerValue::Bool(!minimal),
                    };
                    answers.insert(name.clone(), value);
                } else {
                    let input = step
                        .wizard
                        .inputs
                        .iter()
                        .find(|i| i.id == name)
                        .or_else(|| catalog.input("restore-service", &name))
                        .unwrap_or_else(|| panic!("no input '{name}' for step '{}'", step.key));
                    let value = match input.kind {
                        InputKind::Bool => AnswerValue::Bool(false),
                        InputKind::Choice => AnswerValue::Text(input.options[0].value.clone()),
                        InputKind::MultiChoice => {
                            AnswerValue::List(vec![input.options[0].value.clone()])
                        }
                        _ => AnswerValue::Text("x".into()),
                    };
                    answers.insert(step.answer_key(&name), value);
                }
                progressed = true;
                break;
            }
            if progressed {
                break;
            }
        }
        if !progressed {
            return;
        }
    }
    panic!("{topology} {lost:?}: answers never settled");
}

#[test]
fn may_questions_are_never_asked_implicitly() {
    let catalog = catalog();
    let losses = lifeline::inventory::vocab::all_losses();
    for topology in ["standard", "enterprise-consolidated", "enterprise-expanded"] {
        for loss in &losses {
            for minimal in [true, false] {
                walk(&catalog, topology, &[loss], minimal);
            }
        }
        for minimal in [true, false] {
            walk(&catalog, topology, &losses, minimal);
            walk(
                &catalog,
                topology,
                &["front-end", "active-directory", "site"],
                minimal,
            );
            walk(
                &catalog,
                topology,
                &["standard-edition", "active-directory"],
                minimal,
            );
        }
    }
}
