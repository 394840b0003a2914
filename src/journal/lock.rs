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
        let json = serde_json::to_vec_pretty(holder).map_err(|e| JournalError::Encode {
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

/// Opens (creating, owner-only) `dir/lock` and tries to lock it: `None` when held elsewhere.
fn try_lock_file(dir: &Path) -> Result<Option<File>, LockError> {
    let path = dir.join(LOCK_FILE);
    let file = private_file_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(JournalError::io("open lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(JournalError::io("lock", &path)(e).into()),
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

/// Asks a process to stop. Shells out to `kill` (std has no kill; no libc dependency).
#[cfg(unix)]
fn terminate(pid: u32) -> Result<(), String> {
    // 0 and 1 (and values kill reads as negative) would hit a process group or init.
    if pid <= 1 || pid > i32::MAX as u32 {
        return Err("not a process id that can be signalled".into());
    }
    let out = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .output()
        .map_err(|e| format!("cannot run 'kill': {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
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
