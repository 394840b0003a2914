//! Who owns an attempt: `steps/<stem>.claim.json`, created once and never replaced.
//!
//! The supervisor claims its attempt before it does anything else; a launcher that gave up
//! waiting, or a resume that finds no claim, claims it as *abandoned* instead. The file is
//! created exclusively (a hard link of a complete temporary file, so nobody ever reads half
//! a claim), so exactly one of them wins: an attempt is either confirmed started by a named
//! supervisor on a named machine, or positively known never to run. A late supervisor that
//! finds its attempt abandoned exits without running anything.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::tree::Machine;

/// Who claimed an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimedBy {
    /// A supervisor runs (or ran) it.
    Supervisor,
    /// Given up before any supervisor took it: it never runs.
    Abandoned,
}

/// The content of a claim file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub by: ClaimedBy,
    /// The claiming process (the supervisor, or whoever abandoned the attempt).
    pub pid: u32,
    #[serde(default)]
    pub start: Option<String>,
    pub machine: Machine,
    /// The attempt's process token (see [`super::tree`]); supervisors only.
    #[serde(default)]
    pub token: Option<String>,
    /// Why it was abandoned.
    #[serde(default)]
    pub note: Option<String>,
}

impl Claim {
    /// A claim by this process.
    pub fn here(by: ClaimedBy, token: Option<String>, note: Option<&str>) -> Claim {
        let pid = std::process::id();
        Claim {
            by,
            pid,
            start: super::status::start_token(pid),
            machine: Machine::current(),
            token,
            note: note.map(str::to_string),
        }
    }
}

/// Creates `path` holding `claim` unless it exists. `Ok(true)`: this claim won.
pub fn try_claim(path: &Path, claim: &Claim) -> io::Result<bool> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("a claim needs a directory"))?;
    let json = serde_json::to_vec_pretty(claim).map_err(io::Error::other)?;
    let mut tmp = tempfile::Builder::new().prefix(".claim-").tempfile_in(dir)?;
    tmp.write_all(&json)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    let won = match fs::hard_link(tmp.path(), path) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
        // A file system without hard links: an exclusive create (a reader may then briefly
        // see an empty claim, which `read_claim` treats as "being written").
        Err(_) => match super::status::private_options().write(true).create_new(true).open(path) {
            Ok(mut file) => {
                file.write_all(&json)?;
                file.sync_all()?;
                true
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(e),
        },
    };
    super::status::sync_dir(dir);
    Ok(won)
}

/// What a claim file says: `Ok(None)` when there is none yet; an empty or unreadable one
/// (being written) is retried briefly.
pub fn read_claim(path: &Path) -> io::Result<Option<Claim>> {
    let mut tries = 0;
    loop {
        match super::status::read_json::<Claim>(path) {
            Err(e) if e.kind() == io::ErrorKind::InvalidData && tries < 25 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_claim_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.1.claim.json");
        let a = Claim::here(ClaimedBy::Supervisor, Some("t".into()), None);
        let b = Claim::here(ClaimedBy::Abandoned, None, Some("late"));
        assert!(try_claim(&path, &a).unwrap());
        assert!(!try_claim(&path, &b).unwrap());
        assert_eq!(read_claim(&path).unwrap(), Some(a));
        assert_eq!(read_claim(&dir.path().join("none")).unwrap(), None);
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
