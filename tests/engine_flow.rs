//! The engine driven headlessly over an in-memory journal: the order of commands, the
//! never-twice guarantee, for_each scopes, interruptions, secrets, and replay equality.

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::{Attached, Driver, MemoryJournal, StepRunner};
use lifeline::app::headless::{Ending, HeadlessOptions, InterruptedChoice, drive};
use lifeline::session::engine::{ExecRequest, Intent, NoDefaults, RunReport};
use lifeline::session::event::{Event, Operator, Outcome};
use lifeline::session::state::{SessionState, StepStatus};
use lifeline::wizard::{Catalog, Wizard};
use proptest::prelude::*;

const MAIN: &str = r#"
id = "main"
title = "Test recovery"
version = "1"
description = "A small wizard exercising every step kind."

[[inputs]]
id = "topology"
kind = "choice"
label = "Topology"
options = [{ value = "standard", label = "SE" }, { value = "enterprise-expanded", label = "EE" }]

[[inputs]]
id = "lost"
kind = "multi-choice"
label = "Lost"
options = [{ value = "back-end", label = "BE" }, { value = "front-end", label = "FE" }, { value = "edge", label = "Edge" }]

[[inputs]]
id = "sa_password"
kind = "secret"
label = "SQL password"

[[steps]]
id = "intro"
kind = "info"
title = "Read me"

[[steps]]
id = "pick"
kind = "choice"
title = "Which topology?"
input = "topology"

[[steps]]
id = "ee-only"
kind = "command"
title = "EE only"
argv = ["lcscmd", "/pool"]
when = { topology = "enterprise-expanded" }

[[steps]]
id = "restore"
kind = "command"
title = "Restore"
argv = ["sqlcmd", "-P", "{{sa_password}}", "-Q", "RESTORE {{topology}}"]
confirm = "OVERWRITE"

[[steps]]
id = "per-server"
kind = "include"
title = "Each lost server"
wizard = "server"
for_each = "lost"

[[steps]]
id = "validate"
kind = "manual"
title = "Validate"
checklist = ["Sign in", "Send a message"]
"#;

const SERVER: &str = r#"
id = "server"
title = "One server"
version = "1"
description = "Per-server steps."

[[inputs]]
id = "server_fqdn"
kind = "fqdn"
label = "Server"
default = "{{item}}.contoso.com"

[[steps]]
id = "import"
kind = "command"
title = "Import machine settings"
argv = ["lcscmd", "/config", "/action:import", "/level:machine", "/fqdn:{{server_fqdn}}"]
"#;

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    c.insert(toml::from_str::<Wizard>(MAIN).expect("main parses"));
    c.insert(toml::from_str::<Wizard>(SERVER).expect("server parses"));
    c
}

/// Records every argv and succeeds, or fails the argv containing `fail_on`.
#[derive(Default)]
struct Recorder {
    runs: Vec<Vec<String>>,
    fail_on: Option<String>,
}

impl StepRunner for Recorder {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        self.runs.push(request.argv.clone());
        on_line("ok");
        let fail = self
            .fail_on
            .as_ref()
            .is_some_and(|f| request.argv.iter().any(|a| a.contains(f)));
        RunReport {
            outcome: Some(if fail {
                Outcome::Failed
            } else {
                Outcome::Succeeded
            }),
            exit_code: Some(if fail { 1 } else { 0 }),
            duration_ms: 5,
            ..RunReport::default()
        }
    }
    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        Attached::Gone
    }
}

fn started() -> Event {
    Event::SessionStarted {
        session: "s1".into(),
        wizard: "main".into(),
        wizard_hash: "h".into(),
        wizard_version: "1".into(),
        inventory_hash: None,
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill: false,
        lifeline_version: "test".into(),
        scenario: None,
        target_s: None,
    }
}

fn answers(extra: &str) -> AnswersFile {
    AnswersFile::parse(
        "answers.toml",
        &format!(
            "[answers]\ntopology = \"enterprise-expanded\"\nlost = [\"edge\", \"back-end\"]\nsa_password = \"s3cr3t!\"\n\
             [confirm]\nrestore = \"OVERWRITE\"\n{extra}"
        ),
    )
    .expect("answers parse")
}

fn new_driver(journal: &mut MemoryJournal) -> Driver<'_> {
    let mut d = Driver::new(
        catalog(),
        "main".into(),
        SessionState::default(),
        Box::new(NoDefaults),
        Box::new(journal),
    );
    d.append(started()).expect("start");
    d
}

