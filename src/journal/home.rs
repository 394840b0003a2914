//! Where sessions live: the lifeline home, session ids, session directories and finding one.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use time::OffsetDateTime;
use time::macros::format_description;

use super::atomic::{create_private_dir, ensure_private_dir_all, fsync_dir};
use super::error::JournalError;

/// The directory under the home that holds one directory per session.
pub const SESSIONS_DIR: &str = "sessions";

/// The lifeline home: `LIFELINE_HOME` if set, else the platform data directory for
/// `lifeline`. Created owner-only if missing, and checked to be writable.
pub fn lifeline_home() -> Result<PathBuf, JournalError> {
    let path = match std::env::var_os("LIFELINE_HOME") {
        Some(value) if !value.is_empty() => PathBuf::from(value),
        _ => directories::ProjectDirs::from("", "", "lifeline")
            .ok_or(JournalError::NoHome)?
            .data_dir()
            .to_path_buf(),
    };
    let path = std::path::absolute(&path).unwrap_or(path);
    prepare_home(&path)?;
    for dir in [path.clone(), sessions_dir(&path)] {
        if let Some(warning) = keep_private(&dir).map_err(|reason| JournalError::Home {
            path: dir.clone(),
            reason,
        })? {
            eprintln!("lifeline: warning: {warning}");
        }
    }
    Ok(path)
}

/// Checks that an existing folder of lifeline's is owner-only: others could read a
/// session's journal and output, or plant files in it. Loose modes are repaired (the
/// returned warning says so); a folder owned by another user is refused. Missing: fine.
pub fn keep_private(dir: &Path) -> Result<Option<String>, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = match std::fs::metadata(dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(format!(
                "it is owned by user id {}, not by the user running lifeline ({me})",
                meta.uid()
            ));
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| {
                format!("its mode {mode:o} lets others in and cannot be repaired: {e}")
            })?;
            return Ok(Some(format!(
                "'{}' had mode {mode:o} (others could read or change sessions); it is now 700",
                dir.display()
            )));
        }
        Ok(None)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(None)
    }
}

/// Creates `path` (and parents, owner-only) if missing and proves it is a writable directory.
fn prepare_home(path: &Path) -> Result<(), JournalError> {
    let home_error = |reason: String| JournalError::Home {
        path: path.to_path_buf(),
        reason,
    };
    #[cfg(windows)]
    let created = !path.exists();
    ensure_private_dir_all(path).map_err(|e| home_error(e.to_string()))?;
    if !path.is_dir() {
        return Err(home_error("not a directory".into()));
    }
    // Windows has no mode bits: a new home gets an owner-only access control list.
    #[cfg(windows)]
    if created {
        super::acl::owner_only(path)
            .map_err(|e| home_error(format!("cannot make it owner-only: {e}")))?;
    }
    tempfile::tempfile_in(path)
        .map(drop)
        .map_err(|e| home_error(format!("not writable: {e}")))
}

/// `<home>/sessions`.
pub fn sessions_dir(home: &Path) -> PathBuf {
    home.join(SESSIONS_DIR)
}

/// A new session id: `<UTC yyyymmdd-hhmmss>-<wizard id>-<4 hex>`, e.g.
/// `20261122-103000-restore-service-7f3a`. Sorting ids sorts sessions by start time.
pub fn new_session_id(wizard_id: &str, now: OffsetDateTime) -> String {
    let stamp = now
        .to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .unwrap_or_else(|_| "00000000-000000".into());
    let wizard: String = wizard_id
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    let wizard = match wizard.trim_matches('-') {
        "" => "session",
        w => w,
    };
    format!("{stamp}-{wizard}-{:04x}", id_suffix(now))
}

/// 16 bits that differ between processes and between calls in one process (no rand crate:
/// time nanos, pid and a counter, mixed with splitmix64).
fn id_suffix(now: OffsetDateTime) -> u16 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut x = u64::from(now.nanosecond())
        ^ (u64::from(std::process::id()) << 32)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (x ^ (x >> 31)) as u16
}

