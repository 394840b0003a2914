//! `lifeline sandbox DIR`: a practice deployment on a console that is not Windows, so a
//! newcomer can do a real (not drill) run end to end. What goes into the folder is decided
//! here, from the example inventory's text, without touching the disk; the command writes it.
//!
//! - `windows/`: the stand-in for Windows paths (`LIFELINE_WINDOWS_ROOT`): every backup
//!   folder the example inventory names, and a settings export at every `.xml` it names.
//! - `bin/`: stub `lcscmd`, `sqlcmd`, `sc`, `powershell`, `robocopy` and `ipconfig`
//!   that answer like a healthy deployment, change nothing and log their command lines to
//!   `calls.log`.
//! - `home/`: a lifeline home of its own (`LIFELINE_HOME`) with the inventory in it, so the
//!   practice sessions never mix with real ones.
//! - `answers/front-end.toml`: the answers of a headless run (one lost front-end server).
//! - `env.sh`: the environment, for `. DIR/env.sh`.

use std::path::{Path, PathBuf};

use crate::exec::winpath::{WINDOWS_ROOT_ENV, map_windows_path};
use crate::invocation::shell_quote;

/// One thing to create, its path relative to the sandbox folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Dir(PathBuf),
    File {
        path: PathBuf,
        contents: String,
        /// A stub tool: made executable.
        executable: bool,
    },
}

/// What a settings export holds for the `xml-contains` checks (a well-formed document).
const SETTINGS_XML: &str = "<?xml version=\"1.0\"?>\n<!-- lifeline sandbox: a stand-in settings export -->\n<Configuration><Setting/></Configuration>\n";

/// The answers of the sandbox's headless run: one front-end server of the example's
/// Enterprise pool lost its OCS configuration; everything else comes from the inventory.
const FRONT_END_ANSWERS: &str = r#"# lifeline sandbox: a real (not drill) run on the practice deployment. One front-end
# server of Contoso's Enterprise pool (the example inventory) lost its OCS configuration.
#
#   lifeline run restore-service --inventory home/inventory.toml --answers answers/front-end.toml
#
# Everything not answered here comes from the inventory or the wizards' defaults. Print
# every question with `lifeline run restore-service --print-answers-template`.

[answers]
# Two front-ends in the inventory: the one meant is named, never guessed.
"setup-platform[front-end]/server_fqdn" = "fe01.contoso.com"
frontend_fqdn = "fe01.contoso.com"
lost = ["front-end"]
os_healthy = true
platform = "prepare"
move_users = false

[manual]
# Every manual step (work done by hand on the servers) is reported done.
default = "done"

[failed]
# contoso.com is made up: no DNS server knows its SRV records (point LIFELINE_DNS_SERVER at
# one that does to run this check for real).
"prerequisites/dns-srv" = "skip: the practice deployment has no DNS server for contoso.com"
"#;

/// The stub tools and what each prints. Every one exits 0: the practice deployment is
/// healthy. (DNS is asked directly, not through a tool: see the answers' `[failed]`.)
const STUBS: [(&str, &str); 6] = [
    (
        "lcscmd",
        "Office Communications Server 2007 Command Line Tool (lifeline sandbox stub: nothing was changed)\n",
    ),
    ("powershell", ""),
    ("robocopy", "lifeline sandbox stub: nothing was copied\n"),
    ("ipconfig", "Successfully flushed the DNS Resolver Cache.\n"),
    (
        "sc",
        "SERVICE_NAME: RTCSRV\nDISPLAY_NAME: Office Communications Server Front-End\n        STATE              : 4  RUNNING\n",
    ),
    (
        "sqlcmd",
        "name    state_desc\nmaster  ONLINE\nRTC     ONLINE\nBackupType  Position\n1  1\nThe backup set on file 1 is valid.\n",
    ),
];

/// A stub tool as a POSIX shell script: logs its command line next to `bin/`, prints `out`.
fn stub_script(name: &str, out: &str) -> String {
    let mut script = format!(
        "#!/bin/sh\n# lifeline sandbox: a stand-in for {name} that answers like a healthy deployment\n# and changes nothing. Its command lines go to calls.log.\n"
    );
    script.push_str(&format!(
        "printf '%s\\n' \"{name} $*\" >> \"$(dirname \"$0\")/../calls.log\"\n"
    ));
    if !out.is_empty() {
        script.push_str(&format!("printf '%s' {}\n", sh_single(out)));
    }
    script.push_str("exit 0\n");
    script
}

/// `text` as one single-quoted shell word (newlines kept).
fn sh_single(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Every Windows path (UNC or drive) among the inventory's values, in file order.
fn windows_paths(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) if map_windows_path(s, Path::new("")).is_some() => {
            out.push(s.clone())
        }
        toml::Value::Array(items) => items.iter().for_each(|v| windows_paths(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| windows_paths(v, out)),
        _ => {}
    }
}

