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
    Append(Box<Event>, EventSender),
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
                        let event = *event;
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
        if self
            .tx
            .send(Message::Append(Box::new(event), events.clone()))
            .is_err()
        {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::engine::RunReport;
    use crate::session::event::Outcome;

    /// A journal that records appends and fails the third one.
    struct Fake {
        seq: u64,
        closed: Arc<Mutex<bool>>,
    }

    impl JournalAppend for Fake {
        async fn append(&mut self, event: Event) -> Result<Record, String> {
            self.seq += 1;
            if self.seq == 3 {
                return Err("disk full".into());
            }
            tokio::task::yield_now().await;
            Ok(Record {
                seq: self.seq,
                at: time::OffsetDateTime::UNIX_EPOCH,
                event,
            })
        }
        async fn close(self) -> Result<(), String> {
            *self.closed.lock().unwrap() = true;
            Ok(())
        }
    }

    fn note(text: &str) -> Event {
        Event::NoteAdded {
            step: None,
            text: text.into(),
        }
    }

    #[tokio::test]
    async fn journal_acks_come_in_order_and_a_failure_refuses_what_follows() {
        let closed = Arc::new(Mutex::new(false));
        let mut persist: Box<dyn Persist> = Box::new(JournalPersist::spawn(Fake {
            seq: 0,
            closed: Arc::clone(&closed),
        }));
        let (tx, mut rx) = mpsc::unbounded_channel();
        for text in ["a", "b", "c", "d"] {
            persist.persist(note(text), &tx);
        }
        persist.close().await.unwrap();
        assert!(
            *closed.lock().unwrap(),
            "close flushes and closes the journal"
        );
        let mut got = Vec::new();
        while let Ok(event) = rx.try_recv() {
            got.push(event);
        }
        assert!(matches!(&got[0], AppEvent::Persisted(r) if r.seq == 1 && r.event == note("a")));
        assert!(matches!(&got[1], AppEvent::Persisted(r) if r.seq == 2 && r.event == note("b")));
        assert_eq!(got[2], AppEvent::PersistFailed("disk full".into()));
        assert_eq!(got[3], AppEvent::PersistFailed("disk full".into()));
    }

    struct Echo;

    impl StepRunner for Echo {
        fn run(&mut self, request: &ExecRequest, on_line: &mut dyn FnMut(&str)) -> RunReport {
            on_line("one");
            on_line("two");
            RunReport {
                outcome: Some(Outcome::Succeeded),
                exit_code: Some(0),
                tail: vec![request.step.clone()],
                ..RunReport::default()
            }
        }
        fn attach(
            &mut self,
            _step: &str,
            _attempt: u32,
            on_line: &mut dyn FnMut(&str),
        ) -> Attached {
            on_line("late");
            Attached::Gone
        }
    }

    fn request() -> ExecRequest {
        ExecRequest {
            step: "s".into(),
            attempt: 2,
            argv: vec!["true".into()],
            display_argv: vec!["true".into()],
            cwd: None,
            env: vec![],
            stdin: None,
            timeout_s: None,
            success_codes: vec![0],
            check: None,
            simulate: None,
            secrets: vec![],
        }
    }

    #[tokio::test]
    async fn a_blocking_runner_reports_lines_then_the_end_as_events() {
        let cancelled = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&cancelled);
        let mut runner =
            BlockingRunner::new(Echo).with_canceller(Arc::new(move |step, attempt| {
                seen.lock().unwrap().push((step.to_string(), attempt));
            }));
        let (tx, mut rx) = mpsc::unbounded_channel();
        runner.start(request(), &tx);
        let mut got = Vec::new();
        while got.len() < 3 {
            got.push(rx.recv().await.unwrap());
        }
        assert_eq!(
            got[0],
            AppEvent::StepOutput {
                step: "s".into(),
                line: "one".into()
            }
        );
        assert_eq!(
            got[1],
            AppEvent::StepOutput {
                step: "s".into(),
                line: "two".into()
            }
        );
        assert!(
            matches!(&got[2], AppEvent::StepFinished { step, attempt: 2, report } if step == "s" && report.tail == vec!["s".to_string()])
        );
        runner.attach("s", 3, &tx);
        assert_eq!(
            rx.recv().await.unwrap(),
            AppEvent::StepOutput {
                step: "s".into(),
                line: "late".into()
            }
        );
        assert_eq!(
            rx.recv().await.unwrap(),
            AppEvent::StepLost {
                step: "s".into(),
                attempt: 3
            }
        );
        runner.cancel("s", 2);
        assert_eq!(
            cancelled.lock().unwrap().as_slice(),
            &[("s".to_string(), 2)]
        );
    }
}
