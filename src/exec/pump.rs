//! Copying a child's stdout and stderr into one output file as they arrive: whole lines from
//! either stream (never one line torn by the other), secrets masked, memory bounded.
//!
//! Each stream has a thread that reads it and writes its complete lines itself, under one
//! lock shared by the streams (no hand-off between threads per chunk: that doubled the
//! context switches when a step prints fast). A ticker thread writes a line left unfinished
//! (a prompt, a row of progress dots) once its stream has been quiet for a moment, so it is
//! never hidden until the next newline, and flushes the file regularly for followers.
//!
//! A reader woken for every write of a fast writer (4 KiB at a time for `fold`) costs both
//! sides a wake-up and a switch per write, more than the copying. So on Linux the pipes are
//! widened to 1 MiB and a reader that has emptied its pipe naps a millisecond before reading
//! again: the writer fills the pipe without waking anyone and one read takes it all. A writer
//! fast enough to fill half the pipe during a nap is read without naps for a while, so a
//! nap never makes it wait on a full pipe for long.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use super::redact::StreamRedactor;

const CHUNK: usize = 64 * 1024;
/// One read from a stream takes at most this much.
const READ_CHUNK: usize = 256 * 1024;
/// What a step's pipes are widened to (Linux; the default is 64 KiB).
#[cfg(target_os = "linux")]
const PIPE_SIZE: usize = 1024 * 1024;
/// How long a reader that emptied its pipe waits before reading again.
const NAP: Duration = Duration::from_millis(1);
/// How long naps stay off once a writer filled half the pipe during one.
const NO_NAPS_FOR: Duration = Duration::from_millis(100);
/// A line longer than this is written in pieces (binary output has no newlines).
const MAX_LINE: usize = 64 * 1024;
/// How long a stream must be quiet before its unfinished line is written.
const IDLE: Duration = Duration::from_millis(150);
/// How often buffered output reaches the file while output flows.
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// A running copy of some streams into a file.
pub struct Pump {
    shared: Arc<Shared>,
}

