//! The built-in checks a `check` step runs in this process: a path, an XML file, free
//! space, a program on PATH (network checks are in `netcheck`), and a command judged by its
//! exit and output. Every check ends in one verdict with lines saying why.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::netcheck;
use super::pathsearch::find_on_path;
use super::redact::redact;
use super::winpath::local_path;
use crate::session::engine::{ExecRequest, RunReport};
use crate::session::event::Outcome;
use crate::wizard::CheckSpec;

/// Seconds a check may take when its step sets no timeout.
pub const DEFAULT_CHECK_TIMEOUT_S: u64 = 5;
/// Larger XML files are refused rather than read into memory.
const XML_SIZE_LIMIT: u64 = 256 * 1024 * 1024;

/// A check's verdict. `detail` is the check's output: what was found, the reason for a
/// failure last, and a warning as a line starting `warning:`. A warning still passes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckResult {
    pub passed: bool,
    pub warning: Option<String>,
    pub detail: Vec<String>,
}

impl CheckResult {
    pub fn pass(line: String) -> CheckResult {
        CheckResult {
            passed: true,
            warning: None,
            detail: vec![line],
        }
    }

    pub fn fail(line: String) -> CheckResult {
        CheckResult {
            passed: false,
            warning: None,
            detail: vec![line],
        }
    }

    /// Adds a warning (the check still passes).
    pub fn warn(mut self, warning: String) -> CheckResult {
        self.detail.push(format!("warning: {warning}"));
        self.warning = Some(warning);
        self
    }

    fn redacted(self, secrets: &[String]) -> CheckResult {
        CheckResult {
            passed: self.passed,
            warning: self.warning.map(|w| redact(&w, secrets)),
            detail: self.detail.iter().map(|l| redact(l, secrets)).collect(),
        }
    }
}

/// Runs a check with `req`'s timeout (default 5 s). A `command` check runs `req.argv` in
/// this process (the step runner sends it through a supervisor instead).
pub async fn run_check(spec: &CheckSpec, req: &ExecRequest) -> CheckResult {
    let limit = Duration::from_secs(req.timeout_s.unwrap_or(DEFAULT_CHECK_TIMEOUT_S));
    let result = match spec.clone() {
        CheckSpec::PathExists {
            path, max_age_s, ..
        } => {
            let path = local_path(&path);
            blocking(limit, move || {
                path_exists(&path, max_age_s, SystemTime::now())
            })
            .await
        }
        CheckSpec::XmlContains { path, element } => {
            let path = local_path(&path);
            blocking(limit, move || xml_contains(&path, element.as_deref())).await
        }
        CheckSpec::FreeSpace { path, min_mb } => {
            let path = local_path(&path);
            blocking(limit, move || free_space(&path, min_mb)).await
        }
        CheckSpec::OnPath { program } => on_path(&program),
        CheckSpec::TcpConnect { host, port } => netcheck::tcp_connect(&host, &port, limit).await,
        CheckSpec::Dns { name, srv, expect } => {
            netcheck::dns(&name, srv, expect.as_deref(), limit).await
        }
        CheckSpec::Command { regex, .. } => command_check(req, regex.as_deref()).await,
    };
    result.redacted(&req.secrets)
}

/// A file-system look on a blocking thread (a dead network share can hang for minutes).
async fn blocking<F>(limit: Duration, f: F) -> CheckResult
where
    F: FnOnce() -> CheckResult + Send + 'static,
{
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => CheckResult::fail(format!("the check stopped: {e}")),
        Err(_) => CheckResult::fail(format!("no answer within {} s", limit.as_secs())),
    }
}

/// The report a check's verdict becomes: passed is `succeeded` with exit 0, failed is
/// `failed` with exit 1; the message is the failure's reason, or the warning.
pub fn check_report(result: &CheckResult, duration_ms: u64) -> RunReport {
    let tail_from = result.detail.len().saturating_sub(super::TAIL_LINES);
    RunReport {
        outcome: Some(if result.passed {
            Outcome::Succeeded
        } else {
            Outcome::Failed
        }),
        exit_code: Some(if result.passed { 0 } else { 1 }),
        signal: None,
        duration_ms,
        output: None,
        tail: result.detail[tail_from..].to_vec(),
        message: if result.passed {
            result.warning.clone()
        } else {
            result.detail.last().cloned()
        },
    }
}

