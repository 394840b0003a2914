//! Storage faults through the real binary: a session folder made read-only (before a resume,
//! and under a running step), deleted under a running step, a damaged last newline, and a
//! full disk (a small tmpfs, where the machine lets a test mount one). Every time: a clear
//! one-line error, no panic, and nothing already journaled lost.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use support::{Sandbox, fixture};

fn only_session(sb: &Sandbox) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(sb.home().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn id_of(dir: &Path) -> String {
    dir.file_name().unwrap().to_str().unwrap().to_string()
}

/// stderr is exactly one `lifeline: ...` line (warnings aside), and nothing panicked.
fn one_error_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("lifeline: warning:"))
        .collect();
    assert_eq!(errors.len(), 1, "expected one error line: {stderr}");
    assert!(errors[0].starts_with("lifeline: "), "{stderr}");
    errors[0].to_string()
}

fn journal_records(dir: &Path) -> Vec<lifeline::session::Record> {
    lifeline::journal::read_journal(&lifeline::journal::journal_path(dir))
        .unwrap()
        .records
}

/// Makes a folder and everything in it read-only for this process, undone on drop. As an
/// ordinary user permissions do it; root ignores them, so then the immutable attribute
/// (`chattr +i`) is used. `None` when neither works here.
struct ReadOnly {
    dir: PathBuf,
    chattr: bool,
}

impl ReadOnly {
    fn make(dir: &Path) -> Option<ReadOnly> {
        set_modes(dir, true);
        let mut guard = ReadOnly {
            dir: dir.to_path_buf(),
            chattr: false,
        };
        if refuses_writes(dir) {
            return Some(guard);
        }
        let ok = std::process::Command::new("chattr")
            .args(["-R", "+i"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        guard.chattr = ok;
        if ok && refuses_writes(dir) {
            return Some(guard);
        }
        None
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.chattr {
            let _ = std::process::Command::new("chattr")
                .args(["-R", "-i"])
                .arg(&self.dir)
                .output();
        }
        set_modes(&self.dir, false);
    }
}

fn refuses_writes(dir: &Path) -> bool {
    let probe = dir.join(".write-probe");
    match std::fs::write(&probe, b"x") {
        Ok(()) => {
            let _ = std::fs::remove_file(probe);
            false
        }
        Err(_) => true,
    }
}

#[cfg(not(unix))]
fn set_modes(_dir: &Path, _read_only: bool) {}

#[cfg(unix)]
fn set_modes(dir: &Path, read_only: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mut paths = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir()
            && let Ok(entries) = std::fs::read_dir(&p)
        {
            stack.extend(entries.filter_map(Result::ok).map(|e| e.path()));
        }
        paths.push(p);
    }
    for p in paths {
        let mode = match (p.is_dir(), read_only) {
            (true, true) => 0o500,
            (true, false) => 0o700,
            (false, true) => 0o400,
            (false, false) => 0o600,
        };
        let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode));
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: read-only folders are POSIX modes here (on Windows, ACLs)"
)]
fn a_read_only_session_folder_is_refused_in_one_line_and_left_as_it_was() {
    let sb = Sandbox::new();
    sb.stub("lcscmd");
    let answers = sb.write("answers.toml", "[answers]\n");
    let out = sb
        .lifeline()
        .env("STUB_EXIT", "4")
        .args([
            "run",
            fixture("e2e/sleepy.toml").to_str().unwrap(),
            "--answers",
        ])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let dir = only_session(&sb);
    let before = std::fs::read(lifeline::journal::journal_path(&dir)).unwrap();
    {
        let Some(_guard) = ReadOnly::make(&dir) else {
            println!("skipped: this machine cannot make a folder read-only for this user");
            return;
        };
        let out = sb
            .lifeline()
            .args(["resume", &id_of(&dir), "--answers"])
            .arg(&answers)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let line = one_error_line(&out);
        assert!(line.contains(&dir.display().to_string()), "{line}");
        assert!(
            line.contains("denied") || line.contains("not permitted"),
            "{line}"
        );
        // A read-only viewer still sees it.
        let out = sb.lifeline().args(["sessions", "--json"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(list[0]["state"], "failed", "{list}");
    }
    assert_eq!(
        std::fs::read(lifeline::journal::journal_path(&dir)).unwrap(),
        before
    );
    // Writable again: the resume retries the failed step and finishes.
    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: read-only folders are POSIX modes here (on Windows, ACLs)"
)]
fn a_session_folder_made_read_only_under_a_running_step_stops_lifeline_in_one_line() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (child, dir) = sb.start_slow_run(&answers, 1);
    let before = journal_records(&dir);
    let out = {
        let Some(_guard) = ReadOnly::make(&dir) else {
            let _ = child.wait_with_output();
            println!("skipped: this machine cannot make a folder read-only for this user");
            return;
        };
        child.wait_with_output().unwrap()
    };
    // The step's status could not be written: lifeline either cannot journal that (exit 1)
    // or journals the step as interrupted and asks what to do (exit 3).
    let line = one_error_line(&out);
    assert!(matches!(out.status.code(), Some(1) | Some(3)), "{line}");
    let after = journal_records(&dir);
    assert_eq!(
        after[..before.len()],
        before[..],
        "journaled records were lost"
    );
    // Writable again: the operator reruns the slow step; the first one never runs again.
    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .args(["--interrupted", "rerun"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let firsts = sb
        .invocations()
        .iter()
        .filter(|l| l.starts_with("lcscmd first"))
        .count();
    assert_eq!(firsts, 1, "{:?}", sb.invocations());
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: a folder holding an open journal cannot be removed on Windows"
)]
fn a_session_folder_deleted_under_a_running_step_stops_lifeline_in_one_line() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (child, dir) = sb.start_slow_run(&answers, 1);
    std::fs::remove_dir_all(&dir).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = one_error_line(&out);
    assert!(line.contains("was deleted while the session ran"), "{line}");
    assert!(
        !dir.exists(),
        "nothing was recreated behind the operator's back"
    );
    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_error_line(&out).contains("unknown session"));
}

