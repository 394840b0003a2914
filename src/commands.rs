//! The commands behind the CLI: each loads what it needs, runs, and returns an exit code.
//! Errors carry the exit code and one line for stderr.

use std::path::{Path, PathBuf};

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::Driver;
use lifeline::app::echo::Echo;
use lifeline::app::headless::{HeadlessOptions, InterruptedChoice};
use lifeline::app::store::{self, NewSession};
use lifeline::app::template::answers_template;
use lifeline::app::usecase::{self, DryRun, Noun, Stop};
use lifeline::inventory::Inventory;
use lifeline::journal;
use lifeline::session::engine::{Defaults, NoDefaults};
use lifeline::wizard::{self, Catalog};

use crate::cli::{Cli, Command, InterruptedArg, PlanFormat};

/// A failure of a command: its exit code and one line for the operator.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<Stop> for Failure {
    fn from(stop: Stop) -> Failure {
        Failure {
            code: stop.code,
            message: stop.message,
        }
    }
}

/// A bad-usage or bad-input failure (exit 2).
pub fn bad(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: 2,
        message: message.to_string(),
    }
}

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> Result<u8, Failure> {
    let extra: Vec<PathBuf> = cli.wizards.into_iter().collect();
    match cli.command {
        None => {
            let catalog =
                lifeline::app::catalog::load_catalog(&extra).map_err(|d| bad(first_diag(&d)))?;
            crate::interactive::run(&catalog, crate::interactive::Start::Home, None)
        }
        Some(Command::New {
            wizard,
            drill,
            inventory,
        }) => match wizard {
            Some(arg) => {
                let (catalog, id) = resolve_wizard(&extra, &arg)?;
                let start = crate::interactive::Start::New { wizard: id, drill };
                crate::interactive::run(&catalog, start, inventory.as_deref())
            }
            None => {
                let catalog = lifeline::app::catalog::load_catalog(&extra)
                    .map_err(|d| bad(first_diag(&d)))?;
                let start = crate::interactive::Start::Home;
                crate::interactive::run(&catalog, start, inventory.as_deref())
            }
        },
        Some(Command::Check { paths }) => check(&paths),
        Some(Command::Sessions { json }) => sessions(json),
        Some(Command::Run {
            wizard,
            answers,
            print_answers_template,
            drill,
            inventory,
        }) => {
            let (catalog, id) = resolve_wizard(&extra, &wizard)?;
            if print_answers_template {
                out!("{}", answers_template(&catalog, &id));
                return Ok(0);
            }
            let answers_path = answers.ok_or_else(|| bad("--answers FILE is required"))?;
            run(&catalog, &id, &answers_path, drill, inventory.as_deref())
        }
        Some(Command::Resume {
            session,
            answers,
            interrupted,
            take_over,
        }) => {
            let catalog =
                lifeline::app::catalog::load_catalog(&extra).map_err(|d| bad(first_diag(&d)))?;
            match (answers, session) {
                (Some(answers), Some(session)) => resume(
                    &catalog,
                    &session,
                    &answers,
                    interrupted,
                    take_over.as_deref(),
                ),
                (Some(_), None) => Err(bad("name the session to resume (see 'lifeline sessions')")),
                (None, Some(session)) => {
                    let start = crate::interactive::Start::Resume { session, take_over };
                    crate::interactive::run(&catalog, start, None)
                }
                (None, None) => {
                    crate::interactive::run(&catalog, crate::interactive::Start::Home, None)
                }
            }
        }
        Some(Command::Plan {
            topology,
            lost,
            inventory,
            format,
        }) => plan(&extra, &topology, &lost, inventory.as_deref(), format),
        Some(Command::Drill {
            scenario,
            list,
            answers,
            inventory,
        }) => crate::drill_cmd::drill(
            &extra,
            scenario.as_deref(),
            list,
            answers.as_deref(),
            inventory.as_deref(),
        ),
        Some(Command::Watch { session }) => crate::watch_cmd::watch(session.as_deref()),
        Some(Command::Sandbox { dir }) => crate::sandbox_cmd::sandbox(&dir),
        Some(Command::Report {
            session,
            format,
            output,
        }) => crate::report_cmd::report(&session, format, output.as_deref()),
    }
}

pub(crate) fn first_diag(diags: &[wizard::Diagnostic]) -> String {
    let mut lines: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    if lines.len() > 1 {
        lines.push(format!("({} errors; run 'lifeline check')", diags.len()));
    }
    lines.join("\n")
}

