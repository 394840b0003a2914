//! Case 8 of issue 11, judged by outcome: a Standard Edition deployment
//! (`deployment/standard.toml`: Fabrikam's Standard Edition server, its own pool, holding RTC
//! in SQL Server 2005 Express; an Archiving and CDR Server that also holds Monitoring; an Edge
//! server). SQL Server Express takes no remote connections until TCP/IP and the SQL Server
//! Browser are enabled, and every sqlcmd of a recovery comes from the console: the simulated
//! `sqlcmd` refuses it until the wizard has let it in.

use std::collections::BTreeSet;

use super::cases::{answers, assert_commands, assert_finished, assert_unharmed, assert_whole};
use super::sim::{BackupSet, Database, Deployment, Express};
use super::world::{self, users};
use super::{Lab, Site};

pub const ALL: &[(&str, fn())] = &[
    (
        "case8_a_rebuilt_standard_edition_server_lets_the_console_in_before_its_restore",
        rebuilt_server,
    ),
    (
        "case8_an_existing_server_without_remote_connections_gets_them_and_its_rtc_back",
        existing_server,
    ),
    (
        "case8_remote_connections_already_allowed_change_nothing",
        already_allowed,
    ),
    (
        "case8_a_standard_edition_site_rebuilt_in_place_lets_the_console_in",
        site_rebuilt,
    ),
];

const SE: &str = "se01.fabrikam.com";
const SERVERS: [(&str, &[&str], Option<&str>); 3] = [
    (SE, &["standard-edition"], Some("se01")),
    ("arc01.fabrikam.com", &["archiving-cdr", "monitoring"], None),
    ("edge01.dmz.fabrikam.com", &["edge"], None),
];
const BACKUP_SQL: &str = r"\\bkp01.fabrikam.com\ocsbackup\sql";

const FABRIKAM: Site = Site {
    inventory: "tests/deployment/standard.toml",
    backup_root: r"\\bkp01.fabrikam.com\ocsbackup",
    pool_exports: &["se01-globalandpool.xml"],
};

/// Fabrikam before the loss. `remote` says whether the Standard Edition server's SQL Server
/// Express takes remote connections (TCP/IP enabled, the Browser running): true where the
/// backups were taken from another computer, false where a scheduled task on the server
/// itself took them (seed 002's way).
fn whole(remote: bool) -> Deployment {
    let mut dep = world::servers(&SERVERS);
    if let Some(se) = dep.servers.get_mut(SE) {
        se.services.insert("SQLBrowser".into(), remote);
    }
    dep.express.insert(
        r"se01\rtc".into(),
        Express {
            tcp: remote,
            listening: remote,
        },
    );
    let staff = users(&["dana@fabrikam.com", "erin@fabrikam.com"]);
    let db = |u: &BTreeSet<String>| Database {
        state: "ONLINE".into(),
        restored: vec![],
        users: u.clone(),
    };
    dep.databases.insert(r"se01\rtc/RTC".into(), db(&staff));
    for key in [
        r"arc01\archive/LCSLog",
        r"arc01\qoe/RTCCDR",
        r"arc01\qoe/QoEMetrics",
    ] {
        dep.databases.insert(key.into(), db(&BTreeSet::new()));
    }
    // One file per database, appended to nightly: the last set is the most recent.
    for name in ["RTC", "LCSLog", "RTCCDR", "QoEMetrics"] {
        let (older, newer): (&[&str], &[&str]) = if name == "RTC" {
            (
                &["dana@fabrikam.com"],
                &["dana@fabrikam.com", "erin@fabrikam.com"],
            )
        } else {
            (&[], &[])
        };
        let set = |finished: &str, u: &[&str]| BackupSet {
            database: name.into(),
            kind: 1,
            finished: finished.into(),
            users: users(u),
        };
        dep.backups.insert(
            format!(r"{BACKUP_SQL}\{name}.bak"),
            vec![
                set("2026-12-01 23:00", older),
                set("2026-12-02 23:00", newer),
            ],
        );
    }
    dep.pools.insert("se01".into(), users(&["global", "pool"]));
    for u in staff {
        dep.users.insert(u, "se01".into());
    }
    dep
}

