//! Step output echoed to stdout by headless runs. A terminal gets every line at once; a file
//! or a pipe gets it in blocks (as C's stdio does), flushed at least every 100 ms while lines
//! arrive and whenever the drive stops. Writing each line with its own system call made a run
//! printing 200 MB take three times as long as the command itself.

use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::time::Duration;
#[cfg(not(target_os = "linux"))]
use std::time::Instant;

const EVERY: Duration = Duration::from_millis(100);

/// A clock cheap enough to read for every line (a run can echo millions of them): on Linux
/// the coarse monotonic clock, a few milliseconds fine, read without a hardware counter.
#[cfg(target_os = "linux")]
fn now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given; the clock always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) };
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

#[cfg(not(target_os = "linux"))]
fn now() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Where a headless run's lines go.
pub struct Echo {
    out: BufWriter<Stdout>,
    terminal: bool,
    /// When the output was last flushed, by [`now`].
    flushed: Duration,
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
            flushed: now(),
        }
    }

    /// One line. A failed write (a closed pipe) is dropped: the step goes on and is
    /// journaled either way; its output is in the session directory.
    pub fn line(&mut self, text: std::fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(text);
        let _ = self.out.write_all(b"\n");
        if self.terminal || now().saturating_sub(self.flushed) >= EVERY {
            self.flush();
        }
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
        self.flushed = now();
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        self.flush();
    }
}