fn check(paths: &[PathBuf]) -> Result<u8, Failure> {
    let diags = lifeline::app::catalog::check_paths(paths);
    if diags.is_empty() {
        let what = if paths.is_empty() {
            "bundled wizards".to_string()
        } else {
            format!("{} path(s)", paths.len())
        };
        // Warnings do not fail the check: a wizard may hand a start to the operator.
        for w in lifeline::app::catalog::check_warnings(paths) {
            eprintln!("lifeline: warning: {w}");
        }
        outln!("ok: {what} checked, no errors");
        return Ok(0);
    }
    for d in &diags {
        eprintln!("{d}");
    }
    Err(bad(format!("{} error(s) in wizard files", diags.len())))
}

fn sessions(json: bool) -> Result<u8, Failure> {
    let home = journal::lifeline_home().map_err(bad)?;
    let all = store::summaries(&home).map_err(bad)?;
    if json {
        let text = serde_json::to_string_pretty(&all).map_err(bad)?;
        outln!("{text}");
        return Ok(0);
    }
    if all.is_empty() {
        outln!("No sessions yet.");
    }
    for s in &all {
        let lock = s
            .locked_by
            .as_ref()
            .map(|h| format!("  driven by {}@{} (pid {})", h.user, h.host, h.pid))
            .unwrap_or_default();
        outln!(
            "{}  {:<28} {:<11} {}/{}  {}{}",
            s.id,
            format!("{}{}", s.wizard, if s.drill { " (drill)" } else { "" }),
            s.state,
            s.steps_done,
            s.steps_total,
            s.error
                .clone()
                .or(s.current_title.clone())
                .unwrap_or_default(),
            lock
        );
    }
    Ok(0)
}

/// The catalog and the root id: a bundled (or --wizards) id, or a path to a file.
fn resolve_wizard(extra: &[PathBuf], arg: &str) -> Result<(Catalog, String), Failure> {
    let mut catalog =
        lifeline::app::catalog::load_catalog(extra).map_err(|d| bad(first_diag(&d)))?;
    if catalog.get(arg).is_some() {
        return Ok((catalog, arg.to_string()));
    }
    let path = Path::new(arg);
    if !path.exists() {
        let known: Vec<&str> = catalog.wizards.keys().map(String::as_str).collect();
        return Err(bad(format!(
            "no wizard '{arg}' (bundled: {}; or give a path to a .toml file)",
            known.join(", ")
        )));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read '{arg}': {e}")))?;
    let source = wizard::WizardSource {
        path: arg.to_string(),
        text,
    };
    let (checked, diags) = wizard::check_catalog(&[source], &catalog);
    if !diags.is_empty() {
        for d in &diags {
            eprintln!("{d}");
        }
        return Err(bad(format!("{} error(s) in '{arg}'", diags.len())));
    }
    let Some(w) = checked.wizards.values().next().cloned() else {
        return Err(bad(format!("'{arg}' holds no wizard")));
    };
    let id = w.id.clone();
    for w in checked.wizards.into_values() {
        catalog.insert(w);
    }
    Ok((catalog, id))
}

fn load_inventory(path: Option<&Path>) -> Result<Option<(Inventory, String)>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(format!("cannot read inventory '{}': {e}", path.display())))?;
    let inventory = Inventory::parse(&text, &path.display().to_string()).map_err(bad)?;
    Ok(Some((inventory, text)))
}

fn run(
    catalog: &Catalog,
    id: &str,
    answers_path: &Path,
    drill: bool,
    inventory: Option<&Path>,
) -> Result<u8, Failure> {
    let answers = AnswersFile::load(answers_path).map_err(bad)?;
    let label = answers_path.display().to_string();
    answers.check_ids(&label, catalog, id).map_err(bad)?;
    let inventory = load_inventory(inventory)?;
    let defaults = |inv: &Option<(Inventory, String)>| -> Box<dyn Defaults + Send> {
        match inv {
            Some((i, _)) => Box::new(i.clone()),
            None => Box::new(NoDefaults),
        }
    };
    // A dry run over memory first: every missing answer is reported before anything starts.
    usecase::dry_run(
        DryRun {
            catalog,
            wizard: id,
            answers: &answers,
            label: &label,
            drill,
            scenario: None,
            opening: vec![],
        },
        defaults(&inventory),
    )?;
    let home = journal::lifeline_home().map_err(bad)?;
    // The target depends on what was lost, which is answered inside the session.
    let target_s = None;
    let mut opened = store::start(
        &home,
        NewSession {
            catalog,
            wizard: id,
            drill,
            inventory_text: inventory.as_ref().map(|(_, t)| t.as_str()),
            scenario: None,
            target_s,
        },
    )
    .map_err(bad)?;
    outln!(
        "session {} started ({})",
        opened.id,
        if drill {
            "DRILL: nothing is executed"
        } else {
            "real run"
        }
    );
    let dir = opened.dir.clone();
    let session_id = opened.id.clone();
    let mut driver = opened.driver(defaults(&inventory));
    drive_and_report(
        &mut driver,
        &answers,
        &dir,
        &session_id,
        HeadlessOptions::default(),
    )
}

