//! A real run of a wizard with a secret input, whose programs echo their arguments (so the
//! secret reaches their output): no report format, and no file of the session, holds any
//! trace of the secret.

mod support;

use support::{Sandbox, fixture};

const SECRET: &str = "Tr0ub4dor&3-horse";

/// A stub that prints its arguments and the words the checks look for.
fn echo_stub(sb: &Sandbox, name: &str) {
    sb.stub_prints(name, "args: {args}\nONLINE RUNNING\n");
}

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_report_and_no_session_file_holds_the_secret() {
    let sb = Sandbox::new();
    echo_stub(&sb, "sqlcmd");
    echo_stub(&sb, "sc");
    let answers = sb.write(
        "answers.toml",
        &format!(
            "[answers]\nlost = [\"fe01\"]\nbackup_dir = '\\\\bkp01\\sql'\nsa_password = \"{SECRET}\"\n[manual]\ndefault = \"done\"\n"
        ),
    );
    let wizards = fixture("reports/wizards");
    let out = sb
        .lifeline()
        .arg("--wizards")
        .arg(&wizards)
        .args(["run", "report-demo", "--answers"])
        .arg(&answers)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The program did see it (it echoed its argv), masked in what lifeline shows.
    assert!(stdout.contains("args: -S be01 -U sa -P ****"), "{stdout}");
    assert!(!stdout.contains(SECRET));

    let session = std::fs::read_dir(sb.home().join("sessions"))
        .expect("sessions")
        .next()
        .expect("one session")
        .expect("entry")
        .file_name()
        .to_string_lossy()
        .into_owned();
    for format in ["md", "html", "json"] {
        let out = sb
            .lifeline()
            .args(["report", &session, "--format", format])
            .output()
            .expect("report");
        assert!(out.status.success(), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(SECRET), "{format} holds the secret");
        // Nor an escaped form of it.
        assert!(
            !text.contains("Tr0ub4dor"),
            "{format} holds part of the secret"
        );
        assert!(text.contains("****"), "{format} shows the redaction");
        assert!(text.contains("Password of the SQL sa account"), "{format}");
    }
    let mut files = Vec::new();
    files_under(&sb.home(), &mut files);
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Tr0ub4dor"),
            "{} holds the secret",
            file.display()
        );
    }
}
