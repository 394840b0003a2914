//! `lifeline_home` from `LIFELINE_HOME`. One test only: it changes the environment, which no
//! other thread of this test binary may read at the same time.

use lifeline::journal::{JournalError, lifeline_home};

#[test]
fn lifeline_home_is_created_owner_only_and_refused_when_unusable() {
    let root = tempfile::tempdir().unwrap();

    let wanted = root.path().join("nested").join("home");
    // SAFETY: the only test in this binary; no other thread reads the environment.
    unsafe { std::env::set_var("LIFELINE_HOME", &wanted) };
    let home = lifeline_home().unwrap();
    assert_eq!(home, wanted);
    assert!(home.is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&home).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    // Already there: fine.
    assert_eq!(lifeline_home().unwrap(), wanted);

    // Under a regular file: cannot be created (works even as root).
    let file = root.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let blocked = file.join("home");
    unsafe { std::env::set_var("LIFELINE_HOME", &blocked) };
    let err = lifeline_home().unwrap_err();
    assert!(matches!(err, JournalError::Home { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot use '{}' as the lifeline home: ",
            blocked.display()
        )),
        "{message}"
    );

    // A file where the home should be.
    unsafe { std::env::set_var("LIFELINE_HOME", &file) };
    let message = lifeline_home().unwrap_err().to_string();
    assert!(
        message.contains(&format!("'{}'", file.display())),
        "{message}"
    );

    unsafe { std::env::remove_var("LIFELINE_HOME") };
}
