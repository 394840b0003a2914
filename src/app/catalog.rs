//! The catalog a command works with: the bundled wizards with an organization's own wizard
//! folders read from disk on top of them, and `lifeline check` over files and folders. The
//! wizard format itself (`wizard/`) reads no disk.

use std::fs;
use std::path::{Path, PathBuf};

use crate::wizard::bundled::bundled_catalog;
use crate::wizard::{Catalog, Diagnostic, WizardSource, bundled_sources, check_catalog};

/// The bundled wizards plus every `*.toml` directly in each of `extra_dirs` (an
/// organization's wizards; one with the id of a bundled wizard replaces it). Any
/// diagnostic, in a bundled file or an extra one, fails the whole load.
pub fn load_catalog(extra_dirs: &[PathBuf]) -> Result<Catalog, Vec<Diagnostic>> {
    let bundled = bundled_catalog()?;
    let mut diags = Vec::new();
    let mut extra = Vec::new();
    for dir in extra_dirs {
        match toml_files(dir, false) {
            Ok(files) => extra.extend(files),
            Err(d) => diags.push(d),
        }
    }
    let (sources, read_errors) = read_all(&extra);
    diags.extend(read_errors);
    let (own, check_diags) = check_catalog(&sources, &bundled);
    diags.extend(check_diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut catalog = bundled;
    for wizard in own.wizards.into_values() {
        catalog.insert(wizard);
    }
    Ok(catalog)
}

/// Checks wizard files and folders (searched recursively for `*.toml`) together, with the
/// bundled wizards as what includes may also name. With no paths, checks the bundled set.
pub fn check_paths(paths: &[PathBuf]) -> Vec<Diagnostic> {
    if paths.is_empty() {
        return check_catalog(&bundled_sources(), &Catalog::default()).1;
    }
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            match toml_files(path, true) {
                Ok(found) => files.extend(found),
                Err(d) => diags.push(d),
            }
        } else {
            files.push(path.clone());
        }
    }
    // A file named twice (itself and through its folder) is checked once.
    let mut seen = Vec::new();
    files.retain(|f| {
        let key = fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    let (sources, read_errors) = read_all(&files);
    diags.extend(read_errors);
    let (context, _) = check_catalog(&bundled_sources(), &Catalog::default());
    diags.extend(check_catalog(&sources, &context).1);
    diags
}

/// Warnings about wizards that check clean (see [`crate::wizard::stops`]): steps that stop
/// services no later step starts again. The bundled wizards when `paths` is empty.
pub fn check_warnings(paths: &[PathBuf]) -> Vec<String> {
    let sources = if paths.is_empty() {
        bundled_sources()
    } else {
        let mut files = Vec::new();
        for path in paths {
            if path.is_dir() {
                files.extend(toml_files(path, true).unwrap_or_default());
            } else {
                files.push(path.clone());
            }
        }
        read_all(&files).0
    };
    let (context, _) = check_catalog(&bundled_sources(), &Catalog::default());
    let (checked, _) = check_catalog(&sources, &context);
    checked
        .wizards
        .values()
        .flat_map(crate::wizard::stops::unstarted_stops)
        .collect()
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

fn unreadable(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        &label(path),
        (1, 1),
        format!("cannot read '{}': {e}", label(path)),
    )
}

/// The `*.toml` files in `dir` (and below it, hidden folders aside, when `recursive`), sorted.
fn toml_files(dir: &Path, recursive: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = fs::read_dir(dir).map_err(|e| unreadable(dir, &e))?;
    let mut files = Vec::new();
    let mut subdirs = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| unreadable(dir, &e))?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_dir() {
            if !hidden {
                subdirs.push(path);
            }
        } else if path.extension().is_some_and(|x| x == "toml") {
            files.push(path);
        }
    }
    files.sort();
    if recursive {
        subdirs.sort();
        for sub in subdirs {
            files.extend(toml_files(&sub, true)?);
        }
    }
    Ok(files)
}

fn read_all(files: &[PathBuf]) -> (Vec<WizardSource>, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    for path in files {
        match fs::read_to_string(path) {
            Ok(text) => sources.push(WizardSource {
                path: label(path),
                text,
            }),
            Err(e) => diags.push(unreadable(path, &e)),
        }
    }
    (sources, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_wizard_is_named_after_its_file_and_checks_clean() {
        for source in bundled_sources() {
            assert!(source.path.starts_with("wizards/") && source.path.ends_with(".toml"));
        }
        let diags = check_paths(&[]);
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert!(shown.is_empty(), "{}", shown.join("\n"));
    }

    #[test]
    fn an_organization_folder_adds_its_wizards_to_the_bundled_ones() {
        let dir = tempfile::tempdir().unwrap();
        let own = "id = \"site-extra\"\ntitle = \"T\"\nversion = \"1\"\ndescription = \"D\"\n\
                   [[steps]]\nid = \"a\"\nkind = \"info\"\ntitle = \"A\"\n";
        fs::write(dir.path().join("extra.toml"), own).unwrap();
        fs::write(dir.path().join("notes.md"), "not a wizard").unwrap();
        let catalog = load_catalog(&[dir.path().to_path_buf()]).unwrap();
        assert!(catalog.get("site-extra").is_some());
        assert_eq!(catalog.wizards.len(), bundled_sources().len() + 1);
    }

    #[test]
    fn unreadable_paths_and_broken_extra_files_are_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let diags = check_paths(std::slice::from_ref(&missing));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].path, missing.display().to_string());
        assert_eq!((diags[0].line, diags[0].col), (1, 1));
        assert!(diags[0].message.starts_with("cannot read"), "{}", diags[0]);

        let wizard = "id = \"one\"\ntitle = \"T\"\nversion = \"1\"\ndescription = \"D\"\n\
                      [[steps]]\nid = \"a\"\nkind = \"info\"\ntitle = \"A\"\n";
        let one = dir.path().join("one.toml");
        fs::write(&one, wizard).unwrap();
        assert!(check_paths(&[dir.path().to_path_buf(), one]).is_empty());

        fs::write(dir.path().join("bad.toml"), "id = \n").unwrap();
        let err = load_catalog(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(err[0].message.starts_with("invalid TOML"), "{}", err[0]);
    }
}
