//! Plugs the real journal writer task and the supervised runner into the screens' seams.

use std::path::PathBuf;
use std::sync::Arc;

use crate::journal::{self, SessionLock, WriterHandle};
use crate::session::engine::Defaults;
use crate::session::event::{Event, Record};
use crate::ui::{BlockingRunner, JournalAppend, JournalPersist, SessionSetup};

use super::exec_runner::ExecRunner;
use super::store::Opened;

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
/// Call within a tokio runtime (the journal writer becomes a task of it).
pub fn session_setup(
    opened: Opened,
    defaults: Box<dyn Defaults + Send>,
    self_exe: PathBuf,
) -> (SessionSetup, SessionLock) {
    let root = opened.wizard_id();
    let dir = opened.dir.clone();
    let cancel_dir = dir.clone();
    let runner = BlockingRunner::new(ExecRunner::new(dir.clone(), self_exe)).with_canceller(
        Arc::new(move |step: &str, attempt: u32| {
            let _ =
                crate::exec::request_cancel(&cancel_dir, &crate::exec::step_stem(step, attempt));
        }),
    );
    let persist = JournalPersist::spawn(journal::spawn_writer(opened.writer));
    let setup = SessionSetup {
        catalog: opened.catalog,
        root,
        state: opened.state,
        defaults,
        persist: Box::new(persist),
        runner: Box::new(runner),
        session_id: opened.id,
        session_dir: dir,
        warnings: opened.warnings,
        records: opened.records,
    };
    (setup, opened.lock)
}
