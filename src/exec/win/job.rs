//! A step's process tree as a Job Object.
//!
//! The child is created suspended, put into a job with `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`,
//! and only then resumed, so nothing it starts can escape the job before it is in it.
//! Everything the child starts joins the job too; `TerminateJobObject` ends every one of
//! them, and so does the supervisor's end (its handle to the job is the only one).

use std::io;
use std::os::windows::io::{AsRawHandle, OwnedHandle};
use std::process::Child;

use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject, TerminateJobObject,
};
use windows_sys::Win32::System::Threading::{OpenThread, ResumeThread, THREAD_SUSPEND_RESUME};

use super::{check, owned};

/// The exit code every process of a stopped job gets.
pub const STOPPED_EXIT_CODE: u32 = 1;

/// A Job Object that ends its processes when its last handle closes.
#[derive(Debug)]
pub struct Job {
    handle: OwnedHandle,
}

impl Job {
    /// A new, unnamed job with `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`.
    pub fn kill_on_close() -> io::Result<Job> {
        // SAFETY: no security attributes, no name; the handle is checked by `owned`.
        let handle = owned(unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) })?;
        // SAFETY: a plain-old-data struct for which all zeroes is a valid value.
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        // SAFETY: `info` lives across the call and its size is passed with it.
        check(unsafe {
            SetInformationJobObject(
                handle.as_raw_handle(),
                JobObjectExtendedLimitInformation,
                (&raw const info).cast(),
                size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            )
        })?;
        Ok(Job { handle })
    }

    /// Puts a child created with `CREATE_SUSPENDED` into this job, then lets it run.
    pub fn adopt_suspended(&self, child: &Child) -> io::Result<()> {
        // SAFETY: both handles are valid for the duration of the call.
        check(unsafe {
            AssignProcessToJobObject(self.handle.as_raw_handle(), child.as_raw_handle())
        })?;
        resume_threads(child.id())
    }

    /// Ends every process in the job. An error means they may still run.
    pub fn terminate(&self) -> io::Result<()> {
        // SAFETY: a valid job handle.
        check(unsafe { TerminateJobObject(self.handle.as_raw_handle(), STOPPED_EXIT_CODE) })
    }
}

/// Resumes the threads of a process created suspended (its one main thread): std's spawn
/// keeps the thread handle to itself, so the thread is found through a snapshot.
fn resume_threads(pid: u32) -> io::Result<()> {
    // SAFETY: a snapshot of all threads; the handle is checked and closed by `owned`.
    let snapshot = owned(unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0) })?;
    // SAFETY: plain-old-data; dwSize is set before use as the API requires.
    let mut entry: THREADENTRY32 = unsafe { std::mem::zeroed() };
    entry.dwSize = size_of::<THREADENTRY32>() as u32;
    let mut resumed = 0;
    // SAFETY: `entry` is a valid, sized THREADENTRY32 for each call.
    let mut more = unsafe { Thread32First(snapshot.as_raw_handle(), &mut entry) } != 0;
    while more {
        if entry.th32OwnerProcessID == pid {
            // SAFETY: opening a thread by id; the handle is checked and closed by `owned`.
            let thread =
                owned(unsafe { OpenThread(THREAD_SUSPEND_RESUME, 0, entry.th32ThreadID) })?;
            // SAFETY: a valid thread handle with THREAD_SUSPEND_RESUME access.
            if unsafe { ResumeThread(thread.as_raw_handle()) } == u32::MAX {
                return Err(io::Error::last_os_error());
            }
            resumed += 1;
        }
        // SAFETY: as above.
        more = unsafe { Thread32Next(snapshot.as_raw_handle(), &mut entry) } != 0;
    }
    if resumed == 0 {
        return Err(io::Error::other("the new process has no thread to resume"));
    }
    Ok(())
}
