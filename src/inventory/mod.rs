//! The deployment description (inventory): topology, servers, pools, backups; defaults for wizards.
//!
//! An operator keeps one TOML file beside the backup plan (`assets/inventory.example.toml`
//! documents every key). It holds names and locations only, never a password.
//! `Inventory::load` parses and validates it (errors as `'path':line:col: message`);
//! `lookup` answers the `default_from` keys of the wizards.

mod lookup;
mod validate;
pub mod vocab;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

pub use lookup::known_key;
pub use vocab::{Role, Topology};

/// The whole deployment description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// A name for the deployment, shown in plans and reports.
    #[serde(default)]
    pub name: Option<String>,
    pub topology: Topology,
    /// The Active Directory forest root (FQDN).
    pub forest: String,
    /// The SIP / DNS domain (FQDN).
    pub dns_domain: String,
    /// The account the OCS services and the backups run as: a NAME only.
    pub service_account: String,
    #[serde(default)]
    pub sites: Vec<Site>,
    #[serde(default)]
    pub pools: Vec<Pool>,
    #[serde(default)]
    pub servers: Vec<Server>,
    #[serde(default)]
    pub sql: Vec<SqlInstance>,
    pub backup: Backup,
    #[serde(default)]
    pub paths: Option<PoolPaths>,
    #[serde(default)]
    pub secondary: Option<Secondary>,
    #[serde(default)]
    pub persistent_chat: Option<PersistentChat>,
    /// Target time in seconds per scenario id (`vocab::SCENARIOS`).
    #[serde(default)]
    pub targets: BTreeMap<String, u64>,
    /// Who is responsible, per procedure id (`vocab::PROCEDURES`).
    #[serde(default)]
    pub owners: BTreeMap<String, String>,
    /// SHA-256 of the file as loaded (hex); not part of the file.
    #[serde(skip)]
    hash: String,
}

/// A physical site (data center).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// A Standard Edition or Enterprise pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// The pool name as lcscmd takes it (`/poolname:`), e.g. `pool01`.
    pub name: String,
    pub fqdn: String,
    #[serde(default)]
    pub site: Option<String>,
    pub kind: PoolKind,
}

/// Which edition a pool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolKind {
    Standard,
    Enterprise,
}

/// One server and the roles it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub fqdn: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub pool: Option<String>,
}

/// The SQL Server instance that holds a role's databases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlInstance {
    pub role: Role,
    /// `server\instance`, or `server` for the default instance.
    pub instance: String,
}

/// Where the backups are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// Folder (UNC) of the lcscmd settings exports.
    pub settings: String,
    /// Folder (UNC) of the SQL database backups.
    pub databases: String,
    /// Folder (UNC) of the meeting-content file-share backups.
    pub file_shares: String,
    /// Hours between two backups (the oldest a backup may be and still count as current).
    pub interval_h: u64,
    #[serde(default)]
    pub settings_files: SettingsFiles,
}

/// Individual settings export files, when the plan names them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFiles {
    #[serde(default)]
    pub global: Option<String>,
    #[serde(default)]
    pub pool: Option<String>,
    /// Machine-level export per server FQDN.
    #[serde(default)]
    pub machine: BTreeMap<String, String>,
}

/// The paths lcscmd needs to re-create an Enterprise pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolPaths {
    pub db_data: String,
    pub db_log: String,
    pub dyn_data: String,
    pub dyn_log: String,
    pub meeting_content: String,
    pub meeting_meta: String,
}

/// The secondary (standby) site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secondary {
    #[serde(default)]
    pub site: Option<String>,
    /// Name of the standby pool (a `[[pools]]` entry; never the primary pool's name).
    pub pool: String,
    /// SQL instance of the standby pool's back-end.
    #[serde(default)]
    pub sql: Option<String>,
}

/// Lync Server 2013 Persistent Chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistentChat {
    /// The Persistent Chat pool FQDN.
    pub pool: String,
    /// SQL instance of the primary mgc database.
    pub primary_sql: String,
    /// SQL instance of the backup mgc database (the failover target).
    pub backup_sql: String,
    /// Share used for log shipping between the two.
    #[serde(default)]
    pub log_shipping_share: Option<String>,
}

/// Why an inventory could not be used. Every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InventoryError {
    #[error("'{path}': {message}")]
    Read { path: String, message: String },
    #[error("'{path}':{line}:{col}: {message}")]
    Invalid {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
}

impl Inventory {
    /// Reads, parses and validates the inventory at `path`.
    pub fn load(path: &Path) -> Result<Inventory, InventoryError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| InventoryError::Read {
            path: shown.clone(),
            message: format!("cannot read the inventory: {e}"),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| InventoryError::Read {
            path: shown.clone(),
            message: "the inventory is not UTF-8 text".into(),
        })?;
        Inventory::parse(&text, &shown)
    }

    /// Parses and validates inventory text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Inventory, InventoryError> {
        let fail = |span: std::ops::Range<usize>, message: String| {
            let (line, col) = line_col(text, span.start);
            InventoryError::Invalid {
                path: origin.to_string(),
                line,
                col,
                message,
            }
        };
        let table = toml::de::DeTable::parse(text)
            .map_err(|e| fail(e.span().unwrap_or(0..0), one_line(e.message())))?;
        if let Some((span, key)) = validate::find_secret_key(table.get_ref()) {
            return Err(fail(
                span,
                format!(
                    "key '{key}' looks like a secret: the inventory holds names and places only; \
                     lifeline asks for a password when a step needs one and never stores it"
                ),
            ));
        }
        let mut inventory: Inventory = toml::from_str(text)
            .map_err(|e| fail(e.span().unwrap_or(0..0), one_line(e.message())))?;
        if let Some(problem) = validate::first_problem(&inventory) {
            let span = validate::locate(table.get_ref(), &problem.at);
            return Err(fail(span, problem.message));
        }
        inventory.hash = file_hash(text.as_bytes());
        Ok(inventory)
    }

    /// SHA-256 (hex) of the inventory file as it was loaded, for the session journal.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The primary pool: the first pool that is not the secondary site's standby pool.
    pub fn primary_pool(&self) -> Option<&Pool> {
        let standby = self.secondary.as_ref().map(|s| s.pool.as_str());
        self.pools.iter().find(|p| Some(p.name.as_str()) != standby)
    }

    /// The standby pool of the secondary site.
    pub fn secondary_pool(&self) -> Option<&Pool> {
        let name = &self.secondary.as_ref()?.pool;
        self.pools.iter().find(|p| &p.name == name)
    }

    /// True when some server carries `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.servers.iter().any(|s| s.roles.contains(&role))
    }

    /// The target time for a scenario, in seconds.
    pub fn target(&self, scenario: &str) -> Option<u64> {
        self.targets.get(scenario).copied()
    }

    /// The target for a set of losses: the longest target among the scenarios they fall
    /// under (those without a target are ignored).
    pub fn target_for(&self, lost: &[&str]) -> Option<u64> {
        vocab::scenarios_of(lost)
            .into_iter()
            .filter_map(|s| self.target(s))
            .max()
    }

    /// Who is responsible for a procedure.
    pub fn owner(&self, procedure: &str) -> Option<&str> {
        self.owners.get(procedure).map(String::as_str)
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn file_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Error messages from the parser may span lines; a message here is one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
