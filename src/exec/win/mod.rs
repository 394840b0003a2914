//! Windows process control through the Win32 API (`windows-sys`), never by running and
//! parsing `tasklist` or `taskkill`:
//!
//! - [`job`]: a step's child runs in a Job Object that ends the whole tree when stopped or
//!   when its last handle closes (the supervisor dying takes its step with it);
//! - [`process`]: liveness from a process handle, identity from pid plus creation time,
//!   and ending one verified process.

pub mod job;
pub mod process;

use std::io;
use std::os::windows::io::{FromRawHandle, OwnedHandle};

use windows_sys::Win32::Foundation::HANDLE;

/// Takes ownership of a handle a Win32 call returned (closed on drop); the call's error
/// when it returned none.
pub(crate) fn owned(handle: HANDLE) -> io::Result<OwnedHandle> {
    if handle.is_null() || handle == windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh handle returned by the system, owned by nobody else.
    Ok(unsafe { OwnedHandle::from_raw_handle(handle) })
}

/// A Win32 `BOOL` result as `io::Result`.
pub(crate) fn check(ok: windows_sys::core::BOOL) -> io::Result<()> {
    if ok == 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}
