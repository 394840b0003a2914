//! One driver per session: an OS file lock on `dir/lock`, and `dir/holder.json` saying who.
//!
//! The lock is `File::try_lock` (flock on Unix, LockFileEx on Windows): the OS drops it when
//! the holder dies, so a lock that can be taken is never held. `holder.json` is removed on a
//! clean release, so one still present when the lock is free names a holder that died.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thiserror::Error;
use time::OffsetDateTime;
use time::macros::format_description;

use super::atomic::{private_file_options, write_atomic};
use super::error::JournalError;
use super::operator::same_host;
use crate::session::event::LockHolder;

/// The lock file inside a session directory (kept forever; only its lock comes and goes).
pub const LOCK_FILE: &str = "lock";
/// Who holds the lock, as JSON, inside a session directory.
pub const HOLDER_FILE: &str = "holder.json";

/// How long to wait for a new holder to write `holder.json` before saying "unknown".
const HOLDER_GRACE: Duration = Duration::from_millis(250);
const POLL: Duration = Duration::from_millis(20);

/// Why a session could not be locked.
#[derive(Debug, Error)]
pub enum LockError {
    #[error("session '{session}' is driven by {}", describe(.holder))]
    Held { session: String, holder: LockHolder },
    #[error("session '{session}' is locked by a process that has not said who it is; try again")]
    HeldUnknown { session: String },
    #[error(
        "session '{session}' is driven from another host: {}; stop lifeline there to take over",
        describe(.holder)
    )]
    OtherHost { session: String, holder: LockHolder },
    #[error("session '{session}' is already driven by this process (pid {pid})")]
    ThisProcess { session: String, pid: u32 },
    #[error(
        "session '{session}' is still driven by {} {} ms after it was asked to stop",
        describe(.holder),
        .waited.as_millis()
    )]
    TakeOverTimedOut {
        session: String,
        holder: LockHolder,
        waited: Duration,
    },
    #[error("cannot stop pid {pid} to take over session '{session}': {reason}")]
    Signal {
        session: String,
        pid: u32,
        reason: String,
    },
    #[error(transparent)]
    Io(#[from] JournalError),
}

/// A held session lock. Dropping it removes `holder.json` and releases the lock.
#[derive(Debug)]
pub struct SessionLock {
    // An Option so Drop can close it (releasing the lock) after removing holder.json.
    file: Option<File>,
    dir: PathBuf,
    holder: LockHolder,
    previous: Option<LockHolder>,
}

