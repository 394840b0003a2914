//! Shared by the `exec_*` tests: the stub programs of this folder installed into a temp
//! dir (put first on the child's PATH), and requests built the way the engine builds them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lifeline::session::engine::ExecRequest;

/// The stub programs, installed executable in a temp dir.
pub struct Stubs {
    pub dir: tempfile::TempDir,
}

impl Stubs {
    /// The stub program (tests/stubs/stub.rs) under each of the names the tests call.
    pub fn install() -> Stubs {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_BIN_EXE_lifeline-test-stub"));
        for name in [
            "echo-argv",
            "fail",
            "sleep-for",
            "ignore-stop",
            "spawn-tree",
            "streams",
            "secret-echo",
        ] {
            let to = dir
                .path()
                .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            if std::fs::hard_link(from, &to).is_err() {
                std::fs::copy(from, &to).unwrap();
            }
        }
        Stubs { dir }
    }

    /// `PATH` for a child: the stubs first, then this process's PATH.
    pub fn path_env(&self) -> (String, String) {
        let mut dirs = vec![self.dir.path().to_path_buf()];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        let joined = std::env::join_paths(dirs).unwrap();
        ("PATH".into(), joined.to_string_lossy().into_owned())
    }

    /// A file for `echo-argv` to record into, and the env entry naming it.
    pub fn argv_record(&self, name: &str) -> (PathBuf, (String, String)) {
        let file = self.dir.path().join(name);
        let env = ("ECHO_ARGV_OUT".to_string(), file.display().to_string());
        (file, env)
    }
}

/// The NUL-separated arguments `echo-argv` recorded.
pub fn recorded_argv(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut parts: Vec<String> = text.split('\0').map(str::to_string).collect();
    assert_eq!(parts.pop().as_deref(), Some(""), "ends with a NUL");
    parts
}

/// A request to run `argv` for step `step`, attempt 1, success on 0, nothing secret.
pub fn request(step: &str, argv: &[&str]) -> ExecRequest {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    ExecRequest {
        step: step.into(),
        attempt: 1,
        display_argv: argv.clone(),
        argv,
        cwd: None,
        env: vec![],
        stdin: None,
        timeout_s: None,
        success_codes: vec![0],
        check: None,
        simulate: None,
        secrets: vec![],
    }
}

/// Values that break any command line built by pasting text together.
pub fn nasty_values() -> Vec<String> {
    [
        "plain",
        "two words",
        "",
        "it's",
        r#"say "hi""#,
        "a;b",
        "a&b&&c",
        "a|b",
        "$(touch /tmp/lifeline-pwned)",
        "`id`",
        "%PATH%",
        "!x!",
        "line one\nline two",
        "back\\slash\\",
        "tab\there",
        "*",
        "~",
        "ünïcödé ✓",
        "-n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// True while a process with this pid exists (`kill -0`) and is not a zombie, allowing it
/// a moment to finish dying (a signal is delivered asynchronously, and an orphan's zombie
/// waits for init to reap it).
#[cfg(unix)]
pub fn alive(pid: i32) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let exists = std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(false);
        if !exists || zombie {
            return false;
        }
        if std::time::Instant::now() >= deadline {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Pids of live (non-zombie) processes in process group `pgid` (Linux: from /proc).
#[cfg(target_os = "linux")]
pub fn group_members(pgid: i32) -> Vec<i32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if fields.first() != Some(&"Z") && fields.get(2) == Some(&pgid.to_string().as_str()) {
            pids.push(pid);
        }
    }
    pids
}