#[test]
fn runs_every_command_in_order_with_per_server_scopes() {
    let mut journal = MemoryJournal::default();
    let mut runner = Recorder::default();
    let ending = {
        let mut d = new_driver(&mut journal);
        drive(
            &mut d,
            &answers("[manual]\ndefault = \"done\"\n"),
            &mut runner,
            &HeadlessOptions::default(),
            &mut |_, _| {},
        )
        .expect("drive")
    };
    assert_eq!(ending, Ending::Finished);
    let runs: Vec<String> = runner.runs.iter().map(|a| a.join(" ")).collect();
    assert_eq!(
        runs,
        vec![
            "lcscmd /pool".to_string(),
            "sqlcmd -P s3cr3t! -Q RESTORE enterprise-expanded".into(),
            // The options' order (back-end before edge), not the answer's order.
            "lcscmd /config /action:import /level:machine /fqdn:back-end.contoso.com".into(),
            "lcscmd /config /action:import /level:machine /fqdn:edge.contoso.com".into(),
        ]
    );
    // The secret is journaled redacted, never in clear.
    let text = serde_json::to_string(&journal.records).expect("json");
    assert!(!text.contains("s3cr3t!"), "secret leaked into the journal");
    assert!(
        text.contains("sqlcmd\",\"-P\",\"****\""),
        "display argv is redacted: {text}"
    );
    // Per-instance answers live under their for_each scope.
    assert!(text.contains("per-server[edge]/server_fqdn"));
}

