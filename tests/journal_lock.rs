//! Session locks: one driver at a time (also within one process), who holds it, stale holders,
//! clean release, and taking over from a live process on this host or refusing another host.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lifeline::journal::{
    HOLDER_FILE, LockError, SessionLock, current_holder, is_locked, read_holder, take_over,
};
use lifeline::session::event::LockHolder;
use time::macros::datetime;

fn alice() -> LockHolder {
    LockHolder {
        user: "alice".into(),
        host: "console01".into(),
        pid: 4242,
        since: datetime!(2026-11-22 10:30:00.25 UTC),
    }
}

fn session_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("20261122-103000-restore-service-7f3a");
    std::fs::create_dir(&dir).unwrap();
    (root, dir)
}

#[test]
fn a_second_acquire_in_the_same_process_sees_who_holds_it() {
    let (_root, dir) = session_dir();
    assert!(!is_locked(&dir));
    let lock = SessionLock::acquire(&dir, &alice()).unwrap();
    assert!(lock.stale_previous().is_none());
    assert!(is_locked(&dir));
    assert_eq!(read_holder(&dir), Some(alice()));

    let err = SessionLock::acquire(&dir, &current_holder()).unwrap_err();
    assert!(matches!(&err, LockError::Held { holder, .. } if *holder == alice()));
    assert_eq!(
        err.to_string(),
        "session '20261122-103000-restore-service-7f3a' is driven by alice@console01 \
         (pid 4242) since 2026-11-22T10:30:00Z"
    );
    // Listing does not disturb the holder.
    assert!(is_locked(&dir));
    assert!(SessionLock::acquire(&dir, &current_holder()).is_err());

    drop(lock);
    assert!(
        !dir.join(HOLDER_FILE).exists(),
        "holder.json removed on drop"
    );
    assert!(!is_locked(&dir));
    let again = SessionLock::acquire(&dir, &current_holder()).unwrap();
    assert!(
        again.stale_previous().is_none(),
        "a clean release is not stale"
    );
}

#[test]
fn a_holder_left_behind_by_a_dead_driver_is_reported_as_stale() {
    let (_root, dir) = session_dir();
    std::fs::write(dir.join(HOLDER_FILE), serde_json::to_vec(&alice()).unwrap()).unwrap();
    assert!(!is_locked(&dir), "a file alone is not a lock");
    let me = current_holder();
    let lock = SessionLock::acquire(&dir, &me).unwrap();
    assert_eq!(lock.stale_previous(), Some(&alice()));
    assert_eq!(lock.holder(), &me);
    assert_eq!(read_holder(&dir), Some(me));
}

#[test]
fn is_locked_never_creates_the_lock_file() {
    let (_root, dir) = session_dir();
    assert!(!is_locked(&dir));
    assert!(!dir.join("lock").exists());
    assert_eq!(read_holder(&dir), None);
}

#[test]
fn take_over_refuses_a_holder_on_another_host() {
    let (_root, dir) = session_dir();
    let elsewhere = LockHolder {
        host: "console02.contoso.local".into(),
        ..alice()
    };
    let _held = SessionLock::acquire(&dir, &elsewhere).unwrap();
    let me = LockHolder {
        host: "console01".into(),
        ..current_holder()
    };
    let err = take_over(&dir, &me, Duration::from_millis(100)).unwrap_err();
    assert!(matches!(err, LockError::OtherHost { .. }), "{err}");
    assert!(err.to_string().contains("another host"), "{err}");
}

#[test]
fn take_over_refuses_to_stop_its_own_process() {
    let (_root, dir) = session_dir();
    let me = current_holder();
    let _held = SessionLock::acquire(&dir, &me).unwrap();
    let err = take_over(&dir, &me, Duration::from_millis(100)).unwrap_err();
    assert!(matches!(err, LockError::ThisProcess { .. }), "{err}");
}

#[test]
fn take_over_of_a_free_session_just_acquires_it() {
    let (_root, dir) = session_dir();
    let lock = take_over(&dir, &current_holder(), Duration::from_millis(100)).unwrap();
    assert!(lock.stale_previous().is_none());
    assert!(is_locked(&dir));
}

/// Kills the child if the test fails before it does.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Not a test on its own: the body of the child process `take_over_stops_a_live_holder...`
/// starts. It takes the lock and waits to be stopped.
#[test]
#[ignore = "helper process for take_over_stops_a_live_holder_on_this_host"]
fn lock_holder_child() {
    let Some(dir) = std::env::var_os("LIFELINE_TEST_LOCK_DIR") else {
        return;
    };
    let _lock = SessionLock::acquire(Path::new(&dir), &current_holder()).unwrap();
    std::thread::sleep(Duration::from_secs(30));
}

#[test]
fn take_over_stops_a_live_holder_on_this_host() {
    let (_root, dir) = session_dir();
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "lock_holder_child",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env("LIFELINE_TEST_LOCK_DIR", &dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let child_pid = child.id();
    let mut child = ChildGuard(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while read_holder(&dir).map(|h| h.pid) != Some(child_pid) {
        assert!(Instant::now() < deadline, "child never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    let err = SessionLock::acquire(&dir, &current_holder()).unwrap_err();
    assert!(matches!(&err, LockError::Held { holder, .. } if holder.pid == child_pid));

    let me = current_holder();
    let lock = take_over(&dir, &me, Duration::from_secs(10)).unwrap();
    let previous = lock.stale_previous().unwrap();
    assert_eq!(previous.pid, child_pid);
    assert_eq!(read_holder(&dir), Some(me));
    let status = child.0.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(15), "stopped by SIGTERM: {status:?}");
    }
    // Windows has no SIGTERM for a console program: the holder is ended (exit code 1).
    #[cfg(windows)]
    assert_eq!(status.code(), Some(1), "ended: {status:?}");
}

#[cfg(unix)]
#[test]
fn lock_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_root, dir) = session_dir();
    let _lock = SessionLock::acquire(&dir, &alice()).unwrap();
    for name in ["lock", HOLDER_FILE] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
}
