//! The recoveries, one per numbered case of issue 11, judged by outcome and by commands.

use std::process::Output;

use super::Lab;
use super::sim::Deployment;
use super::world::{self, BACKUP_SQL};

type Case = (&'static str, fn());

pub const ALL: &[Case] = &[
    (
        "case1_contact_lists_after_a_move_never_touch_the_target_pool",
        contacts_after_move,
    ),
    (
        "case2_a_lost_second_front_end_is_named_and_the_first_left_alone",
        second_front_end,
    ),
    (
        "case2_an_rtc_restore_stops_every_pool_server_first",
        rtc_restore_stops_the_pool,
    ),
    (
        "case3_a_lost_rtc_database_is_restored_whatever_is_ticked",
        rtc_required,
    ),
    (
        "case3_lcslog_only_loss_restores_the_latest_set_and_the_servers_settings",
        lcslog_only,
    ),
    (
        "case6_a_restricted_restore_is_opened_before_services_start",
        restricted_user,
    ),
    (
        "case7_the_most_recent_backup_set_is_verified_and_restored",
        most_recent_set,
    ),
    (
        "case5_a_site_with_a_secondary_site_fails_over_without_touching_the_primary",
        site_failover,
    ),
    (
        "case4_a_site_without_a_secondary_site_is_rebuilt_server_by_server",
        site_rebuild,
    ),
];

/// The servers of the primary pool that use the RTC database.
const POOL: [&str; 5] = [
    "fe01.contoso.com",
    "fe02.contoso.com",
    "web01.contoso.com",
    "conf01.contoso.com",
    "av01.contoso.com",
];

/// Answers every run shares: confirmations typed, manual steps done.
const COMMON: &str = r#"
[confirm]
restore-rtc = "OVERWRITE"
restore-lcslog = "OVERWRITE"
restore-rtccdr = "OVERWRITE"
restore-qoemetrics = "OVERWRITE"

[manual]
default = "done"
"#;

pub fn answers(specific: &str) -> String {
    format!("[answers]\n{specific}\n{COMMON}")
}

pub fn assert_finished(out: &Output, lab: &Lab) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().any(|l| l.ends_with(" finished")),
        "exit {:?}\nstderr: {}\nstdout: {}\ncommands:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        stdout,
        lab.commands().join("\n")
    );
}

/// Every lost server has its services running, its machine settings and its activation
/// back; every database on it (and every lost database) is online at the last backup set.
pub fn assert_whole(before: &Deployment, after: &Deployment, lost: &[&str], dbs: &[&str]) {
    for fqdn in lost {
        let (b, a) = (&before.servers[*fqdn], &after.servers[*fqdn]);
        assert_eq!(a.services, b.services, "services of {fqdn}");
        assert!(
            b.settings.is_subset(&a.settings),
            "settings of {fqdn}: {:?}, before the loss {:?}",
            a.settings,
            b.settings
        );
        assert_eq!(a.activated, b.activated, "activation of {fqdn}");
    }
    let mut keys: Vec<String> = dbs.iter().map(|s| s.to_string()).collect();
    for fqdn in lost {
        let short = fqdn.split('.').next().unwrap_or("");
        keys.extend(
            before
                .databases
                .keys()
                .filter(|k| k.starts_with(&format!("{short}\\")))
                .cloned(),
        );
    }
    for key in keys {
        let db = &after.databases[&key];
        let name = key.rsplit('/').next().unwrap_or("");
        let (file, sets) = before
            .backups
            .iter()
            .find(|(f, _)| f.ends_with(&format!(r"\{name}.bak")))
            .unwrap_or_else(|| panic!("no backup file of {name}"));
        let (file, last) = (file.clone(), sets.len() as u32);
        assert_eq!(db.state, "ONLINE", "state of {key}");
        assert_eq!(
            db.restored.last(),
            Some(&(file.clone(), last)),
            "{key} restored from the most recent set"
        );
        assert_eq!(db.users, before.databases[&key].users, "user data in {key}");
    }
}

