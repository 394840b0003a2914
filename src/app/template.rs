//! `lifeline run WIZARD --print-answers-template`: a TOML answers file to fill in, listing
//! every input of the wizard and what it includes, with defaults and allowed values, and
//! every confirmation and manual step a headless run will meet.

use std::fmt::Write;

use crate::wizard::{Catalog, InputKind, StepKind};

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
        "# naming another input ('{{{{settings_dir}}}}\\pool.xml') is built from your answer to it."
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
                let _ = writeln!(out, "# default from the inventory: {from}");
            }
            let value = match (&input.default, input.kind) {
                (Some(v), _) => v.to_string(),
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
                step.title, w.id
            );
            let _ = writeln!(
                out,
                "# \"{}\" = \"{}\"",
                step.id,
                step.confirm.as_deref().unwrap_or_default()
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
                step.id, step.title, w.id
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
