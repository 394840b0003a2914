//! Reading a journal: whole file at once, every line checked, a torn last line set aside.
//!
//! Reading never modifies the file. A damaged complete line stops the load with its line
//! number; only an unterminated last line (a crash mid-write) is forgiven, and a last record
//! that is whole but for its newline is kept.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::JournalError;
use super::line::{LineError, decode_line};
use crate::session::{Record, SessionState};

/// Bytes at the end of a journal that are no record: an unterminated, undecodable last line
/// (a torn write), or stray bytes where the last intact record's newline belongs. Where they
/// start and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TornTail {
    pub offset: u64,
    pub bytes: u64,
}

/// A journal as read from disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The file that was read.
    pub path: PathBuf,
    /// Every intact record, in order (seq 1, 2, 3, ...).
    pub records: Vec<Record>,
    /// Bytes of intact records at the start of the file; a writer resumes after these.
    pub valid_len: u64,
    /// The torn last line that was dropped, if any.
    pub torn: Option<TornTail>,
    /// The last record is intact but lacks its `\n` (the crash hit between the two).
    pub missing_newline: bool,
}

impl Loaded {
    /// The session state: the fold of every record. An event that is not legal where it
    /// stands is reported as corruption at its line (seq `n` is line `n`).
    pub fn state(&self) -> Result<SessionState, JournalError> {
        let mut state = SessionState::default();
        for record in &self.records {
            state.apply(record).map_err(|e| JournalError::Corrupt {
                path: self.path.clone(),
                line: record.seq,
                reason: format!("event not legal here: {e}"),
            })?;
        }
        Ok(state)
    }

    /// The sequence number the next appended record gets.
    pub fn next_seq(&self) -> u64 {
        self.records.last().map_or(1, |r| r.seq + 1)
    }
}

/// Reads and checks a journal file. See the module docs for what counts as damage.
pub fn read_journal(path: &Path) -> Result<Loaded, JournalError> {
    let bytes = read_regular(path)?;
    parse_journal(path, &bytes)
}

/// Reads a journal file that is a regular file, not through a symbolic link: a FIFO or a
/// device (`/dev/zero`) would hang or never end a listing, and a link would let two session
/// folders share one journal. The read stops at the size the file had when opened.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, JournalError> {
    use std::io::Read;
    let refuse = |reason: &str| JournalError::Refused {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let meta = fs::symlink_metadata(path).map_err(JournalError::io("read", path))?;
    if meta.file_type().is_symlink() {
        return Err(refuse("it is a symbolic link; a session's journal must be its own file"));
    }
    if !meta.is_file() {
        return Err(refuse("it is not a regular file (a FIFO, a device or a folder)"));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(JournalError::io("read", path))?;
    let meta = file.metadata().map_err(JournalError::io("read", path))?;
    if !meta.is_file() {
        return Err(refuse("it is not a regular file (a FIFO, a device or a folder)"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(meta.len())
        .read_to_end(&mut bytes)
        .map_err(JournalError::io("read", path))?;
    Ok(bytes)
}

/// Checks journal bytes already in memory; `path` only names them in errors.
pub fn parse_journal(path: &Path, bytes: &[u8]) -> Result<Loaded, JournalError> {
    let corrupt = |line: u64, reason: String| JournalError::Corrupt {
        path: path.to_path_buf(),
        line,
        reason,
    };
    // Complete lines end at the last newline; anything after it is an unterminated tail.
    let body_len = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let (body, tail) = bytes.split_at(body_len);
    let mut records = decode_lines(body).map_err(|(line, e)| corrupt(line, e.to_string()))?;
    for (i, record) in records.iter().enumerate() {
        let line = i as u64 + 1;
        if record.seq != line {
            return Err(corrupt(line, sequence_reason(line, record.seq)));
        }
    }
    let mut loaded = Loaded {
        path: path.to_path_buf(),
        valid_len: body_len as u64,
        torn: None,
        missing_newline: false,
        records: Vec::new(),
    };
    if !tail.is_empty() {
        let line = records.len() as u64 + 1;
        match decode_line(tail) {
            // The whole record made it to disk, only its newline did not.
            Ok(record) if record.seq == line => {
                records.push(record);
                loaded.missing_newline = true;
                loaded.valid_len = bytes.len() as u64;
            }
            // A checksummed, well-formed line cannot come from a torn write.
            Ok(record) => return Err(corrupt(line, sequence_reason(line, record.seq))),
            Err(_) => match intact_record_in(tail, line) {
                // A whole, checksummed record followed by bytes that are not its newline
                // (a zeroed sector, a flipped byte): keep the record, set the rest aside.
                Some((record, len)) => {
                    records.push(record);
                    loaded.missing_newline = true;
                    loaded.valid_len = (body_len + len) as u64;
                    loaded.torn = Some(TornTail {
                        offset: loaded.valid_len,
                        bytes: (tail.len() - len) as u64,
                    });
                }
                None => {
                    loaded.torn = Some(TornTail {
                        offset: body_len as u64,
                        bytes: tail.len() as u64,
                    });
                }
            },
        }
    }
    loaded.records = records;
    Ok(loaded)
}

/// The record `seq` whole at the start of an unterminated tail, followed by stray bytes
/// where its newline belongs: NULs (a sector the crash left zeroed) and at most one other
/// byte (the newline itself damaged). Returns the record and its length in bytes.
fn intact_record_in(tail: &[u8], seq: u64) -> Option<(Record, usize)> {
    let without_zeros = tail.len() - tail.iter().rev().take_while(|&&b| b == 0).count();
    [without_zeros, without_zeros.saturating_sub(1)]
        .into_iter()
        .filter(|&len| len > 0 && len < tail.len())
        .find_map(|len| match decode_line(&tail[..len]) {
            Ok(record) if record.seq == seq => Some((record, len)),
            _ => None,
        })
}

/// Below this many bytes, one thread decodes faster than several start.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Decodes complete lines (every one ends in `\n`), in parallel chunks on large journals.
/// An error carries its 1-based line number; the earliest one wins.
fn decode_lines(body: &[u8]) -> Result<Vec<Record>, (u64, LineError)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if threads < 2 || body.len() < PARALLEL_MIN_BYTES {
        return decode_chunk(body);
    }
    let chunks = split_at_newlines(body, threads);
    let results: Vec<Result<Vec<Record>, (u64, LineError)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|&chunk| {
                std::thread::Builder::new()
                    .name("journal-decode".into())
                    .spawn_scoped(scope, move || decode_chunk(chunk))
            })
            .collect();
        handles
            .into_iter()
            .zip(&chunks)
            .map(|(handle, &chunk)| match handle {
                // No thread to be had (or it died): decode this chunk here instead.
                Ok(h) => h.join().unwrap_or_else(|_| decode_chunk(chunk)),
                Err(_) => decode_chunk(chunk),
            })
            .collect()
    });
    let mut records = Vec::with_capacity(body.len() / 160 + 1);
    for result in results {
        let lines_before = records.len() as u64;
        let chunk = result.map_err(|(line, e)| (lines_before + line, e))?;
        records.extend(chunk);
    }
    Ok(records)
}