struct Shared {
    merger: Mutex<Merger<BufWriter<File>>>,
    /// Signalled when a stream ends (and by `finish`, to stop the ticker).
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Merger<BufWriter<File>>> {
        // A panic while holding the lock leaves a merger that is still usable for writing.
        self.merger.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the copy did.
#[derive(Debug, Default)]
pub struct PumpResult {
    /// Bytes written to the file.
    pub written: u64,
    /// The first write error; output after it was read and dropped so the child never
    /// blocks or dies on a full pipe because lifeline's disk is full.
    pub error: Option<io::Error>,
}

/// One stream to copy and how much its pipe holds (0: unknown, never nap on it).
pub struct Source {
    reader: Box<dyn Read + Send>,
    capacity: usize,
}

impl Source {
    pub fn new(reader: impl Read + Send + 'static, capacity: usize) -> Source {
        Source {
            reader: Box::new(reader),
            capacity,
        }
    }
}

/// Widens a step's pipe to [`PIPE_SIZE`] where the system allows it; returns what it holds.
#[cfg(target_os = "linux")]
pub fn widen_pipe(pipe: &impl std::os::fd::AsRawFd) -> usize {
    let fd = pipe.as_raw_fd();
    let wanted = libc::c_int::try_from(PIPE_SIZE).unwrap_or(libc::c_int::MAX);
    // SAFETY: fcntl on a pipe this process holds open; a refusal (a lower
    // /proc/sys/fs/pipe-max-size, the user's pipe quota) leaves the pipe as it was.
    let size = unsafe {
        match libc::fcntl(fd, libc::F_SETPIPE_SZ, wanted) {
            n if n > 0 => n,
            _ => libc::fcntl(fd, libc::F_GETPIPE_SZ),
        }
    };
    usize::try_from(size).unwrap_or(0)
}

/// Elsewhere the pipe is left as it is and its size is not known: its reader never naps.
#[cfg(not(target_os = "linux"))]
pub fn widen_pipe<T>(_pipe: &T) -> usize {
    0
}

/// Starts copying `sources` into `out`, masking `secrets`.
pub fn start(out: File, secrets: &[String], sources: Vec<Source>) -> Pump {
    start_capped(out, secrets, sources, None)
}

/// [`start`] writing at most `cap` bytes of output: past it, one marker line says so and the
/// rest is read and dropped (the child never blocks on a full pipe).
pub fn start_capped(out: File, secrets: &[String], sources: Vec<Source>, cap: Option<u64>) -> Pump {
    let mut merger = Merger::new(BufWriter::with_capacity(CHUNK, out), secrets, sources.len());
    merger.cap = cap;
    let shared = Arc::new(Shared {
        merger: Mutex::new(merger),
        changed: Condvar::new(),
    });
    for (index, source) in sources.into_iter().enumerate() {
        let shared = shared.clone();
        thread::spawn(move || copy_stream(&shared, index, source));
    }
    let ticker = shared.clone();
    thread::spawn(move || {
        let mut merger = ticker.lock();
        while !merger.finished() {
            merger = match ticker.changed.wait_timeout(merger, FLUSH_EVERY) {
                Ok((guard, _)) => guard,
                Err(p) => p.into_inner().0,
            };
            merger.idle(Instant::now());
            merger.flush();
        }
    });
    Pump { shared }
}

/// Reads one stream to its end into the merger, napping between reads while the writer is
/// slow enough for its pipe to hold what it writes meanwhile.
fn copy_stream(shared: &Shared, index: usize, mut source: Source) {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut naps = Naps::new(source.capacity, Instant::now());
    loop {
        let n = match source.reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let now = Instant::now();
        shared.lock().data(index, &buf[..n], now);
        if naps.after_read(n, buf.len(), now) {
            thread::sleep(NAP);
        }
    }
    shared.lock().end(index);
    shared.changed.notify_all();
}

/// When a stream's reader naps: after a read that emptied the pipe, unless the writer
/// filled half the pipe during the last nap (then no naps for [`NO_NAPS_FOR`]).
#[derive(Debug)]
struct Naps {
    /// What the pipe holds; 0 when unknown (never nap).
    capacity: usize,
    /// Bytes read since the pipe was last found empty.
    since_empty: usize,
    /// Whether the reader napped when it last found the pipe empty.
    napped: bool,
    /// No naps before this.
    from: Instant,
}

impl Naps {
    fn new(capacity: usize, now: Instant) -> Naps {
        Naps {
            capacity,
            since_empty: 0,
            napped: false,
            from: now,
        }
    }

    /// After a read of `n` bytes into a buffer of `len`: true when the reader should nap.
    fn after_read(&mut self, n: usize, len: usize, now: Instant) -> bool {
        self.since_empty += n;
        if n == len {
            // A full buffer: more may be waiting.
            return false;
        }
        if self.napped && self.since_empty >= self.capacity / 2 {
            self.from = now + NO_NAPS_FOR;
        }
        self.napped = self.capacity > 0 && now >= self.from;
        self.since_empty = 0;
        self.napped
    }
}

impl Pump {
    /// Waits for every stream to end, at most `drain` (a background grandchild may keep a
    /// pipe open for ever), then writes what is pending and returns. Streams still open
    /// go on being read, into nothing.
    pub fn finish(self, drain: Duration) -> PumpResult {
        let deadline = Instant::now() + drain;
        let mut merger = self.shared.lock();
        while !merger.streams.iter().all(|s| !s.open) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            merger = match self.shared.changed.wait_timeout(merger, left) {
                Ok((guard, _)) => guard,
                Err(p) => p.into_inner().0,
            };
        }
        for i in 0..merger.streams.len() {
            if merger.streams[i].open {
                merger.end(i);
            }
        }
        merger.stopped = true;
        let (out, mut result) = merger.take_result();
        drop(merger);
        self.shared.changed.notify_all();
        // Not fsynced: the output is a log whose last lines a power cut may take (the journal
        // keeps the tail), and syncing hundreds of MB would cost more than the step's own
        // writing. The status file written after it is synced.
        if let Some(out) = out
            && let Err(e) = out.into_inner()
        {
            result.error.get_or_insert(e.into_error());
        }
        result
    }
}

struct Stream {
    redactor: StreamRedactor,
    line: Vec<u8>,
    open: bool,
    last_data: Instant,
}

/// Merges streams line by line into `out`.
struct Merger<W: Write> {
    out: Option<W>,
    streams: Vec<Stream>,
    /// The stream whose unfinished line was written last: another stream writing now must
    /// start on a new line.
    partial_from: Option<usize>,
    written: u64,
    error: Option<io::Error>,
    /// Set by `finish`: what still arrives is read and dropped.
    stopped: bool,
    /// At most this many bytes of output are written.
    cap: Option<u64>,
    /// The cap was reached (and its marker written).
    capped: bool,
}

/// The line written once when an attempt's output reaches its cap.
pub fn cap_marker(cap: u64) -> String {
    format!(
        "\n[lifeline: this step's output reached its limit of {cap} bytes (LIFELINE_MAX_OUTPUT); the rest was not kept]\n"
    )
}

impl<W: Write> Merger<W> {
    fn new(out: W, secrets: &[String], count: usize) -> Self {
        let now = Instant::now();
        Merger {
            out: Some(out),
            streams: (0..count)
                .map(|_| Stream {
                    redactor: StreamRedactor::new(secrets),
                    line: Vec::new(),
                    open: true,
                    last_data: now,
                })
                .collect(),
            partial_from: None,
            written: 0,
            error: None,
            stopped: false,
            cap: None,
            capped: false,
        }
    }