impl SessionLock {
    /// Locks the session in `dir` for `holder` without waiting. Fails with `Held` (who,
    /// since when) if another driver has it, in this process or another.
    pub fn acquire(dir: &Path, holder: &LockHolder) -> Result<SessionLock, LockError> {
        let deadline = Instant::now() + HOLDER_GRACE;
        loop {
            if let Some(file) = try_lock_file(dir)? {
                // The lock was free, yet holder.json names a live lifeline (same machine, same
                // pid and start time): its lock file was deleted under it. Two drivers would
                // follow; refuse instead.
                if let Some(current) = read_holder_file(dir)
                    && current.holder.pid != std::process::id()
                    && current.verified_alive()
                {
                    return Err(LockError::Held {
                        session: session_name(dir),
                        holder: current.holder,
                    });
                }
                return SessionLock::hold(dir, file, holder, None);
            }
            if let Some(current) = read_holder(dir) {
                return Err(LockError::Held {
                    session: session_name(dir),
                    holder: current,
                });
            }
            // Locked, but its holder has not written holder.json yet (or is releasing).
            if Instant::now() >= deadline {
                return Err(LockError::HeldUnknown {
                    session: session_name(dir),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    fn hold(
        dir: &Path,
        file: File,
        holder: &LockHolder,
        displaced: Option<LockHolder>,
    ) -> Result<SessionLock, LockError> {
        // A holder.json left behind while the lock was free belongs to a driver that died.
        let previous = displaced.or_else(|| read_holder(dir));
        let record = HolderFile {
            holder: holder.clone(),
            start: crate::exec::status::start_token(holder.pid),
            machine: Some(crate::exec::tree::Machine::current()),
        };
        let json = serde_json::to_vec_pretty(&record).map_err(|e| JournalError::Encode {
            path: dir.join(HOLDER_FILE),
            reason: e.to_string(),
        })?;
        write_atomic(&dir.join(HOLDER_FILE), &json)?;
        Ok(SessionLock {
            file: Some(file),
            dir: dir.to_path_buf(),
            holder: holder.clone(),
            previous,
        })
    }

    /// The holder this lock displaced: one that died without releasing, or one stopped by
    /// [`take_over`]. The driver journals it as `lock-taken-over`.
    pub fn stale_previous(&self) -> Option<&LockHolder> {
        self.previous.as_ref()
    }

    /// Who holds this lock (as written to `holder.json`).
    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }

    /// The locked session directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Releases the lock (same as dropping it).
    pub fn release(self) {}
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // holder.json goes first: once the lock is free a new holder may write its own.
        let _ = std::fs::remove_file(self.dir.join(HOLDER_FILE));
        drop(self.file.take());
    }
}

/// `holder.json` as written: the holder, plus what proves it is still that process.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct HolderFile {
    #[serde(flatten)]
    holder: LockHolder,
    /// The holder's start time (see `exec::status::start_token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    machine: Option<crate::exec::tree::Machine>,
}

impl HolderFile {
    /// True only for a holder on this machine (same host and boot) whose pid is alive with
    /// the recorded start time: the one process that may be signalled or deferred to.
    fn verified_alive(&self) -> bool {
        let (Some(start), Some(machine)) = (&self.start, &self.machine) else {
            return false;
        };
        machine.is_here() && crate::exec::status::process_alive(self.holder.pid, Some(start))
    }
}

fn read_holder_file(dir: &Path) -> Option<HolderFile> {
    let bytes = std::fs::read(dir.join(HOLDER_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Opens (creating, owner-only) `dir/lock` and tries to lock it: `None` when held elsewhere.
/// A lock taken on a file that was meanwhile removed or replaced is no lock: retried.
fn try_lock_file(dir: &Path) -> Result<Option<File>, LockError> {
    let path = dir.join(LOCK_FILE);
    for _ in 0..10 {
        let file = private_file_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(JournalError::io("open lock file", &path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(JournalError::io("lock", &path)(e).into()),
        }
        if same_file(&file, &path) {
            return Ok(Some(file));
        }
    }
    Err(JournalError::Refused {
        path,
        reason: "the lock file keeps being removed or replaced while it is locked".into(),
    }
    .into())
}

/// Whether `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    // Windows: volume serial number and file index of both.
    #[cfg(not(unix))]
    {
        let open = super::identity::of_file(file);
        open.is_some() && super::identity::of_link(path).ok().flatten() == open
    }
}

/// Who `holder.json` says holds (or last held) the session; `None` if absent or unreadable.
pub fn read_holder(dir: &Path) -> Option<LockHolder> {
    let bytes = std::fs::read(dir.join(HOLDER_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Whether some driver holds the session now (for listings: locks and releases at once).
/// Never creates the lock file.
pub fn is_locked(dir: &Path) -> bool {
    let Ok(file) = File::open(dir.join(LOCK_FILE)) else {
        return false;
    };
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

/// Takes the session over for `me`: free or stale, it is simply acquired; held by a live
/// process on this host, that process is asked to stop (SIGTERM) and the lock awaited for up
/// to `wait`; held from another host, refused.
pub fn take_over(dir: &Path, me: &LockHolder, wait: Duration) -> Result<SessionLock, LockError> {
    let holder = match SessionLock::acquire(dir, me) {
        Err(LockError::Held { holder, .. }) => holder,
        other => return other,
    };
    let session = session_name(dir);
    if !same_host(&holder.host, &me.host) {
        return Err(LockError::OtherHost { session, holder });
    }
    if holder.pid == std::process::id() {
        return Err(LockError::ThisProcess {
            session,
            pid: holder.pid,
        });
    }
    // Only a holder proven to be the process holder.json describes (same machine and boot,
    // same pid and start time) is signalled: a dead holder's pid may now be anyone's. While
    // the record does not match a live process, someone else may just be taking the lock:
    // wait a moment for its own record, and never signal on a guess.
    let deadline = Instant::now() + HOLDER_GRACE * 4;
    let verified = loop {
        match read_holder_file(dir) {
            Some(file) if file.verified_alive() && file.holder.pid != std::process::id() => {
                break file.holder;
            }
            _ if Instant::now() >= deadline => {
                return Err(LockError::HeldUnknown { session });
            }
            _ => std::thread::sleep(POLL),
        }
        if let Some(file) = try_lock_file(dir)? {
            return SessionLock::hold(dir, file, me, Some(holder));
        }
    };
    let holder = verified;
    terminate(holder.pid).map_err(|reason| LockError::Signal {
        session: session.clone(),
        pid: holder.pid,
        reason,
    })?;
    let started = Instant::now();
    loop {
        if let Some(file) = try_lock_file(dir)? {
            return SessionLock::hold(dir, file, me, Some(holder));
        }
        if started.elapsed() >= wait {
            return Err(LockError::TakeOverTimedOut {
                session,
                holder,
                waited: started.elapsed(),
            });
        }
        std::thread::sleep(POLL);
    }
}

/// Asks one verified process to stop (SIGTERM).
#[cfg(unix)]
fn terminate(pid: u32) -> Result<(), String> {
    // 0 and 1 (and values kill reads as negative) would hit a process group or init.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return Err("not a process id that can be signalled".into());
    };
    if pid <= 1 {
        return Err("not a process id that can be signalled".into());
    }
    // SAFETY: kill(2) of one positive pid the caller verified by start time.
    if unsafe { libc::kill(pid, libc::SIGTERM) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

/// Windows has no SIGTERM for console programs: the holder is ended, as a crash would
/// (the journal is built to survive exactly that), through its process handle.
#[cfg(windows)]
fn terminate(pid: u32) -> Result<(), String> {
    crate::exec::win::process::terminate(pid, None)
}

/// `2026-11-22T10:30:00Z`: UTC, whole seconds.
pub fn format_since(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap_or_else(|_| at.to_string())
}

/// `alice@console01 (pid 4242) since 2026-11-22T10:30:00Z`.
fn describe(holder: &LockHolder) -> String {
    format!(
        "{}@{} (pid {}) since {}",
        holder.user,
        holder.host,
        holder.pid,
        format_since(holder.since)
    )
}

fn session_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}
