//! Template syntax never reaches a person (issue 11, "Done when" 3): for the bundled wizards
//! with the example inventory, no `{{` appears on any surface a person reads. A value not
//! known yet is named in words (`<the lost front-end server>`).
//!
//! Surfaces: `lifeline plan` (Markdown and JSON) for every loss in every topology, with the
//! example inventory and without one; `lifeline run WIZARD --print-answers-template` for every
//! bundled wizard; the plan goldens and screen snapshots on disk; and for
//! drills of the whole recovery run headless by the real binary on the example inventory:
//! their transcript and score, their Markdown, HTML and JSON reports, and every step screen
//! the session passed through, drawn on a test backend from the journal as it stood when the
//! step was entered (its questions still unanswered) and once the step was answered.
#![cfg(unix)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crossterm::event::KeyCode;
use lifeline::app::catalog::load_catalog;
use lifeline::inventory::Inventory;
use lifeline::inventory::vocab::Topology;
use lifeline::journal::read_journal;
use lifeline::plan::{build_plan, losses_in, render_json, render_markdown};
use lifeline::session::driver::Session;
use lifeline::session::event::{Event, Record};
use lifeline::session::state::SessionState;
use lifeline::ui::memory::{Harness, MemoryPersist, MemoryRunner};
use lifeline::ui::{AppSetup, SessionSetup};
use support::{Sandbox, fixture};
use time::macros::datetime;

fn example_inventory_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/inventory.example.toml")
}

fn example_inventory() -> Inventory {
    Inventory::load(&example_inventory_path()).expect("the example inventory loads")
}

/// Every line of `text` holding `{{`, named by `surface`.
fn leaks(surface: &str, text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("{{"))
        .map(|l| format!("{surface}: {}", l.trim()))
        .collect()
}

fn assert_none(found: Vec<String>) {
    let shown: Vec<&String> = found.iter().take(20).collect();
    assert!(
        found.is_empty(),
        "{} line(s) show template syntax, first ones:\n{}",
        found.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn plans_for_every_loss_in_every_topology_name_unknown_values_in_words() {
    let catalog = load_catalog(&[]).expect("bundled wizards load");
    let inventory = example_inventory();
    let mut found = Vec::new();
    let mut plans = 0;
    for topology in Topology::ALL {
        let losses = losses_in(topology);
        let mut sets: Vec<Vec<String>> = losses.iter().map(|l| vec![l.to_string()]).collect();
        sets.push(losses.iter().map(|l| l.to_string()).collect());
        for lost in sets {
            for inv in [Some(&inventory), None] {
                let plan = build_plan(topology.as_str(), &lost, inv, &catalog).expect("plan");
                let name = format!(
                    "plan {} --lost {}{}",
                    topology.as_str(),
                    lost.join(","),
                    if inv.is_some() { " --inventory" } else { "" }
                );
                found.extend(leaks(&format!("{name} (md)"), &render_markdown(&plan)));
                let json = serde_json::to_string_pretty(&render_json(&plan)).expect("json");
                found.extend(leaks(&format!("{name} (json)"), &json));
                plans += 1;
            }
        }
    }
    assert!(plans > 40, "only {plans} plans were built");
    assert_none(found);
}

#[test]
fn the_answers_template_of_every_bundled_wizard_names_unknown_values_in_words() {
    let sb = Sandbox::in_memory();
    let mut found = Vec::new();
    for id in bundled().wizards.keys() {
        let (ok, text) = lifeline(&sb, &["run", id, "--print-answers-template"]);
        assert!(ok, "{id}: {text}");
        // It is still a TOML answers file once filled in.
        toml::from_str::<toml::Table>(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        found.extend(leaks(&format!("answers template of {id}"), &text));
    }
    assert_none(found);
}

#[test]
fn no_snapshot_or_golden_holds_template_syntax() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "snap") {
            let text = std::fs::read_to_string(&path).expect("snapshot");
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            found.extend(leaks(&name, &text));
            files += 1;
        }
    }
    assert!(files > 50, "only {files} snapshots found");
    assert_none(found);
}

/// A drill of the whole recovery: a name, and answers added to the shared base.
struct Drill {
    name: &'static str,
    answers: &'static str,
}

/// Paths through every procedure: each one has steps whose titles, checklists or commands
/// name servers, SQL instances and backup files.
const DRILLS: &[Drill] = &[
    Drill {
        name: "Standard Edition server and its Archiving and CDR Server, recovered",
        answers: r#"topology = "standard"
lost = ["standard-edition", "archiving-cdr", "edge"]
os_healthy = false
hardware_usable = true
platform = "recover"
move_users = true
keep_contacts = true
databases = ["RTC", "LCSLog"]"#,
    },
    Drill {
        name: "expanded pool: back-end and front-ends rebuilt, directory rebuilt, pool re-created",
        answers: r#"topology = "enterprise-expanded"
lost = ["back-end", "front-end", "web-conferencing", "app-sharing", "active-directory", "file-shares"]
os_healthy = false
hardware_usable = true
platform = "reinstall"
pool_state = "recreated"
attach_archiving = true
domain_rebuilt = true
databases = ["RTC", "ACDDyn", "GroupChat"]
move_users = false"#,
    },
    Drill {
        name: "consolidated pool: archiving and monitoring, databases left for logs",
        answers: r#"topology = "enterprise-consolidated"
lost = ["archiving-cdr", "monitoring", "mediation", "forwarding-proxy"]
os_healthy = false
hardware_usable = false
platform = "rebuild"
databases = ["LCSLog", "RTCCDR", "QoEMetrics"]
recovery_state = "STANDBY""#,
    },
    Drill {
        name: "expanded pool: a site failed over, then failed back",
        answers: r#"topology = "enterprise-expanded"
lost = ["site"]
os_healthy = false
secondary_site = true
direction = "failback"
primary_rebuilt = true"#,
    },
    Drill {
        name: "Persistent Chat failback",
        answers: r#"topology = "enterprise-expanded"
lost = ["persistent-chat"]"#,
    },
];

