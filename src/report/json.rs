//! The report as one JSON object (the fields of `model::Report`), for scripts and archives.

use super::model::Report;

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    // Serializing plain data with string keys cannot fail; an empty object is never wrong.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
