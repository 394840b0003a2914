//! `lifeline report SESSION [--format md|html|json] [--output FILE]`: a session rendered
//! from its journal and pinned wizards (never modified, lock or not).

use std::path::Path;

use lifeline::journal;
use lifeline::report::{self, Format};

use crate::cli::ReportFormat;
use crate::commands::{Failure, bad};

/// Renders the report of `session` (an id or a unique prefix).
pub fn report(session: &str, format: ReportFormat, output: Option<&Path>) -> Result<u8, Failure> {
    let home = journal::lifeline_home().map_err(bad)?;
    let dir = journal::find_session(&home, session).map_err(bad)?;
    let (built, damage) = lifeline::app::usecase::from_session_dir_read_only(&dir).map_err(bad)?;
    if let Some(damage) = damage {
        eprintln!("lifeline: warning: {damage}");
    }
    let format = match format {
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Html => Format::Html,
        ReportFormat::Json => Format::Json,
    };
    let text = report::render(&built, format);
    tracing::info!(session = %built.session, ?format, "report rendered");
    match output {
        None => {
            out!("{text}");
            Ok(0)
        }
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Failure {
                code: 1,
                message: format!("cannot write the report to '{}': {e}", path.display()),
            })?;
            outln!("report written to {}", path.display());
            Ok(0)
        }
    }
}
