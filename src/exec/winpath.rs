//! Windows paths on a console that is not Windows: where a path check looks for them.
//!
//! A UNC path (`\\host\share\dir`) or a drive path (`D:\dir`) cannot exist on Linux or
//! macOS. For tests and rehearsals there, `LIFELINE_WINDOWS_ROOT` names a folder that
//! stands in for them: `\\host\share\dir` is looked for at `<root>/host/share/dir` and
//! `D:\dir` at `<root>/D/dir`. Unset, or on Windows, every path is used as given.

use std::path::{Path, PathBuf};

/// The environment variable naming the stand-in folder.
pub const WINDOWS_ROOT_ENV: &str = "LIFELINE_WINDOWS_ROOT";

/// Where a path check should look for `path` on this console.
pub fn local_path(path: &str) -> String {
    #[cfg(windows)]
    {
        path.to_string()
    }
    #[cfg(not(windows))]
    {
        match std::env::var_os(WINDOWS_ROOT_ENV) {
            Some(root) if !root.is_empty() => map_windows_path(path, Path::new(&root))
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| path.to_string()),
            _ => path.to_string(),
        }
    }
}

/// What to do when a check found nothing at the Windows path `path` on this console: on a
/// console that is not Windows the path was never going to exist as written, and the
/// operator must learn there how to stand one in (`LIFELINE_WINDOWS_ROOT`, `lifeline
/// sandbox`). `None` on Windows and for paths that are not Windows paths.
pub fn missing_hint(path: &str) -> Option<String> {
    if cfg!(windows) || map_windows_path(path, Path::new("/")).is_none() {
        return None;
    }
    let root = std::env::var_os(WINDOWS_ROOT_ENV).filter(|r| !r.is_empty());
    Some(hint_text(root.as_deref().map(Path::new)))
}

/// The hint for a missing Windows path, given the stand-in folder in use (if any).
fn hint_text(root: Option<&Path>) -> String {
    match root {
        None => format!(
            "this console is not Windows: set {WINDOWS_ROOT_ENV} to a folder standing in for \\\\host\\share and D:\\ paths, or make a practice one with 'lifeline sandbox DIR'"
        ),
        Some(root) => format!(
            "it was looked for under {WINDOWS_ROOT_ENV} ('{}'): create it there, or point {WINDOWS_ROOT_ENV} at the folder holding your copies",
            root.display()
        ),
    }
}

/// `path` under `root` when it is a Windows path (UNC or drive letter); `None` otherwise.
#[cfg_attr(windows, allow(dead_code))]
pub fn map_windows_path(path: &str, root: &Path) -> Option<PathBuf> {
    let rest = if let Some(unc) = path.strip_prefix(r"\\") {
        unc.to_string()
    } else {
        let mut chars = path.chars();
        let drive = chars.next().filter(char::is_ascii_alphabetic)?;
        let after = chars.as_str();
        let tail = after
            .strip_prefix(":\\")
            .or_else(|| after.strip_prefix(":/"))
            .or_else(|| (after == ":").then_some(""))?;
        format!("{}\\{tail}", drive.to_ascii_uppercase())
    };
    let mut mapped = root.to_path_buf();
    for part in rest.split(['\\', '/']).filter(|p| !p.is_empty()) {
        if part == ".." {
            return None; // never look outside the stand-in folder
        }
        mapped.push(part);
    }
    Some(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unc_and_drive_paths_land_under_the_root() {
        let root = Path::new("/sandbox");
        assert_eq!(
            map_windows_path(r"\\bkp01.contoso.com\ocsbackup\settings\pool.xml", root),
            Some(PathBuf::from(
                "/sandbox/bkp01.contoso.com/ocsbackup/settings/pool.xml"
            ))
        );
        assert_eq!(
            map_windows_path(r"d:\RTCData", root),
            Some(PathBuf::from("/sandbox/D/RTCData"))
        );
        assert_eq!(
            map_windows_path("E:/logs/", root),
            Some(PathBuf::from("/sandbox/E/logs"))
        );
    }

    #[test]
    fn a_missing_windows_path_says_how_to_stand_one_in() {
        let unset = hint_text(None);
        assert!(unset.contains("LIFELINE_WINDOWS_ROOT") && unset.contains("lifeline sandbox DIR"));
        let set = hint_text(Some(Path::new("/sb/windows")));
        assert!(set.contains("'/sb/windows'"), "{set}");
        #[cfg(not(windows))]
        assert_eq!(missing_hint("/tmp/x"), None);
    }

    #[test]
    fn other_paths_and_escapes_are_left_alone() {
        let root = Path::new("/sandbox");
        assert_eq!(map_windows_path("/tmp/x", root), None);
        assert_eq!(map_windows_path("relative\\x", root), None);
        assert_eq!(map_windows_path(r"\\host\share\..\..\etc", root), None);
    }
}