    /// True once every stream has ended or the copy was stopped.
    fn finished(&self) -> bool {
        self.stopped || self.streams.iter().all(|s| !s.open)
    }

    fn data(&mut self, i: usize, chunk: &[u8], now: Instant) {
        let stream = &mut self.streams[i];
        stream.last_data = now;
        stream.redactor.push(chunk, &mut stream.line);
        let complete = match memchr::memrchr(b'\n', &stream.line) {
            Some(pos) => pos + 1,
            None if stream.line.len() >= MAX_LINE => stream.line.len(),
            None => return,
        };
        // Written straight from the line buffer; only the unfinished rest is moved down.
        let mut line = std::mem::take(&mut stream.line);
        self.emit(i, &line[..complete]);
        line.drain(..complete);
        self.streams[i].line = line;
    }

    fn end(&mut self, i: usize) {
        let stream = &mut self.streams[i];
        stream.open = false;
        stream.redactor.finish(&mut stream.line);
        let mut bytes = std::mem::take(&mut stream.line);
        let unfinished = self.partial_from == Some(i) || !bytes.is_empty();
        if unfinished && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        if !bytes.is_empty() {
            self.emit(i, &bytes);
        }
    }

    fn idle(&mut self, now: Instant) {
        for i in 0..self.streams.len() {
            let stream = &mut self.streams[i];
            if !stream.line.is_empty() && now.duration_since(stream.last_data) >= IDLE {
                let bytes = std::mem::take(&mut stream.line);
                self.emit(i, &bytes);
            }
        }
    }

    fn emit(&mut self, i: usize, bytes: &[u8]) {
        if self.partial_from.is_some_and(|p| p != i) {
            self.write(b"\n");
        }
        self.partial_from = (!bytes.ends_with(b"\n")).then_some(i);
        self.write(bytes);
    }

    fn write(&mut self, mut bytes: &[u8]) {
        if self.capped {
            return;
        }
        let mut reached = None;
        if let Some(cap) = self.cap {
            let room = usize::try_from(cap.saturating_sub(self.written)).unwrap_or(usize::MAX);
            if bytes.len() > room {
                bytes = &bytes[..room];
                reached = Some(cap);
            }
        }
        if let Some(out) = self.out.as_mut() {
            match out.write_all(bytes) {
                Ok(()) => self.written += bytes.len() as u64,
                Err(e) => self.fail(e),
            }
        }
        if let Some(cap) = reached {
            self.capped = true;
            if let Some(out) = self.out.as_mut()
                && let Err(e) = out.write_all(cap_marker(cap).as_bytes())
            {
                self.fail(e);
            }
        }
    }

    fn flush(&mut self) {
        if let Some(out) = self.out.as_mut()
            && let Err(e) = out.flush()
        {
            self.fail(e);
        }
    }

    fn fail(&mut self, e: io::Error) {
        self.out = None;
        self.error.get_or_insert(e);
    }

