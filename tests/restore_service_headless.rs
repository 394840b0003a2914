//! `lifeline run restore-service` headless, as an operator would run it from a management
//! console: the real binary, stub `lcscmd`, `sqlcmd`, `powershell`, `sc`, `robocopy` and
//! `ipconfig` on PATH that record their argv, and a folder standing in for the backup
//! shares (`LIFELINE_WINDOWS_ROOT`), so every check runs for real against it.
//!
//! The expected command lists are written out on purpose: they are the executable
//! specification of the seeds' orders (the 13 Standard Edition and 14 Enterprise services,
//! the setting levels of Table 17-1, global and pool before computer level, `/fqdn:` per
//! server, the Table 14-9 server order). A change to a wizard that changes what an operator
//! runs must change a line here.
//!
//! The drills run `restore-service` for every loss scenario in every topology it applies to,
//! with no stub and no backup share at all: a drill needs nothing of the deployment.
#![cfg(unix)]

mod support;

use std::collections::BTreeSet;
use std::process::Output;

use support::{Sandbox, fixture};

/// What `sc query` prints for a running service: every `sc` check looks for one of these lines.
const SC_OUTPUT: &str = "SERVICE_NAME: RTCSRV\nDISPLAY_NAME: Office Communications Server Front-End\n        STATE              : 4  RUNNING\n";

/// What the `sqlcmd` checks look for: `master ONLINE`, `RTC ONLINE`, a valid backup set.
const SQLCMD_OUTPUT: &str = "name    state_desc\nmaster  ONLINE\nRTC     ONLINE\nBackupType  Position\n1  1\nThe backup set on file 1 is valid.\n";

/// A sandbox with the stubs a real run calls.
fn stubbed() -> Sandbox {
    let sb = Sandbox::in_memory();
    for name in ["lcscmd", "powershell", "robocopy", "ipconfig"] {
        sb.stub(name);
    }
    sb.stub_prints("sc", SC_OUTPUT);
    sb.stub_prints("sqlcmd", SQLCMD_OUTPUT);
    // The SRV checks ask a DNS server on 127.0.0.1 (not a wizard command, so not logged).
    sb.dns(&[("*", 0, 0, 5061, "pool01.contoso.com")]);
    sb
}

const XML: &str = "<?xml version=\"1.0\"?>\n<Configuration><Setting/></Configuration>\n";

fn run(sb: &Sandbox, answers: &std::path::Path, inventory: bool, drill: bool) -> Output {
    let mut cmd = sb.lifeline();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "run",
        "restore-service",
        "--answers",
        answers.to_str().expect("utf-8 path"),
    ]);
    if inventory {
        cmd.args(["--inventory", "assets/inventory.example.toml"]);
    }
    if drill {
        cmd.arg("--drill");
    }
    cmd.output().expect("run lifeline")
}

