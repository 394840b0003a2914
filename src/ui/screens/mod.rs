//! The screens of a session and of home, and the overlays. Each takes the state and a
//! frame area and draws; none does I/O. Shared here: the step's introduction (title, what
//! to do, why, source), wrapped to the width and clipped to the room there is.

pub mod confirm;
pub mod decision;
pub mod end;
pub mod form;
pub mod home;
pub mod overlay;
pub mod plan;
pub mod step;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::session::SessionUi;
use super::text::{truncate, wrap};
use super::theme::Theme;
use super::view::StepView;
use crate::wizard::StepKind;

/// Wrapped lines of `text` in one style, each indented by `indent` spaces.
pub fn para(text: &str, width: usize, indent: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, width.saturating_sub(indent + 1))
        .into_iter()
        .map(|row| Line::styled(format!("{}{row}", " ".repeat(indent)), style))
        .collect()
}

/// A word for the kind of step.
pub fn kind_word(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Info => "information",
        StepKind::Choice => "decision",
        StepKind::Input => "form",
        StepKind::Manual => "manual step",
        StepKind::Command => "command",
        StepKind::Check => "check",
        StepKind::Include => "procedure",
    }
}

/// Title, a line of facts (kind, server, attempt), what to do, why (when shown), source.
pub fn intro(
    step: &StepView,
    session: &SessionUi,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        truncate(&format!(" {}", step.heading()), width),
        theme.title(),
    )];
    let mut facts = vec![kind_word(step.def.kind).to_string()];
    if let Some(server) = &step.server {
        facts.push(format!("on {server}"));
    }
    if step.record.attempts > 0 {
        facts.push(format!("attempts so far: {}", step.record.attempts));
    }
    if step.wizard_title != session.title() {
        facts.push(format!("part of: {}", step.wizard_title));
    }
    lines.push(Line::styled(
        truncate(&format!(" {}", facts.join(" · ")), width),
        theme.dim(),
    ));
    if let Some(body) = &step.body {
        lines.extend(para(body, width, 1, theme.normal()));
    }
    if session.widgets.show_why
        && let Some(why) = &step.def.why
    {
        lines.extend(para(&format!("Why: {why}"), width, 1, theme.info()));
    }
    if let Some(source) = &step.def.source {
        lines.push(Line::styled(
            truncate(&format!(" Source: {source}"), width),
            theme.dim(),
        ));
    }
    lines
}

/// At most `max` lines; when cut, the last one says how to see the rest: `key` (`v`, or `F3`
/// on a screen where `v` types into a field) opens the whole step.
pub fn clip(
    mut lines: Vec<Line<'static>>,
    max: usize,
    key: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if lines.len() <= max {
        return lines;
    }
    lines.truncate(max.saturating_sub(1));
    if max > 0 {
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(format!("… more: {key} view all"), theme.dim()),
        ]));
    }
    lines
}
