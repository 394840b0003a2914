//! The network checks: a TCP connection, and DNS names. SRV records are asked for with a DNS
//! client (hickory-resolver) using the system's DNS configuration (`/etc/resolv.conf`; the
//! registry on Windows), never by running `dig` or `nslookup` and reading their (localized)
//! text. A/AAAA names go through the system resolver (`ToSocketAddrs`, which also knows the
//! hosts file), what every program on this machine gets. `LIFELINE_DNS_SERVER` (`ip` or
//! `ip:port`) sends every DNS check to that server instead, e.g. the domain controller.

use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;

use super::checks::CheckResult;

/// The environment variable naming the DNS server every DNS check asks.
pub const DNS_SERVER_ENV: &str = "LIFELINE_DNS_SERVER";

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

/// The server named by `LIFELINE_DNS_SERVER`, if set: `Ok(None)` when unset.
fn configured_server() -> Result<Option<SocketAddr>, String> {
    let Some(value) = std::env::var_os(DNS_SERVER_ENV) else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(Some(addr));
    }
    text.parse::<IpAddr>()
        .map(|ip| Some(SocketAddr::new(ip, 53)))
        .map_err(|_| format!("{DNS_SERVER_ENV} '{text}' is not an address (ip or ip:port)"))
}

/// A DNS client: the configured server, else the system's DNS configuration.
fn resolver() -> Result<TokioResolver, String> {
    let builder = match configured_server()? {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![server]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio()
            .map_err(|e| format!("cannot read this machine's DNS configuration: {e}"))?,
    };
    builder
        .build()
        .map_err(|e| format!("cannot set up a DNS client: {e}"))
}

async fn resolve(name: &str, limit: Duration) -> Result<Vec<IpAddr>, String> {
    let found = match configured_server()? {
        Some(_) => resolve_with_client(name, limit).await?,
        None => resolve_with_system(name, limit).await?,
    };
    let mut ips: Vec<IpAddr> = Vec::new();
    for ip in found {
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    if ips.is_empty() {
        Err(format!("'{name}' has no address"))
    } else {
        Ok(ips)
    }
}

async fn resolve_with_system(name: &str, limit: Duration) -> Result<Vec<IpAddr>, String> {
    let owned = name.to_string();
    let job = move || {
        (owned.as_str(), 0u16)
            .to_socket_addrs()
            .map(|a| a.map(|a| a.ip()).collect::<Vec<_>>())
    };
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(job)).await {
        Ok(Ok(Ok(ips))) => Ok(ips),
        Ok(Ok(Err(e))) => Err(format!("'{name}' does not resolve: {e}")),
        Ok(Err(e)) => Err(format!("the lookup of '{name}' stopped: {e}")),
        Err(_) => Err(no_answer_within(name, limit)),
    }
}

async fn resolve_with_client(name: &str, limit: Duration) -> Result<Vec<IpAddr>, String> {
    if let Ok(ip) = name.trim().parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let client = resolver()?;
    match tokio::time::timeout(limit, client.lookup_ip(name)).await {
        Ok(Ok(found)) => Ok(found.iter().collect()),
        Ok(Err(e)) if e.is_no_records_found() => Err(format!("'{name}' has no address")),
        Ok(Err(e)) => Err(format!("'{name}' does not resolve: {e}")),
        Err(_) => Err(no_answer_within(name, limit)),
    }
}

fn no_answer_within(name: &str, limit: Duration) -> String {
    format!("no DNS answer for '{name}' within {} s", limit.as_secs())
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
    /// `expect` names this answer: its target, or `target:port`.
    pub fn matches(&self, expect: &str) -> bool {
        let expect = expect.trim().trim_end_matches('.').to_ascii_lowercase();
        expect == self.target || expect == format!("{}:{}", self.target, self.port)
    }
}

/// The SRV records of `name`; `Ok(empty)` when there are none.
async fn srv_lookup(name: &str, limit: Duration) -> Result<Vec<SrvAnswer>, String> {
    let client = resolver().map_err(|e| format!("cannot resolve SRV here: {e}"))?;
    let lookup = match tokio::time::timeout(limit, client.srv_lookup(name)).await {
        Ok(Ok(lookup)) => lookup,
        Ok(Err(e)) if e.is_no_records_found() => return Ok(Vec::new()),
        Ok(Err(e)) => return Err(format!("the SRV lookup of '{name}' failed: {e}")),
        Err(_) => {
            return Err(format!(
                "no SRV answer for '{name}' within {} s",
                limit.as_secs()
            ));
        }
    };
    Ok(lookup
        .answers()
        .iter()
        .filter_map(|record| match &record.data {
            RData::SRV(srv) => Some(SrvAnswer {
                priority: srv.priority,
                weight: srv.weight,
                port: srv.port,
                target: srv
                    .target
                    .to_string()
                    .trim_end_matches('.')
                    .to_ascii_lowercase(),
            }),
            _ => None,
        })
        .collect())
}

async fn srv_check(name: &str, expect: Option<&str>, limit: Duration) -> CheckResult {
    let answers = match srv_lookup(name, limit).await {
        Ok(answers) => answers,
        Err(e) => return CheckResult::fail(e),
    };
    if answers.is_empty() {
        return CheckResult::fail(format!("no SRV record for '{name}'"));
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
    fn an_srv_answer_matches_its_target_with_or_without_port() {
        let a = SrvAnswer {
            priority: 0,
            weight: 0,
            port: 5061,
            target: "sip.contoso.com".into(),
        };
        assert!(a.matches("sip.contoso.com:5061"));
        assert!(a.matches("SIP.contoso.com."));
        assert!(!a.matches("sip.contoso.com:443"));
        assert!(!a.matches("pool01.contoso.com"));
    }
}