/// No healthy server or pool was written to, none was left with a service stopped, and the
/// stubs saw no fault.
pub fn assert_unharmed(
    before: &Deployment,
    after: &Deployment,
    lost: &[&str],
    pools_written: &[&str],
) {
    for w in &after.writes {
        if w.target.starts_with("verified:") {
            continue;
        }
        if let Some(pool) = w.target.strip_prefix("pool:") {
            assert!(
                pools_written.contains(&pool),
                "pool {pool} written to: {}",
                w.what
            );
            continue;
        }
        let host = before.host_of(&w.target).unwrap_or(w.target.clone());
        assert!(
            lost.contains(&host.as_str()),
            "healthy server {host} written to: {}",
            w.what
        );
    }
    for (fqdn, server) in &after.servers {
        if lost.contains(&fqdn.as_str()) {
            continue;
        }
        assert_eq!(
            server.services, before.servers[fqdn].services,
            "services of healthy {fqdn}"
        );
    }
    assert_eq!(after.users, before.users, "users' home pools");
    assert!(after.faults.is_empty(), "faults: {:?}", after.faults);
}

pub fn assert_commands(lab: &Lab, expected: &[&str]) {
    let got = lab.commands();
    if got == expected {
        return;
    }
    let first = got
        .iter()
        .zip(expected)
        .position(|(g, e)| g != e)
        .unwrap_or(got.len().min(expected.len()));
    panic!(
        "the commands differ from line {} on\n--- expected ({} lines)\n{}\n--- got ({} lines)\n{}",
        first + 1,
        expected.len(),
        expected[first..].join("\n"),
        got.len(),
        got[first..].join("\n")
    );
}

/// Case 3 (second half): only LCSLog was lost. The database comes back from its most
/// recent backup set and the Archiving and CDR Server's computer-level settings with it.
fn lcslog_only() {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &[], &[r"arc01\archive/LCSLog"]);
    let lab = Lab::new(&dep);
    let out = lab.run(&answers(
        r#"lost = ["lcslog-database"]
os_healthy = true
platform = "prepare"
backup_set_lcslog = "2"
"#,
    ));
    assert_finished(&out, &lab);
    let after = lab.state();
    assert_whole(&whole, &after, &[], &[r"arc01\archive/LCSLog"]);
    // The server keeps its roles' services running and gets its computer-level settings.
    assert_eq!(
        after.servers["arc01.contoso.com"].services,
        whole.servers["arc01.contoso.com"].services
    );
    assert!(
        after
            .writes
            .iter()
            .any(|w| w.target == "arc01.contoso.com" && w.what == "import machine"),
        "the Archiving and CDR Server's computer-level settings were not imported"
    );
    assert_unharmed(&whole, &after, &["arc01.contoso.com"], &[]);
}

/// An RTC-only loss: the back-end still runs, its RTC database is gone.
fn rtc_loss(extra: &str) -> (Deployment, Deployment, Lab, Output) {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &[], &[r"be01\rtc/RTC"]);
    let lab = Lab::new(&dep);
    let out = lab.run(&answers(&format!(
        "lost = [\"rtc-database\"]\nos_healthy = true\nplatform = \"prepare\"\nbackup_set_rtc = \"2\"\n{extra}"
    )));
    (whole, dep, lab, out)
}

/// The servers an RTC restore may touch: the back-end and the pool servers it stops and
/// starts again.
fn rtc_affected() -> Vec<&'static str> {
    let mut v = vec!["be01.contoso.com"];
    v.extend(POOL);
    v
}

