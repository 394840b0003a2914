//! Embeds the bundled wizard definitions (`wizards/*.toml`) in the binary, each also as JSON:
//! reading JSON at start-up is several times faster than parsing and checking the TOML
//! (`wizard::bundled`). A file that is not valid TOML gets no JSON; the binary then checks
//! the TOML at start-up and reports the error.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=wizards");
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = root.join("wizards");
    let mut files: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut out = String::from(
        "/// The bundled wizard files: (file name, text, the text as JSON when it is valid TOML),\n\
         /// sorted by name.\n\
         pub static BUNDLED: &[(&str, &str, Option<&str>)] = &[\n",
    );
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push_str(&format!(
            "    ({:?}, include_str!({:?}), {:?}),\n",
            name,
            file.to_string_lossy(),
            as_json(file)
        ));
    }
    out.push_str("];\n");
    let target =
        Path::new(&env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled_wizards.rs");
    fs::write(&target, out).expect("OUT_DIR is writable");
}

/// The TOML file as JSON, or `None` when it cannot be read or is not valid TOML.
fn as_json(file: &Path) -> Option<String> {
    let text = fs::read_to_string(file).ok()?;
    let table: toml::Table = text.parse().ok()?;
    serde_json::to_string(&table).ok()
}
