//! Who is at the keyboard: user and host name, found without ever failing.

use time::OffsetDateTime;

use crate::session::event::{LockHolder, Operator};

/// The current user (`USER` / `USERNAME`) and host (`HOSTNAME` / `COMPUTERNAME`,
/// `/etc/hostname`, the `hostname` command); `unknown` where nothing says.
pub fn current_operator() -> Operator {
    Operator {
        user: env_value(&["USER", "USERNAME", "LOGNAME"]).unwrap_or_else(|| "unknown".into()),
        host: host_name(),
    }
}

/// This process as a lock holder, since now.
pub fn current_holder() -> LockHolder {
    let Operator { user, host } = current_operator();
    LockHolder {
        user,
        host,
        pid: std::process::id(),
        since: OffsetDateTime::now_utc(),
    }
}

fn host_name() -> String {
    env_value(&["HOSTNAME", "COMPUTERNAME"])
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .and_then(|s| non_empty(&s))
        })
        .or_else(|| {
            std::process::Command::new("hostname")
                .output()
                .ok()
                .filter(|out| out.status.success())
                .and_then(|out| non_empty(&String::from_utf8_lossy(&out.stdout)))
        })
        .unwrap_or_else(|| "unknown".into())
}

fn env_value(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().and_then(|v| non_empty(&v)))
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Whether two host names name the same machine: case-insensitive, and a short name
/// matches its fully qualified form (`console01` = `CONSOLE01.contoso.local`).
pub(crate) fn same_host(a: &str, b: &str) -> bool {
    let short = |h: &str| h.split('.').next().unwrap_or(h).to_ascii_lowercase();
    a.eq_ignore_ascii_case(b) || short(a) == short(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_empty() {
        let op = current_operator();
        assert!(!op.user.is_empty());
        assert!(!op.host.is_empty());
        assert_eq!(current_holder().pid, std::process::id());
    }

    #[test]
    fn host_comparison() {
        assert!(same_host("console01", "CONSOLE01.contoso.local"));
        assert!(same_host("Console01", "console01"));
        assert!(!same_host("console01", "console02"));
    }
}
