//! Session directories under a home: ids, owner-only creation, listing, finding by prefix,
//! and the pinned wizard copies.

use std::fs;

use lifeline::journal::{
    JournalError, create_new_session, create_session_dir, find_session, list_session_dirs,
    new_session_id, pin_files, read_pinned, sessions_dir,
};
use time::macros::datetime;

#[test]
fn session_dirs_are_created_once_listed_sorted_and_found_by_prefix() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    assert!(
        list_session_dirs(home).unwrap().is_empty(),
        "no sessions dir yet"
    );

    let ids = [
        "20261122-103000-restore-service-7f3a",
        "20261122-090000-restore-service-0001",
        "20261123-080000-failback-pchat-beef",
    ];
    for id in ids {
        let dir = create_session_dir(home, id).unwrap();
        assert_eq!(dir, sessions_dir(home).join(id));
    }
    let err = create_session_dir(home, ids[0]).unwrap_err();
    assert!(
        matches!(&err, JournalError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{err}"
    );
    fs::write(sessions_dir(home).join("stray-file"), "x").unwrap();

    let listed = list_session_dirs(home).unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|d| d.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "20261122-090000-restore-service-0001",
            "20261122-103000-restore-service-7f3a",
            "20261123-080000-failback-pchat-beef"
        ]
    );

    assert_eq!(find_session(home, ids[0]).unwrap(), listed[1]);
    assert_eq!(find_session(home, "20261123").unwrap(), listed[2]);
    assert_eq!(
        find_session(home, "nope").unwrap_err().to_string(),
        "unknown session 'nope'"
    );
    assert!(matches!(
        find_session(home, "").unwrap_err(),
        JournalError::UnknownSession(_)
    ));
    assert_eq!(
        find_session(home, "20261122").unwrap_err().to_string(),
        "session '20261122' is ambiguous: it matches \
         '20261122-090000-restore-service-0001', '20261122-103000-restore-service-7f3a'"
    );
}

#[test]
fn an_exact_id_wins_over_a_longer_one_it_prefixes() {
    let home = tempfile::tempdir().unwrap();
    create_session_dir(home.path(), "abc").unwrap();
    create_session_dir(home.path(), "abcd").unwrap();
    assert!(find_session(home.path(), "abc").unwrap().ends_with("abc"));
}

#[test]
fn session_ids_must_be_plain_names() {
    let home = tempfile::tempdir().unwrap();
    for bad in ["../escape", "a/b", "..", ""] {
        let err = create_session_dir(home.path(), bad).unwrap_err();
        assert!(
            matches!(err, JournalError::InvalidName { .. }),
            "{bad}: {err}"
        );
    }
}

#[test]
fn new_sessions_get_distinct_ids_even_in_the_same_second() {
    let home = tempfile::tempdir().unwrap();
    let now = datetime!(2026-11-22 10:30:00 UTC);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let (id, dir) = create_new_session(home.path(), "restore-service", now).unwrap();
        assert!(id.starts_with("20261122-103000-restore-service-"), "{id}");
        assert!(dir.is_dir());
        assert!(seen.insert(id));
    }
    assert_ne!(
        new_session_id("restore-service", now),
        new_session_id("restore-service", now)
    );
}

#[test]
fn pinned_wizards_round_trip() {
    let home = tempfile::tempdir().unwrap();
    let dir = create_session_dir(home.path(), "s1").unwrap();
    let files = vec![
        (
            "restore-service.toml".to_string(),
            "id = \"restore-service\"\n".to_string(),
        ),
        ("common.toml".to_string(), "# ünïcode\n".to_string()),
    ];
    pin_files(&dir, &files).unwrap();
    let mut expected = files.clone();
    expected.sort();
    assert_eq!(read_pinned(&dir).unwrap(), expected);
    // Pinning again replaces, atomically.
    pin_files(&dir, &[("common.toml", "v2")]).unwrap();
    assert_eq!(
        read_pinned(&dir).unwrap()[0],
        ("common.toml".into(), "v2".into())
    );
}

#[cfg(unix)]
#[test]
fn session_dirs_and_pinned_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let home = tempfile::tempdir().unwrap();
    let dir = create_session_dir(home.path(), "s1").unwrap();
    assert_eq!(mode(&sessions_dir(home.path())), 0o700);
    assert_eq!(mode(&dir), 0o700);
    pin_files(&dir, &[("w.toml", "x")]).unwrap();
    assert_eq!(mode(&dir.join("wizards")), 0o700);
    assert_eq!(mode(&dir.join("wizards").join("w.toml")), 0o600);
}
