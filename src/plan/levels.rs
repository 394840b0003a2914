//! Table 17-1 (Backup and Restore, R2): which levels of settings a loss needs restored.
//!
//! Losing Active Directory (alone or with a site) needs all three levels. Losing a Standard
//! Edition server or an Enterprise pool (its back-end) needs pool and machine levels.
//! Losing any other single server needs its machine level only. Global and pool levels are
//! always imported before any machine level, so the order of the list is the import order.

use serde::Serialize;

use crate::inventory::vocab::Role;

/// A level of OCS settings, in import order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Global,
    Pool,
    Machine,
}

impl Level {
    /// The id as lcscmd writes it in `/level:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Global => "global",
            Level::Pool => "pool",
            Level::Machine => "machine",
        }
    }
}

/// The settings levels to restore for these losses, global and pool before machine.
pub fn settings_levels(lost: &[&str]) -> Vec<Level> {
    let has = |ids: &[&str]| lost.iter().any(|l| ids.contains(l));
    if has(&["active-directory", "site"]) {
        return vec![Level::Global, Level::Pool, Level::Machine];
    }
    if has(&["standard-edition", "back-end"]) {
        return vec![Level::Pool, Level::Machine];
    }
    let single_server = lost.iter().any(|l| {
        *l == "lcslog-database"
            || Role::parse(l).is_some_and(|r| !matches!(r, Role::PersistentChat))
    });
    if single_server {
        return vec![Level::Machine];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    #[test]
    fn table_17_1() {
        assert_eq!(
            settings_levels(&["front-end", "active-directory"]),
            vec![Global, Pool, Machine]
        );
        assert_eq!(settings_levels(&["standard-edition"]), vec![Pool, Machine]);
        assert_eq!(settings_levels(&["back-end"]), vec![Pool, Machine]);
        assert_eq!(settings_levels(&["front-end"]), vec![Machine]);
        assert_eq!(settings_levels(&["edge", "mediation"]), vec![Machine]);
        assert_eq!(settings_levels(&["lcslog-database"]), vec![Machine]);
        assert_eq!(settings_levels(&["rtc-database"]), Vec::<Level>::new());
        assert_eq!(settings_levels(&["persistent-chat"]), Vec::<Level>::new());
        assert_eq!(settings_levels(&["site"]), vec![Global, Pool, Machine]);
    }
}
