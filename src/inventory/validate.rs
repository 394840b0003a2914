//! Checks on a parsed inventory beyond its types: names that look like secrets, FQDNs, UNC
//! paths, references between sites, pools and servers, roles that fit the topology.
//! Each problem carries the path of the offending value so the loader can point at it.

use std::ops::Range;

use regex::Regex;
use toml::de::{DeTable, DeValue};

use super::Inventory;
use super::vocab::{PROCEDURES, Role, SCENARIOS};
use crate::wizard::validate::{is_fqdn, is_unc_path, is_windows_path};

/// One step of a path into the TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A validation problem and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Vec<Seg>,
    pub message: String,
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// True for key names that would hold a credential.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["password", "passwd", "secret", "credential", "passphrase"]
        .iter()
        .any(|w| lower.contains(w))
        || matches!(lower.as_str(), "pwd" | "pass" | "pw")
}

/// The first key anywhere in the document whose name looks like a secret.
pub fn find_secret_key(table: &DeTable<'_>) -> Option<(Range<usize>, String)> {
    for (k, v) in table.iter() {
        if is_secret_name(k.get_ref()) {
            return Some((k.span(), k.get_ref().to_string()));
        }
        if let Some(found) = find_in_value(v.get_ref()) {
            return Some(found);
        }
    }
    None
}

fn find_in_value(value: &DeValue<'_>) -> Option<(Range<usize>, String)> {
    match value {
        DeValue::Table(t) => find_secret_key(t),
        DeValue::Array(items) => items.iter().find_map(|i| find_in_value(i.get_ref())),
        _ => None,
    }
}

/// The span of the value at `path`, or of the nearest enclosing value found.
pub fn locate(table: &DeTable<'_>, path: &[Seg]) -> Range<usize> {
    let mut best = 0..0;
    let mut current: Option<&DeValue<'_>> = None;
    for (depth, seg) in path.iter().enumerate() {
        let next = match (seg, current) {
            (Seg::Key(k), None) if depth == 0 => table
                .iter()
                .find(|(name, _)| name.get_ref() == k)
                .map(|(name, v)| (name.span(), v)),
            (Seg::Key(k), Some(DeValue::Table(t))) => t
                .iter()
                .find(|(name, _)| name.get_ref() == k)
                .map(|(name, v)| (name.span(), v)),
            (Seg::Index(i), Some(DeValue::Array(items))) => items.get(*i).map(|v| (v.span(), v)),
            _ => None,
        };
        let Some((key_span, value)) = next else { break };
        // A table's own span can be empty for `[[array]]` headers; the key is a better anchor.
        best = if value.span().is_empty() || matches!(value.get_ref(), DeValue::Table(_)) {
            key_span
        } else {
            value.span()
        };
        current = Some(value.get_ref());
    }
    best
}

/// The first problem in document order, if any.
pub fn first_problem(inv: &Inventory) -> Option<Problem> {
    problems(inv).into_iter().next()
}

