//! Drills for trainees: scenarios that preset a loss and inject faults into a simulated
//! run, and what a drill starts from (the bundled scenarios and example inventory).

pub mod bundled;
pub mod scenario;

pub use bundled::{EXAMPLE_INVENTORY, bundled_scenarios, find_scenario};
pub use scenario::{FaultDef, Handling, LoadedScenario, Scenario, ScenarioError, load_scenario};
