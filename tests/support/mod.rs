//! Helpers for tests that run the real binary: a private LIFELINE_HOME, stub programs on PATH.

#![allow(dead_code)]

pub mod dns;
pub mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A sandbox: temp home, a bin dir of stubs first on PATH, a log of every stub invocation.
pub struct Sandbox {
    pub root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self::in_dir(tempfile::tempdir().expect("temp dir"))
    }

    /// A sandbox in memory when the system has `/dev/shm`: every journal event is fsynced,
    /// and a drill of a whole recovery journals hundreds of them.
    pub fn in_memory() -> Self {
        let shm = Path::new("/dev/shm");
        let root = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap_or_else(|_| tempfile::tempdir().expect("temp dir"))
        } else {
            tempfile::tempdir().expect("temp dir")
        };
        Self::in_dir(root)
    }

    fn in_dir(root: tempfile::TempDir) -> Self {
        for dir in ["bin", "home", "windows"] {
            std::fs::create_dir_all(root.path().join(dir)).expect("sandbox dir");
        }
        // Owner-only, as lifeline makes its home: a looser one is repaired with a warning.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                root.path().join("home"),
                std::fs::Permissions::from_mode(0o700),
            )
            .expect("home mode");
        }
        Sandbox { root }
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn log(&self) -> PathBuf {
        self.root.path().join("invocations.log")
    }

    /// Installs the logging stub (`lifeline-test-stub`, see tests/stubs/stub.rs) as `name`:
    /// it appends `name argv...` to the log (one line per run, the arguments separated by
    /// single spaces), prints what `stub_prints` gave it, sleeps `$STUB_SLEEP` seconds
    /// (default 30) when its first argument is the one armed by `arm_sleep_once` (once), and
    /// exits with `$STUB_EXIT` (default 0).
    pub fn stub(&self, name: &str) {
        install_stub(&self.root.path().join("bin"), name);
    }

    /// A logging stub (see `stub`) that also prints `output` on every run: what the checks
    /// that read a program's output (`sc query`, `sqlcmd` status queries) look for.
    pub fn stub_prints(&self, name: &str, output: &str) {
        std::fs::write(self.stub_output(name), output).expect("write stub output");
        self.stub(name);
    }

    /// Starts a DNS server on 127.0.0.1 with these SRV records; every lifeline this sandbox
    /// starts afterwards asks it (`LIFELINE_DNS_SERVER`) instead of the system's DNS.
    pub fn dns(&self, records: &[dns::SrvRecord]) {
        let server = dns::TestDns::start(records, &[]);
        std::fs::write(self.root.path().join("dns-server"), server.addr.to_string())
            .expect("write the DNS server address");
    }

    fn stub_output(&self, name: &str) -> PathBuf {
        self.root.path().join(format!("{name}.out"))
    }

    /// The folder standing in for Windows paths (`LIFELINE_WINDOWS_ROOT`).
    pub fn windows_root(&self) -> PathBuf {
        self.root.path().join("windows")
    }

    /// Where a Windows path (`\\host\share\dir`, `D:\dir`) lives in this sandbox.
    pub fn windows_path(&self, path: &str) -> PathBuf {
        lifeline::exec::winpath::map_windows_path(path, &self.windows_root())
            .unwrap_or_else(|| panic!("not a Windows path: {path}"))
    }

    /// Creates a folder at a Windows path (and its parents).
    pub fn windows_dir(&self, path: &str) {
        std::fs::create_dir_all(self.windows_path(path)).expect("windows dir");
    }

    /// Creates a file at a Windows path (and its folder).
    pub fn windows_file(&self, path: &str, text: &str) {
        let local = self.windows_path(path);
        if let Some(dir) = local.parent() {
            std::fs::create_dir_all(dir).expect("windows dir");
        }
        std::fs::write(local, text).expect("windows file");
    }

    pub fn arm_sleep_once(&self, first_arg: &str) {
        std::fs::write(self.root.path().join("sleep-once"), first_arg).expect("arm");
    }

    pub fn invocations(&self) -> Vec<String> {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.root.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// The real binary with this sandbox's environment.
    pub fn lifeline(&self) -> Command {
        let mut cmd = Command::new(lifeline_bin());
        let mut dirs = vec![self.root.path().join("bin")];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        let path = std::env::join_paths(dirs).expect("PATH");
        cmd.env("LIFELINE_HOME", self.home())
            .env("LIFELINE_WINDOWS_ROOT", self.windows_root())
            .env("PATH", path)
            .env("LIFELINE_DRILL_SPEED", "0")
            .env_remove("LIFELINE_WIZARDS");
        match std::fs::read_to_string(self.root.path().join("dns-server")) {
            Ok(addr) => cmd.env("LIFELINE_DNS_SERVER", addr),
            Err(_) => cmd.env_remove("LIFELINE_DNS_SERVER"),
        };
        cmd
    }
}

/// Installs the tests' stub program as `dir/name` (`name.exe` on Windows): a hard link, or a
/// copy where links cannot be made. What it does depends on that name (tests/stubs/stub.rs).
pub fn install_stub(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !to.exists() {
        let from = Path::new(env!("CARGO_BIN_EXE_lifeline-test-stub"));
        if std::fs::hard_link(from, &to).is_err() {
            std::fs::copy(from, &to).expect("install the stub");
        }
    }
    to
}

/// Kills process `pid` at once, after checking it is the very process the test recorded
/// (same pid and start time; `token` from the supervisor's own pid file). Never anything else.
pub fn kill_verified(pid: u32, token: Option<&str>) {
    assert!(
        token.is_some() && lifeline::exec::status::process_alive(pid, token),
        "refusing to kill pid {pid}: not the process recorded"
    );
    #[cfg(unix)]
    {
        let pid = i32::try_from(pid).expect("a pid");
        assert!(pid > 1, "refusing to signal pid {pid}");
        // SAFETY: a plain kill(2) call on the verified process.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
    #[cfg(windows)]
    lifeline::exec::win::process::terminate(pid, token).expect("end the process");
}

/// The binary under test: this build's, or the one `LIFELINE_TEST_BIN` names (how a new
/// test is shown to fail on an older lifeline).
pub fn lifeline_bin() -> PathBuf {
    std::env::var_os("LIFELINE_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_lifeline").into())
}

/// A fixture path under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Polls `done` every 20 ms; fails the test after 20 s naming what it waited for.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

impl Sandbox {
    /// Runs the sleepy wizard (`e2e/sleepy.toml`) headless with its slow step sleeping
    /// `sleep_s` seconds; returns once that step runs, with the child (stdout and stderr
    /// piped) and the session folder, the only one in this sandbox.
    pub fn start_slow_run(&self, answers: &Path, sleep_s: u32) -> (std::process::Child, PathBuf) {
        use std::process::Stdio;
        self.stub("lcscmd");
        self.arm_sleep_once("slow");
        let wizard = fixture("e2e/sleepy.toml");
        let child = self
            .lifeline()
            .env("STUB_SLEEP", sleep_s.to_string())
            .arg("run")
            .arg(&wizard)
            .arg("--answers")
            .arg(answers)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn lifeline");
        wait_for("the slow step to start", || {
            self.invocations()
                .iter()
                .any(|l| l.starts_with("lcscmd slow"))
        });
        let dirs: Vec<PathBuf> = std::fs::read_dir(self.home().join("sessions"))
            .expect("sessions folder")
            .map(|e| e.expect("entry").path())
            .collect();
        assert_eq!(dirs.len(), 1, "{dirs:?}");
        (child, dirs[0].clone())
    }
}
