//! `{{name}}` placeholders in wizard text: finding them and filling them in.
//!
//! A placeholder is `{{` optional spaces, a name of letters, digits, `-`, `_` or `.`, optional
//! spaces, `}}`. Anything else between braces is left as literal text, so `{` in a command stays.

use super::InputDef;

/// One placeholder occurrence: its name and byte range in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'a> {
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Every placeholder in `template`, in order.
pub fn placeholders(template: &str) -> Vec<Placeholder<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = template[from..].find("{{").map(|i| i + from) {
        let Some(close) = template[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let name = template[open + 2..close].trim();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if valid {
            found.push(Placeholder {
                name,
                start: open,
                end: close + 2,
            });
            from = close + 2;
        } else {
            from = open + 1;
        }
    }
    found
}

/// Fills every placeholder with `value(name)`. Returns the names that had no value
/// (all of them, not just the first) when any is missing.
pub fn render(
    template: &str,
    mut value: impl FnMut(&str) -> Option<String>,
) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut last = 0;
    for p in placeholders(template) {
        out.push_str(&template[last..p.start]);
        match value(p.name) {
            Some(v) => out.push_str(&v),
            None => {
                if !missing.iter().any(|m| m == p.name) {
                    missing.push(p.name.to_string());
                }
            }
        }
        last = p.end;
    }
    out.push_str(&template[last..]);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// How a value nobody has given yet is shown to a person, in words and never as template
/// syntax: `<the lost front-end server>` from the input's `unknown`, else its label
/// (a question becomes `<the answer to "…">`), else the name with spaces for underscores.
/// The angle brackets mark it as a blank to fill in, also inside a command line.
pub fn unknown_words(input: Option<&InputDef>, name: &str) -> String {
    let words = match input {
        Some(InputDef {
            unknown: Some(w), ..
        }) if !w.trim().is_empty() => w.trim().to_string(),
        Some(i) if i.label.trim().ends_with('?') => format!("the answer to \"{}\"", i.label.trim()),
        Some(i) if !i.label.trim().is_empty() => i.label.trim().trim_end_matches(':').to_string(),
        _ => name.replace(['_', '.'], " "),
    };
    // A label may itself hold braces; a person never reads `{{` either way.
    format!("<{}>", words.replace("{{", "{ {").replace("}}", "} }"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_ignores_braces_that_are_not_placeholders() {
        let names: Vec<_> = placeholders("a {{ x }} {b} {{y.z}} {{ not valid }} {{")
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, vec!["x", "y.z"]);
    }

    #[test]
    fn renders_and_lists_every_missing_name_once() {
        let got = render("/fqdn:{{fqdn}} /pool:{{pool}}", |n| {
            (n == "fqdn").then(|| "fe1.contoso.com".to_string())
        });
        assert_eq!(got, Err(vec!["pool".to_string()]));
        let ok = render("/fqdn:{{fqdn}}", |_| Some("fe1".into()));
        assert_eq!(ok, Ok("/fqdn:fe1".to_string()));
    }

    #[test]
    fn values_are_inserted_verbatim_and_never_rescanned() {
        let ok = render("{{a}}", |_| Some("{{a}}".into()));
        assert_eq!(ok, Ok("{{a}}".to_string()));
    }

    #[test]
    fn an_unknown_value_is_named_in_words() {
        let mut input: InputDef = toml::from_str(
            "id = 'fe'\nkind = 'fqdn'\nlabel = 'Front-end server FQDN:'\nunknown = 'the lost front-end server'",
        )
        .unwrap();
        assert_eq!(
            unknown_words(Some(&input), "fe"),
            "<the lost front-end server>"
        );
        input.unknown = None;
        assert_eq!(unknown_words(Some(&input), "fe"), "<Front-end server FQDN>");
        input.label = "Which one?".into();
        assert_eq!(
            unknown_words(Some(&input), "fe"),
            "<the answer to \"Which one?\">"
        );
        assert_eq!(unknown_words(None, "backup_set_rtc"), "<backup set rtc>");
    }
}
