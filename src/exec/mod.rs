//! Running steps: processes, the drill simulator, built-in checks.

pub mod quote;