fn assert_finished(out: &Output, what: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().any(|l| l.ends_with(" finished")),
        "{what}: exit {:?}\nstderr: {}\nstdout (end): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        stdout
            .lines()
            .rev()
            .take(15)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The recorded invocations must be exactly `expected`, in order.
fn assert_commands(sb: &Sandbox, expected: &[&str]) {
    let got = sb.invocations();
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

#[test]
fn a_recovered_standard_edition_server_gets_its_data_then_pool_and_computer_settings() {
    let sb = stubbed();
    for dir in [
        r"\\backup01.contoso.com\ocs\sql",
        r"\\backup01.contoso.com\ocs\files\MeetingContent",
        r"\\backup01.contoso.com\ocs\files\MeetingMetadata",
        r"\\backup01.contoso.com\ocs\files\ComplianceLog",
        // restore-file-shares: meeting content, metadata and compliance log (never the
        // address book, which the server regenerates)
        // Where robocopy puts the files back (the stub copies nothing).
        r"\\se01.contoso.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Web",
        r"\\se01.contoso.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Non-Web",
        r"\\files01.contoso.com\ocs\compliance",
    ] {
        sb.windows_dir(dir);
    }
    for file in [
        r"\\backup01.contoso.com\ocs\settings\se01-globalandpool.xml",
        r"\\backup01.contoso.com\ocs\settings\se01.contoso.com-machine.xml",
    ] {
        sb.windows_file(file, XML);
    }
    let out = run(
        &sb,
        &fixture("restore-service/se-server-recovered.toml"),
        false,
        false,
    );
    assert_finished(&out, "Standard Edition server recovered");
    assert_commands(
        &sb,
        &[
            // setup-platform, "recover": the server answers, no OCS service runs once it is
            // deactivated, SQL Server answers; after the reinstall, both again.
            r"sc \\se01.contoso.com query",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'se01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            // SQL Server Express lets this console in: TCP/IP for the instance, the Browser
            r"powershell -NoProfile -NonInteractive -Command $name = 'RTC'; $tcp = Get-WmiObject -ComputerName 'se01.contoso.com' -Namespace 'root\Microsoft\SqlServer\ComputerManagement' -Class ServerNetworkProtocol -Filter ('InstanceName=''{0}'' AND ProtocolName=''Tcp''' -f $name); if (-not $tcp) { 'No TCP/IP protocol found for the SQL Server instance {0}' -f $name; exit 1 }; if ($tcp.Enabled) { 'TCP/IP is already enabled for {0}: nothing changed' -f $name; exit 0 }; if ($tcp.SetEnable().ReturnValue -ne 0) { 'Enabling TCP/IP for {0} failed' -f $name; exit 1 }; $service = if ($name -eq 'MSSQLSERVER') { $name } else { 'MSSQL$' + $name }; Get-Service -ComputerName 'se01.contoso.com' -Name $service | Restart-Service -Force; 'TCP/IP enabled for {0}; {1} restarted' -f $name, $service",
            r"powershell -NoProfile -NonInteractive -Command Set-Service -ComputerName 'se01.contoso.com' -Name SQLBrowser -StartupType Automatic; Get-Service -ComputerName 'se01.contoso.com' -Name SQLBrowser | Start-Service; (Get-Service -ComputerName 'se01.contoso.com' -Name SQLBrowser).Status",
            r"sqlcmd -S se01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases",
            // after the reinstall: OCS services and SQL Server answer again
            r"sc \\se01.contoso.com query",
            r"sqlcmd -S se01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases",
            // restore-databases: SQL Server Express lets this console in (set up above, only
            // checked here), stop the services that use RTC, verify the backup, restore it
            // with the picked options (RECOVERY, REPLACE), check RTC is online
            r"sqlcmd -S se01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT 1",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'se01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"sqlcmd -S se01\rtc -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\backup01.contoso.com\ocs\sql\RTC.bak'",
            r"sqlcmd -S se01\rtc -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\backup01.contoso.com\ocs\sql\RTC.bak' WITH FILE = 1",
            r"sqlcmd -S se01\rtc -E -b -Q RESTORE DATABASE [RTC] FROM DISK = N'\\backup01.contoso.com\ocs\sql\RTC.bak' WITH FILE = 1, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S se01\rtc -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('RTC', 'Status'))",
            r"robocopy \\backup01.contoso.com\ocs\files\MeetingContent \\se01.contoso.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Web /E /COPYALL /R:1 /W:1",
            r"robocopy \\backup01.contoso.com\ocs\files\MeetingMetadata \\se01.contoso.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Non-Web /E /COPYALL /R:1 /W:1",
            r"robocopy \\backup01.contoso.com\ocs\files\ComplianceLog \\files01.contoso.com\ocs\compliance /E /COPYALL /R:1 /W:1",
            // restore-settings-standard: stop the services; the pool level (the server was lost,
            // Active Directory was not), then its computer level, both from this console
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'se01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:pool /restore:true /configfile:\\backup01.contoso.com\ocs\settings\se01-globalandpool.xml /poolname:se01",
            r"lcscmd /config /action:import /level:machine /restore:true /configfile:\\backup01.contoso.com\ocs\settings\se01.contoso.com-machine.xml /fqdn:se01.contoso.com",
            // the 13-service start order, for the services this deployment has: 1 SQL Server
            // Express, 3 Front End, 4 IM Conferencing, 5 Telephony Conferencing, 6 Web
            // Conferencing, 7 A/V Conferencing
            r"sc \\se01.contoso.com start MSSQL$RTC",
            r"sc \\se01.contoso.com query MSSQL$RTC",
            r"sc \\se01.contoso.com start RTCSRV",
            r"sc \\se01.contoso.com query RTCSRV",
            r"sc \\se01.contoso.com start RTCIMMCU",
            r"sc \\se01.contoso.com start RTCACPMCU",
            r"sc \\se01.contoso.com start RTCDATAMCU",
            r"sc \\se01.contoso.com start RTCAVMCU",
            // validation: the four primary services (Front End, Web Conferencing, A/V
            // Conferencing, Web Components)
            r"sc \\se01.contoso.com query RTCSRV",
            r"sc \\se01.contoso.com query RTCDATAMCU",
            r"sc \\se01.contoso.com query RTCAVMCU",
            r"sc \\se01.contoso.com query W3SVC",
        ],
    );
}

#[test]
fn a_standard_edition_deployment_restores_every_server_in_table_order_and_starts_all_13_services() {
    let sb = stubbed();
    for dir in [
        r"\\backup01.contoso.com\ocs\sql",
        r"\\backup01.contoso.com\ocs\files",
    ] {
        sb.windows_dir(dir);
    }
    for server in [
        "se01.contoso.com",
        "arc01.contoso.com",
        "med01.contoso.com",
        "edge01.dmz.contoso.com",
        "fwd01.contoso.com",
    ] {
        sb.windows_file(
            &format!(r"\\backup01.contoso.com\ocs\settings\{server}-machine.xml"),
            XML,
        );
    }
    sb.windows_file(
        r"\\backup01.contoso.com\ocs\settings\se01-globalandpool.xml",
        XML,
    );
    let out = run(
        &sb,
        &fixture("restore-service/se-and-satellites.toml"),
        false,
        false,
    );
    assert_finished(&out, "Standard Edition deployment");
    assert_commands(
        &sb,
        &[
            // setup-platform, "prepare", per lost server in the Table 14-9 order: SE server,
            // Archiving and CDR, Mediation, Edge, forwarding proxy; SQL Server where the role has it
            r"sc \\se01.contoso.com query",
            // SQL Server Express lets this console in: TCP/IP for the instance, the Browser
            r"powershell -NoProfile -NonInteractive -Command $name = 'RTC'; $tcp = Get-WmiObject -ComputerName 'se01.contoso.com' -Namespace 'root\Microsoft\SqlServer\ComputerManagement' -Class ServerNetworkProtocol -Filter ('InstanceName=''{0}'' AND ProtocolName=''Tcp''' -f $name); if (-not $tcp) { 'No TCP/IP protocol found for the SQL Server instance {0}' -f $name; exit 1 }; if ($tcp.Enabled) { 'TCP/IP is already enabled for {0}: nothing changed' -f $name; exit 0 }; if ($tcp.SetEnable().ReturnValue -ne 0) { 'Enabling TCP/IP for {0} failed' -f $name; exit 1 }; $service = if ($name -eq 'MSSQLSERVER') { $name } else { 'MSSQL$' + $name }; Get-Service -ComputerName 'se01.contoso.com' -Name $service | Restart-Service -Force; 'TCP/IP enabled for {0}; {1} restarted' -f $name, $service",
            r"powershell -NoProfile -NonInteractive -Command Set-Service -ComputerName 'se01.contoso.com' -Name SQLBrowser -StartupType Automatic; Get-Service -ComputerName 'se01.contoso.com' -Name SQLBrowser | Start-Service; (Get-Service -ComputerName 'se01.contoso.com' -Name SQLBrowser).Status",
            r"sqlcmd -S se01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases",
            r"sc \\arc01.contoso.com query",
            r"sqlcmd -S arc01\archive -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases",
            r"sc \\med01.contoso.com query",
            r"sc \\edge01.dmz.contoso.com query",
            r"sc \\fwd01.contoso.com query",
            // restore-databases: LCSLog, then the Archiving service runs again
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\backup01.contoso.com\ocs\sql\LCSLog.bak'",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\backup01.contoso.com\ocs\sql\LCSLog.bak' WITH FILE = 1",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE DATABASE [LCSLog] FROM DISK = N'\\backup01.contoso.com\ocs\sql\LCSLog.bak' WITH FILE = 1, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S arc01\archive -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('LCSLog', 'Status'))",
            r"sc \\arc01.contoso.com start RTCLOG",
            // restore-settings-standard: the pool level once, then each server's computer level
            // with /fqdn:, in the Table 14-9 order (Edge before the forwarding proxy)
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'se01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:pool /restore:true /configfile:\\backup01.contoso.com\ocs\settings\se01-globalandpool.xml /poolname:se01",
            r"lcscmd /config /action:import /level:machine /restore:true /configfile:\\backup01.contoso.com\ocs\settings\se01.contoso.com-machine.xml /fqdn:se01.contoso.com",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /restore:true /configfile:\\backup01.contoso.com\ocs\settings\arc01.contoso.com-machine.xml /fqdn:arc01.contoso.com",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'med01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /restore:true /configfile:\\backup01.contoso.com\ocs\settings\med01.contoso.com-machine.xml /fqdn:med01.contoso.com",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'edge01.dmz.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /restore:true /configfile:\\backup01.contoso.com\ocs\settings\edge01.dmz.contoso.com-machine.xml /fqdn:edge01.dmz.contoso.com",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'fwd01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /restore:true /configfile:\\backup01.contoso.com\ocs\settings\fwd01.contoso.com-machine.xml /fqdn:fwd01.contoso.com",
            // all 13 services, in the seed's order
            r"sc \\se01.contoso.com start MSSQL$RTC",
            r"sc \\se01.contoso.com query MSSQL$RTC",
            r"sc \\arc01.contoso.com start RTCLOG",
            r"sc \\se01.contoso.com start RTCSRV",
            r"sc \\se01.contoso.com query RTCSRV",
            r"sc \\se01.contoso.com start RTCIMMCU",
            r"sc \\se01.contoso.com start RTCACPMCU",
            r"sc \\se01.contoso.com start RTCDATAMCU",
            r"sc \\se01.contoso.com start RTCAVMCU",
            r"sc \\med01.contoso.com start RTCMEDSRV",
            r"sc \\fwd01.contoso.com start RTCSRV",
            r"sc \\edge01.dmz.contoso.com start RTCSRV",
            r"sc \\edge01.dmz.contoso.com start RTCDATAPROXY",
            r"sc \\edge01.dmz.contoso.com start RTCMEDIARELAY",
            r"sc \\edge01.dmz.contoso.com start RTCMRAUTH",
            // validation of the four primary services
            r"sc \\se01.contoso.com query RTCSRV",
            r"sc \\se01.contoso.com query RTCDATAMCU",
            r"sc \\se01.contoso.com query RTCAVMCU",
            r"sc \\se01.contoso.com query W3SVC",
        ],
    );
}

#[test]
fn an_expanded_pool_front_end_gets_only_its_computer_settings_with_fqdn() {
    let sb = stubbed();
    sb.windows_dir(r"\\bkp01.contoso.com\ocsbackup\sql");
    sb.windows_dir(r"\\bkp01.contoso.com\ocsbackup\shares");
    // The inventory names this server's export.
    sb.windows_file(
        r"\\bkp01.contoso.com\ocsbackup\settings\fe01-machine.xml",
        XML,
    );
    let out = run(
        &sb,
        &fixture("restore-service/ee-front-end.toml"),
        true,
        false,
    );
    assert_finished(&out, "expanded pool, front-end lost");
    assert_commands(
        &sb,
        &[
            // setup-platform, "recover": the server answers, no OCS service runs once it is
            // deactivated; after the reinstall, its OCS services answer again (no SQL on a front-end)
            r"sc \\fe01.contoso.com query",
            r"powershell -NoProfile -NonInteractive -Command $running = @(Get-Service -ComputerName 'fe01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Running' }); $running | Format-Table -AutoSize Status, DisplayName; if ($running.Count -gt 0) { exit 1 }",
            r"sc \\fe01.contoso.com query",
            // restore-settings-enterprise: one front-end lost, so its computer level only
            // (Table 17-1), from this console with /fqdn:
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'fe01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fe01-machine.xml /fqdn:fe01.contoso.com /restore:true",
            // the 14-service order for what runs in this pool: 1 SQL Server on the back-end,
            // 3 front-end, 4 IM Conferencing, 5 Telephony Conferencing on the front-end, 6 Web
            // Components, 7 Web Conferencing, 8 A/V Conferencing on their own servers (an
            // already running service is fine: sc's 1056 counts as success)
            r"sc \\be01.contoso.com start MSSQLSERVER",
            r"sc \\be01.contoso.com query MSSQLSERVER",
            r"sc \\fe01.contoso.com start RTCSRV",
            r"sc \\fe01.contoso.com query RTCSRV",
            r"sc \\fe01.contoso.com start RTCIMMCU",
            r"sc \\fe01.contoso.com start RTCACPMCU",
            r"sc \\web01.contoso.com start W3SVC",
            r"sc \\conf01.contoso.com start RTCDATAMCU",
            r"sc \\av01.contoso.com start RTCAVMCU",
            // validation of the four primary services
            r"sc \\fe01.contoso.com query RTCSRV",
            r"sc \\conf01.contoso.com query RTCDATAMCU",
            r"sc \\av01.contoso.com query RTCAVMCU",
            r"sc \\web01.contoso.com query W3SVC",
        ],
    );
}

#[test]
fn an_expanded_pool_that_lost_its_directory_gets_global_then_pool_then_computer_settings() {
    let sb = stubbed();
    sb.windows_dir(r"\\bkp01.contoso.com\ocsbackup\sql");
    sb.windows_dir(r"\\bkp01.contoso.com\ocsbackup\shares");
    for file in [
        // From the inventory: the global and pool levels in one file, fe01's and edge01's
        // computer-level exports.
        "pool01-global-pool.xml",
        "fe01-machine.xml",
        "edge01-machine.xml",
        // Not in the inventory: the wizard's own file names.
        "arc01.contoso.com-machine.xml",
        "med01.contoso.com-machine.xml",
        "fwd01.contoso.com-machine.xml",
    ] {
        sb.windows_file(
            &format!(r"\\bkp01.contoso.com\ocsbackup\settings\{file}"),
            XML,
        );
    }
    let out = run(
        &sb,
        &fixture("restore-service/ee-pool-and-directory.toml"),
        true,
        false,
    );
    assert_finished(&out, "expanded pool and Active Directory");
    assert_commands(
        &sb,
        &[
            // setup-platform, "prepare", per lost server in the Table 14-9 order
            r"sc \\fe01.contoso.com query",
            r"sc \\arc01.contoso.com query",
            r"sqlcmd -S arc01\archive -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases",
            r"sc \\med01.contoso.com query",
            r"sc \\edge01.dmz.contoso.com query",
            r"sc \\fwd01.contoso.com query",
            // restore-databases: LCSLog, then the Archiving service runs again
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE HEADERONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\LCSLog.bak'",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE VERIFYONLY FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\LCSLog.bak' WITH FILE = 1",
            r"sqlcmd -S arc01\archive -E -b -Q RESTORE DATABASE [LCSLog] FROM DISK = N'\\bkp01.contoso.com\ocsbackup\sql\LCSLog.bak' WITH FILE = 1, RECOVERY, STATS = 10,REPLACE",
            r"sqlcmd -S arc01\archive -E -b -h -1 -Q SET NOCOUNT ON; SELECT CONVERT(varchar(20), DATABASEPROPERTYEX('LCSLog', 'Status'))",
            r"sc \\arc01.contoso.com start RTCLOG",
            // restore-settings-enterprise: on the first front-end, global level, then pool level
            // (separate exports), then its computer level; then each other server's computer
            // level with /fqdn:, Edge before the forwarding proxy
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'fe01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:global /configfile:\\bkp01.contoso.com\ocsbackup\settings\pool01-global-pool.xml /poolname:pool01 /restore:true",
            r"lcscmd /config /action:import /level:pool /configfile:\\bkp01.contoso.com\ocsbackup\settings\pool01-global-pool.xml /poolname:pool01 /restore:true",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fe01-machine.xml /fqdn:fe01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\arc01.contoso.com-machine.xml /fqdn:arc01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'med01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\med01.contoso.com-machine.xml /fqdn:med01.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'edge01.dmz.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\edge01-machine.xml /fqdn:edge01.dmz.contoso.com /restore:true",
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'fwd01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru",
            r"lcscmd /config /action:import /level:machine /configfile:\\bkp01.contoso.com\ocsbackup\settings\fwd01.contoso.com-machine.xml /fqdn:fwd01.contoso.com /restore:true",
            // all 14 services, in the seed's order
            r"sc \\be01.contoso.com start MSSQLSERVER",
            r"sc \\be01.contoso.com query MSSQLSERVER",
            r"sc \\arc01.contoso.com start RTCLOG",
            r"sc \\fe01.contoso.com start RTCSRV",
            r"sc \\fe01.contoso.com query RTCSRV",
            r"sc \\fe01.contoso.com start RTCIMMCU",
            r"sc \\fe01.contoso.com start RTCACPMCU",
            r"sc \\web01.contoso.com start W3SVC",
            r"sc \\conf01.contoso.com start RTCDATAMCU",
            r"sc \\av01.contoso.com start RTCAVMCU",
            r"sc \\med01.contoso.com start RTCMEDSRV",
            r"sc \\fwd01.contoso.com start RTCSRV",
            r"sc \\edge01.dmz.contoso.com start RTCSRV",
            r"sc \\edge01.dmz.contoso.com start RTCDATAPROXY",
            r"sc \\edge01.dmz.contoso.com start RTCMEDIARELAY",
            r"sc \\edge01.dmz.contoso.com start RTCMRAUTH",
            // what the import stopped on the Archiving and CDR Server and no start order names
            r"powershell -NoProfile -NonInteractive -Command Get-Service -ComputerName 'arc01.contoso.com' -DisplayName 'Office Communications Server*' | Where-Object { $_.Status -eq 'Stopped' } | Start-Service -PassThru",
            // validation of the four primary services
            r"sc \\fe01.contoso.com query RTCSRV",
            r"sc \\conf01.contoso.com query RTCDATAMCU",
            r"sc \\av01.contoso.com query RTCAVMCU",
            r"sc \\web01.contoso.com query W3SVC",
            // restore-domain: the directory was restored, not rebuilt, so RTC only needs to be there
            r"sqlcmd -S be01\rtc -E -b -Q SET NOCOUNT ON; SELECT name, state_desc FROM sys.databases WHERE name = 'rtc'",
        ],
    );
}

/// One drill: a loss scenario in one topology, and the answers that pick its path.
struct Drill {
    name: &'static str,
    topology: &'static str,
    answers: &'static str,
}

/// Every loss scenario of "Restoring Service" in every topology it applies to (as the plan
/// goldens), the other losses, and between them every platform path, every database, both
/// directions of a site, and every "may also need" answer.
const DRILLS: &[Drill] = &[
    Drill {
        name: "rtc-database, server kept",
        topology: "standard",
        answers: r#"lost = ["rtc-database"]
os_healthy = true
platform = "prepare"
databases = ["RTC"]"#,
    },
    Drill {
        name: "rtc-database, back-end rebuilt on new hardware",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["rtc-database"]
os_healthy = false
hardware_usable = false
platform = "rebuild"
databases = ["RTC", "ACDDyn"]"#,
    },
    Drill {
        name: "rtc-database, back-end reinstalled, log backups to follow",
        topology: "enterprise-expanded",
        answers: r#"lost = ["rtc-database"]
os_healthy = false
hardware_usable = true
platform = "reinstall"
databases = ["RTC"]
recovery_state = "NORECOVERY""#,
    },
    Drill {
        name: "standard-edition, recovered, users moved with their contacts",
        topology: "standard",
        answers: r#"lost = ["standard-edition"]
os_healthy = false
hardware_usable = true
platform = "recover"
move_users = true
keep_contacts = true
databases = ["RTC"]"#,
    },
    Drill {
        name: "enterprise-servers, consolidated, conferencing on the front-end",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["front-end", "web-conferencing"]
os_healthy = true
platform = "prepare"
"setup-platform[web-conferencing]/platform" = "none"
move_users = true
keep_contacts = false"#,
    },
    Drill {
        name: "enterprise-servers, expanded, standby servers",
        topology: "enterprise-expanded",
        answers: r#"lost = ["front-end", "director", "web-components", "web-conferencing", "av-conferencing", "app-sharing"]
os_healthy = false
hardware_usable = false
platform = "standby"
move_users = false"#,
    },
    Drill {
        name: "active-directory with the Standard Edition server, rebuilt domain",
        topology: "standard",
        answers: r#"lost = ["standard-edition", "active-directory"]
os_healthy = false
hardware_usable = true
platform = "recover"
domain_rebuilt = true
databases = ["RTC"]
settings_layout = "separate"
move_users = false"#,
    },
    Drill {
        name: "active-directory with the front-ends, pool re-created",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["front-end", "active-directory"]
os_healthy = true
platform = "prepare"
pool_state = "recreated"
attach_archiving = true
domain_rebuilt = false
databases = ["RTC"]
move_users = false"#,
    },
    Drill {
        name: "active-directory with the back-end and front-ends, pool re-created",
        topology: "enterprise-expanded",
        answers: r#"lost = ["back-end", "front-end", "active-directory"]
os_healthy = false
hardware_usable = true
platform = "reinstall"
pool_state = "recreated"
attach_archiving = false
domain_rebuilt = true
databases = ["RTC", "ACDDyn"]
move_users = true
keep_contacts = true"#,
    },
    Drill {
        name: "archiving-cdr and LCSLog, read-only standby restore",
        topology: "standard",
        answers: r#"lost = ["archiving-cdr", "lcslog-database"]
os_healthy = true
platform = "prepare"
databases = ["LCSLog"]
recovery_state = "STANDBY""#,
    },
    Drill {
        name: "archiving-cdr and monitoring, recovered",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["archiving-cdr", "monitoring"]
os_healthy = false
hardware_usable = true
platform = "recover"
databases = ["LCSLog", "RTCCDR", "QoEMetrics"]"#,
    },
    Drill {
        name: "archiving-cdr",
        topology: "enterprise-expanded",
        answers: r#"lost = ["archiving-cdr"]
os_healthy = true
platform = "prepare"
databases = ["LCSLog"]"#,
    },
    Drill {
        name: "perimeter, kept",
        topology: "standard",
        answers: r#"lost = ["mediation", "edge", "forwarding-proxy"]
os_healthy = true
platform = "prepare""#,
    },
    Drill {
        name: "perimeter, rebuilt",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["mediation", "edge", "forwarding-proxy"]
os_healthy = false
hardware_usable = false
platform = "rebuild""#,
    },
    Drill {
        name: "perimeter, reinstalled",
        topology: "enterprise-expanded",
        answers: r#"lost = ["mediation", "edge", "forwarding-proxy"]
os_healthy = false
hardware_usable = true
platform = "reinstall""#,
    },
    Drill {
        name: "site without a secondary site, rebuilt in place",
        topology: "standard",
        answers: r#"lost = ["site"]
os_healthy = false
secondary_site = false
domain_rebuilt = false
databases = ["RTC"]
site_servers = "se01.contoso.com"
site_servers_start = "se01.contoso.com"
server_roles = ["standard-edition"]"#,
    },
    Drill {
        name: "site without a secondary site, pool re-created",
        topology: "enterprise-expanded",
        answers: r#"lost = ["site"]
os_healthy = false
secondary_site = false
domain_rebuilt = true
databases = ["RTC"]
site_servers = "fe01.contoso.com,fe02.contoso.com"
site_servers_start = "fe02.contoso.com,fe01.contoso.com"
server_roles = ["front-end"]
attach_archiving = true"#,
    },
    Drill {
        name: "site, fail over to the secondary site",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["site"]
os_healthy = false
secondary_site = true
direction = "failover""#,
    },
    Drill {
        name: "site, fail back to a rebuilt Standard Edition server",
        topology: "standard",
        answers: r#"lost = ["site"]
os_healthy = false
secondary_site = true
direction = "failback"
primary_rebuilt = true"#,
    },
    Drill {
        name: "site, fail back to a rebuilt pool",
        topology: "enterprise-expanded",
        answers: r#"lost = ["site"]
os_healthy = false
secondary_site = true
direction = "failback"
primary_rebuilt = true"#,
    },
    Drill {
        name: "site, fail back after a power cut",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["site"]
os_healthy = true
secondary_site = true
direction = "failback"
primary_rebuilt = false"#,
    },
    Drill {
        name: "persistent-chat",
        topology: "standard",
        answers: r#"lost = ["persistent-chat"]"#,
    },
    Drill {
        name: "persistent-chat",
        topology: "enterprise-consolidated",
        answers: r#"lost = ["persistent-chat"]"#,
    },
    Drill {
        name: "persistent-chat",
        topology: "enterprise-expanded",
        answers: r#"lost = ["persistent-chat"]"#,
    },
    Drill {
        name: "file shares",
        topology: "standard",
        answers: r#"lost = ["file-shares"]"#,
    },
    Drill {
        name: "back-end rebuilt, pool kept",
        topology: "enterprise-expanded",
        answers: r#"lost = ["back-end"]
os_healthy = false
hardware_usable = false
platform = "rebuild"
pool_state = "lost"
databases = ["RTC"]
move_users = false"#,
    },
];

/// The drill's answers file: the shared names and places, then its own answers.
fn drill_answers(drill: &Drill) -> String {
    let base = std::fs::read_to_string(fixture("restore-service/drill-base.toml")).expect("base");
    let mut file: toml::Table = toml::from_str(&base).expect("base parses");
    let own: toml::Table = toml::from_str(drill.answers).expect("drill answers parse");
    let answers = file
        .get_mut("answers")
        .and_then(toml::Value::as_table_mut)
        .expect("[answers]");
    answers.insert("topology".into(), drill.topology.into());
    answers.extend(own);
    toml::to_string(&file).expect("answers serialize")
}

/// The keys of every step the session entered, from its journal.
fn entered_steps(sb: &Sandbox) -> BTreeSet<String> {
    let sessions = sb.home().join("sessions");
    let mut keys = BTreeSet::new();
    for session in std::fs::read_dir(sessions).expect("sessions").flatten() {
        let journal =
            std::fs::read_to_string(session.path().join("journal.jsonl")).expect("journal");
        for line in journal.lines() {
            let (_, json) = line.split_once(' ').expect("crc and JSON");
            let record: serde_json::Value = serde_json::from_str(json).expect("JSON");
            if record["event"]["type"] == "step-entered" {
                keys.insert(record["event"]["step"].as_str().expect("step").to_string());
            }
        }
    }
    keys
}

/// Runs one drill to its end; the steps it entered, or why it did not finish.
fn run_drill(drill: &Drill) -> Result<BTreeSet<String>, String> {
    // No stub and no backup share: a drill must need nothing of the deployment.
    let sb = Sandbox::in_memory();
    let answers = sb.write("answers.toml", &drill_answers(drill));
    let out = run(&sb, &answers, false, true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && stdout.lines().any(|l| l.ends_with(" finished")) {
        Ok(entered_steps(&sb))
    } else {
        Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[test]
fn every_loss_scenario_drills_to_the_end_and_reaches_every_procedure() {
    // Journals are fsynced per event; a few drills at a time keep the disk (or memory) busy.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(drill) = DRILLS.get(i) else { break };
                    let result = run_drill(drill);
                    results.lock().expect("results").push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(i, r)| {
            r.as_ref()
                .err()
                .map(|e| format!("{} ({}): {e}", DRILLS[*i].name, DRILLS[*i].topology))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "drills that did not finish:\n{}",
        failures.join("\n")
    );
    let by_name = |name: &str, topology: &str| -> &BTreeSet<String> {
        let (_, r) = results
            .iter()
            .find(|(i, _)| DRILLS[*i].name == name && DRILLS[*i].topology == topology)
            .expect("a drill of that name");
        r.as_ref().expect("finished")
    };
    let all: BTreeSet<&String> = results
        .iter()
        .flat_map(|(_, r)| r.as_ref().expect("finished"))
        .collect();
    let reached = |prefix: &str| all.iter().any(|k| k.starts_with(prefix));

    // Every procedure of DOMAIN.md is reachable from restore-service.
    for include in [
        "prerequisites/",
        "setup-platform[",
        "install-tools/",
        "recreate-pool/",
        "restore-databases/",
        "restore-file-shares/",
        "restore-settings-standard/",
        "restore-settings-enterprise/",
        "reassign-users/",
        "restore-domain/",
        "restore-site/",
        "persistent-chat-failback/",
    ] {
        assert!(reached(include), "no drill reached '{include}'");
    }
    // The five platform paths, and "nothing to set up".
    for first in [
        "prepare-logon",
        "recover-logon",
        "reinstall-plan",
        "rebuild-plan",
        "standby-plan",
        "none-note",
    ] {
        assert!(
            all.iter()
                .any(|k| k.starts_with("setup-platform[") && k.ends_with(&format!("/{first}"))),
            "no drill took the platform path of '{first}'"
        );
    }
    // Every database, in every recovery state.
    for step in [
        "restore-rtc",
        "restore-rtc-norecovery",
        "restore-lcslog-standby",
        "restore-rtccdr",
        "restore-qoemetrics",
        "restore-acddyn",
    ] {
        assert!(reached(&format!("restore-databases/{step}")), "{step}");
    }
    // Servers are activated only into a re-created pool.
    assert!(reached(
        "restore-settings-enterprise/activate-front-end-archiving"
    ));
    assert!(reached("restore-settings-enterprise/activate-front-end"));
    // A site: fail over, fail back into a re-created pool or a redeployed Standard Edition
    // server, or just power the primary site back on.
    assert!(reached("restore-site/fo-restore-rtc"));
    assert!(reached("restore-site/fo-move-users-force"));
    assert!(reached("restore-site/fb-power-on"));
    let se_failback = by_name(
        "site, fail back to a rebuilt Standard Edition server",
        "standard",
    );
    assert!(se_failback.contains("restore-site/fb-recreate-standard-pool"));
    assert!(
        !se_failback.iter().any(|k| k.contains("recreate-pool/")),
        "a Standard Edition pool is never re-created with lcscmd"
    );
    let ee_failback = by_name("site, fail back to a rebuilt pool", "enterprise-expanded");
    assert!(ee_failback.contains("restore-site/fb-recreate-pool/create-pool"));
    assert!(!ee_failback.contains("restore-site/fb-recreate-standard-pool"));
    // Without a secondary site the site is rebuilt in place: no failover, no failback.
    let in_place = by_name(
        "site without a secondary site, pool re-created",
        "enterprise-expanded",
    );
    assert!(in_place.contains("recreate-pool/create-pool"));
    assert!(!in_place.iter().any(|k| k.starts_with("restore-site/")));
    // Every server of the site, one at a time: built, imported and activated in restore
    // order, started in start order.
    for fe in ["fe01.contoso.com", "fe02.contoso.com"] {
        assert!(in_place.contains(&format!("site-servers[{fe}]/ocs")));
        assert!(in_place.contains(&format!(
            "restore-settings-enterprise/site-servers[{fe}]/activate-front-end-archiving"
        )));
        assert!(in_place.contains(&format!(
            "restore-settings-enterprise/site-start[{fe}]/front-end"
        )));
    }
    assert!(!in_place.contains("restore-settings-enterprise/activate-front-end"));
    // Users keep their contacts only when asked for.
    assert!(reached("reassign-users/restore-contacts"));
}

#[test]
fn the_readme_drill_of_a_lost_front_end_runs_to_its_end() {
    let sb = Sandbox::in_memory();
    let out = run(
        &sb,
        std::path::Path::new("assets/answers/drill-front-end.toml"),
        true,
        true,
    );
    assert_finished(&out, "assets/answers/drill-front-end.toml");
    assert!(sb.invocations().is_empty(), "a drill runs nothing");
}

#[test]
fn every_bundled_check_is_simulated_in_a_drill() {
    // The rule of wizards/README.md: every bundled check looks at the deployment (a share, a
    // server, a DNS record, a tool on the console), so a drill shows what it would report.
    let catalog = lifeline::app::catalog::load_catalog(&[]).expect("bundled wizards load");
    for wizard in catalog.wizards.values() {
        for step in wizard
            .steps
            .iter()
            .filter(|s| s.kind == lifeline::wizard::StepKind::Check)
        {
            assert_eq!(
                step.drill_mode(),
                lifeline::wizard::DrillMode::Simulate,
                "{}/{}: a check of the deployment runs for real in a drill",
                wizard.id,
                step.id
            );
            assert!(
                step.drill_output.is_some(),
                "{}/{}: a simulated check shows what it would report",
                wizard.id,
                step.id
            );
        }
    }
}
