//! Engine features the bundled content relies on: titles and checklists shown with answers
//! filled in, defaults that refer to another input of the same form, age limits in hours
//! from an answer, and a `verify` that runs its own command after an interruption.

use lifeline::app::answers::AnswersFile;
use lifeline::app::driver::{Attached, Driver, MemoryJournal, StepRunner};
use lifeline::app::headless::{Ending, HeadlessOptions, drive};
use lifeline::session::engine::{ExecRequest, Intent, NoDefaults, RunReport};
use lifeline::session::event::{AnswerValue, Event, Operator, Outcome};
use lifeline::session::state::{SessionState, StepStatus};
use lifeline::wizard::{Catalog, CheckSpec, Wizard};

const WIZARD: &str = r#"
id = "restore"
title = "Restore"
version = "1"
description = "Exercises display templates, chained defaults, hours and verify."

[[inputs]]
id = "server_fqdn"
kind = "fqdn"
label = "Server"

[[inputs]]
id = "password"
kind = "secret"
label = "Password"

[[inputs]]
id = "settings_dir"
kind = "unc-path"
label = "Settings folder"
default = '\\bkp01\settings'

[[inputs]]
id = "pool_file"
kind = "windows-path"
label = "Pool export"
default = '{{settings_dir}}\pool.xml'

[[inputs]]
id = "interval_h"
kind = "text"
label = "Hours between backups"
default = "24"
pattern = "[0-9]+"

[[steps]]
id = "where"
kind = "input"
title = "Where is {{server_fqdn}}?"
inputs = ["server_fqdn", "pool_file", "settings_dir"]

[[steps]]
id = "fresh"
kind = "check"
title = "The export on {{server_fqdn}} is recent"
check = { kind = "path-exists", path = "{{pool_file}}", max_age_h = "{{interval_h}}" }

[[steps]]
id = "log-on"
kind = "manual"
title = "Log on to {{server_fqdn}}"
checklist = ["Log on to {{server_fqdn}} as an administrator."]

[[steps]]
id = "restore-rtc"
kind = "command"
title = "Restore RTC on {{server_fqdn}}"
argv = ["sqlcmd", "-S", "{{server_fqdn}}", "-Q", "RESTORE DATABASE RTC"]
env = { SQLCMDPASSWORD = "{{password}}" }
on_interrupt = "check"
verify = { kind = "command", argv = ["sqlcmd", "-S", "{{server_fqdn}}", "-Q", "SELECT DATABASEPROPERTYEX('RTC', 'Status')"], regex = "ONLINE" }
"#;

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    c.insert(toml::from_str::<Wizard>(WIZARD).expect("wizard parses"));
    c
}

fn started(drill: bool) -> Event {
    Event::SessionStarted {
        session: "s1".into(),
        wizard: "restore".into(),
        wizard_hash: "h".into(),
        wizard_version: "1".into(),
        inventory_hash: None,
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill,
        lifeline_version: "test".into(),
        scenario: None,
        target_s: None,
    }
}

fn driver(journal: &mut MemoryJournal, drill: bool) -> Driver<'_> {
    let mut d = Driver::new(
        catalog(),
        "restore".into(),
        SessionState::default(),
        Box::new(NoDefaults),
        Box::new(journal),
    );
    d.append(started(drill)).expect("start");
    d
}

/// Records every request and answers with `output`, succeeding.
#[derive(Default)]
struct Recorder {
    runs: Vec<ExecRequest>,
    output: String,
}

impl StepRunner for Recorder {
    fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
        self.runs.push(request.clone());
        let passed = request.simulate.is_some()
            || match &request.check {
                Some(CheckSpec::Command {
                    regex: Some(re), ..
                }) => self.output.contains(re.as_str()),
                _ => true,
            };
        on_line(&self.output);
        RunReport {
            outcome: Some(if passed {
                Outcome::Succeeded
            } else {
                Outcome::Failed
            }),
            exit_code: Some(if passed { 0 } else { 1 }),
            ..RunReport::default()
        }
    }
    fn attach(&mut self, _step: &str, _attempt: u32, _on_line: &mut dyn FnMut(&str)) -> Attached {
        Attached::Gone
    }
}

#[test]
fn titles_and_checklists_show_answers_and_name_unknown_values_in_words() {
    let mut journal = MemoryJournal::default();
    let mut d = driver(&mut journal, false);
    let engine = d.engine();
    let steps = engine.steps();
    let log_on = steps.iter().find(|s| s.key == "log-on").expect("step");
    assert_eq!(
        engine.render_text(log_on, &log_on.def.title),
        "Log on to <Server>"
    );
    d.apply(Intent::Answer {
        key: "server_fqdn".into(),
        value: AnswerValue::Text("fe01.contoso.com".into()),
    })
    .expect("answer");
    let engine = d.engine();
    let steps = engine.steps();
    let log_on = steps.iter().find(|s| s.key == "log-on").expect("step");
    assert_eq!(
        engine.render_text(log_on, &log_on.def.title),
        "Log on to fe01.contoso.com"
    );
    assert_eq!(
        engine.render_text(log_on, &log_on.def.checklist[0]),
        "Log on to fe01.contoso.com as an administrator."
    );
    // A secret is never shown, even when a template names it.
    assert_eq!(
        engine.render_text(log_on, "pw {{password}} on {{ server_fqdn }}"),
        "pw <Password> on fe01.contoso.com"
    );
}

