//! The step screen: what to do and why, the exact command line, its status and its live
//! output; the checklist of a manual step; an interrupted step's three choices.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{clip, confirm, decision, form, intro, para};
use crate::session::event::Outcome;
use crate::ui::form::FormPurpose;
use crate::ui::session::SessionUi;
use crate::ui::state::AppState;
use crate::ui::text::{clock, seconds_between, truncate};
use crate::ui::theme::Theme;
use crate::ui::view::{NeedView, StepView};
use crate::ui::widgets::output::{OutputView, Source};
use crate::wizard::{Rerun, StepKind};

/// The fewest rows the output pane gets.
const MIN_OUTPUT: usize = 5;

/// Draws the current step's screen.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi, step: &StepView) {
    if let Some(f) = &session.widgets.form
        && (f.purpose == FormPurpose::BeforeRerun || matches!(step.need, NeedView::Answers(_)))
    {
        return form::draw(frame, area, state, session, step, f);
    }
    match &step.need {
        NeedView::Answers(_) => {
            if let Some(d) = &session.widgets.decision {
                decision::draw(frame, area, state, session, step, d);
            }
        }
        NeedView::Confirm { word } => confirm::draw(frame, area, state, session, step, word),
        NeedView::Checklist { .. } => checklist(frame, area, state, session, step),
        NeedView::Acknowledge if step.def.kind == StepKind::Manual => {
            checklist(frame, area, state, session, step)
        }
        NeedView::Acknowledge => info(frame, area, state, session, step),
        _ => command(frame, area, state, session, step),
    }
}

/// The command line (or check) as one line, cut with a pointer to `v` when too long.
pub fn command_lines(step: &StepView, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(cmd) = &step.command {
        let shown = format!(" $ {cmd}");
        if shown.chars().count() > width {
            lines.push(Line::styled(
                truncate(&shown, width.saturating_sub(14)),
                theme.command(),
            ));
            if let Some(last) = lines.last_mut() {
                last.push_span(Span::styled(" (v: view all)", theme.dim()));
            }
        } else {
            lines.push(Line::styled(shown, theme.command()));
        }
    }
    if let Some(check) = &step.check {
        lines.push(Line::styled(
            truncate(&format!(" {check}"), width),
            theme.command(),
        ));
    }
    lines
}

fn status_lines(state: &AppState, session: &SessionUi, step: &StepView) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let width = usize::from(state.size.0);
    let record = &step.record;
    let elapsed = |end| record.started_at.map(|s| clock(seconds_between(s, end)));
    let simulated = if session.drill() { " (simulated)" } else { "" };
    match &step.need {
        NeedView::Execute => {
            let what = if record.confirmed {
                "Confirmed, ready"
            } else {
                "Ready"
            };
            vec![Line::from(vec![
                Span::styled(format!(" {what}{simulated}: "), theme.title()),
                Span::styled("r", theme.key()),
                Span::raw(" runs it now."),
            ])]
        }
        NeedView::Running { attempt } => vec![Line::from(vec![
            Span::styled(" RUNNING", theme.warn()),
            Span::raw(format!(
                " · attempt {attempt}{simulated} · {}",
                elapsed(state.now).unwrap_or_default()
            )),
        ])],
        NeedView::Failed { outcome, exit_code } => {
            let word = match outcome {
                Outcome::TimedOut => "TIMED OUT",
                Outcome::Cancelled => "CANCELLED",
                Outcome::SpawnFailed => "COULD NOT START",
                _ => "FAILED",
            };
            let mut facts = vec![format!("attempt {}", record.attempts)];
            if let Some(code) = exit_code {
                facts.push(format!("exit code {code}"));
            }
            if let Some(took) = record.finished_at.and_then(elapsed) {
                facts.push(format!("took {took}"));
            }
            let mut lines = vec![Line::from(vec![
                Span::styled(format!(" {word}"), theme.error()),
                Span::raw(format!(" · {}", facts.join(" · "))),
            ])];
            if let Some(message) = &record.message {
                lines.extend(para(message, width, 1, theme.error()));
            }
            lines
        }
        NeedView::Succeeded => {
            let mut facts = vec![format!("attempt {}", record.attempts)];
            if let Some(code) = record.exit_code {
                facts.push(format!("exit code {code}"));
            }
            if let Some(took) = record.finished_at.and_then(elapsed) {
                facts.push(format!("took {took}"));
            }
            vec![Line::from(vec![
                Span::styled(" SUCCEEDED", theme.good()),
                Span::raw(format!("{simulated} · {}", facts.join(" · "))),
            ])]
        }
        NeedView::Interrupted { attempt, .. } => {
            let mut lines = vec![Line::styled(" INTERRUPTED, OUTCOME UNKNOWN", theme.error())];
            lines.extend(para(
                &format!(
                    "Attempt {attempt} was running when lifeline stopped and nothing says how it ended. \
                     Check on the server, then: r run again, d mark done (it did finish), s skip with a reason."
                ),
                width,
                1,
                theme.normal(),
            ));
            // The words come from the step's declared re-run safety, never from its
            // interrupt policy (an import once said it "only reads").
            match crate::wizard::rerun::safety(&step.def) {
                Some(Rerun::Safe) => lines.push(Line::styled(
                    " This step only reads: running it again is safe.",
                    theme.good(),
                )),
                Some(Rerun::Unsafe) => lines.extend(para(
                    "This step writes: find out what the interrupted attempt did before running it again.",
                    width,
                    1,
                    theme.warn(),
                )),
                None => {}
            }
            if !step.reasks.is_empty() {
                lines.push(Line::styled(
                    " Running it again asks for its secrets first (they are never stored).",
                    theme.dim(),
                ));
            }
            lines
        }
        _ => vec![],
    }
}

