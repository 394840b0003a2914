//! Tests of loading, validating and looking up inventories.

use super::*;

const EXAMPLE: &str = include_str!("../../assets/inventory.example.toml");

fn example() -> Inventory {
    Inventory::parse(EXAMPLE, "example.toml").unwrap()
}

fn error_of(text: &str) -> String {
    Inventory::parse(text, "inv.toml").unwrap_err().to_string()
}

const MINIMAL: &str = r#"topology = "standard"
forest = "contoso.com"
dns_domain = "contoso.com"
service_account = 'CONTOSO\svc-ocs'

[[servers]]
fqdn = "se01.contoso.com"
roles = ["standard-edition"]

[backup]
settings = '\\bkp\ocs\settings'
databases = '\\bkp\ocs\sql'
file_shares = '\\bkp\ocs\shares'
interval_h = 24
"#;

#[test]
fn the_example_answers_the_contract_keys() {
    let inv = example();
    let get = |k: &str| inv.lookup_text(k);
    assert_eq!(get("topology").as_deref(), Some("enterprise-expanded"));
    assert_eq!(get("pool.name").as_deref(), Some("pool01"));
    assert_eq!(get("pool.fqdn").as_deref(), Some("pool01.contoso.com"));
    assert_eq!(
        get("role.back-end.fqdn").as_deref(),
        Some("be01.contoso.com")
    );
    assert_eq!(
        get("role.front-end.fqdn").as_deref(),
        Some("fe01.contoso.com")
    );
    assert_eq!(
        get("role.rtc-database.fqdn").as_deref(),
        Some("be01.contoso.com")
    );
    assert_eq!(
        get("role.lcslog-database.fqdn").as_deref(),
        Some("arc01.contoso.com")
    );
    assert_eq!(
        get("role.app-sharing.fqdn").as_deref(),
        Some("conf01.contoso.com")
    );
    assert_eq!(get("sql.back-end").as_deref(), Some(r"be01\rtc"));
    assert_eq!(get("sql.rtc-database").as_deref(), Some(r"be01\rtc"));
    assert_eq!(
        get("sql.lcslog-database").as_deref(),
        Some(r"arc01\archive")
    );
    assert_eq!(get("secondary.pool.name").as_deref(), Some("standby01"));
    assert_eq!(
        get("secondary.pool.fqdn").as_deref(),
        Some("standby01.boston.contoso.com")
    );
    assert_eq!(
        get("secondary.pool.servers").as_deref(),
        Some("sbfe01.boston.contoso.com")
    );
    assert_eq!(
        get("secondary.pool.frontend").as_deref(),
        Some("sbfe01.boston.contoso.com")
    );
    assert_eq!(get("backup.interval_h").as_deref(), Some("24"));
    assert_eq!(
        get("paths.meeting_meta").as_deref(),
        Some(r"\\fs01.contoso.com\pool01\MeetingMetadata")
    );
    assert_eq!(
        get("persistent_chat.backup_sql").as_deref(),
        Some(r"pcsql02\mgc")
    );
    assert_eq!(get("target.site").as_deref(), Some("21600"));
    assert_eq!(inv.target_for(&["edge", "front-end"]), Some(10800));
    assert_eq!(inv.target_for(&["file-shares"]), None);
    assert_eq!(
        get("owner.restore-databases").as_deref(),
        Some("Database administrators")
    );
    assert_eq!(
        get("backup.settings_files.machine.FE01.contoso.com").as_deref(),
        Some(r"\\bkp01.contoso.com\ocsbackup\settings\fe01-machine.xml")
    );
    assert_eq!(get("role.standard-edition.fqdn"), None);
    assert_eq!(get("no.such.key"), None);
}

#[test]
fn collocated_roles_answer_with_their_host() {
    let inv = Inventory::parse(MINIMAL, "m.toml").unwrap();
    assert_eq!(
        inv.lookup_text("role.web-conferencing.fqdn").as_deref(),
        Some("se01.contoso.com")
    );
    assert_eq!(
        inv.lookup_text("role.rtc-database.fqdn").as_deref(),
        Some("se01.contoso.com")
    );
    assert_eq!(
        inv.lookup_text("role.back-end.fqdn").as_deref(),
        Some("se01.contoso.com")
    );
    assert_eq!(inv.lookup_text("pool.name"), None);
    assert_eq!(inv.lookup_text("role.edge.fqdn"), None);
}

#[test]
fn every_answered_key_is_a_known_key() {
    let inv = example();
    for key in lookup_keys_for_test() {
        if inv.lookup_text(&key).is_some() {
            assert!(known_key(&key), "{key} is answered but not known");
        }
    }
}

