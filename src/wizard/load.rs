//! Loading one wizard file: TOML syntax, then its structure against `schema` (every error,
//! each with its position), then the typed `Wizard` with the positions kept for `check`.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostic, sort_diagnostics};
use super::model::Wizard;
use super::schema::{
    self, CHECK_KINDS, INPUT_KEYS, KeySpec, OPTION_KEYS, STEP_KEYS, Scope, Table, Ty, WIZARD_KEYS,
    article, check_keys, in_scope, step_key_spec, suggest,
};
use super::spans::{SpanMap, child, item};

/// The text of one wizard file and how to name it in diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardSource {
    /// `wizards/x.toml` for a bundled wizard, the real path otherwise.
    pub path: String,
    pub text: String,
}

/// A wizard with the positions of its keys and values in its file.
#[derive(Debug, Clone)]
pub struct LoadedWizard {
    pub wizard: Wizard,
    pub spans: SpanMap,
}

/// Parses one wizard file, reporting every syntax or structural error with its position.
pub fn parse_wizard(path_label: &str, text: &str) -> Result<Wizard, Vec<Diagnostic>> {
    load_wizard(path_label, text).map(|loaded| loaded.wizard)
}

/// Like `parse_wizard`, keeping the positions for the semantic checks.
pub fn load_wizard(path_label: &str, text: &str) -> Result<LoadedWizard, Vec<Diagnostic>> {
    let mut spans = SpanMap::new(path_label, text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut diags: Vec<Diagnostic> = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let mut message = format!("invalid TOML: {}", e.message().replace('`', "'"));
                if e.message() == "duplicate key" {
                    message = format!("duplicate key '{}'", text.get(span.clone()).unwrap_or(""));
                }
                spans.at_offset(span.start, message)
            })
            .collect();
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    let mut walker = Walker {
        spans: &mut spans,
        diags: Vec::new(),
    };
    let span = doc.span();
    walker.fixed_table(doc.get_ref(), span, "", WIZARD_KEYS, "");
    let mut diags = walker.diags;
    if !diags.is_empty() {
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    // The walk accepts only what the types accept, so this is a safety net.
    match toml::from_str::<Wizard>(text) {
        Ok(wizard) => Ok(LoadedWizard { wizard, spans }),
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            Err(vec![spans.at_offset(at, e.message().replace('`', "'"))])
        }
    }
}

/// The `id` of a file that fails to load, if it has a readable one (so that includes of a
/// broken wizard do not also report it as missing).
pub fn peek_id(text: &str) -> Option<String> {
    let doc = DeTable::parse(text).ok()?;
    Some(doc.get_ref().get("id")?.get_ref().as_str()?.to_string())
}

type Value<'i> = Spanned<DeValue<'i>>;

struct Walker<'m> {
    spans: &'m mut SpanMap,
    diags: Vec<Diagnostic>,
}

