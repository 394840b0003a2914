//! The network checks: a TCP connection, and DNS names (A/AAAA through the system
//! resolver, `ToSocketAddrs`; SRV records through `dig` or `nslookup`, since the standard library cannot ask
//! for them and a DNS client crate would be a large addition for one record type).

use std::net::{IpAddr, TcpStream, ToSocketAddrs};
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::checks::CheckResult;
use super::pathsearch::{find_on_path, path_extensions};

/// A TCP connection to `host:port` opens within `limit`.
pub async fn tcp_connect(host: &str, port: &str, limit: Duration) -> CheckResult {
    let Ok(port_number) = port.trim().parse::<u16>() else {
        return CheckResult::fail(format!("'{port}' is not a port number"));
    };
    let target = format!("{host}:{port_number}");
    let host = host.to_string();
    let job = move || connect_sync(&host, port_number, limit);
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(job)).await {
        Ok(Ok(Ok((ip, ms)))) => {
            CheckResult::pass(format!("connected to {target} ({ip}) in {ms} ms"))
        }
        Ok(Ok(Err(e))) => CheckResult::fail(format!("cannot connect to {target}: {e}")),
        Ok(Err(e)) => CheckResult::fail(format!("the check stopped: {e}")),
        Err(_) => CheckResult::fail(format!(
            "no answer from {target} within {} s",
            limit.as_secs()
        )),
    }
}

/// Resolves and tries each address in turn until one accepts, within `limit` overall.
fn connect_sync(host: &str, port: u16, limit: Duration) -> std::io::Result<(IpAddr, u128)> {
    let started = Instant::now();
    let mut last = std::io::Error::other("no address");
    for addr in (host, port).to_socket_addrs()? {
        let left = limit.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(std::io::Error::from(std::io::ErrorKind::TimedOut));
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(_) => return Ok((addr.ip(), started.elapsed().as_millis())),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// `name` resolves (A/AAAA, or SRV when `srv`), to `expect` among the answers when given.
pub async fn dns(name: &str, srv: bool, expect: Option<&str>, limit: Duration) -> CheckResult {
    if srv {
        return srv_check(name, expect, limit).await;
    }
    let addresses = match resolve(name, limit).await {
        Ok(a) => a,
        Err(e) => return CheckResult::fail(e),
    };
    let list = addresses
        .iter()
        .map(IpAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let found = format!("'{name}' resolves to {list}");
    let Some(expect) = expect else {
        return CheckResult::pass(found);
    };
    if let Ok(ip) = expect.trim().parse::<IpAddr>() {
        return if addresses.contains(&ip) {
            CheckResult::pass(found)
        } else {
            fail_with(found, format!("'{name}' does not resolve to {ip}"))
        };
    }
    // A host name expected: the system resolver hides CNAMEs, so compare where both lead.
    match resolve(expect, limit).await {
        Ok(theirs) if theirs.iter().any(|a| addresses.contains(a)) => {
            CheckResult::pass(format!("{found}, an address of '{expect}' too"))
        }
        Ok(_) => fail_with(found, format!("'{name}' and '{expect}' share no address")),
        Err(e) => fail_with(found, e),
    }
}

fn fail_with(found: String, why: String) -> CheckResult {
    CheckResult {
        passed: false,
        warning: None,
        detail: vec![found, why],
    }
}

async fn resolve(name: &str, limit: Duration) -> Result<Vec<IpAddr>, String> {
    let owned = name.to_string();
    let job = move || {
        (owned.as_str(), 0u16)
            .to_socket_addrs()
            .map(|a| a.collect::<Vec<_>>())
    };
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(job)).await {
        Ok(Ok(Ok(addrs))) => {
            let mut ips: Vec<IpAddr> = Vec::new();
            for a in addrs {
                if !ips.contains(&a.ip()) {
                    ips.push(a.ip());
                }
            }
            if ips.is_empty() {
                Err(format!("'{name}' has no address"))
            } else {
                Ok(ips)
            }
        }
        Ok(Ok(Err(e))) => Err(format!("'{name}' does not resolve: {e}")),
        Ok(Err(e)) => Err(format!("the lookup of '{name}' stopped: {e}")),
        Err(_) => Err(format!(
            "no DNS answer for '{name}' within {} s",
            limit.as_secs()
        )),
    }
}

/// One SRV answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvAnswer {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// Lower case, without the trailing dot.
    pub target: String,
}

impl SrvAnswer {
    fn new(priority: &str, weight: &str, port: &str, target: &str) -> Option<SrvAnswer> {
        Some(SrvAnswer {
            priority: priority.parse().ok()?,
            weight: weight.parse().ok()?,
            port: port.parse().ok()?,
            target: target.trim_end_matches('.').to_ascii_lowercase(),
        })
    }

    /// `expect` names this answer: its target, or `target:port`.
    pub fn matches(&self, expect: &str) -> bool {
        let expect = expect.trim().trim_end_matches('.').to_ascii_lowercase();
        expect == self.target || expect == format!("{}:{}", self.target, self.port)
    }
}

/// `dig +short SRV` lines: `priority weight port target.`
pub fn parse_dig(output: &str) -> Vec<SrvAnswer> {
    output
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [p, w, port, target] => SrvAnswer::new(p, w, port, target),
            _ => None,
        })
        .collect()
}