/// Every problem found.
pub fn problems(inv: &Inventory) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut bad = |at: Vec<Seg>, message: String| out.push(Problem { at, message });
    if !is_fqdn(&inv.forest) {
        bad(vec![key("forest")], not_fqdn(&inv.forest));
    }
    if !is_fqdn(&inv.dns_domain) {
        bad(vec![key("dns_domain")], not_fqdn(&inv.dns_domain));
    }
    let account = inv.service_account.trim();
    if account.is_empty() || account.chars().any(char::is_control) {
        bad(
            vec![key("service_account")],
            "'service_account' must name the account (like 'CONTOSO\\svc-ocs')".into(),
        );
    }
    let site_names: Vec<&str> = inv.sites.iter().map(|s| s.name.as_str()).collect();
    let known_site = |s: &Option<String>| {
        s.as_deref()
            .is_none_or(|s| site_names.is_empty() || site_names.contains(&s))
    };
    for (i, site) in inv.sites.iter().enumerate() {
        if site.name.trim().is_empty() {
            bad(at3("sites", i, "name"), "a site needs a name".into());
        } else if site_names[..i].contains(&site.name.as_str()) {
            bad(
                at3("sites", i, "name"),
                format!("site '{}' is listed twice", site.name),
            );
        }
    }
    let pool_name = Regex::new(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$").ok();
    let pool_names: Vec<&str> = inv.pools.iter().map(|p| p.name.as_str()).collect();
    for (i, pool) in inv.pools.iter().enumerate() {
        if !pool_name.as_ref().is_some_and(|re| re.is_match(&pool.name)) {
            bad(
                at3("pools", i, "name"),
                format!(
                    "pool name '{}' must be one word of letters, digits and '-'",
                    pool.name
                ),
            );
        } else if pool_names[..i].contains(&pool.name.as_str()) {
            bad(
                at3("pools", i, "name"),
                format!("pool '{}' is listed twice", pool.name),
            );
        }
        if !is_fqdn(&pool.fqdn) {
            bad(at3("pools", i, "fqdn"), not_fqdn(&pool.fqdn));
        }
        if !known_site(&pool.site) {
            bad(
                at3("pools", i, "site"),
                unknown_site(&pool.site, &site_names),
            );
        }
    }
    let mut fqdns: Vec<String> = Vec::new();
    for (i, server) in inv.servers.iter().enumerate() {
        if !is_fqdn(&server.fqdn) {
            bad(at3("servers", i, "fqdn"), not_fqdn(&server.fqdn));
        } else if fqdns.contains(&server.fqdn.to_ascii_lowercase()) {
            bad(
                at3("servers", i, "fqdn"),
                format!("server '{}' is listed twice", server.fqdn),
            );
        }
        fqdns.push(server.fqdn.to_ascii_lowercase());
        if server.roles.is_empty() {
            bad(
                at3("servers", i, "roles"),
                format!("server '{}' has no roles", server.fqdn),
            );
        }
        for (j, role) in server.roles.iter().enumerate() {
            if !role.exists_in(inv.topology) {
                let mut at = at3("servers", i, "roles");
                at.push(Seg::Index(j));
                bad(
                    at,
                    format!(
                        "role '{}' does not exist in a '{}' deployment (Table 14-9)",
                        role.as_str(),
                        inv.topology.as_str()
                    ),
                );
            }
        }
        if !known_site(&server.site) {
            bad(
                at3("servers", i, "site"),
                unknown_site(&server.site, &site_names),
            );
        }
        if let Some(p) = &server.pool
            && !pool_names.contains(&p.as_str())
        {
            bad(
                at3("servers", i, "pool"),
                format!(
                    "server '{}' names pool '{p}', which is not in [[pools]]",
                    server.fqdn
                ),
            );
        }
    }
    let mut sql_roles: Vec<Role> = Vec::new();
    for (i, sql) in inv.sql.iter().enumerate() {
        if sql_roles.contains(&sql.role) {
            bad(
                at3("sql", i, "role"),
                format!("role '{}' has two SQL instances", sql.role.as_str()),
            );
        }
        sql_roles.push(sql.role);
        if !is_sql_instance(&sql.instance) {
            bad(at3("sql", i, "instance"), not_instance(&sql.instance));
        }
    }
    let backup = &inv.backup;
    for (field, value) in [
        ("settings", &backup.settings),
        ("databases", &backup.databases),
        ("file_shares", &backup.file_shares),
    ] {
        if !is_unc_path(value) {
            bad(vec![key("backup"), key(field)], not_unc(value));
        }
    }
    if backup.interval_h == 0 {
        bad(
            vec![key("backup"), key("interval_h")],
            "'interval_h' must be at least 1 (hours between two backups)".into(),
        );
    }
    let files = &backup.settings_files;
    for (field, value) in [("global", &files.global), ("pool", &files.pool)] {
        if let Some(v) = value
            && !is_windows_path(v)
        {
            bad(
                vec![key("backup"), key("settings_files"), key(field)],
                not_path(v),
            );
        }
    }
    for (fqdn, path) in &files.machine {
        let at = vec![
            key("backup"),
            key("settings_files"),
            key("machine"),
            key(fqdn),
        ];
        if !is_fqdn(fqdn) {
            bad(at, not_fqdn(fqdn));
        } else if !is_windows_path(path) {
            bad(at, not_path(path));
        }
    }
    if let Some(paths) = &inv.paths {
        for (field, value, unc) in [
            ("db_data", &paths.db_data, false),
            ("db_log", &paths.db_log, false),
            ("dyn_data", &paths.dyn_data, false),
            ("dyn_log", &paths.dyn_log, false),
            ("meeting_content", &paths.meeting_content, true),
            ("meeting_meta", &paths.meeting_meta, true),
        ] {
            let at = vec![key("paths"), key(field)];
            if unc && !is_unc_path(value) {
                bad(at, not_unc(value));
            } else if !unc && !is_windows_path(value) {
                bad(at, not_path(value));
            }
        }
    }
    if let Some(sec) = &inv.secondary {
        if !pool_names.contains(&sec.pool.as_str()) {
            bad(
                vec![key("secondary"), key("pool")],
                format!("standby pool '{}' is not in [[pools]]", sec.pool),
            );
        } else if inv.primary_pool().is_none() {
            bad(
                vec![key("secondary"), key("pool")],
                format!(
                    "pool '{}' cannot be both the primary and the standby pool: \
                     the standby pool needs a name of its own",
                    sec.pool
                ),
            );
        } else if let Some(pool) = inv.secondary_pool()
            && let (Some(at), Some(want)) = (&pool.site, &sec.site)
            && at != want
        {
            bad(
                vec![key("secondary"), key("pool")],
                format!(
                    "standby pool '{}' is at site '{at}', not at the secondary site '{want}'",
                    sec.pool
                ),
            );
        }
        if !known_site(&sec.site) {
            bad(
                vec![key("secondary"), key("site")],
                unknown_site(&sec.site, &site_names),
            );
        }
        if let Some(sql) = &sec.sql
            && !is_sql_instance(sql)
        {
            bad(vec![key("secondary"), key("sql")], not_instance(sql));
        }
    }
    if let Some(pc) = &inv.persistent_chat {
        if !is_fqdn(&pc.pool) {
            bad(
                vec![key("persistent_chat"), key("pool")],
                not_fqdn(&pc.pool),
            );
        }
        for (field, value) in [
            ("primary_sql", &pc.primary_sql),
            ("backup_sql", &pc.backup_sql),
        ] {
            if !is_sql_instance(value) {
                bad(
                    vec![key("persistent_chat"), key(field)],
                    not_instance(value),
                );
            }
        }
        if let Some(share) = &pc.log_shipping_share
            && !is_unc_path(share)
        {
            bad(
                vec![key("persistent_chat"), key("log_shipping_share")],
                not_unc(share),
            );
        }
    }
    for (scenario, seconds) in &inv.targets {
        let at = vec![key("targets"), key(scenario)];
        if !SCENARIOS.contains(&scenario.as_str()) {
            bad(
                at,
                format!(
                    "unknown scenario '{scenario}' (known: {})",
                    SCENARIOS.join(", ")
                ),
            );
        } else if *seconds == 0 {
            bad(
                at,
                format!("the target for '{scenario}' must be above 0 seconds"),
            );
        }
    }
    for (procedure, owner) in &inv.owners {
        let at = vec![key("owners"), key(procedure)];
        if !PROCEDURES.contains(&procedure.as_str()) {
            bad(
                at,
                format!(
                    "unknown procedure '{procedure}' (known: {})",
                    PROCEDURES.join(", ")
                ),
            );
        } else if owner.trim().is_empty() {
            bad(at, format!("the owner of '{procedure}' is empty"));
        }
    }
    out
}

/// `server` or `server\instance`, each part a plain name.
pub fn is_sql_instance(text: &str) -> bool {
    let mut parts = text.split('\\');
    let server = parts.next().unwrap_or("");
    let instance = parts.next();
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '$'))
    };
    parts.next().is_none() && word(server) && instance.is_none_or(word)
}

fn at3(list: &str, index: usize, field: &str) -> Vec<Seg> {
    vec![key(list), Seg::Index(index), key(field)]
}

fn not_fqdn(v: &str) -> String {
    format!("'{v}' is not a fully qualified domain name (like 'fe01.contoso.com')")
}

fn not_unc(v: &str) -> String {
    format!("'{v}' is not a UNC path (like '\\\\backup01\\ocs\\settings')")
}

fn not_path(v: &str) -> String {
    format!("'{v}' is not a Windows path (like 'D:\\RTCData' or a UNC path)")
}

fn not_instance(v: &str) -> String {
    format!("'{v}' is not a SQL Server instance (like 'be01\\rtc' or 'be01')")
}

fn unknown_site(site: &Option<String>, known: &[&str]) -> String {
    format!(
        "site '{}' is not in [[sites]] (known: {})",
        site.as_deref().unwrap_or(""),
        known.join(", ")
    )
}
