//! The wizards built into the binary and the content hash a session pins. Reading an
//! organization's own wizard folders (and `lifeline check` over files) is the shell's job:
//! `app::catalog`.

use sha2::{Digest, Sha256};

use super::Catalog;
use super::check::check_catalog;
use super::diag::Diagnostic;
use super::load::WizardSource;
use super::model::Wizard;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundled_wizards.rs"));
}

/// The bundled wizard files, each labelled `wizards/<file name>`, sorted by name.
pub fn bundled_sources() -> Vec<WizardSource> {
    embedded::BUNDLED
        .iter()
        .map(|(name, text, _)| WizardSource {
            path: format!("wizards/{name}"),
            text: (*text).to_string(),
        })
        .collect()
}

/// The bundled wizards, read from the JSON the build made of them.
///
/// Every command starts by loading the catalog, and parsing the TOML with positions and
/// checking it costs ten times more than the command `plan` itself. The bundled files are
/// checked where it matters instead: by `lifeline check` (which always reads the TOML) and by
/// the test suite, which fails on any diagnostic in them and on any difference between the
/// two readings. Should the JSON be missing or unreadable, the TOML is checked here as before
/// and its diagnostics fail the load.
pub fn bundled_catalog() -> Result<Catalog, Vec<Diagnostic>> {
    let mut catalog = Catalog::default();
    for (_, _, json) in embedded::BUNDLED {
        match json.and_then(|j| serde_json::from_str::<Wizard>(j).ok()) {
            Some(wizard) => catalog.insert(wizard),
            None => return checked_bundled_catalog(),
        }
    }
    Ok(catalog)
}

/// The bundled wizards read and checked from their TOML, as `lifeline check` does.
fn checked_bundled_catalog() -> Result<Catalog, Vec<Diagnostic>> {
    let (bundled, diags) = check_catalog(&bundled_sources(), &Catalog::default());
    if diags.is_empty() {
        Ok(bundled)
    } else {
        Err(diags)
    }
}

/// Hex SHA-256 over the texts in order, each preceded by its length (so no two different
/// lists of texts hash alike by shifting bytes between neighbours).
pub fn content_hash(sources: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for text in sources {
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_json_reads_exactly_as_the_checked_toml() {
        for (name, _, json) in embedded::BUNDLED {
            assert!(json.is_some(), "no JSON was embedded for '{name}'");
        }
        assert_eq!(bundled_catalog(), checked_bundled_catalog());
        assert_eq!(
            bundled_catalog().unwrap().wizards.len(),
            bundled_sources().len()
        );
    }

    #[test]
    fn content_hash_is_stable_hex_and_order_and_boundary_sensitive() {
        let h = content_hash(&["ab", "c"]);
        assert_eq!(h.len(), 64);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(h, content_hash(&["ab", "c"]));
        assert_ne!(h, content_hash(&["a", "bc"]));
        assert_ne!(h, content_hash(&["c", "ab"]));
    }
}