/// Creates `<home>/sessions/<id>` owner-only; fails if it already exists.
pub fn create_session_dir(home: &Path, id: &str) -> Result<PathBuf, JournalError> {
    if !is_plain_name(id) {
        return Err(JournalError::InvalidName {
            what: "session id",
            name: id.to_string(),
        });
    }
    let sessions = sessions_dir(home);
    ensure_private_dir_all(&sessions).map_err(JournalError::io("create", &sessions))?;
    let dir = sessions.join(id);
    create_private_dir(&dir).map_err(JournalError::io("create session directory", &dir))?;
    fsync_dir(&sessions).map_err(JournalError::io("fsync directory", &sessions))?;
    Ok(dir)
}

/// Picks a fresh id for `wizard_id` and creates its directory, retrying on a clash.
pub fn create_new_session(
    home: &Path,
    wizard_id: &str,
    now: OffsetDateTime,
) -> Result<(String, PathBuf), JournalError> {
    let mut attempt = 0;
    loop {
        let id = new_session_id(wizard_id, now);
        match create_session_dir(home, &id) {
            Ok(dir) => return Ok((id, dir)),
            Err(JournalError::Io { source, .. })
                if source.kind() == io::ErrorKind::AlreadyExists && attempt < 16 =>
            {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Every session directory, sorted by id (so by start time). No sessions yet: empty.
pub fn list_session_dirs(home: &Path) -> Result<Vec<PathBuf>, JournalError> {
    let sessions = sessions_dir(home);
    let entries = match std::fs::read_dir(&sessions) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(JournalError::io("list", &sessions)(e)),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(JournalError::io("list", &sessions))?;
        let visible = !entry.file_name().to_string_lossy().starts_with('.');
        if visible && entry.file_type().is_ok_and(|t| t.is_dir()) {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// The session whose id is `prefix_or_id`, or the only one whose id starts with it.
pub fn find_session(home: &Path, prefix_or_id: &str) -> Result<PathBuf, JournalError> {
    let unknown = || JournalError::UnknownSession(prefix_or_id.to_string());
    if prefix_or_id.is_empty() {
        return Err(unknown());
    }
    let dirs = list_session_dirs(home)?;
    let name = |d: &Path| -> String {
        d.file_name()
            .map(OsStr::to_string_lossy)
            .unwrap_or_default()
            .into_owned()
    };
    let checked = |dir: &PathBuf| -> Result<PathBuf, JournalError> {
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(JournalError::Refused {
                path: dir.clone(),
                reason: "the session folder is a symbolic link".into(),
            });
        }
        match keep_private(dir) {
            Ok(Some(warning)) => eprintln!("lifeline: warning: {warning}"),
            Ok(None) => {}
            Err(reason) => {
                return Err(JournalError::Refused {
                    path: dir.clone(),
                    reason,
                });
            }
        }
        Ok(dir.clone())
    };
    if let Some(exact) = dirs.iter().find(|d| name(d) == prefix_or_id) {
        return checked(exact);
    }
    let mut matches: Vec<&PathBuf> = dirs
        .iter()
        .filter(|d| name(d).starts_with(prefix_or_id))
        .collect();
    match matches.len() {
        0 => Err(unknown()),
        1 => checked(matches.remove(0)),
        _ => Err(JournalError::AmbiguousSession {
            prefix: prefix_or_id.to_string(),
            candidates: matches.iter().map(|d| name(d)).collect(),
        }),
    }
}

/// A single path component that names a child (no separators, not `.` or `..`).
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn session_ids_have_the_documented_shape() {
        let now = datetime!(2026-11-22 10:30:00.5 UTC);
        let id = new_session_id("restore-service", now);
        let (head, suffix) = id.rsplit_once('-').unwrap();
        assert_eq!(head, "20261122-103000-restore-service");
        assert_eq!(suffix.len(), 4);
        assert!(
            suffix
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(id, new_session_id("restore-service", now), "calls differ");
        assert!(
            new_session_id("Fail Back/../x", now).starts_with("20261122-103000-fail-back----x-")
        );
        assert!(new_session_id("", now).starts_with("20261122-103000-session-"));
    }

    #[test]
    fn plain_names() {
        assert!(is_plain_name("restore.toml"));
        for bad in ["", ".", "..", "a/b", "a\\b", "c:x"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }
}