/// `nslookup -type=SRV` output, both the Unix form (`name service = 0 0 5061 host.`) and
/// the Windows form (`priority = 0`, `weight = 0`, `port = 5061`, `svr hostname = host`).
pub fn parse_nslookup(output: &str) -> Vec<SrvAnswer> {
    let mut answers = Vec::new();
    let mut fields: [Option<String>; 3] = [None, None, None];
    for line in output.lines() {
        if let Some((_, rest)) = line.split_once("service = ") {
            if let [p, w, port, target] = rest.split_whitespace().collect::<Vec<_>>()[..] {
                answers.extend(SrvAnswer::new(p, w, port, target));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "priority" => fields[0] = Some(value),
            "weight" => fields[1] = Some(value),
            "port" => fields[2] = Some(value),
            "svr hostname" => {
                if let [Some(p), Some(w), Some(port)] = &fields {
                    answers.extend(SrvAnswer::new(p, w, port, &value));
                }
                fields = [None, None, None];
            }
            _ => {}
        }
    }
    answers
}

/// Parses one tool's SRV output.
type SrvParser = fn(&str) -> Vec<SrvAnswer>;

async fn srv_check(name: &str, expect: Option<&str>, limit: Duration) -> CheckResult {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let exts = path_extensions();
    let (tool, args, parse): (&str, Vec<String>, SrvParser) = if find_on_path("dig", &path, &exts)
        .is_some()
    {
        (
            "dig",
            vec!["+short".into(), "SRV".into(), name.into()],
            parse_dig,
        )
    } else if find_on_path("nslookup", &path, &exts).is_some() {
        (
            "nslookup",
            vec!["-type=SRV".into(), name.into()],
            parse_nslookup,
        )
    } else {
        return CheckResult::fail(format!(
            "cannot resolve SRV here: neither 'dig' nor 'nslookup' is on PATH (looking for '{name}')"
        ));
    };
    let run = tokio::process::Command::new(tool)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(limit, run).await {
        Ok(Ok(o)) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(Err(e)) => return CheckResult::fail(format!("cannot run '{tool}': {e}")),
        Err(_) => {
            return CheckResult::fail(format!(
                "no SRV answer for '{name}' within {} s",
                limit.as_secs()
            ));
        }
    };
    let answers = parse(&output);
    if answers.is_empty() {
        return CheckResult::fail(format!("no SRV record for '{name}' (asked {tool})"));
    }
    let list = answers
        .iter()
        .map(|a| {
            format!(
                "{}:{} (priority {}, weight {})",
                a.target, a.port, a.priority, a.weight
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let found = format!("'{name}' has SRV records {list}");
    match expect {
        Some(e) if !answers.iter().any(|a| a.matches(e)) => {
            fail_with(found, format!("no SRV record for '{name}' points to '{e}'"))
        }
        _ => CheckResult::pass(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dig_short_output_is_parsed() {
        let a = parse_dig("0 0 5061 sip.contoso.com.\n10 50 443 Pool01.Contoso.com.\n;; junk\n");
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].target, "pool01.contoso.com");
        assert!(a[0].matches("sip.contoso.com:5061"));
        assert!(a[0].matches("SIP.contoso.com."));
        assert!(!a[0].matches("sip.contoso.com:443"));
    }

    #[test]
    fn unix_and_windows_nslookup_output_is_parsed() {
        let unix = "Server:\t\t127.0.0.53\n\n_sipinternaltls._tcp.contoso.com\tservice = 0 0 5061 pool01.contoso.com.\n";
        assert_eq!(parse_nslookup(unix)[0].port, 5061);
        let windows = "Server:  dc01.contoso.com\nAddress:  10.0.0.1\n\n\
            _sipinternaltls._tcp.contoso.com\tSRV service location:\n\
            \t  priority       = 0\n\t  weight         = 0\n\t  port           = 5061\n\
            \t  svr hostname   = pool01.contoso.com\n\
            pool01.contoso.com\tinternet address = 10.0.0.5\n";
        let a = parse_nslookup(windows);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].target, "pool01.contoso.com");
        assert_eq!((a[0].priority, a[0].weight, a[0].port), (0, 0, 5061));
    }
}
