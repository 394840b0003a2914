//! The simulated deployment: one JSON file holding the state of an OCS deployment, and the
//! stub tools (`lcscmd`, `sqlcmd`, `sc`, `powershell`, `robocopy`, `ipconfig`) that
//! read and change it. The test binary is the stub: installed under a tool's name (a
//! symbolic link on Unix, a copy named `NAME.exe` on Windows), it acts as that tool.
//!
//! The stubs understand the commands the bundled wizards issue, nothing more: an
//! unknown command is logged and fails, so a wizard change that issues something new shows
//! up as a failing step rather than a silent success.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The tools this binary stands in for.
pub const TOOLS: [&str; 6] = [
    "lcscmd",
    "sqlcmd",
    "sc",
    "powershell",
    "robocopy",
    "ipconfig",
];

/// The environment variable naming the state file.
pub const STATE_ENV: &str = "LIFELINE_SIM_STATE";

/// One server of the deployment.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Server {
    pub roles: Vec<String>,
    pub pool: Option<String>,
    /// Service name -> running.
    pub services: BTreeMap<String, bool>,
    /// Setting levels imported on this server: `machine` (and `pool`, `global` through it).
    pub settings: BTreeSet<String>,
    /// Activated in its pool (Enterprise front-ends and conferencing servers).
    pub activated: bool,
}

/// One database on an SQL instance.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Database {
    /// `ONLINE`, `RESTORING`, `STANDBY`, `RESTRICTED_USER` or `MISSING`.
    pub state: String,
    /// The backup sets (file, position) restored into it, in order; empty for the original.
    pub restored: Vec<(String, u32)>,
    /// Users whose data (contact lists) the database holds.
    pub users: BTreeSet<String>,
}

/// One backup set in a backup file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BackupSet {
    pub database: String,
    /// 1 full, 5 differential, 2 log (SQL Server's BackupType numbers).
    pub kind: u32,
    pub finished: String,
    /// Users whose data this set holds.
    pub users: BTreeSet<String>,
}

/// How an SQL Server Express instance takes connections from another computer (a Standard
/// Edition server's RTC instance). SQL Server 2005 Express is installed with TCP/IP disabled
/// and the SQL Server Browser, which tells a client the port of a named instance, disabled.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Express {
    /// TCP/IP is enabled in the instance's network configuration.
    pub tcp: bool,
    /// The instance listens on TCP/IP: it was enabled when the instance last started.
    pub listening: bool,
}

/// A change made to the deployment by a tool: what, and which server or pool it touched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Write {
    pub target: String,
    pub what: String,
}

/// The whole deployment.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Deployment {
    pub servers: BTreeMap<String, Server>,
    /// `instance/database` (`be01\rtc/RTC`) -> database.
    pub databases: BTreeMap<String, Database>,
    /// Backup file (Windows path) -> its sets, position 1 first.
    pub backups: BTreeMap<String, Vec<BackupSet>>,
    /// Pool name -> setting levels imported for it (`global`, `pool`).
    pub pools: BTreeMap<String, BTreeSet<String>>,
    /// User -> the pool they are homed on.
    pub users: BTreeMap<String, String>,
    /// SQL Server Express instances (`se01\rtc`) and whether they take remote connections;
    /// an instance not listed is a full SQL Server that does.
    #[serde(default)]
    pub express: BTreeMap<String, Express>,
    /// Every change, in order.
    pub writes: Vec<Write>,
    /// Problems the stubs noticed (a service started against a database that is not in
    /// normal use, a restore while a service uses the database).
    pub faults: Vec<String>,
}