impl Walker<'_> {
    fn error(&mut self, offset: usize, message: String) {
        let d = self.spans.at_offset(offset, message);
        self.diags.push(d);
    }

    /// A table with a fixed set of keys; `what` names it in messages (" for an input").
    fn fixed_table(
        &mut self,
        table: &DeTable<'_>,
        span: Range<usize>,
        at: &str,
        keys: &[KeySpec],
        what: &str,
    ) {
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let path = child(at, name);
            self.spans.record(path.clone(), Some(k.span()), v.span());
            match keys.iter().find(|s| s.name == name) {
                Some(spec) => self.value(v, &path, spec.name, spec.ty),
                None => {
                    let hint = hint(suggest(name, keys.iter().map(|s| s.name)));
                    self.error(k.span().start, format!("unknown key '{name}'{what}{hint}"));
                }
            }
        }
        for spec in keys.iter().filter(|s| s.required) {
            if table.get(spec.name).is_none() {
                self.error(span.start, format!("missing key '{}'{what}", spec.name));
            }
        }
    }

    fn step(&mut self, table: &DeTable<'_>, span: Range<usize>, at: &str) {
        let kind = str_key(table, "kind").filter(|k| schema::STEP_KINDS.values.contains(k));
        let check_kind = table
            .get("check")
            .and_then(|c| c.get_ref().as_table())
            .and_then(|c| str_key(c, "kind"));
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let path = child(at, name);
            self.spans.record(path.clone(), Some(k.span()), v.span());
            let Some(spec) = step_key_spec(name) else {
                let hint = hint(suggest(name, STEP_KEYS.iter().map(|s| s.name)));
                self.error(
                    k.span().start,
                    format!("unknown key '{name}' for a step{hint}"),
                );
                continue;
            };
            match kind {
                Some(kind) if !in_scope(spec.scope, kind, check_kind) => {
                    let whose = step_noun(kind, check_kind, spec.scope == Scope::Runs);
                    self.error(k.span().start, format!("unknown key '{name}' for {whose}"));
                }
                _ => self.value(v, &path, spec.name, spec.ty),
            }
        }
        for spec in STEP_KEYS {
            let required = match kind {
                Some(kind) => in_scope(spec.required, kind, check_kind),
                None => spec.required == Scope::Any,
            };
            if required && table.get(spec.name).is_none() {
                let whose = match kind {
                    Some(kind) => step_noun(kind, check_kind, spec.scope == Scope::Runs),
                    None => "a step".to_string(),
                };
                self.error(
                    span.start,
                    format!("missing key '{}' for {whose}", spec.name),
                );
            }
        }
    }

    fn check(&mut self, table: &DeTable<'_>, span: Range<usize>, at: &str) {
        let kind = str_key(table, "kind");
        let keys = kind.and_then(check_keys);
        let what = match (kind, keys) {
            (Some(kind), Some(_)) => format!(" for a '{kind}' check"),
            _ => " for a check".to_string(),
        };
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let path = child(at, name);
            self.spans.record(path.clone(), Some(k.span()), v.span());
            if name == "kind" {
                self.value(v, &path, name, Ty::Enum(&CHECK_KINDS));
                continue;
            }
            let spec = match keys {
                Some(keys) => keys.iter().find(|s| s.name == name),
                // An unknown kind: judge keys against every check's keys.
                None => CHECK_KINDS
                    .values
                    .iter()
                    .filter_map(|k| check_keys(k))
                    .flatten()
                    .find(|s| s.name == name),
            };
            match spec {
                Some(spec) => self.value(v, &path, spec.name, spec.ty),
                None => {
                    let names = keys.unwrap_or(&[]).iter().map(|s| s.name);
                    let hint = hint(suggest(name, names));
                    self.error(k.span().start, format!("unknown key '{name}'{what}{hint}"));
                }
            }
        }
        if kind.is_none() {
            self.error(span.start, format!("missing key 'kind'{what}"));
        }
        for spec in keys.unwrap_or(&[]).iter().filter(|s| s.required) {
            if table.get(spec.name).is_none() {
                self.error(span.start, format!("missing key '{}'{what}", spec.name));
            }
        }
    }

    fn condition(&mut self, table: &DeTable<'_>, at: &str) {
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let path = child(at, name);
            self.spans.record(path.clone(), Some(k.span()), v.span());
            match (name, v.get_ref()) {
                ("not", DeValue::Table(t)) => self.condition(t, &path),
                ("not", other) => self.wrong_type(v.span().start, "not", "a table", other),
                ("any", DeValue::Array(items)) => {
                    for (i, alternative) in items.iter().enumerate() {
                        let item_path = item(&path, i);
                        self.spans
                            .record(item_path.clone(), None, alternative.span());
                        match alternative.get_ref() {
                            DeValue::Table(t) => self.condition(t, &item_path),
                            other => {
                                self.wrong_item(alternative.span().start, "any", "tables", other)
                            }
                        }
                    }
                }
                ("any", other) => self.wrong_type(v.span().start, "any", "a list of tables", other),
                (_, DeValue::String(_) | DeValue::Boolean(_)) => {}
                (_, DeValue::Array(items)) => self.strings(items, &path, name),
                (_, other) => {
                    let message = format!(
                        "'when' value for '{name}' must be a string, a list of strings, or true or false, not {}",
                        type_noun(other)
                    );
                    self.error(v.span().start, message);
                }
            }
        }
    }

    /// Checks a value against its type, recording the positions of what it holds.
    fn value(&mut self, v: &Value<'_>, at: &str, name: &str, ty: Ty) {
        let start = v.span().start;
        match (ty, v.get_ref()) {
            (Ty::Str, DeValue::String(_)) | (Ty::Bool, DeValue::Boolean(_)) => {}
            (Ty::Default, DeValue::String(_) | DeValue::Boolean(_)) => {}
            (Ty::CountOrStr, DeValue::String(_)) => {}
            (Ty::Count | Ty::CountOrStr, DeValue::Integer(n)) => {
                let parsed = i128::from_str_radix(n.as_str(), n.radix()).ok();
                if !parsed.is_some_and(|n| (0..=i128::from(u64::MAX)).contains(&n)) {
                    self.error(
                        start,
                        format!("'{name}' must be a whole number of 0 or more"),
                    );
                }
            }
            (Ty::StrList | Ty::Default, DeValue::Array(items)) => self.strings(items, at, name),
            (Ty::ExitCodes, DeValue::Array(items)) => {
                for (i, code) in items.iter().enumerate() {
                    self.spans.record(item(at, i), None, code.span());
                    let fits = code.get_ref().as_integer().is_some_and(|n| {
                        i128::from_str_radix(n.as_str(), n.radix())
                            .is_ok_and(|n| i32::try_from(n).is_ok())
                    });
                    if !fits {
                        let message = format!("'{name}' must hold only exit codes (whole numbers)");
                        self.error(code.span().start, message);
                    }
                }
            }
            (Ty::StrMap, DeValue::Table(t)) => {
                for (k, value) in t.iter() {
                    let path = child(at, k.get_ref());
                    self.spans.record(path, Some(k.span()), value.span());
                    if !value.get_ref().is_str() {
                        let message = format!(
                            "'{name}' values must be strings, not {}",
                            type_noun(value.get_ref())
                        );
                        self.error(value.span().start, message);
                    }
                }
            }
            (Ty::Condition, DeValue::Table(t)) => self.condition(t, at),
            (Ty::Check, DeValue::Table(t)) => self.check(t, v.span(), at),
            (Ty::Tables(table), DeValue::Array(items)) => {
                for (i, element) in items.iter().enumerate() {
                    let path = item(at, i);
                    self.spans.record(path.clone(), None, element.span());
                    let DeValue::Table(t) = element.get_ref() else {
                        self.wrong_item(element.span().start, name, "tables", element.get_ref());
                        continue;
                    };
                    match table {
                        Table::Input => {
                            self.fixed_table(t, element.span(), &path, INPUT_KEYS, " for an input")
                        }
                        Table::Option => self.fixed_table(
                            t,
                            element.span(),
                            &path,
                            OPTION_KEYS,
                            " for an option",
                        ),
                        Table::Step => self.step(t, element.span(), &path),
                    }
                }
            }
            (Ty::Enum(spec), DeValue::String(s)) => {
                if !spec.values.contains(&s.as_ref()) {
                    let hint = hint(suggest(s, spec.values.iter().copied()));
                    let message = format!(
                        "unknown {} '{s}'{hint}; expected one of: {}",
                        spec.noun,
                        spec.values.join(", ")
                    );
                    self.error(start, message);
                }
            }
            (ty, other) => self.wrong_type(start, name, expected_noun(ty), other),
        }
    }

    fn strings(&mut self, items: &toml::de::DeArray<'_>, at: &str, name: &str) {
        for (i, element) in items.iter().enumerate() {
            self.spans.record(item(at, i), None, element.span());
            if !element.get_ref().is_str() {
                self.wrong_item(element.span().start, name, "strings", element.get_ref());
            }
        }
    }

    fn wrong_type(&mut self, offset: usize, name: &str, expected: &str, got: &DeValue<'_>) {
        let message = format!("'{name}' must be {expected}, not {}", type_noun(got));
        self.error(offset, message);
    }

    fn wrong_item(&mut self, offset: usize, name: &str, expected: &str, got: &DeValue<'_>) {
        let message = format!("'{name}' must hold only {expected}, not {}", type_noun(got));
        self.error(offset, message);
    }
}