/// Everything the sandbox holds, for the inventory `inventory` (TOML text).
pub fn layout(inventory: &str) -> Result<Vec<Entry>, toml::de::Error> {
    let table: toml::Table = inventory.parse()?;
    let mut entries = vec![
        Entry::Dir("bin".into()),
        Entry::Dir("windows".into()),
        Entry::Dir("home".into()),
        Entry::Dir("answers".into()),
    ];
    let mut paths = Vec::new();
    windows_paths(&toml::Value::Table(table.clone()), &mut paths);
    for path in paths {
        let Some(local) = map_windows_path(&path, Path::new("windows")) else {
            continue;
        };
        let entry = if path.to_ascii_lowercase().ends_with(".xml") {
            Entry::File {
                path: local,
                contents: SETTINGS_XML.to_string(),
                executable: false,
            }
        } else {
            Entry::Dir(local)
        };
        if !entries.contains(&entry) {
            entries.push(entry);
        }
    }
    for (name, out) in STUBS {
        entries.push(Entry::File {
            path: Path::new("bin").join(name),
            contents: stub_script(name, out),
            executable: true,
        });
    }
    entries.push(Entry::File {
        path: "home/inventory.toml".into(),
        contents: inventory.to_string(),
        executable: false,
    });
    entries.push(Entry::File {
        path: "answers/front-end.toml".into(),
        contents: FRONT_END_ANSWERS.to_string(),
        executable: false,
    });
    Ok(entries)
}

/// The environment that makes lifeline use the sandbox in `dir` (absolute): name, value.
/// `PATH` is the sandbox's `bin` put first; the caller appends the current `PATH`.
pub fn environment(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("LIFELINE_HOME", dir.join("home")),
        (WINDOWS_ROOT_ENV, dir.join("windows")),
        (
            "LIFELINE_INVENTORY",
            dir.join("home").join("inventory.toml"),
        ),
        ("PATH", dir.join("bin")),
    ]
}

/// `env.sh`: the `export` lines of [`environment`].
pub fn env_script(dir: &Path) -> String {
    let mut script = String::from("# lifeline sandbox: use it in this shell with  . <this file>\n");
    for (name, value) in environment(dir) {
        let value = sh_single(&value.display().to_string());
        if name == "PATH" {
            script.push_str(&format!("export PATH={value}:\"$PATH\"\n"));
        } else {
            script.push_str(&format!("export {name}={value}\n"));
        }
    }
    script
}

/// What the command prints once the sandbox is in `dir`; `program` runs lifeline.
pub fn instructions(dir: &Path, program: &str) -> String {
    let q = |p: PathBuf| shell_quote(&p.display().to_string());
    let mut text = format!(
        "A practice deployment is ready in {}:\n\
         the example inventory's backup folders and settings exports, and stub tools\n\
         that answer like a healthy deployment and change nothing. Use it in this shell:\n\n",
        q(dir.to_path_buf())
    );
    for line in env_script(dir).lines().skip(1) {
        text.push_str(&format!("  {line}\n"));
    }
    text.push_str(&format!(
        "\n(or: . {}). Then a real run of a lost front-end server, headless:\n\n  {program} run restore-service --inventory {} --answers {}\n\n\
         or with the screens: {program} new restore-service\n\
         The stub tools log what they were asked to run in {}.\n",
        q(dir.join("env.sh")),
        q(dir.join("home").join("inventory.toml")),
        q(dir.join("answers").join("front-end.toml")),
        q(dir.join("calls.log")),
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../assets/inventory.example.toml");

    #[test]
    fn every_backup_folder_and_settings_export_of_the_example_is_made() {
        let entries = layout(EXAMPLE).expect("the example parses");
        assert!(entries.contains(&Entry::Dir(
            "windows/bkp01.contoso.com/ocsbackup/sql".into()
        )));
        let fe01 = PathBuf::from("windows/bkp01.contoso.com/ocsbackup/settings/fe01-machine.xml");
        assert!(
            entries
                .iter()
                .any(|e| matches!(e, Entry::File { path, .. } if *path == fe01)),
            "{entries:#?}"
        );
        let stubs = entries
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Entry::File {
                        executable: true,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(stubs, STUBS.len());
    }

    #[test]
    fn a_stub_logs_its_command_line_and_prints_its_answer() {
        let script = stub_script("sc", "it's RUNNING\n");
        assert!(script.starts_with("#!/bin/sh\n"));
        assert!(script.contains(r#""sc $*" >> "$(dirname "$0")/../calls.log""#));
        assert!(script.contains(r"printf '%s' 'it'\''s RUNNING"));
    }

    #[test]
    #[cfg_attr(
        windows,
        ignore = "not under Wine: the sandbox is for consoles that are not Windows (refused there)"
    )]
    fn the_environment_names_the_windows_root_home_and_stubs() {
        let env = env_script(Path::new("/tmp/my sandbox"));
        assert!(env.contains("export LIFELINE_WINDOWS_ROOT='/tmp/my sandbox/windows'\n"));
        assert!(env.contains("export LIFELINE_HOME='/tmp/my sandbox/home'\n"));
        assert!(env.contains("export PATH='/tmp/my sandbox/bin':\"$PATH\"\n"));
        let text = instructions(Path::new("/tmp/sb"), "lifeline");
        assert!(text.contains("lifeline run restore-service --inventory /tmp/sb/home/inventory.toml --answers /tmp/sb/answers/front-end.toml"), "{text}");
    }
}