/// The OCS services each role runs (sc names), in start order within the role.
pub fn services_of(role: &str) -> &'static [&'static str] {
    match role {
        "back-end" => &["MSSQLSERVER"],
        // SQL Server Express and its Browser, then the OCS services the Standard Edition
        // start order names (Step 3: Start Services), and IIS for the Web Components.
        "standard-edition" => &[
            "MSSQL$RTC",
            "SQLBrowser",
            "RTCSRV",
            "RTCIMMCU",
            "RTCACPMCU",
            "RTCDATAMCU",
            "RTCAVMCU",
            "W3SVC",
        ],
        "front-end" => &["RTCSRV", "RTCIMMCU", "RTCACPMCU"],
        "director" => &["RTCSRV"],
        "web-components" => &["W3SVC"],
        "web-conferencing" => &["RTCDATAMCU"],
        "av-conferencing" => &["RTCAVMCU"],
        "app-sharing" => &["RTCASMCU"],
        "archiving-cdr" => &["RTCLOG"],
        "monitoring" => &["RTCCDR", "RTCQMS"],
        "mediation" => &["RTCMEDSRV"],
        "edge" => &["RTCSRV", "RTCDATAPROXY", "RTCMEDIARELAY", "RTCMRAUTH"],
        "forwarding-proxy" => &["RTCSRV"],
        _ => &[],
    }
}

/// What `sc query` shows as a service's display name.
fn display_name(service: &str) -> String {
    if is_sql(service) {
        format!("SQL Server or IIS ({service})")
    } else {
        format!("Office Communications Server {service}")
    }
}

/// SQL Server's own services: never stopped by "stop every OCS service".
pub(crate) fn is_sql(service: &str) -> bool {
    service.starts_with("MSSQL") || service == "SQLBrowser" || service == "W3SVC"
}

impl Deployment {
    pub fn load(path: &Path) -> Deployment {
        let text = std::fs::read_to_string(path).expect("read the deployment state");
        serde_json::from_str(&text).expect("parse the deployment state")
    }

    pub fn save(&self, path: &Path) {
        let text = serde_json::to_string_pretty(self).expect("serialize");
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).expect("write the deployment state");
        std::fs::rename(&tmp, path).expect("replace the deployment state");
    }

    /// The server an SQL instance (`be01\rtc`) or short name runs on.
    pub fn host_of(&self, name: &str) -> Option<String> {
        let short = name.split('\\').next()?.to_ascii_lowercase();
        if self.servers.contains_key(&short) {
            return Some(short);
        }
        self.servers
            .keys()
            .find(|f| f.split('.').next() == Some(short.as_str()))
            .cloned()
    }

    pub(crate) fn write(&mut self, target: &str, what: String) {
        self.writes.push(Write {
            target: target.to_string(),
            what,
        });
    }

    /// Starts a service, noting a fault when a database it needs is not in normal use.
    pub(crate) fn start(&mut self, host: &str, service: &str) {
        for db in self.needs(host, service) {
            let state = &self.databases[&db].state;
            if state != "ONLINE" {
                self.faults
                    .push(format!("{service} started on {host} while {db} is {state}"));
            }
        }
        if let Some(s) = self.servers.get_mut(host) {
            s.services.insert(service.to_string(), true);
        }
    }

    /// The databases each service needs in normal use.
    pub(crate) fn needs(&self, host: &str, service: &str) -> Vec<String> {
        let db = match service {
            "RTCSRV"
                if self.servers.get(host).is_some_and(|s| {
                    s.roles
                        .iter()
                        .any(|r| r == "front-end" || r == "standard-edition")
                }) =>
            {
                "RTC"
            }
            "RTCLOG" => "LCSLog",
            "RTCCDR" => "RTCCDR",
            "RTCQMS" => "QoEMetrics",
            _ => return vec![],
        };
        // A pool's servers use their own pool's back-end; the others the database by name.
        let pool = self.servers.get(host).and_then(|s| s.pool.clone());
        let backend = pool.and_then(|p| {
            self.servers
                .iter()
                .find(|(_, s)| {
                    s.pool.as_deref() == Some(p.as_str())
                        && s.roles
                            .iter()
                            .any(|r| r == "back-end" || r == "standard-edition")
                })
                .map(|(f, _)| f.split('.').next().unwrap_or("").to_string())
        });
        self.databases
            .keys()
            .filter(|k| k.ends_with(&format!("/{db}")))
            .filter(|k| {
                db != "RTC"
                    || backend
                        .as_ref()
                        .is_some_and(|b| k.starts_with(&format!("{b}\\")))
            })
            .cloned()
            .collect()
    }
}

