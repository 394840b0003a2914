//! One journal line: `<crc32 of the JSON bytes, 8 lowercase hex digits> <JSON of Record>\n`.

use thiserror::Error;

use crate::session::Record;

/// Why one line is not a valid record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineError {
    #[error("empty line")]
    Empty,
    #[error("line does not start with an 8-digit checksum and a space")]
    NoChecksum,
    #[error("checksum '{0}' is not 8 lowercase hex digits")]
    BadChecksum(String),
    #[error("checksum mismatch: line says {stated:08x}, content has {actual:08x}")]
    ChecksumMismatch { stated: u32, actual: u32 },
    #[error("invalid record: {0}")]
    Json(String),
    #[error("cannot encode record: {0}")]
    Encode(String),
}

const CRC_LEN: usize = 8;

/// Encodes a record as one complete line, newline included.
///
/// Fails only for a record whose time cannot be written as RFC 3339 (a year past 9999).
pub fn encode_line(record: &Record) -> Result<Vec<u8>, LineError> {
    let json = serde_json::to_vec(record).map_err(|e| LineError::Encode(e.to_string()))?;
    let mut line = Vec::with_capacity(json.len() + CRC_LEN + 2);
    line.extend_from_slice(format!("{:08x} ", crc32fast::hash(&json)).as_bytes());
    line.extend_from_slice(&json);
    line.push(b'\n');
    Ok(line)
}

/// Decodes one line (with or without its final `\n`): checksum first, then the JSON.
pub fn decode_line(line: &[u8]) -> Result<Record, LineError> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    if line.is_empty() {
        return Err(LineError::Empty);
    }
    if line.len() < CRC_LEN + 1 || line[CRC_LEN] != b' ' {
        return Err(LineError::NoChecksum);
    }
    let (hex, json) = (&line[..CRC_LEN], &line[CRC_LEN + 1..]);
    let stated =
        parse_hex(hex).ok_or_else(|| LineError::BadChecksum(hex.escape_ascii().to_string()))?;
    let actual = crc32fast::hash(json);
    if stated != actual {
        return Err(LineError::ChecksumMismatch { stated, actual });
    }
    serde_json::from_slice(json).map_err(|e| LineError::Json(e.to_string()))
}

/// Strict: lowercase only, so a flipped letter case is caught as damage, not accepted.
fn parse_hex(hex: &[u8]) -> Option<u32> {
    hex.iter().try_fold(0u32, |acc, &b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        Some(acc << 4 | u32::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Event;
    use time::macros::datetime;

    fn record() -> Record {
        Record {
            seq: 1,
            at: datetime!(2026-11-22 10:30:00.123 UTC),
            event: Event::StepEntered {
                step: "stop-services".into(),
            },
        }
    }

    #[test]
    fn round_trips_and_has_the_documented_shape() {
        let line = encode_line(&record()).unwrap();
        let text = String::from_utf8(line.clone()).unwrap();
        assert!(text.ends_with('\n'));
        let (crc, json) = text.trim_end().split_once(' ').unwrap();
        assert_eq!(crc.len(), 8);
        assert_eq!(crc, format!("{:08x}", crc32fast::hash(json.as_bytes())));
        assert!(json.starts_with(
            r#"{"seq":1,"at":"2026-11-22T10:30:00.123Z","event":{"type":"step-entered""#
        ));
        assert_eq!(decode_line(&line).unwrap(), record());
        assert_eq!(decode_line(&line[..line.len() - 1]).unwrap(), record());
    }

    #[test]
    fn rejects_damage() {
        let line = encode_line(&record()).unwrap();
        assert_eq!(decode_line(b"\n"), Err(LineError::Empty));
        assert_eq!(decode_line(b"garbage"), Err(LineError::NoChecksum));
        let mut upper = line.clone();
        upper[..8].make_ascii_uppercase();
        if upper != line {
            assert!(matches!(
                decode_line(&upper),
                Err(LineError::BadChecksum(_))
            ));
        }
        let mut flipped = line.clone();
        flipped[20] ^= 0x01;
        assert!(matches!(
            decode_line(&flipped),
            Err(LineError::ChecksumMismatch { .. })
        ));
        let json = br#"{"seq":1}"#;
        let mut bad = format!("{:08x} ", crc32fast::hash(json)).into_bytes();
        bad.extend_from_slice(json);
        assert!(matches!(decode_line(&bad), Err(LineError::Json(_))));
    }
}
