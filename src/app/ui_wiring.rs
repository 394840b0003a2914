//! Plugs the real journal writer task and the supervised runner into the screens' seams.

use std::path::PathBuf;

use crate::journal::{self, SessionLock, WriterHandle};
use crate::session::driver::Session;
use crate::session::event::{Event, Record};
use crate::ui::{JournalAppend, JournalPersist, SessionSetup};

use super::exec_runner::StepExec;
use super::store::{Opened, StoreError};

impl JournalAppend for WriterHandle {
    async fn append(&mut self, event: Event) -> Result<Record, String> {
        WriterHandle::append(self, event)
            .await
            .map_err(|e| e.to_string())
    }

    async fn close(self) -> Result<(), String> {
        WriterHandle::close(self).await.map_err(|e| e.to_string())
    }
}

/// The screens' setup for an opened session, and the lock that must be held while they run.
/// On a resume (`recheck`), the checks that already passed run again first and what they find
/// is the session's first note. Call within a tokio runtime (the journal writer becomes a
/// task of it).
pub fn session_setup(
    opened: Opened,
    self_exe: PathBuf,
    recheck: bool,
) -> Result<(SessionSetup, SessionLock), StoreError> {
    let defaults = opened.defaults()?;
    let root = opened.wizard_id();
    let dir = opened.dir.clone();
    let runner = StepExec::new(dir.clone(), self_exe);
    let session = Session::new(opened.catalog, root, opened.state, defaults);
    let mut warnings = opened.warnings;
    let mut opening = Vec::new();
    if recheck {
        // The world may have changed while nobody watched.
        let found = super::recheck::on_resume(&session.engine());
        opening.extend(super::recheck::note(&found));
        warnings.extend(found);
    }
    let persist = JournalPersist::spawn(journal::spawn_writer(opened.writer));
    let setup = SessionSetup {
        session,
        opening,
        persist: Box::new(persist),
        runner: Box::new(runner),
        session_id: opened.id,
        session_dir: dir,
        warnings,
        records: opened.records,
    };
    Ok((setup, opened.lock))
}
