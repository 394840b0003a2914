//! Table 14-9 (Restoring Service): the order servers are restored in, per topology, and
//! which lost roles are a server of their own there.
//!
//! The R2 roles are not in the 2007 table: Application Sharing goes with the A/V
//! Conferencing Server (right after it), Monitoring with the Archiving and CDR Server.
//! Persistent Chat (Lync Server 2013) has its own failback and comes last.

use crate::inventory::Inventory;
use crate::inventory::vocab::{Role, Topology, database_server};

/// Where a role stands in Table 14-9 for one topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Restored as a server of its own at this position (1-based).
    Step(u8),
    /// Restored as part of another role's server.
    PartOf(Role),
    /// The role does not exist in this topology.
    NotApplicable,
}

/// The position after every server, used for Persistent Chat.
const LAST: u8 = 100;

/// The table, as (role, standard, consolidated, expanded).
const TABLE: [(Role, Place, Place, Place); 14] = {
    use Place::{NotApplicable as Na, PartOf, Step};
    [
        (Role::BackEnd, Na, Step(1), Step(1)),
        (Role::StandardEdition, Step(1), Na, Na),
        (Role::FrontEnd, Na, Step(2), Step(2)),
        (Role::Director, Na, Step(3), Step(3)),
        (
            Role::WebComponents,
            PartOf(Role::StandardEdition),
            PartOf(Role::FrontEnd),
            Step(4),
        ),
        (
            Role::WebConferencing,
            PartOf(Role::StandardEdition),
            PartOf(Role::FrontEnd),
            Step(5),
        ),
        (
            Role::AvConferencing,
            PartOf(Role::StandardEdition),
            PartOf(Role::FrontEnd),
            Step(6),
        ),
        (
            Role::AppSharing,
            PartOf(Role::StandardEdition),
            PartOf(Role::FrontEnd),
            Step(6),
        ),
        (Role::ArchivingCdr, Step(2), Step(4), Step(7)),
        (Role::Monitoring, Step(2), Step(4), Step(7)),
        (Role::Mediation, Step(3), Step(5), Step(8)),
        (Role::Edge, Step(4), Step(6), Step(9)),
        (Role::ForwardingProxy, Step(5), Step(7), Step(10)),
        (Role::PersistentChat, Step(LAST), Step(LAST), Step(LAST)),
    ]
};

/// The place of `role` in `topology`.
pub fn place(role: Role, topology: Topology) -> Place {
    TABLE
        .iter()
        .find(|row| row.0 == role)
        .map(|row| match topology {
            Topology::Standard => row.1,
            Topology::EnterpriseConsolidated => row.2,
            Topology::EnterpriseExpanded => row.3,
        })
        .unwrap_or(Place::NotApplicable)
}

/// The Table 14-9 positions of the two closing procedures: reassigning users and
/// restoring domain information.
pub fn closing_positions(topology: Topology) -> (u8, u8) {
    match topology {
        Topology::Standard => (6, 7),
        Topology::EnterpriseConsolidated => (8, 9),
        Topology::EnterpriseExpanded => (11, 12),
    }
}

/// The sort key of a role: its position, then its place in the role list (so roles sharing
/// a position keep the order of the `lost` options).
pub fn rank(role: Role, topology: Topology) -> (u8, usize) {
    let position = match place(role, topology) {
        Place::Step(n) => n,
        _ => u8::MAX,
    };
    let index = Role::ALL
        .iter()
        .position(|r| *r == role)
        .unwrap_or(usize::MAX);
    (position, index)
}

/// The server roles a loss puts into the restore sequence in `topology`.
///
/// A role restored with another (Table 14-9 "part of ...") brings its host; a lost database
/// brings the server that holds it; a lost site brings every server role of the topology
/// (only those the inventory lists, when there is one). Other losses bring no server.
pub fn roles_for_loss(loss: &str, topology: Topology, inventory: Option<&Inventory>) -> Vec<Role> {
    if loss == "site" {
        return Role::ALL
            .into_iter()
            .filter(|r| *r != Role::PersistentChat)
            .filter(|r| matches!(place(*r, topology), Place::Step(_)))
            .filter(|r| inventory.is_none_or(|inv| inv.has_role(*r)))
            .collect();
    }
    let role = match Role::parse(loss).or_else(|| database_server(loss, topology)) {
        Some(role) => role,
        None => return vec![],
    };
    match place(role, topology) {
        Place::Step(_) => vec![role],
        Place::PartOf(host) => vec![host],
        Place::NotApplicable => vec![],
    }
}

/// The server roles to restore, in Table 14-9 order, for these losses.
pub fn sequence(topology: Topology, lost: &[&str], inventory: Option<&Inventory>) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for loss in lost {
        for role in roles_for_loss(loss, topology, inventory) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    roles.sort_by_key(|r| rank(*r, topology));
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_gives_each_topology_its_own_order() {
        use Topology::*;
        assert_eq!(place(Role::ArchivingCdr, Standard), Place::Step(2));
        assert_eq!(
            place(Role::ArchivingCdr, EnterpriseConsolidated),
            Place::Step(4)
        );
        assert_eq!(
            place(Role::ArchivingCdr, EnterpriseExpanded),
            Place::Step(7)
        );
        assert_eq!(
            place(Role::ForwardingProxy, EnterpriseExpanded),
            Place::Step(10)
        );
        assert_eq!(place(Role::Director, Standard), Place::NotApplicable);
        assert_eq!(
            place(Role::WebComponents, EnterpriseConsolidated),
            Place::PartOf(Role::FrontEnd)
        );
        assert_eq!(closing_positions(EnterpriseExpanded), (11, 12));
    }

    #[test]
    fn sequences_fold_collocated_roles_and_databases() {
        use Topology::*;
        let names = |roles: Vec<Role>| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>();
        assert_eq!(
            names(sequence(
                Standard,
                &["edge", "web-conferencing", "rtc-database"],
                None
            )),
            vec!["standard-edition", "edge"]
        );
        assert_eq!(
            names(sequence(
                EnterpriseConsolidated,
                &["av-conferencing", "director"],
                None
            )),
            vec!["front-end", "director"]
        );
        assert_eq!(
            names(sequence(
                EnterpriseExpanded,
                &["forwarding-proxy", "web-components", "back-end"],
                None
            )),
            vec!["back-end", "web-components", "forwarding-proxy"]
        );
        assert_eq!(
            names(sequence(
                EnterpriseExpanded,
                &["lcslog-database", "file-shares"],
                None
            )),
            vec!["archiving-cdr"]
        );
        let site = names(sequence(Standard, &["site"], None));
        assert_eq!(
            site,
            vec![
                "standard-edition",
                "archiving-cdr",
                "monitoring",
                "mediation",
                "edge",
                "forwarding-proxy"
            ]
        );
    }
}
