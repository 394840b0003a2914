//! Checking an operator's value for an input and turning it into an answer.
//!
//! Used by the screens (inline messages), the answers file loader and the engine, so a
//! value is judged the same way wherever it comes from.

use regex::Regex;

use super::answer::AnswerValue;
use super::model::{InputDef, InputKind};

/// The longest value lifeline accepts for any input.
pub const MAX_LEN: usize = 4096;

/// Validates `raw` (as typed: multi-choice values separated by commas, bools as yes/no/true/false).
/// The error is one line for the operator.
pub fn parse_value(input: &InputDef, raw: &str) -> Result<AnswerValue, String> {
    let text = raw.trim();
    match input.kind {
        InputKind::Bool => parse_bool(text).map(AnswerValue::Bool),
        InputKind::MultiChoice => {
            let items: Vec<String> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            validate_list(input, items)
        }
        _ => validate_text(input, text).map(AnswerValue::Text),
    }
}

/// Validates an already-typed value (from TOML answers or the journal).
pub fn validate_value(input: &InputDef, value: &AnswerValue) -> Result<AnswerValue, String> {
    match (input.kind, value) {
        (InputKind::Bool, AnswerValue::Bool(b)) => Ok(AnswerValue::Bool(*b)),
        (InputKind::Bool, AnswerValue::Text(t)) => parse_bool(t).map(AnswerValue::Bool),
        (InputKind::MultiChoice, AnswerValue::List(items)) => validate_list(input, items.clone()),
        (InputKind::MultiChoice, AnswerValue::Text(t)) => parse_value(input, t),
        (_, AnswerValue::Text(t)) => validate_text(input, t).map(AnswerValue::Text),
        (kind, other) => Err(format!(
            "expected {} but got '{}'",
            kind_noun(kind),
            shown(&other.as_text())
        )),
    }
}

fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Ok(true),
        "n" | "no" | "false" | "0" => Ok(false),
        _ => Err(format!("'{}' is not yes or no", shown(text))),
    }
}

fn validate_list(input: &InputDef, items: Vec<String>) -> Result<AnswerValue, String> {
    if items.is_empty() && !input.optional {
        return Err("choose at least one value".into());
    }
    for item in &items {
        check_option(input, item)?;
    }
    // Keep the options' order (it is the restore order for multi-choices that drive `for_each`).
    let mut ordered: Vec<String> = input
        .options
        .iter()
        .filter(|o| items.contains(&o.value))
        .map(|o| o.value.clone())
        .collect();
    if input.options.is_empty() {
        ordered = items;
    }
    ordered.dedup();
    Ok(AnswerValue::List(ordered))
}

fn check_option(input: &InputDef, value: &str) -> Result<(), String> {
    if input.options.is_empty() || input.options.iter().any(|o| o.value == value) {
        return Ok(());
    }
    let allowed: Vec<&str> = input.options.iter().map(|o| o.value.as_str()).collect();
    Err(format!(
        "'{}' is not one of: {}",
        shown(value),
        allowed.join(", ")
    ))
}

fn validate_text(input: &InputDef, text: &str) -> Result<String, String> {
    if text.chars().count() > MAX_LEN {
        return Err(format!("the value is longer than {MAX_LEN} characters"));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err("the value contains a control character (newline, tab or NUL)".into());
    }
    if text.is_empty() {
        return if input.optional {
            Ok(String::new())
        } else {
            Err("a value is required".into())
        };
    }
    match input.kind {
        InputKind::Fqdn if !is_fqdn(text) => {
            return Err(format!(
                "'{}' is not a fully qualified domain name (like 'fe01.contoso.com')",
                shown(text)
            ));
        }
        InputKind::UncPath if !is_unc_path(text) => {
            return Err(format!(
                "'{}' is not a UNC path (like '\\\\server\\share\\folder')",
                shown(text)
            ));
        }
        InputKind::WindowsPath if !is_windows_path(text) => {
            return Err(format!(
                "'{}' is not a Windows path (like 'D:\\Backups\\rtc.bak' or a UNC path)",
                shown(text)
            ));
        }
        InputKind::Choice => check_option(input, text)?,
        _ => {}
    }
    if let Some(pattern) = &input.pattern {
        // `check` rejects invalid patterns, so a failure here is a definition error.
        let re = Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| format!("the wizard's pattern for '{}' is invalid: {e}", input.id))?;
        if !re.is_match(text) {
            return Err(input
                .pattern_message
                .clone()
                .unwrap_or_else(|| format!("'{}' does not match the expected form", shown(text))));
        }
    }
    Ok(text.to_string())
}

