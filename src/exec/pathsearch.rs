//! Finding a program the way a shell would: each PATH directory in turn, with PATHEXT's
//! extensions on Windows, and only files that may be executed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Where `program` is found on `path` (a PATH value), trying each of `extensions` too
/// (PATHEXT on Windows). A program with a directory part is checked as given.
pub fn find_on_path(program: &str, path: &OsStr, extensions: &[String]) -> Option<PathBuf> {
    let candidates = |base: PathBuf| -> Vec<PathBuf> {
        let mut v = vec![base.clone()];
        for ext in extensions {
            let mut name = base.clone().into_os_string();
            name.push(ext);
            v.push(PathBuf::from(name));
        }
        v
    };
    let has_dir = program.contains('/') || (cfg!(windows) && program.contains('\\'));
    if has_dir {
        return candidates(PathBuf::from(program))
            .into_iter()
            .find(|p| is_executable(p));
    }
    std::env::split_paths(path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| candidates(dir.join(program)))
        .find(|p| is_executable(p))
}

/// PATHEXT as a list (Windows); nothing elsewhere.
pub fn path_extensions() -> Vec<String> {
    if cfg!(windows) {
        std::env::var("PATHEXT")
            .unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".into())
            .split(';')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    }
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn finds_programs_on_a_given_path_only_when_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("lcscmd");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        let path = std::env::join_paths([Path::new("/nonexistent"), dir.path()]).unwrap();
        assert_eq!(find_on_path("lcscmd", &path, &[]), None);
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(find_on_path("lcscmd", &path, &[]), Some(tool.clone()));
        assert_eq!(find_on_path("other", &path, &[]), None);
        assert_eq!(
            find_on_path(tool.to_str().unwrap(), OsStr::new(""), &[]),
            Some(tool)
        );
    }
}
