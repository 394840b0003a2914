//! The wizard format: types, loading, validation of values, templates and conditions.

pub mod answer;
pub mod bundled;
pub mod check;
pub mod condition;
pub mod diag;
pub mod load;
pub mod model;
pub mod quote;
pub mod reach;
pub mod rerun;
pub mod rules;
pub mod schema;
pub mod spans;
pub mod stops;
pub mod template;
pub mod validate;
pub mod when_check;

use std::collections::BTreeMap;

pub use answer::{AnswerValue, Answers};
pub use bundled::{bundled_sources, content_hash};
pub use check::check_catalog;
pub use diag::Diagnostic;
pub use load::{LoadedWizard, WizardSource, load_wizard, parse_wizard};
pub use model::*;

/// Every wizard available to a session, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub wizards: BTreeMap<String, Wizard>,
}

impl Catalog {
    /// The wizard with this id.
    pub fn get(&self, id: &str) -> Option<&Wizard> {
        self.wizards.get(id)
    }

    /// Adds (or replaces) a wizard.
    pub fn insert(&mut self, wizard: Wizard) {
        self.wizards.insert(wizard.id.clone(), wizard);
    }

    /// The wizard `root` and every wizard it includes, directly or not (cycles cut).
    pub fn closure(&self, root: &str) -> Vec<&Wizard> {
        let mut seen: Vec<&Wizard> = Vec::new();
        let mut queue = vec![root.to_string()];
        while let Some(id) = queue.pop() {
            let Some(w) = self.get(&id) else { continue };
            if seen.iter().any(|s| s.id == w.id) {
                continue;
            }
            seen.push(w);
            for step in &w.steps {
                if let Some(child) = &step.wizard {
                    queue.push(child.clone());
                }
            }
        }
        seen
    }

    /// Only `root` and what it includes: what a session pins.
    pub fn pinned(&self, root: &str) -> Catalog {
        let mut pinned = Catalog::default();
        for w in self.closure(root) {
            pinned.insert(w.clone());
        }
        pinned
    }

    /// Finds an input definition by id in a wizard.
    pub fn input<'a>(&'a self, wizard: &str, id: &str) -> Option<&'a InputDef> {
        self.get(wizard)?.inputs.iter().find(|i| i.id == id)
    }
}
