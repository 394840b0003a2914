//! A form: the values a step needs, one field each, validated as the operator goes;
//! defaults pre-filled, secrets masked with one `•` per character.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{clip, intro, para};
use crate::ui::form::{Field, FormPurpose, FormState};
use crate::ui::session::SessionUi;
use crate::ui::state::AppState;
use crate::ui::text::width as cells;
use crate::ui::view::StepView;
use crate::wizard::InputKind;

/// A hint at what a field takes.
fn kind_hint(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Fqdn => "a fully qualified domain name",
        InputKind::UncPath => "a UNC path, \\\\server\\share\\folder",
        InputKind::WindowsPath => "a Windows path, D:\\folder\\file",
        InputKind::Secret => "secret: never stored, asked again on resume",
        InputKind::Bool => "yes or no",
        InputKind::MultiChoice => "values separated by commas",
        _ => "text",
    }
}

/// The value as drawn: secrets masked, scrolled so the cursor stays in view.
fn shown_value(field: &Field, room: usize) -> (String, usize) {
    let value: String = if field.is_secret() {
        "•".repeat(field.value.value().chars().count())
    } else {
        field.value.value().to_string()
    };
    let scroll = field.value.visual_scroll(room);
    let cursor = field.value.visual_cursor().saturating_sub(scroll);
    let shown: String = value.chars().skip(scroll).collect();
    (crate::ui::text::truncate(&shown, room), cursor)
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    session: &SessionUi,
    step: &StepView,
    form: &FormState,
) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let heading = match form.purpose {
        FormPurpose::Answers => " This step needs:",
        FormPurpose::BeforeRerun => {
            " Before it runs again, give these again (secrets are never stored):"
        }
    };
    let mut fields: Vec<Line<'static>> = vec![Line::raw("")];
    // A resumed step that failed asks its secrets again first: say why it is here.
    if let crate::session::state::StepStatus::Failed { .. } = step.record.status {
        let code = step
            .record
            .exit_code
            .map(|c| format!(" (exit code {c})"))
            .unwrap_or_default();
        fields.push(Line::styled(
            format!(" The last attempt FAILED{code}; give these again to retry or decide."),
            theme.error(),
        ));
    }
    fields.push(Line::styled(heading, theme.title()));
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let optional = if field.ask.input.optional {
            " (optional)"
        } else {
            ""
        };
        // The label wraps under itself rather than run off the screen; the kind of value
        // follows it on its last row when it fits there, else on a row of its own.
        let label = format!("{}{optional}", field.ask.input.label);
        let hint = kind_hint(field.ask.input.kind);
        let room_label = width.saturating_sub(4).max(1);
        let rows = crate::ui::text::wrap(&label, room_label);
        let last = rows.len().saturating_sub(1);
        for (r, row) in rows.into_iter().enumerate() {
            let marker = if r == 0 && focused { " > " } else { "   " };
            let mut spans = vec![
                Span::styled(marker, theme.key()),
                Span::styled(row.clone(), theme.title()),
            ];
            if r == last && cells(&row) + 2 + cells(hint) <= room_label {
                spans.push(Span::styled(format!("  {hint}"), theme.dim()));
                fields.push(Line::from(spans));
            } else if r == last {
                fields.push(Line::from(spans));
                fields.push(Line::styled(format!("   {hint}"), theme.dim()));
            } else {
                fields.push(Line::from(spans));
            }
        }
        let room = width.saturating_sub(6).max(1);
        let (value, at) = shown_value(field, room);
        let pad = room.saturating_sub(cells(&value));
        if focused {
            cursor = Some((fields.len(), 4 + at));
        }
        fields.push(Line::from(vec![
            Span::raw("    "),
            Span::styled(format!("{value}{}", " ".repeat(pad)), theme.field(focused)),
        ]));
        if let Some(error) = &field.error {
            fields.extend(para(&format!("✗ {error}"), width, 4, theme.error()));
        }
    }
    let mut tail = Vec::new();
    if let Some(help) = form
        .fields
        .get(form.focus)
        .and_then(|f| f.ask.input.help.as_ref())
    {
        tail.extend(para(help, width, 1, theme.info()));
    }
    let height = usize::from(area.height);
    let room = height.saturating_sub(fields.len() + tail.len());
    let mut lines = clip(intro(step, session, theme, width), room.max(2), "F3", theme);
    let offset = lines.len();
    lines.extend(fields);
    lines.extend(tail);
    if let Some((row, col)) = cursor {
        let y = offset + row;
        if y < height {
            frame.set_cursor_position(Position::new(area.x + col as u16, area.y + y as u16));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