/// The two commands that let the console reach SQL Server Express on se01 (TCP/IP for the RTC
/// instance, the SQL Server Browser), as the platform set-up or the server's rebuild runs them.
fn let_in() -> [&'static str; 2] {
    [
        r#"powershell -NoProfile -NonInteractive -Command $name = 'RTC'; $tcp = Get-WmiObject -ComputerName 'se01.fabrikam.com' -Namespace 'root\Microsoft\SqlServer\ComputerManagement' -Class ServerNetworkProtocol -Filter ('InstanceName=''{0}'' AND ProtocolName=''Tcp''' -f $name); if (-not $tcp) { 'No TCP/IP protocol found for the SQL Server instance {0}' -f $name; exit 1 }; if ($tcp.Enabled) { 'TCP/IP is already enabled for {0}: nothing changed' -f $name; exit 0 }; if ($tcp.SetEnable().ReturnValue -ne 0) { 'Enabling TCP/IP for {0} failed' -f $name; exit 1 }; $service = if ($name -eq 'MSSQLSERVER') { $name } else { 'MSSQL$' + $name }; Get-Service -ComputerName 'se01.fabrikam.com' -Name $service | Restart-Service -Force; 'TCP/IP enabled for {0}; {1} restarted' -f $name, $service"#,
        r#"powershell -NoProfile -NonInteractive -Command Set-Service -ComputerName 'se01.fabrikam.com' -Name SQLBrowser -StartupType Automatic; Get-Service -ComputerName 'se01.fabrikam.com' -Name SQLBrowser | Start-Service; (Get-Service -ComputerName 'se01.fabrikam.com' -Name SQLBrowser).Status"#,
    ]
}

/// Every sqlcmd ran after the console was let in, and none was refused.
fn assert_let_in_first(lab: &Lab) {
    let commands = lab.commands();
    let [tcp, browser] = let_in();
    let at = |c: &str| commands.iter().position(|l| l == c);
    let (Some(tcp_at), Some(browser_at)) = (at(tcp), at(browser)) else {
        panic!("the console was not let in:\n{}", commands.join("\n"));
    };
    let first_sql = commands
        .iter()
        .position(|l| l.starts_with("sqlcmd -S se01"))
        .expect("a sqlcmd to se01");
    assert!(
        tcp_at < browser_at && browser_at < first_sql,
        "order:\n{}",
        commands.join("\n")
    );
}

/// Applies a loss to the whole deployment and runs `restore-service` headless on it with these
/// answers, to its end; returns the deployment after the recovery and the lab.
fn recover(
    whole: &Deployment,
    lose: impl FnOnce(&mut Deployment),
    specific: &str,
) -> (Deployment, Lab) {
    let mut dep = whole.clone();
    lose(&mut dep);
    let lab = Lab::at(&FABRIKAM, &dep);
    let out = lab.run(&answers(specific));
    assert_finished(&out, &lab);
    (lab.state(), lab)
}

/// se01 was lost with its disks and set up again on new hardware: SQL Server Express comes
/// back with OCS, accepting local connections only. The console enables TCP/IP and the
/// Browser before its first sqlcmd; RTC comes back from the newest set; every service of the
/// server runs again; nothing else is touched.
fn rebuilt_server() {
    let whole = whole(true);
    let lose = |dep: &mut Deployment| {
        world::lose(dep, &[SE], &[]);
        assert!(!dep.express[r"se01\rtc"].tcp && !dep.servers[SE].services["SQLBrowser"]);
    };
    let (after, lab) = recover(
        &whole,
        lose,
        r#"lost = ["standard-edition"]
os_healthy = false
hardware_usable = false
platform = "rebuild"
move_users = false
backup_set_rtc = "2"
compliance_log_path = '\\se01.fabrikam.com\ComplianceLog'
"#,
    );
    assert_whole(&whole, &after, &[SE], &[]);
    assert_eq!(after.express[r"se01\rtc"], whole.express[r"se01\rtc"]);
    assert_eq!(after.pools["se01"], whole.pools["se01"], "pool settings");
    assert_unharmed(&whole, &after, &[SE], &["se01"]);
    assert_let_in_first(&lab);
    assert_commands(&lab, &rebuilt_commands());
}

