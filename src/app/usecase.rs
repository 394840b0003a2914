//! The headless use cases both `lifeline run`/`resume` and `lifeline drill SCENARIO --answers`
//! go through: a dry run in memory before anything starts, a drive to the end under the
//! supervisor, and what the ending means for the operator (an exit code and one line). The
//! binary only parses arguments, prints, and maps a [`Stop`] to its exit code.

use std::path::Path;

use crate::journal;
use crate::session::engine::Defaults;
use crate::session::event::Event;

use super::answers::AnswersFile;
use super::driver::{Driver, DriverError, MemoryJournal};
use super::exec_runner::ExecRunner;
use super::headless::{Ending, HeadlessOptions, SucceedingRunner, drive};

/// Why a use case stopped short: its exit code (1 a step failed, 2 bad usage or input,
/// 3 needs an operator decision) and one line for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub code: u8,
    pub message: String,
}

impl Stop {
    /// Bad usage or input (exit 2).
    pub fn bad(message: impl std::fmt::Display) -> Stop {
        Stop {
            code: 2,
            message: message.to_string(),
        }
    }

    /// The driver of session `id` stopped (its journal refused an append, a full disk or a
    /// lock file deleted under it, or its state disagreed): exit 1, never bad input.
    pub fn driver(id: &str, error: DriverError) -> Stop {
        Stop {
            code: 1,
            message: format!("session {id}: {error}"),
        }
    }
}

/// What a session is called in messages: a real run or a drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    Session,
    Drill,
}

impl Noun {
    fn word(self) -> &'static str {
        match self {
            Noun::Session => "session",
            Noun::Drill => "drill",
        }
    }
}

/// What a dry run starts from.
pub struct DryRun<'a> {
    pub catalog: &'a crate::wizard::Catalog,
    pub wizard: &'a str,
    pub answers: &'a AnswersFile,
    /// The answers file as the operator named it.
    pub label: &'a str,
    pub drill: bool,
    pub scenario: Option<String>,
    /// Events a session of this kind starts with after its start (a drill's faults).
    pub opening: Vec<Event>,
}

/// Drives the session in memory with every step succeeding, so every missing or invalid
/// answer is reported before anything starts or is written.
pub fn dry_run(run: DryRun<'_>, defaults: Box<dyn Defaults + Send>) -> Result<(), Stop> {
    let mut memory = MemoryJournal::default();
    let mut driver = Driver::new(
        run.catalog.clone(),
        run.wizard.to_string(),
        Default::default(),
        defaults,
        Box::new(&mut memory),
    );
    let started = Event::SessionStarted {
        session: "dry-run".into(),
        wizard: run.wizard.into(),
        wizard_hash: String::new(),
        wizard_version: String::new(),
        inventory_hash: None,
        operator: journal::current_operator(),
        drill: run.drill,
        lifeline_version: String::new(),
        scenario: run.scenario,
        target_s: None,
    };
    for event in std::iter::once(started).chain(run.opening) {
        driver.append(event).map_err(Stop::bad)?;
    }
    let options = HeadlessOptions {
        collect_missing: true,
        ..HeadlessOptions::default()
    };
    let label = run.label;
    match drive(
        &mut driver,
        run.answers,
        &mut SucceedingRunner,
        &options,
        &mut |_, _| {},
    )
    .map_err(Stop::bad)?
    {
        Ending::MissingAnswers(keys) => Err(Stop::bad(format!(
            "'{label}': no value and no default for: {}",
            quoted(&keys)
        ))),
        Ending::InvalidAnswer(message) => Err(Stop::bad(format!("'{label}': {message}"))),
        _ => Ok(()),
    }
}

/// Drives an opened session to its end (or to what stops it), each attempt under the
/// supervisor, `on_line` seeing each output line with its step; then leaves the summary
/// `lifeline sessions` reads. Call while holding the session's lock.
pub fn drive_to_end(
    driver: &mut Driver<'_>,
    answers: &AnswersFile,
    dir: &Path,
    options: &HeadlessOptions,
    on_line: &mut dyn FnMut(&str, &str),
) -> Result<Ending, Stop> {
    let failed = |message: String| Stop { code: 1, message };
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let self_exe = std::env::current_exe().map_err(|e| {
        failed(format!(
            "cannot find the lifeline binary to supervise steps: {e}"
        ))
    })?;
    let mut runner = ExecRunner::new(dir.to_path_buf(), self_exe).map_err(failed)?;
    let ending = drive(driver, answers, &mut runner, options, on_line);
    super::summary::save(dir);
    ending.map_err(|e| Stop::driver(&id, e))
}

/// How a drive ended, for the operator: `Ok` when the session is over (finished, or
/// aborted with its reason), else the exit code and the line that says what to do next.
pub fn conclude(ending: Ending, id: &str, noun: Noun) -> Result<Option<String>, Stop> {
    let word = noun.word();
    let resume_hint = format!(
        "{} resume {id} --answers FILE",
        crate::invocation::program()
    );
    match ending {
        Ending::Finished => Ok(None),
        Ending::Aborted(reason) => Ok(Some(reason)),
        Ending::StepFailed { step, message } => {
            let decide = match noun {
                Noun::Drill => {
                    " (or decide in the answers file: [failed] \"<step>\" = \"retry\" | \"skip: <reason>\" | \"done: <note>\")"
                }
                Noun::Session => "",
            };
            Err(Stop {
                code: 1,
                message: format!(
                    "step '{step}' failed: {message}; {word} {id} is saved, fix the cause and run: {resume_hint}{decide}"
                ),
            })
        }
        Ending::NeedsDecision { step, what } => Err(Stop {
            code: 3,
            message: format!(
                "step '{step}' needs an operator decision: {what}; then: {resume_hint}"
            ),
        }),
        Ending::MissingAnswers(keys) => Err(Stop::bad(format!(
            "no value and no default for: {}; {word} {id} is saved",
            quoted(&keys)
        ))),
        Ending::InvalidAnswer(message) => {
            Err(Stop::bad(format!("{message}; {word} {id} is saved")))
        }
    }
}

/// The report use case: the report of a session directory: its journal, pinned wizards and pinned inventory (for
/// the target time), read without changing anything.
pub fn from_session_dir(dir: &std::path::Path) -> Result<crate::report::Report, String> {
    from_session_dir_read_only(dir).map(|(report, _)| report)
}

/// Like [`from_session_dir`], but a damaged journal still gives a report of its intact
/// records, with a one-line warning saying where the damage is. Never writes.
pub fn from_session_dir_read_only(
    dir: &std::path::Path,
) -> Result<(crate::report::Report, Option<String>), String> {
    let (loaded, warning) = super::store::load_read_only(dir).map_err(|e| e.to_string())?;
    // A pinned inventory that no longer parses only costs the target time.
    let inventory = loaded
        .inventory_text
        .as_deref()
        .and_then(|text| crate::inventory::Inventory::parse(text, "inventory.toml (pinned)").ok());
    crate::report::build(&loaded.records, &loaded.catalog, inventory.as_ref())
        .map(|report| (report, warning))
        .map_err(|e| format!("session {}: {e}", loaded.id))
}

fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
