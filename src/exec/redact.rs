//! Masking secret values as `****` in everything lifeline writes or shows: whole texts, and
//! output streams where a secret may arrive split across two reads.

use crate::session::event::REDACTED;

/// `text` with every occurrence of every secret replaced by `****`. Longer secrets are
/// matched first, so a secret that contains another is masked whole.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let secrets = ordered(secrets);
    if secrets.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for secret in &secrets {
            if rest.starts_with(secret.as_str()) {
                out.push_str(REDACTED);
                rest = &rest[secret.len()..];
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Non-empty secrets, longest first, without duplicates.
fn ordered(secrets: &[String]) -> Vec<String> {
    let mut v: Vec<String> = secrets.iter().filter(|s| !s.is_empty()).cloned().collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    v.dedup();
    v
}

/// Redacts a byte stream chunk by chunk. Bytes that could be the start of a secret are held
/// back until the next chunk (or [`StreamRedactor::finish`]) decides; everything else is
/// released at once, so output is never delayed by more than a secret's length.
#[derive(Debug, Clone)]
pub struct StreamRedactor {
    secrets: Vec<Vec<u8>>,
    /// Which bytes start some secret (a quick filter for the common case).
    starts: [bool; 256],
    first_bytes: Vec<u8>,
    held: Vec<u8>,
}

impl StreamRedactor {
    pub fn new(secrets: &[String]) -> StreamRedactor {
        let secrets: Vec<Vec<u8>> = ordered(secrets)
            .into_iter()
            .map(String::into_bytes)
            .collect();
        let mut starts = [false; 256];
        let mut first_bytes = Vec::new();
        for s in &secrets {
            if !starts[usize::from(s[0])] {
                starts[usize::from(s[0])] = true;
                first_bytes.push(s[0]);
            }
        }
        StreamRedactor {
            secrets,
            starts,
            first_bytes,
            held: Vec::new(),
        }
    }

    /// Appends to `out` the redacted bytes of `chunk` that can be released now.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.secrets.is_empty() {
            out.extend_from_slice(chunk);
            return;
        }
        let mut data = std::mem::take(&mut self.held);
        data.extend_from_slice(chunk);
        let keep = self.scan(&data, out, false);
        self.held = data[keep..].to_vec();
    }

    /// Releases what is held back: the stream has ended.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let data = std::mem::take(&mut self.held);
        self.scan(&data, out, true);
    }

    /// Where in `data` a secret could begin: a vectorized search when the secrets begin
    /// with at most three distinct bytes (the usual case), else a table walk.
    fn next_start(&self, data: &[u8]) -> Option<usize> {
        match self.first_bytes[..] {
            [a] => memchr::memchr(a, data),
            [a, b] => memchr::memchr2(a, b, data),
            [a, b, c] => memchr::memchr3(a, b, c, data),
            _ => data.iter().position(|&b| self.starts[usize::from(b)]),
        }
    }

    /// Copies `data` to `out` masking secrets; returns where it stopped (the start of a
    /// possible secret cut off by the end of `data`, unless `last`).
    fn scan(&self, data: &[u8], out: &mut Vec<u8>, last: bool) -> usize {
        let mut i = 0;
        let mut copied = 0;
        while i < data.len() {
            if !self.starts[usize::from(data[i])] {
                i = match self.next_start(&data[i..]) {
                    Some(at) => i + at,
                    None => data.len(),
                };
                continue;
            }
            let rest = &data[i..];
            // A longer secret may still begin here: wait for the bytes that decide.
            if !last
                && self
                    .secrets
                    .iter()
                    .any(|s| s.len() > rest.len() && s.starts_with(rest))
            {
                out.extend_from_slice(&data[copied..i]);
                return i;
            }
            if let Some(s) = self.secrets.iter().find(|s| rest.starts_with(s)) {
                out.extend_from_slice(&data[copied..i]);
                out.extend_from_slice(REDACTED.as_bytes());
                i += s.len();
                copied = i;
                continue;
            }
            i += 1;
        }
        out.extend_from_slice(&data[copied..]);
        data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn masks_every_occurrence_longest_first() {
        let secrets = s(&["pass", "password1"]);
        assert_eq!(
            redact("password1 and pass, pass", &secrets),
            "**** and ****, ****"
        );
        assert_eq!(redact("nothing here", &secrets), "nothing here");
        assert_eq!(redact("x", &s(&[""])), "x");
        assert_eq!(redact("é-sécret-é", &s(&["sécret"])), "é-****-é");
    }

    #[test]
    fn stream_masks_a_secret_split_across_chunks() {
        let mut r = StreamRedactor::new(&s(&["hunter2"]));
        let mut out = Vec::new();
        r.push(b"login hun", &mut out);
        assert_eq!(out, b"login ");
        r.push(b"ter2 ok hunt", &mut out);
        r.finish(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "login **** ok hunt");
    }

    proptest! {
        #[test]
        fn stream_equals_whole_text(
            text in "[ab ]{0,40}",
            cuts in proptest::collection::vec(0usize..40, 0..6),
        ) {
            let secrets = s(&["abba", "ab", "bab"]);
            let mut r = StreamRedactor::new(&secrets);
            let mut out = Vec::new();
            let bytes = text.as_bytes();
            let mut points: Vec<usize> = cuts.into_iter().filter(|&c| c <= bytes.len()).collect();
            points.sort_unstable();
            let mut from = 0;
            for p in points {
                r.push(&bytes[from..p], &mut out);
                from = p;
            }
            r.push(&bytes[from..], &mut out);
            r.finish(&mut out);
            prop_assert_eq!(String::from_utf8(out).unwrap(), redact(&text, &secrets));
        }

        #[test]
        fn stream_equals_whole_text_with_many_first_bytes(
            text in "[abxy ]{0,40}",
            cut in 0usize..40,
        ) {
            let secrets = s(&["ab", "ba", "xy", "yx", " a"]);
            let mut r = StreamRedactor::new(&secrets);
            let mut out = Vec::new();
            let bytes = text.as_bytes();
            let cut = cut.min(bytes.len());
            r.push(&bytes[..cut], &mut out);
            r.push(&bytes[cut..], &mut out);
            r.finish(&mut out);
            prop_assert_eq!(String::from_utf8(out).unwrap(), redact(&text, &secrets));
        }
    }
}
