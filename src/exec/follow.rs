//! Reading a step's output file while it grows: a follower that hands over each new line,
//! the last lines of a file (a report's tail), and a bounded buffer of lines for the screen.
//! The complete output always stays in the file.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often [`OutputFollower::next_batch`] looks for new output.
pub const FOLLOW_POLL: Duration = Duration::from_millis(100);
/// At most this much is read per [`OutputFollower::poll`], so a flood of output cannot
/// stall the caller.
const READ_LIMIT: u64 = 4 * 1024 * 1024;
const READ_CHUNK: usize = 256 * 1024;

/// Follows a growing output file from an offset.
#[derive(Debug)]
pub struct OutputFollower {
    path: PathBuf,
    offset: u64,
    partial: Partial,
    file: Option<File>,
    buf: Vec<u8>,
}

impl OutputFollower {
    /// Follows `path` from its beginning (the file may not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> OutputFollower {
        OutputFollower::from_offset(path, 0)
    }

    /// Follows `path` from byte `offset` (e.g. to skip what the screen already shows).
    pub fn from_offset(path: impl Into<PathBuf>, offset: u64) -> OutputFollower {
        OutputFollower {
            path: path.into(),
            offset,
            partial: Partial::default(),
            file: None,
            buf: Vec::new(),
        }
    }

    /// The file followed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How far the file has been read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Reads what was appended since the last call (up to a few MiB) and hands each complete
    /// line to `on_line`. Returns the number of bytes read; 0 when nothing is new.
    pub fn poll(&mut self, on_line: &mut dyn FnMut(&str)) -> io::Result<u64> {
        if self.file.is_none() {
            match super::status::open_regular(&self.path) {
                Ok(mut f) => {
                    f.seek(SeekFrom::Start(self.offset))?;
                    self.file = Some(f);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
                Err(e) => return Err(e),
            }
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(0);
        };
        if self.buf.is_empty() {
            self.buf = vec![0u8; READ_CHUNK];
        }
        let mut total = 0u64;
        while total < READ_LIMIT {
            let n = match file.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            total += n as u64;
            split_lines(&self.buf[..n], &mut self.partial, on_line);
        }
        self.offset += total;
        Ok(total)
    }

    /// Reads everything left and hands over the unfinished last line too: the writer is done.
    pub fn finish(&mut self, on_line: &mut dyn FnMut(&str)) -> io::Result<()> {
        while self.poll(on_line)? > 0 {}
        if !self.partial.is_empty() {
            self.partial.end_line(&[], on_line);
        }
        self.partial = Partial::default();
        Ok(())
    }

    /// Waits (polling every 100 ms) until at least one new line is there and returns the
    /// new lines. For a screen that awaits output alongside other events.
    pub async fn next_batch(&mut self) -> io::Result<Vec<String>> {
        loop {
            let mut lines = Vec::new();
            self.poll(&mut |l| lines.push(l.to_string()))?;
            if !lines.is_empty() {
                return Ok(lines);
            }
            tokio::time::sleep(FOLLOW_POLL).await;
        }
    }
}

/// Longest line handed over whole; past it a line is shown cut (the file keeps it all), so
/// memory stays flat however long a line without a newline grows.
pub const SHOWN_LINE_LIMIT: usize = 8 * 1024;
/// Appended to a line shown cut.
pub const CUT_MARKER: &str = " [... line cut; the whole line is in the output file]";

/// The unfinished end of the output read so far, bounded.
#[derive(Debug, Default)]
struct Partial {
    bytes: Vec<u8>,
    /// The current line was already handed over cut: drop the rest of it.
    skipping: bool,
}

impl Partial {
    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Adds bytes of an unfinished line; a line reaching the limit is handed over cut.
    fn extend(&mut self, bytes: &[u8], on_line: &mut dyn FnMut(&str)) {
        if self.skipping {
            return;
        }
        let room = SHOWN_LINE_LIMIT.saturating_sub(self.bytes.len());
        if bytes.len() < room {
            self.bytes.extend_from_slice(bytes);
            return;
        }
        self.bytes.extend_from_slice(&bytes[..room]);
        let mut text = line_text(&self.bytes).into_owned();
        text.push_str(CUT_MARKER);
        on_line(&text);
        self.bytes = Vec::new();
        self.skipping = true;
    }

    /// Ends the current line with `rest` (the bytes before its newline).
    fn end_line(&mut self, rest: &[u8], on_line: &mut dyn FnMut(&str)) {
        if !self.skipping {
            self.extend(rest, on_line);
        }
        if !self.skipping {
            on_line(&line_text(&self.bytes));
        }
        self.bytes.clear();
        self.skipping = false;
    }
}

