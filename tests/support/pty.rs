//! The real binary on a pseudo-terminal (portable-pty), its screen parsed by vt100.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Pty {
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    rows: u16,
}

/// A test that fails half-way must not leave its lifeline running: the child is ended when
/// the `Pty` goes. It is this test's own child, not yet reaped, so its pid is still its own.
impl Drop for Pty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Pty {
    /// `lifeline ARGS` at `cols` x `rows` with `env` (LIFELINE_HOME and the like).
    pub fn spawn(args: &[&str], env: &[(&str, &Path)], size: (u16, u16)) -> Pty {
        let (cols, rows) = size;
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lifeline"));
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        // Installed, as the README has it: `lifeline` on PATH is this binary, so the commands
        // the screens print read `lifeline resume …` whatever folder the build is in (a long
        // build path would otherwise wrap them differently on every machine).
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_lifeline"))
            .parent()
            .expect("the binary's folder")
            .to_path_buf();
        let mut path = vec![bin_dir];
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        cmd.env("PATH", std::env::join_paths(path).expect("PATH"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env("LIFELINE_DRILL_SPEED", "0");
        cmd.env_remove("LIFELINE_INVENTORY");
        cmd.env_remove("LIFELINE_WIZARDS");
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        let child = pty.slave.spawn_command(cmd).expect("lifeline starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
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
            rows,
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// The last row: the footer with the keys of the screen.
    pub fn footer(&self) -> String {
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        screen
            .rows(0, screen.size().1)
            .nth(usize::from(self.rows) - 1)
            .unwrap_or_default()
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// Waits until `done` holds for the screen; fails naming `what` with the screen.
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let contents = self.contents();
            if done(&contents) {
                return contents;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what:?}; screen:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until the footer satisfies `done`.
    pub fn wait_footer(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let footer = self.footer();
            if done(&footer) {
                return footer;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for a footer with {what:?}; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Sends keys without waiting.
    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
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
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Whether the program is on the terminal's alternate screen (the screens hold it; a
    /// restored terminal is back on the main one).
    pub fn alternate_screen(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }

    pub fn exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }
}
