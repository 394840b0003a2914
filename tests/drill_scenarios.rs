//! The drill scenario loader: a valid file types its presets and faults; every invalid one
//! is refused with `'path':line:col: message` errors naming what is wrong.

use lifeline::app::catalog::load_catalog;
use lifeline::drill::load_scenario;
use lifeline::session::event::{AnswerValue, Outcome};
use lifeline::wizard::Catalog;

fn catalog() -> Catalog {
    load_catalog(&[]).expect("bundled wizards load")
}

/// Loads `tests/fixtures/drill-scenarios/<name>.toml`, labelled by that relative path.
fn load(name: &str) -> Result<lifeline::drill::LoadedScenario, Vec<String>> {
    let label = format!("tests/fixtures/drill-scenarios/{name}.toml");
    let text = std::fs::read_to_string(format!("{}/{label}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    load_scenario(&label, &text, &catalog()).map_err(|e| e.0)
}

#[test]
fn a_valid_scenario_types_its_presets_and_plans_its_faults() {
    let s = load("valid").expect("valid");
    assert_eq!(s.id(), "valid");
    assert_eq!(s.wizard(), "restore-service");
    assert_eq!(s.target_s(), None);
    assert_eq!(
        s.presets.get("lost"),
        Some(&AnswerValue::List(vec!["rtc-database".into()]))
    );
    assert_eq!(
        s.presets.get("topology"),
        Some(&AnswerValue::Text("enterprise-consolidated".into()))
    );
    assert_eq!(s.presets.get("os_healthy"), Some(&AnswerValue::Bool(true)));
    // A multi-choice given as a string is split like an answers file's.
    assert_eq!(
        s.presets.get("databases"),
        Some(&AnswerValue::List(vec!["RTC".into()]))
    );
    let planned = s.planned_faults();
    assert_eq!(planned.len(), 1);
    assert_eq!(planned[0].outcome, Outcome::Failed);
    assert_eq!(planned[0].exit_code, Some(1));
    assert_eq!(planned[0].expect, vec!["retry".to_string()]);
    assert!(!planned[0].persist);
}

fn errors(name: &str) -> Vec<String> {
    match load(name) {
        Ok(_) => panic!("{name} loaded"),
        Err(e) => e,
    }
}

const DIR: &str = "tests/fixtures/drill-scenarios";

#[test]
fn an_unknown_field_is_refused_at_its_position() {
    assert_eq!(
        errors("unknown-field"),
        vec![format!(
            "'{DIR}/unknown-field.toml':6:1: unknown field `faultz`, expected one of `id`, `title`, `briefing`, `loss`, `topology`, `wizard`, `target_s`, `real_checks`, `answers`, `faults`"
        )]
    );
}

#[test]
fn a_step_pattern_must_hit_a_step_that_runs_and_applies() {
    assert_eq!(
        errors("no-such-step"),
        vec![format!(
            "'{DIR}/no-such-step.toml':9:8: step pattern 'restore-databases/restore-rct' matches no step of wizard 'restore-service' (keys look like 'restore-databases/restore-rtc')"
        )]
    );
    assert_eq!(
        errors("runs-nothing"),
        vec![format!(
            "'{DIR}/runs-nothing.toml':9:8: step pattern 'restore-databases/restore-account' matches only steps that run nothing (a fault needs a command or check step)"
        )]
    );
    assert_eq!(
        errors("ruled-out"),
        vec![format!(
            "'{DIR}/ruled-out.toml':12:8: step pattern 'restore-databases/restore-lcslog' matches only steps the preset answers rule out"
        )]
    );
}

#[test]
fn every_bad_value_is_reported_in_file_order() {
    let f = format!("'{DIR}/bad-values.toml'");
    assert_eq!(
        errors("bad-values"),
        vec![
            format!(
                "{f}:4:8: lost: 'the-moon' is not one of: back-end, standard-edition, front-end, director, web-components, web-conferencing, av-conferencing, app-sharing, archiving-cdr, monitoring, mediation, edge, forwarding-proxy, persistent-chat, rtc-database, lcslog-database, file-shares, active-directory, site"
            ),
            format!("{f}:6:12: target_s must be more than 0"),
            format!(
                "{f}:9:17: no input 'no_such_input' in wizard 'restore-service' or the wizards it includes"
            ),
            format!("{f}:10:20: 'service_password' is a secret: a scenario cannot preset it"),
            format!("{f}:15:11: fault 'dup': a fault must not succeed"),
            format!(
                "{f}:18:10: fault 'dup': say what handling is expected (retry, skip, mark-done)"
            ),
            format!("{f}:21:6: fault 'dup' is listed twice"),
            format!("{f}:26:10: fault 'dup' persists, so a retry cannot be its only handling"),
        ]
    );
}

#[test]
fn the_id_must_match_the_file_name() {
    assert_eq!(
        errors("misnamed"),
        vec![format!(
            "'{DIR}/misnamed.toml':1:6: id 'not-the-file-name' must match the file name 'misnamed.toml'"
        )]
    );
}

#[test]
fn an_unknown_wizard_is_named_with_the_known_ones() {
    let text = "id = \"x\"\ntitle = \"t\"\nbriefing = \"b\"\nloss = [\"site\"]\ntopology = \"standard\"\nwizard = \"restore-everything\"\n";
    let err = load_scenario("x.toml", text, &catalog()).expect_err("refused");
    assert!(
        err.0[0].starts_with("'x.toml':6:10: no wizard 'restore-everything' (known: "),
        "{err}"
    );
}
