//! One driver per session, with the real binary: a second driver is refused with the holder's
//! user, host, pid and since (exit 2); a lock left by a killed driver is detected, named in a
//! warning and journaled as `lock-taken-over`; `--take-over NOTE` stops a live holder and
//! journals the note; and the read-only views (`lifeline sessions`, `lifeline report`) work
//! while another drives.

mod support;

use std::path::Path;

use lifeline::session::Event;
use support::Sandbox;

fn id_of(dir: &Path) -> String {
    dir.file_name().unwrap().to_str().unwrap().to_string()
}

fn takeovers(dir: &Path) -> Vec<(u32, String)> {
    lifeline::journal::read_journal(&lifeline::journal::journal_path(dir))
        .unwrap()
        .records
        .into_iter()
        .filter_map(|r| match r.event {
            Event::LockTakenOver { previous, note } => Some((previous.pid, note)),
            _ => None,
        })
        .collect()
}

fn slow_runs(sb: &Sandbox) -> usize {
    sb.invocations()
        .iter()
        .filter(|l| l.starts_with("lcscmd slow"))
        .count()
}

#[test]
fn a_second_driver_is_refused_naming_the_holder_while_a_viewer_still_sees_the_session() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (first, dir) = sb.start_slow_run(&answers, 3);
    let me = lifeline::journal::current_holder();

    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let holder = format!("{}@{} (pid {}) since ", me.user, me.host, first.id());
    assert!(
        stderr.contains(&format!("session '{}' is driven by {holder}", id_of(&dir))),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with('Z'),
        "since is a UTC time: {stderr}"
    );

    // The read-only views work while it is driven, and say who drives it.
    let out = sb.lifeline().args(["sessions", "--json"]).output().unwrap();
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["state"], "in-progress", "{list}");
    assert_eq!(list[0]["current_step"], "slow");
    assert_eq!(list[0]["locked_by"]["pid"], first.id());
    assert_eq!(list[0]["locked_by"]["user"], me.user.as_str());
    let out = sb.lifeline().arg("sessions").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "driven by {}@{} (pid {})",
            me.user,
            me.host,
            first.id()
        )),
        "{text}"
    );
    // So does the report, rendered from the journal without touching the lock.
    let out = sb
        .lifeline()
        .args(["report", &id_of(&dir), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["steps"].is_array(), "{report}");

    // Nothing of the refused driver reached the journal, and the first one finishes.
    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(takeovers(&dir).is_empty());
    assert_eq!(slow_runs(&sb), 1);
}

#[test]
fn a_lock_left_by_a_killed_driver_is_taken_over_with_a_warning_and_journaled() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (mut first, dir) = sb.start_slow_run(&answers, 1);
    let dead = first.id();
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        dir.join(lifeline::journal::HOLDER_FILE).exists(),
        "the dead driver's name stays"
    );

    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let me = lifeline::journal::current_holder();
    assert!(
        stderr.contains(&format!(
            "lifeline: warning: taken over from {}@{} (pid {dead}), which held it since",
            me.user, me.host
        )),
        "{stderr}"
    );
    assert_eq!(
        takeovers(&dir),
        vec![(
            dead,
            "the previous driver ended without releasing the session".to_string()
        )]
    );
    // The slow step outlived its driver and was re-attached, not run again.
    assert_eq!(slow_runs(&sb), 1);
    assert!(
        !dir.join(lifeline::journal::HOLDER_FILE).exists(),
        "released on exit"
    );
}

#[test]
fn take_over_stops_a_live_driver_and_journals_the_note() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (first, dir) = sb.start_slow_run(&answers, 2);
    let holder = first.id();

    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .args(["--take-over", "console 1 froze; carrying on from console 2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&format!("(pid {holder})")), "{stderr}");

    // The holder was asked to stop (SIGTERM; on Windows it is ended), and did.
    let status = first.wait_with_output().unwrap().status;
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGTERM), "{status}");
    }
    #[cfg(windows)]
    assert_eq!(status.code(), Some(1), "{status}");
    assert_eq!(
        takeovers(&dir),
        vec![(
            holder,
            "console 1 froze; carrying on from console 2".to_string()
        )]
    );
    assert_eq!(slow_runs(&sb), 1, "the running step was re-attached");
}

#[test]
fn take_over_of_a_dead_drivers_lock_keeps_the_operators_note() {
    let sb = Sandbox::new();
    let answers = sb.write("answers.toml", "[answers]\n");
    let (mut first, dir) = sb.start_slow_run(&answers, 1);
    let dead = first.id();
    first.kill().unwrap();
    first.wait().unwrap();
    let out = sb
        .lifeline()
        .args(["resume", &id_of(&dir), "--answers"])
        .arg(&answers)
        .args(["--take-over", "the laptop crashed"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        takeovers(&dir),
        vec![(dead, "the laptop crashed".to_string())]
    );
}
