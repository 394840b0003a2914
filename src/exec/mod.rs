//! Running steps: processes, the detached supervisor, the drill simulator, built-in checks.
//!
//! Files of one attempt live in `<session>/steps/` under one stem (see [`step_stem`]):
//! `<stem>.spec.json` (what to run, secret-free), `<stem>.pid.json` (who runs it),
//! `<stem>.out` (merged, redacted output), `<stem>.status.json` (how it ended) and
//! `<stem>.cancel` (a request to stop). Secret values reach the supervisor only through
//! its stdin pipe and never land on disk.
//!
//! The driver calls [`run_to_end`] for an `Effect::Execute`, [`attach`] on resume and
//! [`request_cancel`] when the operator stops a step. The binary must hand the hidden
//! mode to [`supervise_main_from_args`].

pub mod checks;
pub mod claim;
pub mod diskfree;
pub mod follow;
pub mod launch;
pub mod netcheck;
pub mod pathsearch;
pub mod process;
pub mod pump;
pub mod quote;
pub mod redact;
pub mod run;
pub mod simulate;
pub mod status;
pub mod supervisor;
pub mod terminal;
pub mod tree;
#[cfg(windows)]
pub mod win;
pub mod winpath;

use std::path::{Path, PathBuf};

use thiserror::Error;

pub use checks::{CheckResult, run_check};
pub use follow::{OutputBuffer, OutputFollower};
pub use launch::{
    AttachState, Launched, Liveness, Tuning, attach, launch, launch_with, liveness, output_cap,
    request_cancel, running_elsewhere,
};
pub use redact::redact;
pub use run::{run_inline, run_to_end, run_to_end_with, wait_for_end};
pub use simulate::{drill_speed, simulate};
pub use supervisor::{SUPERVISE_MODE, SuperviseArgs, supervise_main, supervise_main_from_args};

/// The message of an attempt the operator cancelled.
pub const CANCELLED: &str = "cancelled by the operator";

/// How many output lines a report keeps as its tail.
pub const TAIL_LINES: usize = 20;

/// Why a step could not be handed to a supervisor.
#[derive(Debug, Error)]
pub enum ExecError {
    #[error("cannot create '{path}': {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot start the supervisor '{program}': {source}")]
    SpawnSupervisor {
        program: String,
        source: std::io::Error,
    },
    #[error("cannot hand the step over to its supervisor: {0}")]
    Handover(std::io::Error),
    #[error("the supervisor did not report back within {0} s")]
    NoHandshake(u64),
    #[error(
        "the supervisor '{program}' ended ({how}) without taking the step: does it handle '__supervise'?"
    )]
    SupervisorExited { program: String, how: String },
}

/// The file stem of one attempt: the step key made safe as a file name, then the attempt.
///
/// Keys like `restore[pool01]/attach` hold characters some file systems refuse; those become
/// `_`, and a short checksum of the original key keeps two such keys apart.
pub fn step_stem(step: &str, attempt: u32) -> String {
    let safe: String = step
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.len() > MAX_STEM_KEY {
        // A long `for_each` value would make a file name the file system refuses (255 bytes
        // on most): keep a readable start and let a hash of the whole key tell keys apart.
        use sha2::Digest;
        let digest = sha2::Sha256::digest(step.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let head: String = safe
            .trim_start_matches('.')
            .chars()
            .take(MAX_STEM_KEY / 2)
            .collect();
        return format!("{head}-{hash}.{attempt}");
    }
    if safe == step && !step.starts_with('.') {
        format!("{safe}.{attempt}")
    } else {
        let sum = crc32fast::hash(step.as_bytes());
        format!("{}-{sum:08x}.{attempt}", safe.trim_start_matches('.'))
    }
}

/// Longest step key kept whole in a file name; longer ones are shortened and hashed.
const MAX_STEM_KEY: usize = 96;

/// The paths of one attempt's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFiles {
    pub dir: PathBuf,
    pub stem: String,
}

impl StepFiles {
    /// The files of `stem` under `<session_dir>/steps`.
    pub fn new(session_dir: &Path, stem: &str) -> StepFiles {
        StepFiles {
            dir: session_dir.join("steps"),
            stem: stem.to_string(),
        }
    }

    fn file(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.stem))
    }

    pub fn spec(&self) -> PathBuf {
        self.file("spec.json")
    }
    pub fn pid(&self) -> PathBuf {
        self.file("pid.json")
    }
    pub fn out(&self) -> PathBuf {
        self.file("out")
    }
    pub fn status(&self) -> PathBuf {
        self.file("status.json")
    }
    pub fn cancel(&self) -> PathBuf {
        self.file("cancel")
    }
    /// Who took the attempt (see [`claim`]).
    pub fn claim(&self) -> PathBuf {
        self.file("claim.json")
    }

    /// The output file relative to the session directory, as journaled (always `/`).
    pub fn out_relative(&self) -> String {
        format!("steps/{}.out", self.stem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_keep_their_name() {
        assert_eq!(step_stem("backup-rtc", 2), "backup-rtc.2");
    }

    #[test]
    fn scoped_keys_become_safe_and_stay_distinct() {
        let a = step_stem("restore[pool01]/attach", 1);
        let b = step_stem("restore_pool01__attach", 1);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
        );
        assert!(a.starts_with("restore_pool01__attach-"));
        assert_ne!(a, b);
        assert!(!step_stem("../x", 1).starts_with('.'));
    }

    #[test]
    fn long_keys_are_shortened_and_stay_distinct() {
        let a = format!("restore[{}]/attach", "x".repeat(240));
        let b = format!("restore[{}y]/attach", "x".repeat(239));
        let (sa, sb) = (step_stem(&a, 1), step_stem(&b, 1));
        assert!(sa.len() < 80, "{sa}");
        assert_ne!(sa, sb);
        assert!(sa.ends_with(".1"));
    }
}