/// Decodes a run of complete lines; line numbers in errors are relative to the run.
fn decode_chunk(chunk: &[u8]) -> Result<Vec<Record>, (u64, LineError)> {
    let mut records = Vec::with_capacity(chunk.len() / 160 + 1);
    let lines = chunk.strip_suffix(b"\n").unwrap_or(chunk);
    if chunk.is_empty() {
        return Ok(records);
    }
    for line in lines.split(|&b| b == b'\n') {
        let record = decode_line(line).map_err(|e| (records.len() as u64 + 1, e))?;
        records.push(record);
    }
    Ok(records)
}

/// Cuts `body` into about `parts` pieces, each ending just after a newline.
fn split_at_newlines(body: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut chunks = Vec::with_capacity(parts);
    let mut rest = body;
    for i in (1..parts).rev() {
        let target = rest.len() / (i + 1);
        let Some(cut) = rest[target..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let (head, tail) = rest.split_at(target + cut + 1);
        chunks.push(head);
        rest = tail;
    }
    chunks.push(rest);
    chunks
}

fn sequence_reason(expected: u64, found: u64) -> String {
    format!("expected sequence number {expected}, found {found}")
}

/// A damaged journal read as far as it is intact, for read-only viewing: the records before
/// the first bad line (or the first record the fold refuses), and what stopped the reading.
/// Never writes.
pub fn salvage_journal(path: &Path) -> Result<(Vec<Record>, Option<JournalError>), JournalError> {
    let bytes = read_regular(path)?;
    if let Ok(loaded) = parse_journal(path, &bytes) {
        return Ok((loaded.records, None));
    }
    let mut records = Vec::new();
    let mut state = SessionState::default();
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = i as u64 + 1;
        let stop = |reason: String| JournalError::Corrupt {
            path: path.to_path_buf(),
            line: number,
            reason,
        };
        if !line.ends_with(b"\n") {
            break; // a torn tail: nothing after it
        }
        let record = match decode_line(line) {
            Ok(record) => record,
            Err(e) => return Ok((records, Some(stop(e.to_string())))),
        };
        if let Err(e) = state.apply(&record) {
            return Ok((records, Some(stop(e.to_string()))));
        }
        records.push(record);
    }
    Ok((records, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_last_record_followed_by_a_stray_byte_is_kept() {
        let record = Record {
            seq: 1,
            at: time::OffsetDateTime::UNIX_EPOCH,
            event: crate::session::Event::SessionFinished {},
        };
        let line = super::super::line::encode_line(&record).unwrap();
        for stray in [b"x".as_slice(), b"\0", b"\0\0\0", b"x\0\0"] {
            let mut bytes = line[..line.len() - 1].to_vec();
            bytes.extend_from_slice(stray);
            let loaded = parse_journal(Path::new("j"), &bytes).unwrap();
            assert_eq!(loaded.records, vec![record.clone()]);
            assert!(loaded.missing_newline);
            assert_eq!(loaded.valid_len, line.len() as u64 - 1);
            let torn = TornTail {
                offset: line.len() as u64 - 1,
                bytes: stray.len() as u64,
            };
            assert_eq!(loaded.torn, Some(torn));
        }
        // A torn write (a prefix of the line) is still dropped.
        let loaded = parse_journal(Path::new("j"), &line[..line.len() - 2]).unwrap();
        assert!(loaded.records.is_empty());
    }

    #[test]
    fn chunks_end_at_newlines_and_cover_everything() {
        let body = b"aa\nbbbb\nc\ndddddd\ne\n";
        for parts in 1..6 {
            let chunks = split_at_newlines(body, parts);
            assert_eq!(chunks.concat(), body.to_vec());
            assert!(chunks.iter().all(|c| c.is_empty() || c.ends_with(b"\n")));
        }
    }
}
