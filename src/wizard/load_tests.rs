//! Tests of `load`: syntax errors, every structural error with its position, spans.

use super::*;

const HEAD: &str = "id = \"w\"\ntitle = \"T\"\nversion = \"1\"\ndescription = \"D\"\n";

fn errors(text: &str) -> Vec<String> {
    match load_wizard("f.toml", text) {
        Ok(_) => vec![],
        Err(diags) => diags.iter().map(Diagnostic::located_message).collect(),
    }
}

#[test]
fn a_minimal_wizard_loads_and_keeps_positions() {
    let text = format!("{HEAD}[[steps]]\nid = \"a\"\nkind = \"info\"\ntitle = \"A\"\n");
    let loaded = load_wizard("f.toml", &text).unwrap();
    assert_eq!(loaded.wizard.steps[0].id, "a");
    assert_eq!(loaded.spans.key_pos("steps[0].kind"), (7, 1));
    assert_eq!(loaded.spans.value_pos("steps[0].kind"), (7, 8));
    assert_eq!(loaded.spans.value_pos("steps[0]"), (5, 1));
}

#[test]
fn syntax_errors_carry_their_position_and_stop_the_walk() {
    assert_eq!(
        errors("id = \"w\"\nid = \"x\"\n"),
        vec!["2:1: duplicate key 'id'"]
    );
    let got = errors("id = \"w\ntitle = 3\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("1:8: invalid TOML: "), "{got:?}");
}

#[test]
fn every_structural_error_is_reported_with_its_position() {
    let text = format!(
        "{HEAD}colour = \"red\"\n\
         [[inputs]]\nid = \"a\"\nkind = \"chioce\"\nlabel = 3\n\
         [[steps]]\nid = \"s\"\nkind = \"manual\"\ntitle = \"S\"\nargv = [\"x\"]\n\
         [[steps]]\nkind = \"command\"\ntitle = \"C\"\nargv = [\"x\", 2]\ntimeout_s = -1\n\
         success_codes = [0, 4294967296]\nwhen = {{ a = 1, any = \"x\" }}\nenv = {{ A = true }}\n"
    );
    assert_eq!(
        errors(&text),
        vec![
            "5:1: unknown key 'colour'",
            "8:8: unknown input kind 'chioce' (did you mean 'choice'?); expected one of: text, fqdn, unc-path, windows-path, choice, multi-choice, bool, secret",
            "9:9: 'label' must be a string, not an integer",
            "10:1: missing key 'checklist' for a manual step",
            "14:1: unknown key 'argv' for a manual step",
            "15:1: missing key 'id' for a command step",
            "18:14: 'argv' must hold only strings, not an integer",
            "19:13: 'timeout_s' must be a whole number of 0 or more",
            "20:21: 'success_codes' must hold only exit codes (whole numbers)",
            "21:14: 'when' value for 'a' must be a string, a list of strings, or true or false, not an integer",
            "21:23: 'any' must be a list of tables, not a string",
            "22:13: 'env' values must be strings, not a boolean",
        ]
    );
}

#[test]
fn keys_of_other_step_kinds_and_check_kinds_are_named() {
    let text = format!(
        "{HEAD}[[steps]]\nid = \"c\"\nkind = \"check\"\ntitle = \"C\"\nargv = [\"x\"]\n\
         check = {{ kind = \"dns\", name = \"x\", port = \"1\" }}\n\
         [[steps]]\nid = \"d\"\nkind = \"check\"\ntitle = \"D\"\ncheck = {{ kind = \"command\" }}\n\
         [[steps]]\nid = \"e\"\nkind = \"info\"\ntitle = \"E\"\ninput = \"x\"\nverify = {{ path = \"p\" }}\n"
    );
    assert_eq!(
        errors(&text),
        vec![
            "9:1: unknown key 'argv' for a check step without a 'command' check",
            "10:37: unknown key 'port' for a 'dns' check",
            "11:1: missing key 'argv' for a check step with a 'command' check",
            "20:1: unknown key 'input' for an info step",
            "21:1: unknown key 'verify' for an info step",
        ]
    );
}

#[test]
fn a_check_without_a_kind_and_an_unknown_step_kind_are_reported() {
    let text = format!(
        "{HEAD}[[steps]]\nid = \"c\"\nkind = \"chek\"\ntitle = \"C\"\ncheck = {{ path = \"p\" }}\n"
    );
    assert_eq!(
        errors(&text),
        vec![
            "7:8: unknown step kind 'chek' (did you mean 'check'?); expected one of: info, choice, input, manual, command, check, include",
            "9:9: missing key 'kind' for a check",
        ]
    );
}

#[test]
fn peek_id_reads_the_id_of_a_file_that_otherwise_fails() {
    assert_eq!(peek_id("id = \"x\"\nkind = 3\n"), Some("x".into()));
    assert_eq!(peek_id("id = "), None);
}
