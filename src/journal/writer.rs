//! The only thing that writes a journal: create it, reopen it after a crash, append with fsync.
//!
//! Each append is one `write_all` of the whole line followed by `sync_data`; the record is
//! returned only once it is on disk. A failed write or fsync poisons the writer, so nothing
//! is ever appended after a possible gap; the next driver's `open` repairs the tail instead.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::JOURNAL_FILE;
use super::atomic::{fsync_dir, private_file_options, write_atomic};
use super::error::JournalError;
use super::identity;
use super::line::encode_line;
use super::reader::Loaded;
use crate::session::{Event, Record};

/// The journal file of a session directory.
pub fn journal_path(dir: &Path) -> PathBuf {
    dir.join(JOURNAL_FILE)
}

/// Appends records to one journal file, durably and in sequence.
#[derive(Debug)]
pub struct JournalWriter {
    file: File,
    path: PathBuf,
    next_seq: u64,
    len: u64,
    poisoned: Option<String>,
    fault: Fault,
    /// Which file is open (see [`identity`]), to notice the path naming another file.
    identity: Option<identity::FileId>,
    /// The identity of the session's lock file when this writer started (the driver holds
    /// its lock): a lock file removed or replaced means a second driver may come.
    lock_identity: Option<identity::FileId>,
}

/// Simulated failures, for tests of the poison path.
#[derive(Debug, Default)]
struct Fault {
    /// Bytes that may still be written before the disk is "full".
    write_budget: Option<u64>,
    /// The next write lands all but its last this-many bytes, then fails like ENOSPC.
    short_by: Option<usize>,
    fail_sync: bool,
}

impl JournalWriter {
    /// Creates `dir/journal.jsonl` (it must not exist; owner-only), writes and fsyncs the
    /// first record (seq 1), and fsyncs the directory so the file itself survives a crash.
    pub fn create(dir: &Path, first_event: Event) -> Result<(Self, Record), JournalError> {
        let path = journal_path(dir);
        let file = private_file_options()
            .read(true)
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(JournalError::io("create journal", &path))?;
        let mut writer = JournalWriter::new(file, path, 1, 0);
        let record = writer.append(first_event)?;
        fsync_dir(dir).map_err(JournalError::io("fsync directory", dir))?;
        Ok((writer, record))
    }

    /// Reopens a journal for appending after `loaded` was read from it. A torn tail is first
    /// copied to `journal.torn-<offset>`, then cut off; a missing final newline is added.
    /// Fails if the file changed since it was read.
    pub fn open(dir: &Path, loaded: &Loaded) -> Result<Self, JournalError> {
        let path = journal_path(dir);
        refuse_foreign(&path)?;
        let found = std::fs::metadata(&path)
            .map_err(JournalError::io("open journal", &path))?
            .len();
        let expected = loaded.valid_len + loaded.torn.map_or(0, |t| t.bytes);
        if found != expected {
            return Err(JournalError::Changed {
                path,
                expected,
                found,
            });
        }
        if let Some(torn) = loaded.torn {
            cut_torn_tail(dir, &path, loaded.valid_len, torn.offset, torn.bytes)?;
        }
        let file = private_file_options()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(JournalError::io("open journal", &path))?;
        let mut writer = JournalWriter::new(file, path, loaded.next_seq(), loaded.valid_len);
        if loaded.missing_newline {
            writer
                .write_durably(b"\n")
                .map_err(JournalError::io("complete the last line of", &writer.path))?;
        }
        Ok(writer)
    }

    fn new(file: File, path: PathBuf, next_seq: u64, len: u64) -> Self {
        let identity = identity::of_file(&file);
        let lock_identity = path
            .parent()
            .and_then(|d| identity::of_link(&d.join(super::LOCK_FILE)).ok().flatten());
        JournalWriter {
            lock_identity,
            file,
            path,
            next_seq,
            len,
            poisoned: None,
            fault: Fault::default(),
            identity,
        }
    }

