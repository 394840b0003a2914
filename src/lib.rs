//! lifeline: a terminal wizard for restoring a failed OCS 2007 / 2007 R2 deployment.
//!
//! `wizard`, `session` (and `plan`) are pure; `journal` and `exec` carry out their effects.

pub mod exec;
pub mod session;
pub mod wizard;