#[test]
fn a_default_may_use_another_input_of_the_same_form() {
    let mut journal = MemoryJournal::default();
    let d = driver(&mut journal, false);
    let engine = d.engine();
    let steps = engine.steps();
    let form = steps.iter().find(|s| s.key == "where").expect("step");
    let defaults: Vec<(String, Option<AnswerValue>)> = engine
        .missing_answers(form)
        .into_iter()
        .map(|a| (a.key, a.default))
        .collect();
    // `pool_file` is asked before `settings_dir`, yet its default is built from it.
    assert_eq!(
        defaults,
        vec![
            ("server_fqdn".to_string(), None),
            (
                "pool_file".to_string(),
                Some(AnswerValue::Text(r"\\bkp01\settings\pool.xml".into()))
            ),
            (
                "settings_dir".to_string(),
                Some(AnswerValue::Text(r"\\bkp01\settings".into()))
            ),
        ]
    );
}

#[test]
fn a_headless_answer_feeds_the_defaults_asked_after_it() {
    const FORM_ORDER: &str = r#"
id = "order"
title = "Order"
version = "1"
description = "A default built from the answer just before it."

[[inputs]]
id = "settings_dir"
kind = "unc-path"
label = "Settings folder"
default = '\\bkp01\settings'

[[inputs]]
id = "pool_file"
kind = "windows-path"
label = "Pool export"
default = '{{settings_dir}}\pool.xml'

[[steps]]
id = "where"
kind = "input"
title = "Where"
inputs = ["settings_dir", "pool_file"]
"#;
    let mut catalog = Catalog::default();
    catalog.insert(toml::from_str::<Wizard>(FORM_ORDER).expect("parses"));
    let mut journal = MemoryJournal::default();
    let mut d = Driver::new(
        catalog,
        "order".into(),
        SessionState::default(),
        Box::new(NoDefaults),
        Box::new(&mut journal),
    );
    d.append(started(false)).expect("start");
    let answers = AnswersFile::parse("a.toml", "[answers]\nsettings_dir = '\\\\dr02\\ocs'\n")
        .expect("answers parse");
    let ending = drive(
        &mut d,
        &answers,
        &mut Recorder::default(),
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    assert_eq!(ending, Ending::Finished);
    assert_eq!(
        d.state.answers.get("pool_file"),
        Some(&AnswerValue::Text(r"\\dr02\ocs\pool.xml".into()))
    );
}

#[test]
fn an_age_limit_in_hours_comes_from_an_answer() {
    let mut journal = MemoryJournal::default();
    let mut d = driver(&mut journal, false);
    for (key, value) in [
        ("server_fqdn", "fe01.contoso.com"),
        ("settings_dir", r"\\bkp01\settings"),
        ("pool_file", r"\\bkp01\settings\pool.xml"),
        ("interval_h", "36"),
    ] {
        // Answers are only taken for the step under the cursor: walk there.
        if key == "interval_h" {
            d.apply(Intent::Acknowledge {
                step: "where".into(),
            })
            .expect("leave the form");
        }
        d.apply(Intent::Answer {
            key: key.into(),
            value: AnswerValue::Text(value.into()),
        })
        .expect("answer");
    }
    let engine = d.engine();
    let steps = engine.steps();
    let fresh = steps.iter().find(|s| s.key == "fresh").expect("step");
    let request = engine.exec_request(fresh, 1).expect("request");
    assert_eq!(
        request.check,
        Some(CheckSpec::PathExists {
            path: r"\\bkp01\settings\pool.xml".into(),
            max_age_s: Some(36 * 3600),
            max_age_h: None,
        })
    );
}

/// Starts `restore-rtc` and leaves it running, as a power cut would.
fn interrupted_restore(drill: bool) -> MemoryJournal {
    let mut journal = MemoryJournal::default();
    {
        let mut d = driver(&mut journal, drill);
        let answers = AnswersFile::parse(
            "a.toml",
            "[answers]\nserver_fqdn = \"be01.contoso.com\"\npassword = \"pw\"\n",
        )
        .expect("answers");
        let mut runner = Recorder::default();
        // Walk up to the restore (its secret asked too), then start it and "die".
        while !matches!(
            d.engine().next(),
            lifeline::session::engine::Next::Step { ref step, need: lifeline::session::engine::Need::Execute }
                if step.key == "restore-rtc"
        ) {
            assert!(
                drive_one(&mut d, &answers, &mut runner),
                "walked to the restore"
            );
        }
        let runs = d
            .apply(Intent::Start {
                step: "restore-rtc".into(),
            })
            .expect("start the restore");
        assert_eq!(runs.len(), 1);
    }
    journal
}

/// Advances the session by one step with a recorder that always succeeds.
fn drive_one(d: &mut Driver<'_>, answers: &AnswersFile, runner: &mut Recorder) -> bool {
    use lifeline::session::engine::{Need, Next};
    let Next::Step { step, need } = d.engine().next() else {
        return false;
    };
    let key = step.key.clone();
    let intents: Vec<Intent> = match need {
        Need::Answers(asks) => asks
            .iter()
            .map(|a| Intent::Answer {
                key: a.key.clone(),
                value: answers
                    .value_for(&a.key, a.input.kind)
                    .or(a.default.clone())
                    .expect("an answer"),
            })
            .collect(),
        Need::Checklist { unticked } => unticked
            .into_iter()
            .map(|item| Intent::Tick {
                step: key.clone(),
                item,
                ticked: true,
            })
            .collect(),
        Need::Execute => vec![Intent::Start { step: key.clone() }],
        _ => vec![Intent::Acknowledge { step: key.clone() }],
    };
    for intent in intents {
        for request in d.apply(intent).expect("intent") {
            let report = runner.run(&request, &mut |_| {});
            d.apply(Intent::Finished {
                step: request.step.clone(),
                attempt: request.attempt,
                report,
            })
            .expect("finished");
        }
    }
    true
}

fn resume(journal: &mut MemoryJournal, output: &str) -> (Ending, Recorder, StepStatus) {
    let state = SessionState::replay(&journal.records).expect("replay");
    assert_eq!(
        state.step("restore-rtc").status,
        StepStatus::Running { attempt: 1 }
    );
    let mut runner = Recorder {
        output: output.into(),
        ..Recorder::default()
    };
    let mut d = Driver::new(
        catalog(),
        "restore".into(),
        state,
        Box::new(NoDefaults),
        Box::new(journal),
    );
    let answers = AnswersFile::parse("a.toml", "[answers]\npassword = \"pw\"\n").expect("answers");
    let ending = drive(
        &mut d,
        &answers,
        &mut runner,
        &HeadlessOptions::default(),
        &mut |_, _| {},
    )
    .expect("drive");
    let status = d.state.step("restore-rtc").status.clone();
    (ending, runner, status)
}

#[test]
fn an_interrupted_restore_is_verified_by_its_own_query_and_never_run_again() {
    let mut journal = interrupted_restore(false);
    let (ending, runner, status) = resume(&mut journal, "ONLINE");
    assert_eq!(ending, Ending::Finished);
    assert!(
        matches!(status, StepStatus::MarkedDone { .. }),
        "{status:?}"
    );
    assert_eq!(runner.runs.len(), 1, "only the verification ran");
    let verify = &runner.runs[0];
    assert_eq!(
        verify.argv,
        vec![
            "sqlcmd",
            "-S",
            "be01.contoso.com",
            "-Q",
            "SELECT DATABASEPROPERTYEX('RTC', 'Status')"
        ]
    );
    assert_eq!(verify.display_argv, verify.argv);
    assert_eq!(verify.attempt, 0, "a verification is not an attempt");
    assert_eq!(
        verify.env,
        vec![("SQLCMDPASSWORD".to_string(), "pw".to_string())],
        "run like the step: with its env"
    );
    assert!(verify.simulate.is_none());
    assert_eq!(
        verify.check,
        Some(CheckSpec::Command {
            argv: vec![],
            regex: Some("ONLINE".into())
        })
    );
}

#[test]
fn a_failed_verification_asks_the_operator() {
    let mut journal = interrupted_restore(false);
    let (ending, runner, status) = resume(&mut journal, "RESTORING");
    assert!(
        matches!(ending, Ending::NeedsDecision { ref step, .. } if step == "restore-rtc"),
        "{ending:?}"
    );
    assert_eq!(status, StepStatus::Interrupted { attempt: 1 });
    assert!(
        runner
            .runs
            .iter()
            .all(|r| !r.argv.join(" ").contains("RESTORE DATABASE"))
    );
}

#[test]
fn in_a_drill_a_command_verification_is_simulated() {
    let mut journal = interrupted_restore(true);
    let (ending, runner, _) = resume(&mut journal, "");
    assert_eq!(ending, Ending::Finished);
    assert_eq!(runner.runs.len(), 1);
    assert!(
        runner.runs[0].simulate.is_some(),
        "nothing runs for real in a drill"
    );
}
