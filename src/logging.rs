//! Diagnostic logs: tracing to daily rolling files under `LIFELINE_HOME/logs`, never to the
//! terminal (the screens own it). The level comes from `LIFELINE_LOG` (default `info`).

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// The environment variable holding the log filter (`info`, `debug`, `lifeline=trace`, ...).
pub const LOG_VAR: &str = "LIFELINE_LOG";
/// The logs folder inside the lifeline home.
pub const LOGS_DIR: &str = "logs";
/// Log files are `lifeline.<date>.log`.
pub const LOG_PREFIX: &str = "lifeline";

/// Keeps the background log writer alive; dropping it flushes what is buffered.
pub struct LogGuard {
    _guard: Option<WorkerGuard>,
}

/// Where the logs of a home go.
pub fn logs_dir(home: &Path) -> PathBuf {
    home.join(LOGS_DIR)
}

/// Starts logging to `<home>/logs`. When the folder cannot be made or a subscriber is already
/// set, lifeline runs without logs: a log must never stop a recovery or write to the terminal.
pub fn init(home: &Path) -> LogGuard {
    let dir = logs_dir(home);
    if private_dir_all(&dir).is_err() {
        return LogGuard { _guard: None };
    }
    let appender = match Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix("log")
        .build(&dir)
    {
        Ok(a) => a,
        Err(_) => return LogGuard { _guard: None },
    };
    restrict_files(&dir);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = std::env::var(LOG_VAR)
        .ok()
        .and_then(|v| EnvFilter::try_new(v.trim()).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .is_ok();
    LogGuard {
        _guard: installed.then_some(guard),
    }
}

fn private_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes the log files owner-only (the folder already is); a file rolled over later is
/// created by the appender with the default mode and fixed on the next start.
fn restrict_files(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
}