/// Runs as the stub `tool` with `args`; returns the exit code.
pub fn run_tool(tool: &str, args: &[String]) -> i32 {
    let Some(state) = std::env::var_os(STATE_ENV).map(PathBuf::from) else {
        eprintln!("{tool}: {STATE_ENV} is not set");
        return 3;
    };
    let mut dep = Deployment::load(&state);
    let (code, out) = match tool {
        "sc" => sc(&mut dep, args),
        "sqlcmd" => sqlcmd(&mut dep, args),
        "lcscmd" => lcscmd(&mut dep, args),
        "powershell" => super::powershell::powershell(&mut dep, args),
        "robocopy" => robocopy(&mut dep, args),
        "ipconfig" => (
            0,
            "Successfully flushed the DNS Resolver Cache.\n".to_string(),
        ),
        _ => (3, format!("unknown tool {tool}\n")),
    };
    dep.save(&state);
    print!("{out}");
    code
}

pub(crate) fn unknown(what: &str, args: &[String]) -> (i32, String) {
    (
        9,
        format!(
            "the simulated deployment does not know this {what}: {}\n",
            args.join(" ")
        ),
    )
}

fn sc(dep: &mut Deployment, args: &[String]) -> (i32, String) {
    let Some(host) = args.first().and_then(|h| h.strip_prefix("\\\\")) else {
        return unknown("sc command", args);
    };
    let Some(server) = dep.servers.get(host).cloned() else {
        return (
            1722,
            format!("[SC] OpenSCManager FAILED 1722: The RPC server is unavailable ({host}).\n"),
        );
    };
    let state = |running: bool| if running { "4  RUNNING" } else { "1  STOPPED" };
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("query"), None) => {
            let mut out = String::new();
            // Every installed service with its state (the wizards' checks look for the OCS
            // display names; `sc query` proper lists the active ones only).
            for (name, running) in &server.services {
                out.push_str(&format!(
                    "SERVICE_NAME: {name}\nDISPLAY_NAME: {}\n        STATE              : {}\n",
                    display_name(name),
                    state(*running)
                ));
            }
            (0, out)
        }
        (Some("query"), Some(name)) => match server.services.get(name) {
            Some(running) => (
                0,
                format!(
                    "SERVICE_NAME: {name}\n        STATE              : {}\n",
                    state(*running)
                ),
            ),
            None => (
                1060,
                format!(
                    "[SC] EnumQueryServicesStatus:OpenService FAILED 1060: {name} does not exist on {host}.\n"
                ),
            ),
        },
        (Some("start"), Some(name)) => {
            if !server.services.contains_key(name) {
                return (
                    1060,
                    format!(
                        "[SC] StartService: OpenService FAILED 1060: {name} does not exist on {host}.\n"
                    ),
                );
            }
            dep.start(host, name);
            (
                0,
                format!("SERVICE_NAME: {name}\n        STATE              : 2  START_PENDING\n"),
            )
        }
        (Some("stop"), Some(name)) => {
            if let Some(s) = dep.servers.get_mut(host) {
                s.services.insert(name.clone(), false);
            }
            dep.write(host, format!("stop {name}"));
            (
                0,
                format!("SERVICE_NAME: {name}\n        STATE              : 3  STOP_PENDING\n"),
            )
        }
        _ => unknown("sc command", args),
    }
}

/// The value of `/name:` among lcscmd's arguments.
fn switch<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let prefix = format!("/{name}:");
    args.iter().find_map(|a| a.strip_prefix(prefix.as_str()))
}

