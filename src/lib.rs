//! lifeline: a terminal wizard for restoring a failed OCS 2007 / 2007 R2 deployment.
//!
//! `wizard`, `plan` and `session` are pure; `journal` and `exec` carry out their effects;
//! `ui` draws state and sends intents.

pub mod app;
pub mod drill;
pub mod exec;
pub mod inventory;
pub mod invocation;
pub mod journal;
pub mod logging;
pub mod plan;
pub mod report;
pub mod session;
pub mod ui;
pub mod wizard;