fn drive_and_report(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    dir: &Path,
    session_id: &str,
    options: HeadlessOptions,
) -> Result<u8, Failure> {
    let mut last_step = String::new();
    let mut echo = Echo::new();
    let ending = usecase::drive_to_end(driver, answers, dir, &options, &mut |step, line| {
        if step != last_step {
            echo.line(format_args!("== {step}"));
            last_step = step.to_string();
        }
        // Escape sequences a program printed never reach the operator's terminal raw.
        echo.line(format_args!(
            "   {}",
            lifeline::exec::terminal::neutralize(line)
        ));
    });
    drop(echo);
    match usecase::conclude(ending?, session_id, Noun::Session)? {
        None => {
            outln!("session {session_id} finished");
            if driver.state.meta.as_ref().is_some_and(|m| m.drill) {
                // A drill resumed headless still ends with its score.
                if let Ok(lines) = crate::drill_cmd::score_lines(dir) {
                    outln!("Score:");
                    lines.iter().for_each(|l| outln!("  {l}"));
                }
            }
        }
        Some(reason) => outln!("session {session_id} was aborted: {reason}"),
    }
    Ok(0)
}

fn resume(
    current: &Catalog,
    session: &str,
    answers_path: &Path,
    interrupted: Option<InterruptedArg>,
    take_over: Option<&str>,
) -> Result<u8, Failure> {
    let answers = AnswersFile::load(answers_path).map_err(bad)?;
    let home = journal::lifeline_home().map_err(bad)?;
    let dir = journal::find_session(&home, session).map_err(bad)?;
    // Bad answers are refused before the session is touched (opening may journal a hand-over).
    let pinned = store::load(&dir).map_err(bad)?;
    let id = pinned
        .state
        .meta
        .as_ref()
        .map(|m| m.wizard.clone())
        .unwrap_or_default();
    answers
        .check_ids(&answers_path.display().to_string(), &pinned.catalog, &id)
        .map_err(bad)?;
    let mut opened = store::open(&dir, Some(current), take_over).map_err(bad)?;
    let defaults = opened.defaults().map_err(bad)?;
    let session_id = opened.id.clone();
    let dir = opened.dir.clone();
    let warnings = opened.warnings.clone();
    let mut driver = opened.driver(defaults);
    // The world may have changed while nobody watched: the checks that ran, run again.
    let found = lifeline::app::recheck::on_resume(&driver.engine());
    if let Some(note) = lifeline::app::recheck::note(&found) {
        driver
            .apply(note)
            .map_err(|e| Stop::driver(&session_id, e))?;
    }
    for w in warnings.iter().chain(&found) {
        eprintln!("lifeline: warning: {w}");
    }
    outln!("session {session_id} resumed");
    let options = HeadlessOptions {
        interrupted: interrupted.map(|i| match i {
            InterruptedArg::Rerun => InterruptedChoice::Rerun,
            InterruptedArg::Skip => InterruptedChoice::Skip,
            InterruptedArg::Done => InterruptedChoice::Done,
        }),
        retry_failed: true,
        collect_missing: false,
    };
    drive_and_report(&mut driver, &answers, &dir, &session_id, options)
}

fn plan(
    extra: &[PathBuf],
    topology: &str,
    lost: &[String],
    inventory: Option<&Path>,
    format: PlanFormat,
) -> Result<u8, Failure> {
    let catalog = lifeline::app::catalog::load_catalog(extra).map_err(|d| bad(first_diag(&d)))?;
    let inventory = load_inventory(inventory)?;
    let plan =
        lifeline::plan::build_plan(topology, lost, inventory.as_ref().map(|(i, _)| i), &catalog)
            .map_err(bad)?;
    match format {
        PlanFormat::Md => out!("{}", lifeline::plan::render_markdown(&plan)),
        PlanFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&lifeline::plan::render_json(&plan)).map_err(bad)?
        ),
    }
    Ok(0)
}
