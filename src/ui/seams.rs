//! The two seams between the screens and the outside: `Persist` (the journal; the real one
//! is `app::persist::JournalPersist`) and `Runner` (step execution; the real one is
//! `app::exec_runner::StepExec`). Both report back only by sending `AppEvent`s.

use std::future::Future;
use std::pin::Pin;

use super::event::EventSender;
use crate::session::engine::ExecRequest;
use crate::session::event::Event;

/// A boxed future the seams return from `close`.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Where journal events go. Acks arrive in the order events were handed over.
pub trait Persist: Send {
    /// Hands one event to the journal. Later, `events` receives `Persisted(record)` once it
    /// is durable, or `PersistFailed(message)`.
    fn persist(&mut self, event: Event, events: &EventSender);
    /// Waits until everything handed over is written, then closes the journal.
    fn close(self: Box<Self>) -> BoxFuture<Result<(), String>>;
}

/// Where attempts run. Output and endings come back as events.
pub trait Runner: Send {
    /// Starts an attempt whose start is already journaled: `StepOutput` lines, then one
    /// `StepFinished`.
    fn start(&mut self, request: ExecRequest, events: &EventSender);
    /// Follows an attempt started by an earlier process: its output, then `StepFinished`,
    /// or `StepLost` when no process and no outcome is left.
    fn attach(&mut self, step: &str, attempt: u32, events: &EventSender);
    /// Asks a running attempt to stop.
    fn cancel(&mut self, step: &str, attempt: u32);
}
