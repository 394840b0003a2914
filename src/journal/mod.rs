//! Durable session journals on disk: append with fsync, replay, locking, recovery from torn files.
//!
//! A session lives in its own directory under `<home>/sessions/<id>/`:
//!
//! ```text
//! journal.jsonl          one record per line: `<crc32 hex> <JSON>\n`, appended and fsynced
//! journal.torn-<offset>  a torn tail cut off when a driver reopened the journal (forensics)
//! lock, holder.json      the driver's lock and who holds it
//! wizards/<name>         the wizard files pinned when the session started
//! ```
//!
//! Reading never changes a file. Only [`JournalWriter`] writes a journal, and only
//! [`JournalWriter::open`] ever shortens one (cutting off a torn tail it has first copied aside).

#[cfg(windows)]
mod acl;
mod atomic;
mod error;
mod home;
mod identity;
mod line;
mod lock;
mod operator;
mod pinned;
mod reader;
mod task;
mod writer;

pub use atomic::{create_private_dir, fsync_dir, write_atomic};
pub use error::JournalError;
pub use home::{
    SESSIONS_DIR, create_new_session, create_session_dir, find_session, lifeline_home,
    list_session_dirs, new_session_id, sessions_dir,
};
pub use line::{LineError, decode_line, encode_line};
pub use lock::{
    HOLDER_FILE, LOCK_FILE, LockError, SessionLock, format_since, is_locked, read_holder, take_over,
};
pub use operator::{current_holder, current_operator};
pub use pinned::{WIZARDS_DIR, pin_files, read_pinned};
pub use reader::{Loaded, TornTail, parse_journal, read_journal, salvage_journal};
pub use task::{WriterHandle, spawn_writer};
pub use writer::{JournalWriter, check_session_folder, journal_path};

/// The journal's file name inside a session directory.
pub const JOURNAL_FILE: &str = "journal.jsonl";