/// Hands the complete lines of `chunk` to `on_line`, joining the first one to what was left
/// unfinished before and keeping the unfinished end for next time. The complete lines are
/// checked as UTF-8 and for control characters in one go (per line only when that fails),
/// and split in one pass.
fn split_lines(chunk: &[u8], partial: &mut Partial, on_line: &mut dyn FnMut(&str)) {
    let Some(last) = memchr::memrchr(b'\n', chunk) else {
        partial.extend(chunk, on_line);
        return;
    };
    let (mut body, rest) = chunk.split_at(last + 1);
    if !partial.is_empty() || partial.skipping {
        let first = memchr::memchr(b'\n', body).unwrap_or(body.len() - 1);
        partial.end_line(&body[..first], on_line);
        body = &body[first + 1..];
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            let plain = super::terminal::is_plain(text);
            for line in text.split_terminator('\n') {
                if line.len() > SHOWN_LINE_LIMIT {
                    // Shown cut (the partial is empty here: it only takes this line).
                    partial.end_line(line.as_bytes(), on_line);
                    continue;
                }
                let line = line.strip_suffix('\r').unwrap_or(line);
                if plain {
                    on_line(line);
                } else {
                    on_line(&super::terminal::neutralize(line));
                }
            }
        }
        Err(_) => {
            let body = body.strip_suffix(b"\n").unwrap_or(body);
            for line in body.split(|&b| b == b'\n') {
                partial.end_line(line, on_line);
            }
        }
    }
    partial.extend(rest, on_line);
}

/// A line as text (borrowed when it is valid UTF-8): invalid UTF-8 replaced, a Windows
/// line end's `\r` dropped.
fn line_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(text) => super::terminal::neutralize(text),
        Cow::Owned(text) => Cow::Owned(super::terminal::neutralize(&text).into_owned()),
    }
}

/// The last `n` lines of a file (read from its end, so a huge file costs little).
pub fn tail_of_file(path: &Path, n: usize) -> io::Result<Vec<String>> {
    let mut file = super::status::open_regular(path)?;
    let len = file.metadata()?.len();
    let mut window: u64 = 64 * 1024;
    loop {
        let from = len.saturating_sub(window);
        file.seek(SeekFrom::Start(from))?;
        let mut buf = Vec::new();
        (&mut file).take(window).read_to_end(&mut buf)?;
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let mut lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
        // The first piece may be cut: keep it only when the window reached the start.
        if from > 0 {
            lines.remove(0);
        }
        if lines.len() >= n || from == 0 || window >= 1024 * 1024 {
            let skip = lines.len().saturating_sub(n);
            // A tail is journaled: a line is kept to the shown length, never megabytes.
            let mut out: Vec<String> = lines[skip..]
                .iter()
                .map(|l| {
                    if l.len() > SHOWN_LINE_LIMIT {
                        let mut text = line_text(&l[..SHOWN_LINE_LIMIT]).into_owned();
                        text.push_str(CUT_MARKER);
                        text
                    } else {
                        line_text(l).into_owned()
                    }
                })
                .collect();
            if buf.is_empty() {
                out.clear();
            }
            return Ok(out);
        }
        window *= 4;
    }
}

/// The last lines of output kept for the screen (default 5000); older ones are dropped
/// and counted.
#[derive(Debug, Clone)]
pub struct OutputBuffer {
    lines: VecDeque<String>,
    capacity: usize,
    seen: u64,
}

impl Default for OutputBuffer {
    fn default() -> Self {
        OutputBuffer::new(5000)
    }
}

impl OutputBuffer {
    /// A buffer keeping the last `capacity` lines (at least one).
    pub fn new(capacity: usize) -> OutputBuffer {
        let capacity = capacity.max(1);
        OutputBuffer {
            lines: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            seen: 0,
        }
    }

    pub fn push(&mut self, line: &str) {
        // Once full, the oldest line's allocation is reused for the newest.
        let mut slot = if self.lines.len() == self.capacity {
            self.lines.pop_front().unwrap_or_default()
        } else {
            String::new()
        };
        slot.clear();
        slot.push_str(line);
        self.lines.push_back(slot);
        self.seen += 1;
    }

