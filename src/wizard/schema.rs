//! The allowed keys of each table in a wizard file, their types, and which step kinds
//! take which keys. Data only: `load` walks a document against it.

/// The type a key's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bool,
    /// A whole number of 0 or more (`u64`).
    Count,
    /// A whole number, or a string (a template that fills in to one).
    CountOrStr,
    /// A list of strings.
    StrList,
    /// A list of exit codes (`i32`).
    ExitCodes,
    /// A table whose values are strings (`env`).
    StrMap,
    /// An input's literal default: a string, a bool or a list of strings.
    Default,
    /// A `when` table.
    Condition,
    /// A check table (`check`, `verify`).
    Check,
    /// A list of tables of this kind (`[[inputs]]`, `[[steps]]`, `options`).
    Tables(Table),
    /// A string that must be one of these values.
    Enum(&'static EnumSpec),
}

/// The kinds of table with a fixed set of keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Input,
    Option,
    Step,
}

/// The values an enumerated key accepts.
#[derive(Debug, PartialEq, Eq)]
pub struct EnumSpec {
    /// What the value is, for messages: `step kind`.
    pub noun: &'static str,
    pub values: &'static [&'static str],
}

/// One allowed key.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

/// Which steps take a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Any,
    /// Only steps of these kinds.
    Kinds(&'static [&'static str]),
    /// Command steps, and check steps whose check is a `command` check.
    Runs,
}

/// One allowed step key: where it may appear and where it is required.
#[derive(Debug, Clone, Copy)]
pub struct StepKey {
    pub name: &'static str,
    pub ty: Ty,
    pub scope: Scope,
    /// Step kinds that must have it (`Runs` keys: command steps and command checks).
    pub required: Scope,
}

pub static STEP_KINDS: EnumSpec = EnumSpec {
    noun: "step kind",
    values: &[
        "info", "choice", "input", "manual", "command", "check", "include",
    ],
};
pub static INPUT_KINDS: EnumSpec = EnumSpec {
    noun: "input kind",
    values: &[
        "text",
        "fqdn",
        "unc-path",
        "windows-path",
        "choice",
        "multi-choice",
        "bool",
        "secret",
    ],
};
pub static CHECK_KINDS: EnumSpec = EnumSpec {
    noun: "check kind",
    values: &[
        "path-exists",
        "xml-contains",
        "tcp-connect",
        "dns",
        "on-path",
        "free-space",
        "command",
    ],
};
pub static ON_INTERRUPT: EnumSpec = EnumSpec {
    noun: "'on_interrupt' value",
    values: &["rerun", "check", "ask"],
};
pub static RERUN: EnumSpec = EnumSpec {
    noun: "'rerun' value",
    values: &["safe", "unsafe"],
};
pub static DRILL_MODES: EnumSpec = EnumSpec {
    noun: "drill mode",
    values: &["simulate", "real", "skip"],
};
pub static SHELLS: EnumSpec = EnumSpec {
    noun: "shell",
    values: &["powershell", "cmd", "sh"],
};

const fn key(name: &'static str, ty: Ty, required: bool) -> KeySpec {
    KeySpec { name, ty, required }
}

/// The top level of a wizard file.
pub static WIZARD_KEYS: &[KeySpec] = &[
    key("id", Ty::Str, true),
    key("title", Ty::Str, true),
    key("version", Ty::Str, true),
    key("description", Ty::Str, true),
    key("source", Ty::Str, false),
    key("inputs", Ty::Tables(Table::Input), false),
    key("steps", Ty::Tables(Table::Step), false),
];

/// One `[[inputs]]` table.
pub static INPUT_KEYS: &[KeySpec] = &[
    key("id", Ty::Str, true),
    key("kind", Ty::Enum(&INPUT_KINDS), true),
    key("label", Ty::Str, true),
    key("help", Ty::Str, false),
    key("default", Ty::Default, false),
    key("default_from", Ty::Str, false),
    key("options", Ty::Tables(Table::Option), false),
    key("pattern", Ty::Str, false),
    key("pattern_message", Ty::Str, false),
    key("optional", Ty::Bool, false),
    key("unknown", Ty::Str, false),
];