/// Only RTC is lost on se01, whose SQL Server Express took remote connections before (`remote`)
/// or not; the recovery runs to its end and RTC is back at the newest set. Returns the
/// deployment before the loss, after the recovery, and the lab.
fn rtc_only(remote: bool) -> (Deployment, Deployment, Lab) {
    let whole = whole(remote);
    let (after, lab) = recover(
        &whole,
        |dep| world::lose(dep, &[], &[r"se01\rtc/RTC"]),
        r#"lost = ["rtc-database"]
os_healthy = true
platform = "prepare"
backup_set_rtc = "2"
"#,
    );
    assert_whole(&whole, &after, &[], &[r"se01\rtc/RTC"]);
    (whole, after, lab)
}

/// Only RTC was lost, on a server whose backups a scheduled task on the server itself took:
/// its SQL Server Express never took remote connections. The console lets itself in (the
/// one change to the server besides the restore), restores RTC and starts every service.
fn existing_server() {
    let (whole, after, lab) = rtc_only(false);
    let mut services = whole.servers[SE].services.clone();
    services.insert("SQLBrowser".into(), true);
    assert_eq!(after.servers[SE].services, services, "services of {SE}");
    assert_eq!(
        after.express[r"se01\rtc"],
        Express {
            tcp: true,
            listening: true
        }
    );
    assert_unharmed(&whole, &after, &[SE], &[]);
    assert_let_in_first(&lab);
}

/// Where the console could already connect, the two steps find it so and change nothing:
/// SQL Server Express is not restarted and no write reaches se01 before the restore's own.
fn already_allowed() {
    let (whole, after, lab) = rtc_only(true);
    assert_eq!(after.servers[SE].services, whole.servers[SE].services);
    assert!(
        !after
            .writes
            .iter()
            .any(|w| w.what.contains("TCP/IP") || w.what.contains("SQLBrowser")),
        "writes: {:?}",
        after.writes
    );
    assert_unharmed(&whole, &after, &[SE], &[]);
    assert_let_in_first(&lab);
}

/// The whole site is lost with its Active Directory and no secondary site: every server is
/// built again one at a time, and se01's SQL Server Express lets the console in as part of
/// its build, before any restore.
fn site_rebuilt() {
    let whole = whole(true);
    let lost: Vec<&str> = SERVERS.iter().map(|(fqdn, _, _)| *fqdn).collect();
    let (after, lab) = recover(
        &whole,
        |dep| world::lose_site(dep, &lost, "se01"),
        r#"lost = ["site"]
os_healthy = false
secondary_site = false
domain_rebuilt = false
move_users = false
databases = ["LCSLog", "RTCCDR", "QoEMetrics"]
backup_set_rtc = "2"
backup_set_lcslog = "2"
backup_set_rtccdr = "2"
backup_set_qoemetrics = "2"
compliance_log_path = '\\se01.fabrikam.com\ComplianceLog'
"#,
    );
    let dbs = [
        r"se01\rtc/RTC",
        r"arc01\archive/LCSLog",
        r"arc01\qoe/RTCCDR",
        r"arc01\qoe/QoEMetrics",
    ];
    assert_whole(&whole, &after, &lost, &dbs);
    assert_eq!(after.express[r"se01\rtc"], whole.express[r"se01\rtc"]);
    assert_eq!(after.pools["se01"], whole.pools["se01"], "pool settings");
    assert_unharmed(&whole, &after, &lost, &["se01"]);
    assert_let_in_first(&lab);
    assert_commands(&lab, &site_commands());
}

