//! The report as Markdown that pastes cleanly into a ticket: a summary table, the
//! decisions, time per procedure, every step, then the details of the steps that ran, were
//! skipped or were marked done. All journal text is escaped; output sits in fenced blocks.

use std::fmt::Write;

use super::model::{Report, StepLine};
use super::timing::human;
use super::{command_line, fmt_time, outcome_label};

/// Renders the report.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let kind = if r.drill {
        "Drill report"
    } else {
        "Recovery report"
    };
    let _ = writeln!(out, "# {kind}: {}\n", esc(&r.wizard_title));
    summary(&mut out, r);
    if r.drill {
        let _ = writeln!(
            out,
            "> **DRILL** — nothing was executed: commands were simulated{}.\n",
            fault_summary(r)
        );
    }
    if !r.answers.is_empty() {
        out.push_str("## Decisions\n\n| Question | Key | Answer |\n|---|---|---|\n");
        for a in &r.answers {
            let label = if a.label.is_empty() { &a.key } else { &a.label };
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` |",
                cell(label),
                code_cell(&a.key),
                code_cell(&a.value)
            );
        }
        out.push('\n');
    }
    if !r.procedures.is_empty() {
        out.push_str(
            "## Time by procedure\n\n| Procedure | Steps | Elapsed | Machine | Operator |\n|---|---:|---:|---:|---:|\n",
        );
        for p in &r.procedures {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&p.title),
                p.steps,
                human(ms(p.wall_s)),
                human(ms(p.machine_s)),
                human(ms(p.operator_s))
            );
        }
        out.push('\n');
    }
    out.push_str(
        "## Steps\n\n| # | Step | Kind | Outcome | Attempts | Exit | Machine | Operator |\n|---:|---|---|---|---:|---:|---:|---:|\n",
    );
    for (i, s) in r.steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            cell(&s.title),
            s.kind,
            outcome_label(s),
            s.attempts,
            s.exit_code.map(|c| c.to_string()).unwrap_or_default(),
            human(ms(s.machine_s)),
            human(ms(s.operator_s))
        );
    }
    out.push('\n');
    let detailed: Vec<(usize, &StepLine)> = r
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.attempts > 0
                || s.skip_reason.is_some()
                || s.done_note.is_some()
                || !s.notes.is_empty()
        })
        .collect();
    if !detailed.is_empty() {
        out.push_str("## Step details\n\n");
        for (i, s) in detailed {
            details(&mut out, i + 1, s);
        }
    }
    if !r.faults.is_empty() {
        out.push_str(
            "## Faults injected\n\n| Fault | Step | Handled | How | Expected |\n|---|---|---|---|---|\n",
        );
        for f in &r.faults {
            let how = match &f.detail {
                Some(d) => format!("{}: {}", f.handling, d),
                None => f.handling.clone(),
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} |",
                code_cell(&f.id),
                code_cell(f.step.as_deref().unwrap_or(&f.pattern)),
                handled_word(f),
                cell(&how),
                cell(&f.expected.join(" or "))
            );
        }
        out.push('\n');
    }
    if r.drill && !r.not_exercised.is_empty() {
        out.push_str("## Not exercised in this drill\n\n");
        for n in &r.not_exercised {
            let _ = writeln!(
                out,
                "- {} (`{}`): {}",
                esc(&n.title),
                code_cell(&n.id),
                esc(&n.how)
            );
        }
        out.push('\n');
    }
    if !r.notes.is_empty() {
        out.push_str("## Notes\n\n");
        for n in &r.notes {
            let step = n
                .step
                .as_deref()
                .map(|s| format!(" (`{}`)", code_cell(s)))
                .unwrap_or_default();
            let _ = writeln!(out, "- {}{step}: {}", fmt_time(n.at), esc(&n.text));
        }
        out.push('\n');
    }
    if !r.handovers.is_empty() {
        out.push_str("## Hand-overs\n\n");
        for h in &r.handovers {
            let _ = writeln!(
                out,
                "- {}: taken over from {} (driving since {}): {}",
                fmt_time(h.at),
                esc(&h.previous),
                fmt_time(h.previous_since),
                esc(&h.note)
            );
        }
        out.push('\n');
    }
    out
}

/// `; faults planned: 3, met: 2, handled: 2` (empty without faults).
pub fn fault_summary(r: &Report) -> String {
    if r.faults.is_empty() {
        return String::new();
    }
    let planned: std::collections::BTreeSet<&str> =
        r.faults.iter().map(|f| f.id.as_str()).collect();
    let met = r.faults.iter().filter(|f| f.step.is_some()).count();
    format!(
        "; faults planned: {}, met: {met}, handled: {}",
        planned.len(),
        r.faults.iter().filter(|f| f.handled).count()
    )
}

fn handled_word(f: &super::model::FaultLine) -> &'static str {
    match (f.step.is_some(), f.handled, f.as_expected) {
        (false, _, _) => "not reached",
        (true, true, true) => "yes",
        (true, true, false) => "yes, not as expected",
        (true, false, _) => "**NO**",
    }
}

fn summary(out: &mut String, r: &Report) {
    let mut rows: Vec<(&str, String)> = vec![
        ("Session", format!("`{}`", code_cell(&r.session))),
        (
            "Kind",
            match &r.scenario {
                Some(s) if r.drill => format!("drill, scenario `{}`", code_cell(s)),
                _ if r.drill => "drill".to_string(),
                _ => "real recovery".to_string(),
            },
        ),
        (
            "Operator",
            cell(&format!("{} on {}", r.operator.user, r.operator.host)),
        ),
        ("Started", fmt_time(r.started_at)),
        (
            "Ended",
            match (r.finished_at, r.status) {
                (Some(at), "aborted") => format!(
                    "{} (aborted: {})",
                    fmt_time(at),
                    cell(r.abort_reason.as_deref().unwrap_or(""))
                ),
                (Some(at), _) => format!("{} (finished)", fmt_time(at)),
                (None, _) => "not finished (in progress)".to_string(),
            },
        ),
        (
            "Total time",
            format!(
                "{} (machine {}, operator {}, between steps {})",
                human(ms(r.total_s)),
                human(ms(r.machine_s)),
                human(ms(r.operator_s)),
                human(ms(r.idle_s))
            ),
        ),
    ];
    rows.push((
        "Target",
        match r.target_s {
            Some(t) => {
                let verdict = if r.total_s <= t as f64 {
                    "within target".to_string()
                } else {
                    format!("over by {}", human(ms(r.total_s).saturating_sub(t * 1000)))
                };
                format!(
                    "{} ({verdict}; from the {})",
                    human(t * 1000),
                    r.target_from.unwrap_or("session")
                )
            }
            None => "none set".to_string(),
        },
    ));
    rows.push((
        "Versions",
        cell(&format!(
            "lifeline {}, wizard {} {}{}",
            r.lifeline_version,
            r.wizard,
            r.wizard_version,
            if r.wizard_changed {
                " (changed after the session started; the pinned one was used)"
            } else {
                ""
            }
        )),
    ));
    out.push_str("| | |\n|---|---|\n");
    for (k, v) in rows {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    out.push('\n');
}

fn details(out: &mut String, n: usize, s: &StepLine) {
    let _ = writeln!(
        out,
        "### {n}. {} — {}\n\n`{}`\n",
        esc(&s.title),
        outcome_label(s),
        code_cell(&s.id)
    );
    if !s.command.is_empty() {
        let _ = writeln!(
            out,
            "Command:\n\n{}",
            fenced("text", &command_line(&s.command))
        );
    }
    for a in &s.attempt_log {
        let _ = writeln!(
            out,
            "- Attempt {}: {}{}, {} → {}{}{}",
            a.attempt,
            a.outcome,
            a.exit_code
                .map(|c| format!(" (exit code {c})"))
                .unwrap_or_default(),
            fmt_time(a.started_at),
            a.finished_at.map(fmt_time).unwrap_or_else(|| "?".into()),
            if a.simulated { ", simulated" } else { "" },
            a.fault
                .as_deref()
                .map(|f| format!(", fault `{}` injected", code_cell(f)))
                .unwrap_or_default()
        );
    }
    if let Some(m) = &s.message {
        let _ = writeln!(out, "- Message: {}", esc(m));
    }
    if let Some(reason) = &s.skip_reason {
        let _ = writeln!(out, "- Skipped: {}", esc(reason));
    }
    if let Some(note) = &s.done_note {
        let _ = writeln!(out, "- Marked done: {}", esc(note));
    }
    for note in &s.notes {
        let _ = writeln!(out, "- Note: {}", esc(note));
    }
    if !s.output_tail.is_empty() {
        let _ = writeln!(
            out,
            "\nOutput (last lines):\n\n{}",
            fenced("text", &s.output_tail.join("\n"))
        );
    } else {
        out.push('\n');
    }
}

fn ms(s: f64) -> u64 {
    (s * 1000.0).round().max(0.0) as u64
}

/// Escapes text for Markdown prose: characters that would format or open HTML.
pub fn esc(text: &str) -> String {
    // A program's escape sequences must not reach whoever `cat`s the report.
    let text = crate::exec::terminal::neutralize(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A backslash is literal unless punctuation follows it.
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push_str("\\\\");
            }
            '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for a table cell (one line, no pipes).
fn cell(text: &str) -> String {
    esc(text)
}

/// Text inside a code span in a table: backticks and pipes cannot appear raw.
fn code_cell(text: &str) -> String {
    text.replace('`', "'")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// A fenced code block whose fence is longer than any backtick run in `body`.
fn fenced(lang: &str, body: &str) -> String {
    let body = &crate::exec::terminal::neutralize(body);
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_formatting_and_fences_outlast_backticks() {
        assert_eq!(esc("a|b *c* <x>"), "a\\|b \\*c\\* \\<x\\>");
        assert_eq!(esc(r"be01\rtc \\bkp01 \*"), r"be01\rtc \\\bkp01 \\\*");
        assert_eq!(fenced("text", "x ```` y"), "`````text\nx ```` y\n`````\n");
        assert_eq!(code_cell("a`b|c"), "a'b\\|c");
    }
}
