//! One writer per journal, owned by a task: callers send events and get each record back
//! after it is fsynced. Appends are applied in the order they arrive on the channel.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::error::JournalError;
use super::writer::JournalWriter;
use crate::session::{Event, Record};

enum Message {
    Append(Box<Event>, oneshot::Sender<Result<Record, JournalError>>),
    Close,
}

/// A cheap, cloneable handle to the task that owns a [`JournalWriter`].
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Message>,
    path: PathBuf,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

/// Moves the writer onto its own blocking task (fsync blocks; the async workers must not).
/// Call from within a tokio runtime.
pub fn spawn_writer(writer: JournalWriter) -> WriterHandle {
    let path = writer.path().to_path_buf();
    let (tx, mut rx) = mpsc::channel::<Message>(256);
    let task = tokio::task::spawn_blocking(move || {
        let mut writer = writer;
        while let Some(message) = rx.blocking_recv() {
            match message {
                // The caller may have given up waiting; the record is on disk regardless.
                Message::Append(event, ack) => drop(ack.send(writer.append(*event))),
                Message::Close => break,
            }
        }
    });
    WriterHandle {
        tx,
        path,
        task: Arc::new(Mutex::new(Some(task))),
    }
}

impl WriterHandle {
    /// Appends an event; resolves to its record once it is fsynced. If this future is
    /// dropped after the event was queued, the event is still written.
    pub async fn append(&self, event: Event) -> Result<Record, JournalError> {
        let (ack, done) = oneshot::channel();
        self.tx
            .send(Message::Append(Box::new(event), ack))
            .await
            .map_err(|_| self.stopped())?;
        done.await.map_err(|_| self.stopped())?
    }

    /// Writes everything queued before this call, closes the file and waits for the task
    /// to end. Appends through other clones fail afterwards.
    pub async fn close(self) -> Result<(), JournalError> {
        // If the task already ended, there is nothing left to flush.
        let _ = self.tx.send(Message::Close).await;
        let task = match self.task.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        match task {
            Some(task) => task.await.map_err(|_| self.stopped()),
            None => Ok(()),
        }
    }

    /// The journal file this handle writes.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    fn stopped(&self) -> JournalError {
        JournalError::WriterStopped {
            path: self.path.clone(),
        }
    }
}