#[test]
fn a_damaged_last_newline_is_repaired_with_a_warning_and_the_session_goes_on() {
    let sb = Sandbox::new();
    sb.stub("lcscmd");
    let answers = sb.write("answers.toml", "[answers]\n");
    let out = sb
        .lifeline()
        .env("STUB_EXIT", "4")
        .args([
            "run",
            fixture("e2e/sleepy.toml").to_str().unwrap(),
            "--answers",
        ])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let dir = only_session(&sb);
    let path = lifeline::journal::journal_path(&dir);
    let records = journal_records(&dir);
    let mut bytes = std::fs::read(&path).unwrap();
    *bytes.last_mut().unwrap() = b'#';
    std::fs::write(&path, &bytes).unwrap();
    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("1 byte(s)"), "{stderr}");
    assert_eq!(journal_records(&dir)[..records.len()], records[..]);
    assert_eq!(
        std::fs::read(dir.join(format!("journal.torn-{}", bytes.len() - 1))).unwrap(),
        b"#"
    );
}

/// `unshare` arguments that give a private mount namespace here (root: `-m`; an ordinary user
/// with user namespaces: `-rm`), or `None`.
fn mount_namespace() -> Option<&'static [&'static str]> {
    [&["-m"][..], &["-r", "-m"][..]].into_iter().find(|args| {
        std::process::Command::new("unshare")
            .args(*args)
            .args(["sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=64k tmpfs /tmp"])
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The whole scenario runs inside a private mount namespace, where the lifeline home is a
/// 256 KiB tmpfs: a run whose slow step is running when the disk fills up, a resume while it
/// is still full, and a resume once space is freed. Each journal is copied out after each.
const FULL_DISK_SCRIPT: &str = r#"
set -u
mount -t tmpfs -o size=256k tmpfs "$LIFELINE_HOME" || exit 99
round() {
    "$LIFELINE" "$@" > "$OUT/$NAME.out" 2> "$OUT/$NAME.err"
    echo "$NAME=$?" >> "$OUT/codes"
    cp "$LIFELINE_HOME"/sessions/*/journal.jsonl "$OUT/$NAME.journal" 2>/dev/null
}
NAME=run round run "$WIZARD" --answers "$ANSWERS" &
i=0
until grep -q "lcscmd slow" "$OUT/invocations.log" 2>/dev/null; do
    sleep 0.02; i=$((i+1)); [ $i -gt 1000 ] && break
done
dd if=/dev/zero of="$LIFELINE_HOME/fill" bs=4096 2>/dev/null
wait
ID=$(ls "$LIFELINE_HOME/sessions")
NAME=full round resume "$ID" --answers "$ANSWERS" --interrupted rerun
rm -f "$LIFELINE_HOME/fill"
NAME=freed round resume "$ID" --answers "$ANSWERS" --interrupted rerun
"#;

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: a full disk needs a small private tmpfs (Linux mount namespaces)"
)]
fn a_full_disk_under_a_running_session_is_said_in_one_line_and_loses_nothing() {
    let Some(unshare) = mount_namespace() else {
        println!("skipped: no private mount namespace here (unshare -m / -rm) for a small tmpfs");
        return;
    };
    let sb = Sandbox::new();
    sb.stub("lcscmd");
    sb.arm_sleep_once("slow");
    let answers = sb.write("answers.toml", "[answers]\n");
    let script = sb.write("full-disk.sh", FULL_DISK_SCRIPT);
    let out = sb
        .lifeline()
        .get_envs()
        .fold(std::process::Command::new("unshare"), |mut cmd, (k, v)| {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
            cmd
        })
        .args(unshare)
        .arg("sh")
        .arg(&script)
        .env("STUB_SLEEP", "1")
        .env("LIFELINE", env!("CARGO_BIN_EXE_lifeline"))
        .env("WIZARD", fixture("e2e/sleepy.toml"))
        .env("ANSWERS", &answers)
        .env("OUT", sb.root.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(sb.root.path().join(name)).unwrap_or_default();
    let codes = read("codes");
    let code = |name: &str| -> i32 {
        codes
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no exit code for {name}: {codes}"))
    };
    let error_line = |name: &str| -> String {
        let stderr = read(&format!("{name}.err"));
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.contains("warning:")).collect();
        assert_eq!(lines.len(), 1, "{name}: {stderr}");
        lines[0].to_string()
    };
    // The slow step's status (or the journal record after it) could not be written.
    let run = error_line("run");
    assert!(matches!(code("run"), 1 | 3), "{codes} {run}");
    assert!(
        run.contains("No space left on device") || run.contains("is the disk full"),
        "{run}"
    );
    // Still full: the rerun cannot even hand the step to a supervisor, and says so.
    let full = error_line("full");
    assert!(matches!(code("full"), 1..=3), "{codes} {full}");
    assert!(full.contains("No space left on device"), "{full}");
    println!("full disk, run (exit {}): {run}", code("run"));
    println!("full disk, resume (exit {}): {full}", code("full"));
    // Space freed: the session finishes, and the first step never ran again.
    assert_eq!(code("freed"), 0, "{}", read("freed.err"));
    let records = |name: &str| {
        lifeline::journal::parse_journal(Path::new(name), read(name).as_bytes())
            .unwrap()
            .records
    };
    let (a, b, c) = (
        records("run.journal"),
        records("full.journal"),
        records("freed.journal"),
    );
    assert!(
        b.starts_with(&a) && c.starts_with(&b),
        "a journaled record was lost"
    );
    assert!(matches!(
        c.last().map(|r| &r.event),
        Some(lifeline::session::Event::SessionFinished {})
    ));
    let firsts = sb
        .invocations()
        .iter()
        .filter(|l| l.starts_with("lcscmd first"))
        .count();
    assert_eq!(firsts, 1, "{:?}", sb.invocations());
}
