//! Finding a program the way a shell would, through the `which` crate: each PATH directory
//! in turn, with PATHEXT's extensions on Windows, and only files that may be executed.

use std::ffi::OsStr;
use std::path::PathBuf;

/// Where `program` is found on `path` (a PATH value). A program with a directory part is
/// checked as given (relative to the current directory).
pub fn find_on_path(program: &str, path: &OsStr) -> Option<PathBuf> {
    if program.is_empty() {
        return None;
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    which::which_in(program, Some(path), cwd).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[cfg(unix)]
    #[test]
    fn finds_programs_on_a_given_path_only_when_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("lcscmd");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        let path = std::env::join_paths([Path::new("/nonexistent"), dir.path()]).unwrap();
        assert_eq!(find_on_path("lcscmd", &path), None);
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(find_on_path("lcscmd", &path), Some(tool.clone()));
        assert_eq!(find_on_path("other", &path), None);
        assert_eq!(
            find_on_path(tool.to_str().unwrap(), OsStr::new("")),
            Some(tool)
        );
    }

    #[cfg(windows)]
    #[test]
    fn finds_programs_with_an_extension_from_pathext() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("lcscmd.cmd");
        std::fs::write(&tool, "@echo off\r\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        let path = std::env::join_paths([Path::new(r"C:\nonexistent"), dir.path()]).unwrap();
        let found = find_on_path("lcscmd", &path).expect("found with .CMD");
        assert!(
            found
                .to_string_lossy()
                .to_lowercase()
                .ends_with("lcscmd.cmd"),
            "{found:?}"
        );
        assert_eq!(find_on_path("notes", &path), None);
        assert_eq!(find_on_path("other", &path), None);
    }
}
