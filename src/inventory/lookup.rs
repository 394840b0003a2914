//! Answering the wizards' `default_from` keys from an inventory, and knowing which keys exist.
//!
//! Keys (documented in `assets/inventory.example.toml`): `topology`, `forest`, `dns_domain`,
//! `service_account`, `pool.name`, `pool.fqdn`, `role.<loss>.fqdn`, `sql.<loss>`,
//! `backup.{settings,databases,file_shares,interval_h}`,
//! `backup.settings_files.{global,pool}`, `backup.settings_files.machine.<fqdn>`,
//! `paths.{db_data,db_log,dyn_data,dyn_log,meeting_content,meeting_meta}`,
//! `site.servers`, `site.servers.start_order`, `server.<fqdn>.roles`,
//! `secondary.{site,sql}`, `secondary.pool.{name,fqdn}`,
//! `persistent_chat.{pool,primary_sql,backup_sql,log_shipping_share}`,
//! `target.<scenario>`, `owner.<procedure>`.

use regex::Regex;

use super::vocab::{PROCEDURES, Role, SCENARIOS, all_losses, database_server};
use super::{Inventory, Server};
use crate::session::engine::Defaults;
use crate::session::event::AnswerValue;

/// The order the services of a pool's servers start in ("Restoring Settings": SQL Server,
/// then Archiving and CDR, the front-ends, the web and conferencing servers, Mediation, the
/// forwarding proxy and the Edge servers last). The Director, which that list leaves out,
/// starts after the front-ends; Monitoring with Archiving and CDR; Application Sharing
/// after the A/V Conferencing Servers.
pub const START_ORDER: [Role; 14] = [
    Role::BackEnd,
    Role::StandardEdition,
    Role::ArchivingCdr,
    Role::Monitoring,
    Role::FrontEnd,
    Role::Director,
    Role::WebComponents,
    Role::WebConferencing,
    Role::AvConferencing,
    Role::AppSharing,
    Role::Mediation,
    Role::ForwardingProxy,
    Role::Edge,
    Role::PersistentChat,
];

/// Keys without a variable part.
const FIXED_KEYS: [&str; 34] = [
    "name",
    "topology",
    "forest",
    "dns_domain",
    "service_account",
    "pool.name",
    "pool.fqdn",
    "pool.servers",
    "backup.settings",
    "backup.databases",
    "backup.file_shares",
    "backup.interval_h",
    "backup.settings_files.global",
    "backup.settings_files.pool",
    "paths.db_data",
    "paths.db_log",
    "paths.dyn_data",
    "paths.dyn_log",
    "paths.meeting_content",
    "paths.meeting_meta",
    "site.servers",
    "site.servers.start_order",
    "secondary.site",
    "secondary.sql",
    "secondary.pool.name",
    "secondary.pool.fqdn",
    "secondary.pool.servers",
    "secondary.pool.frontend",
    "persistent_chat.pool",
    "persistent_chat.primary_sql",
    "persistent_chat.backup_sql",
    "persistent_chat.log_shipping_share",
    // Aliases some wizards may find clearer.
    "sip_domain",
    "service_account_name",
];

/// Every concrete key an inventory can answer (with a sample FQDN for the per-server keys).
fn all_keys() -> Vec<String> {
    let mut keys: Vec<String> = FIXED_KEYS.iter().map(|k| k.to_string()).collect();
    for loss in all_losses() {
        keys.push(format!("role.{loss}.fqdn"));
        keys.push(format!("role.{loss}.single_fqdn"));
        keys.push(format!("sql.{loss}"));
    }
    keys.extend(SCENARIOS.iter().map(|s| format!("target.{s}")));
    keys.extend(PROCEDURES.iter().map(|p| format!("owner.{p}")));
    keys.push("backup.settings_files.machine.server.example.com".into());
    keys.push("server.server.example.com.roles".into());
    keys
}

/// True when `key` is a key an inventory answers. A `{{placeholder}}` in the key matches
/// any text, so `role.{{item}}.fqdn` is known.
pub fn known_key(key: &str) -> bool {
    // Per-server keys name any server of the inventory.
    let per_server = key
        .strip_prefix("server.")
        .and_then(|k| k.strip_suffix(".roles"))
        .or_else(|| key.strip_prefix("backup.settings_files.machine."));
    if per_server.is_some_and(|fqdn| !fqdn.is_empty() && !fqdn.contains("{{")) {
        return true;
    }
    let mut pattern = String::from("^");
    let mut rest = key;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}").map(|c| c + open) else {
            break;
        };
        pattern.push_str(&regex::escape(&rest[..open]));
        pattern.push_str(".+");
        rest = &rest[close + 2..];
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');
    let Ok(re) = Regex::new(&pattern) else {
        return false;
    };
    all_keys().iter().any(|k| re.is_match(k))
}

