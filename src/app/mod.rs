//! The imperative shell: sessions on disk, the driver, headless runs.

pub mod answers;
pub mod catalog;
pub mod driver;
pub mod echo;
pub mod exec_runner;
pub mod headless;
pub mod recheck;
pub mod sandbox;
pub mod store;
pub mod summary;
pub mod template;
pub mod ui_wiring;
pub mod usecase;
pub mod watch;
