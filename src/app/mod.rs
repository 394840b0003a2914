//! The imperative shell: sessions on disk, the driver, headless runs.

pub mod answers;
pub mod driver;
pub mod headless;
pub mod plain_runner;
pub mod store;
pub mod template;