impl Inventory {
    /// The value of one `default_from` key, as text.
    pub fn lookup_text(&self, key: &str) -> Option<String> {
        let text = |s: &str| Some(s.to_string());
        match key {
            "name" => self.name.clone(),
            "topology" => text(self.topology.as_str()),
            "forest" => text(&self.forest),
            "dns_domain" | "sip_domain" => text(&self.dns_domain),
            "service_account" | "service_account_name" => text(&self.service_account),
            "pool.name" => self.primary_pool().map(|p| p.name.clone()),
            "pool.fqdn" => self.primary_pool().map(|p| p.fqdn.clone()),
            "pool.servers" => self.pool_servers(self.primary_pool()?),
            "backup.settings" => text(&self.backup.settings),
            "backup.databases" => text(&self.backup.databases),
            "backup.file_shares" => text(&self.backup.file_shares),
            "backup.interval_h" => Some(self.backup.interval_h.to_string()),
            "backup.settings_files.global" => self.backup.settings_files.global.clone(),
            "backup.settings_files.pool" => self.backup.settings_files.pool.clone(),
            "site.servers" => self.site_servers(&Role::ALL),
            "site.servers.start_order" => self.site_servers(&START_ORDER),
            "secondary.site" => self.secondary.as_ref()?.site.clone(),
            "secondary.sql" => self.secondary.as_ref()?.sql.clone(),
            "secondary.pool.name" => self.secondary_pool().map(|p| p.name.clone()),
            "secondary.pool.fqdn" => self.secondary_pool().map(|p| p.fqdn.clone()),
            "secondary.pool.servers" => self.pool_servers(self.secondary_pool()?),
            "secondary.pool.frontend" => {
                let pool = self.secondary_pool()?;
                self.servers
                    .iter()
                    .find(|s| {
                        s.pool.as_deref() == Some(pool.name.as_str())
                            && s.roles.contains(&Role::FrontEnd)
                    })
                    .map(|s| s.fqdn.clone())
            }
            "persistent_chat.pool" => self.persistent_chat.as_ref().map(|p| p.pool.clone()),
            "persistent_chat.primary_sql" => {
                self.persistent_chat.as_ref().map(|p| p.primary_sql.clone())
            }
            "persistent_chat.backup_sql" => {
                self.persistent_chat.as_ref().map(|p| p.backup_sql.clone())
            }
            "persistent_chat.log_shipping_share" => self
                .persistent_chat
                .as_ref()
                .and_then(|p| p.log_shipping_share.clone()),
            _ => self.lookup_variable(key),
        }
    }

