//! Sessions on disk: starting one (directory, pinned wizards, lock, first journal record),
//! opening one to drive or to read, and summarizing them all for listings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use time::OffsetDateTime;

use crate::journal::{self, JournalError, JournalWriter, LockError, SessionLock};
use crate::session::engine::{Defaults, Engine, Need, Next};
use crate::session::event::{Event, LockHolder, Record};
use crate::session::state::{SessionState, SessionStatus};
use crate::wizard::{Catalog, Wizard};

use super::driver::{Driver, JournalSink};
use super::summary::SummaryState;

/// The pinned definitions inside a session directory.
pub const PINNED_CATALOG: &str = "catalog.json";
/// A copy of the inventory the session started with.
pub const PINNED_INVENTORY: &str = "inventory.toml";

/// Why a session could not be started or opened.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Locked(#[from] LockError),
    #[error(transparent)]
    Inventory(#[from] crate::inventory::InventoryError),
    #[error("no wizard '{0}'")]
    UnknownWizard(String),
    #[error("'{path}': the pinned wizard definitions cannot be read: {reason}")]
    Pinned { path: String, reason: String },
    #[error(
        "'{path}' holds no record: lifeline stopped while creating this session, which never started; delete its folder"
    )]
    NeverStarted { path: String },
    #[error("'{path}':{seq}: {reason}")]
    Replay {
        path: String,
        seq: u64,
        reason: String,
    },
}

/// What a new session starts from.
pub struct NewSession<'a> {
    pub catalog: &'a Catalog,
    pub wizard: &'a str,
    pub drill: bool,
    pub inventory_text: Option<&'a str>,
    pub scenario: Option<String>,
    pub target_s: Option<u64>,
}

/// A session opened by this process to drive it.
pub struct Opened {
    pub id: String,
    pub dir: PathBuf,
    pub catalog: Catalog,
    pub state: SessionState,
    pub writer: JournalWriter,
    pub lock: SessionLock,
    /// Warnings for the operator (a torn tail dropped, a changed definition, a stale lock).
    pub warnings: Vec<String>,
    pub inventory_text: Option<String>,
    /// Every record of the journal so far, in order.
    pub records: Vec<Record>,
}

impl Opened {
    /// Journals one event and folds it (used before the screens or a driver take over).
    pub fn append(&mut self, event: Event) -> Result<(), StoreError> {
        let record = self.writer.append(event)?;
        self.state.apply(&record).map_err(|e| StoreError::Replay {
            path: self.dir.display().to_string(),
            seq: record.seq,
            reason: e.to_string(),
        })?;
        self.records.push(record);
        Ok(())
    }
}

impl JournalSink for JournalWriter {
    fn append(&mut self, event: Event) -> Result<Record, String> {
        JournalWriter::append(self, event).map_err(|e| e.to_string())
    }
}

impl Opened {
    /// The inventory the session started with, as the defaults its inputs fall back to.
    pub fn defaults(&self) -> Result<Box<dyn Defaults + Send>, StoreError> {
        Ok(match &self.inventory_text {
            Some(text) => Box::new(crate::inventory::Inventory::parse(
                text,
                "inventory.toml (pinned)",
            )?),
            None => Box::new(crate::session::engine::NoDefaults),
        })
    }

    /// A driver over this session (the journal writer is borrowed).
    pub fn driver<'s>(&'s mut self, defaults: Box<dyn Defaults + Send + 's>) -> Driver<'s> {
        Driver::new(
            self.catalog.clone(),
            self.wizard_id(),
            self.state.clone(),
            defaults,
            Box::new(&mut self.writer),
        )
    }

    /// The root wizard's id.
    pub fn wizard_id(&self) -> String {
        self.state
            .meta
            .as_ref()
            .map(|m| m.wizard.clone())
            .unwrap_or_default()
    }
}

/// The hash of a pinned catalog: SHA-256 of its canonical JSON.
pub fn catalog_hash(catalog: &Catalog) -> String {
    let wizards: Vec<&Wizard> = catalog.wizards.values().collect();
    let json = serde_json::to_vec(&wizards).unwrap_or_default();
    hex(&Sha256::digest(&json))
}

