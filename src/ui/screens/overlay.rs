//! Windows over the screen: help (every key of the screen below), the quit question, text
//! prompts (skip, mark done, abort), cancelling a run, the whole step text, a report
//! command, and notices.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::para;
use crate::ui::keys::{Context, bindings};
use crate::ui::state::{AppState, Overlay, PromptPurpose};
use crate::ui::text::{chunks, truncate, width as cells, wrap};
use crate::ui::widgets::popup::{centered, window};

/// Draws the overlay, if any.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let Some(overlay) = &state.overlay else {
        return;
    };
    let theme = &state.theme;
    let w = area.width.saturating_sub(4).min(76);
    let inner_w = usize::from(w.saturating_sub(2));
    let session = state.session();
    let resume = session.map(|s| s.id.clone()).unwrap_or_default();
    let (title, lines, scroll) = match overlay {
        Overlay::Help { scroll } => (
            "Help: keys of this screen".to_string(),
            help_lines(state, inner_w),
            *scroll,
        ),
        Overlay::Quit => {
            let mut l = vec![Line::styled(" Quit lifeline?", theme.title())];
            match session {
                Some(s) if s.core.state.is_open() => {
                    l.extend(para("The session is saved: every decision so far is in its journal. Resume it later with:", inner_w, 1, theme.normal()));
                    // Wrapped: a full program path may be longer than the box.
                    l.extend(para(
                        &format!("{} resume {resume}", crate::invocation::program()),
                        inner_w,
                        3,
                        theme.command(),
                    ));
                    if s.running().is_some() {
                        l.extend(para("The running command goes on without the screens; resuming re-attaches to it.", inner_w, 1, theme.warn()));
                    }
                }
                _ => {}
            }
            l.push(Line::raw(""));
            l.push(keys_line(state, "y quit   n stay"));
            ("Quit".to_string(), l, 0)
        }
        Overlay::Prompt(prompt) => {
            let (title, text) = match &prompt.purpose {
                PromptPurpose::Skip { .. } => (
                    "Skip this step",
                    "Why is it skipped? The reason goes into the journal and the report.",
                ),
                PromptPurpose::MarkDone { .. } => (
                    "Mark this step done",
                    "You did it by hand or saw it finish. A note for the report (optional):",
                ),
                PromptPurpose::Abort => (
                    "Abort the session",
                    "The whole session ends and cannot be resumed. Why? Enter aborts, Esc keeps going.",
                ),
            };
            let mut l = para(text, inner_w, 1, theme.normal());
            let value = truncate(prompt.input.value(), inner_w.saturating_sub(3));
            let pad = inner_w.saturating_sub(3 + cells(&value));
            l.push(Line::from(vec![
                Span::raw(" > "),
                Span::styled(format!("{value}{}", " ".repeat(pad)), theme.field(true)),
            ]));
            let input_row = l.len() - 1;
            if let Some(error) = &prompt.error {
                l.extend(para(&format!("✗ {error}"), inner_w, 1, theme.error()));
            }
            let height = (l.len() + 2) as u16;
            let rect = centered(area, w, height);
            let inner = window(frame, rect, title, l, 0, theme);
            let x = 3 + prompt.input.visual_cursor().min(inner_w.saturating_sub(4));
            frame.set_cursor_position(Position::new(
                inner.x + x as u16,
                inner.y + input_row as u16,
            ));
            return;
        }
        Overlay::CancelRun { step, attempt } => {
            let mut l = para(
                &format!(
                    "Stop attempt {attempt} of '{step}'? The command is asked to stop; the step is then recorded as cancelled and can be run again."
                ),
                inner_w,
                1,
                theme.normal(),
            );
            l.push(Line::raw(""));
            l.push(keys_line(state, "y stop it   n let it run"));
            ("Cancel the command".to_string(), l, 0)
        }
        Overlay::View { scroll } => (
            "The whole step".to_string(),
            view_lines(state, inner_w),
            *scroll,
        ),
        Overlay::Report { session } => {
            let mut l = para(
                "This session has ended. Its report is written by:",
                inner_w,
                1,
                theme.normal(),
            );
            l.extend(para(
                &format!("{} report {session}", crate::invocation::program()),
                inner_w,
                3,
                theme.command(),
            ));
            l.push(Line::raw(""));
            l.push(keys_line(state, "c copy   Esc close"));
            ("Report".to_string(), l, 0)
        }
        Overlay::Notice { title, lines } => {
            let mut l = Vec::new();
            for line in lines {
                l.extend(para(&format!("! {line}"), inner_w, 1, theme.warn()));
            }
            l.push(Line::raw(""));
            l.push(keys_line(state, "Enter close"));
            (title.clone(), l, 0)
        }
    };
    let height = (lines.len() + 2) as u16;
    let rect = centered(area, w, height);
    window(frame, rect, &title, lines, scroll, theme);
}

