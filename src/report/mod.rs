//! A session rendered as Markdown, HTML or JSON from its journal and pinned wizards alone,
//! plus the timing and the drill score the renderers and the screens share.
//!
//! ```text
//! let report = report::build(&loaded.records, &loaded.catalog, inventory.as_ref())?;
//! let text = report::render(&report, report::Format::Html);
//! let lines = report::score(&report).lines();   // the end of a drill
//! ```

pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod score;
pub mod steps;
pub mod timeline;
pub mod timing;

use time::OffsetDateTime;

pub use model::{Report, ReportError, StepLine, StepState, build};
pub use score::{Score, score};

/// The report of a session directory: its journal, pinned wizards and pinned inventory (for
/// the target time), read without changing anything. The one helper here that reads disk.
pub fn from_session_dir(dir: &std::path::Path) -> Result<Report, String> {
    from_session_dir_read_only(dir).map(|(report, _)| report)
}

/// Like [`from_session_dir`], but a damaged journal still gives a report of its intact
/// records, with a one-line warning saying where the damage is. Never writes.
pub fn from_session_dir_read_only(
    dir: &std::path::Path,
) -> Result<(Report, Option<String>), String> {
    let (loaded, warning) = crate::app::store::load_read_only(dir).map_err(|e| e.to_string())?;
    // A pinned inventory that no longer parses only costs the target time.
    let inventory = loaded
        .inventory_text
        .as_deref()
        .and_then(|text| crate::inventory::Inventory::parse(text, "inventory.toml (pinned)").ok());
    build(&loaded.records, &loaded.catalog, inventory.as_ref())
        .map(|report| (report, warning))
        .map_err(|e| format!("session {}: {e}", loaded.id))
}

/// The output formats of `lifeline report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Json,
}

/// Renders a report in one format.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
        Format::Json => json::render(report),
    }
}

/// A time as people read it in a report: `2026-03-01 10:02:40 UTC`.
pub fn fmt_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A step's outcome in words: `done`, `done after 2 attempts`, `skipped`, `FAILED (exit 1)`.
pub fn outcome_label(s: &StepLine) -> String {
    match s.state {
        StepState::Done if s.attempts > 1 => format!("done after {} attempts", s.attempts),
        StepState::Failed => match s.exit_code {
            Some(code) => format!("FAILED (exit {code})"),
            None => "FAILED".to_string(),
        },
        StepState::Interrupted => "INTERRUPTED (outcome unknown)".to_string(),
        StepState::MarkedDone => "marked done by hand".to_string(),
        other => other.key().to_string(),
    }
}

/// An argv as one line people can read and paste (one spelling everywhere).
pub use crate::wizard::quote::readable_command as command_line;