    /// The kept lines, oldest first.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.lines.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Lines pushed in all.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Lines no longer kept (still in the output file).
    pub fn dropped(&self) -> u64 {
        self.seen - self.lines.len() as u64
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.seen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn follower_hands_over_complete_lines_as_the_file_grows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.out");
        let mut f = OutputFollower::new(&path);
        let mut got = Vec::new();
        assert_eq!(f.poll(&mut |l| got.push(l.to_string())).unwrap(), 0);
        let mut file = File::create(&path).unwrap();
        file.write_all(b"one\r\ntw").unwrap();
        f.poll(&mut |l| got.push(l.to_string())).unwrap();
        assert_eq!(got, ["one"]);
        file.write_all(b"o\nthree").unwrap();
        f.poll(&mut |l| got.push(l.to_string())).unwrap();
        assert_eq!(got, ["one", "two"]);
        f.finish(&mut |l| got.push(l.to_string())).unwrap();
        assert_eq!(got, ["one", "two", "three"]);
        assert_eq!(f.offset(), 14);
        let mut again = Vec::new();
        OutputFollower::from_offset(&path, 5)
            .finish(&mut |l| again.push(l.to_string()))
            .unwrap();
        assert_eq!(again, ["two", "three"]);
    }

    #[test]
    fn lines_split_across_chunks_and_invalid_bytes_survive() {
        let mut partial = Partial::default();
        let mut got: Vec<String> = Vec::new();
        let mut push = |l: &str| got.push(l.to_string());
        split_lines(b"ab", &mut partial, &mut push);
        split_lines(b"c\n\nd\xffe\r\nf", &mut partial, &mut push);
        split_lines("é\n".as_bytes(), &mut partial, &mut push);
        assert_eq!(got, ["abc", "", "d\u{fffd}e", "fé"]);
        assert!(partial.is_empty());
    }

    #[test]
    fn one_chunk_of_plain_long_and_escaped_lines_is_split_line_by_line() {
        let long = "y".repeat(SHOWN_LINE_LIMIT + 10);
        let mut got: Vec<String> = Vec::new();
        let mut push = |l: &str| got.push(l.to_string());
        let mut partial = Partial::default();
        let chunk = format!("plain\tone\r\n{long}\nclear \x1b[2J\r\nlast\nrest");
        split_lines(chunk.as_bytes(), &mut partial, &mut push);
        let cut = format!("{}{CUT_MARKER}", &long[..SHOWN_LINE_LIMIT]);
        assert_eq!(got, ["plain\tone", cut.as_str(), "clear ^[[2J", "last"]);
        assert_eq!(partial.bytes, b"rest");
        assert!(!partial.skipping);
    }

    #[test]
    fn a_line_without_end_is_shown_cut_and_memory_stays_bounded() {
        let mut partial = Partial::default();
        let mut got: Vec<String> = Vec::new();
        let mut push = |l: &str| got.push(l.to_string());
        for _ in 0..100 {
            split_lines(&[b'x'; 4096], &mut partial, &mut push);
            assert!(partial.bytes.len() <= SHOWN_LINE_LIMIT);
        }
        split_lines(b"xx\nnext\n", &mut partial, &mut push);
        assert_eq!(got.len(), 2);
        assert!(got[0].ends_with(CUT_MARKER));
        assert_eq!(got[0].len(), SHOWN_LINE_LIMIT + CUT_MARKER.len());
        assert_eq!(got[1], "next");
    }

    #[test]
    fn tail_reads_the_last_lines_of_small_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("s");
        std::fs::write(&small, "a\nb\nc\n").unwrap();
        assert_eq!(tail_of_file(&small, 2).unwrap(), ["b", "c"]);
        assert_eq!(tail_of_file(&small, 9).unwrap(), ["a", "b", "c"]);
        let empty = dir.path().join("e");
        std::fs::write(&empty, "").unwrap();
        assert!(tail_of_file(&empty, 3).unwrap().is_empty());
        let large = dir.path().join("l");
        let text: String = (0..50_000).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&large, text).unwrap();
        assert_eq!(
            tail_of_file(&large, 3).unwrap(),
            ["line 49997", "line 49998", "line 49999"]
        );
    }

    #[test]
    fn buffer_keeps_the_last_lines_and_counts_the_rest() {
        let mut b = OutputBuffer::new(3);
        for i in 0..5 {
            b.push(&i.to_string());
        }
        assert_eq!(b.lines().collect::<Vec<_>>(), ["2", "3", "4"]);
        assert_eq!((b.len(), b.seen(), b.dropped()), (3, 5, 2));
        assert_eq!(OutputBuffer::default().capacity, 5000);
    }
}
