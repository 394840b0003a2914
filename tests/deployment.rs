//! Recoveries judged by their outcome. Each test starts from a whole simulated deployment
//! (`deployment/world.rs`: the example inventory's expanded pool of two front-ends with a
//! multi-role conferencing server), applies a loss, runs `lifeline run restore-service`
//! headless with stub tools that act on that deployment (`deployment/sim.rs`), and then
//! asserts what an operator cares about: every lost server is whole again (services
//! running, settings back, databases at the most recent backup set), no healthy server or
//! pool was written to or left stopped, and the exact commands, in order.
//!
//! This binary is also the stub tools: run under the name `lcscmd`, `sqlcmd`, `sc`,
//! `powershell`, `robocopy` or `ipconfig`, it acts as that tool (harness = false).

#[path = "deployment/cases.rs"]
mod cases;
#[path = "support/dns.rs"]
mod dns;
#[path = "deployment/powershell.rs"]
mod powershell;
#[path = "deployment/sim.rs"]
mod sim;
#[path = "deployment/standard.rs"]
mod standard;
#[path = "deployment/world.rs"]
mod world;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sim::{Deployment, STATE_ENV, TOOLS};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let stem = args
        .first()
        .and_then(|a| Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if TOOLS.contains(&stem.as_str()) {
        log_invocation(&stem, &args[1..]);
        std::process::exit(sim::run_tool(&stem, &args[1..]));
    }
    let filter: Vec<&String> = args[1..].iter().filter(|a| !a.starts_with('-')).collect();
    // On Windows lifeline uses a UNC path as given (no stand-in folder), so the simulated
    // deployment's backup shares would have to be real shares.
    let not_here = cfg!(windows).then_some(
        "not under Wine: the deployment's backup shares are UNC paths, used as given on Windows",
    );
    let (mut passed, mut ignored) = (0, 0);
    let mut failed = vec![];
    for (name, case) in cases::ALL.iter().chain(standard::ALL) {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        if let Some(why) = not_here {
            println!("test {name} ... ignored, {why}");
            ignored += 1;
            continue;
        }
        let outcome = std::panic::catch_unwind(case);
        println!(
            "test {name} ... {}",
            if outcome.is_ok() { "ok" } else { "FAILED" }
        );
        match outcome {
            Ok(()) => passed += 1,
            Err(_) => failed.push(*name),
        }
    }
    // libtest's summary line, so CI counts these tests like every other.
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {ignored} ignored; 0 measured; 0 filtered out",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len()
    );
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
        std::process::exit(101);
    }
}

fn log_invocation(tool: &str, args: &[String]) {
    use std::io::Write;
    let Some(state) = std::env::var_os(STATE_ENV) else {
        return;
    };
    let log = PathBuf::from(state).with_file_name("invocations.log");
    let mut line = tool.to_string();
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("open the invocation log");
    f.write_all(line.as_bytes()).expect("log an invocation");
}

/// One recovery: a temp folder with the stubs, the state file, the Windows stand-ins, and
/// the inventory that describes the deployment.
pub struct Lab {
    dir: tempfile::TempDir,
    inventory: &'static str,
}

/// What a lab needs to know of a deployment besides its state: its inventory, the folder its
/// backups are in (`settings`, `sql` and `shares` under it) and the global and pool settings
/// exports there. Each server's computer-level export is made from the state's servers.
pub struct Site {
    pub inventory: &'static str,
    pub backup_root: &'static str,
    /// Global and pool exports, by file name.
    pub pool_exports: &'static [&'static str],
}

/// The example inventory's deployment (`deployment/world.rs`).
pub const CONTOSO: Site = Site {
    inventory: "assets/inventory.example.toml",
    backup_root: r"\\bkp01.contoso.com\ocsbackup",
    pool_exports: &["pool01-global-pool.xml"],
};

const XML: &str = "<?xml version=\"1.0\"?>\n<Configuration><Setting/></Configuration>\n";

impl Lab {
    pub fn new(dep: &Deployment) -> Lab {
        Lab::at(&CONTOSO, dep)
    }