/// Case 1: fe02 is lost and its users move to the standby pool with their contact lists.
/// Moving users into a healthy pool needs that pool's name typed; nothing writes to its
/// database: the only path offered restores into a separately named database.
fn contacts_after_move() {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &["fe02.contoso.com"], &[]);
    let lab = Lab::new(&dep);
    let base = "lost = [\"front-end\"]\nos_healthy = true\nplatform = \"prepare\"\n\"setup-platform[front-end]/server_fqdn\" = \"fe02.contoso.com\"\nfrontend_fqdn = \"fe02.contoso.com\"\nmove_users = true\nkeep_contacts = true\ntarget_pool_fqdn = \"standby01.boston.contoso.com\"\n";
    // The target's SIP port is a real network check; the simulated pool has no address.
    let base =
        format!("{base}\n[failed]\ntarget-reachable = \"done: answered from the standby site\"\n");
    let out = lab.run(&answers(&base));
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let refused = String::from_utf8_lossy(&out.stderr);
    assert!(
        refused.contains("\"standby01.boston.contoso.com\""),
        "{refused}"
    );
    let lab = Lab::new(&dep);
    let text = answers(&base).replace(
        "[confirm]\n",
        "[confirm]\nmove-users = \"standby01.boston.contoso.com\"\nrestore-contacts = \"standby01.boston.contoso.com\"\n",
    );
    let out = lab.run(&text);
    assert_finished(&out, &lab);
    let after = lab.state();
    assert_whole(&whole, &after, &["fe02.contoso.com"], &[]);
    assert_unharmed(&whole, &after, &["fe02.contoso.com"], &[]);
    assert!(
        !lab.commands()
            .iter()
            .any(|c| c.contains("sbbe01") || c.contains("standby01") || c.contains("RESTORE")),
        "a command touched the standby pool or restored a database:\n{}",
        lab.commands().join("\n")
    );
}

/// Case 2: fe02 is lost in a pool of two front-ends. Without a name the run is refused
/// before anything runs (the inventory no longer guesses fe01); with fe02 named, fe02 is
/// whole again and fe01 was neither stopped nor written to.
fn second_front_end() {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &["fe02.contoso.com"], &[]);
    let lab = Lab::new(&dep);
    let base =
        "lost = [\"front-end\"]\nos_healthy = true\nplatform = \"prepare\"\nmove_users = false\n";
    let out = lab.run(&answers(base));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("server_fqdn") && err.contains("frontend_fqdn"),
        "{err}"
    );
    assert!(lab.commands().is_empty(), "{:?}", lab.commands());
    let out = lab.run(&answers(&format!(
        "{base}\"setup-platform[front-end]/server_fqdn\" = \"fe02.contoso.com\"\nfrontend_fqdn = \"fe02.contoso.com\"\n"
    )));
    assert_finished(&out, &lab);
    let after = lab.state();
    assert_whole(&whole, &after, &["fe02.contoso.com"], &[]);
    assert_unharmed(&whole, &after, &["fe02.contoso.com"], &[]);
    assert_commands(
        &lab,
        &[
            r"sc \\fe02.contoso.com query",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'fe02.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fe02-machine.xml /fqdn:fe02.contoso.com /restore:true",
            r"sc \\be01.contoso.com start MSSQLSERVER",
            r"sc \\be01.contoso.com query MSSQLSERVER",
            r"sc \\fe02.contoso.com start RTCSRV",
            r"sc \\fe02.contoso.com query RTCSRV",
            r"sc \\fe02.contoso.com start RTCIMMCU",
            r"sc \\fe02.contoso.com start RTCACPMCU",
            r"sc \\web01.contoso.com start W3SVC",
            r"sc \\conf01.contoso.com start RTCDATAMCU",
            r"sc \\av01.contoso.com start RTCAVMCU",
            r"sc \\fe02.contoso.com query RTCSRV",
            r"sc \\conf01.contoso.com query RTCDATAMCU",
            r"sc \\av01.contoso.com query RTCAVMCU",
            r"sc \\web01.contoso.com query W3SVC",
        ],
    );
}

/// Case 2 (last point): before RTC is restored every server of the pool lets go of it, and
/// every one is started again afterwards.
fn rtc_restore_stops_the_pool() {
    let (whole, _, lab, out) = rtc_loss("move_users = false\n");
    assert_finished(&out, &lab);
    let after = lab.state();
    assert_whole(&whole, &after, &rtc_affected(), &[r"be01\rtc/RTC"]);
    assert_unharmed(&whole, &after, &rtc_affected(), &[]);
    let pool = POOL.join(",");
    assert_commands(
        &lab,
        &[
            r"sqlcmd -S be01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases",
            &format!(
                "powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName ('{pool}' -split ',') -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"
            ),
            r"sqlcmd -S be01\rtc -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak'",
            r"sqlcmd -S be01\rtc -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak' WITH FILE = 2",
            r"sqlcmd -S be01\rtc -E -b -Q RESTORE DATABASE [RTC] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S be01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))",
            &format!(
                "powershell -NoProfile -NonInteractive -Command foreach ($name in 'RTCSRV','RTCIMMCU','RTCACPMCU','RTCDATAMCU','RTCAVMCU','RTCASMCU') {{ Get-Service -ComputerName ('{pool}' -split ',') -Name $name -ErrorAction SilentlyContinue | Start-Service -PassThru }}"
            ),
        ],
    );
}

