//! Which file an open handle or a path names, to notice a journal deleted or replaced under
//! a running session: device and inode on Unix; volume serial number and file index on
//! Windows (`GetFileInformationByHandle`), where std opens files with `FILE_SHARE_DELETE`,
//! so an open journal can be renamed or deleted too.

use std::fs::File;
use std::io;
use std::path::Path;

/// A file's identity: (device, inode) or (volume serial, file index).
pub type FileId = (u64, u64);

/// The identity of an open file; `None` where the system gives none.
pub fn of_file(file: &File) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        file.metadata().ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        by_handle(file).ok()
    }
}

/// The identity of the file `path` names now; `NotFound` when it names none.
pub fn of_path(path: &Path) -> io::Result<Option<FileId>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).map(|m| Some((m.dev(), m.ino())))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::{
            FILE_FLAG_BACKUP_SEMANTICS, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
        };
        // No access rights asked and every sharing mode allowed: looking must never get in
        // the way of the writer (or of anyone else).
        let file = std::fs::OpenOptions::new()
            .access_mode(0)
            .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
            .open(path)?;
        by_handle(&file).map(Some)
    }
}

/// Like [`of_path`], but a symbolic link is itself the file named (not followed).
pub fn of_link(path: &Path) -> io::Result<Option<FileId>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).map(|m| Some((m.dev(), m.ino())))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::{
            FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_SHARE_DELETE,
            FILE_SHARE_READ, FILE_SHARE_WRITE,
        };
        let file = std::fs::OpenOptions::new()
            .access_mode(0)
            .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
            .open(path)?;
        by_handle(&file).map(Some)
    }
}

#[cfg(windows)]
fn by_handle(file: &File) -> io::Result<FileId> {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{
        BY_HANDLE_FILE_INFORMATION, GetFileInformationByHandle,
    };
    // SAFETY: plain-old-data, filled in by the call below.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: a valid open handle and a valid out-pointer.
    if unsafe { GetFileInformationByHandle(file.as_raw_handle(), &mut info) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
    Ok((u64::from(info.dwVolumeSerialNumber), index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_its_open_file_until_it_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let file = File::create(&path).unwrap();
        let open = of_file(&file).expect("an identity");
        assert_eq!(of_path(&path).unwrap(), Some(open));
        std::fs::rename(&path, dir.path().join("moved")).unwrap();
        assert_eq!(of_path(&path).unwrap_err().kind(), io::ErrorKind::NotFound);
        std::fs::write(&path, b"another file").unwrap();
        assert_ne!(of_path(&path).unwrap(), Some(open));
    }
}
