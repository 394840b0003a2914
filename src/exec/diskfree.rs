//! Free space on the volume holding a path, as the OS reports it to this user.
//!
//! Through `fs4` (`statvfs` on Unix, `GetDiskFreeSpaceExW` on Windows, UNC paths included)
//! rather than calling those by hand or parsing `df`, whose output differs between systems
//! and locales.

use std::path::Path;

/// Free bytes available to this user (quotas and reserved blocks excluded). A path that does
/// not exist is an error on every system: Windows would otherwise answer for its volume.
pub fn free_bytes(path: &Path) -> std::io::Result<u64> {
    std::fs::metadata(path)?;
    fs4::available_space(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_folder_has_some_free_space_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(free_bytes(dir.path()).unwrap() > 0);
        assert!(free_bytes(&dir.path().join("missing/deeper")).is_err());
    }
}
