//! `lifeline drill [SCENARIO] [--list] [--answers FILE] [--inventory FILE]`: a trainee's run
//! of a bundled scenario. Nothing is executed; the scenario's faults are journaled with the
//! session so a resume meets the same ones; each step says why it exists; the end shows the
//! score.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::{Driver, JournalSink};
use lifeline::app::headless::HeadlessOptions;
use lifeline::app::store::{self, NewSession};
use lifeline::app::usecase::{self, DryRun, Noun, Stop};
use lifeline::drill::{self, LoadedScenario};
use lifeline::inventory::Inventory;
use lifeline::journal::{self, JournalWriter};
use lifeline::report;
use lifeline::session::event::{Event, Record};
use lifeline::session::state::SessionState;
use lifeline::session::steps::expand;
use lifeline::wizard::Catalog;

use crate::commands::{Failure, bad, first_diag};

/// Runs the `drill` command.
pub fn drill(
    extra: &[PathBuf],
    scenario: Option<&str>,
    list: bool,
    answers: Option<&Path>,
    inventory: Option<&Path>,
) -> Result<u8, Failure> {
    let catalog = lifeline::app::catalog::load_catalog(extra).map_err(|d| bad(first_diag(&d)))?;
    let scenarios = drill::bundled_scenarios(&catalog).map_err(bad)?;
    if list {
        print_list(&scenarios);
        return Ok(0);
    }
    let ids: Vec<&str> = scenarios.iter().map(LoadedScenario::id).collect();
    let Some(id) = scenario else {
        if answers.is_some() || !std::io::stdout().is_terminal() {
            return Err(bad(format!(
                "name a scenario: lifeline drill SCENARIO --answers FILE (scenarios: {})",
                ids.join(", ")
            )));
        }
        // No scenario: the whole recovery on the screens, with nothing executed.
        return crate::interactive::run(
            &catalog,
            crate::interactive::Start::Drill { scenario: None },
            inventory,
        );
    };
    let Some(chosen) = drill::find_scenario(&scenarios, id) else {
        return Err(bad(format!(
            "no drill scenario '{id}' (scenarios: {})",
            ids.join(", ")
        )));
    };
    let Some(answers_path) = answers else {
        let start = crate::interactive::Start::Drill {
            scenario: Some(id.to_string()),
        };
        return crate::interactive::run(&catalog, start, inventory);
    };
    run(&catalog, chosen, answers_path, inventory)
}

fn print_list(scenarios: &[LoadedScenario]) {
    outln!(
        "{:<24} {:<24} {:<24} {:>6}  {:>8}  TITLE",
        "SCENARIO",
        "LOSS",
        "TOPOLOGY",
        "FAULTS",
        "TARGET"
    );
    for s in scenarios {
        let target = s
            .target_s()
            .map(|t| report::timing::human(t * 1000))
            .unwrap_or_else(|| "inventory".into());
        outln!(
            "{:<24} {:<24} {:<24} {:>6}  {:>8}  {}",
            s.id(),
            s.loss().join(","),
            s.scenario.topology.get_ref(),
            s.scenario.faults.len(),
            target,
            s.scenario.title
        );
    }
}

