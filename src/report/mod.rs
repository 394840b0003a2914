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