    fn lookup_variable(&self, key: &str) -> Option<String> {
        if let Some(field) = key.strip_prefix("paths.") {
            let p = self.paths.as_ref()?;
            return match field {
                "db_data" => Some(p.db_data.clone()),
                "db_log" => Some(p.db_log.clone()),
                "dyn_data" => Some(p.dyn_data.clone()),
                "dyn_log" => Some(p.dyn_log.clone()),
                "meeting_content" => Some(p.meeting_content.clone()),
                "meeting_meta" => Some(p.meeting_meta.clone()),
                _ => None,
            };
        }
        if let Some(loss) = key
            .strip_prefix("role.")
            .and_then(|r| r.strip_suffix(".single_fqdn"))
        {
            return self.single_server_for(loss).map(|s| s.fqdn.clone());
        }
        if let Some(loss) = key
            .strip_prefix("role.")
            .and_then(|r| r.strip_suffix(".fqdn"))
        {
            return self.server_for(loss).map(|s| s.fqdn.clone());
        }
        if let Some(loss) = key.strip_prefix("sql.") {
            return self.sql_for(loss).map(str::to_string);
        }
        if let Some(scenario) = key.strip_prefix("target.") {
            return self.target(scenario).map(|s| s.to_string());
        }
        if let Some(procedure) = key.strip_prefix("owner.") {
            return self.owner(procedure).map(str::to_string);
        }
        if let Some(fqdn) = key
            .strip_prefix("server.")
            .and_then(|r| r.strip_suffix(".roles"))
        {
            let server = self
                .servers
                .iter()
                .find(|s| s.fqdn.eq_ignore_ascii_case(fqdn))?;
            let roles: Vec<&str> = server.roles.iter().map(|r| r.as_str()).collect();
            return Some(roles.join(","));
        }
        if let Some(fqdn) = key.strip_prefix("backup.settings_files.machine.") {
            return self
                .backup
                .settings_files
                .machine
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(fqdn))
                .map(|(_, v)| v.clone());
        }
        None
    }

    /// The role whose server answers for a loss id: the role itself, or the server holding a
    /// lost database.
    ///
    /// In a Standard Edition deployment the Standard Edition server is its own back-end and
    /// front-end, so those keys answer with it.
    fn role_for(&self, loss: &str) -> Option<Role> {
        let role = Role::parse(loss).or_else(|| database_server(loss, self.topology))?;
        Some(match role {
            Role::BackEnd | Role::FrontEnd if !self.topology.is_enterprise() => {
                Role::StandardEdition
            }
            other => other,
        })
    }

    /// The server that a loss concerns: the first server carrying the role (servers of the
    /// standby pool last), else the server that hosts the role in this topology.
    pub fn server_for(&self, loss: &str) -> Option<&Server> {
        let role = self.role_for(loss)?;
        self.first_with(role).or_else(|| {
            role.restored_with(self.topology)
                .and_then(|host| self.first_with(host))
        })
    }

    /// The server a loss concerns only when no other server of the primary site could be
    /// meant: with two front-ends, "the lost front-end" must be named, never guessed (a
    /// guess would stop and overwrite a healthy server).
    pub fn single_server_for(&self, loss: &str) -> Option<&Server> {
        let role = self.role_for(loss)?;
        let standby = self.secondary.as_ref().map(|s| s.pool.as_str());
        let mut primary = self
            .servers
            .iter()
            .filter(|s| s.roles.contains(&role))
            .filter(|s| s.pool.as_deref().is_none_or(|p| Some(p) != standby));
        match (primary.next(), primary.next()) {
            (Some(one), None) => Some(one),
            (Some(_), Some(_)) => None,
            (None, _) => self.server_for(loss),
        }
    }

    /// Every server of the primary pool whose OCS services use its back-end databases (all
    /// but the back-end), comma-separated in inventory order.
    /// The servers of `pool` whose OCS services use its database: all but the back-end.
    fn pool_servers(&self, pool: &super::Pool) -> Option<String> {
        let names: Vec<&str> = self
            .servers
            .iter()
            .filter(|s| s.pool.as_deref() == Some(pool.name.as_str()))
            .filter(|s| s.roles.iter().any(|r| *r != Role::BackEnd))
            .map(|s| s.fqdn.as_str())
            .collect();
        (!names.is_empty()).then(|| names.join(","))
    }

    /// The servers of the primary site, each once (a server with several roles is placed by
    /// the earliest of them in `order`), comma-separated: every server but the standby
    /// pool's, the secondary site's and Persistent Chat's (Lync Server 2013 comes back by its
    /// own failback). `Role::ALL` is the restore order of Table 14-9; [`START_ORDER`] the
    /// order the services start in.
    fn site_servers(&self, order: &[Role]) -> Option<String> {
        let standby = self.secondary.as_ref().map(|s| s.pool.as_str());
        let secondary_site = self.secondary.as_ref().and_then(|s| s.site.as_deref());
        let rank = |s: &Server| {
            s.roles
                .iter()
                .filter_map(|r| order.iter().position(|o| o == r))
                .min()
                .unwrap_or(usize::MAX)
        };
        let mut servers: Vec<&Server> = self
            .servers
            .iter()
            .filter(|s| s.pool.as_deref().is_none_or(|p| Some(p) != standby))
            .filter(|s| s.site.is_none() || s.site.as_deref() != secondary_site)
            .filter(|s| s.roles.iter().any(|r| *r != Role::PersistentChat))
            .collect();
        // A stable sort keeps the inventory's order among servers of the same role.
        servers.sort_by_key(|s| rank(s));
        let names: Vec<&str> = servers.iter().map(|s| s.fqdn.as_str()).collect();
        (!names.is_empty()).then(|| names.join(","))
    }

    fn first_with(&self, role: Role) -> Option<&Server> {
        let standby = self.secondary.as_ref().map(|s| s.pool.as_str());
        let carrying = || self.servers.iter().filter(|s| s.roles.contains(&role));
        carrying()
            .find(|s| s.pool.as_deref().is_none_or(|p| Some(p) != standby))
            .or_else(|| carrying().next())
    }

    /// The SQL instance holding a loss's databases.
    pub fn sql_for(&self, loss: &str) -> Option<&str> {
        let role = self.role_for(loss)?;
        self.sql
            .iter()
            .find(|s| s.role == role)
            .map(|s| s.instance.as_str())
    }
}

impl Defaults for Inventory {
    fn lookup(&self, key: &str) -> Option<AnswerValue> {
        self.lookup_text(key).map(AnswerValue::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_keys_are_wildcards() {
        assert!(known_key("role.{{item}}.fqdn"));
        assert!(known_key("role.front-end.fqdn"));
        assert!(known_key("sql.{{item}}"));
        assert!(known_key("target.{{scenario}}"));
        assert!(known_key("backup.settings_files.machine.{{server_fqdn}}"));
        assert!(known_key("pool.fqdn"));
        assert!(!known_key("role.mailbox.fqdn"));
        assert!(!known_key("pool.password"));
        assert!(!known_key("{{x}}.nothing"));
    }
}
