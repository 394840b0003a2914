//! `lifeline sandbox DIR`: writes the practice deployment of `app::sandbox` into a new
//! folder. It is built in a hidden folder beside DIR and renamed into place at the end, so
//! a failure (a full disk, a folder that cannot be written) leaves nothing behind.

use std::fs;
use std::path::{Path, PathBuf};

use lifeline::app::sandbox::{self, Entry};
use lifeline::drill::EXAMPLE_INVENTORY;

use crate::commands::{Failure, bad};

/// Runs the `sandbox` command.
pub fn sandbox(dir: &Path) -> Result<u8, Failure> {
    if cfg!(windows) {
        return Err(bad(
            "the sandbox stands in for Windows paths and tools on a console that is not Windows; on Windows, practise with 'lifeline drill'",
        ));
    }
    let shown = dir.display();
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(bad(format!(
                    "'{shown}' exists and is not empty: name a new folder for the sandbox"
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) if dir.exists() && !dir.is_dir() => {
            return Err(bad(format!(
                "'{shown}' exists and is not a folder: name a new folder for the sandbox"
            )));
        }
        Err(e) => return Err(bad(format!("cannot use '{shown}' for the sandbox: {e}"))),
    }
    let dir = std::path::absolute(dir)
        .map_err(|e| bad(format!("cannot use '{shown}' for the sandbox: {e}")))?;
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .ok_or_else(|| {
            bad(format!(
                "cannot use '{shown}' for the sandbox: it has no parent folder"
            ))
        })?;
    let building = tempfile::Builder::new()
        .prefix(".lifeline-sandbox-")
        .tempdir_in(parent)
        .map_err(|e| {
            bad(format!(
                "cannot create the sandbox in '{}': {e}",
                parent.display()
            ))
        })?;
    let entries = sandbox::layout(EXAMPLE_INVENTORY)
        .map_err(|e| bad(format!("the bundled example inventory does not parse: {e}")))?;
    write_all(building.path(), &entries, &dir)
        .map_err(|e| bad(format!("cannot create the sandbox in '{shown}': {e}")))?;
    // Into place: an empty DIR is replaced; anything else that appeared meanwhile refuses.
    fs::rename(building.path(), &dir)
        .map_err(|e| bad(format!("cannot create the sandbox in '{shown}': {e}")))?;
    // Renamed away: nothing left for the guard to remove.
    let _ = building.keep();
    out!(
        "{}",
        sandbox::instructions(&dir, lifeline::invocation::program())
    );
    Ok(0)
}

/// Writes every entry under `root`, and `env.sh` naming the final folder `dir`.
fn write_all(root: &Path, entries: &[Entry], dir: &Path) -> std::io::Result<()> {
    for entry in entries {
        match entry {
            Entry::Dir(path) => fs::create_dir_all(root.join(path))?,
            Entry::File {
                path,
                contents,
                executable,
            } => {
                let at: PathBuf = root.join(path);
                if let Some(parent) = at.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&at, contents)?;
                if *executable {
                    set_mode(&at, 0o755)?;
                }
            }
        }
    }
    fs::write(root.join("env.sh"), sandbox::env_script(dir))?;
    // The home holds sessions: owner-only, as lifeline makes its own.
    set_mode(&root.join("home"), 0o700)?;
    // The hidden build folder was owner-only; the sandbox is an ordinary folder.
    set_mode(root, 0o755)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
