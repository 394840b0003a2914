//! `lifeline-test-stub`: the one stub program of the tests, built for every platform the
//! tests run on (no shell scripts, so the same tests run on Windows). It is installed under
//! the name of the tool it stands in for (a hard link or copy, `lcscmd` or `lcscmd.exe`),
//! and that name says what it does:
//!
//! - `echo-argv`: prints each argument on its own line and, when `$ECHO_ARGV_OUT` names a
//!   file, writes them there NUL-separated (to compare byte for byte);
//! - `fail [CODE]`: says so on stderr and exits with CODE (default 1);
//! - `sleep-for SECONDS`: says when it starts and when it is done;
//! - `ignore-stop SECONDS`: like `sleep-for`, ignoring SIGTERM and SIGINT (Unix; on
//!   Windows there is no polite stop to ignore);
//! - `spawn-tree SECONDS`: starts a grandchild that sleeps, prints its pid and its own pid,
//!   then sleeps itself (a process tree for the timeout and cancel tests);
//! - `streams`: `one` on stdout, `two` on stderr, then `no newline` without a newline;
//! - `secret-echo ARG`: `arg=ARG` on stdout, `env=$PW` on stderr, its stdin copied to
//!   stdout, exit 4;
//! - `argvlog`: records its argv (each element NUL-terminated), `$HOSTILE` and its stdin,
//!   byte for byte, in `../calls/<pid>.argv`, `.env` and `.stdin`;
//! - any other name, a logging stub: appends `name argv...` (one line, arguments separated
//!   by single spaces) to `../invocations.log`, prints `name ran with N argument(s)` and the
//!   file `../<name>.out` when it exists (`{args}` in it replaced by the arguments), sleeps `$STUB_SLEEP` seconds (default 30) when its
//!   first argument is the one written in `../sleep-once` (once: the file is removed), and
//!   exits with `$STUB_EXIT` (default 0). `..` is the folder above the stub's own.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn main() {
    let mut args = std::env::args_os();
    let name = args
        .next()
        .as_deref()
        .map(Path::new)
        .and_then(Path::file_stem)
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    let seconds = |i: usize| -> u64 { args.get(i).and_then(|s| s.parse().ok()).unwrap_or(30) };
    let code = match name.as_str() {
        "echo-argv" => echo_argv(&args),
        "fail" => {
            let code: i32 = args.first().and_then(|s| s.parse().ok()).unwrap_or(1);
            eprintln!("fail: exiting with {code}");
            code
        }
        "sleep-for" => sleep_for(seconds(0)),
        "ignore-stop" => {
            ignore_stop();
            sleep_for(seconds(0))
        }
        "spawn-tree" => spawn_tree(seconds(0)),
        "__grandchild" => {
            std::thread::sleep(Duration::from_secs(seconds(0)));
            0
        }
        "streams" => {
            println!("one");
            let _ = std::io::stdout().flush();
            eprintln!("two");
            print!("no newline");
            0
        }
        "secret-echo" => {
            println!("arg={}", args.first().map(String::as_str).unwrap_or(""));
            let _ = std::io::stdout().flush();
            eprintln!("env={}", std::env::var("PW").unwrap_or_default());
            let mut input = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut input);
            let _ = std::io::stdout().write_all(&input);
            4
        }
        "argvlog" => {
            let calls = tempfile_dir().join("..").join("calls");
            let file = |ext: &str| calls.join(format!("{}.{ext}", std::process::id()));
            let mut argv = Vec::new();
            for arg in &args {
                argv.extend_from_slice(arg.as_bytes());
                argv.push(0);
            }
            let mut input = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut input);
            let env = std::env::var("HOSTILE").unwrap_or_default();
            std::fs::write(file("argv"), argv).expect("write argv");
            std::fs::write(file("env"), env).expect("write env");
            std::fs::write(file("stdin"), input).expect("write stdin");
            0
        }
        _ => logging_stub(&name, &args),
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

fn echo_argv(args: &[String]) -> i32 {
    for arg in args {
        println!("{arg}");
    }
    if let Some(file) = std::env::var_os("ECHO_ARGV_OUT").filter(|f| !f.is_empty()) {
        let mut bytes = Vec::new();
        for arg in args {
            bytes.extend_from_slice(arg.as_bytes());
            bytes.push(0);
        }
        std::fs::write(file, bytes).expect("write ECHO_ARGV_OUT");
    }
    0
}

fn sleep_for(secs: u64) -> i32 {
    println!("sleeping {secs}");
    let _ = std::io::stdout().flush();
    std::thread::sleep(Duration::from_secs(secs));
    println!("slept {secs}");
    0
}

fn ignore_stop() {
    #[cfg(unix)]
    // SAFETY: ignoring a signal touches no memory.
    unsafe {
        libc::signal(libc::SIGTERM, libc::SIG_IGN);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// A grandchild (this program under the name `__grandchild`) sleeping `secs`, then this
/// process sleeping too; both pids printed, the grandchild's first.
fn spawn_tree(secs: u64) -> i32 {
    let me = std::env::current_exe().expect("own path");
    let dir = tempfile_dir();
    let grand = dir.join(format!("__grandchild{}", std::env::consts::EXE_SUFFIX));
    if !grand.exists() && std::fs::hard_link(&me, &grand).is_err() {
        std::fs::copy(&me, &grand).expect("copy the stub");
    }
    // Never waited for on purpose: the grandchild must outlive this process (the tests check
    // that a timeout or a cancel ends the whole tree, orphans included).
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(&grand)
        .arg(secs.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the grandchild");
    println!("{}", child.id());
    println!("{}", std::process::id());
    let _ = std::io::stdout().flush();
    std::thread::sleep(Duration::from_secs(secs));
    0
}

/// The folder of this stub (where its siblings live).
fn tempfile_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."))
}

fn logging_stub(name: &str, args: &[String]) -> i32 {
    let root = tempfile_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."));
    let mut line = name.to_string();
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    line.push('\n');
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join("invocations.log"))
        .expect("open the invocation log");
    log.write_all(line.as_bytes())
        .expect("write the invocation log");
    drop(log);
    println!("{name} ran with {} argument(s)", args.len());
    if let Ok(out) = std::fs::read_to_string(root.join(format!("{name}.out"))) {
        print!("{}", out.replace("{args}", &args.join(" ")));
    }
    let once = root.join("sleep-once");
    if let Ok(armed) = std::fs::read_to_string(&once)
        && args.first().map(String::as_str) == Some(armed.as_str())
    {
        let _ = std::fs::remove_file(&once);
        println!("restoring...");
        let _ = std::io::stdout().flush();
        let secs = std::env::var("STUB_SLEEP")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30);
        std::thread::sleep(Duration::from_secs(secs));
        println!("restore complete");
    }
    std::env::var("STUB_EXIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
