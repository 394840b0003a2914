//! The scenarios and the example inventory built into the binary, so an installed
//! `lifeline drill` works from any directory.

use super::scenario::{LoadedScenario, ScenarioError, load_scenario};
use crate::wizard::Catalog;

/// The example inventory (`assets/inventory.example.toml`): the made-up deployment drills
/// run against unless `--inventory` names another.
pub const EXAMPLE_INVENTORY: &str = include_str!("../../assets/inventory.example.toml");

/// The bundled scenario files: (file name, text), sorted by name. A test checks that this
/// list and `assets/drills/` agree.
pub static BUNDLED: &[(&str, &str)] = &[
    (
        "backup-too-old.toml",
        include_str!("../../assets/drills/backup-too-old.toml"),
    ),
    (
        "dns-old-pool.toml",
        include_str!("../../assets/drills/dns-old-pool.toml"),
    ),
    (
        "rtc-in-use.toml",
        include_str!("../../assets/drills/rtc-in-use.toml"),
    ),
    (
        "service-wont-start.toml",
        include_str!("../../assets/drills/service-wont-start.toml"),
    ),
    (
        "settings-no-pool-level.toml",
        include_str!("../../assets/drills/settings-no-pool-level.toml"),
    ),
];

/// Every bundled scenario, loaded and checked against `catalog`, sorted by file name.
pub fn bundled_scenarios(catalog: &Catalog) -> Result<Vec<LoadedScenario>, ScenarioError> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in BUNDLED {
        match load_scenario(&format!("assets/drills/{name}"), text, catalog) {
            Ok(s) => loaded.push(s),
            Err(e) => errors.extend(e.0),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(ScenarioError(errors))
    }
}

/// The bundled scenario with this id.
pub fn find_scenario<'a>(all: &'a [LoadedScenario], id: &str) -> Option<&'a LoadedScenario> {
    all.iter().find(|s| s.id() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_matches_the_assets_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/drills");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            on_disk, embedded,
            "add new drills to drill::bundled::BUNDLED"
        );
    }

    #[test]
    fn every_bundled_scenario_is_valid_and_there_are_at_least_five() {
        let catalog = crate::app::catalog::load_catalog(&[]).unwrap();
        let all = bundled_scenarios(&catalog).unwrap_or_else(|e| panic!("{e}"));
        assert!(all.len() >= 5);
        assert!(all.iter().all(|s| !s.scenario.faults.is_empty()));
    }
}
