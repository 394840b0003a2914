//! The simulated `powershell`: the forms the bundled wizards use to stop, start and look at
//! services on a remote server, and to let a console reach SQL Server Express (TCP/IP through
//! the SQL Server WMI provider, the SQL Server Browser).

use super::sim::{Deployment, between, is_sql, unknown};

/// `powershell -NoProfile -NonInteractive -Command TEXT`: the forms the wizards use.
pub fn powershell(dep: &mut Deployment, args: &[String]) -> (i32, String) {
    let Some(text) = args
        .iter()
        .position(|a| a == "-Command")
        .map(|i| args[i + 1..].join(" "))
    else {
        return unknown("powershell call", args);
    };
    // `-ComputerName 'fe01'` or `-ComputerName ('fe01,fe02' -split ',')`.
    let hosts: Vec<String> = between(&text, "-ComputerName '", "'")
        .or_else(|| between(&text, "-ComputerName ('", "'"))
        .map(|h| h.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    if text.contains("ServerNetworkProtocol") {
        return express_tcp(dep, &hosts, &text);
    }
    if text.contains("-Name SQLBrowser") {
        return browser(dep, &hosts);
    }
    if text.contains("Start-Service") {
        // `foreach ($name in 'A','B') {...}` starts those; the Where-Object form every
        // stopped OCS service.
        let named: Option<Vec<String>> = (if text.starts_with("foreach") {
            between(&text, "in ", ")")
        } else {
            None
        })
        .map(|l| {
            l.split(',')
                .map(|s| s.trim_matches('\'').to_string())
                .collect()
        });
        let mut out = String::new();
        for host in &hosts {
            let names: Vec<String> = match dep.servers.get(host) {
                Some(s) => s
                    .services
                    .keys()
                    .filter(|n| !is_sql(n))
                    .filter(|n| named.as_ref().is_none_or(|l| l.contains(n)))
                    .cloned()
                    .collect(),
                None => {
                    return (
                        1,
                        format!("Cannot open Service Control Manager on computer '{host}'.\n"),
                    );
                }
            };
            for name in names {
                dep.start(host, &name);
                out.push_str(&format!("Running  {name}\n"));
            }
        }
        return (0, out);
    }
    if text.contains("Stop-Service") {
        let mut out = String::new();
        for host in &hosts {
            let Some(server) = dep.servers.get_mut(host) else {
                return (
                    1,
                    format!(
                        "Get-Service : Cannot open Service Control Manager on computer '{host}'.\n"
                    ),
                );
            };
            for (name, running) in server.services.iter_mut().filter(|(n, _)| !is_sql(n)) {
                *running = false;
                out.push_str(&format!("Stopped  {name}\n"));
            }
            dep.write(host, "stop every OCS service".into());
        }
        return (0, out);
    }
    if text.contains("$running") && text.contains("exit 1") {
        for host in &hosts {
            let Some(server) = dep.servers.get(host) else {
                return (
                    1,
                    format!("Cannot open Service Control Manager on computer '{host}'.\n"),
                );
            };
            if server.services.iter().any(|(n, r)| *r && !is_sql(n)) {
                return (1, format!("Running services on {host}\n"));
            }
        }
        return (0, String::new());
    }
    unknown("powershell command", &[text])
}

/// Enables TCP/IP for an instance through the SQL Server WMI provider and restarts it (with
/// `-Force`, which stops every service that depends on it: the OCS services of the server).
fn express_tcp(dep: &mut Deployment, hosts: &[String], text: &str) -> (i32, String) {
    let (Some(host), Some(name)) = (hosts.first(), between(text, "$name = '", "'")) else {
        return unknown("powershell command", &[text.to_string()]);
    };
    // The WMI provider on `host` knows the instances of that server only.
    let short = host.split('.').next().unwrap_or("");
    let instance = format!("{short}\\{name}").to_ascii_lowercase();
    let name = name.to_ascii_uppercase();
    if !dep.servers.contains_key(host) {
        return (
            1,
            format!("Get-WmiObject : The RPC server is unavailable ({host}).\n"),
        );
    }
    let service = if name == "MSSQLSERVER" {
        name.clone()
    } else {
        format!("MSSQL${name}")
    };
    let Some(express) = dep.express.get_mut(&instance) else {
        // Not an Express instance: a full SQL Server takes TCP/IP, or no such instance.
        return if dep.servers[host].services.contains_key(&service) {
            (
                0,
                format!("TCP/IP is already enabled for {name}: nothing changed\n"),
            )
        } else {
            (
                1,
                format!("No TCP/IP protocol found for the SQL Server instance {name}\n"),
            )
        };
    };
    if express.tcp {
        return (
            0,
            format!("TCP/IP is already enabled for {name}: nothing changed\n"),
        );
    }
    express.tcp = true;
    express.listening = true;
    if let Some(server) = dep.servers.get_mut(host) {
        server
            .services
            .iter_mut()
            .filter(|(n, _)| !is_sql(n))
            .for_each(|(_, running)| *running = false);
    }
    dep.write(
        host,
        format!("enable TCP/IP for {name} and restart MSSQL${name}"),
    );
    (
        0,
        format!("TCP/IP enabled for {name}; MSSQL${name} restarted\n"),
    )
}

/// `Set-Service ... -Name SQLBrowser -StartupType Automatic; ... | Start-Service`.
fn browser(dep: &mut Deployment, hosts: &[String]) -> (i32, String) {
    let Some(host) = hosts.first() else {
        return unknown("powershell command", &[]);
    };
    let Some(server) = dep.servers.get_mut(host) else {
        return (
            1,
            format!("Set-Service : Cannot open Service Control Manager on computer '{host}'.\n"),
        );
    };
    let was = server.services.insert("SQLBrowser".into(), true);
    if was != Some(true) {
        dep.write(host, "start SQLBrowser".into());
    }
    (0, "Running\n".into())
}
