//! Where each key and value of a loaded wizard file sits, so later checks can point at it.
//!
//! Entries are addressed by a path built while walking the document: `id`,
//! `steps[2].when.any[0].pool`, `steps[0].argv[1]`, `inputs[3].options[0].value`.

use std::collections::HashMap;
use std::ops::Range;

use super::diag::{Diagnostic, LineIndex};

/// The byte ranges of one key (absent for array items and the document) and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

/// The positions of every key and value of one file.
#[derive(Debug, Clone)]
pub struct SpanMap {
    path: String,
    index: LineIndex,
    entries: HashMap<String, Entry>,
}

/// `parent.key` (or `key` at the top).
pub fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub fn item(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

impl SpanMap {
    /// An empty map for the file `path` with this text.
    pub fn new(path: &str, text: &str) -> Self {
        SpanMap {
            path: path.to_string(),
            index: LineIndex::new(text),
            entries: HashMap::new(),
        }
    }

    /// The file's label.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Records where the entry at `at` is.
    pub fn record(&mut self, at: String, key: Option<Range<usize>>, value: Range<usize>) {
        self.entries.insert(at, Entry { key, value });
    }

    /// True when the entry at `at` itself was recorded.
    pub fn contains(&self, at: &str) -> bool {
        self.entries.contains_key(at)
    }

    /// The nearest recorded entry: `at` itself, else its closest recorded ancestor.
    fn nearest(&self, at: &str) -> Option<&Entry> {
        let mut at = at;
        loop {
            if let Some(entry) = self.entries.get(at) {
                return Some(entry);
            }
            let cut = at.rfind(['.', '['])?;
            at = &at[..cut];
        }
    }

    /// Line and column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.index.position(offset)
    }

    /// Where the key at `at` starts (its value for array items; 1:1 when unknown).
    pub fn key_pos(&self, at: &str) -> (usize, usize) {
        match self.nearest(at) {
            Some(e) => self.position(e.key.as_ref().unwrap_or(&e.value).start),
            None => (1, 1),
        }
    }

    /// Where the value at `at` starts (1:1 when unknown).
    pub fn value_pos(&self, at: &str) -> (usize, usize) {
        match self.nearest(at) {
            Some(e) => self.position(e.value.start),
            None => (1, 1),
        }
    }

    /// Where `needle` first appears in the source text of the value at `at`; the value's start
    /// when it does not appear verbatim (escapes).
    pub fn pos_within_value(&self, at: &str, needle: &str) -> (usize, usize) {
        let Some(entry) = self.entries.get(at) else {
            return self.value_pos(at);
        };
        let raw = self.index.slice(entry.value.clone());
        match raw.find(needle) {
            Some(i) => self.position(entry.value.start + i),
            None => self.position(entry.value.start),
        }
    }

    /// A diagnostic at the key `at`.
    pub fn at_key(&self, at: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.path, self.key_pos(at), message)
    }

    /// A diagnostic at the value `at`.
    pub fn at_value(&self, at: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.path, self.value_pos(at), message)
    }

    /// A diagnostic at a byte offset.
    pub fn at_offset(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.path, self.position(offset), message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_fall_back_to_the_nearest_recorded_ancestor() {
        let text = "[[steps]]\nid = \"a\"\nargv = [\"x\", \"{{pool}}\"]\n";
        let mut map = SpanMap::new("f.toml", text);
        map.record(item("steps", 0), None, 0..9);
        let argv_key = text.find("argv").unwrap();
        let argv_val = text.find('[').map(|_| text.rfind("[\"").unwrap()).unwrap();
        map.record(
            child(&item("steps", 0), "argv"),
            Some(argv_key..argv_key + 4),
            argv_val..text.len() - 1,
        );
        assert_eq!(map.key_pos("steps[0].argv"), (3, 1));
        assert_eq!(map.value_pos("steps[0].argv"), (3, 8));
        assert_eq!(map.key_pos("steps[0].argv[1]"), (3, 1));
        assert_eq!(map.key_pos("steps[0].when.pool"), (1, 1));
        assert_eq!(map.key_pos("inputs[4]"), (1, 1));
        assert_eq!(map.pos_within_value("steps[0].argv", "{{pool}}"), (3, 15));
        assert_eq!(
            map.at_key("steps[0].argv", "m").to_string(),
            "f.toml:3:1: m"
        );
    }
}