    pub fn at(site: &Site, dep: &Deployment) -> Lab {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("bin");
        for sub in ["bin", "home", "windows"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("lab dir");
        }
        let me = std::env::current_exe().expect("this test binary");
        for tool in TOOLS {
            #[cfg(unix)]
            std::os::unix::fs::symlink(&me, bin.join(tool)).expect("link a stub");
            #[cfg(windows)]
            std::fs::copy(&me, bin.join(format!("{tool}.exe"))).expect("copy a stub");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let home = dir.path().join("home");
            std::fs::set_permissions(home, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        }
        let lab = Lab {
            dir,
            inventory: site.inventory,
        };
        dep.save(&lab.state_file());
        let (root, settings) = (site.backup_root, format!(r"{}\settings", site.backup_root));
        for fqdn in dep.servers.keys() {
            let short = fqdn.split('.').next().unwrap_or(fqdn);
            lab.windows_file(&format!(r"{settings}\{short}-machine.xml"), XML);
            lab.windows_file(&format!(r"{settings}\{fqdn}-machine.xml"), XML);
        }
        for file in site.pool_exports {
            lab.windows_file(&format!(r"{settings}\{file}"), XML);
        }
        for file in dep.backups.keys() {
            lab.windows_file(file, "backup sets");
        }
        // The file-share backups: the meeting content, its metadata, the compliance log.
        for copy in ["MeetingContent", "MeetingMetadata", "ComplianceLog"] {
            lab.windows_dir(&format!(r"{root}\shares\{copy}"));
        }
        lab
    }

    pub fn state_file(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    pub fn state(&self) -> Deployment {
        Deployment::load(&self.state_file())
    }

    fn windows_path(&self, path: &str) -> PathBuf {
        lifeline::exec::winpath::map_windows_path(path, &self.dir.path().join("windows"))
            .unwrap_or_else(|| panic!("not a Windows path: {path}"))
    }

    pub fn windows_dir(&self, path: &str) {
        std::fs::create_dir_all(self.windows_path(path)).expect("windows dir");
    }

    pub fn windows_file(&self, path: &str, text: &str) {
        let local = self.windows_path(path);
        if let Some(dir) = local.parent() {
            std::fs::create_dir_all(dir).expect("windows dir");
        }
        std::fs::write(local, text).expect("windows file");
    }

    /// Runs `lifeline run restore-service` headless with these answers and the lab's
    /// inventory.
    pub fn run(&self, answers: &str) -> Output {
        let file = self.dir.path().join("answers.toml");
        std::fs::write(&file, answers).expect("write answers");
        let mut paths = vec![self.dir.path().join("bin")];
        if let Some(path) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&path));
        }
        // The deployment's DNS: every SRV question is answered with the pool (DNS checks ask
        // DNS directly, so this is a DNS server, not a `dig` stub).
        static DNS: std::sync::OnceLock<dns::TestDns> = std::sync::OnceLock::new();
        let dns_env = DNS
            .get_or_init(|| {
                // The Standard Edition deployment's servers resolve (its rebuild checks
                // the rebuilt server's name); the example inventory's never do, so no check
                // there reaches a real host.
                let fabrikam = (".fabrikam.com", std::net::Ipv4Addr::new(127, 0, 0, 1));
                dns::TestDns::start(&[("*", 0, 0, 5061, "pool01.contoso.com")], &[fabrikam])
            })
            .env();
        Command::new(env!("CARGO_BIN_EXE_lifeline"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["run", "restore-service", "--answers"])
            .arg(&file)
            .args(["--inventory", self.inventory])
            .env("LIFELINE_HOME", self.dir.path().join("home"))
            .env("LIFELINE_WINDOWS_ROOT", self.dir.path().join("windows"))
            .env("PATH", std::env::join_paths(paths).expect("PATH"))
            .env(STATE_ENV, self.state_file())
            .env(dns_env.0, dns_env.1)
            .env_remove("LIFELINE_WIZARDS")
            .output()
            .expect("run lifeline")
    }

    pub fn commands(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("invocations.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}
