//! Tests of the semantic checks: one wizard's rules, `when`, reachability and includes.

use super::*;

const INPUTS: &str = r#"
[[inputs]]
id = "topology"
kind = "choice"
label = "Topology"
options = [{ value = "standard", label = "S" }, { value = "enterprise", label = "E" }]

[[inputs]]
id = "lost"
kind = "multi-choice"
label = "Lost"
options = [{ value = "back-end", label = "B" }, { value = "edge", label = "E" }]

[[inputs]]
id = "healthy"
kind = "bool"
label = "Healthy"

[[inputs]]
id = "pool"
kind = "text"
label = "Pool"

[[inputs]]
id = "password"
kind = "secret"
label = "Password"
"#;

/// A wizard `id` with the shared inputs and `steps` (TOML) appended; its steps start on line 33.
fn wizard(id: &str, steps: &str) -> String {
    format!("id = \"{id}\"\ntitle = \"T\"\nversion = \"1\"\ndescription = \"D\"\n{INPUTS}\n{steps}")
}

fn check_files(files: &[(&str, String)], context: &Catalog) -> Vec<String> {
    let sources: Vec<WizardSource> = files
        .iter()
        .map(|(p, t)| WizardSource {
            path: p.to_string(),
            text: t.clone(),
        })
        .collect();
    check_catalog(&sources, context)
        .1
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn check_steps(steps: &str) -> Vec<String> {
    check_files(&[("w.toml", wizard("w", steps))], &Catalog::default())
}

fn step(id: &str, kind: &str, extra: &str) -> String {
    format!("[[steps]]\nid = \"{id}\"\nkind = \"{kind}\"\ntitle = \"X\"\n{extra}\n")
}

#[test]
fn the_shared_inputs_start_where_the_tests_expect() {
    let text = wizard("w", &step("a", "info", ""));
    assert_eq!(text.lines().nth(32), Some("[[steps]]"));
    assert!(check_steps(&step("a", "info", "")).is_empty());
}

#[test]
fn ids_must_be_well_formed_unique_and_not_reserved() {
    let steps = step("Bad Id", "info", "")
        + &step("", "info", "")
        + &step("a", "info", "")
        + &step("a", "info", "");
    assert_eq!(
        check_steps(&steps),
        vec![
            "w.toml:34:6: step id 'Bad Id' must use only lower-case letters, digits, '-' and '_'",
            "w.toml:39:6: step id is empty",
            "w.toml:49:6: duplicate step id 'a'",
        ]
    );
    let reserved = wizard("w", &step("a", "info", "")).replace("id = \"pool\"", "id = \"item\"");
    assert_eq!(
        check_files(&[("w.toml", reserved)], &Catalog::default()),
        vec!["w.toml:24:6: input id 'item' is reserved"]
    );
}

#[test]
fn when_names_values_kinds_and_secrets_are_checked() {
    let steps = step(
        "a",
        "info",
        r#"when = { nope = "x", topology = ["standard", "mixed"], healthy = "yes", pool = true, password = "x", drill = "no" }"#,
    );
    assert_eq!(
        check_steps(&steps),
        vec![
            "w.toml:37:10: 'when' names input 'nope' that this wizard does not declare",
            "w.toml:37:46: 'mixed' is not an option of input 'topology' (options: standard, enterprise)",
            "w.toml:37:66: input 'healthy' is a bool: compare it with true or false",
            "w.toml:37:80: input 'pool' is a text input: compare it with text values, not true or false",
            "w.toml:37:86: secret input 'password' cannot decide a 'when' (its answer is never stored)",
            "w.toml:37:110: 'drill' is compared with true or false",
        ]
    );
}

#[test]
fn a_step_whose_when_never_holds_is_reported_once() {
    let steps = step(
        "a",
        "info",
        r#"when = { topology = "standard", not = { topology = "standard" } }"#,
    ) + &step(
        "b",
        "info",
        r#"when = { healthy = true, lost = "edge", not = { lost = ["back-end"] } }"#,
    ) + &step("c", "info", r#"when = { topology = "standrd" }"#);
    assert_eq!(
        check_steps(&steps),
        vec![
            "w.toml:37:1: step 'a' can never run: its 'when' never holds",
            "w.toml:47:21: 'standrd' is not an option of input 'topology' (options: standard, enterprise)",
        ]
    );
}

#[test]
fn placeholders_must_name_declared_inputs_and_secrets_stay_hidden() {
    let steps = step(
        "a",
        "command",
        r#"argv = ["x", "/pool:{{pool}}", "/p:{{password}}", "{{ item }}", "{{poll}}"]
body = "Password {{password}}"
server = "{{nowhere}}"
env = { A = "{{envx}}" }
verify = { kind = "path-exists", path = "{{dir}}" }"#,
    );
    assert_eq!(
        check_steps(&steps),
        vec![
            "w.toml:37:66: 'argv' names input 'poll' that this wizard does not declare",
            "w.toml:38:18: secret input 'password' would be shown in 'body'",
            "w.toml:39:11: 'server' names input 'nowhere' that this wizard does not declare",
            "w.toml:40:14: 'env' names input 'envx' that this wizard does not declare",
            "w.toml:41:42: 'path' names input 'dir' that this wizard does not declare",
        ]
    );
}

#[test]
fn each_step_kind_has_its_own_rules() {
    let steps = step("a", "choice", "input = \"pool\"")
        + &step("b", "input", "inputs = [\"pool\", \"poll\"]")
        + &step("c", "manual", "checklist = []")
        + &step(
            "d",
            "command",
            "argv = []\non_interrupt = \"check\"\nconfirm = \" \"",
        )
        + &step(
            "e",
            "check",
            "argv = [\"x\"]\ncheck = { kind = \"command\", regex = \"(\" }",
        )
        + &step("f", "include", "wizard = \"w2\"\nfor_each = \"topology\"")
        + &step("g", "input", "inputs = []");
    let w2 = format!(
        "id = \"w2\"\ntitle = \"T\"\nversion = \"1\"\ndescription = \"D\"\n{}",
        step("x", "info", "")
    );
    let got = check_files(
        &[("w.toml", wizard("w", &steps)), ("w2.toml", w2)],
        &Catalog::default(),
    );
    assert_eq!(
        got,
        vec![
            "w.toml:37:9: a choice step asks a choice, multi-choice or bool input, and 'pool' is a text input",
            "w.toml:42:19: 'inputs' names input 'poll' that this wizard does not declare",
            "w.toml:47:13: 'checklist' is empty",
            "w.toml:52:8: 'argv' is empty",
            "w.toml:53:16: on_interrupt = 'check' needs a 'verify' check on this step",
            "w.toml:54:11: 'confirm' is empty",
            "w.toml:60:37: 'regex' is not a valid regular expression: unclosed group",
            "w.toml:66:12: 'for_each' needs a multi-choice input or a text input holding a comma-separated list, and 'topology' is a choice input",
            "w.toml:71:10: 'inputs' is empty",
        ]
    );
}

#[test]
fn inputs_need_options_valid_patterns_and_valid_defaults() {
    let extra = r#"
[[inputs]]
id = "site"
kind = "choice"
label = "Site"
default = "nowhere"

[[inputs]]
id = "fqdn"
kind = "fqdn"
label = "F"
default = "not-an-fqdn"
default_from = "role.{{item}}.{{what}}"

[[inputs]]
id = "code"
kind = "text"
label = "C"
pattern = "[a-z"
default = "abc"

[[inputs]]
id = "hidden"
kind = "secret"
label = "H"
default = "hunter2"

[[inputs]]
id = "roles"
kind = "multi-choice"
label = "R"
options = [{ value = "a", label = "A" }, { value = "a", label = "A2" }]
default = ["a", "b"]
"#;
    let text = wizard("w", &format!("{extra}\n{}", step("a", "info", "")));
    assert_eq!(
        check_files(&[("w.toml", text)], &Catalog::default()),
        vec![
            "w.toml:36:8: a choice input 'site' has no options",
            "w.toml:44:11: default of input 'fqdn' is not valid: 'not-an-fqdn' is not a fully qualified domain name (like 'fe01.contoso.com')",
            "w.toml:45:31: 'default_from' names input 'what' that this wizard does not declare",
            "w.toml:51:11: 'pattern' is not a valid regular expression: unclosed character class",
            "w.toml:58:1: secret input 'hidden' cannot have a default (it would sit in the file)",
            "w.toml:64:52: duplicate option value 'a'",
            "w.toml:65:11: default of input 'roles' is not valid: 'b' is not one of: a, a",
        ]
    );
}

#[test]
fn a_wizard_needs_steps() {
    let text = "id = \"w\"\ntitle = \"T\"\nversion = \"1\"\ndescription = \"D\"\n";
    assert_eq!(
        check_files(&[("w.toml", text.to_string())], &Catalog::default()),
        vec!["w.toml:1:1: wizard 'w' has no steps"]
    );
}

#[test]
fn includes_must_exist_and_not_cycle_and_duplicates_are_reported() {
    let a = wizard(
        "a",
        &(step("s", "include", "wizard = \"b\"") + &step("t", "include", "wizard = \"gone\"")),
    );
    let b = wizard("b", &step("s", "include", "wizard = \"a\""));
    let dup = wizard("a", &step("s", "info", ""));
    let got = check_files(
        &[("a.toml", a), ("b.toml", b), ("dup.toml", dup)],
        &Catalog::default(),
    );
    assert_eq!(
        got,
        vec![
            "a.toml:37:10: include cycle: 'a' -> 'b' -> 'a'",
            "a.toml:42:10: include of missing wizard 'gone'",
            "b.toml:37:10: include cycle: 'b' -> 'a' -> 'b'",
            "dup.toml:1:6: wizard id 'a' is already used by 'a.toml'",
        ]
    );
    let own = wizard("own", &step("s", "include", "wizard = \"own\""));
    assert_eq!(
        check_files(&[("own.toml", own)], &Catalog::default()),
        vec!["own.toml:37:10: include cycle: 'own' -> 'own'"]
    );
}

#[test]
fn includes_resolve_to_the_context_and_files_override_it() {
    let base = wizard("base", &step("s", "info", ""));
    let (context, diags) = check_catalog(
        &[WizardSource {
            path: "wizards/base.toml".into(),
            text: base.clone(),
        }],
        &Catalog::default(),
    );
    assert!(diags.is_empty(), "{diags:?}");
    let user = wizard("user", &step("s", "include", "wizard = \"base\""));
    let (own, diags) = check_catalog(
        &[
            WizardSource {
                path: "user.toml".into(),
                text: user,
            },
            WizardSource {
                path: "base.toml".into(),
                text: base,
            },
        ],
        &context,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(own.wizards.len(), 2);
}

#[test]
fn an_include_of_a_broken_file_is_not_also_missing() {
    let a = wizard("a", &step("s", "include", "wizard = \"b\""));
    let b = "id = \"b\"\ntitle = 3\n".to_string();
    let got = check_files(&[("a.toml", a), ("b.toml", b)], &Catalog::default());
    assert_eq!(
        got,
        vec![
            "b.toml:1:1: missing key 'description'",
            "b.toml:1:1: missing key 'version'",
            "b.toml:2:9: 'title' must be a string, not an integer",
        ]
    );
}

#[test]
fn shared_inputs_must_agree_with_included_wizards() {
    let parent = wizard("p", &step("s", "include", "wizard = \"c\""));
    let child = wizard("c", &step("s", "info", ""))
        .replace(
            "id = \"pool\"\nkind = \"text\"",
            "id = \"pool\"\nkind = \"fqdn\"",
        )
        .replace(
            "{ value = \"enterprise\", label = \"E\" }",
            "{ value = \"expanded\", label = \"E\" }",
        );
    assert_eq!(
        check_files(
            &[("p.toml", parent), ("c.toml", child)],
            &Catalog::default()
        ),
        vec![
            "p.toml:7:6: input 'topology' has other options than in included wizard 'c' (there: standard, expanded)",
            "p.toml:25:8: input 'pool' is a text input here but an fqdn input in included wizard 'c'",
        ]
    );
}