fn lcscmd(dep: &mut Deployment, args: &[String]) -> (i32, String) {
    let has = |a: &str| args.iter().any(|x| x.eq_ignore_ascii_case(a));
    let action = switch(args, "action").unwrap_or("");
    if has("/config") && action == "import" {
        let Some(level) = switch(args, "level") else {
            return unknown("lcscmd import", args);
        };
        if let Some(fqdn) = switch(args, "fqdn") {
            if !dep.servers.contains_key(fqdn) {
                return (1, format!("Server {fqdn} not found.\n"));
            }
            if let Some(s) = dep.servers.get_mut(fqdn) {
                s.settings.insert(level.to_string());
            }
            dep.write(fqdn, format!("import {level}"));
        } else if let Some(pool) = switch(args, "poolname") {
            // `/level:global,pool` imports both levels.
            dep.pools
                .entry(pool.to_string())
                .or_default()
                .extend(level.split(',').map(str::to_string));
            dep.write(&format!("pool:{pool}"), format!("import {level}"));
        } else {
            return unknown("lcscmd import", args);
        }
        return (0, format!("Import of {level} level settings succeeded.\n"));
    }
    // `/server:FQDN` and `/mcu:FQDN` (the resource kit's activation form), or `/fqdn:`.
    let named = switch(args, "server")
        .or_else(|| switch(args, "mcu"))
        .filter(|f| !f.is_empty());
    if has("/server") || has("/mcu") || named.is_some() {
        if action == "activate" {
            let Some(fqdn) = named.or_else(|| switch(args, "fqdn")) else {
                return unknown("lcscmd activation", args);
            };
            let Some(s) = dep.servers.get_mut(fqdn) else {
                return (1, format!("Server {fqdn} not found.\n"));
            };
            s.activated = true;
            dep.write(fqdn, "activate".into());
            return (0, "Activation succeeded.\n".into());
        }
        if action == "deactivate" {
            let Some(fqdn) = named.or_else(|| switch(args, "fqdn")) else {
                return unknown("lcscmd deactivation", args);
            };
            if let Some(s) = dep.servers.get_mut(fqdn) {
                s.activated = false;
            }
            dep.write(fqdn, "deactivate".into());
            return (0, "Deactivation succeeded.\n".into());
        }
    }
    if switch(args, "forest").is_some() && action.eq_ignore_ascii_case("CreatePool") {
        let (Some(pool), Some(backend)) = (switch(args, "poolname"), switch(args, "poolbe")) else {
            return unknown("lcscmd pool creation", args);
        };
        let Some(host) = dep.host_of(backend) else {
            return (1, format!("Cannot reach SQL Server {backend}.\n"));
        };
        // A created pool has new, empty databases on its back-end.
        dep.databases.insert(
            format!("{}/RTC", backend.to_ascii_lowercase()),
            Database {
                state: "ONLINE".into(),
                ..Default::default()
            },
        );
        dep.write(&host, "create the pool databases".into());
        dep.pools.insert(pool.to_string(), BTreeSet::new());
        dep.write(&format!("pool:{pool}"), "create".into());
        return (0, format!("Pool {pool} created.\n"));
    }
    unknown("lcscmd command", args)
}

fn robocopy(dep: &mut Deployment, args: &[String]) -> (i32, String) {
    let Some(to) = args.get(1) else {
        return unknown("robocopy command", args);
    };
    let host = to
        .trim_start_matches('\\')
        .split('\\')
        .next()
        .unwrap_or("")
        .to_string();
    dep.write(&host, format!("copy into {to}"));
    // The copy itself, between the stand-ins of the Windows paths (this console is not
    // Windows), so the checks that follow find the folder in place.
    if let Some(root) = std::env::var_os("LIFELINE_WINDOWS_ROOT").map(PathBuf::from) {
        let map = |p: &str| lifeline::exec::winpath::map_windows_path(p, &root);
        if let (Some(from), Some(into)) = (args.first().and_then(|f| map(f)), map(to)) {
            copy_tree(&from, &into);
        }
    }
    // robocopy: 1 means files were copied.
    (1, "   Files :  12  12  0  0  0  0\n".into())
}