/// The exact commands of the site rebuilt in place, in order: each server built (se01 lets
/// the console in), the four databases from their newest sets, the file shares, the global and
/// pool settings together (Active Directory went with the site), each server's own settings
/// once, then each server's services in start order, then the checks of the Standard Edition
/// services and of its RTC database.
fn site_commands() -> Vec<&'static str> {
    let [tcp, browser] = let_in();
    vec![
        r#"sc \\se01.fabrikam.com query"#,
        tcp,
        browser,
        r#"sc \\arc01.fabrikam.com query"#,
        r#"sc \\edge01.dmz.fabrikam.com query"#,
        r#"sqlcmd -S se01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT 1"#,
        r#"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'se01.fabrikam.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"#,
        r#"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.fabrikam.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"#,
        r#"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.fabrikam.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"#,
        r#"sqlcmd -S se01\rtc -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTC.bak'"#,
        r#"sqlcmd -S se01\rtc -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTC.bak' WITH FILE = 2"#,
        r#"sqlcmd -S se01\rtc -E -b -Q RESTORE DATABASE [RTC] FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTC.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE"#,
        r#"sqlcmd -S se01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))"#,
        r#"sqlcmd -S arc01\archive -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\LCSLog.bak'"#,
        r#"sqlcmd -S arc01\archive -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\LCSLog.bak' WITH FILE = 2"#,
        r#"sqlcmd -S arc01\archive -E -b -Q RESTORE DATABASE [LCSLog] FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\LCSLog.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE"#,
        r#"sqlcmd -S arc01\archive -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('LCSLog', 'Status'))"#,
        r#"sqlcmd -S arc01\qoe -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTCCDR.bak'"#,
        r#"sqlcmd -S arc01\qoe -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTCCDR.bak' WITH FILE = 2"#,
        r#"sqlcmd -S arc01\qoe -E -b -Q RESTORE DATABASE [RTCCDR] FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTCCDR.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE"#,
        r#"sqlcmd -S arc01\qoe -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTCCDR', 'Status'))"#,
        r#"sqlcmd -S arc01\qoe -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\QoEMetrics.bak'"#,
        r#"sqlcmd -S arc01\qoe -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\QoEMetrics.bak' WITH FILE = 2"#,
        r#"sqlcmd -S arc01\qoe -E -b -Q RESTORE DATABASE [QoEMetrics] FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\QoEMetrics.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE"#,
        r#"sqlcmd -S arc01\qoe -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('QoEMetrics', 'Status'))"#,
        r#"robocopy \\bkp01.fabrikam.com\ocsbackup\shares\MeetingContent \\se01.fabrikam.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Web /E /COPYALL /R:1 /W:1"#,
        r#"robocopy \\bkp01.fabrikam.com\ocsbackup\shares\MeetingMetadata \\se01.fabrikam.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Non-Web /E /COPYALL /R:1 /W:1"#,
        r#"robocopy \\bkp01.fabrikam.com\ocsbackup\shares\ComplianceLog \\se01.fabrikam.com\ComplianceLog /E /COPYALL /R:1 /W:1"#,
        r#"lcscmd /config /action:import /level:global,pool /restore:true /configfile:\\bkp01.fabrikam.com\ocsbackup\settings\se01-globalandpool.xml /poolname:se01"#,
        r#"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'se01.fabrikam.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }"#,
        r#"lcscmd /config /action:import /level:machine /configfile:\\bkp01.fabrikam.com\ocsbackup\settings\se01.fabrikam.com-machine.xml /fqdn:se01.fabrikam.com /restore:true"#,
        r#"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'arc01.fabrikam.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }"#,
        r#"lcscmd /config /action:import /level:machine /configfile:\\bkp01.fabrikam.com\ocsbackup\settings\arc01.fabrikam.com-machine.xml /fqdn:arc01.fabrikam.com /restore:true"#,
        r#"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'edge01.dmz.fabrikam.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }"#,
        r#"lcscmd /config /action:import /level:machine /configfile:\\bkp01.fabrikam.com\ocsbackup\settings\edge01.dmz.fabrikam.com-machine.xml /fqdn:edge01.dmz.fabrikam.com /restore:true"#,
        r#"sc \\se01.fabrikam.com start MSSQL$RTC"#,
        r#"sc \\se01.fabrikam.com start RTCSRV"#,
        r#"sc \\se01.fabrikam.com query RTCSRV"#,
        r#"sc \\se01.fabrikam.com start RTCIMMCU"#,
        r#"sc \\se01.fabrikam.com start RTCACPMCU"#,
        r#"sc \\se01.fabrikam.com start RTCDATAMCU"#,
        r#"sc \\se01.fabrikam.com start RTCAVMCU"#,
        r#"sc \\arc01.fabrikam.com start RTCLOG"#,
        r#"sc \\arc01.fabrikam.com start RTCCDR"#,
        r#"sc \\arc01.fabrikam.com start RTCQMS"#,
        r#"sc \\edge01.dmz.fabrikam.com start RTCSRV"#,
        r#"sc \\edge01.dmz.fabrikam.com query RTCSRV"#,
        r#"sc \\edge01.dmz.fabrikam.com start RTCDATAPROXY"#,
        r#"sc \\edge01.dmz.fabrikam.com start RTCMEDIARELAY"#,
        r#"sc \\edge01.dmz.fabrikam.com start RTCMRAUTH"#,
        r#"sc \\se01.fabrikam.com query RTCSRV"#,
        r#"sc \\se01.fabrikam.com query RTCDATAMCU"#,
        r#"sc \\se01.fabrikam.com query RTCAVMCU"#,
        r#"sc \\se01.fabrikam.com query W3SVC"#,
        r#"sqlcmd -S se01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases WHERE name = 'rtc'"#,
    ]
}