#[test]
fn the_sites_servers_come_each_once_in_restore_and_in_start_order() {
    let inv = example();
    let get = |k: &str| inv.lookup_text(k).unwrap_or_default();
    // Table 14-9: back-end, front-ends, Director, Web Components, Web Conferencing (conf01
    // also holds Application Sharing: once), A/V, Archiving and CDR (with Monitoring),
    // Mediation, Edge, forwarding proxy. Not the standby pool, not Persistent Chat.
    assert_eq!(
        get("site.servers"),
        "be01.contoso.com,fe01.contoso.com,fe02.contoso.com,dir01.contoso.com,\
         web01.contoso.com,conf01.contoso.com,av01.contoso.com,arc01.contoso.com,\
         med01.contoso.com,edge01.dmz.contoso.com,fwd01.contoso.com"
    );
    // The services' start order: SQL Server, Archiving and CDR, the front-ends, ... Edge last.
    assert_eq!(
        get("site.servers.start_order"),
        "be01.contoso.com,arc01.contoso.com,fe01.contoso.com,fe02.contoso.com,\
         dir01.contoso.com,web01.contoso.com,conf01.contoso.com,av01.contoso.com,\
         med01.contoso.com,fwd01.contoso.com,edge01.dmz.contoso.com"
    );
    assert_eq!(
        get("server.conf01.contoso.com.roles"),
        "web-conferencing,app-sharing"
    );
    assert_eq!(
        get("server.CONF01.contoso.com.roles"),
        "web-conferencing,app-sharing"
    );
    assert!(
        inv.lookup_text("server.nowhere.contoso.com.roles")
            .is_none()
    );
    assert!(known_key("server.{{item}}.roles"));
}

fn lookup_keys_for_test() -> Vec<String> {
    let mut keys: Vec<String> = [
        "topology",
        "forest",
        "dns_domain",
        "service_account",
        "pool.name",
        "pool.fqdn",
        "backup.settings",
        "backup.databases",
        "backup.file_shares",
        "backup.interval_h",
        "paths.db_data",
        "secondary.pool.name",
        "persistent_chat.pool",
        "site.servers",
        "site.servers.start_order",
        "server.conf01.contoso.com.roles",
    ]
    .iter()
    .map(|k| k.to_string())
    .collect();
    for l in vocab::all_losses() {
        keys.push(format!("role.{l}.fqdn"));
        keys.push(format!("sql.{l}"));
    }
    keys
}

#[test]
fn a_password_anywhere_is_refused_with_its_position() {
    let text = format!(
        "{MINIMAL}\n[[sql]]\nrole = \"back-end\"\ninstance = 'be01'\nsa_password = \"x\"\n"
    );
    let err = error_of(&text);
    assert!(
        err.starts_with("'inv.toml':19:1: key 'sa_password' looks like a secret"),
        "{err}"
    );
    let err = error_of(&MINIMAL.replace("service_account =", "secret = \"s\"\nservice_account ="));
    assert!(err.contains(":4:1: key 'secret'"), "{err}");
}

#[test]
fn unknown_keys_roles_and_topologies_are_refused_with_positions() {
    let err = error_of(&MINIMAL.replace("interval_h = 24", "interval_h = 24\ninterval = 3"));
    assert!(err.starts_with("'inv.toml':15:1:"), "{err}");
    assert!(err.contains("unknown field `interval`"), "{err}");
    let err = error_of(&MINIMAL.replace("[\"standard-edition\"]", "[\"mailbox\"]"));
    assert!(err.starts_with("'inv.toml':8:10:"), "{err}");
    assert!(err.contains("mailbox"), "{err}");
    let err = error_of(&MINIMAL.replace("\"standard\"", "\"huge\""));
    assert!(err.starts_with("'inv.toml':1:"), "{err}");
}

#[test]
fn values_are_validated_where_they_stand() {
    let err = error_of(&MINIMAL.replace("se01.contoso.com", "se01"));
    assert_eq!(
        err,
        "'inv.toml':7:8: 'se01' is not a fully qualified domain name (like 'fe01.contoso.com')"
    );
    let err = error_of(&MINIMAL.replace(r"'\\bkp\ocs\sql'", r"'D:\sql'"));
    assert!(
        err.starts_with("'inv.toml':12:13: 'D:\\sql' is not a UNC path"),
        "{err}"
    );
    let err = error_of(&MINIMAL.replace("standard-edition", "front-end"));
    assert!(
        err.contains("role 'front-end' does not exist in a 'standard' deployment"),
        "{err}"
    );
    let err = error_of(&format!("{MINIMAL}\n[targets]\nlunch = 5\n"));
    assert!(err.contains("unknown scenario 'lunch'"), "{err}");
    let standby = EXAMPLE.replace("pool = \"standby01\"\nsql", "pool = \"pool01\"\nsql");
    let err = error_of(&standby);
    assert!(
        err.contains("standby pool 'pool01' is at site 'redmond'"),
        "{err}"
    );
}

#[test]
fn the_hash_is_the_file_hash() {
    let a = example();
    assert_eq!(a.hash(), file_hash(EXAMPLE.as_bytes()));
    assert_eq!(a.hash().len(), 64);
    let b = Inventory::parse(&format!("{EXAMPLE}\n# changed\n"), "x").unwrap();
    assert_ne!(a.hash(), b.hash());
}

#[test]
fn load_names_the_file_it_could_not_read() {
    let err = Inventory::load(Path::new("/nonexistent/inv.toml")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("'/nonexistent/inv.toml': cannot read"),
        "{err}"
    );
}