fn copy_tree(from: &Path, into: &Path) {
    std::fs::create_dir_all(into).expect("robocopy: create the target folder");
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = into.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("robocopy: copy a file");
        }
    }
}

/// `-Q` text of a sqlcmd call, and the server it connects to.
fn sqlcmd(dep: &mut Deployment, args: &[String]) -> (i32, String) {
    let instance = args
        .iter()
        .position(|a| a == "-S")
        .and_then(|i| args.get(i + 1));
    let query = args
        .iter()
        .position(|a| a == "-Q")
        .and_then(|i| args.get(i + 1));
    let (Some(instance), Some(query)) = (instance, query) else {
        return unknown("sqlcmd call", args);
    };
    let inst = instance.to_ascii_lowercase();
    let Some(host) = dep.host_of(&inst) else {
        return (
            1,
            format!(
                "Sqlcmd: Error: Named Pipes Provider: Could not open a connection to SQL Server [{instance}].\n"
            ),
        );
    };
    let sql_running = dep.servers[&host]
        .services
        .iter()
        .any(|(n, r)| n.starts_with("MSSQL") && *r)
        || !dep.servers[&host]
            .services
            .keys()
            .any(|n| n.starts_with("MSSQL"));
    if !sql_running {
        return (
            1,
            format!("Sqlcmd: Error: SQL Server on {instance} is not running.\n"),
        );
    }
    // This console is not the server: SQL Server Express answers it only over TCP/IP, and a
    // named instance is found only through the SQL Server Browser.
    if let Some(express) = dep.express.get(&inst) {
        let browser = dep.servers[&host].services.get("SQLBrowser") == Some(&true);
        if !(express.listening && browser) {
            return (
                1,
                "HResult 0x35, Level 16, State 1\nNamed Pipes Provider: Could not open a connection to SQL Server [53].\nSqlcmd: Error: Microsoft SQL Native Client : An error has occurred while establishing a connection to the server. When connecting to SQL Server 2005, this failure may be caused by the fact that under the default settings SQL Server does not allow remote connections..\nSqlcmd: Error: Microsoft SQL Native Client : Login timeout expired.\n".to_string(),
            );
        }
    }
    let q = query.as_str();
    if q == "SET NOCOUNT ON; SELECT 1" {
        return (0, "1\n".into());
    }
    if q.contains("FROM sys.databases") {
        let mut out = String::from("name    state_desc\nmaster  ONLINE\n");
        for (key, db) in dep
            .databases
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{inst}/")))
        {
            if db.state != "MISSING" {
                out.push_str(&format!("{}  {}\n", &key[inst.len() + 1..], db.state));
            }
        }
        return (0, out);
    }
    if let Some(name) = between(q, "DATABASEPROPERTYEX('", "'") {
        let key = format!("{inst}/{name}");
        let state = dep
            .databases
            .get(&key)
            .map_or("MISSING".to_string(), |d| d.state.clone());
        let shown = match state.as_str() {
            "MISSING" => "NULL".to_string(),
            "STANDBY" => "ONLINE STANDBY".to_string(),
            "RESTRICTED_USER" => "ONLINE RESTRICTED_USER".to_string(),
            s => s.to_string(),
        };
        return (0, format!("{shown}\n"));
    }
    if let Some(file) = between(q, "HEADERONLY FROM DISK = N'", "'") {
        let Some(sets) = dep.backups.get(file) else {
            return (
                1,
                format!("Msg 3201: Cannot open backup device '{file}'.\n"),
            );
        };
        let mut out = String::from("Position  BackupType  DatabaseName  BackupFinishDate\n");
        for (i, s) in sets.iter().enumerate() {
            out.push_str(&format!(
                "{}  {}  {}  {}\n",
                i + 1,
                s.kind,
                s.database,
                s.finished
            ));
        }
        return (0, out);
    }
    if let Some(file) = between(q, "VERIFYONLY FROM DISK = N'", "'") {
        let Some(sets) = dep.backups.get(file) else {
            return (
                1,
                format!("Msg 3201: Cannot open backup device '{file}'.\n"),
            );
        };
        let pos = file_number(q).unwrap_or(1);
        if pos as usize > sets.len() {
            return (
                1,
                format!("Msg 3246: The backup set at position {pos} does not exist.\n"),
            );
        }
        dep.write(&format!("verified:{file}"), format!("{pos}"));
        return (0, format!("The backup set on file {pos} is valid.\n"));
    }
    if q.contains("RESTORE DATABASE") || q.contains("RESTORE LOG") {
        return restore(dep, &inst, &host, q);
    }
    if let Some(name) = between(q, "ALTER DATABASE [", "]") {
        let key = format!("{inst}/{name}");
        let Some(db) = dep.databases.get_mut(&key) else {
            return (1, format!("Msg 911: Database '{name}' does not exist.\n"));
        };
        if q.contains("SET MULTI_USER") && db.state == "RESTRICTED_USER" {
            db.state = "ONLINE".into();
        }
        dep.write(&host, format!("alter {name}"));
        return (0, String::new());
    }
    unknown("query", std::slice::from_ref(query))
}