    /// Appends one event as the next record, stamped now (UTC), and returns it once fsynced.
    pub fn append(&mut self, event: Event) -> Result<Record, JournalError> {
        if let Some(message) = &self.poisoned {
            return Err(self.poison_error(message.clone()));
        }
        let record = Record {
            seq: self.next_seq,
            at: OffsetDateTime::now_utc(),
            event,
        };
        let line = encode_line(&record).map_err(|e| JournalError::Encode {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        if let Err(e) = self.write_durably(&line) {
            let message = e.to_string();
            self.poisoned = Some(message.clone());
            return Err(self.poison_error(message));
        }
        self.next_seq += 1;
        Ok(record)
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sequence number of the next record.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Bytes known to be durably written.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True before anything was written (never true after `create`).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True once a write or fsync failed; every append fails from then on.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.is_some()
    }

    /// Test seam: the disk is "full" after `bytes` more bytes (a write that does not fit
    /// lands partially, then fails like ENOSPC).
    #[doc(hidden)]
    pub fn fail_after(&mut self, bytes: u64) {
        self.fault.write_budget = Some(bytes);
    }

    /// Test seam: the next write lands all but its last `bytes` bytes, then fails like
    /// ENOSPC. Unlike [`Self::fail_after`] it does not depend on the record's length, which
    /// varies with its timestamp.
    #[doc(hidden)]
    pub fn fail_short_by(&mut self, bytes: usize) {
        self.fault.short_by = Some(bytes);
    }

    /// Test seam: the next fsync fails (after its write landed).
    #[doc(hidden)]
    pub fn fail_next_sync(&mut self) {
        self.fault.fail_sync = true;
    }

    fn write_durably(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.still_in_place()?;
        self.still_alone()?;
        if let Some(short) = self.fault.short_by.take() {
            let room = bytes.len().saturating_sub(short);
            self.file.write_all(&bytes[..room])?;
            self.fault.write_budget = Some(0);
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device (simulated)",
            ));
        }
        if let Some(budget) = self.fault.write_budget.as_mut() {
            let room = usize::try_from(*budget).unwrap_or(usize::MAX);
            if bytes.len() > room {
                self.file.write_all(&bytes[..room])?;
                *budget = 0;
                return Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "no space left on device (simulated)",
                ));
            }
            *budget -= bytes.len() as u64;
        }
        self.file.write_all(bytes)?;
        if std::mem::take(&mut self.fault.fail_sync) {
            return Err(io::Error::other("fsync failed (simulated)"));
        }
        self.file.sync_data()?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Fails when the journal's path no longer names the file this writer appends to (the
    /// session folder was deleted, or the file replaced): records appended to an unlinked
    /// file would be fsynced, acknowledged, and then lost with it.
    fn still_in_place(&self) -> io::Result<()> {
        let Some(open) = self.identity else {
            return Ok(());
        };
        match identity::of_path(&self.path) {
            Ok(Some(named)) if named == open => Ok(()),
            Ok(_) => Err(io::Error::other(
                "the journal file was replaced by another file while the session ran",
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the journal file (or its session folder) was deleted while the session ran",
            )),
            Err(e) => Err(e),
        }
    }

    /// Fails when another writer may have appeared: the file grew beyond what this writer
    /// wrote (another process appended), or the session's lock file was removed or replaced
    /// (another driver can then lock a new one). Checked before every append, so two
    /// drivers never both append: the second record of a clash is refused, not interleaved.
    fn still_alone(&self) -> io::Result<()> {
        let found = self.file.metadata()?.len();
        if found != self.len && self.fault.write_budget.is_none() {
            return Err(io::Error::other(format!(
                "the journal is {found} bytes long but this lifeline wrote {}: another process wrote to it; stopping so two drivers never interleave",
                self.len
            )));
        }
        if let Some(locked) = self.lock_identity {
            let lock = self.path.with_file_name(super::LOCK_FILE);
            let now = identity::of_link(&lock).ok().flatten();
            if now != Some(locked) {
                return Err(io::Error::other(format!(
                    "the session's lock file '{}' was removed or replaced while this lifeline drove the session; another lifeline may be driving it now, so this one stops",
                    lock.display()
                )));
            }
        }
        Ok(())
    }

    fn poison_error(&self, message: String) -> JournalError {
        JournalError::Poisoned {
            path: self.path.clone(),
            message,
        }
    }
}

/// Refuses a journal that is a symbolic link or not a regular file.
fn refuse_foreign(path: &Path) -> Result<(), JournalError> {
    let refuse = |reason: String| JournalError::Refused {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::symlink_metadata(path).map_err(JournalError::io("open journal", path))?;
    if meta.file_type().is_symlink() {
        return Err(refuse(
            "it is a symbolic link; a session's journal must be its own file".into(),
        ));
    }
    if !meta.is_file() {
        return Err(refuse("it is not a regular file".into()));
    }
    Ok(())
}

/// Refuses a session folder whose journal's first record names another session (a journal
/// copied or linked from elsewhere: two drivers of one journal).
pub fn check_session_folder(dir: &Path, loaded: &Loaded) -> Result<(), JournalError> {
    let path = journal_path(dir);
    let refuse = |reason: String| JournalError::Refused {
        path: path.clone(),
        reason,
    };
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    if let (Some(folder), Some(first)) = (folder, loaded.records.first())
        && let crate::session::Event::SessionStarted { session, .. } = &first.event
        && *session != folder
    {
        return Err(refuse(format!(
            "it belongs to session '{session}', not to its folder '{folder}'"
        )));
    }
    Ok(())
}

/// Copies the torn bytes aside (never overwriting an earlier copy), then truncates the journal
/// to its intact records and makes the new length durable.
fn cut_torn_tail(
    dir: &Path,
    path: &Path,
    valid_len: u64,
    offset: u64,
    bytes: u64,
) -> Result<(), JournalError> {
    // A separate read-write handle: truncating through an append-only handle fails on Windows.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(JournalError::io("open journal", path))?;
    let mut torn = Vec::with_capacity(usize::try_from(bytes).unwrap_or(0));
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| Read::by_ref(&mut file).take(bytes).read_to_end(&mut torn))
        .map_err(JournalError::io("read the torn tail of", path))?;
    write_atomic(&free_torn_name(dir, offset), &torn)?;
    file.set_len(valid_len)
        .and_then(|()| file.sync_all())
        .map_err(JournalError::io("truncate the torn tail of", path))
}

/// `journal.torn-<offset>`, or `journal.torn-<offset>.<n>` if a crash at the same offset
/// already left one.
fn free_torn_name(dir: &Path, offset: u64) -> PathBuf {
    let mut candidate = dir.join(format!("journal.torn-{offset}"));
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = dir.join(format!("journal.torn-{offset}.{n}"));
    }
    candidate
}
