//! The two seams between the screens and the outside: `Persist` (the journal, with an
//! adapter over any async journal writer) and `Runner` (step execution; the real one is
//! `app::exec_runner::StepExec`). Both report back only by sending [`AppEvent`]s.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};

use super::event::{AppEvent, EventSender};
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

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
}
