//! A small summary file beside each ended session's journal, so `lifeline sessions` (and the
//! home screen) list a thousand sessions without replaying a thousand journals.
//!
//! The journal stays the truth: the file records the journal's length and CRC-32 when it was
//! written and is used only while the journal still has exactly those; otherwise (missing,
//! stale, unreadable) the summary is worked out from the journal again. It is written by the
//! process that drove the session, holding its lock, once the drive is over (the single
//! writer), all at once (temporary file, fsync, rename). Only ended sessions get one: an
//! open session's state depends on live processes and is always read from its journal.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::store::Summary;
use crate::journal;

const FILE: &str = "summary.json";

/// Where a session stands, as `lifeline sessions` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SummaryState {
    InProgress,
    Interrupted,
    Failed,
    Finished,
    Aborted,
    /// The journal cannot be read.
    Unreadable,
}

impl SummaryState {
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryState::InProgress => "in-progress",
            SummaryState::Interrupted => "interrupted",
            SummaryState::Failed => "failed",
            SummaryState::Finished => "finished",
            SummaryState::Aborted => "aborted",
            SummaryState::Unreadable => "unreadable",
        }
    }

    /// Finished or aborted: nothing more will happen in it.
    pub fn ended(self) -> bool {
        matches!(self, SummaryState::Finished | SummaryState::Aborted)
    }
}

impl std::fmt::Display for SummaryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    /// The journal's length in bytes when this was written.
    journal_len: u64,
    /// CRC-32 of the whole journal then: any change to it (a note appended, a damaged byte)
    /// makes this file stale. Reading and hashing a journal costs far less than replaying it.
    journal_crc: u32,
    summary: Summary,
}

/// The journal's length and CRC-32 as it is now.
fn journal_key(dir: &Path) -> Option<(u64, u32)> {
    let bytes = std::fs::read(journal::journal_path(dir)).ok()?;
    Some((bytes.len() as u64, crc32fast::hash(&bytes)))
}

/// The stored summary, if the journal has not changed since it was written.
pub fn read(dir: &Path) -> Option<Summary> {
    let text = std::fs::read(dir.join(FILE)).ok()?;
    let stored: Stored = serde_json::from_slice(&text).ok()?;
    (Some((stored.journal_len, stored.journal_crc)) == journal_key(dir)
        && stored.summary.state.ended())
    .then_some(stored.summary)
}

/// Writes the summary of an ended session (call holding its lock, after the drive).
/// Nothing is written for an open session; a failure only costs speed, never truth.
pub fn save(dir: &Path) {
    let Some((len, crc)) = journal_key(dir) else {
        return;
    };
    let mut summary = super::store::summarize_journal(dir);
    if !summary.state.ended() {
        return;
    }
    // Who holds the lock is looked up live on every listing.
    summary.locked_by = None;
    let stored = Stored {
        journal_len: len,
        journal_crc: crc,
        summary,
    };
    if let Ok(bytes) = serde_json::to_vec(&stored)
        && let Err(e) = journal::write_atomic(&dir.join(FILE), &bytes)
    {
        tracing::warn!("could not write the session summary: {e}");
    }
}

/// Compared with its name as shown (`"finished"`), as callers did when it was a string.
impl PartialEq<&str> for SummaryState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
