//! How the operator runs lifeline again: every message that names a command ("Resume it
//! with: lifeline resume …") names one the operator's shell can run. When `lifeline` on PATH is
//! this very program that is `lifeline`; otherwise (e.g. `cargo run`, a build not installed)
//! it is this program's full path, quoted for the shell.

use std::path::Path;
use std::sync::OnceLock;

static PROGRAM: OnceLock<String> = OnceLock::new();

/// The program name messages print. `lifeline` until the binary calls [`init`] (so screens
/// drawn in tests are stable).
pub fn program() -> &'static str {
    PROGRAM.get().map_or("lifeline", String::as_str)
}

/// Decides the name once, from this process's executable and PATH. Called by the binary.
pub fn init() {
    let chosen = std::env::current_exe()
        .ok()
        .map(|exe| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            let on_path = crate::exec::pathsearch::find_on_path("lifeline", &path);
            choose(&exe, on_path.as_deref())
        })
        .unwrap_or_else(|| "lifeline".to_string());
    let _ = PROGRAM.set(chosen);
}

/// `lifeline` when the `lifeline` found on PATH is `exe` itself, else `exe` quoted.
pub fn choose(exe: &Path, on_path: Option<&Path>) -> String {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match on_path {
        Some(found) if same(exe, found) => "lifeline".to_string(),
        _ => shell_quote(&exe.to_string_lossy()),
    }
}

/// A word the shell takes as is: single-quoted when it holds anything but plain path characters.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@%\\".contains(c));
    if plain || cfg!(windows) && !word.contains(' ') {
        word.to_string()
    } else if cfg!(windows) {
        format!("\"{word}\"")
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_on_path_is_named_by_its_name_and_any_other_by_its_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let exe = dir.path().join("lifeline");
        std::fs::write(&exe, b"").expect("write");
        let other = dir.path().join("other");
        std::fs::write(&other, b"").expect("write");
        assert_eq!(choose(&exe, Some(&exe)), "lifeline");
        assert_eq!(choose(&exe, Some(&other)), exe.to_string_lossy());
        assert_eq!(choose(&exe, None), exe.to_string_lossy());
    }

    #[test]
    #[cfg(unix)]
    fn paths_with_spaces_or_quotes_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("/opt/x/lifeline"), "/opt/x/lifeline");
        assert_eq!(
            shell_quote("/opt/my tools/lifeline"),
            "'/opt/my tools/lifeline'"
        );
        assert_eq!(shell_quote("/o'k/lifeline"), r"'/o'\''k/lifeline'");
    }
}
