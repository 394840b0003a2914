//! The shared vocabulary: topologies, server roles, other losses, scenarios and procedure ids.
//!
//! These strings are the contract between the inventory, the bundled wizards and the plan;
//! their order is the restore order of Table 14-9 (Restoring Service), with the R2 roles
//! (App Sharing, Monitoring) beside their 2007 siblings and Persistent Chat last.

use serde::{Deserialize, Serialize};

/// The three deployment types of Table 14-9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topology {
    Standard,
    EnterpriseConsolidated,
    EnterpriseExpanded,
}

impl Topology {
    /// Every topology, in the order Table 14-9 lists them.
    pub const ALL: [Topology; 3] = [
        Topology::Standard,
        Topology::EnterpriseConsolidated,
        Topology::EnterpriseExpanded,
    ];

    /// The id used in wizards, inventories and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Topology::Standard => "standard",
            Topology::EnterpriseConsolidated => "enterprise-consolidated",
            Topology::EnterpriseExpanded => "enterprise-expanded",
        }
    }

    /// The topology with this id.
    pub fn parse(id: &str) -> Option<Topology> {
        Topology::ALL.into_iter().find(|t| t.as_str() == id)
    }

    /// True for both Enterprise pool configurations.
    pub fn is_enterprise(self) -> bool {
        self != Topology::Standard
    }
}

/// A server role (what a server in the inventory does, and what can be lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    BackEnd,
    StandardEdition,
    FrontEnd,
    Director,
    WebComponents,
    WebConferencing,
    AvConferencing,
    AppSharing,
    ArchivingCdr,
    Monitoring,
    Mediation,
    Edge,
    ForwardingProxy,
    PersistentChat,
}

impl Role {
    /// Every role, in restore order (the order of the `lost` options).
    pub const ALL: [Role; 14] = [
        Role::BackEnd,
        Role::StandardEdition,
        Role::FrontEnd,
        Role::Director,
        Role::WebComponents,
        Role::WebConferencing,
        Role::AvConferencing,
        Role::AppSharing,
        Role::ArchivingCdr,
        Role::Monitoring,
        Role::Mediation,
        Role::Edge,
        Role::ForwardingProxy,
        Role::PersistentChat,
    ];

    /// The id used in wizards and inventories.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::BackEnd => "back-end",
            Role::StandardEdition => "standard-edition",
            Role::FrontEnd => "front-end",
            Role::Director => "director",
            Role::WebComponents => "web-components",
            Role::WebConferencing => "web-conferencing",
            Role::AvConferencing => "av-conferencing",
            Role::AppSharing => "app-sharing",
            Role::ArchivingCdr => "archiving-cdr",
            Role::Monitoring => "monitoring",
            Role::Mediation => "mediation",
            Role::Edge => "edge",
            Role::ForwardingProxy => "forwarding-proxy",
            Role::PersistentChat => "persistent-chat",
        }
    }

    /// The role with this id.
    pub fn parse(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == id)
    }

    /// The conferencing and web roles that Table 14-9 restores as part of the Standard
    /// Edition server or the front-end unless the pool is in the expanded configuration.
    pub fn is_collocated_unless_expanded(self) -> bool {
        matches!(
            self,
            Role::WebComponents | Role::WebConferencing | Role::AvConferencing | Role::AppSharing
        )
    }

    /// True when the role can exist in this topology at all (Table 14-9 "not applicable"
    /// cells). Collocated roles exist everywhere: they live on another server.
    pub fn exists_in(self, topology: Topology) -> bool {
        match self {
            Role::BackEnd | Role::FrontEnd | Role::Director => topology.is_enterprise(),
            Role::StandardEdition => !topology.is_enterprise(),
            _ => true,
        }
    }

    /// The role whose restoration includes this one in `topology`, if it is not a server of
    /// its own there (Table 14-9: "part of Standard Edition / front-end server restoration").
    pub fn restored_with(self, topology: Topology) -> Option<Role> {
        if !self.is_collocated_unless_expanded() {
            return None;
        }
        match topology {
            Topology::Standard => Some(Role::StandardEdition),
            Topology::EnterpriseConsolidated => Some(Role::FrontEnd),
            Topology::EnterpriseExpanded => None,
        }
    }
}

/// Losses that are not a server role, in the order they follow the roles.
pub const OTHER_LOSSES: [&str; 5] = [
    "rtc-database",
    "lcslog-database",
    "file-shares",
    "active-directory",
    "site",
];

