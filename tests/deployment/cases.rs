//! The recoveries, one per numbered case of issue 11, judged by outcome and by commands.

use std::process::Output;

use super::Lab;
use super::sim::Deployment;
use super::world::{self, BACKUP_SQL};

type Case = (&'static str, fn());

pub const ALL: &[Case] = &[(
    "lcslog_only_loss_restores_the_latest_set_and_the_servers_settings",
    lcslog_only,
)];

/// Answers every run shares: confirmations typed, manual steps done.
const COMMON: &str = r#"
[confirm]
restore-rtc = "OVERWRITE"
restore-lcslog = "OVERWRITE"
restore-rtccdr = "OVERWRITE"
restore-qoemetrics = "OVERWRITE"

[manual]
default = "done"
"#;

fn answers(specific: &str) -> String {
    format!("[answers]\n{specific}\n{COMMON}")
}

fn assert_finished(out: &Output, lab: &Lab) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().any(|l| l.ends_with(" finished")),
        "exit {:?}\nstderr: {}\nstdout: {}\ncommands:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        stdout,
        lab.commands().join("\n")
    );
}

/// Every lost server has its services running, its machine settings and its activation
/// back; every database on it (and every lost database) is online at the last backup set.
fn assert_whole(before: &Deployment, after: &Deployment, lost: &[&str], dbs: &[&str]) {
    for fqdn in lost {
        let (b, a) = (&before.servers[*fqdn], &after.servers[*fqdn]);
        assert_eq!(a.services, b.services, "services of {fqdn}");
        assert!(
            a.settings.contains("machine"),
            "machine settings of {fqdn}: {:?}",
            a.settings
        );
        assert_eq!(a.activated, b.activated, "activation of {fqdn}");
    }
    let mut keys: Vec<String> = dbs.iter().map(|s| s.to_string()).collect();
    for fqdn in lost {
        let short = fqdn.split('.').next().unwrap_or("");
        keys.extend(
            before
                .databases
                .keys()
                .filter(|k| k.starts_with(&format!("{short}\\")))
                .cloned(),
        );
    }
    for key in keys {
        let db = &after.databases[&key];
        let name = key.rsplit('/').next().unwrap_or("");
        let file = format!(r"{BACKUP_SQL}\{name}.bak");
        let last = before.backups[&file].len() as u32;
        assert_eq!(db.state, "ONLINE", "state of {key}");
        assert_eq!(
            db.restored.last(),
            Some(&(file.clone(), last)),
            "{key} restored from the most recent set"
        );
        assert_eq!(db.users, before.databases[&key].users, "user data in {key}");
    }
}

/// No healthy server or pool was written to, none was left with a service stopped, and the
/// stubs saw no fault.
fn assert_unharmed(before: &Deployment, after: &Deployment, lost: &[&str], pools_written: &[&str]) {
    for w in &after.writes {
        if w.target.starts_with("verified:") {
            continue;
        }
        if let Some(pool) = w.target.strip_prefix("pool:") {
            assert!(
                pools_written.contains(&pool),
                "pool {pool} written to: {}",
                w.what
            );
            continue;
        }
        let host = before.host_of(&w.target).unwrap_or(w.target.clone());
        assert!(
            lost.contains(&host.as_str()),
            "healthy server {host} written to: {}",
            w.what
        );
    }
    for (fqdn, server) in &after.servers {
        if lost.contains(&fqdn.as_str()) {
            continue;
        }
        assert_eq!(
            server.services, before.servers[fqdn].services,
            "services of healthy {fqdn}"
        );
    }
    assert_eq!(after.users, before.users, "users' home pools");
    assert!(after.faults.is_empty(), "faults: {:?}", after.faults);
}

fn assert_commands(lab: &Lab, expected: &[&str]) {
    let got = lab.commands();
    if got == expected {
        return;
    }
    let first = got
        .iter()
        .zip(expected)
        .position(|(g, e)| g != e)
        .unwrap_or(got.len().min(expected.len()));
    panic!(
        "the commands differ from line {} on\n--- expected ({} lines)\n{}\n--- got ({} lines)\n{}",
        first + 1,
        expected.len(),
        expected[first..].join("\n"),
        got.len(),
        got[first..].join("\n")
    );
}

/// Case 3 (second half): only LCSLog was lost. The database comes back from its most
/// recent backup set and the Archiving and CDR Server's computer-level settings with it.
fn lcslog_only() {
    let whole = world::whole();
    let mut dep = whole.clone();
    world::lose(&mut dep, &[], &[r"arc01\archive/LCSLog"]);
    let lab = Lab::new(&dep);
    let out = lab.run(&answers(
        r#"lost = ["lcslog-database"]
os_healthy = true
platform = "prepare"
backup_set_lcslog = "2"
"#,
    ));
    println!("{}", lab.commands().join("\n"));
    assert_finished(&out, &lab);
    let after = lab.state();
    assert_whole(&whole, &after, &[], &[r"arc01\archive/LCSLog"]);
    // The server keeps its roles' services running and gets its computer-level settings.
    assert_eq!(
        after.servers["arc01.contoso.com"].services,
        whole.servers["arc01.contoso.com"].services
    );
    assert!(
        after
            .writes
            .iter()
            .any(|w| w.target == "arc01.contoso.com" && w.what == "import machine"),
        "the Archiving and CDR Server's computer-level settings were not imported"
    );
    assert_unharmed(&whole, &after, &["arc01.contoso.com"], &[]);
}
