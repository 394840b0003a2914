//! Step output echoed to stdout by headless runs. A terminal gets every line at once; a file
//! or a pipe gets it in blocks (as C's stdio does), flushed at least every 100 ms while lines
//! arrive and whenever the drive stops. Writing each line with its own system call made a run
//! printing 200 MB take three times as long as the command itself.

use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(100);

/// Where a headless run's lines go.
pub struct Echo {
    out: BufWriter<Stdout>,
    terminal: bool,
    flushed: Instant,
}

impl Default for Echo {
    fn default() -> Self {
        Echo::new()
    }
}

impl Echo {
    pub fn new() -> Echo {
        let stdout = std::io::stdout();
        Echo {
            terminal: stdout.is_terminal(),
            out: BufWriter::with_capacity(64 * 1024, stdout),
            flushed: Instant::now(),
        }
    }

    /// One line. A failed write (a closed pipe) is dropped: the step goes on and is
    /// journaled either way; its output is in the session directory.
    pub fn line(&mut self, text: std::fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(text);
        let _ = self.out.write_all(b"\n");
        if self.terminal || self.flushed.elapsed() >= EVERY {
            self.flush();
        }
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
        self.flushed = Instant::now();
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        self.flush();
    }
}
