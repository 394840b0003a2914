//! A plan as a printable Markdown checklist: the paper runbook for when screens fail.
//! Every command appears exactly as lifeline would run it.

use std::fmt::Write;

use serde_json::Value;

use super::order::closing_positions;
use super::{Plan, PlanStep};
use crate::inventory::vocab::Topology;

/// The plan as Markdown with checkboxes.
pub fn render_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let title = plan.deployment.as_deref().unwrap_or(&plan.topology);
    let _ = writeln!(out, "# Recovery plan: {title}\n");
    let _ = writeln!(out, "- Deployment type: {}", plan.topology);
    let _ = writeln!(out, "- Lost: {}", plan.lost.join(", "));
    if !plan.scenarios.is_empty() {
        let scenarios: Vec<String> = plan
            .scenarios
            .iter()
            .map(|s| match plan.targets.get(s) {
                Some(t) => format!("{s} (target {})", duration(*t)),
                None => s.clone(),
            })
            .collect();
        let _ = writeln!(out, "- Scenarios: {}", scenarios.join(", "));
    }
    let levels = if plan.settings_levels.is_empty() {
        "none".to_string()
    } else {
        plan.settings_levels.join(", then ")
    };
    let _ = writeln!(out, "- Settings levels to import, in order: {levels}");
    if !plan.assumed.is_empty() {
        let assumed: Vec<String> = plan
            .assumed
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let _ = writeln!(
            out,
            "- This plan assumes the least work: {}",
            assumed.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\nTick each box when it is done and write down the time each procedure starts and ends. \
         Steps marked *optional* are needed only for the answer named with them.\n"
    );

    let _ = writeln!(out, "## Restore order (Table 14-9)\n");
    if plan.sequence.is_empty() {
        let _ = writeln!(out, "No server has to be set up again.");
    }
    for (i, role) in plan.sequence.iter().enumerate() {
        let servers: Vec<&str> = plan
            .steps
            .iter()
            .filter(|s| s.id.starts_with(&format!("setup-platform[{role}]/")))
            .filter_map(|s| s.server.as_deref())
            .take(1)
            .collect();
        match servers.first() {
            Some(fqdn) => {
                let _ = writeln!(out, "{}. [ ] {role}: {}", i + 1, prose(fqdn));
            }
            None => {
                let _ = writeln!(out, "{}. [ ] {role}", i + 1);
            }
        }
    }
    if let Some(topology) = Topology::parse(&plan.topology) {
        let (users, domain) = closing_positions(topology);
        let _ = writeln!(
            out,
            "\nIn Table 14-9 reassigning users is step {users} and restoring domain information step {domain}: both come after every server."
        );
    }

    let _ = writeln!(out, "\n## Procedures\n");
    for (i, p) in plan.procedures.iter().enumerate() {
        let _ = writeln!(out, "{}. [ ] {p}{}", i + 1, owner(plan, p));
    }
    if !plan.optional_procedures.is_empty() {
        let _ = writeln!(out, "\nOnly for some answers:");
        for p in &plan.optional_procedures {
            let _ = writeln!(out, "- [ ] {p}{}", owner(plan, p));
        }
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for n in &plan.notes {
            let _ = writeln!(out, "- {n}");
        }
    }

    let _ = writeln!(out, "\n## Steps");
    let mut group: Option<(String, Option<String>)> = None;
    for step in &plan.steps {
        let this = (step.procedure.clone(), instance(&step.id));
        if group.as_ref() != Some(&this) {
            let heading = match &this.1 {
                Some(item) => format!("{} for {item}", this.0),
                None => this.0.clone(),
            };
            let _ = writeln!(
                out,
                "\n### {heading}{}\n\nStarted: ______  Finished: ______\n",
                owner(plan, &this.0)
            );
            group = Some(this);
        }
        write_step(&mut out, step, plan);
    }
    out
}

fn owner(plan: &Plan, procedure: &str) -> String {
    plan.owners
        .get(procedure)
        .map(|o| format!(" (owner: {o})"))
        .unwrap_or_default()
}

/// The `for_each` value in a step id (`setup-platform[edge]/...` gives `edge`).
fn instance(id: &str) -> Option<String> {
    let first = id.split('/').next()?;
    let open = first.find('[')?;
    let close = first.rfind(']')?;
    (close > open).then(|| first[open + 1..close].to_string())
}

