//! The report as one self-contained HTML file: inline CSS, no scripts, no external
//! resources, an SVG timeline (a Gantt bar per step, coloured by outcome, with a legend), and
//! print styles so it reads on paper. Every piece of journal text is HTML-escaped.

use std::fmt::Write;

use super::model::Report;
use super::timing::human;
use super::{command_line, fmt_time, outcome_label};

const CSS: &str = r#"
:root { --done:#2e7d32; --failed:#c62828; --skipped:#8d8d8d; --marked:#ef6c00; --open:#6a1b9a; --pending:#c7c7c7; --ink:#1b1b1b; --dim:#5f6368; --line:#dadce0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .5em; border-bottom: 2px solid var(--line); padding-bottom: .2em; }
h3 { font-size: 1em; margin: 1.2em 0 .3em; }
.banner { display: inline-block; padding: .25em .8em; border-radius: 4px; font-weight: 700; letter-spacing: .04em; }
.banner.drill { background: #fff3cd; border: 2px solid #b08800; color: #5c4400; }
.banner.real { background: #e8f0fe; border: 2px solid #1a73e8; color: #174ea6; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
th, td { border: 1px solid var(--line); padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f1f3f4; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.kv th { width: 12em; }
code, pre { font-family: ui-monospace, "Cascadia Mono", Consolas, "Liberation Mono", monospace; font-size: .92em; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: 6px 8px; white-space: pre-wrap; word-break: break-word; margin: .3em 0; }
.state { font-weight: 600; }
.s-done { color: var(--done); } .s-failed, .s-interrupted, .s-running { color: var(--failed); } .s-skipped { color: var(--skipped); } .s-marked-done { color: var(--marked); }
.step { border-left: 4px solid var(--line); padding: 2px 0 2px 12px; margin: .8em 0; }
.step.k-done { border-color: var(--done); } .step.k-failed, .step.k-interrupted { border-color: var(--failed); } .step.k-skipped { border-color: var(--skipped); } .step.k-marked-done { border-color: var(--marked); }
.dim { color: var(--dim); }
.legend { list-style: none; padding: 0; margin: .4em 0; display: flex; flex-wrap: wrap; gap: 14px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
.timeline { width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.timeline text { font-size: 11px; fill: var(--ink); font-family: system-ui, sans-serif; }
.timeline .axis { stroke: var(--line); }
.timeline .tick { font-size: 10px; fill: var(--dim); }
.b-done { fill: var(--done); } .b-failed, .b-interrupted, .b-running { fill: var(--failed); } .b-skipped { fill: var(--skipped); } .b-marked-done { fill: var(--marked); } .b-pending { fill: var(--pending); }
.run { fill: #000; fill-opacity: .35; }
.fault { fill: none; stroke: #b00020; stroke-width: 2; stroke-dasharray: 3 2; }
.handled-no { color: var(--failed); font-weight: 700; }
footer { margin-top: 2em; color: var(--dim); font-size: .85em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  .step, tr, .timeline { break-inside: avoid; }
  pre { white-space: pre-wrap; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Renders the report as a complete HTML document.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let kind = if r.drill {
        "Drill report"
    } else {
        "Recovery report"
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{} — {} — {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        kind,
        esc(&r.wizard_title),
        esc(&r.session)
    );
    let _ = writeln!(o, "<header>\n<h1>{kind}: {}</h1>", esc(&r.wizard_title));
    if r.drill {
        o.push_str("<p class=\"banner drill\">DRILL — nothing was executed</p>\n");
    } else {
        o.push_str("<p class=\"banner real\">Real recovery</p>\n");
    }
    o.push_str("</header>\n");
    summary(&mut o, r);
    super::timeline::svg(&mut o, r);
    decisions(&mut o, r);
    procedures(&mut o, r);
    steps(&mut o, r);
    faults(&mut o, r);
    if r.drill && !r.not_exercised.is_empty() {
        o.push_str("<section>\n<h2>Not exercised in this drill</h2>\n<ul>\n");
        for n in &r.not_exercised {
            let _ = writeln!(
                o,
                "<li>{} <code>{}</code>: {}</li>",
                esc(&n.title),
                esc(&n.id),
                esc(&n.how)
            );
        }
        o.push_str("</ul>\n</section>\n");
    }
    if !r.notes.is_empty() {
        o.push_str("<section>\n<h2>Notes</h2>\n<ul>\n");
        for n in &r.notes {
            let step = n
                .step
                .as_deref()
                .map(|s| format!(" <code>{}</code>", esc(s)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<li>{}{step}: {}</li>",
                esc(&fmt_time(n.at)),
                esc(&n.text)
            );
        }
        o.push_str("</ul>\n</section>\n");
    }
    if !r.handovers.is_empty() {
        o.push_str("<section>\n<h2>Hand-overs</h2>\n<ul>\n");
        for h in &r.handovers {
            let _ = writeln!(
                o,
                "<li>{}: taken over from {} (driving since {}): {}</li>",
                esc(&fmt_time(h.at)),
                esc(&h.previous),
                esc(&fmt_time(h.previous_since)),
                esc(&h.note)
            );
        }
        o.push_str("</ul>\n</section>\n");
    }
    let _ = writeln!(
        o,
        "<footer>Rendered by lifeline {} from the journal of session <code>{}</code>.</footer>\n</body>\n</html>",
        esc(&r.lifeline_version),
        esc(&r.session)
    );
    o
}

fn summary(o: &mut String, r: &Report) {
    let mut rows: Vec<(&str, String)> = vec![
        ("Session", format!("<code>{}</code>", esc(&r.session))),
        (
            "Kind",
            match &r.scenario {
                Some(s) if r.drill => format!("drill, scenario <code>{}</code>", esc(s)),
                _ if r.drill => "drill".into(),
                _ => "real recovery".into(),
            },
        ),
        (
            "Operator",
            esc(&format!("{} on {}", r.operator.user, r.operator.host)),
        ),
        ("Started", esc(&fmt_time(r.started_at))),
        (
            "Ended",
            match (r.finished_at, r.status) {
                (Some(at), "aborted") => esc(&format!(
                    "{} (aborted: {})",
                    fmt_time(at),
                    r.abort_reason.as_deref().unwrap_or("")
                )),
                (Some(at), _) => esc(&format!("{} (finished)", fmt_time(at))),
                (None, _) => "not finished (in progress)".into(),
            },
        ),
        (
            "Total time",
            esc(&format!(
                "{} (machine {}, operator {}, between steps {})",
                human(ms(r.total_s)),
                human(ms(r.machine_s)),
                human(ms(r.operator_s)),
                human(ms(r.idle_s))
            )),
        ),
    ];
    rows.push((
        "Target",
        match r.target_s {
            Some(t) if r.total_s <= t as f64 => format!(
                "{} <span class=\"s-done\">within target</span>",
                esc(&human(t * 1000))
            ),
            Some(t) => format!(
                "{} <span class=\"s-failed\">over by {}</span>",
                esc(&human(t * 1000)),
                esc(&human(ms(r.total_s).saturating_sub(t * 1000)))
            ),
            None => "none set".into(),
        },
    ));
    if !r.faults.is_empty() {
        let summary = super::markdown::fault_summary(r);
        rows.push(("Faults", esc(summary.trim_start_matches("; "))));
    }
    rows.push((
        "Versions",
        esc(&format!(
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
    o.push_str("<section>\n<h2>Summary</h2>\n<table class=\"kv\">\n");
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    o.push_str("</table>\n</section>\n");
}

fn decisions(o: &mut String, r: &Report) {
    if r.answers.is_empty() {
        return;
    }
    o.push_str("<section>\n<h2>Decisions</h2>\n<table>\n<tr><th>Question</th><th>Key</th><th>Answer</th></tr>\n");
    for a in &r.answers {
        let label = if a.label.is_empty() { &a.key } else { &a.label };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(label),
            esc(&a.key),
            esc(&a.value)
        );
    }
    o.push_str("</table>\n</section>\n");
}

fn procedures(o: &mut String, r: &Report) {
    if r.procedures.is_empty() {
        return;
    }
    o.push_str("<section>\n<h2>Time by procedure</h2>\n<table>\n<tr><th>Procedure</th><th class=\"num\">Steps</th><th class=\"num\">Elapsed</th><th class=\"num\">Machine</th><th class=\"num\">Operator</th></tr>\n");
    for p in &r.procedures {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&p.title),
            p.steps,
            esc(&human(ms(p.wall_s))),
            esc(&human(ms(p.machine_s))),
            esc(&human(ms(p.operator_s)))
        );
    }
    o.push_str("</table>\n</section>\n");
}

fn steps(o: &mut String, r: &Report) {
    o.push_str("<section>\n<h2>Steps</h2>\n<table>\n<tr><th class=\"num\">#</th><th>Step</th><th>Kind</th><th>Outcome</th><th class=\"num\">Attempts</th><th class=\"num\">Exit</th><th class=\"num\">Machine</th><th class=\"num\">Operator</th></tr>\n");
    for (i, s) in r.steps.iter().enumerate() {
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"state s-{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            i + 1,
            esc(&s.title),
            esc(&s.kind),
            s.state,
            esc(&outcome_label(s)),
            s.attempts,
            s.exit_code.map(|c| c.to_string()).unwrap_or_default(),
            esc(&human(ms(s.machine_s))),
            esc(&human(ms(s.operator_s)))
        );
    }
    o.push_str("</table>\n");
    for (i, s) in r.steps.iter().enumerate() {
        if s.attempts == 0 && s.skip_reason.is_none() && s.done_note.is_none() && s.notes.is_empty()
        {
            continue;
        }
        let _ = writeln!(
            o,
            "<article class=\"step k-{}\">\n<h3>{}. {} — <span class=\"state s-{}\">{}</span></h3>\n<p class=\"dim\"><code>{}</code></p>",
            s.state,
            i + 1,
            esc(&s.title),
            s.state,
            esc(&outcome_label(s)),
            esc(&s.id)
        );
        if !s.command.is_empty() {
            let _ = writeln!(
                o,
                "<p>Command:</p>\n<pre>{}</pre>",
                esc(&command_line(&s.command))
            );
        }
        o.push_str("<ul>\n");
        for a in &s.attempt_log {
            let _ = writeln!(
                o,
                "<li>Attempt {}: {}{}, {} → {}{}{}</li>",
                a.attempt,
                esc(&a.outcome),
                a.exit_code
                    .map(|c| format!(" (exit code {c})"))
                    .unwrap_or_default(),
                esc(&fmt_time(a.started_at)),
                esc(&a.finished_at.map(fmt_time).unwrap_or_else(|| "?".into())),
                if a.simulated { ", simulated" } else { "" },
                a.fault
                    .as_deref()
                    .map(|f| format!(", fault <code>{}</code> injected", esc(f)))
                    .unwrap_or_default()
            );
        }
        let items = [
            ("Message", s.message.as_deref()),
            ("Skipped", s.skip_reason.as_deref()),
            ("Marked done", s.done_note.as_deref()),
        ];
        for (label, text) in items {
            if let Some(text) = text {
                let _ = writeln!(o, "<li>{label}: {}</li>", esc(text));
            }
        }
        for note in &s.notes {
            let _ = writeln!(o, "<li>Note: {}</li>", esc(note));
        }
        o.push_str("</ul>\n");
        if !s.output_tail.is_empty() {
            let _ = writeln!(
                o,
                "<p>Output (last lines):</p>\n<pre>{}</pre>",
                esc(&s.output_tail.join("\n"))
            );
        }
        o.push_str("</article>\n");
    }
    o.push_str("</section>\n");
}

fn faults(o: &mut String, r: &Report) {
    if r.faults.is_empty() {
        return;
    }
    o.push_str("<section>\n<h2>Faults injected</h2>\n<table>\n<tr><th>Fault</th><th>Step</th><th>Handled</th><th>How</th><th>Expected</th><th>Hint</th></tr>\n");
    for f in &r.faults {
        let how = match &f.detail {
            Some(d) => format!("{}: {d}", f.handling),
            None => f.handling.clone(),
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.id),
            esc(f.step.as_deref().unwrap_or(&f.pattern)),
            match (f.step.is_some(), f.handled, f.as_expected) {
                (false, _, _) => "not reached",
                (true, true, true) => "yes",
                (true, true, false) => "yes, not as expected",
                (true, false, _) => "<span class=\"handled-no\">NO</span>",
            },
            esc(&how),
            esc(&f.expected.join(" or ")),
            esc(f.hint.as_deref().unwrap_or(""))
        );
    }
    o.push_str("</table>\n</section>\n");
}

fn ms(s: f64) -> u64 {
    (s * 1000.0).round().max(0.0) as u64
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let text = crate::exec::terminal::neutralize(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
