//! The small files a supervisor leaves in `steps/`: who runs the step (`.pid.json`) and how
//! it ended (`.status.json`), written owner-only and atomically; and telling whether the
//! process a pid file names is still that very process.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::session::event::Outcome;

/// `steps/<stem>.pid.json`: the supervisor and the child it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidRecord {
    pub supervisor_pid: u32,
    /// The supervisor's start time as the OS tells it (see [`start_token`]), so a pid that
    /// was reused by another process is not mistaken for the supervisor.
    #[serde(default)]
    pub supervisor_start: Option<String>,
    /// The child (also its process group on Unix), once started.
    #[serde(default)]
    pub child_pid: Option<u32>,
    /// The child's start time, to tell it from a later process with its pid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_start: Option<String>,
}

/// `steps/<stem>.status.json`: how an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRecord {
    pub outcome: Outcome,
    #[serde(default)]
    pub exit_code: Option<i32>,
    #[serde(default)]
    pub signal: Option<i32>,
    pub duration_ms: u64,
    #[serde(default)]
    pub message: Option<String>,
    /// Ended by a shutdown signal (to the supervisor or the child), not by the step itself
    /// nor by the operator: its outcome is unknown, and the step's `on_interrupt` decides.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

/// Options for an owner-only file that is never reached through a symbolic link: a link
/// planted in a session folder must not redirect lifeline's writes (or reads) elsewhere.
pub fn private_options() -> OpenOptions {
    #[cfg_attr(
        not(unix),
        expect(unused_mut, reason = "only Unix sets a mode and flags")
    )]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Opens an existing file for reading without following a final symbolic link, and only
/// when it is a regular file (a FIFO or a device would block or never end).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("'{}' is not a regular file", path.display()),
        ));
    }
    Ok(file)
}

/// Creates `dir` (and parents) owner-only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens `path` for appending, creating it owner-only.
pub fn open_append_private(path: &Path) -> io::Result<File> {
    let file = private_options().create(true).append(true).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("'{}' is not a regular file", path.display()),
        ));
    }
    Ok(file)
}

/// Writes `value` as JSON to `path` so a reader sees the old file or the whole new one:
/// a temporary file in the same directory (owner-only), fsynced, renamed over `path`,
/// then the directory fsynced so the rename itself survives a power cut.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_json(path, value, true)
}

/// Like [`write_json_atomic`] without the fsyncs, for files that mean nothing after a power
/// cut (the pid of a process that died with the machine, a spec read at once).
pub fn write_json_replace<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_json(path, value, false)
}

fn write_json<T: Serialize>(path: &Path, value: &T, durable: bool) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("a status file needs a directory"))?;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    let json = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    tmp.write_all(&json)?;
    tmp.write_all(b"\n")?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir);
    }
    Ok(())
}

/// Makes a rename in `dir` durable (a no-op where directories cannot be opened).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Reads a JSON file; `Ok(None)` when it does not exist.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> io::Result<Option<T>> {
    use std::io::Read;
    let read = open_regular(path).and_then(|f| {
        let mut bytes = Vec::new();
        // These files are a few hundred bytes; a huge one is not lifeline's.
        f.take(1 << 20).read_to_end(&mut bytes).map(|_| bytes)
    });
    match read {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// When process `pid` started, as an opaque token that changes if the pid is reused.
///
/// Linux: field 22 of `/proc/<pid>/stat` (clock ticks since boot). Other Unix systems:
/// `ps -o lstart=`. Windows: the creation time from `GetProcessTimes`.
pub fn start_token(pid: u32) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let fields = stat_fields(&stat)?;
        fields.get(19).map(|s| s.to_string())
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let out = std::process::Command::new("ps")
            .args(["-o", "lstart=", "-p", &pid.to_string()])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !text.is_empty()).then_some(text)
    }
    #[cfg(windows)]
    {
        super::win::process::start_token(pid)
    }
}

/// The fields of `/proc/<pid>/stat` after the command name, which may itself hold spaces
/// and parentheses: index 0 is field 3 (the state).
#[cfg(target_os = "linux")]
fn stat_fields(stat: &str) -> Option<Vec<&str>> {
    let close = stat.rfind(')')?;
    Some(stat[close + 1..].split_whitespace().collect())
}

/// True while process `pid` exists, is not a zombie, and (when `token` is given) is the
/// process that token was taken from.
pub fn process_alive(pid: u32, token: Option<&str>) -> bool {
    if !pid_exists(pid) {
        return false;
    }
    #[cfg(target_os = "linux")]
    if let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat"))
        && stat_fields(&stat).is_some_and(|f| f.first() == Some(&"Z"))
    {
        return false;
    }
    match token {
        Some(expected) => start_token(pid).as_deref() == Some(expected),
        None => true,
    }
}

#[cfg(unix)]
fn pid_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Windows: a handle to the process opens and is not yet signalled (an exited process whose
/// handle someone still holds is signalled).
#[cfg(windows)]
fn pid_exists(pid: u32) -> bool {
    super::win::process::alive(pid, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_atomically_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.status.json");
        let record = StatusRecord {
            outcome: Outcome::TimedOut,
            exit_code: None,
            signal: Some(15),
            duration_ms: 1200,
            message: Some("stopped".into()),
            interrupted: false,
        };
        write_json_atomic(&path, &record).unwrap();
        assert_eq!(read_json::<StatusRecord>(&path).unwrap(), Some(record));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"timed-out\""), "{text}");
        assert_eq!(
            read_json::<StatusRecord>(&dir.path().join("none")).unwrap(),
            None
        );
    }

    #[test]
    fn own_process_is_alive_with_its_token_and_not_with_another() {
        let me = std::process::id();
        let token = start_token(me);
        assert!(token.is_some());
        assert!(process_alive(me, token.as_deref()));
        assert!(!process_alive(me, Some("not-the-start-time")));
        assert!(!process_alive(u32::MAX - 1, None));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stat_fields_survive_odd_command_names() {
        let stat = "42 (a (b) c) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0";
        let f = stat_fields(stat).unwrap();
        assert_eq!(f[0], "S");
        assert_eq!(f[19], "777");
    }
}