    /// Flushes and hands over the writer and the result; later output is dropped.
    fn take_result(&mut self) -> (Option<W>, PumpResult) {
        self.flush();
        let result = PumpResult {
            written: self.written,
            error: self.error.take(),
        };
        (self.out.take(), result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(events: &[(usize, &str)], secrets: &[&str]) -> String {
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        let mut m = Merger::new(Vec::new(), &secrets, 2);
        let t = Instant::now();
        for (i, text) in events {
            if text.is_empty() {
                m.end(*i);
            } else {
                m.data(*i, text.as_bytes(), t);
            }
        }
        m.end(0);
        m.end(1);
        let (out, result) = m.take_result();
        assert!(result.error.is_none());
        String::from_utf8(out.unwrap()).unwrap()
    }

    #[test]
    fn lines_from_two_streams_never_tear() {
        let out = merged(&[(0, "out a"), (1, "err 1\n"), (0, " more\nout b\n")], &[]);
        assert_eq!(out, "err 1\nout a more\nout b\n");
    }

    #[test]
    fn an_unfinished_last_line_is_ended() {
        assert_eq!(merged(&[(0, "no newline")], &[]), "no newline\n");
    }

    #[test]
    fn a_quiet_partial_line_is_written_and_the_other_stream_starts_fresh() {
        let mut m = Merger::new(Vec::new(), &[], 2);
        let t = Instant::now();
        m.data(0, b"Password: ", t);
        m.idle(t + IDLE * 2);
        m.data(1, b"warning\n", t + IDLE * 2);
        m.data(0, b"ok\n", t + IDLE * 3);
        let (out, _) = m.take_result();
        assert_eq!(
            String::from_utf8(out.unwrap()).unwrap(),
            "Password: \nwarning\nok\n"
        );
    }

    #[test]
    fn output_past_the_cap_is_dropped_after_one_marker() {
        let mut m = Merger::new(Vec::new(), &[], 1);
        m.cap = Some(10);
        m.data(0, b"0123456\n789abcdef\nmore\n", Instant::now());
        m.data(0, b"and more\n", Instant::now());
        m.end(0);
        let (out, result) = m.take_result();
        assert_eq!(result.written, 10);
        let text = String::from_utf8(out.unwrap()).unwrap();
        assert_eq!(text, format!("0123456\n78{}", cap_marker(10)));
    }

    #[test]
    fn secrets_split_across_chunks_are_masked() {
        let out = merged(&[(0, "pw=hun"), (0, "ter2\n")], &["hunter2"]);
        assert_eq!(out, "pw=****\n");
    }

    #[test]
    fn a_reader_naps_after_emptying_its_pipe_unless_the_writer_outruns_the_nap() {
        let t = Instant::now();
        let mut naps = Naps::new(1024 * 1024, t);
        // A full buffer: read again at once.
        assert!(!naps.after_read(READ_CHUNK, READ_CHUNK, t));
        // The pipe emptied: nap, and again while each nap lets in less than half the pipe.
        assert!(naps.after_read(4096, READ_CHUNK, t));
        assert!(!naps.after_read(READ_CHUNK, READ_CHUNK, t));
        assert!(naps.after_read(100_000, READ_CHUNK, t));
        // Half the pipe or more came in during a nap: no naps for a while, then naps again.
        assert!(!naps.after_read(READ_CHUNK, READ_CHUNK, t));
        assert!(!naps.after_read(READ_CHUNK, READ_CHUNK, t));
        assert!(!naps.after_read(10, READ_CHUNK, t));
        assert!(!naps.after_read(10, READ_CHUNK, t + NO_NAPS_FOR / 2));
        assert!(naps.after_read(10, READ_CHUNK, t + NO_NAPS_FOR));
        // A pipe of unknown size: never.
        let mut unknown = Naps::new(0, t);
        assert!(!unknown.after_read(10, READ_CHUNK, t));
        assert!(!unknown.after_read(10, READ_CHUNK, t + NO_NAPS_FOR * 2));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_pipe_is_widened_where_the_system_allows() {
        let (reader, _writer) = std::io::pipe().unwrap();
        let capacity = widen_pipe(&reader);
        let max: usize = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        // Asked for 1 MiB: granted up to the system's limit; at worst the 64 KiB default.
        assert!(capacity >= PIPE_SIZE.min(max).max(64 * 1024), "{capacity}");
    }

    #[test]
    fn threads_copy_both_streams_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.out");
        let file = File::create(&path).unwrap();
        let a = Source::new(io::Cursor::new(b"one\ntwo\n".to_vec()), 0);
        let b = Source::new(io::Cursor::new(b"three\n".to_vec()), 64 * 1024);
        let result = start(file, &[], vec![a, b]).finish(Duration::from_secs(5));
        assert!(result.error.is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, ["one", "three", "two"]);
        assert_eq!(result.written, 14);
    }
}