/// Case 3: RTC was lost but the operator ticked only LCSLog: RTC is restored anyway (the
/// loss decides it), LCSLog as well (the operator may add).
fn rtc_required() {
    let (whole, _, lab, out) =
        rtc_loss("move_users = false\ndatabases = [\"LCSLog\"]\nbackup_set_lcslog = \"2\"\n");
    assert_finished(&out, &lab);
    let after = lab.state();
    let mut affected = rtc_affected();
    affected.push("arc01.contoso.com");
    assert_whole(
        &whole,
        &after,
        &[],
        &[r"be01\rtc/RTC", r"arc01\archive/LCSLog"],
    );
    assert_unharmed(&whole, &after, &affected, &[]);
}

/// Case 6: LCSLog restored RESTRICTED_USER is opened to every user before RTCLOG starts
/// (the stub records a fault for a service started against a restricted database).
fn restricted_user() {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &[], &[r"arc01\archive/LCSLog"]);
    let lab = Lab::new(&dep);
    let out = lab.run(&answers(
        r#"lost = ["lcslog-database"]
os_healthy = true
platform = "prepare"
backup_set_lcslog = "2"
restore_with = ["STATS = 10", "REPLACE", "RESTRICTED_USER"]
"#,
    ));
    assert_finished(&out, &lab);
    let after = lab.state();
    assert_whole(&whole, &after, &[], &[r"arc01\archive/LCSLog"]);
    assert_unharmed(&whole, &after, &["arc01.contoso.com"], &[]);
    let cmds = lab.commands();
    let open = cmds
        .iter()
        .position(|c| c.contains("SET MULTI_USER"))
        .expect("opened");
    let start = cmds
        .iter()
        .position(|c| c.ends_with("start RTCLOG"))
        .expect("started");
    assert!(open < start, "{}", cmds.join("\n"));
}

/// Case 7: backups appended to one file: the headers are read, and the most recent set
/// (position 2, not the first) is verified and restored; the older set holds one user less.
fn most_recent_set() {
    let (whole, _, lab, out) = rtc_loss("move_users = false\n");
    assert_finished(&out, &lab);
    let after = lab.state();
    let file = format!(r"{BACKUP_SQL}\RTC.bak");
    assert_eq!(
        after.databases[r"be01\rtc/RTC"].restored,
        vec![(file.clone(), 2)]
    );
    assert!(
        after
            .writes
            .iter()
            .any(|w| w.target == format!("verified:{file}") && w.what == "2")
    );
    assert_eq!(
        after.databases[r"be01\rtc/RTC"].users,
        whole.databases[r"be01\rtc/RTC"].users
    );
}

/// The servers of the primary site (Redmond): every server but the standby pool's.
fn primary_site() -> Vec<&'static str> {
    world::SERVERS
        .iter()
        .filter(|(_, _, pool)| *pool != Some("standby01"))
        .map(|(fqdn, _, _)| *fqdn)
        .collect()
}

