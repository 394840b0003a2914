//! The screens from the command line: `lifeline` (home), `lifeline new`, `lifeline resume`.
//! Moves between home and sessions until the operator leaves, holding each session's lock
//! while its screens run.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use lifeline::app::store::{self, NewSession};
use lifeline::app::summary::SummaryState;
use lifeline::app::ui_wiring::session_setup;
use lifeline::drill;
use lifeline::inventory::Inventory;
use lifeline::journal;
use lifeline::session::state::SessionStatus;
use lifeline::ui::{
    self, AppExit, AppSetup, HomeSetup, ScenarioSummary, SessionSummary, WizardSummary,
};
use lifeline::wizard::Catalog;

use crate::commands::{Failure, bad};

/// Where the screens start.
pub enum Start {
    Home,
    New {
        wizard: String,
        drill: bool,
    },
    Resume {
        session: String,
        take_over: Option<String>,
    },
    /// A drill: of a bundled scenario (with its faults and preset answers), or of the whole
    /// recovery when none is named; on the given inventory, else the bundled example.
    Drill {
        scenario: Option<String>,
    },
}

/// Runs the screens until the operator leaves; returns the exit code.
pub fn run(catalog: &Catalog, start: Start, inventory: Option<&Path>) -> Result<u8, Failure> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(bad(
            "the screens need a terminal; run headless instead with --answers FILE (see 'lifeline run --help')",
        ));
    }
    let home = journal::lifeline_home().map_err(bad)?;
    let inventory_path = inventory
        .map(Path::to_path_buf)
        .or_else(|| default_inventory(&home));
    let self_exe = std::env::current_exe()
        .map_err(|e| bad(format!("cannot find the lifeline binary: {e}")))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| bad(format!("cannot start the event loop: {e}")))?;
    let mut next = start;
    loop {
        let (setup, lock) = match next {
            Start::Home => (
                AppSetup::Home(home_setup(&home, catalog, inventory_path.as_deref())),
                None,
            ),
            Start::New { wizard, drill } => {
                let inventory = read_inventory(inventory_path.as_deref())?;
                let opened = store::start(
                    &home,
                    NewSession {
                        catalog,
                        wizard: &wizard,
                        drill,
                        inventory_text: inventory.as_ref().map(|(_, t)| t.as_str()),
                        scenario: None,
                        target_s: None,
                    },
                )
                .map_err(bad)?;
                let _enter = runtime.enter();
                let (setup, lock) = session_setup(opened, self_exe.clone(), false).map_err(bad)?;
                (AppSetup::Session(Box::new(setup)), Some(lock))
            }
            Start::Drill { scenario } => {
                let opened = start_drill(
                    &home,
                    catalog,
                    scenario.as_deref(),
                    inventory_path.as_deref(),
                )?;
                let _enter = runtime.enter();
                let (setup, lock) = session_setup(opened, self_exe.clone(), false).map_err(bad)?;
                (AppSetup::Session(Box::new(setup)), Some(lock))
            }
            Start::Resume { session, take_over } => {
                let dir = journal::find_session(&home, &session).map_err(bad)?;
                let opened = store::open(&dir, Some(catalog), take_over.as_deref()).map_err(bad)?;
                let _enter = runtime.enter();
                let (setup, lock) = session_setup(opened, self_exe.clone(), true).map_err(bad)?;
                (AppSetup::Session(Box::new(setup)), Some(lock))
            }
        };
        let session_dir = match &setup {
            AppSetup::Session(s) => Some(s.session_dir.clone()),
            _ => None,
        };
        let exit = runtime.block_on(ui::run_app(setup)).map_err(|e| Failure {
            code: 1,
            message: e.to_string(),
        })?;
        // Still holding the lock: the summary `lifeline sessions` reads, if it has ended.
        if let Some(dir) = &session_dir {
            lifeline::app::summary::save(dir);
        }
        drop(lock);
        next = match exit {
            AppExit::Closed => return Ok(0),
            AppExit::Start { wizard, drill } => Start::New { wizard, drill },
            AppExit::Drill { scenario } => Start::Drill { scenario },
            AppExit::Watch { session } => {
                crate::watch_cmd::watch(Some(&session))?;
                Start::Home
            }
            AppExit::Resume { session } => Start::Resume {
                session,
                take_over: None,
            },
            AppExit::Left { session } => {
                outln!(
                    "Session {session} is saved. Resume it with: {} resume {session}",
                    lifeline::invocation::program()
                );
                return Ok(0);
            }
            AppExit::Finished { session } => {
                outln!("Session {session} finished.");
                return Ok(0);
            }
            AppExit::Aborted { session, reason } => {
                outln!("Session {session} was aborted: {reason}");
                return Ok(0);
            }
            AppExit::Signalled { session, signal } => {
                if let Some(session) = session {
                    outln!(
                        "Stopped by {signal:?}. Session {session} is saved; resume with: {} resume {session}",
                        lifeline::invocation::program()
                    );
                }
                return Ok(130);
            }
        };
    }
}