/// One entry of an input's `options`.
pub static OPTION_KEYS: &[KeySpec] = &[
    key("value", Ty::Str, true),
    key("label", Ty::Str, true),
    key("consequence", Ty::Str, false),
];

const NONE: Scope = Scope::Kinds(&[]);
const EXECUTES: Scope = Scope::Kinds(&["command", "check"]);

const fn step_key(name: &'static str, ty: Ty, scope: Scope, required: Scope) -> StepKey {
    StepKey {
        name,
        ty,
        scope,
        required,
    }
}

/// Every key a step may have, with the kinds that take it.
pub static STEP_KEYS: &[StepKey] = &[
    step_key("id", Ty::Str, Scope::Any, Scope::Any),
    step_key("kind", Ty::Enum(&STEP_KINDS), Scope::Any, Scope::Any),
    step_key("title", Ty::Str, Scope::Any, Scope::Any),
    step_key("body", Ty::Str, Scope::Any, NONE),
    step_key("why", Ty::Str, Scope::Any, NONE),
    step_key("source", Ty::Str, Scope::Any, NONE),
    step_key("when", Ty::Condition, Scope::Any, NONE),
    step_key("confirm", Ty::Str, Scope::Any, NONE),
    step_key("server", Ty::Str, Scope::Any, NONE),
    step_key("timeout_s", Ty::Count, EXECUTES, NONE),
    step_key("on_interrupt", Ty::Enum(&ON_INTERRUPT), EXECUTES, NONE),
    step_key("rerun", Ty::Enum(&RERUN), EXECUTES, NONE),
    step_key("drill", Ty::Enum(&DRILL_MODES), EXECUTES, NONE),
    step_key("drill_output", Ty::Str, EXECUTES, NONE),
    step_key("drill_duration_s", Ty::Count, EXECUTES, NONE),
    step_key(
        "input",
        Ty::Str,
        Scope::Kinds(&["choice"]),
        Scope::Kinds(&["choice"]),
    ),
    step_key(
        "inputs",
        Ty::StrList,
        Scope::Kinds(&["input"]),
        Scope::Kinds(&["input"]),
    ),
    step_key(
        "checklist",
        Ty::StrList,
        Scope::Kinds(&["manual"]),
        Scope::Kinds(&["manual"]),
    ),
    step_key("argv", Ty::StrList, Scope::Runs, Scope::Runs),
    step_key("shell", Ty::Enum(&SHELLS), Scope::Runs, NONE),
    step_key("cwd", Ty::Str, Scope::Runs, NONE),
    step_key("env", Ty::StrMap, Scope::Runs, NONE),
    step_key("success_codes", Ty::ExitCodes, Scope::Runs, NONE),
    step_key("stdin", Ty::Str, Scope::Kinds(&["command"]), NONE),
    step_key("verify", Ty::Check, Scope::Kinds(&["command"]), NONE),
    step_key(
        "check",
        Ty::Check,
        Scope::Kinds(&["check"]),
        Scope::Kinds(&["check"]),
    ),
    step_key(
        "wizard",
        Ty::Str,
        Scope::Kinds(&["include"]),
        Scope::Kinds(&["include"]),
    ),
    step_key("for_each", Ty::Str, Scope::Kinds(&["include"]), NONE),
];

/// The step key called `name`.
pub fn step_key_spec(name: &str) -> Option<&'static StepKey> {
    STEP_KEYS.iter().find(|k| k.name == name)
}

/// True when a step of `kind` (whose check, for a check step, is `check_kind`) is in `scope`.
pub fn in_scope(scope: Scope, kind: &str, check_kind: Option<&str>) -> bool {
    match scope {
        Scope::Any => true,
        Scope::Kinds(kinds) => kinds.contains(&kind),
        Scope::Runs => kind == "command" || (kind == "check" && check_kind == Some("command")),
    }
}

