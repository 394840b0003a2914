//! The real binary in a pseudo-terminal (portable-pty + vt100), with `LIFELINE_HOME` in a
//! temporary directory: `lifeline new <wizard-path> --drill` opens the screens, `lifeline`
//! opens home, `lifeline resume <id>` opens the session; quitting, Ctrl-C and SIGTERM leave
//! the terminal restored and the session resumable.
//!

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const WAIT: Duration = Duration::from_secs(15);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ui/pty-simple.toml")
}

/// The binary on a 80x24 pseudo-terminal, its screen parsed by vt100.
struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Pty {
    fn spawn(home: &Path, args: &[&str]) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lifeline"));
        cmd.args(args);
        cmd.env("LIFELINE_HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        let child = pty.slave.spawn_command(cmd).expect("lifeline starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            child,
            writer,
            screen,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let contents = self.contents();
            if contents.contains(text) {
                return contents;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {text:?}; screen:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // One key at a time, as a person types.
        std::thread::sleep(Duration::from_millis(100));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < WAIT,
                "lifeline did not exit; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn left_alternate_screen(&self) -> bool {
        // Give the reader thread a moment to take the last bytes.
        std::thread::sleep(Duration::from_millis(200));
        !self.screen.lock().unwrap().screen().alternate_screen()
    }
}

/// Quits through the prompt and returns the session id it names.
fn quit_and_read_id(pty: &mut Pty) -> String {
    pty.send("q");
    let screen = pty.wait_for("lifeline resume ");
    let id = regex::Regex::new(r"lifeline resume (\S+)")
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
    let pid = again.child.process_id().expect("a pid");
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