/// Starts a drill session: the scenario's faults and preset answers are journaled before the
/// first screen, so a resume meets the same drill.
fn start_drill(
    home: &Path,
    catalog: &Catalog,
    scenario: Option<&str>,
    inventory: Option<&Path>,
) -> Result<store::Opened, Failure> {
    let scenarios = drill::bundled_scenarios(catalog).map_err(bad)?;
    let chosen = match scenario {
        None => None,
        Some(id) => Some(drill::find_scenario(&scenarios, id).ok_or_else(|| {
            let ids: Vec<&str> = scenarios.iter().map(|s| s.id()).collect();
            bad(format!(
                "no drill scenario '{id}' (scenarios: {})",
                ids.join(", ")
            ))
        })?),
    };
    let text = match inventory {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| bad(format!("cannot read inventory '{}': {e}", path.display())))?,
        None => drill::EXAMPLE_INVENTORY.to_string(),
    };
    let parsed = Inventory::parse(&text, "inventory").map_err(bad)?;
    let wizard = chosen.map(|s| s.wizard()).unwrap_or("restore-service");
    let mut opened = store::start(
        home,
        NewSession {
            catalog,
            wizard,
            drill: true,
            inventory_text: Some(&text),
            scenario: chosen.map(|s| s.id().to_string()),
            target_s: chosen.and_then(|s| s.target_with(Some(&parsed))),
        },
    )
    .map_err(bad)?;
    if let Some(s) = chosen {
        for event in s.opening_events() {
            opened.append(event).map_err(bad)?;
        }
        opened.warnings.push(format!(
            "Drill '{}': {}. {}",
            s.id(),
            s.scenario.title,
            s.scenario.briefing.trim()
        ));
    }
    Ok(opened)
}

/// The operator's inventory when none is named: `$LIFELINE_INVENTORY`, else
/// `<LIFELINE_HOME>/inventory.toml` when it exists.
fn default_inventory(home: &Path) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LIFELINE_INVENTORY") {
        return Some(PathBuf::from(path));
    }
    let at_home = home.join("inventory.toml");
    at_home.is_file().then_some(at_home)
}

fn read_inventory(path: Option<&Path>) -> Result<Option<(Inventory, String)>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(format!("cannot read inventory '{}': {e}", path.display())))?;
    let inventory = Inventory::parse(&text, &path.display().to_string()).map_err(bad)?;
    Ok(Some((inventory, text)))
}

fn home_setup(home: &Path, catalog: &Catalog, inventory: Option<&Path>) -> HomeSetup {
    let mut warnings = Vec::new();
    let summaries = store::summaries(home).unwrap_or_else(|e| {
        warnings.push(e.to_string());
        Vec::new()
    });
    let sessions = summaries
        .into_iter()
        .map(|s| SessionSummary {
            state: match s.state {
                SummaryState::Finished => SessionStatus::Finished,
                SummaryState::Aborted => SessionStatus::Aborted {
                    reason: String::new(),
                },
                _ => SessionStatus::InProgress,
            },
            wizard: catalog
                .get(&s.wizard)
                .map(|w| w.title.clone())
                .unwrap_or(s.wizard),
            id: s.id,
            drill: s.drill,
            current_step: s.error.or(s.current_title),
            done: s.steps_done,
            total: s.steps_total,
            updated_at: s.updated_at,
            locked_by: s
                .locked_by
                .map(|h| format!("{}@{} pid {}", h.user, h.host, h.pid)),
        })
        .collect();
    // The whole recovery first, then each procedure on its own.
    let mut wizards: Vec<WizardSummary> = catalog
        .wizards
        .values()
        .map(|w| WizardSummary {
            id: w.id.clone(),
            title: w.title.clone(),
            description: w.description.clone(),
        })
        .collect();
    wizards.sort_by_key(|w| (w.id != "restore-service", w.id.clone()));
    let scenarios = drill::bundled_scenarios(catalog)
        .unwrap_or_else(|e| {
            warnings.push(e.to_string());
            Vec::new()
        })
        .iter()
        .map(|s| ScenarioSummary {
            id: s.id().to_string(),
            title: s.scenario.title.clone(),
            briefing: s.scenario.briefing.clone(),
            target_s: s.target_s(),
            faults: s.scenario.faults.len(),
        })
        .collect();
    HomeSetup {
        sessions,
        wizards,
        scenarios,
        inventory: inventory.map(|p| p.display().to_string()),
        warnings,
    }
}
