//! The screens: an operator drives a whole recovery from the keyboard.
//!
//! One inbound event enum ([`AppEvent`]), one channel, one loop ([`app`]). The pure
//! [`update::update`] turns an event into state changes and [`Command`]s; render code
//! (`render`, `screens`, `widgets`) only reads [`AppState`]. Engine events are journaled
//! through the [`Persist`] seam and folded only when their ack comes back; commands run
//! through the [`Runner`] seam once their start is durable.
//!
//! # Wiring (the caller's side, `app::ui_wiring` and `app::screens`)
//!
//! ```text
//! let persist = Box::new(app::persist::JournalPersist::spawn(journal::spawn_writer(writer)));
//! let runner = Box::new(app::exec_runner::StepExec::new(session_dir, self_exe));
//! let exit = app::screens::run_app(ui::AppSetup::Session(Box::new(ui::SessionSetup { .. }))).await?;
//! ```
//!
//! Home returns `AppExit::Start` / `AppExit::Resume`; the caller opens that session and calls
//! `run_app` again. While the screens are up, logs must go to a file, never to stderr.

pub mod act;
pub mod app;
pub mod event;
pub mod flow;
pub mod form;
pub mod keys;
#[cfg(feature = "test-support")]
pub mod memory;
pub mod output;
pub mod render;
pub mod screens;
pub mod seams;
pub mod session;
pub mod setup;
pub mod state;
pub mod text;
pub mod theme;
pub mod update;
pub mod view;
pub mod widgets;

pub use app::App;
pub use event::{AppEvent, Command, EventSender, SignalKind};
pub use seams::{Persist, Runner};
pub use setup::{
    AppExit, AppSetup, HomeSetup, ScenarioSummary, SessionSetup, SessionSummary, WizardSummary,
};
pub use state::AppState;
pub use theme::Theme;
