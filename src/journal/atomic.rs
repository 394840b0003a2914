//! Small durable file-system moves: owner-only directories, atomic whole-file writes, directory fsync.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::error::JournalError;

/// Writes `bytes` to `path` all-or-nothing: a temporary file in the same directory is written,
/// fsynced and renamed over `path`, then the directory is fsynced. The file is owner-only.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), JournalError> {
    let dir = parent_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".lifeline-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(JournalError::io("create a temporary file in", dir))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(JournalError::io("write", temp.path()))?;
    temp.persist(path)
        .map_err(|e| JournalError::io("replace", path)(e.error))?;
    fsync_dir(dir).map_err(JournalError::io("fsync directory", dir))
}

/// Makes a directory's entries (new files, renames) durable. A no-op where directories
/// cannot be opened for fsync (Windows).
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates one owner-only (0700) directory; fails if it already exists.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    private_dir_builder(false).create(path)
}

/// Creates a directory and its missing parents, each new one owner-only (0700).
pub(crate) fn ensure_private_dir_all(path: &Path) -> io::Result<()> {
    private_dir_builder(true).create(path)
}

fn private_dir_builder(recursive: bool) -> fs::DirBuilder {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(recursive);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
}

/// Opens options for a new owner-only (0600) file, never through a symbolic link: a link
/// planted in a session folder must not send the journal or the lock somewhere else.
pub(crate) fn private_file_options() -> fs::OpenOptions {
    #[cfg_attr(not(unix), expect(unused_mut, reason = "only Unix sets a mode"))]
    let mut options = fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// The directory a file lives in (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status.json");
        write_atomic(&path, b"first version, rather long").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn write_atomic_names_the_path_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("x.json");
        let err = write_atomic(&path, b"x").unwrap_err().to_string();
        assert!(err.contains("missing"), "{err}");
    }
}
