//! Filling a step's templates: the one way a command's argv is built from its templates (a
//! value quoted for the step's shell, the words joined into that shell's source text) and a
//! check's fields filled in. The session engine fills for running (a missing value is an
//! error); the plan and the screens fill for reading (a missing value is named in words).

use crate::wizard::quote::quote;
use crate::wizard::template::render;
use crate::wizard::{Amount, CheckSpec, Shell, StepDef};

/// `templates` filled with `value`, each value quoted for `shell` when the step has one and
/// the words then joined into that shell's source text. `Err` holds the names with no value,
/// unless `missing` names them: then such a placeholder is shown in those words (unquoted,
/// for reading; see [`crate::wizard::template::unknown_words`]).
pub fn fill_words(
    shell: Option<Shell>,
    templates: &[String],
    value: &dyn Fn(&str) -> Option<String>,
    missing: Option<&dyn Fn(&str) -> String>,
) -> Result<Vec<String>, Vec<String>> {
    let fill = |template: &str| {
        render(template, |name| match value(name) {
            Some(v) => Some(match shell {
                Some(sh) => quote(sh, &v),
                None => v,
            }),
            None => missing.map(|words| words(name)),
        })
    };
    match shell {
        None => templates.iter().map(|t| fill(t)).collect(),
        Some(shell) => {
            let words: Vec<String> = templates
                .iter()
                .map(|t| fill(t))
                .collect::<Result<_, _>>()?;
            Ok(shell_argv(shell, words.join(" ")))
        }
    }
}

/// A template filled for a person to read: each placeholder's value, or where none is known
/// yet `missing(name)` (words, never `{{name}}`).
pub fn fill_display(
    template: &str,
    value: &dyn Fn(&str) -> Option<String>,
    missing: &dyn Fn(&str) -> String,
) -> String {
    render(template, |name| {
        Some(value(name).unwrap_or_else(|| missing(name)))
    })
    .unwrap_or_else(|_| template.to_string())
}

/// The argv that runs a shell step's source text.
pub fn shell_argv(shell: Shell, script: String) -> Vec<String> {
    match shell {
        Shell::Powershell => vec![
            "powershell".into(),
            "-NoProfile".into(),
            "-NonInteractive".into(),
            "-Command".into(),
            script,
        ],
        Shell::Cmd => vec![
            "cmd".into(),
            "/d".into(),
            "/v:off".into(),
            "/s".into(),
            "/c".into(),
            script,
        ],
        Shell::Sh => vec!["sh".into(), "-c".into(), script],
    }
}

/// Every template a step holds (for finding the inputs it needs).
pub fn templates_of(def: &StepDef) -> Vec<&str> {
    let mut t: Vec<&str> = def.argv.iter().map(String::as_str).collect();
    t.extend(def.body.as_deref());
    t.extend(def.server.as_deref());
    t.extend(def.confirm.as_deref());
    t.extend(def.cwd.as_deref());
    t.extend(def.stdin.as_deref());
    t.extend(def.env.values().map(String::as_str));
    t.extend(def.checklist.iter().map(String::as_str));
    if let Some(check) = &def.check {
        t.extend(check_templates(check));
    }
    if let Some(verify) = &def.verify {
        t.extend(check_templates(verify));
    }
    t
}

/// The template fields of a check.
pub fn check_templates(spec: &CheckSpec) -> Vec<&str> {
    match spec {
        CheckSpec::PathExists {
            path, max_age_h, ..
        } => {
            let mut v = vec![path.as_str()];
            if let Some(Amount::Template(t)) = max_age_h {
                v.push(t);
            }
            v
        }
        CheckSpec::XmlContains { path, element } => {
            let mut v = vec![path.as_str()];
            v.extend(element.as_deref());
            v
        }
        CheckSpec::TcpConnect { host, port } => vec![host, port],
        CheckSpec::Dns { name, expect, .. } => {
            let mut v = vec![name.as_str()];
            v.extend(expect.as_deref());
            v
        }
        CheckSpec::OnPath { program } => vec![program],
        CheckSpec::FreeSpace { path, .. } => vec![path],
        CheckSpec::Command { argv, .. } => argv.iter().map(String::as_str).collect(),
    }
}

/// A check with its template fields filled by `fill`. `hours` turns `max_age_h` into a
/// number of hours (`Amount::Fixed`), or leaves it a template when it cannot be known yet.
/// A `command` check's argv is filled into the request's own argv, so it is left empty here.
pub fn render_check<E>(
    spec: &CheckSpec,
    fill: &dyn Fn(&str) -> Result<String, E>,
    hours: &dyn Fn(&Amount) -> Result<Amount, E>,
) -> Result<CheckSpec, E> {
    Ok(match spec {
        CheckSpec::PathExists {
            path,
            max_age_s,
            max_age_h,
        } => {
            let path = fill(path)?;
            match max_age_h.as_ref().map(hours).transpose()? {
                Some(Amount::Fixed(h)) => CheckSpec::PathExists {
                    path,
                    max_age_s: Some(h.saturating_mul(3600)),
                    max_age_h: None,
                },
                other => CheckSpec::PathExists {
                    path,
                    max_age_s: *max_age_s,
                    max_age_h: other,
                },
            }
        }
        CheckSpec::XmlContains { path, element } => CheckSpec::XmlContains {
            path: fill(path)?,
            element: element.as_deref().map(fill).transpose()?,
        },
        CheckSpec::TcpConnect { host, port } => CheckSpec::TcpConnect {
            host: fill(host)?,
            port: fill(port)?,
        },
        CheckSpec::Dns { name, srv, expect } => CheckSpec::Dns {
            name: fill(name)?,
            srv: *srv,
            expect: expect.as_deref().map(fill).transpose()?,
        },
        CheckSpec::OnPath { program } => CheckSpec::OnPath {
            program: fill(program)?,
        },
        CheckSpec::FreeSpace { path, min_mb } => CheckSpec::FreeSpace {
            path: fill(path)?,
            min_mb: *min_mb,
        },
        CheckSpec::Command { regex, .. } => CheckSpec::Command {
            argv: vec![],
            regex: regex.clone(),
        },
    })
}