/// The drill's answers file: the shared names and places, then its own answers.
fn answers_file(drill: &Drill) -> String {
    let base = std::fs::read_to_string(fixture("restore-service/drill-base.toml")).expect("base");
    let mut file: toml::Table = toml::from_str(&base).expect("base parses");
    let own: toml::Table = toml::from_str(drill.answers).expect("drill answers parse");
    file.get_mut("answers")
        .and_then(toml::Value::as_table_mut)
        .expect("[answers]")
        .extend(own);
    toml::to_string(&file).expect("answers serialize")
}

fn lifeline(sb: &Sandbox, args: &[&str]) -> (bool, String) {
    let out = sb.lifeline().args(args).output().expect("run lifeline");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The one session of a sandbox: its id and its journal's records.
fn only_session(sb: &Sandbox) -> (String, Vec<Record>) {
    let dirs: Vec<PathBuf> = std::fs::read_dir(sb.home().join("sessions"))
        .expect("sessions")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(dirs.len(), 1, "one session");
    let id = dirs[0]
        .file_name()
        .expect("id")
        .to_string_lossy()
        .into_owned();
    let loaded = read_journal(&dirs[0].join("journal.jsonl")).expect("journal reads");
    (id, loaded.records)
}

/// The bundled wizards, loaded once.
fn bundled() -> &'static lifeline::wizard::Catalog {
    static CATALOG: std::sync::OnceLock<lifeline::wizard::Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| load_catalog(&[]).expect("bundled wizards load"))
}

/// The screens over the session as `records` leave it, drawn at 160x48; then with the plan
/// open (`p`) when `plan` is set.
fn screens(records: &[Record], plan: bool) -> Vec<String> {
    let state = SessionState::replay(records).expect("journal replays");
    let persist = MemoryPersist::new(state.last_seq, datetime!(2026-12-04 12:00:00 UTC));
    let setup = AppSetup::Session(Box::new(SessionSetup {
        session: Session::new(
            bundled().clone(),
            "restore-service".into(),
            state,
            Box::new(example_inventory()),
        ),
        opening: vec![],
        persist: Box::new(persist),
        runner: Box::new(MemoryRunner::new()),
        session_id: "no-braces".into(),
        session_dir: PathBuf::from("/nonexistent/lifeline-test/no-braces"),
        warnings: vec![],
        records: records.to_vec(),
    }));
    let mut harness = Harness::new(setup, datetime!(2026-12-04 12:00:00 UTC), (160, 48));
    let mut shown = vec![harness.screen(160, 48)];
    if plan {
        harness.key(KeyCode::Char('p'));
        shown.push(harness.screen(160, 48));
    }
    shown
}

#[test]
fn drills_on_the_example_inventory_show_no_template_syntax_on_any_surface() {
    let mut found = Vec::new();
    let mut steps_drawn: BTreeSet<String> = BTreeSet::new();
    for drill in DRILLS {
        let sb = Sandbox::in_memory();
        let answers = sb.write("answers.toml", &answers_file(drill));
        let inventory = example_inventory_path();
        let (ok, transcript) = lifeline(
            &sb,
            &[
                "run",
                "restore-service",
                "--drill",
                "--answers",
                &answers.to_string_lossy(),
                "--inventory",
                &inventory.to_string_lossy(),
            ],
        );
        assert!(
            ok,
            "{}: the drill did not finish:\n{transcript}",
            drill.name
        );
        assert!(transcript.contains("Score:"), "{}: no score", drill.name);
        found.extend(leaks(
            &format!("{}: transcript and score", drill.name),
            &transcript,
        ));
        let (id, records) = only_session(&sb);
        for format in ["md", "html", "json"] {
            let (ok, report) = lifeline(&sb, &["report", &id, "--format", format]);
            assert!(
                ok,
                "{}: report --format {format} failed: {report}",
                drill.name
            );
            found.extend(leaks(&format!("{}: {format} report", drill.name), &report));
        }
        // Every step screen: as the step is entered (its questions not answered yet, so the
        // title names them in words) and just before the next step is entered.
        let entered: Vec<usize> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.event, Event::StepEntered { .. }))
            .map(|(i, _)| i)
            .collect();
        for (n, &i) in entered.iter().enumerate() {
            if let Event::StepEntered { step } = &records[i].event {
                steps_drawn.insert(step.clone());
            }
            let upto = [i + 1, entered.get(n + 1).copied().unwrap_or(records.len())];
            for end in upto {
                for screen in screens(&records[..end], n == 0 || end == records.len()) {
                    found.extend(leaks(
                        &format!("{}: screen after record {end}", drill.name),
                        &screen,
                    ));
                }
            }
        }
        found.extend(
            screens(&records, true)
                .iter()
                .flat_map(|s| leaks(&format!("{}: the score screen", drill.name), s)),
        );
    }
    assert!(
        steps_drawn.len() > 200,
        "only {} distinct steps drawn",
        steps_drawn.len()
    );
    assert_none(found);
}
