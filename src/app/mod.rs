//! The imperative shell: sessions on disk, the headless driver and use cases, carrying out
//! attempts, and the screens' terminal, input and signals.

pub mod answers;
pub mod catalog;
pub mod clipboard;
pub mod driver;
pub mod echo;
pub mod exec_runner;
pub mod headless;
pub mod persist;
pub mod recheck;
pub mod sandbox;
pub mod screens;
pub mod store;
pub mod summary;
pub mod template;
pub mod terminal;
pub mod ui_wiring;
pub mod usecase;
pub mod watch;
