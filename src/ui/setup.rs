//! What the caller hands the screens ([`AppSetup`]) and what it gets back ([`AppExit`]).

use std::path::PathBuf;

use time::OffsetDateTime;

use super::event::SignalKind;
use super::seams::{Persist, Runner};
use crate::session::driver::Session;
use crate::session::engine::Intent;
use crate::session::state::SessionStatus;

/// What the screens open on.
pub enum AppSetup {
    /// `lifeline` with no arguments.
    Home(HomeSetup),
    /// A session, new or resumed.
    Session(Box<SessionSetup>),
}

/// The home screen's data, gathered by the caller from the sessions on disk.
#[derive(Debug, Clone, Default)]
pub struct HomeSetup {
    pub sessions: Vec<SessionSummary>,
    /// The wizards a recovery or a drill can start from.
    pub wizards: Vec<WizardSummary>,
    /// The bundled drill scenarios "start a drill" offers (after the whole recovery).
    pub scenarios: Vec<ScenarioSummary>,
    /// The operator's inventory a drill runs on; `None`: the bundled example deployment.
    pub inventory: Option<String>,
    pub warnings: Vec<String>,
}

/// A drill scenario as the drill picker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioSummary {
    pub id: String,
    pub title: String,
    pub briefing: String,
    /// The target time in seconds, when the scenario sets one.
    pub target_s: Option<u64>,
    pub faults: usize,
}

/// One session as the home screen lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub id: String,
    /// The wizard's title (or id).
    pub wizard: String,
    pub drill: bool,
    pub state: SessionStatus,
    /// The title of the step under the cursor, when there is one.
    pub current_step: Option<String>,
    pub done: usize,
    pub total: usize,
    pub updated_at: Option<OffsetDateTime>,
    /// Who holds the lock (`user@host pid N`), when another process does.
    pub locked_by: Option<String>,
}

/// A wizard offered by "start a recovery" / "start a drill".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardSummary {
    pub id: String,
    pub title: String,
    pub description: String,
}

/// A session to drive: the one driver over the replayed state, and the seams.
pub struct SessionSetup {
    pub session: Session<'static>,
    /// Intents the session starts with (the note of checks re-run on a resume).
    pub opening: Vec<Intent>,
    pub persist: Box<dyn Persist>,
    pub runner: Box<dyn Runner>,
    pub session_id: String,
    pub session_dir: PathBuf,
    /// Shown once when the screens open (a torn last line dropped, a changed wizard...).
    pub warnings: Vec<String>,
    /// The journal records `state` was replayed from (for the drill's score at the end).
    pub records: Vec<crate::session::event::Record>,
}

/// How the screens ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppExit {
    /// Home: the operator left without choosing anything.
    Closed,
    /// The operator left a session; it is saved and resumes with `lifeline resume <id>`.
    Left {
        session: String,
    },
    Finished {
        session: String,
    },
    Aborted {
        session: String,
        reason: String,
    },
    /// Home: start a new session of this wizard.
    Start {
        wizard: String,
        drill: bool,
    },
    /// Home: start a drill of this bundled scenario (`None`: the whole recovery).
    Drill {
        scenario: Option<String>,
    },
    /// Home: watch this session, which another console drives (read-only).
    Watch {
        session: String,
    },
    /// Home: resume this session.
    Resume {
        session: String,
    },
    /// A signal (or Ctrl-C) stopped the screens; the journal was flushed.
    Signalled {
        session: Option<String>,
        signal: SignalKind,
    },
}
