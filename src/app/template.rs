//! `lifeline run WIZARD --print-answers-template`: a TOML answers file to fill in, listing
//! every input of the wizard and what it includes, with defaults and allowed values, and
//! every confirmation and manual step a headless run will meet.

use std::fmt::Write;

use crate::wizard::template::{render, unknown_words};
use crate::wizard::{Catalog, InputKind, StepKind, Wizard};

/// `text` with every placeholder named in words, as the plan and the screens name a value
/// nobody has given yet (`<the lost front-end server>`): the file is read by a person
/// before anything is answered, so it never shows template syntax.
fn in_words(catalog: &Catalog, wizards: &[&Wizard], text: &str) -> String {
    render(text, |name| {
        Some(match name {
            "item" => "<the entry a repeated procedure runs for>".to_string(),
            "drill" => "<true in a drill>".to_string(),
            _ => {
                let input = wizards
                    .iter()
                    .find_map(|w| w.inputs.iter().find(|i| i.id == name))
                    .or_else(|| {
                        catalog
                            .wizards
                            .values()
                            .find_map(|w| w.inputs.iter().find(|i| i.id == name))
                    });
                unknown_words(input, name)
            }
        })
    })
    .unwrap_or_else(|_| text.replace("{{", "{ {"))
}

/// The template text for `root`.
pub fn answers_template(catalog: &Catalog, root: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Answers for 'lifeline run {root} --answers FILE'.");
    let _ = writeln!(
        out,
        "# Inputs with a default may be left out; a scoped key like 'per-server[edge]/server_fqdn'"
    );
    let _ = writeln!(
        out,
        "# answers one instance of a repeated procedure, a bare id answers them all. A default"
    );
    let _ = writeln!(
        out,
        "# naming another input ('<the settings folder>\\pool.xml') is built from your answer to it."
    );
    let _ = writeln!(
        out,
        "# Secret values are never written to disk by lifeline; keep this file safe.\n"
    );
    let _ = writeln!(out, "[answers]");
    let mut seen: Vec<&str> = Vec::new();
    let wizards = catalog.closure(root);
    for w in &wizards {
        for input in &w.inputs {
            if seen.contains(&input.id.as_str()) {
                continue;
            }
            seen.push(&input.id);
            let _ = writeln!(
                out,
                "# {} ({}){}",
                input.label,
                kind_name(input.kind),
                if input.optional { ", optional" } else { "" }
            );
            if !input.options.is_empty() {
                let values: Vec<&str> = input.options.iter().map(|o| o.value.as_str()).collect();
                let _ = writeln!(out, "# allowed: {}", values.join(", "));
            }
            if let Some(from) = &input.default_from {
                let from = in_words(catalog, &wizards, from);
                let _ = writeln!(out, "# default from the inventory: {from}");
            }
            let value = match (&input.default, input.kind) {
                (Some(v), _) => in_words(catalog, &wizards, &v.to_string()),
                (None, InputKind::Bool) => "false".into(),
                (None, InputKind::MultiChoice) => "[]".into(),
                (None, _) => "\"\"".into(),
            };
            let commented = input.default.is_some() || input.default_from.is_some();
            let _ = writeln!(
                out,
                "{}{} = {}\n",
                if commented { "# " } else { "" },
                input.id,
                value
            );
        }
    }
    let _ = writeln!(out, "[confirm]");
    for w in &wizards {
        for step in w.steps.iter().filter(|s| s.confirm.is_some()) {
            let _ = writeln!(
                out,
                "# {} ({}): type the word to allow this point of no return",
                in_words(catalog, &wizards, &step.title),
                w.id
            );
            let _ = writeln!(
                out,
                "# \"{}\" = \"{}\"",
                step.id,
                in_words(
                    catalog,
                    &wizards,
                    step.confirm.as_deref().unwrap_or_default()
                )
            );
        }
    }
    let _ = writeln!(
        out,
        "\n[manual]\n# \"done\" or \"skip: <reason>\" per manual step id; default covers the rest"
    );
    let _ = writeln!(out, "# default = \"done\"");
    for w in &wizards {
        for step in w.steps.iter().filter(|s| s.kind == StepKind::Manual) {
            let _ = writeln!(
                out,
                "# \"{}\" = \"done\"   # {} ({})",
                step.id,
                in_words(catalog, &wizards, &step.title),
                w.id
            );
        }
    }
    out
}

fn kind_name(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Text => "text",
        InputKind::Fqdn => "fqdn",
        InputKind::UncPath => "unc-path",
        InputKind::WindowsPath => "windows-path",
        InputKind::Choice => "choice",
        InputKind::MultiChoice => "multi-choice",
        InputKind::Bool => "bool",
        InputKind::Secret => "secret",
    }
}