fn write_step(out: &mut String, step: &PlanStep, plan: &Plan) {
    let optional = match (&step.optional, &step.decided_by) {
        (true, Some(by)) => format!(" *(optional: depends on `{by}`)*"),
        (true, None) => " *(optional)*".into(),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "- [ ] **{}**{optional} `{}`",
        prose(&step.title),
        step.id
    );
    if let Some(server) = &step.server {
        let _ = writeln!(out, "  - Server: `{server}`");
    }
    for input in &step.asks {
        let given = match input.as_str() {
            "lost" => Some(plan.lost.join(",")),
            "topology" => Some(plan.topology.clone()),
            other => plan.assumed.get(other).cloned(),
        };
        match given {
            Some(v) => {
                let _ = writeln!(
                    out,
                    "  - Answer `{input}`: ________ (this plan assumes `{v}`)"
                );
            }
            None => {
                let _ = writeln!(out, "  - Answer `{input}`: ________");
            }
        }
    }
    if let Some(word) = &step.confirm {
        let _ = writeln!(
            out,
            "  - Point of no return: go on only when sure (lifeline asks you to type `{word}`)."
        );
    }
    if !step.argv.is_empty() {
        let (label, text) = command_text(&step.argv);
        let _ = writeln!(out, "  - {label}:\n\n    ```\n    {text}\n    ```\n");
    }
    if let Some(check) = &step.check
        && let Some(text) = check_text(check)
    {
        let _ = writeln!(out, "  - Check: {text}");
    }
    for item in &step.checklist {
        let _ = writeln!(out, "  - [ ] {}", prose(item));
    }
}

/// Text outside code: a value not known yet is shown as `<words>`, which Markdown would
/// otherwise take for an HTML tag and hide.
fn prose(text: &str) -> String {
    text.replace('<', "\\<").replace('>', "\\>")
}

/// How to show an argv on paper: a shell step's script, or the command line.
fn command_text(argv: &[String]) -> (&'static str, String) {
    match argv {
        [program, .., flag, script] if program == "powershell" && flag == "-Command" => {
            ("Run in PowerShell", script.clone())
        }
        [program, .., flag, script] if program == "cmd" && flag == "/c" => {
            ("Run in cmd", script.clone())
        }
        [program, .., flag, script] if program == "sh" && flag == "-c" => {
            ("Run in sh", script.clone())
        }
        _ => (
            "Run",
            argv.iter()
                .map(|a| {
                    if a.is_empty() || a.contains([' ', '\t', '"']) {
                        format!("\"{}\"", a.replace('"', "\\\""))
                    } else {
                        a.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}

fn check_text(check: &Value) -> Option<String> {
    let field = |k: &str| check.get(k).and_then(Value::as_str).unwrap_or("");
    Some(match check.get("kind")?.as_str()? {
        "path-exists" => match check.get("max_age_s").and_then(Value::as_u64) {
            Some(age) => format!(
                "`{}` exists and is no older than {}",
                field("path"),
                duration(age)
            ),
            None => format!("`{}` exists", field("path")),
        },
        "xml-contains" => format!("`{}` is XML with `{}`", field("path"), field("element")),
        "tcp-connect" => format!("`{}` answers on TCP port {}", field("host"), field("port")),
        "dns" => {
            let srv = check.get("srv").and_then(Value::as_bool).unwrap_or(false);
            format!(
                "DNS {}`{}` resolves{}",
                if srv { "SRV record " } else { "name " },
                field("name"),
                match field("expect") {
                    "" => String::new(),
                    e => format!(" to `{e}`"),
                }
            )
        }
        "on-path" => format!("`{}` is found on PATH", field("program")),
        "free-space" => format!(
            "at least {} MB free on `{}`",
            check.get("min_mb").and_then(Value::as_u64).unwrap_or(0),
            field("path")
        ),
        "command" => match field("regex") {
            "" => "the command exits with success".into(),
            re => format!("the command succeeds and its output matches `{re}`"),
        },
        _ => return None,
    })
}

/// Seconds as hours and minutes.
fn duration(seconds: u64) -> String {
    let (h, m) = (seconds / 3600, (seconds % 3600) / 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_durations_print_plainly() {
        let argv: Vec<String> = ["sqlcmd", "-S", r"be01\rtc", "-Q", "SELECT 1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            command_text(&argv),
            ("Run", r#"sqlcmd -S be01\rtc -Q "SELECT 1""#.to_string())
        );
        let ps: Vec<String> = [
            "powershell",
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "Get-Service",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            command_text(&ps),
            ("Run in PowerShell", "Get-Service".into())
        );
        assert_eq!(duration(5400), "1 h 30 min");
        assert_eq!(duration(7200), "2 h");
        assert_eq!(duration(600), "10 min");
        assert_eq!(instance("setup-platform[edge]/x"), Some("edge".into()));
        assert_eq!(instance("prerequisites/x"), None);
    }
}
