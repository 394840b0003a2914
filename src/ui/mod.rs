//! The screens: an operator drives a whole recovery from the keyboard.
//!
//! One inbound event enum ([`AppEvent`]), one channel, one loop ([`app`]). The pure
//! [`update::update`] turns an event into state changes and [`Command`]s; render code
//! (`render`, `screens`, `widgets`) only reads [`AppState`]. Engine events are journaled
//! through the [`Persist`] seam and folded only when their ack comes back; commands run
//! through the [`Runner`] seam once their start is durable.
//!
//! # Wiring (the caller's side)
//!
//! ```text
//! // The journal's writer task behind the Persist seam (inside the tokio runtime):
//! impl ui::JournalAppend for journal::WriterHandle {
//!     async fn append(&mut self, e: Event) -> Result<Record, String> {
//!         journal::WriterHandle::append(self, e).await.map_err(|e| e.to_string())
//!     }
//!     async fn close(self) -> Result<(), String> {
//!         journal::WriterHandle::close(self).await.map_err(|e| e.to_string())
//!     }
//! }
//! let persist = Box::new(ui::JournalPersist::spawn(journal::spawn_writer(writer)));
//! // Attempts as tasks of this runtime, under the detached supervisor:
//! let runner = Box::new(app::exec_runner::StepExec::new(session_dir, self_exe));
//! let exit = ui::run_app(ui::AppSetup::Session(Box::new(ui::SessionSetup { .. }))).await?;
//! ```
//!
//! Home returns `AppExit::Start` / `AppExit::Resume`; the caller opens that session and calls
//! `run_app` again. While the screens are up, logs must go to a file, never to stderr.

pub mod act;
pub mod app;
pub mod clipboard;
pub mod event;
pub mod flow;
pub mod form;
pub mod keys;
pub mod memory;
pub mod output;
pub mod render;
pub mod screens;
pub mod seams;
pub mod session;
pub mod setup;
pub mod state;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod update;
pub mod view;
pub mod widgets;

pub use app::{App, run_app};
pub use event::{AppEvent, Command, EventSender, SignalKind};
pub use seams::{JournalAppend, JournalPersist, Persist, Runner};
pub use setup::{
    AppExit, AppSetup, HomeSetup, ScenarioSummary, SessionSetup, SessionSummary, WizardSummary,
};
pub use state::AppState;
pub use theme::Theme;