/// The keys of a check table of `kind` (besides `kind` itself); `None` for an unknown kind.
pub fn check_keys(kind: &str) -> Option<&'static [KeySpec]> {
    static PATH_EXISTS: &[KeySpec] = &[
        key("path", Ty::Str, true),
        key("max_age_s", Ty::Count, false),
        key("max_age_h", Ty::CountOrStr, false),
    ];
    static XML_CONTAINS: &[KeySpec] = &[key("path", Ty::Str, true), key("element", Ty::Str, false)];
    static TCP_CONNECT: &[KeySpec] = &[key("host", Ty::Str, true), key("port", Ty::Str, true)];
    static DNS: &[KeySpec] = &[
        key("name", Ty::Str, true),
        key("srv", Ty::Bool, false),
        key("expect", Ty::Str, false),
    ];
    static ON_PATH: &[KeySpec] = &[key("program", Ty::Str, true)];
    static FREE_SPACE: &[KeySpec] = &[key("path", Ty::Str, true), key("min_mb", Ty::Count, true)];
    static COMMAND: &[KeySpec] = &[
        key("argv", Ty::StrList, false),
        key("regex", Ty::Str, false),
    ];
    Some(match kind {
        "path-exists" => PATH_EXISTS,
        "xml-contains" => XML_CONTAINS,
        "tcp-connect" => TCP_CONNECT,
        "dns" => DNS,
        "on-path" => ON_PATH,
        "free-space" => FREE_SPACE,
        "command" => COMMAND,
        _ => return None,
    })
}

/// `a` or `an` before a word, for messages ("an include step").
pub fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The closest of `candidates` to a mistyped `name` (at most two edits away).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= 2 && *d < name.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::model::{CheckSpec, DrillMode, InputKind, OnInterrupt, Shell, StepKind};

    fn parses<T: serde::de::DeserializeOwned>(value: &str) -> bool {
        #[derive(serde::Deserialize)]
        struct W<T> {
            #[allow(dead_code)]
            v: T,
        }
        toml::from_str::<W<T>>(&format!("v = {value:?}")).is_ok()
    }

    #[test]
    fn every_listed_enum_value_is_one_the_model_accepts() {
        assert!(STEP_KINDS.values.iter().all(|v| parses::<StepKind>(v)));
        assert!(INPUT_KINDS.values.iter().all(|v| parses::<InputKind>(v)));
        assert!(ON_INTERRUPT.values.iter().all(|v| parses::<OnInterrupt>(v)));
        assert!(DRILL_MODES.values.iter().all(|v| parses::<DrillMode>(v)));
        assert!(SHELLS.values.iter().all(|v| parses::<Shell>(v)));
        assert!(!parses::<StepKind>("manul"));
    }

    #[test]
    fn every_check_kind_with_its_required_keys_is_one_the_model_accepts() {
        for kind in CHECK_KINDS.values {
            let keys = check_keys(kind).unwrap();
            let mut text = format!("kind = {kind:?}\n");
            for k in keys.iter().filter(|k| k.required) {
                let value = if k.ty == Ty::Count { "1" } else { "\"x\"" };
                text.push_str(&format!("{} = {value}\n", k.name));
            }
            assert!(toml::from_str::<CheckSpec>(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn scopes_follow_the_step_kind_and_check_kind() {
        let argv = step_key_spec("argv").unwrap();
        assert!(in_scope(argv.scope, "command", None));
        assert!(in_scope(argv.scope, "check", Some("command")));
        assert!(!in_scope(argv.scope, "check", Some("dns")));
        assert!(!in_scope(argv.scope, "manual", None));
        assert!(in_scope(
            step_key_spec("when").unwrap().scope,
            "include",
            None
        ));
    }

    #[test]
    fn suggestions_are_close_names_only() {
        assert_eq!(suggest("argx", ["argv", "cwd"]), Some("argv"));
        assert_eq!(suggest("zzzzzz", ["argv", "cwd"]), None);
        assert_eq!(article("include"), "an");
        assert_eq!(article("manual"), "a");
    }
}