fn load_inventory(path: Option<&Path>) -> Result<(Inventory, String), Failure> {
    let (text, origin) = match path {
        Some(p) => (
            std::fs::read_to_string(p)
                .map_err(|e| bad(format!("cannot read inventory '{}': {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (
            drill::EXAMPLE_INVENTORY.to_string(),
            "assets/inventory.example.toml (bundled)".to_string(),
        ),
    };
    let inventory = Inventory::parse(&text, &origin).map_err(bad)?;
    Ok((inventory, text))
}

fn run(
    catalog: &Catalog,
    s: &LoadedScenario,
    answers_path: &Path,
    inventory: Option<&Path>,
) -> Result<u8, Failure> {
    let label = answers_path.display().to_string();
    let answers = AnswersFile::load(answers_path).map_err(bad)?;
    answers
        .check_ids(&label, catalog, s.wizard())
        .map_err(bad)?;
    let (inventory, inventory_text) = load_inventory(inventory)?;
    let target_s = s.target_with(Some(&inventory));
    usecase::dry_run(
        DryRun {
            catalog,
            wizard: s.wizard(),
            answers: &answers,
            label: &label,
            drill: true,
            scenario: Some(s.id().into()),
            opening: s.opening_events(),
        },
        Box::new(inventory.clone()),
    )?;

    let home = journal::lifeline_home().map_err(bad)?;
    let mut opened = store::start(
        &home,
        NewSession {
            catalog,
            wizard: s.wizard(),
            drill: true,
            inventory_text: Some(&inventory_text),
            scenario: Some(s.id().to_string()),
            target_s,
        },
    )
    .map_err(bad)?;
    let session_id = opened.id.clone();
    let dir = opened.dir.clone();
    tracing::info!(session = %session_id, scenario = s.id(), "drill started");
    outln!("DRILL — nothing is executed. Session {session_id}");
    outln!("Scenario {}: {}", s.id(), s.scenario.title);
    outln!("{}", s.scenario.briefing.trim());
    match target_s {
        Some(t) => outln!("Target time: {}", report::timing::human(t * 1000)),
        None => outln!("Target time: none set"),
    }
    let narrator = Narrator {
        writer: &mut opened.writer,
        catalog: opened.catalog.clone(),
        root: s.wizard().to_string(),
        state: opened.state.clone(),
    };
    let mut driver = Driver::new(
        opened.catalog.clone(),
        s.wizard().to_string(),
        opened.state.clone(),
        Box::new(inventory.clone()),
        Box::new(narrator),
    );
    for event in s.opening_events() {
        driver
            .append(event)
            .map_err(|e| Stop::driver(&session_id, e))?;
    }
    let ending = usecase::drive_to_end(
        &mut driver,
        &answers,
        &dir,
        &HeadlessOptions::default(),
        &mut |_, line| outln!("   | {line}"),
    );
    drop(driver);
    // Finished or aborted, a drill ends with its score.
    usecase::conclude(ending?, &session_id, Noun::Drill)?;
    outln!("\nDrill {session_id} finished. Score:");
    for line in score_lines(&dir)? {
        outln!("  {line}");
    }
    outln!(
        "Report: {} report {session_id} --format html --output drill.html",
        lifeline::invocation::program()
    );
    Ok(0)
}

/// The score of a session, read back from its journal.
pub fn score_lines(dir: &Path) -> Result<Vec<String>, Failure> {
    let built = lifeline::app::usecase::from_session_dir(dir).map_err(bad)?;
    Ok(report::score(&built).lines())
}

/// The journal, narrated: as each event is written, a trainee sees the step it opens (with
/// why it exists and where that comes from) and how it ended.
struct Narrator<'w> {
    writer: &'w mut JournalWriter,
    catalog: Catalog,
    root: String,
    state: SessionState,
}

impl JournalSink for Narrator<'_> {
    fn append(&mut self, event: Event) -> Result<Record, String> {
        let record = self.writer.append(event).map_err(|e| e.to_string())?;
        // The fold only feeds the narration; the driver keeps the authoritative state.
        let _ = self.state.apply(&record);
        self.narrate(&record.event);
        Ok(record)
    }
}

impl Narrator<'_> {
    fn narrate(&self, event: &Event) {
        match event {
            Event::StepEntered { step } => {
                let steps = expand(&self.catalog, &self.root, &self.state.answers, true);
                let Some(planned) = steps.iter().find(|s| s.key == *step) else {
                    outln!("== [DRILL] {step}");
                    return;
                };
                outln!("\n== [DRILL] {}  ({step})", planned.def.title);
                if let Some(why) = &planned.def.why {
                    outln!("   Why: {}", one_line(why));
                }
                if let Some(source) = &planned.def.source {
                    outln!("   Source: {}", one_line(source));
                }
            }
            Event::StepStarted { argv, .. } if !argv.is_empty() => {
                outln!("   $ {} (simulated)", argv.join(" "));
            }
            Event::StepFinished {
                outcome,
                exit_code,
                message,
                ..
            } => {
                let code = exit_code
                    .map(|c| format!(" (exit code {c})"))
                    .unwrap_or_default();
                match message {
                    Some(m) => outln!("   -> {outcome:?}{code}: {m}"),
                    None => outln!("   -> {outcome:?}{code}"),
                }
            }
            Event::StepSkipped { reason, .. } => outln!("   -> skipped: {reason}"),
            Event::StepMarkedDone { note, .. } => outln!(
                "   -> marked done{}",
                note.as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default()
            ),
            _ => {}
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
