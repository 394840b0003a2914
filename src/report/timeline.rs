//! The report's timeline: an SVG Gantt chart with one bar per step from when it was entered
//! to when it ended, coloured by outcome, with its attempts (machine time) drawn darker and
//! injected faults outlined, and a legend. Plain SVG: no script, fonts or images.

use std::fmt::Write;

use super::html::esc;
use super::model::{Report, StepLine, StepState};
use super::outcome_label;
use super::timing::{human, span_ms};

const LEGEND: [(&str, &str); 7] = [
    ("b-done", "done"),
    ("b-failed", "failed or interrupted"),
    ("b-skipped", "skipped"),
    ("b-marked-done", "marked done by hand"),
    ("b-pending", "not finished"),
    ("run", "a command or check running (machine time)"),
    ("fault", "an injected fault"),
];

/// Appends the timeline section: an SVG Gantt chart, one bar per step, and its legend.
pub fn svg(o: &mut String, r: &Report) {
    let rows: Vec<&StepLine> = r.steps.iter().filter(|s| s.started_at.is_some()).collect();
    if rows.is_empty() {
        return;
    }
    let origin = r.started_at;
    let end = r
        .finished_at
        .into_iter()
        .chain(rows.iter().filter_map(|s| s.finished_at))
        .max()
        .unwrap_or(origin);
    let span = span_ms(origin, end).max(1000) as f64;
    let (label_w, x0, x1, row_h, top) = (290.0, 300.0, 985.0, 16.0, 28.0);
    let height = top + row_h * rows.len() as f64 + 8.0;
    let x = |at: time::OffsetDateTime| x0 + (x1 - x0) * span_ms(origin, at) as f64 / span;
    o.push_str("<section>\n<h2>Timeline</h2>\n");
    let _ = writeln!(
        o,
        "<svg class=\"timeline\" viewBox=\"0 0 1000 {height:.0}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Timeline of {} steps\">",
        rows.len()
    );
    for i in 0..=4 {
        let tx = x0 + (x1 - x0) * f64::from(i) / 4.0;
        let label = human((span * f64::from(i) / 4.0) as u64);
        let _ = writeln!(
            o,
            "<line class=\"axis\" x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\"/><text class=\"tick\" x=\"{tx:.1}\" y=\"14\" text-anchor=\"{}\">{}</text>",
            top - 6.0,
            height - 4.0,
            if i == 0 {
                "start"
            } else if i == 4 {
                "end"
            } else {
                "middle"
            },
            esc(&if i == 0 {
                "start".to_string()
            } else {
                format!("+{label}")
            })
        );
    }
    for (i, s) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let title = truncate(&s.title, 46);
        let _ = writeln!(
            o,
            "<g><title>{}</title><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            esc(&format!("{} — {} ({})", s.title, outcome_label(s), s.id)),
            label_w + 2.0,
            y + 11.0,
            esc(&title)
        );
        let (Some(a), Some(b)) = (s.started_at, s.finished_at.or(s.started_at)) else {
            continue;
        };
        let bx = x(a);
        let bw = (x(b) - bx).max(2.0);
        let _ = writeln!(
            o,
            "<rect class=\"{}\" x=\"{bx:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"10\" rx=\"2\"/>",
            bar_class(s),
            y + 2.0
        );
        for attempt in &s.attempt_log {
            let ax = x(attempt.started_at);
            let aw = (x(attempt.finished_at.unwrap_or(attempt.started_at)) - ax).max(1.5);
            let _ = writeln!(
                o,
                "<rect class=\"run\" x=\"{ax:.1}\" y=\"{:.1}\" width=\"{aw:.1}\" height=\"10\"/>",
                y + 2.0
            );
            if attempt.fault.is_some() {
                let _ = writeln!(
                    o,
                    "<rect class=\"fault\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\"/>",
                    ax - 2.0,
                    y,
                    aw + 4.0
                );
            }
        }
        o.push_str("</g>\n");
    }
    o.push_str("</svg>\n<ul class=\"legend\">\n");
    for (class, label) in LEGEND {
        let swatch = match class {
            "run" => "background:#555".to_string(),
            "fault" => "border:2px dashed #b00020".to_string(),
            other => format!("background:var(--{})", css_var(other)),
        };
        let _ = writeln!(
            o,
            "<li><span class=\"sw\" style=\"{swatch}\"></span>{label}</li>"
        );
    }
    o.push_str("</ul>\n</section>\n");
}

fn css_var(class: &str) -> &'static str {
    match class {
        "b-done" => "done",
        "b-failed" => "failed",
        "b-skipped" => "skipped",
        "b-marked-done" => "marked",
        _ => "pending",
    }
}

fn bar_class(s: &StepLine) -> &'static str {
    match s.state {
        StepState::Done => "b-done",
        StepState::Failed => "b-failed",
        StepState::Interrupted | StepState::Running => "b-interrupted",
        StepState::Skipped => "b-skipped",
        StepState::MarkedDone => "b-marked-done",
        StepState::Pending => "b-pending",
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}
