//! The screens: an operator drives a whole recovery from the keyboard.
//!
//! One inbound event enum ([`AppEvent`]), one channel, one loop ([`app`]). The pure
//! [`update::update`] turns an event into state changes and [`Command`]s; render code
//! (`render`, `screens`, `widgets`) only reads [`AppState`]. Engine events are journaled
//! through the [`Persist`] seam and folded only when their ack comes back; commands run
//! through the [`Runner`] seam once their start is durable.

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
pub use seams::{BlockingRunner, JournalAppend, JournalPersist, Persist, Runner};
pub use setup::{AppExit, AppSetup, HomeSetup, SessionSetup, SessionSummary, WizardSummary};
pub use state::AppState;
pub use theme::Theme;
