//! A recovery session: its events, the fold that turns them into state, the expanded
//! step list and the engine that decides what happens next. Pure: no I/O here.

pub mod driver;
pub mod engine;
pub mod event;
pub mod fill;
pub mod state;
pub mod steps;

pub use engine::{Effect, Engine, ExecRequest, Intent, Need, Next, RunReport};
pub use event::{AnswerValue, Answers, Event, Record};
pub use state::{SessionState, StepStatus};
