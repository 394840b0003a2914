//! The real binary in a pseudo-terminal (portable-pty + vt100), with `LIFELINE_HOME` in a
//! temporary directory: `lifeline new <wizard-path> --drill` opens the screens, `lifeline`
//! opens home, `lifeline resume <id>` opens the session; quitting, Ctrl-C and SIGTERM leave
//! the terminal restored and the session resumable.
//!

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ui/pty-simple.toml")
}

/// The binary on a 80x24 pseudo-terminal (the shared one of tests/support), keys typed one
/// at a time as a person types.
struct Pty(support::pty::Pty);

impl Pty {
    fn spawn(home: &Path, args: &[&str]) -> Pty {
        Pty(support::pty::Pty::spawn(
            args,
            &[("LIFELINE_HOME", home)],
            (80, 24),
        ))
    }

    fn wait_for(&self, text: &str) -> String {
        self.0.wait_for(text)
    }

    fn send(&mut self, bytes: &str) {
        self.0.send(bytes);
        std::thread::sleep(Duration::from_millis(100));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        self.0.wait_exit()
    }

    fn left_alternate_screen(&self) -> bool {
        // Give the reader thread a moment to take the last bytes.
        std::thread::sleep(Duration::from_millis(200));
        !self.0.alternate_screen()
    }
}

/// Quits through the prompt and returns the session id it names.
fn quit_and_read_id(pty: &mut Pty) -> String {
    pty.send("q");
    // The prompt may wrap the command before the session id.
    let screen = pty.wait_for("lifeline resume");
    let id = regex::Regex::new(r"lifeline resume[\s│]+([0-9][^\s│]*)")
        .unwrap()
        .captures(&screen)
        .expect("the quit prompt names the session")[1]
        .to_string();
    pty.send("y");
    assert!(pty.wait_exit().success());
    assert!(pty.left_alternate_screen(), "the terminal was not restored");
    id
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: its pseudo console shows the screens no output"
)]
fn new_drill_runs_to_the_end_from_the_keyboard() {
    let home = tempfile::tempdir().unwrap();
    let path = fixture();
    let mut pty = Pty::spawn(home.path(), &["new", path.to_str().unwrap(), "--drill"]);
    pty.wait_for("DRILL — nothing is executed");
    pty.wait_for("Before you start");
    pty.send("\r");
    pty.wait_for("Which topology did the lost pool have?");
    pty.send("\r");
    answer_form_then_finish(&mut pty);
}

/// From the form on: an invalid FQDN is refused inline, a valid one accepted, the command
/// runs, the checklist is ticked, and the session ends.
fn answer_form_then_finish(pty: &mut Pty) {
    pty.wait_for("Standard Edition server");
    for c in "se01 local".chars() {
        pty.send(&c.to_string());
    }
    pty.send("\r");
    pty.wait_for("is not a fully qualified domain name");
    for _ in 0.."se01 local".len() {
        pty.send("\u{7f}");
    }
    for c in "se01.contoso.com".chars() {
        pty.send(&c.to_string());
    }
    pty.send("\r");
    pty.wait_for("Restore the RTC database");
    pty.send("r");
    pty.wait_for("RESTORE DATABASE successfully processed 1842 pages");
    pty.send("\r");
    pty.wait_for("Validate the service");
    pty.send(" ");
    pty.send("\r");
    pty.wait_for("Every step is resolved.");
    pty.send("\r");
    pty.wait_for("lifeline report ");
    pty.wait_for("Drill score");
    pty.send("\r");
    assert!(pty.wait_exit().success());
    assert!(pty.left_alternate_screen());
}

#[test]
#[cfg_attr(
    windows,
    ignore = "not under Wine: its pseudo console shows the screens no output"
)]
fn home_lists_the_unfinished_session_and_resume_lands_on_the_same_step() {
    let home = tempfile::tempdir().unwrap();
    let path = fixture();
    let mut first = Pty::spawn(home.path(), &["new", path.to_str().unwrap(), "--drill"]);
    first.wait_for("Before you start");
    first.send("\r");
    first.wait_for("Which topology did the lost pool have?");
    let id = quit_and_read_id(&mut first);

    // Home: unfinished sessions first; Enter resumes the one under the cursor.
    let mut home_screen = Pty::spawn(home.path(), &[]);
    home_screen.wait_for("Unfinished sessions");
    home_screen.wait_for(&id);
    home_screen.wait_for("Start a drill");
    home_screen.send("\r");
    home_screen.wait_for("Which topology did the lost pool have?");
    quit_and_read_id(&mut home_screen);

    // By id.
    let mut resumed = Pty::spawn(home.path(), &["resume", &id]);
    resumed.wait_for("DRILL — nothing is executed");
    resumed.wait_for("Which topology did the lost pool have?");
    assert_eq!(quit_and_read_id(&mut resumed), id);

    // Started again from home, and finished.
    let mut last = Pty::spawn(home.path(), &[]);
    last.wait_for(&id);
    last.send("\r");
    last.wait_for("Which topology did the lost pool have?");
    last.send("\r");
    answer_form_then_finish(&mut last);
}

#[test]
#[cfg_attr(windows, ignore = "not under Wine: SIGTERM to the UI is Unix only")]
fn ctrl_c_and_sigterm_restore_the_terminal_and_keep_the_session() {
    let home = tempfile::tempdir().unwrap();
    let path = fixture();
    let mut pty = Pty::spawn(home.path(), &["new", path.to_str().unwrap(), "--drill"]);
    pty.wait_for("Before you start");
    pty.send("\r");
    pty.wait_for("Which topology did the lost pool have?");
    pty.send("\u{3}"); // Ctrl-C
    pty.wait_exit();
    assert!(
        pty.left_alternate_screen(),
        "Ctrl-C left the terminal in the alternate screen"
    );

    let mut again = Pty::spawn(home.path(), &[]);
    again.wait_for("Unfinished sessions");
    again.send("\r");
    again.wait_for("Which topology did the lost pool have?");
    let pid = again.0.child.process_id().expect("a pid");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    again.wait_exit();
    assert!(
        again.left_alternate_screen(),
        "SIGTERM left the terminal in the alternate screen"
    );

    // The decision made before Ctrl-C is still there.
    let mut last = Pty::spawn(home.path(), &[]);
    last.wait_for("Unfinished sessions");
    last.send("\r");
    last.wait_for("Which topology did the lost pool have?");
    quit_and_read_id(&mut last);
}
