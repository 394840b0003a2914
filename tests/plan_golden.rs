//! Golden plans: `render_json` for every loss scenario of "Restoring Service" in every
//! topology it applies to, built from the real bundled wizards, without an inventory and
//! with the example inventory (for the example's own topology).
//!
//! After the wizards change: `cargo insta test --accept --test plan_golden`.

use std::path::Path;

use lifeline::inventory::Inventory;
use lifeline::plan::{build_plan, render_json, render_markdown};
use lifeline::wizard::{Catalog, Wizard};

fn bundled() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("wizards");
    let mut catalog = Catalog::default();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let wizard: Wizard = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        catalog.insert(wizard);
    }
    catalog
}

fn example_inventory() -> Inventory {
    Inventory::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/inventory.example.toml"))
        .unwrap()
}

/// Scenario id, topologies it applies to, and the losses that make it.
const SCENARIOS: [(&str, &[&str], &[&str]); 8] = [
    (
        "rtc-database",
        &["standard", "enterprise-consolidated", "enterprise-expanded"],
        &["rtc-database"],
    ),
    ("standard-edition", &["standard"], &["standard-edition"]),
    (
        "enterprise-servers",
        &["enterprise-consolidated", "enterprise-expanded"],
        &["front-end"],
    ),
    (
        "active-directory-standard",
        &["standard"],
        &["standard-edition", "active-directory"],
    ),
    (
        "active-directory-enterprise",
        &["enterprise-consolidated", "enterprise-expanded"],
        &["front-end", "active-directory"],
    ),
    (
        "archiving-cdr",
        &["standard", "enterprise-consolidated", "enterprise-expanded"],
        &["archiving-cdr"],
    ),
    (
        "perimeter",
        &["standard", "enterprise-consolidated", "enterprise-expanded"],
        &["mediation", "edge", "forwarding-proxy"],
    ),
    (
        "site",
        &["standard", "enterprise-consolidated", "enterprise-expanded"],
        &["site"],
    ),
];

const PERSISTENT_CHAT: (&str, &[&str], &[&str]) = (
    "persistent-chat",
    &["standard", "enterprise-consolidated", "enterprise-expanded"],
    &["persistent-chat"],
);

fn cases() -> Vec<(&'static str, &'static str, Vec<String>)> {
    let mut out = Vec::new();
    for (name, topologies, lost) in SCENARIOS.iter().chain([&PERSISTENT_CHAT]) {
        for topology in *topologies {
            out.push((
                *name,
                *topology,
                lost.iter().map(|s| s.to_string()).collect(),
            ));
        }
    }
    out
}

#[test]
fn every_scenario_in_every_topology_without_an_inventory() {
    let catalog = bundled();
    for (name, topology, lost) in cases() {
        let plan = build_plan(topology, &lost, None, &catalog).unwrap();
        insta::assert_json_snapshot!(format!("{name}__{topology}"), render_json(&plan));
    }
}

#[test]
fn every_scenario_with_the_example_inventory() {
    let catalog = bundled();
    let inventory = example_inventory();
    let topology = inventory.topology.as_str();
    for (name, topologies, lost) in SCENARIOS.iter().chain([&PERSISTENT_CHAT]) {
        if !topologies.contains(&topology) {
            continue;
        }
        let lost: Vec<String> = lost.iter().map(|s| s.to_string()).collect();
        let plan = build_plan(topology, &lost, Some(&inventory), &catalog).unwrap();
        insta::assert_json_snapshot!(format!("{name}__{topology}__inventory"), render_json(&plan));
    }
}

#[test]
fn the_paper_runbook_for_a_lost_front_end() {
    let catalog = bundled();
    let inventory = example_inventory();
    let lost = vec!["front-end".to_string(), "edge".to_string()];
    let plan = build_plan("enterprise-expanded", &lost, Some(&inventory), &catalog).unwrap();
    insta::assert_snapshot!(
        "markdown__front-end-edge__enterprise-expanded",
        render_markdown(&plan)
    );
}
