//! The one error type of the journal module: one line each, naming the path in single quotes.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// What went wrong reading or writing journals, session directories and pinned files.
#[derive(Debug, Error)]
pub enum JournalError {
    /// A file-system operation failed.
    #[error("cannot {action} '{}': {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A complete line of a journal is damaged: the load stops and the file is left as it is.
    #[error("'{}':{line}: {reason}", path.display())]
    Corrupt {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    /// The journal changed on disk between reading it and opening it for append.
    #[error("journal '{}' changed since it was read (expected {expected} bytes, found {found})", path.display())]
    Changed {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// An earlier write or fsync failed; nothing more is appended after a possible gap.
    #[error("journal '{}' accepts no more appends after a failed write: {message}", path.display())]
    Poisoned { path: PathBuf, message: String },
    /// A record could not be turned into a line.
    #[error("cannot encode a record for '{}': {reason}", path.display())]
    Encode { path: PathBuf, reason: String },
    /// The lifeline home cannot be found, created or written.
    #[error("cannot use '{}' as the lifeline home: {reason}", path.display())]
    Home { path: PathBuf, reason: String },
    /// No `LIFELINE_HOME` and no platform data directory.
    #[error("cannot find a data directory for lifeline; set LIFELINE_HOME")]
    NoHome,
    /// No session id starts with what was given.
    #[error("unknown session '{0}'")]
    UnknownSession(String),
    /// Several session ids start with what was given.
    #[error("session '{prefix}' is ambiguous: it matches {}", quoted_list(.candidates))]
    AmbiguousSession {
        prefix: String,
        candidates: Vec<String>,
    },
    /// A session id or pinned file name that is not a plain file name.
    #[error("invalid {what} '{name}': it must be a plain file name")]
    InvalidName { what: &'static str, name: String },
    /// A journal lifeline will not use: a symbolic link, not a regular file, another
    /// session's journal in this folder, or a second writer found before an append.
    #[error("refusing journal '{}': {reason}", path.display())]
    Refused { path: PathBuf, reason: String },
    /// The writer task has stopped (closed, or its thread ended).
    #[error("the journal writer for '{}' has stopped", path.display())]
    WriterStopped { path: PathBuf },
}

impl JournalError {
    /// Wraps an I/O error with what was being done and to which path.
    pub fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> JournalError {
        let path = path.to_path_buf();
        move |source| JournalError::Io {
            action,
            path,
            source,
        }
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