fn str_key<'t>(table: &'t DeTable<'_>, key: &str) -> Option<&'t str> {
    table.get(key)?.get_ref().as_str()
}

/// `a manual step`, or for a key only command checks take, `a check step without a 'command' check`.
fn step_noun(kind: &str, check_kind: Option<&str>, runs_key: bool) -> String {
    if kind == "check" && runs_key {
        return match check_kind {
            Some("command") => "a check step with a 'command' check".to_string(),
            _ => "a check step without a 'command' check".to_string(),
        };
    }
    format!("{} {kind} step", article(kind))
}

fn hint(suggestion: Option<&str>) -> String {
    suggestion.map_or(String::new(), |s| format!(" (did you mean '{s}'?)"))
}

fn type_noun(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn expected_noun(ty: Ty) -> &'static str {
    match ty {
        Ty::Str | Ty::Enum(_) => "a string",
        Ty::Bool => "true or false",
        Ty::Count => "a whole number",
        Ty::CountOrStr => "a whole number or a string",
        Ty::StrList => "a list of strings",
        Ty::ExitCodes => "a list of exit codes",
        Ty::StrMap => "a table of strings",
        Ty::Default => "a string, true or false, or a list of strings",
        Ty::Condition | Ty::Check => "a table",
        Ty::Tables(_) => "a list of tables",
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