/// Case 5: the Redmond site is lost and Boston's standby pool is ready. The failover comes
/// first and touches only the standby pool: its front-end lets go of its RTC database, the
/// primary's most recent RTC backup set is verified and restored over it (the word typed),
/// and its services start again; no command names a server of the lost site. The DNS and
/// TCP checks against the standby pool ask the real network, which the simulated deployment
/// does not have: they are marked done with a note, as an operator would after checking.
fn site_failover() {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &primary_site(), &[]);
    let lab = Lab::new(&dep);
    let text = answers(
        r#"lost = ["site"]
os_healthy = false
secondary_site = true
direction = "failover"
backup_set_rtc = "2"
"#,
    )
    .replace(
        "[confirm]\n",
        "[confirm]\nfo-restore-rtc = \"OVERWRITE\"\nfo-move-users-force = \"FORCE\"\n",
    )
    .replace(
        "[manual]\n",
        "[failed]\nfo-dns-sipinternaltls = \"done: checked by hand after the DNS change\"\nfo-dns-sip-tcp = \"done: checked by hand after the DNS change\"\nfo-front-end-in-dns = \"done: checked by hand\"\nfo-pool-reachable = \"done: checked by hand\"\nfo-front-end-rpc = \"done: checked by hand\"\n\n[manual]\n",
    );
    let out = lab.run(&text);
    assert_finished(&out, &lab);
    let after = lab.state();
    // The standby pool carries the primary's users: RTC from the most recent set, online,
    // and its front-end running every service it ran before.
    let file = format!(r"{BACKUP_SQL}\RTC.bak");
    let rtc = &after.databases[r"sbbe01\rtc/RTC"];
    assert_eq!(rtc.state, "ONLINE");
    assert_eq!(rtc.restored, vec![(file.clone(), 2)]);
    assert_eq!(rtc.users, whole.databases[r"be01\rtc/RTC"].users);
    for fqdn in ["sbbe01.boston.contoso.com", "sbfe01.boston.contoso.com"] {
        assert_eq!(
            after.servers[fqdn].services, whole.servers[fqdn].services,
            "services of {fqdn}"
        );
    }
    // Nothing touched the lost site: its servers are as the loss left them, no write names
    // one of them, and no command was addressed to one.
    for fqdn in primary_site() {
        assert_eq!(after.servers[fqdn], dep.servers[fqdn], "{fqdn} was touched");
        let short = fqdn.split('.').next().unwrap_or(fqdn);
        for c in lab.commands() {
            let names = c.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '-'));
            assert!(
                !names.into_iter().any(|n| n == fqdn || n == short),
                "a command reached the lost site: {c}"
            );
        }
    }
    for w in &after.writes {
        let host = dep.host_of(&w.target).unwrap_or(w.target.clone());
        assert!(
            w.target.starts_with("verified:") || host.ends_with(".boston.contoso.com"),
            "written outside the standby pool: {} ({})",
            w.target,
            w.what
        );
    }
    assert!(after.faults.is_empty(), "faults: {:?}", after.faults);
    assert_commands(
        &lab,
        &[
            r"sqlcmd -S sbbe01\rtc -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak'",
            r"sqlcmd -S sbbe01\rtc -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak' WITH FILE = 2",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName ('sbfe01.boston.contoso.com' -split ',') -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"sqlcmd -S sbbe01\rtc -E -b -Q RESTORE DATABASE [RTC] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak' WITH FILE = 2, RECOVERY, REPLACE, STATS = 10",
            r"sqlcmd -S sbbe01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))",
            r"powershell -NoProfile -NonInteractive -Command foreach ($name in 'RTCSRV','RTCIMMCU','RTCACPMCU','RTCDATAMCU','RTCAVMCU') { Get-Service -ComputerName ('sbfe01.boston.contoso.com' -split ',') -Name $name -ErrorAction SilentlyContinue | Start-Service -PassThru }",
            "ipconfig /flushdns",
        ],
    );
}