/// Every value of the `lost` input, in its option order (roles, then other losses).
pub fn all_losses() -> Vec<&'static str> {
    Role::ALL
        .iter()
        .map(|r| r.as_str())
        .chain(OTHER_LOSSES)
        .collect()
}

/// True when `id` is a value of `lost`.
pub fn is_loss(id: &str) -> bool {
    all_losses().contains(&id)
}

/// The role of the server that holds a lost database in `topology`: the RTC database lives
/// on the Standard Edition server or the pool's back-end, LCSLog on the Archiving and CDR
/// Server.
pub fn database_server(loss: &str, topology: Topology) -> Option<Role> {
    match loss {
        "rtc-database" if topology.is_enterprise() => Some(Role::BackEnd),
        "rtc-database" => Some(Role::StandardEdition),
        "lcslog-database" => Some(Role::ArchivingCdr),
        _ => None,
    }
}

/// The loss scenarios of "Restoring Service" (plus Persistent Chat failback), by id.
pub const SCENARIOS: [&str; 8] = [
    "rtc-database",
    "standard-edition",
    "enterprise-servers",
    "active-directory",
    "archiving-cdr",
    "perimeter",
    "site",
    "persistent-chat",
];

/// Every procedure (wizard) id a plan or an owner entry may name.
pub const PROCEDURES: [&str; 14] = [
    "restore-service",
    "decide",
    "verify-prerequisites",
    "setup-platform",
    "install-tools",
    "restore-databases",
    "restore-file-shares",
    "restore-settings-standard",
    "restore-settings-enterprise",
    "recreate-pool",
    "reassign-users",
    "restore-domain",
    "restore-site",
    "persistent-chat-failback",
];

/// The scenarios a set of losses falls under (in `SCENARIOS` order).
pub fn scenarios_of(lost: &[&str]) -> Vec<&'static str> {
    let has = |ids: &[&str]| lost.iter().any(|l| ids.contains(l));
    let mut out = Vec::new();
    if has(&["rtc-database", "back-end"]) {
        out.push("rtc-database");
    }
    if has(&["standard-edition"]) {
        out.push("standard-edition");
    }
    if has(&[
        "front-end",
        "director",
        "web-components",
        "web-conferencing",
        "av-conferencing",
        "app-sharing",
    ]) {
        out.push("enterprise-servers");
    }
    if has(&["active-directory"]) {
        out.push("active-directory");
    }
    if has(&["archiving-cdr", "lcslog-database", "monitoring"]) {
        out.push("archiving-cdr");
    }
    if has(&["mediation", "edge", "forwarding-proxy"]) {
        out.push("perimeter");
    }
    if has(&["site"]) {
        out.push("site");
    }
    if has(&["persistent-chat"]) {
        out.push("persistent-chat");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_losses_keep_option_order() {
        for t in Topology::ALL {
            assert_eq!(Topology::parse(t.as_str()), Some(t));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        let losses = all_losses();
        assert_eq!(losses.len(), 19);
        assert_eq!(losses[0], "back-end");
        assert_eq!(losses[13], "persistent-chat");
        assert_eq!(losses[18], "site");
    }

    #[test]
    fn collocated_roles_follow_table_14_9() {
        use Topology::*;
        assert_eq!(
            Role::WebConferencing.restored_with(Standard),
            Some(Role::StandardEdition)
        );
        assert_eq!(
            Role::AvConferencing.restored_with(EnterpriseConsolidated),
            Some(Role::FrontEnd)
        );
        assert_eq!(Role::WebComponents.restored_with(EnterpriseExpanded), None);
        assert!(!Role::Director.exists_in(Standard));
        assert!(!Role::StandardEdition.exists_in(EnterpriseExpanded));
        assert_eq!(
            database_server("rtc-database", Standard),
            Some(Role::StandardEdition)
        );
        assert_eq!(
            database_server("rtc-database", EnterpriseConsolidated),
            Some(Role::BackEnd)
        );
    }

    #[test]
    fn scenarios_cover_every_loss_kind() {
        assert_eq!(scenarios_of(&["edge"]), vec!["perimeter"]);
        assert_eq!(
            scenarios_of(&["front-end", "active-directory"]),
            vec!["enterprise-servers", "active-directory"]
        );
        assert_eq!(scenarios_of(&["lcslog-database"]), vec!["archiving-cdr"]);
        assert!(scenarios_of(&["file-shares"]).is_empty());
    }
}