pub(crate) fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

fn file_number(q: &str) -> Option<u32> {
    let at = q.find("FILE = ")? + "FILE = ".len();
    let digits: String = q[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn restore(dep: &mut Deployment, inst: &str, host: &str, q: &str) -> (i32, String) {
    let name = between(q, "[", "]").unwrap_or("").to_string();
    let key = format!("{inst}/{name}");
    // `RESTORE DATABASE [X] WITH RECOVERY` (no FROM): bring a restoring database online.
    let Some(file) = between(q, "FROM DISK = N'", "'") else {
        if q.contains("WITH RECOVERY") {
            if let Some(db) = dep.databases.get_mut(&key) {
                db.state = "ONLINE".into();
            }
            dep.write(host, format!("recover {name}"));
            return (
                0,
                format!("RESTORE DATABASE successfully processed 0 pages ({name}).\n"),
            );
        }
        return unknown("restore", &[q.to_string()]);
    };
    let Some(sets) = dep.backups.get(file).cloned() else {
        return (
            1,
            format!("Msg 3201: Cannot open backup device '{file}'.\n"),
        );
    };
    let pos = file_number(q).unwrap_or(1);
    let Some(set) = sets.get(pos as usize - 1) else {
        return (
            1,
            format!("Msg 3246: The backup set at position {pos} does not exist.\n"),
        );
    };
    if set.database != name && !q.contains("MOVE") {
        return (
            1,
            format!(
                "Msg 3154: The backup set holds a backup of '{}', not '{name}'.\n",
                set.database
            ),
        );
    }
    let exists = dep
        .databases
        .get(&key)
        .is_some_and(|d| d.state != "MISSING");
    if exists && set.kind == 1 && !q.contains("REPLACE") {
        return (
            1,
            format!(
                "Msg 3159: The tail of the log for '{name}' has not been backed up; use WITH REPLACE to overwrite it.\n"
            ),
        );
    }
    for (fqdn, server) in &dep.servers {
        for (svc, running) in &server.services {
            if *running && dep.needs(fqdn, svc).contains(&key) {
                dep.faults.push(format!(
                    "{name} restored on {inst} while {svc} runs on {fqdn}"
                ));
            }
        }
    }
    let state = if q.contains("NORECOVERY") {
        "RESTORING"
    } else if q.contains("STANDBY") {
        "STANDBY"
    } else if q.contains("RESTRICTED_USER") {
        "RESTRICTED_USER"
    } else {
        "ONLINE"
    };
    let db = dep.databases.entry(key).or_default();
    if set.kind == 1 {
        db.restored.clear();
    }
    db.restored.push((file.to_string(), pos));
    db.users = set.users.clone();
    db.state = state.into();
    dep.write(host, format!("restore {name} from {file} set {pos}"));
    (
        0,
        format!(
            "RESTORE DATABASE successfully processed 1200 pages in 2.1 seconds ({name}, file {pos}).\n"
        ),
    )
}