fn keys_line(state: &AppState, text: &str) -> Line<'static> {
    Line::styled(format!(" {text}"), state.theme.key())
}

/// Every key of the screen under the help, and for a question, why it is asked.
fn help_lines(state: &AppState, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let context = state.screen_context();
    let mut lines = Vec::new();
    if let Some(step) = state.session().and_then(|s| s.step()) {
        if let Some(why) = &step.def.why {
            lines.extend(para(
                &format!("Why this step: {why}"),
                width,
                1,
                theme.info(),
            ));
        }
        let session = state.session();
        let field_help = session.and_then(|s| {
            s.widgets
                .decision
                .as_ref()
                .map(|d| d.ask.input.help.clone())
                .or_else(|| {
                    s.widgets
                        .form
                        .as_ref()
                        .and_then(|f| f.fields.get(f.focus))
                        .map(|f| f.ask.input.help.clone())
                })
        });
        if let Some(Some(help)) = field_help {
            lines.extend(para(
                &format!("About this value: {help}"),
                width,
                1,
                theme.info(),
            ));
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
    }
    // The key column is as wide as the widest label, so a long one ("Enter/→/l") never runs
    // into its text; the text wraps under itself.
    let keys: Vec<(&str, &str)> = bindings(context)
        .iter()
        .map(|b| (b.label, b.help))
        .chain([("Ctrl-C", "stop now (the session is saved)")])
        .collect();
    let col = keys.iter().map(|(l, _)| cells(l)).max().unwrap_or(0) + 2;
    let text_w = width.saturating_sub(col + 1).max(12);
    for (label, help) in keys {
        for (i, row) in wrap(help, text_w).into_iter().enumerate() {
            let key = if i == 0 {
                format!(" {label}{}", " ".repeat(col - cells(label)))
            } else {
                " ".repeat(col + 1)
            };
            lines.push(Line::from(vec![
                Span::styled(key, theme.key()),
                Span::raw(row),
            ]));
        }
    }
    let real_run = state.session().is_some_and(|s| !s.drill());
    // Shown on every system (it says whom it is for), so the screens are the same everywhere.
    if context == Context::Home || real_run {
        lines.push(Line::raw(""));
        lines.extend(para(
            "Not on Windows? Windows paths (\\\\host\\share, D:\\) are looked for under the folder $LIFELINE_WINDOWS_ROOT names; 'lifeline sandbox DIR' makes a practice deployment (backups, stub tools) for a real run.",
            width,
            1,
            theme.dim(),
        ));
    }
    if context.is_text() {
        lines.push(Line::styled(
            " Other keys type into the field (←/→, Home/End, Backspace edit).",
            theme.dim(),
        ));
    }
    if matches!(context, Context::Running | Context::Plan) {
        lines.push(Line::styled(
            " Esc never leaves a running step.",
            theme.dim(),
        ));
    }
    lines
}

/// The whole step: text, why, source, and the full command line wrapped.
fn view_lines(state: &AppState, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let Some(step) = state.session().and_then(|s| s.shown_step()) else {
        return vec![Line::raw(" No current step.")];
    };
    let mut lines = vec![Line::styled(format!(" {}", step.heading()), theme.title())];
    if let Some(server) = &step.server {
        lines.push(Line::raw(format!(" On: {server}")));
    }
    if let Some(body) = &step.body {
        lines.extend(para(body, width, 1, theme.normal()));
    }
    if let Some(why) = &step.def.why {
        lines.extend(para(&format!("Why: {why}"), width, 1, theme.info()));
    }
    if let Some(source) = &step.def.source {
        lines.extend(para(&format!("Source: {source}"), width, 1, theme.dim()));
    }
    if let Some(command) = &step.command {
        lines.push(Line::raw(""));
        lines.push(Line::styled(" Command (secrets as ****):", theme.title()));
        for piece in chunks(command, width.saturating_sub(2)) {
            lines.push(Line::styled(format!(" {piece}"), theme.command()));
        }
    }
    if let Some(check) = &step.check {
        lines.extend(para(check, width, 1, theme.command()));
    }
    for (i, item) in step.def.checklist.iter().enumerate() {
        let mark = if step.record.ticked.contains(&i) {
            "[x]"
        } else {
            "[ ]"
        };
        lines.extend(para(&format!("{mark} {item}"), width, 1, theme.normal()));
    }
    lines
}
