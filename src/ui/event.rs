//! What flows into the loop (one enum, one channel) and what `update` asks the shell to do.

use crossterm::event::KeyEvent;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use crate::session::engine::{ExecRequest, RunReport};
use crate::session::event::{Event, Record};

/// Everything the loop reacts to. Background tasks only send these; they never touch state.
#[derive(Debug, Clone, PartialEq)]
pub enum AppEvent {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock, read by the tick task (4 Hz), never by render code.
    Tick(OffsetDateTime),
    /// One line of a running step's output (already redacted by the runner).
    StepOutput {
        step: String,
        line: String,
    },
    /// An attempt ended (or was found ended on re-attach).
    StepFinished {
        step: String,
        attempt: u32,
        report: RunReport,
    },
    /// A re-attach found no process and no outcome: the attempt is interrupted.
    StepLost {
        step: String,
        attempt: u32,
    },
    /// The journal has the event durably (fsynced); here is its record.
    Persisted(Record),
    /// The journal could not take an event: everything stops.
    PersistFailed(String),
    Signal(SignalKind),
}

/// A request from outside to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    /// SIGTERM.
    Term,
    /// SIGHUP: the SSH link or the console went away.
    Hup,
    /// SIGINT, or Ctrl-C typed in the terminal.
    Int,
}

/// What `update` asks the shell to carry out, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Journal this event; the ack comes back as `Persisted` (or `PersistFailed`).
    Persist(Event),
    /// Start an attempt whose `step-started` is already durable.
    Run(ExecRequest),
    /// Follow an attempt started by an earlier process (resume).
    Attach { step: String, attempt: u32 },
    /// Ask a running attempt to stop; it ends with a `StepFinished` (cancelled).
    Cancel { step: String, attempt: u32 },
    /// Put text on the operator's clipboard with OSC 52 (works over SSH).
    CopyToClipboard(String),
    /// Leave the loop: flush the journal, restore the terminal.
    Quit,
}

/// The sending end of the loop's channel, handed to the seams.
pub type EventSender = UnboundedSender<AppEvent>;
