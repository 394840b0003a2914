//! What is stopped is started again: a step that stops services on a host, with no later step
//! of the same wizard starting services on that host, leaves a server down after a recovery
//! that reports success. `lifeline check` warns about it (a warning: a wizard may hand the
//! start to the operator on purpose, and says so in its text).
//!
//! The forms recognised are the ones wizards use: `sc \\HOST stop NAME` / `sc \\HOST start
//! NAME`, and PowerShell's `... -ComputerName HOST ... | Stop-Service` / `Start-Service`. A
//! host is compared by the placeholders it names (`{{frontend_fqdn}}`, `({{pool_servers}}
//! -split ',')`), or by its text when it names none. Conditions are not weighed: any later
//! start on the host counts.

use super::template::placeholders;
use super::{StepDef, Wizard};

/// Whether a step stops or starts services, and on which host.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Stop(Host),
    Start(Host),
}

/// A host as a step names it: the placeholders in it, or its literal text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Named(Vec<String>),
    Literal(String),
}

impl Host {
    fn of(word: &str) -> Host {
        let mut names: Vec<String> = placeholders(word)
            .into_iter()
            .map(|p| p.name.to_string())
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            Host::Literal(word.trim_start_matches('\\').to_ascii_lowercase())
        } else {
            Host::Named(names)
        }
    }

    fn shown(&self) -> String {
        match self {
            Host::Named(names) => names
                .iter()
                .map(|n| format!("{{{{{n}}}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            Host::Literal(text) => text.clone(),
        }
    }
}

fn action(step: &StepDef) -> Option<Action> {
    let argv = &step.argv;
    if argv.first().is_some_and(|p| p.eq_ignore_ascii_case("sc")) && argv.len() > 2 {
        let host = Host::of(&argv[1]);
        return match argv[2].to_ascii_lowercase().as_str() {
            "stop" => Some(Action::Stop(host)),
            "start" => Some(Action::Start(host)),
            _ => None,
        };
    }
    let at = argv
        .iter()
        .position(|w| w.eq_ignore_ascii_case("-ComputerName"))?;
    let host = Host::of(argv.get(at + 1)?);
    let has = |cmdlet: &str| argv.iter().any(|w| w.contains(cmdlet));
    if has("Stop-Service") {
        Some(Action::Stop(host))
    } else if has("Start-Service") {
        Some(Action::Start(host))
    } else {
        None
    }
}

/// One line per step of `wizard` that stops services on a host no later step starts them on.
pub fn unstarted_stops(wizard: &Wizard) -> Vec<String> {
    let actions: Vec<Option<Action>> = wizard.steps.iter().map(action).collect();
    let mut out = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        let Some(Action::Stop(host)) = a else {
            continue;
        };
        let started = actions[i + 1..]
            .iter()
            .any(|later| matches!(later, Some(Action::Start(h)) if h == host));
        if !started {
            out.push(format!(
                "wizard '{}': step '{}' stops services on '{}' and no later step starts them again",
                wizard.id,
                wizard.steps[i].id,
                host.shown()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wizard(steps: &str) -> Wizard {
        toml::from_str(&format!(
            "id = 'w'\ntitle = 'W'\nversion = '1'\ndescription = 'd'\n{steps}"
        ))
        .expect("wizard parses")
    }

    const STOP: &str = "[[steps]]\nid = 'stop'\nkind = 'command'\ntitle = 'Stop'\nshell = 'powershell'\nargv = ['Get-Service', '-ComputerName', '{{fe}}', '|', 'Stop-Service', '-Force']\n";

    #[test]
    fn a_stop_with_no_later_start_on_its_host_is_reported() {
        let w = wizard(&format!(
            "{STOP}[[steps]]\nid = 'start-other'\nkind = 'command'\ntitle = 'Start'\nargv = ['sc', '\\\\{{{{be}}}}', 'start', 'MSSQLSERVER']\n"
        ));
        assert_eq!(
            unstarted_stops(&w),
            vec![
                "wizard 'w': step 'stop' stops services on '{{fe}}' and no later step starts them again"
                    .to_string()
            ]
        );
    }

    #[test]
    fn a_later_start_on_the_same_host_answers_it_in_either_form() {
        let sc = wizard(&format!(
            "{STOP}[[steps]]\nid = 'start'\nkind = 'command'\ntitle = 'Start'\nargv = ['sc', '\\\\{{{{ fe }}}}', 'start', 'RTCSRV']\n"
        ));
        assert!(unstarted_stops(&sc).is_empty());
        let ps = wizard(&format!(
            "{STOP}[[steps]]\nid = 'start'\nkind = 'command'\ntitle = 'Start'\nshell = 'powershell'\nargv = ['Get-Service', '-ComputerName', '{{{{fe}}}}', '|', 'Start-Service']\n"
        ));
        assert!(unstarted_stops(&ps).is_empty());
        // A start before the stop does not count.
        let before = wizard(&format!(
            "[[steps]]\nid = 'start'\nkind = 'command'\ntitle = 'Start'\nargv = ['sc', '\\\\{{{{fe}}}}', 'start', 'RTCSRV']\n{STOP}"
        ));
        assert_eq!(unstarted_stops(&before).len(), 1);
    }

    #[test]
    fn every_bundled_wizard_starts_what_it_stops() {
        let catalog = crate::wizard::bundled::bundled_catalog().expect("bundled wizards load");
        let found: Vec<String> = catalog.wizards.values().flat_map(unstarted_stops).collect();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
