//! `lifeline sandbox DIR`, end to end, as a newcomer on Linux would use it: make the
//! sandbox, source the environment it printed (`env.sh`), and do a real (not drill),
//! headless run of the whole recovery on it. Bad input gives one line, exit 2 and leaves
//! nothing behind.
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output};

/// The binary with a clean environment of its own (no LIFELINE_* of the machine running
/// the tests), in `cwd`; its logs go to a home outside `cwd`.
fn lifeline(cwd: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lifeline"));
    cmd.current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LIFELINE_HOME", home);
    cmd
}

/// A lifeline home as lifeline makes one (owner-only), so no warning joins stderr.
fn private_home() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp home");
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).expect("mode");
    home
}

fn stderr_line(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line on stderr, got: {err:?}"
    );
    err
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_sandbox_carries_a_real_run_of_the_whole_recovery_to_its_end() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = private_home();
    let out = lifeline(tmp.path(), home.path())
        .args(["sandbox", "practice"])
        .output()
        .expect("run sandbox");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tmp.path().join("practice");
    assert!(
        text.contains(&format!(
            "export LIFELINE_WINDOWS_ROOT='{}/windows'",
            dir.display()
        )),
        "{text}"
    );
    assert!(
        dir.join("windows/bkp01.contoso.com/ocsbackup/settings/fe01-machine.xml")
            .is_file()
    );
    // Nothing else beside it: the build folder was renamed into place.
    assert_eq!(listing(tmp.path()), ["practice"]);

    // The run command it printed, after `. env.sh`, with nothing else set up.
    let run_line = text
        .lines()
        .map(str::trim)
        .find(|l| l.contains(" run restore-service "))
        .expect("a run command is printed");
    // As printed (it names this very binary by its full path: it is not on PATH here).
    let script = format!(". {}/env.sh && {run_line}", dir.display());
    let out = Command::new("sh")
        .current_dir(tmp.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LIFELINE_HOME", home.path())
        .args(["-c", &script])
        .output()
        .expect("run the shell");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().any(|l| l.ends_with(" finished")),
        "exit {:?}\nstderr: {}\nstdout: {stdout}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(real run)"), "{stdout}");
    // The stubs were the tools: the front-end's settings came back from its own export.
    let calls = std::fs::read_to_string(dir.join("calls.log")).expect("calls.log");
    assert!(
        calls.lines().any(
            |l| l.starts_with("lcscmd /config /action:import /level:machine")
                && l.contains(r"fe01-machine.xml")
                && l.contains("/fqdn:fe01.contoso.com")
        ),
        "{calls}"
    );
    // The session lives in the sandbox's own home.
    assert_eq!(listing(&dir.join("home/sessions")).len(), 1);
}

#[test]
fn a_folder_that_is_not_empty_is_refused_and_left_as_it_was() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = private_home();
    let dir = tmp.path().join("mine");
    std::fs::create_dir(&dir).expect("dir");
    std::fs::write(dir.join("notes.txt"), "keep me").expect("file");
    let out = lifeline(tmp.path(), home.path())
        .args(["sandbox", "mine"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let line = stderr_line(&out);
    assert!(line.contains("'mine' exists and is not empty"), "{line}");
    assert_eq!(listing(&dir), ["notes.txt"]);
    assert_eq!(listing(tmp.path()), ["mine"]);
}

#[test]
fn a_folder_that_cannot_be_made_is_one_line_and_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = private_home();
    std::fs::write(tmp.path().join("file"), "x").expect("file");
    // Under a file: no folder can be made there, whoever runs the test.
    let out = lifeline(tmp.path(), home.path())
        .args(["sandbox", "file/sb"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let line = stderr_line(&out);
    assert!(line.starts_with("lifeline: cannot "), "{line}");
    // A file where the folder should be.
    let out = lifeline(tmp.path(), home.path())
        .args(["sandbox", "file"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_line(&out).contains("'file' exists and is not a folder"));
    assert_eq!(listing(tmp.path()), ["file"]);

    // A folder the user may not write (root may write anywhere: then there is nothing to test).
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let locked = tmp.path().join("locked");
        std::fs::create_dir(&locked).expect("dir");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("mode");
        let out = lifeline(tmp.path(), home.path())
            .args(["sandbox", "locked/sb"])
            .output()
            .expect("run");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("mode");
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr_line(&out).contains("cannot create the sandbox in"));
        assert!(listing(&locked).is_empty());
    }
}

#[test]
fn without_a_stand_in_the_first_failing_check_says_what_to_do_next() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = private_home();
    let out = lifeline(tmp.path(), home.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "restore-service",
            "--inventory",
            "assets/inventory.example.toml",
            "--answers",
            "assets/answers/drill-front-end.toml",
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(r"'\\bkp01.contoso.com\ocsbackup\settings' does not exist; this console is not Windows: set LIFELINE_WINDOWS_ROOT")
            && err.contains("'lifeline sandbox DIR'"),
        "{err}"
    );
}
