//! Home: unfinished sessions first (wizard, drill or real, step n of N, last activity, who
//! holds the lock), then starting a recovery or a drill, then ended sessions (their report
//! command); and the wizard picker.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::para;
use crate::session::state::SessionStatus;
use crate::ui::setup::SessionSummary;
use crate::ui::state::{AppState, HomeRow, HomeState};
use crate::ui::text::{timestamp, truncate};
use crate::ui::theme::Theme;

fn session_lines(
    s: &SessionSummary,
    here: bool,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let mode = if s.drill { "DRILL" } else { "real" };
    let state = match &s.state {
        SessionStatus::InProgress => {
            format!("step {} of {}", (s.done + 1).min(s.total.max(1)), s.total)
        }
        SessionStatus::Finished => "finished".to_string(),
        SessionStatus::Aborted { .. } => "aborted".to_string(),
    };
    let first = format!(
        " {} {} · {mode} · {state} · {}",
        if here { ">" } else { " " },
        s.id,
        s.wizard
    );
    let style = if here {
        theme.selected()
    } else {
        theme.normal()
    };
    let mut facts = Vec::new();
    if let Some(holder) = &s.locked_by {
        facts.push(format!("LOCKED by {holder}"));
    }
    if s.state != SessionStatus::InProgress {
        facts.push(format!("report: {} report {}", crate::invocation::program(), s.id));
    }
    if let Some(step) = &s.current_step {
        facts.push(format!("now: {step}"));
    }
    if let Some(at) = s.updated_at {
        facts.push(format!("last activity {}", timestamp(at)));
    }
    let mut lines = vec![Line::styled(truncate(&first, width), style)];
    if !facts.is_empty() {
        lines.push(Line::styled(
            truncate(&format!("     {}", facts.join(" · ")), width),
            theme.dim(),
        ));
    }
    lines
}

pub fn list(frame: &mut Frame, area: Rect, state: &AppState, home: &HomeState) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cursor_line = 0;
    let mut section = "";
    for (i, row) in home.rows().into_iter().enumerate() {
        let here = i == home.cursor;
        let heading = match row {
            HomeRow::Session(j) if home.data.sessions[j].state == SessionStatus::InProgress => {
                "Unfinished sessions"
            }
            HomeRow::Session(_) => "Ended sessions",
            _ => "Start",
        };
        if heading != section {
            lines.push(Line::raw(""));
            lines.push(Line::styled(format!(" {heading}"), theme.title()));
            section = heading;
        }
        if here {
            cursor_line = lines.len();
        }
        let style = if here {
            theme.selected()
        } else {
            theme.normal()
        };
        let pointer = if here { ">" } else { " " };
        match row {
            HomeRow::Session(j) => {
                lines.extend(session_lines(&home.data.sessions[j], here, theme, width))
            }
            HomeRow::StartRecovery => {
                lines.push(Line::styled(format!(" {pointer} Start a recovery"), style))
            }
            HomeRow::StartDrill => lines.push(Line::styled(
                format!(" {pointer} Start a drill (training: nothing is executed)"),
                style,
            )),
        }
    }
    if home.data.sessions.is_empty() {
        lines.insert(0, Line::styled(" No sessions yet.", theme.dim()));
    }
    for warning in &home.data.warnings {
        lines.extend(para(&format!("! {warning}"), width, 1, theme.warn()));
    }
    let height = usize::from(area.height);
    let skip = (cursor_line + 3).saturating_sub(height);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        area,
    );
}

pub fn picker(frame: &mut Frame, area: Rect, state: &AppState, home: &HomeState, drill: bool) {
    if drill {
        return drill_picker(frame, area, state, home);
    }
    let theme = &state.theme;
    let width = usize::from(area.width);
    let title = " Start a recovery: which procedure?";
    let mut lines = vec![
        Line::raw(""),
        Line::styled(title, theme.title()),
        Line::raw(""),
    ];
    let mut cursor_line = 0;
    for (i, w) in home.data.wizards.iter().enumerate() {
        let here = i == home.picker_cursor;
        if here {
            cursor_line = lines.len();
        }
        let style = if here {
            theme.selected()
        } else {
            theme.normal()
        };
        let pointer = if here { ">" } else { " " };
        lines.push(Line::styled(
            truncate(&format!(" {pointer} {} ({})", w.title, w.id), width),
            style,
        ));
        lines.extend(para(&w.description, width, 5, theme.dim()));
    }
    if home.data.wizards.is_empty() {
        lines.push(Line::styled(" No wizards found.", theme.error()));
    }
    let height = usize::from(area.height);
    let skip = (cursor_line + 4).saturating_sub(height);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        area,
    );
}

/// "Start a drill": the whole recovery, then each bundled scenario with its briefing, and
/// which deployment the drill runs on.
fn drill_picker(frame: &mut Frame, area: Rect, state: &AppState, home: &HomeState) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            " Start a drill (training: nothing is executed): which scenario?",
            theme.title(),
        ),
    ];
    let on = match &home.data.inventory {
        Some(path) => format!("On your inventory: {path}."),
        None => "You have no inventory (no $LIFELINE_INVENTORY, no inventory.toml in \
                 $LIFELINE_HOME): the drill runs on the bundled example deployment \
                 (contoso.com), so every form comes filled in."
            .to_string(),
    };
    lines.extend(para(&on, width, 1, theme.dim()));
    lines.push(Line::raw(""));
    let mut cursor_line = 0;
    let whole = (
        "The whole recovery".to_string(),
        "Every procedure from deciding how to restore to the last check, with no fault \
         injected."
            .to_string(),
        String::new(),
    );
    let rows = std::iter::once(whole).chain(home.data.scenarios.iter().map(|s| {
        let target = s
            .target_s
            .map(|t| format!("target {}", crate::report::timing::human(t * 1000)))
            .unwrap_or_else(|| "target from the inventory".into());
        let faults = match s.faults {
            1 => "1 fault".to_string(),
            n => format!("{n} faults"),
        };
        (
            s.title.clone(),
            s.briefing.trim().to_string(),
            format!("{} · {target} · {faults}", s.id),
        )
    }));
    for (i, (title, briefing, facts)) in rows.enumerate() {
        let here = i == home.picker_cursor;
        if here {
            cursor_line = lines.len();
        }
        let style = if here {
            theme.selected()
        } else {
            theme.normal()
        };
        let pointer = if here { ">" } else { " " };
        lines.push(Line::styled(
            truncate(&format!(" {pointer} {title}"), width),
            style,
        ));
        if !facts.is_empty() {
            lines.push(Line::styled(truncate(&format!("     {facts}"), width), theme.dim()));
        }
        // The briefing in full for the scenario under the cursor; a line of it for the others.
        if here {
            lines.extend(para(&briefing, width, 5, theme.normal()));
        }
    }
    let height = usize::from(area.height);
    let skip = (cursor_line + 8).saturating_sub(height);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        area,
    );
}
