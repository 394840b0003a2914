//! A whole deployment built from `assets/inventory.example.toml` (an expanded Enterprise pool
//! of two front-ends, a back-end, a Director, Web Components, a server holding Web
//! Conferencing and Application Sharing, A/V Conferencing, one server holding Archiving and
//! CDR and Monitoring, Mediation, Edge, a forwarding proxy, and a standby pool of one
//! back-end and one front-end at the secondary site), its backups, and the losses applied
//! to it.

use std::collections::{BTreeMap, BTreeSet};

use super::sim::{BackupSet, Database, Deployment, Server, services_of};

/// The servers of the example inventory: FQDN, roles, pool.
pub const SERVERS: [(&str, &[&str], Option<&str>); 14] = [
    ("be01.contoso.com", &["back-end"], Some("pool01")),
    ("fe01.contoso.com", &["front-end"], Some("pool01")),
    ("fe02.contoso.com", &["front-end"], Some("pool01")),
    ("dir01.contoso.com", &["director"], None),
    ("web01.contoso.com", &["web-components"], Some("pool01")),
    (
        "conf01.contoso.com",
        &["web-conferencing", "app-sharing"],
        Some("pool01"),
    ),
    ("av01.contoso.com", &["av-conferencing"], Some("pool01")),
    ("arc01.contoso.com", &["archiving-cdr", "monitoring"], None),
    ("med01.contoso.com", &["mediation"], None),
    ("edge01.dmz.contoso.com", &["edge"], None),
    ("fwd01.contoso.com", &["forwarding-proxy"], None),
    ("pchat01.contoso.com", &["persistent-chat"], None),
    (
        "sbbe01.boston.contoso.com",
        &["back-end"],
        Some("standby01"),
    ),
    (
        "sbfe01.boston.contoso.com",
        &["front-end"],
        Some("standby01"),
    ),
];

pub const BACKUP_SQL: &str = r"\\bkp01.contoso.com\ocsbackup\sql";

pub fn users(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The servers of a deployment with every service running and every server's settings in
/// place; databases, backups, pools and users are the caller's.
pub fn servers(list: &[(&str, &[&str], Option<&str>)]) -> Deployment {
    let mut dep = Deployment::default();
    for (fqdn, roles, pool) in list {
        let mut services = BTreeMap::new();
        for role in *roles {
            for s in services_of(role) {
                services.insert(s.to_string(), true);
            }
        }
        if roles.contains(&"archiving-cdr") {
            services.insert("MSSQLSERVER".into(), true);
        }
        dep.servers.insert(
            fqdn.to_string(),
            Server {
                roles: roles.iter().map(|r| r.to_string()).collect(),
                pool: pool.map(str::to_string),
                services,
                // The back-end (a SQL Server) and Persistent Chat (Lync Server 2013) have no
                // OCS computer-level settings (Table 17-1).
                settings: if roles
                    .iter()
                    .all(|r| ["back-end", "persistent-chat"].contains(r))
                {
                    Default::default()
                } else {
                    ["machine".to_string()].into()
                },
                activated: true,
            },
        );
    }
    dep
}

/// The deployment before anything is lost: every service running, every server's settings
/// in place, every database online at the last backup, users homed on their pools.
pub fn whole() -> Deployment {
    let mut dep = servers(&SERVERS);
    let pool01 = users(&["alice@contoso.com", "bob@contoso.com"]);
    let standby = users(&["carol@contoso.com"]);
    let db = |state: &str, u: &BTreeSet<String>| Database {
        state: state.into(),
        restored: vec![],
        users: u.clone(),
    };
    dep.databases
        .insert(r"be01\rtc/RTC".into(), db("ONLINE", &pool01));
    dep.databases
        .insert(r"sbbe01\rtc/RTC".into(), db("ONLINE", &standby));
    dep.databases.insert(
        r"arc01\archive/LCSLog".into(),
        db("ONLINE", &BTreeSet::new()),
    );
    dep.databases
        .insert(r"arc01\qoe/RTCCDR".into(), db("ONLINE", &BTreeSet::new()));
    dep.databases.insert(
        r"arc01\qoe/QoEMetrics".into(),
        db("ONLINE", &BTreeSet::new()),
    );
    // Backups are appended to one file per database: the most recent full backup is the
    // last set, never the first. The RTC file of Tuesday holds bob only; Wednesday's both.
    let set = |database: &str, finished: &str, u: &[&str]| BackupSet {
        database: database.into(),
        kind: 1,
        finished: finished.into(),
        users: users(u),
    };
    for name in ["RTC", "LCSLog", "RTCCDR", "QoEMetrics"] {
        let u: &[&str] = if name == "RTC" {
            &["bob@contoso.com"]
        } else {
            &[]
        };
        let u2: &[&str] = if name == "RTC" {
            &["alice@contoso.com", "bob@contoso.com"]
        } else {
            &[]
        };
        dep.backups.insert(
            format!(r"{BACKUP_SQL}\{name}.bak"),
            vec![
                set(name, "2026-12-01 23:00", u),
                set(name, "2026-12-02 23:00", u2),
            ],
        );
    }
    for pool in ["pool01", "standby01"] {
        dep.pools.insert(pool.into(), users(&["global", "pool"]));
    }
    for u in ["alice@contoso.com", "bob@contoso.com"] {
        dep.users.insert(u.into(), "pool01".into());
    }
    dep.users
        .insert("carol@contoso.com".into(), "standby01".into());
    dep
}

/// Loses servers (rebuilt empty: nothing running, no settings; the
/// databases they held are gone) and databases (`instance/database`).
pub fn lose(dep: &mut Deployment, servers: &[&str], databases: &[&str]) {
    for fqdn in servers {
        let server = dep
            .servers
            .get_mut(*fqdn)
            .expect("a server of the deployment");
        server.services.values_mut().for_each(|r| *r = false);
        // SQL Server and IIS come back with the platform (the SQL Server Browser is
        // installed disabled).
        for (name, r) in server.services.iter_mut() {
            if name.starts_with("MSSQL") || name == "W3SVC" {
                *r = true;
            }
        }
        // Activation lives in Active Directory and survives a server's loss.
        server.settings.clear();
        let short = fqdn.split('.').next().unwrap_or("").to_string();
        // SQL Server Express comes back as installed: local connections only.
        for (instance, express) in dep.express.iter_mut() {
            if instance.starts_with(&format!("{short}\\")) {
                *express = Default::default();
            }
        }
        for (key, db) in dep.databases.iter_mut() {
            if key.starts_with(&format!("{short}\\")) {
                db.state = "MISSING".into();
                db.users.clear();
            }
        }
    }
    for key in databases {
        let db = dep
            .databases
            .get_mut(*key)
            .expect("a database of the deployment");
        db.state = "MISSING".into();
        db.users.clear();
    }
}

/// Loses a whole site without a secondary site: every server of it is rebuilt empty (as
/// [`lose`]), Active Directory with it, so the pool and the activation of every server that
/// lcscmd activates are gone too.
pub fn lose_site(dep: &mut Deployment, servers: &[&str], pool: &str) {
    lose(dep, servers, &[]);
    for fqdn in servers {
        if let Some(s) = dep.servers.get_mut(*fqdn)
            && s.roles
                .iter()
                .any(|r| ["front-end", "web-conferencing", "av-conferencing"].contains(&r.as_str()))
        {
            s.activated = false;
        }
    }
    dep.pools.remove(pool);
}