/// SHA-256 of some text, hex.
pub fn text_hash(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates the session directory, pins the wizards and inventory, takes the lock and
/// journals `session-started`.
pub fn start(home: &Path, new: NewSession<'_>) -> Result<Opened, StoreError> {
    let wizard = new
        .catalog
        .get(new.wizard)
        .ok_or_else(|| StoreError::UnknownWizard(new.wizard.to_string()))?;
    let pinned = new.catalog.pinned(new.wizard);
    let now = OffsetDateTime::now_utc();
    let id = journal::new_session_id(new.wizard, now);
    let dir = journal::create_session_dir(home, &id)?;
    // A session that cannot be created completely (a full disk) leaves nothing behind: a
    // half-made folder would be listed as an unreadable session for ever.
    match fill_new(dir.clone(), id, new, wizard, pinned) {
        Ok(opened) => Ok(opened),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

fn fill_new(
    dir: PathBuf,
    id: String,
    new: NewSession<'_>,
    wizard: &crate::wizard::Wizard,
    pinned: Catalog,
) -> Result<Opened, StoreError> {
    let catalog_json = serde_json::to_string_pretty(&pinned.wizards.values().collect::<Vec<_>>())
        .map_err(|e| StoreError::Pinned {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut files: Vec<(String, String)> = vec![(PINNED_CATALOG.to_string(), catalog_json)];
    if let Some(text) = new.inventory_text {
        files.push((PINNED_INVENTORY.to_string(), text.to_string()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    journal::pin_files(&dir, &refs)?;
    let holder = journal::current_holder();
    let lock = SessionLock::acquire(&dir, &holder)?;
    let operator = journal::current_operator();
    let first = Event::SessionStarted {
        session: id.clone(),
        wizard: wizard.id.clone(),
        wizard_hash: catalog_hash(&pinned),
        wizard_version: wizard.version.clone(),
        inventory_hash: new.inventory_text.map(text_hash),
        operator,
        drill: new.drill,
        lifeline_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: new.scenario,
        target_s: new.target_s,
    };
    let (writer, record) = JournalWriter::create(&dir, first)?;
    let records = vec![record.clone()];
    let state = SessionState::replay([&record]).map_err(|(seq, e)| StoreError::Replay {
        path: dir.display().to_string(),
        seq,
        reason: e.to_string(),
    })?;
    Ok(Opened {
        id,
        dir,
        catalog: pinned,
        state,
        writer,
        lock,
        warnings: vec![],
        inventory_text: new.inventory_text.map(str::to_string),
        records,
    })
}

/// A session read from disk without taking it over.
pub struct Loaded {
    pub id: String,
    pub dir: PathBuf,
    pub catalog: Catalog,
    pub state: SessionState,
    pub records: Vec<Record>,
    pub torn: Option<u64>,
    pub inventory_text: Option<String>,
}

/// Reads a session (journal, pinned wizards) without modifying anything.
pub fn load(dir: &Path) -> Result<Loaded, StoreError> {
    let loaded = journal::read_journal(&journal::journal_path(dir))?;
    assemble(dir, loaded)
}

/// A session for viewing only: a damaged journal gives the records before the damage and a
/// one-line warning saying where it stops. Never writes.
pub fn load_read_only(dir: &Path) -> Result<(Loaded, Option<String>), StoreError> {
    match load(dir) {
        Ok(session) => Ok((session, None)),
        Err(StoreError::Journal(damage @ JournalError::Corrupt { .. })) => {
            let path = journal::journal_path(dir);
            let (records, stop) = journal::salvage_journal(&path)?;
            let loaded = journal::Loaded {
                path: path.clone(),
                records,
                // Read-only: no writer ever continues from a salvaged view.
                valid_len: 0,
                torn: None,
                missing_newline: false,
            };
            let session = assemble(dir, loaded)?;
            let why = stop
                .map(|e| e.to_string())
                .unwrap_or_else(|| damage.to_string());
            let warning = format!(
                "{why}; shown read-only up to the last intact record (seq {})",
                session.records.len()
            );
            Ok((session, Some(warning)))
        }
        Err(e) => Err(e),
    }
}

/// A session from its journal as read, plus the pinned files.
fn assemble(dir: &Path, loaded: journal::Loaded) -> Result<Loaded, StoreError> {
    // A crash between creating the journal and writing its first record: nothing to resume,
    // and nothing may be appended to it (the first record must be `session-started`).
    if loaded.records.is_empty() {
        return Err(StoreError::NeverStarted {
            path: journal::journal_path(dir).display().to_string(),
        });
    }
    let state = SessionState::replay(&loaded.records).map_err(|(seq, e)| StoreError::Replay {
        path: journal::journal_path(dir).display().to_string(),
        seq,
        reason: e.to_string(),
    })?;
    let mut catalog = Catalog::default();
    let mut inventory_text = None;
    for (name, text) in journal::read_pinned(dir)? {
        if name == PINNED_CATALOG {
            let wizards: Vec<Wizard> =
                serde_json::from_str(&text).map_err(|e| StoreError::Pinned {
                    path: dir
                        .join(journal::WIZARDS_DIR)
                        .join(&name)
                        .display()
                        .to_string(),
                    reason: e.to_string(),
                })?;
            wizards.into_iter().for_each(|w| catalog.insert(w));
        } else if name == PINNED_INVENTORY {
            inventory_text = Some(text);
        }
    }
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Loaded {
        id,
        dir: dir.to_path_buf(),
        catalog,
        state,
        torn: loaded.torn.as_ref().map(|t| t.offset),
        records: loaded.records,
        inventory_text,
    })
}

/// Opens a session to drive it: takes the lock (or refuses, naming the holder), repairs a
/// torn tail, and journals what the operator must know (stale lock, changed definitions).
pub fn open(
    dir: &Path,
    current: Option<&Catalog>,
    take_over_note: Option<&str>,
) -> Result<Opened, StoreError> {
    let holder = journal::current_holder();
    let lock = match SessionLock::acquire(dir, &holder) {
        Ok(lock) => lock,
        Err(LockError::Held { .. }) if take_over_note.is_some() => {
            journal::take_over(dir, &holder, std::time::Duration::from_secs(10))?
        }
        Err(e) => return Err(e.into()),
    };
    let loaded_journal = journal::read_journal(&journal::journal_path(dir))?;
    journal::check_session_folder(dir, &loaded_journal)?;
    let session = assemble(dir, loaded_journal.clone())?;
    let mut warnings = Vec::new();
    if let Some(t) = &loaded_journal.torn {
        warnings.push(format!(
            "the journal ended in {} byte(s) at offset {} that are no complete record (a crash mid-write); they were set aside as 'journal.torn-{}'",
            t.bytes, t.offset, t.offset
        ));
    }
    let writer = JournalWriter::open(dir, &loaded_journal)?;
    let mut opened = Opened {
        id: session.id,
        dir: dir.to_path_buf(),
        catalog: session.catalog,
        state: session.state,
        writer,
        lock,
        warnings,
        inventory_text: session.inventory_text,
        records: session.records,
    };
    if let Some(previous) = opened.lock.stale_previous().cloned() {
        let note = take_over_note
            .unwrap_or("the previous driver ended without releasing the session")
            .to_string();
        opened.warnings.push(format!(
            "taken over from {}@{} (pid {}), which held it since {}",
            previous.user, previous.host, previous.pid, previous.since
        ));
        opened.append(Event::LockTakenOver { previous, note })?;
    }
    if let (Some(current), Some(meta)) = (current, opened.state.meta.clone())
        && current.get(&meta.wizard).is_some()
    {
        let now_hash = catalog_hash(&current.pinned(&meta.wizard));
        if now_hash != meta.wizard_hash && opened.state.is_open() {
            opened.warnings.push(format!(
                "wizard '{}' changed since this session started; the session keeps the definition it started with",
                meta.wizard
            ));
            opened.append(Event::WizardChanged {
                pinned_hash: meta.wizard_hash.clone(),
                current_hash: now_hash,
            })?;
        }
    }
    Ok(opened)
}

/// One line of `lifeline sessions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub wizard: String,
    pub drill: bool,
    pub state: SummaryState,
    pub current_step: Option<String>,
    pub current_title: Option<String>,
    pub steps_done: usize,
    pub steps_total: usize,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    pub locked_by: Option<LockHolder>,
    /// Set when the session cannot be read (a corrupt journal): the one-line reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Summarizes one session directory (never modifies it): from its summary file while that
/// is current, else from the journal.
pub fn summarize(dir: &Path) -> Summary {
    match super::summary::read(dir) {
        Some(mut summary) => {
            summary.id = session_id(dir);
            summary.locked_by = if journal::is_locked(dir) {
                journal::read_holder(dir)
            } else {
                None
            };
            summary
        }
        None => summarize_journal(dir),
    }
}

fn session_id(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Summarizes one session from its journal (never modifies it).
pub fn summarize_journal(dir: &Path) -> Summary {
    let id = session_id(dir);
    let locked_by = if journal::is_locked(dir) {
        journal::read_holder(dir)
    } else {
        None
    };
    let session = match load(dir) {
        Ok(s) => s,
        Err(e) => {
            return Summary {
                id,
                wizard: String::new(),
                drill: false,
                state: SummaryState::Unreadable,
                current_step: None,
                current_title: None,
                steps_done: 0,
                steps_total: 0,
                started_at: None,
                updated_at: None,
                locked_by,
                error: Some(e.to_string()),
            };
        }
    };
    let meta = session.state.meta.clone();
    let wizard = meta.as_ref().map(|m| m.wizard.clone()).unwrap_or_default();
    let engine = Engine::looking_at(&session.catalog, &wizard, &session.state);
    let (steps_done, steps_total) = engine.progress();
    let next = engine.next();
    // A step journaled as running is interrupted only when no supervisor still runs it: a
    // killed console leaves the step going, and a resume re-attaches to it.
    let detached_alive = |key: &str, attempt: u32| {
        matches!(
            crate::exec::attach(dir, &crate::exec::step_stem(key, attempt)),
            crate::exec::AttachState::Running { .. } | crate::exec::AttachState::Ended(_)
        )
    };
    let (current_step, current_title, failed, interrupted) = match &next {
        Next::Step { step, need } => (
            Some(step.key.clone()),
            Some(engine.render_text(step, &step.def.title)),
            matches!(need, Need::Failed { .. }),
            match need {
                Need::Interrupted { .. } => true,
                Need::Running { attempt } => {
                    locked_by.is_none() && !detached_alive(&step.key, *attempt)
                }
                _ => false,
            },
        ),
        _ => (None, None, false, false),
    };
    let state = match &session.state.status {
        SessionStatus::Finished => SummaryState::Finished,
        SessionStatus::Aborted { .. } => SummaryState::Aborted,
        SessionStatus::InProgress if interrupted => SummaryState::Interrupted,
        SessionStatus::InProgress if failed => SummaryState::Failed,
        SessionStatus::InProgress => SummaryState::InProgress,
    };
    Summary {
        id,
        wizard,
        drill: meta.as_ref().is_some_and(|m| m.drill),
        state,
        current_step,
        current_title,
        steps_done,
        steps_total,
        started_at: meta.as_ref().map(|m| m.started_at),
        updated_at: session.state.updated_at,
        locked_by,
        error: None,
    }
}

/// Every session under the home, unfinished ones first, then newest first.
pub fn summaries(home: &Path) -> Result<Vec<Summary>, StoreError> {
    let mut all: Vec<Summary> = journal::list_session_dirs(home)?
        .iter()
        .map(|d| summarize(d))
        .collect();
    all.sort_by(|a, b| {
        let unfinished = |s: &Summary| !s.state.ended();
        unfinished(b)
            .cmp(&unfinished(a))
            .then(b.updated_at.cmp(&a.updated_at))
    });
    Ok(all)
}