/// The exact commands of the rebuilt server's recovery, in order: the server's platform
/// (its OCS services answer, the console is let in, SQL Server Express lists its databases),
/// RTC from the newest set with the server's services stopped, the three file shares, the
/// pool and machine settings, then the Standard Edition start order.
fn rebuilt_commands() -> Vec<&'static str> {
    let [tcp, browser] = let_in();
    vec![
        r#"sc \\se01.fabrikam.com query"#,
        tcp,
        browser,
        r#"sqlcmd -S se01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases"#,
        r#"sqlcmd -S se01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT 1"#,
        r#"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'se01.fabrikam.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"#,
        r#"sqlcmd -S se01\rtc -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTC.bak'"#,
        r#"sqlcmd -S se01\rtc -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTC.bak' WITH FILE = 2"#,
        r#"sqlcmd -S se01\rtc -E -b -Q RESTORE DATABASE [RTC] FROM DISK = N'\\bkp01.fabrikam.com\ocsbackup\sql\RTC.bak' WITH FILE = 2, RECOVERY, STATS = 10,REPLACE"#,
        r#"sqlcmd -S se01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))"#,
        r#"robocopy \\bkp01.fabrikam.com\ocsbackup\shares\MeetingContent \\se01.fabrikam.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Web /E /COPYALL /R:1 /W:1"#,
        r#"robocopy \\bkp01.fabrikam.com\ocsbackup\shares\MeetingMetadata \\se01.fabrikam.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Non-Web /E /COPYALL /R:1 /W:1"#,
        r#"robocopy \\bkp01.fabrikam.com\ocsbackup\shares\ComplianceLog \\se01.fabrikam.com\ComplianceLog /E /COPYALL /R:1 /W:1"#,
        r#"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'se01.fabrikam.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"#,
        r#"lcscmd /config /action:import /level:pool /restore:true /configfile:\\bkp01.fabrikam.com\ocsbackup\settings\se01-globalandpool.xml /poolname:se01"#,
        r#"lcscmd /config /action:import /level:machine /restore:true /configfile:\\bkp01.fabrikam.com\ocsbackup\settings\se01.fabrikam.com-machine.xml /fqdn:se01.fabrikam.com"#,
        r#"sc \\se01.fabrikam.com start MSSQL$RTC"#,
        r#"sc \\se01.fabrikam.com query MSSQL$RTC"#,
        r#"sc \\se01.fabrikam.com start RTCSRV"#,
        r#"sc \\se01.fabrikam.com query RTCSRV"#,
        r#"sc \\se01.fabrikam.com start RTCIMMCU"#,
        r#"sc \\se01.fabrikam.com start RTCACPMCU"#,
        r#"sc \\se01.fabrikam.com start RTCDATAMCU"#,
        r#"sc \\se01.fabrikam.com start RTCAVMCU"#,
        r#"sc \\se01.fabrikam.com query RTCSRV"#,
        r#"sc \\se01.fabrikam.com query RTCDATAMCU"#,
        r#"sc \\se01.fabrikam.com query RTCAVMCU"#,
        r#"sc \\se01.fabrikam.com query W3SVC"#,
    ]
}