/// A DNS name with at least two labels, each 1-63 of letters, digits and inner hyphens.
pub fn is_fqdn(text: &str) -> bool {
    let name = text.strip_suffix('.').unwrap_or(text);
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// `\\server\share` followed by optional folders; no characters Windows forbids in names.
pub fn is_unc_path(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("\\\\") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('\\').collect();
    parts.len() >= 2
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && parts.iter().enumerate().all(|(i, p)| {
            (!p.is_empty() || i == parts.len() - 1)
                && !p.contains(['<', '>', '"', '|', '?', '*', '/', ':'])
        })
}

/// `X:\...` or a UNC path; `/` is accepted as a separator as Windows does.
pub fn is_windows_path(text: &str) -> bool {
    if is_unc_path(text) {
        return true;
    }
    let bytes = text.as_bytes();
    bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/')
        && !text[3..].contains(['<', '>', '"', '|', '?', '*', ':'])
}

/// How much of a rejected value a message repeats.
const SHOWN_CHARS: usize = 60;

/// A value as an error message repeats it: on one line (control characters escaped, so a
/// newline or an escape sequence in an answers file cannot break or repaint the terminal)
/// and cut short when long.
pub fn shown(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push_str(&format!("... ({} characters)", value.chars().count()));
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn kind_noun(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Bool => "true or false",
        InputKind::MultiChoice => "a list of values",
        _ => "a text value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::model::OptionDef;

    fn input(kind: InputKind) -> InputDef {
        InputDef {
            id: "x".into(),
            kind,
            label: "X".into(),
            help: None,
            default: None,
            default_from: None,
            options: vec![],
            pattern: None,
            pattern_message: None,
            optional: false,
            unknown: None,
        }
    }

    #[test]
    fn fqdn_unc_and_windows_paths() {
        assert!(is_fqdn("fe01.contoso.com"));
        assert!(!is_fqdn("fe01"));
        assert!(!is_fqdn("fe 01.contoso.com"));
        assert!(is_unc_path(r"\\backup01\ocs\settings"));
        assert!(!is_unc_path(r"\\backup01"));
        assert!(!is_unc_path(r"C:\x"));
        assert!(is_windows_path(r"D:\Backups\rtc.bak"));
        assert!(!is_windows_path("rtc.bak"));
    }

    #[test]
    fn multi_choice_keeps_option_order_and_rejects_unknown_values() {
        let mut def = input(InputKind::MultiChoice);
        def.options = ["back-end", "front-end", "edge"]
            .iter()
            .map(|v| OptionDef {
                value: v.to_string(),
                label: v.to_string(),
                consequence: None,
            })
            .collect();
        assert_eq!(
            parse_value(&def, "edge, back-end"),
            Ok(AnswerValue::List(vec!["back-end".into(), "edge".into()]))
        );
        let err = parse_value(&def, "edge,mail").unwrap_err();
        assert!(err.contains("'mail' is not one of"), "{err}");
    }

    #[test]
    fn control_characters_and_overlong_values_are_rejected() {
        let def = input(InputKind::Text);
        assert!(parse_value(&def, "a\nb").is_err());
        assert!(parse_value(&def, "a\0b").is_err());
        assert!(parse_value(&def, &"x".repeat(MAX_LEN + 1)).is_err());
        assert_eq!(
            parse_value(&def, "a;b&&c|$(d)`e`%PATH%"),
            Ok(AnswerValue::Text("a;b&&c|$(d)`e`%PATH%".into()))
        );
    }

    #[test]
    fn rejected_values_are_repeated_on_one_short_line() {
        let err = parse_value(&input(InputKind::Bool), "yes\nrm -rf /\u{1b}[2J").unwrap_err();
        assert_eq!(err, "'yes\\nrm -rf /\\u{1b}[2J' is not yes or no");
        let err = parse_value(&input(InputKind::Fqdn), &"a".repeat(1000)).unwrap_err();
        assert!(
            err.starts_with(&format!("'{}... (1000 characters)' is not", "a".repeat(60))),
            "{err}"
        );
        let mut multi = input(InputKind::MultiChoice);
        multi.options = vec![OptionDef {
            value: "edge".into(),
            label: "Edge".into(),
            consequence: None,
        }];
        let err = validate_value(&multi, &AnswerValue::List(vec!["a\nb".into()])).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
    }
}