#[test]
fn a_missing_confirmation_or_manual_decision_needs_the_operator() {
    let mut journal = MemoryJournal::default();
    let mut runner = Recorder::default();
    let mut d = new_driver(&mut journal);
    let no_confirm = AnswersFile::parse(
        "a.toml",
        "[answers]\ntopology = \"standard\"\nlost = [\"edge\"]\nsa_password = \"x\"\n",
    )
    .expect("parse");
    let ending = drive(
        &mut d,
        &no_confirm,
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert!(
        matches!(ending, Ending::NeedsDecision { ref step, .. } if step == "restore"),
        "{ending:?}"
    );
    assert!(
        runner.runs.is_empty(),
        "nothing runs before the confirmation"
    );
}

#[test]
fn a_finished_step_never_runs_again_and_a_failed_one_is_retried_on_resume() {
    let mut journal = MemoryJournal::default();
    let mut runner = Recorder {
        fail_on: Some("/fqdn:edge".into()),
        ..Recorder::default()
    };
    let first = {
        let mut d = new_driver(&mut journal);
        drive(
            &mut d,
            &answers(""),
            &mut runner,
            &HeadlessOptions::default(),
            &mut |_, _| {},
        )
        .expect("drive")
    };
    assert!(
        matches!(first, Ending::StepFailed { ref step, .. } if step == "per-server[edge]/import"),
        "{first:?}"
    );
    assert_eq!(runner.runs.len(), 4);

    // Resume from the journal alone: secrets are gone and asked again; only the failed step reruns.
    let state = SessionState::replay(&journal.records).expect("replay");
    runner.fail_on = None;
    let records_before = journal.records.len();
    let mut d = Driver::new(
        catalog(),
        "main".into(),
        state,
        Box::new(NoDefaults),
        Box::new(&mut journal),
    );
    let restore_again = d.apply(Intent::Start {
        step: "restore".into(),
    });
    assert!(
        restore_again.is_err(),
        "a succeeded step must not start again"
    );
    let options = HeadlessOptions {
        retry_failed: true,
        ..HeadlessOptions::default()
    };
    let ending = drive(
        &mut d,
        &answers("[manual]\ndefault = \"done\"\n"),
        &mut runner,
        &options,
        &mut |_, _| {},
    )
    .expect("resume");
    assert_eq!(ending, Ending::Finished);
    assert_eq!(runner.runs.len(), 5, "only the failed step ran again");
    assert_eq!(
        runner.runs[4].last().map(String::as_str),
        Some("/fqdn:edge.contoso.com")
    );
    drop(d);
    assert!(journal.records.len() > records_before);
}

#[test]
fn an_interrupted_step_follows_its_policy() {
    let mut journal = MemoryJournal::default();
    {
        let mut d = new_driver(&mut journal);
        let a = answers("");
        // Walk to the restore step and start it, then "die" before it finishes.
        let mut runner = Recorder::default();
        let _ = drive(
            &mut d,
            &AnswersFile::parse(
                "a",
                "[answers]\ntopology = \"standard\"\nlost = [\"edge\"]\nsa_password = \"x\"\n",
            )
            .expect("p"),
            &mut runner,
            &HeadlessOptions::default(),
            &mut |_, _| {},
        );
        d.apply(Intent::Confirm {
            step: "restore".into(),
            word: "OVERWRITE".into(),
        })
        .expect("confirm");
        let runs = d
            .apply(Intent::Start {
                step: "restore".into(),
            })
            .expect("start");
        assert_eq!(runs.len(), 1);
        drop(a);
    }
    let state = SessionState::replay(&journal.records).expect("replay");
    assert_eq!(
        state.step("restore").status,
        StepStatus::Running { attempt: 1 }
    );

    // Policy ask (the default for commands): a headless resume stops for a decision.
    let mut runner = Recorder::default();
    let mut d = Driver::new(
        catalog(),
        "main".into(),
        state.clone(),
        Box::new(NoDefaults),
        Box::new(&mut journal),
    );
    let ending = drive(
        &mut d,
        &answers(""),
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert!(
        matches!(ending, Ending::NeedsDecision { ref step, .. } if step == "restore"),
        "{ending:?}"
    );
    assert_eq!(
        d.state.step("restore").status,
        StepStatus::Interrupted { attempt: 1 }
    );
    assert!(runner.runs.is_empty());

    // --interrupted rerun: attempt 2 runs, and the session finishes.
    let options = HeadlessOptions {
        interrupted: Some(InterruptedChoice::Rerun),
        ..HeadlessOptions::default()
    };
    let ending = drive(
        &mut d,
        &answers("[manual]\ndefault = \"done\"\n"),
        &mut runner,
        &options,
        &mut |_, _| {},
    )
    .expect("drive");
    assert_eq!(ending, Ending::Finished);
    assert_eq!(d.state.step("restore").attempts, 2);
    assert_eq!(runner.runs.iter().filter(|r| r[0] == "sqlcmd").count(), 1);
}

#[test]
fn a_dry_run_lists_every_missing_answer() {
    let mut journal = MemoryJournal::default();
    let mut runner = Recorder::default();
    let mut d = new_driver(&mut journal);
    let empty = AnswersFile::parse("a.toml", "[answers]\nlost = [\"edge\"]\n").expect("parse");
    let options = HeadlessOptions {
        collect_missing: true,
        ..HeadlessOptions::default()
    };
    let ending = drive(&mut d, &empty, &mut runner, &options, &mut |_, _| {}).expect("drive");
    assert_eq!(
        ending,
        Ending::MissingAnswers(vec!["topology".into(), "sa_password".into()])
    );
}

/// Random operator intents: whatever the engine accepts and journals, replaying the journal
/// gives exactly the driver's state.
fn intent_strategy() -> impl Strategy<Value = (u8, u8)> {
    (0u8..9, 0u8..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    #[test]
    fn replay_of_what_was_journaled_equals_the_live_state(script in proptest::collection::vec(intent_strategy(), 1..60)) {
        let mut journal = MemoryJournal::default();
        let live = {
            let mut d = new_driver(&mut journal);
            let steps = ["intro", "pick", "ee-only", "restore", "per-server", "per-server[edge]/import", "validate"];
            for (what, which) in script {
                let step = steps[which as usize % steps.len()].to_string();
                let intent = match what {
                    0 => Intent::Answer { key: "topology".into(), value: lifeline::session::AnswerValue::Text(if which % 2 == 0 { "standard" } else { "enterprise-expanded" }.into()) },
                    1 => Intent::Answer { key: "lost".into(), value: lifeline::session::AnswerValue::List(vec!["edge".into()]) },
                    2 => Intent::Acknowledge { step },
                    3 => Intent::Start { step },
                    4 => Intent::Skip { step, reason: "not needed".into() },
                    5 => Intent::MarkDone { step, note: None },
                    6 => Intent::Confirm { step, word: "OVERWRITE".into() },
                    7 => Intent::Tick { step, item: (which % 2) as usize, ticked: true },
                    _ => Intent::Enter { step },
                };
                if let Ok(runs) = d.apply(intent) {
                    for r in runs {
                        let _ = d.apply(Intent::Finished { step: r.step.clone(), attempt: r.attempt, report: RunReport { outcome: Some(Outcome::Succeeded), exit_code: Some(0), ..RunReport::default() } });
                    }
                }
            }
            d.state.clone()
        };
        let replayed = SessionState::replay(&journal.records).expect("journal replays");
        prop_assert_eq!(replayed, live);
    }
}

const VERIFIED: &str = r#"
id = "verified"
title = "Verified restore"
version = "1"
description = "A restore whose outcome can be verified after an interruption."

[[steps]]
id = "restore"
kind = "command"
title = "Restore"
argv = ["sqlcmd", "-Q", "RESTORE DATABASE [RTC]"]
on_interrupt = "check"
verify = { kind = "path-exists", path = "/tmp/rtc.restored" }
"#;

#[test]
fn the_check_policy_verifies_instead_of_rerunning() {
    let mut catalog = Catalog::default();
    catalog.insert(toml::from_str::<Wizard>(VERIFIED).expect("parses"));
    let mut journal = MemoryJournal::default();
    {
        let mut d = Driver::new(
            catalog.clone(),
            "verified".into(),
            SessionState::default(),
            Box::new(NoDefaults),
            Box::new(&mut journal),
        );
        d.append(started()).expect("start");
        let runs = d
            .apply(Intent::Start {
                step: "restore".into(),
            })
            .expect("start step");
        assert_eq!(runs.len(), 1);
    }
    let state = SessionState::replay(&journal.records).expect("replay");
    let mut runner = Recorder::default();
    let mut d = Driver::new(
        catalog,
        "verified".into(),
        state,
        Box::new(NoDefaults),
        Box::new(&mut journal),
    );
    let ending = drive(
        &mut d,
        &AnswersFile::default(),
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert_eq!(ending, Ending::Finished);
    assert!(
        runner
            .runs
            .iter()
            .all(|argv| argv.first().map(String::as_str) != Some("sqlcmd")),
        "the restore was not run again"
    );
    assert!(matches!(
        d.state.step("restore").status,
        StepStatus::MarkedDone { .. }
    ));
}
