//! A step's processes as one unit: every process an attempt starts (its child, and whatever
//! that child starts, even after `setsid` or a double fork) carries a per-attempt token in its
//! environment, so lifeline can find them all again, verify each by pid *and* start time, and
//! end them; and the machine they run on (host name and boot id) is recorded, so a process on
//! another machine, or from before a reboot, is never mistaken for a local one.
//!
//! The supervisor also becomes a child subreaper (Linux), so descendants whose parents exit
//! stay in its tree, and the child gets a parent-death signal, so the supervisor dying (the
//! OOM killer, a stray kill) takes the child with it instead of leaving it running unseen.
//!
//! Platform code stays behind the small functions at the bottom; other systems get
//! conservative fallbacks (nothing found, nothing tied) until they have their own.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::status::start_token;

/// The environment variable carrying an attempt's token into its processes.
pub const TOKEN_VAR: &str = "LIFELINE_ATTEMPT";

/// Which machine, in which boot, a process runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    pub host: String,
    /// `/proc/sys/kernel/random/boot_id` on Linux; absent where there is none.
    #[serde(default)]
    pub boot: Option<String>,
}

impl Machine {
    /// This machine now. The host name is the operator's (`HOSTNAME`, `/etc/hostname`, ...):
    /// the same name the lock's holder record uses.
    pub fn current() -> Machine {
        Machine {
            host: crate::journal::current_operator().host,
            boot: boot_id(),
        }
    }

    /// Whether a process recorded with `self` could be looked up here by pid: same host and,
    /// when both know it, the same boot.
    pub fn is_here(&self) -> bool {
        let here = Machine::current();
        let short = |h: &str| h.split('.').next().unwrap_or(h).to_ascii_lowercase();
        let same_host = self.host.eq_ignore_ascii_case(&here.host) || short(&self.host) == short(&here.host);
        same_host && self.same_boot_as(&here)
    }

    fn same_boot_as(&self, other: &Machine) -> bool {
        match (&self.boot, &other.boot) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// Same host name but another boot: every process recorded then is gone.
    pub fn rebooted_since(&self) -> bool {
        let here = Machine::current();
        self.host.eq_ignore_ascii_case(&here.host) && !self.same_boot_as(&here)
    }
}

/// A fresh attempt token: the supervisor's pid and start time and a few nanoseconds, so no
/// two attempts ever share one.
pub fn new_token(pid: u32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut token = String::new();
    let _ = write!(
        token,
        "{pid}-{}-{nanos:x}",
        start_token(pid).unwrap_or_default()
    );
    token
}

/// A live process that carries an attempt's token, with its start time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub pid: u32,
    pub start: Option<String>,
}

/// Every live process (not zombie) that carries `token`, except this process.
pub fn members(token: &str) -> Vec<Member> {
    if token.is_empty() {
        return Vec::new();
    }
    platform::members(token)
}

/// Ends every process carrying `token`: TERM, up to `grace` for them to go, then KILL, until
/// none is left (at most a few seconds more). Each is signalled only after its token and start
/// time were read back from the OS. Returns how many were found.
pub fn end_all(token: &str, grace: std::time::Duration) -> usize {
    let found = members(token);
    if found.is_empty() {
        return 0;
    }
    for m in &found {
        platform::signal_verified(m, token, false);
    }
    let deadline = std::time::Instant::now() + grace;
    while std::time::Instant::now() < deadline && !members(token).is_empty() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let hard = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let left = members(token);
        if left.is_empty() || std::time::Instant::now() >= hard {
            break;
        }
        for m in &left {
            platform::signal_verified(m, token, true);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    found.len()
}

/// Makes this process a child subreaper (Linux): orphaned descendants stay its children.
pub fn become_subreaper() {
    platform::become_subreaper();
}

/// The boot id of this machine, where the OS has one.
pub fn boot_id() -> Option<String> {
    platform::boot_id()
}

#[cfg(target_os = "linux")]
mod platform {
    use super::{Member, TOKEN_VAR};
    use crate::exec::status::start_token;

    pub fn boot_id() -> Option<String> {
        let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let id = id.trim();
        (!id.is_empty()).then(|| id.to_string())
    }

    pub fn become_subreaper() {
        // SAFETY: prctl with integer arguments only.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
    }

    fn carries(pid: u32, token: &str) -> bool {
        // Bounded: a process's environment is small; a huge one is not ours to scan.
        let Ok(file) = std::fs::File::open(format!("/proc/{pid}/environ")) else {
            return false;
        };
        let mut bytes = Vec::new();
        use std::io::Read;
        if file.take(1 << 20).read_to_end(&mut bytes).is_err() {
            return false;
        }
        let want = format!("{TOKEN_VAR}={token}");
        bytes.split(|&b| b == 0).any(|entry| entry == want.as_bytes())
    }

    fn zombie(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| s.rfind(')').map(|i| s[i + 1..].trim_start().starts_with('Z')))
            .unwrap_or(true)
    }

    pub fn members(token: &str) -> Vec<Member> {
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            if pid <= 1 || pid == me || !carries(pid, token) || zombie(pid) {
                continue;
            }
            found.push(Member {
                pid,
                start: start_token(pid),
            });
        }
        found
    }

    pub fn signal_verified(m: &Member, token: &str, force: bool) {
        let Ok(pid) = libc::pid_t::try_from(m.pid) else {
            return;
        };
        // Re-read right before the signal: still the same process, still carrying the token.
        if pid <= 1 || start_token(m.pid) != m.start || m.start.is_none() || !carries(m.pid, token) {
            return;
        }
        let sig = if force { libc::SIGKILL } else { libc::SIGTERM };
        // SAFETY: kill(2) of one verified positive pid.
        unsafe {
            libc::kill(pid, sig);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use super::Member;

    pub fn boot_id() -> Option<String> {
        None
    }

    pub fn become_subreaper() {}

    pub fn members(_token: &str) -> Vec<Member> {
        Vec::new()
    }

    pub fn signal_verified(_m: &Member, _token: &str, _force: bool) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_is_here_and_another_host_is_not() {
        let here = Machine::current();
        assert!(here.is_here());
        let other = Machine {
            host: format!("{}-elsewhere", here.host),
            boot: here.boot.clone(),
        };
        assert!(!other.is_here());
        assert!(!other.rebooted_since());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn members_are_found_by_token_and_ended() {
        let token = new_token(std::process::id());
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .env(TOKEN_VAR, &token)
            .spawn()
            .unwrap();
        let pid = child.id();
        let start = std::time::Instant::now();
        while members(&token).is_empty() && start.elapsed().as_secs() < 5 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(members(&token).iter().map(|m| m.pid).collect::<Vec<_>>(), [pid]);
        assert!(members("another-token").iter().all(|m| m.pid != pid));
        // `sleep` is our own child: its zombie is reaped by wait below; end_all sees it gone.
        let waiter = std::thread::spawn(move || child.wait());
        assert_eq!(end_all(&token, std::time::Duration::from_secs(2)), 1);
        assert!(waiter.join().unwrap().is_ok());
        assert!(members(&token).is_empty());
    }
}