/// Case 4: the Redmond site is lost (its servers and its Active Directory) and there is no
/// secondary site. Every server is rebuilt one at a time in Table 14-9 order, the pool is
/// re-created, every database comes back from its most recent set, the global and pool
/// settings once, each server's own settings once (conf01, Web Conferencing and Application
/// Sharing, once), every front-end, Web Conferencing and A/V Conferencing role activated, and
/// every server's services started in the documented order. The standby pool is not touched.
fn site_rebuild() {
    let whole = world::whole();
    let mut dep = whole.clone();
    let lost = primary_site();
    world::lose_site(&mut dep, &lost, "pool01");
    let lab = Lab::new(&dep);
    let text = answers(
        r#"lost = ["site"]
os_healthy = false
secondary_site = false
pool_state = "recreated"
domain_rebuilt = false
databases = ["LCSLog", "RTCCDR", "QoEMetrics"]
backup_set_rtc = "2"
backup_set_lcslog = "2"
backup_set_rtccdr = "2"
backup_set_qoemetrics = "2"
frontend_fqdn = "fe01.contoso.com"
attach_archiving = false
service_password = "not-a-real-password"
compliance_log_path = '\\fs01.contoso.com\pool01\ComplianceLog'
"#,
    )
    .replace("[confirm]\n", "[confirm]\ncreate-pool = \"CLEAN\"\n");
    // The pool's shares on its (rebuilt) file server (the lab holds their backups).
    for dir in ["MeetingContent", "MeetingMetadata", "ComplianceLog"] {
        lab.windows_dir(&format!(r"\\fs01.contoso.com\pool01\{dir}"));
    }
    let out = lab.run(&text);
    assert_finished(&out, &lab);
    let after = lab.state();
    let dbs = [
        r"be01\rtc/RTC",
        r"arc01\archive/LCSLog",
        r"arc01\qoe/RTCCDR",
        r"arc01\qoe/QoEMetrics",
    ];
    assert_whole(&whole, &after, &lost, &dbs);
    assert_eq!(
        after.pools["pool01"], whole.pools["pool01"],
        "pool01's settings levels"
    );
    // The pool's file server (not an OCS server of the inventory) gets its shares back.
    let mut rebuilt = lost.clone();
    rebuilt.push("fs01.contoso.com");
    assert_unharmed(&whole, &after, &rebuilt, &["pool01"]);
    let cmds = lab.commands();
    for c in &cmds {
        assert!(
            !["boston", "sbbe01", "sbfe01", "standby01"]
                .iter()
                .any(|n| c.contains(n)),
            "the standby pool was reached: {c}"
        );
    }
    // Each server once, in Table 14-9 order: set up (it answers), then after the pool, its
    // databases and files, its own settings and its roles' activation; then every server's
    // services in the order they start. conf01 is imported once and activated as datamcu.
    assert_commands(
        &lab,
        &[
            r"sc \\be01.contoso.com query",
            r"sc \\fe01.contoso.com query",
            r"sc \\fe02.contoso.com query",
            r"sc \\dir01.contoso.com query",
            r"sc \\web01.contoso.com query",
            r"sc \\conf01.contoso.com query",
            r"sc \\av01.contoso.com query",
            r"sc \\arc01.contoso.com query",
            r"sc \\med01.contoso.com query",
            r"sc \\edge01.dmz.contoso.com query",
            r"sc \\fwd01.contoso.com query",
            r"lcscmd /forest:contoso.com /action:CreatePool /poolname:pool01 /poolbe:be01\rtc /refdomain:contoso.com /dbdatapath:D:\RTCData /dblogpath:E:\RTCLog /dyndatapath:D:\RTCDynData /dynlogpath:E:\RTCDynLog /meetingcontentpath:\\fs01.contoso.com\pool01\MeetingContent /meetingmetapath:\\fs01.contoso.com\pool01\MeetingMetadata /clean",
            r"sqlcmd -S be01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName ('fe01.contoso.com,fe02.contoso.com,web01.contoso.com,conf01.contoso.com,av01.contoso.com' -split ',') -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"sqlcmd -S be01\rtc -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak'",
            r"sqlcmd -S be01\rtc -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak' WITH FILE = 2",
            r"sqlcmd -S be01\rtc -E -b -Q RESTORE DATABASE [RTC] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTC.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S be01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\LCSLog.bak'",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\LCSLog.bak' WITH FILE = 2",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE DATABASE [LCSLog] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\LCSLog.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S arc01\archive -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('LCSLog', 'Status'))",
            r"sqlcmd -S arc01\qoe -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTCCDR.bak'",
            r"sqlcmd -S arc01\qoe -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTCCDR.bak' WITH FILE = 2",
            r"sqlcmd -S arc01\qoe -E -b -Q RESTORE DATABASE [RTCCDR] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\RTCCDR.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S arc01\qoe -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTCCDR', 'Status'))",
            r"sqlcmd -S arc01\qoe -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\QoEMetrics.bak'",
            r"sqlcmd -S arc01\qoe -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\QoEMetrics.bak' WITH FILE = 2",
            r"sqlcmd -S arc01\qoe -E -b -Q RESTORE DATABASE [QoEMetrics] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\QoEMetrics.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S arc01\qoe -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('QoEMetrics', 'Status'))",
            r"robocopy \\bkp01.contoso.com\ocsbackup\shares\MeetingContent \\fs01.contoso.com\pool01\MeetingContent /E /COPYALL /R:1 /W:1",
            r"robocopy \\bkp01.contoso.com\ocsbackup\shares\MeetingMetadata \\fs01.contoso.com\pool01\MeetingMetadata /E /COPYALL /R:1 /W:1",
            r"robocopy \\bkp01.contoso.com\ocsbackup\shares\ComplianceLog \\fs01.contoso.com\pool01\ComplianceLog /E /COPYALL /R:1 /W:1",
            r"sqlcmd -S be01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))",
            r"lcscmd /config /action:import /level:global,pool /configfile:\\bkp01.contoso.com\ocsbackup\settings\pool01-global-pool.xml /poolname:pool01 /restore:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'fe01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fe01-machine.xml /fqdn:fe01.contoso.com /restore:true",
            r"lcscmd /server:fe01.contoso.com /action:activate /role:ee /user:CONTOSO\svc-ocs /password:not-a-real-password /poolname:pool01 /nostart",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'fe02.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fe02-machine.xml /fqdn:fe02.contoso.com /restore:true",
            r"lcscmd /server:fe02.contoso.com /action:activate /role:ee /user:CONTOSO\svc-ocs /password:not-a-real-password /poolname:pool01 /nostart",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'dir01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\dir01.contoso.com-machine.xml /fqdn:dir01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'web01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\web01.contoso.com-machine.xml /fqdn:web01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'conf01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\conf01.contoso.com-machine.xml /fqdn:conf01.contoso.com /restore:true",
            r"lcscmd /mcu:conf01.contoso.com /action:activate /role:datamcu /user:CONTOSO\svc-ocs /password:not-a-real-password /poolname:pool01 /nostart:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'av01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\av01.contoso.com-machine.xml /fqdn:av01.contoso.com /restore:true",
            r"lcscmd /mcu:av01.contoso.com /action:activate /role:avmcu /user:CONTOSO\svc-ocs /password:not-a-real-password /poolname:pool01 /nostart:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\arc01.contoso.com-machine.xml /fqdn:arc01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'med01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\med01.contoso.com-machine.xml /fqdn:med01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'edge01.dmz.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\edge01-machine.xml /fqdn:edge01.dmz.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'fwd01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fwd01.contoso.com-machine.xml /fqdn:fwd01.contoso.com /restore:true",
            r"sc \\be01.contoso.com start MSSQLSERVER",
            r"sc \\be01.contoso.com query MSSQLSERVER",
            r"sc \\arc01.contoso.com start RTCLOG",
            r"sc \\arc01.contoso.com start RTCCDR",
            r"sc \\arc01.contoso.com start RTCQMS",
            r"sc \\fe01.contoso.com start RTCSRV",
            r"sc \\fe01.contoso.com query RTCSRV",
            r"sc \\fe01.contoso.com start RTCIMMCU",
            r"sc \\fe01.contoso.com start RTCACPMCU",
            r"sc \\fe02.contoso.com start RTCSRV",
            r"sc \\fe02.contoso.com query RTCSRV",
            r"sc \\fe02.contoso.com start RTCIMMCU",
            r"sc \\fe02.contoso.com start RTCACPMCU",
            r"sc \\dir01.contoso.com start RTCSRV",
            r"sc \\dir01.contoso.com query RTCSRV",
            r"sc \\web01.contoso.com start W3SVC",
            r"sc \\conf01.contoso.com start RTCDATAMCU",
            r"sc \\conf01.contoso.com start RTCASMCU",
            r"sc \\av01.contoso.com start RTCAVMCU",
            r"sc \\med01.contoso.com start RTCMEDSRV",
            r"sc \\fwd01.contoso.com start RTCSRV",
            r"sc \\fwd01.contoso.com query RTCSRV",
            r"sc \\edge01.dmz.contoso.com start RTCSRV",
            r"sc \\edge01.dmz.contoso.com query RTCSRV",
            r"sc \\edge01.dmz.contoso.com start RTCDATAPROXY",
            r"sc \\edge01.dmz.contoso.com start RTCMEDIARELAY",
            r"sc \\edge01.dmz.contoso.com start RTCMRAUTH",
            r"sqlcmd -S be01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases WHERE name = 'rtc'",
        ],
    );
}