/// `path` exists and can be read; older than `max_age_s` is a warning.
pub fn path_exists(path: &str, max_age_s: Option<u64>, now: SystemTime) -> CheckResult {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return CheckResult::fail(format!("'{path}' does not exist"));
        }
        Err(e) => return CheckResult::fail(format!("cannot look at '{path}': {e}")),
    };
    let readable = if meta.is_dir() {
        fs::read_dir(path).map(|_| ())
    } else {
        fs::File::open(path).map(|_| ())
    };
    if let Err(e) = readable {
        return CheckResult::fail(format!("'{path}' exists but cannot be read: {e}"));
    }
    let age = meta
        .modified()
        .ok()
        .map(|m| now.duration_since(m).unwrap_or_default().as_secs());
    let what = if meta.is_dir() {
        "a folder".to_string()
    } else {
        format!("a file of {}", human_size(meta.len()))
    };
    let line = match age {
        Some(age) => format!(
            "'{path}' exists ({what}, last modified {} ago)",
            human_duration(age)
        ),
        None => format!("'{path}' exists ({what})"),
    };
    let result = CheckResult::pass(line);
    match (age, max_age_s) {
        (Some(age), Some(max)) if age > max => result.warn(format!(
            "'{path}' is {} old, older than the {} limit",
            human_duration(age),
            human_duration(max)
        )),
        _ => result,
    }
}

/// `path` is well-formed XML (UTF-8, or UTF-16 with a byte-order mark) and, when `element`
/// is given, has an element of that local name (a `prefix:` in `element` is ignored).
pub fn xml_contains(path: &str, element: Option<&str>) -> CheckResult {
    let size = match fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return CheckResult::fail(format!("cannot read '{path}': {e}")),
    };
    if size > XML_SIZE_LIMIT {
        return CheckResult::fail(format!(
            "'{path}' is {}, too large to check here",
            human_size(size)
        ));
    }
    let text = match fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(decode_text)
    {
        Ok(t) => t,
        Err(e) => return CheckResult::fail(format!("cannot read '{path}': {e}")),
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = match roxmltree::Document::parse_with_options(&text, options) {
        Ok(doc) => doc,
        Err(e) => return CheckResult::fail(format!("'{path}' is not well-formed XML: {e}")),
    };
    let root = doc.root_element().tag_name().name().to_string();
    let Some(element) = element else {
        return CheckResult::pass(format!(
            "'{path}' is well-formed XML (root element '{root}')"
        ));
    };
    let local = element.rsplit(':').next().unwrap_or(element);
    let count = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == local)
        .count();
    if count == 0 {
        CheckResult::fail(format!(
            "'{path}' is well-formed XML but has no element '{element}'"
        ))
    } else {
        CheckResult::pass(format!(
            "'{path}' is well-formed XML with {count} element(s) '{element}'"
        ))
    }
}

/// Text from bytes: a UTF-8 or UTF-16 byte-order mark decides; otherwise UTF-8.
fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |body: &[u8], le: bool| -> Result<String, String> {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|p| {
                if le {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "invalid UTF-16 text".to_string())
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|_| "invalid UTF-8 text".to_string())
        }
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes).map_err(|_| "not UTF-8 or UTF-16 text".to_string()),
    }
}

/// `program` can be found on PATH (with PATHEXT on Windows).
pub fn on_path(program: &str) -> CheckResult {
    let path = std::env::var_os("PATH").unwrap_or_default();
    match find_on_path(program, &path) {
        Some(found) => CheckResult::pass(format!("'{program}' found at '{}'", found.display())),
        None => CheckResult::fail(format!("'{program}' not found on PATH")),
    }
}