fn command(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi, step: &StepView) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let mut fixed = command_lines(step, theme, width);
    fixed.extend(status_lines(state, session, step));
    let room = usize::from(area.height).saturating_sub(fixed.len() + MIN_OUTPUT);
    let top = clip(intro(step, session, theme, width), room.max(2), "v", theme);
    let top_h = (top.len() + fixed.len()) as u16;
    let [text, pane] =
        Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(area);
    let mut lines = top;
    lines.extend(fixed);
    frame.render_widget(Paragraph::new(lines), text);
    let live = session.output.step.as_deref() == Some(step.key.as_str())
        && !session.output.buffer.is_empty();
    let source = if live {
        Source::Live(&session.output)
    } else {
        Source::Tail(&step.record.tail)
    };
    frame.render_widget(OutputView { source, theme }, pane);
}

fn checklist(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    session: &SessionUi,
    step: &StepView,
) {
    let theme = &state.theme;
    let width = usize::from(area.width);
    let items = &step.def.checklist;
    let ticked = step.record.ticked.len();
    let mut list: Vec<Line<'static>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mark = if step.record.ticked.contains(&i) {
            "[x]"
        } else {
            "[ ]"
        };
        let cursor = i == session.widgets.cursor;
        let rows = crate::ui::text::wrap(item, width.saturating_sub(7));
        for (r, row) in rows.into_iter().enumerate() {
            let lead = if r == 0 {
                format!(" {} {mark} ", if cursor { ">" } else { " " })
            } else {
                "       ".to_string()
            };
            let style = if cursor {
                theme.selected()
            } else {
                theme.normal()
            };
            list.push(Line::styled(format!("{lead}{row}"), style));
        }
    }
    let status = if ticked == items.len() {
        Line::from(vec![
            Span::styled(format!(" All {} items ticked: ", items.len()), theme.good()),
            Span::styled("Enter", theme.key()),
            Span::raw(" completes the step."),
        ])
    } else {
        Line::styled(
            format!(
                " {ticked} of {} ticked · Space ticks the item under the cursor",
                items.len()
            ),
            theme.dim(),
        )
    };
    let room = usize::from(area.height).saturating_sub(list.len() + 2);
    let mut lines = clip(intro(step, session, theme, width), room.max(2), "v", theme);
    lines.push(Line::raw(""));
    lines.extend(list);
    lines.push(status);
    frame.render_widget(Paragraph::new(lines), area);
}

fn info(frame: &mut Frame, area: Rect, state: &AppState, session: &SessionUi, step: &StepView) {
    let theme = &state.theme;
    let mut lines = intro(step, session, theme, usize::from(area.width));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw(" Press "),
        Span::styled("Enter", theme.key()),
        Span::raw(" to continue."),
    ]));
    let height = usize::from(area.height);
    let max_scroll = lines.len().saturating_sub(height);
    let skip = session.widgets.body_scroll.min(max_scroll);
    let shown: Vec<Line<'static>> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(shown), area);
}
