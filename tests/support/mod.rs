//! Helpers for tests that run the real binary: a private LIFELINE_HOME, stub programs on PATH.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A sandbox: temp home, a bin dir of stubs first on PATH, a log of every stub invocation.
pub struct Sandbox {
    pub root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("bin")).expect("bin dir");
        std::fs::create_dir_all(root.path().join("home")).expect("home dir");
        Sandbox { root }
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn log(&self) -> PathBuf {
        self.root.path().join("invocations.log")
    }

    /// Installs a stub program that appends `name argv...` to the log, sleeps `$STUB_SLEEP` seconds (default 30) when its
    /// first argument is the one armed by `arm_sleep_once` (once), and exits with `$STUB_EXIT`
    /// (default 0).
    #[cfg(unix)]
    pub fn stub(&self, name: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.root.path().join("bin").join(name);
        let script = format!(
            "#!/bin/sh\nprintf '%s' '{name}' >> '{log}'\nfor a in \"$@\"; do printf ' %s' \"$a\" >> '{log}'; done\necho >> '{log}'\n\
             echo \"{name} ran with $# argument(s)\"\n\
             if [ -f '{once}' ] && [ \"$1\" = \"$(cat '{once}')\" ]; then rm -f '{once}'; echo 'restoring...'; sleep ${{STUB_SLEEP:-30}}; echo 'restore complete'; fi\nexit ${{STUB_EXIT:-0}}\n",
            log = self.log().display(),
            once = self.root.path().join("sleep-once").display(),
        );
        std::fs::write(&path, script).expect("write stub");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lifeline"));
        let path = format!(
            "{}:{}",
            self.root.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        cmd.env("LIFELINE_HOME", self.home())
            .env("PATH", path)
            .env("LIFELINE_DRILL_SPEED", "0")
            .env_remove("LIFELINE_WIZARDS");
        cmd
    }
}

/// A fixture path under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