/// At least `min_mb` MiB are free for this user on the volume holding `path`.
pub fn free_space(path: &str, min_mb: u64) -> CheckResult {
    match super::diskfree::free_bytes(Path::new(path)) {
        Ok(bytes) => {
            let mb = bytes / (1024 * 1024);
            if mb >= min_mb {
                CheckResult::pass(format!(
                    "'{path}': {mb} MB free (at least {min_mb} MB needed)"
                ))
            } else {
                CheckResult::fail(format!(
                    "'{path}': only {mb} MB free, at least {min_mb} MB needed"
                ))
            }
        }
        Err(e) => CheckResult::fail(format!("cannot read the free space of '{path}': {e}")),
    }
}

/// Runs a `command` check's argv here (no supervisor), then judges it.
async fn command_check(req: &ExecRequest, regex: Option<&str>) -> CheckResult {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return CheckResult::fail(format!("cannot make a scratch folder: {e}")),
    };
    let report = super::run::run_inline(req, dir.path()).await;
    let output = report
        .output
        .as_ref()
        .and_then(|p| fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut detail = report.tail.clone();
    if report.outcome != Some(Outcome::Succeeded) {
        detail.push(
            report
                .message
                .unwrap_or_else(|| "the command failed".to_string()),
        );
        return CheckResult {
            passed: false,
            warning: None,
            detail,
        };
    }
    let mut verdict = judge_output(&output, regex);
    detail.append(&mut verdict.detail);
    verdict.detail = detail;
    verdict
}

/// Judges a command's output by `regex` (multi-line mode: `^` and `$` match at each line).
pub fn judge_output(output: &str, regex: Option<&str>) -> CheckResult {
    let Some(pattern) = regex else {
        return CheckResult {
            passed: true,
            ..CheckResult::default()
        };
    };
    match regex::RegexBuilder::new(pattern).multi_line(true).build() {
        Err(e) => CheckResult::fail(format!("invalid regex '{pattern}': {e}")),
        Ok(re) if re.is_match(output) => {
            CheckResult::pass(format!("the output matches '{pattern}'"))
        }
        Ok(_) => CheckResult::fail(format!("the output does not match '{pattern}'")),
    }
}

/// `1.4 GB`, `512 KB`, `17 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
pub fn human_duration(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => match (s / 3600, s % 3600 / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        s => match (s / 86_400, s % 86_400 / 3600) {
            (d, 0) => format!("{d} d"),
            (d, h) => format!("{d} d {h} h"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_naturally() {
        assert_eq!(human_duration(45), "45 s");
        assert_eq!(human_duration(12 * 60 + 5), "12 min");
        assert_eq!(human_duration(3600 * 3 + 20 * 60), "3 h 20 min");
        assert_eq!(human_duration(86_400), "1 d");
        assert_eq!(human_duration(86_400 * 2 + 3600 * 4), "2 d 4 h");
        assert_eq!(human_size(17), "17 bytes");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn utf16_xml_with_a_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<a/>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(bytes).unwrap(), "<a/>");
        assert_eq!(decode_text(b"\xEF\xBB\xBF<b/>".to_vec()).unwrap(), "<b/>");
        assert!(decode_text(vec![0xC3, 0x28]).is_err());
    }

    #[test]
    fn output_is_judged_line_by_line() {
        let out = "Processed 100 pages\nBACKUP DATABASE successfully processed\n";
        assert!(judge_output(out, Some("^BACKUP DATABASE successfully")).passed);
        let bad = judge_output(out, Some("^RESTORE"));
        assert!(!bad.passed);
        assert_eq!(bad.detail, ["the output does not match '^RESTORE'"]);
        assert!(!judge_output(out, Some("(")).passed);
        assert!(judge_output(out, None).passed);
    }

    #[test]
    fn a_report_maps_the_verdict() {
        let warned = CheckResult::pass("found".into()).warn("old".into());
        let r = check_report(&warned, 5);
        assert_eq!(r.outcome, Some(Outcome::Succeeded));
        assert_eq!(r.exit_code, Some(0));
        assert_eq!(r.tail, ["found", "warning: old"]);
        assert_eq!(r.message.as_deref(), Some("old"));
        let failed = check_report(&CheckResult::fail("missing".into()), 5);
        assert_eq!(
            (failed.outcome, failed.exit_code),
            (Some(Outcome::Failed), Some(1))
        );
        assert_eq!(failed.message.as_deref(), Some("missing"));
    }
}
