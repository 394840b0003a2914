//! One process by pid: is it still the very process we recorded (pid plus creation time),
//! and ending it. Handles, not `tasklist` text: a handle to an exited process still opens,
//! but is signalled, which is the Windows form of a zombie.

use std::io;
use std::os::windows::io::{AsRawHandle, OwnedHandle};

use windows_sys::Win32::Foundation::{ERROR_ACCESS_DENIED, FILETIME, WAIT_TIMEOUT};
use windows_sys::Win32::System::Threading::{
    GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SYNCHRONIZE,
    PROCESS_TERMINATE, TerminateProcess, WaitForSingleObject,
};

use super::{check, owned};

fn open(pid: u32, access: u32) -> io::Result<OwnedHandle> {
    // SAFETY: opening a process by id; the handle is checked and closed by `owned`.
    owned(unsafe { OpenProcess(access, 0, pid) })
}

/// The process's creation time (100 ns units since 1601), as a decimal token.
fn creation_time(handle: &OwnedHandle) -> io::Result<String> {
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: four valid FILETIME out-pointers and a handle with query access.
    check(unsafe {
        GetProcessTimes(
            handle.as_raw_handle(),
            &mut created,
            &mut exited,
            &mut kernel,
            &mut user,
        )
    })?;
    let ticks = (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime);
    Ok(ticks.to_string())
}

/// When process `pid` was created, as an opaque token that changes if the pid is reused.
pub fn start_token(pid: u32) -> Option<String> {
    let handle = open(pid, PROCESS_QUERY_LIMITED_INFORMATION).ok()?;
    creation_time(&handle).ok()
}

/// True while process `pid` runs and (when `token` is given) was created at that time.
pub fn alive(pid: u32, token: Option<&str>) -> bool {
    let handle = match open(pid, PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_SYNCHRONIZE) {
        Ok(h) => h,
        // Someone else's process: it exists, but it cannot be the one we recorded.
        Err(e) if e.raw_os_error() == Some(ERROR_ACCESS_DENIED as i32) => return token.is_none(),
        Err(_) => return false,
    };
    // SAFETY: a valid handle with SYNCHRONIZE access; a zero timeout only polls.
    let running = unsafe { WaitForSingleObject(handle.as_raw_handle(), 0) } == WAIT_TIMEOUT;
    running
        && match token {
            Some(expected) => creation_time(&handle).is_ok_and(|t| t == expected),
            None => true,
        }
}

/// Ends process `pid` if it is the one created at `token` (when given). Windows has no
/// polite stop for a console program in another console: this is the hard stop.
pub fn terminate(pid: u32, token: Option<&str>) -> Result<(), String> {
    let handle = open(pid, PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION)
        .map_err(|e| format!("cannot open process {pid}: {e}"))?;
    if let Some(expected) = token
        && creation_time(&handle).ok().as_deref() != Some(expected)
    {
        return Err(format!("process {pid} is no longer the one recorded"));
    }
    // SAFETY: a valid handle with PROCESS_TERMINATE access.
    check(unsafe { TerminateProcess(handle.as_raw_handle(), 1) })
        .map_err(|e| format!("cannot end process {pid}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive_with_its_creation_time_only() {
        let me = std::process::id();
        let token = start_token(me).expect("own creation time");
        assert!(alive(me, Some(&token)));
        assert!(alive(me, None));
        assert!(!alive(me, Some("1")));
        assert!(!alive(u32::MAX - 1, None));
    }

    #[test]
    fn an_exited_child_is_not_alive_though_its_handle_is_open() {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let token = start_token(pid);
        child.wait().unwrap();
        // `child` still holds its handle: the process object exists, signalled.
        assert!(!alive(pid, token.as_deref()));
        assert!(!alive(pid, None));
    }
}
