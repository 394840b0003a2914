//! The two seams between the screens and the outside: `Persist` (the journal) and `Runner`
//! (step execution), with adapters over the journal's writer task and the driver's
//! blocking `StepRunner`. Both report back only by sending [`AppEvent`]s.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::event::{AppEvent, EventSender};
use crate::app::driver::{Attached, StepRunner};
use crate::session::engine::ExecRequest;
use crate::session::event::{Event, Record};

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

/// An append-only journal as an async writer (the journal's `WriterHandle` implements it
/// in a few lines; see the module docs of `ui`).
pub trait JournalAppend: Send + 'static {
    /// Appends one event; resolves once it is durable.
    fn append(&mut self, event: Event) -> impl Future<Output = Result<Record, String>> + Send;
    /// Flushes and closes.
    fn close(self) -> impl Future<Output = Result<(), String>> + Send;
}

enum Message {
    Append(Event, EventSender),
    Close(oneshot::Sender<Result<(), String>>),
}

/// [`Persist`] over any [`JournalAppend`]: one task appends events strictly in order and
/// acks each one; after a failure it refuses everything that follows.
pub struct JournalPersist {
    tx: mpsc::UnboundedSender<Message>,
}

impl JournalPersist {
    /// Moves the journal onto its own task. Call within a tokio runtime.
    pub fn spawn<J: JournalAppend>(journal: J) -> JournalPersist {
        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            let mut journal = journal;
            let mut failed: Option<String> = None;
            while let Some(message) = rx.recv().await {
                match message {
                    Message::Append(event, events) => {
                        let reply = match &failed {
                            Some(why) => AppEvent::PersistFailed(why.clone()),
                            None => match journal.append(event).await {
                                Ok(record) => AppEvent::Persisted(record),
                                Err(why) => {
                                    failed = Some(why.clone());
                                    AppEvent::PersistFailed(why)
                                }
                            },
                        };
                        // The loop may be gone already (quitting); the event is durable anyway.
                        let _ = events.send(reply);
                    }
                    Message::Close(done) => {
                        let _ = done.send(journal.close().await);
                        return;
                    }
                }
            }
            let _ = journal.close().await;
        });
        JournalPersist { tx }
    }
}

impl Persist for JournalPersist {
    fn persist(&mut self, event: Event, events: &EventSender) {
        if self.tx.send(Message::Append(event, events.clone())).is_err() {
            let _ = events.send(AppEvent::PersistFailed(
                "the journal writer has stopped".into(),
            ));
        }
    }

    fn close(self: Box<Self>) -> BoxFuture<Result<(), String>> {
        Box::pin(async move {
            let (done, wait) = oneshot::channel();
            if self.tx.send(Message::Close(done)).is_err() {
                return Ok(());
            }
            wait.await
                .unwrap_or_else(|_| Err("the journal writer has stopped".into()))
        })
    }
}

/// How a [`BlockingRunner`] asks a running attempt to stop (e.g. writes its cancel file).
pub type Canceller = Arc<dyn Fn(&str, u32) + Send + Sync>;

/// [`Runner`] over the driver's blocking [`StepRunner`]: each attempt runs on its own
/// thread (not a tokio blocking task, so quitting never waits for a long restore).
pub struct BlockingRunner<R: StepRunner + Send + 'static> {
    inner: Arc<Mutex<R>>,
    canceller: Option<Canceller>,
}

impl<R: StepRunner + Send + 'static> BlockingRunner<R> {
    pub fn new(runner: R) -> Self {
        BlockingRunner {
            inner: Arc::new(Mutex::new(runner)),
            canceller: None,
        }
    }

    /// Sets what `cancel` does.
    pub fn with_canceller(mut self, canceller: Canceller) -> Self {
        self.canceller = Some(canceller);
        self
    }

    fn spawn(&self, job: impl FnOnce(&mut R) + Send + 'static) {
        let inner = Arc::clone(&self.inner);
        std::thread::spawn(move || {
            let mut runner = match inner.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            job(&mut runner);
        });
    }
}

impl<R: StepRunner + Send + 'static> Runner for BlockingRunner<R> {
    fn start(&mut self, request: ExecRequest, events: &EventSender) {
        let events = events.clone();
        self.spawn(move |runner| {
            let step = request.step.clone();
            let mut on_line = |line: &str| {
                let _ = events.send(AppEvent::StepOutput {
                    step: step.clone(),
                    line: line.to_string(),
                });
            };
            let report = runner.run(&request, &mut on_line);
            let _ = events.send(AppEvent::StepFinished {
                step: request.step.clone(),
                attempt: request.attempt,
                report,
            });
        });
    }

    fn attach(&mut self, step: &str, attempt: u32, events: &EventSender) {
        let events = events.clone();
        let step = step.to_string();
        self.spawn(move |runner| {
            let mut on_line = |line: &str| {
                let _ = events.send(AppEvent::StepOutput {
                    step: step.clone(),
                    line: line.to_string(),
                });
            };
            let event = match runner.attach(&step, attempt, &mut on_line) {
                Attached::Ended(report) => AppEvent::StepFinished {
                    step,
                    attempt,
                    report,
                },
                Attached::Gone => AppEvent::StepLost { step, attempt },
            };
            let _ = events.send(event);
        });
    }

    fn cancel(&mut self, step: &str, attempt: u32) {
        if let Some(cancel) = &self.canceller {
            cancel(step, attempt);
        }
    }
}
