//! The wizard files a session pinned when it started, so a resume runs the same definition.

use std::io;
use std::path::Path;

use super::atomic::{ensure_private_dir_all, fsync_dir, write_atomic};
use super::error::JournalError;
use super::home::is_plain_name;

/// The directory inside a session directory that holds the pinned wizard copies.
pub const WIZARDS_DIR: &str = "wizards";

/// Writes each `(name, text)` to `dir/wizards/<name>`, each atomically and durably.
pub fn pin_files<N: AsRef<str>, T: AsRef<str>>(
    dir: &Path,
    files: &[(N, T)],
) -> Result<(), JournalError> {
    for (name, _) in files {
        if !is_plain_name(name.as_ref()) || name.as_ref().starts_with('.') {
            return Err(JournalError::InvalidName {
                what: "pinned file name",
                name: name.as_ref().to_string(),
            });
        }
    }
    let wizards = dir.join(WIZARDS_DIR);
    ensure_private_dir_all(&wizards).map_err(JournalError::io("create", &wizards))?;
    fsync_dir(dir).map_err(JournalError::io("fsync directory", dir))?;
    for (name, text) in files {
        write_atomic(&wizards.join(name.as_ref()), text.as_ref().as_bytes())?;
    }
    Ok(())
}

/// The pinned files as `(name, text)`, sorted by name; none pinned: empty.
pub fn read_pinned(dir: &Path) -> Result<Vec<(String, String)>, JournalError> {
    let wizards = dir.join(WIZARDS_DIR);
    let entries = match std::fs::read_dir(&wizards) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(JournalError::io("list", &wizards)(e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(JournalError::io("list", &wizards))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Dot files are leftovers of an interrupted atomic write.
        if name.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let text = std::fs::read_to_string(&path).map_err(JournalError::io("read", &path))?;
        files.push((name, text));
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_reads_back_sorted() {
        let dir = tempfile::tempdir().unwrap();
        pin_files(dir.path(), &[("b.toml", "bee"), ("a.toml", "ay")]).unwrap();
        std::fs::write(dir.path().join(WIZARDS_DIR).join(".x.tmp"), "junk").unwrap();
        let pinned = read_pinned(dir.path()).unwrap();
        assert_eq!(
            pinned,
            vec![
                ("a.toml".into(), "ay".into()),
                ("b.toml".into(), "bee".into())
            ]
        );
        assert!(read_pinned(&dir.path().join("none")).unwrap().is_empty());
    }

    #[test]
    fn refuses_path_like_names() {
        let dir = tempfile::tempdir().unwrap();
        let err = pin_files(dir.path(), &[("../evil.toml", "x")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid pinned file name '../evil.toml': it must be a plain file name"
        );
    }
}
