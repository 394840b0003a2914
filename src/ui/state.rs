//! Everything the screens draw from: the home data or the session, the overlay on top,
//! the one-line message, the injected clock. Render code only reads this.

use time::OffsetDateTime;
use tui_input::Input;

use super::form::FormPurpose;
use super::keys::Context;
use super::session::SessionUi;
use super::setup::{AppExit, HomeSetup, SessionSummary};
use super::theme::Theme;
use super::view::{Current, NeedView};
use crate::session::state::SessionStatus;

/// The home screen: sessions on disk and the wizards to start from.
#[derive(Debug, Clone, Default)]
pub struct HomeState {
    pub data: HomeSetup,
    pub cursor: usize,
    /// Picking a wizard to start: `Some(drill)`.
    pub picker: Option<bool>,
    pub picker_cursor: usize,
}

/// One row of the home list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeRow {
    Session(usize),
    StartRecovery,
    StartDrill,
}

impl HomeState {
    /// Rows of the open picker: the wizards for a recovery; for a drill the whole recovery
    /// and then each bundled scenario.
    pub fn picker_len(&self) -> usize {
        match self.picker {
            Some(true) => self.data.scenarios.len() + 1,
            _ => self.data.wizards.len(),
        }
    }

    /// Unfinished sessions first, then the two ways to start, then ended sessions.
    pub fn rows(&self) -> Vec<HomeRow> {
        let open = |s: &SessionSummary| s.state == SessionStatus::InProgress;
        let mut rows: Vec<HomeRow> = (0..self.data.sessions.len())
            .filter(|&i| open(&self.data.sessions[i]))
            .map(HomeRow::Session)
            .collect();
        rows.push(HomeRow::StartRecovery);
        rows.push(HomeRow::StartDrill);
        rows.extend(
            (0..self.data.sessions.len())
                .filter(|&i| !open(&self.data.sessions[i]))
                .map(HomeRow::Session),
        );
        rows
    }
}

/// What the screens show under any overlay.
pub enum Screen {
    Home(HomeState),
    Session(Box<SessionUi>),
}

/// What a text prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    Skip { step: String },
    MarkDone { step: String },
    Abort,
}

/// A one-line text prompt over the screen.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub input: Input,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(purpose: PromptPurpose) -> Prompt {
        Prompt {
            purpose,
            input: Input::default(),
            error: None,
        }
    }
}

/// A window over the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Quit,
    Prompt(Prompt),
    CancelRun {
        step: String,
        attempt: u32,
    },
    /// The whole step text and command line.
    View {
        scroll: usize,
    },
    /// The command that renders a finished session's report.
    Report {
        session: String,
    },
    /// Messages to read once (warnings on opening a session).
    Notice {
        title: String,
        lines: Vec<String>,
    },
}

/// How a status-line message looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// How the loop ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Exit(AppExit),
    /// The journal failed: the message goes to stderr, the exit code is an error.
    Failed(String),
}

/// The whole state of the screens.
pub struct AppState {
    /// The clock, as of the last tick (never read in render code).
    pub now: OffsetDateTime,
    pub theme: Theme,
    pub size: (u16, u16),
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub flash: Option<(Level, String)>,
    /// The journal failed: nothing more may happen.
    pub fatal: Option<String>,
    pub ending: Option<Ending>,
}

impl AppState {
    pub fn new(screen: Screen, now: OffsetDateTime, theme: Theme, size: (u16, u16)) -> Self {
        AppState {
            now,
            theme,
            size,
            screen,
            overlay: None,
            flash: None,
            fatal: None,
            ending: None,
        }
    }

    pub fn session(&self) -> Option<&SessionUi> {
        match &self.screen {
            Screen::Session(s) => Some(s),
            Screen::Home(_) => None,
        }
    }

    pub fn session_mut(&mut self) -> Option<&mut SessionUi> {
        match &mut self.screen {
            Screen::Session(s) => Some(s),
            Screen::Home(_) => None,
        }
    }

    /// The context keys go to, overlays first.
    pub fn context(&self) -> Context {
        if self.fatal.is_some() {
            return Context::Fatal;
        }
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Quit) => Context::QuitPrompt,
            Some(Overlay::Prompt(_)) => Context::TextPrompt,
            Some(Overlay::CancelRun { .. }) => Context::CancelPrompt,
            Some(Overlay::View { .. }) => Context::View,
            Some(Overlay::Report { .. }) => Context::Report,
            Some(Overlay::Notice { .. }) => Context::Notice,
            None => self.screen_context(),
        }
    }

    /// The context of the screen under any overlay (what help describes).
    pub fn screen_context(&self) -> Context {
        let session = match &self.screen {
            Screen::Home(home) if home.picker.is_some() => return Context::Picker,
            Screen::Home(_) => return Context::Home,
            Screen::Session(s) => s,
        };
        if session.widgets.show_plan {
            return Context::Plan;
        }
        if session.widgets.review.is_some() {
            return Context::Review;
        }
        let step = match &session.view.current {
            Current::AllDone => return Context::AllDone,
            Current::Ended(_) => return Context::Ended,
            Current::Step(step) => step,
        };
        if let Some(form) = &session.widgets.form
            && form.purpose == FormPurpose::BeforeRerun
        {
            return Context::RerunForm;
        }
        match &step.need {
            NeedView::Answers(_) if session.widgets.decision.is_some() => Context::Decision,
            NeedView::Answers(_) => Context::Form,
            NeedView::Confirm { .. } => Context::Confirm,
            NeedView::Running { .. } => Context::Running,
            NeedView::Failed { .. } => Context::Failed,
            NeedView::Interrupted { .. } => Context::Interrupted,
            NeedView::Execute => Context::Execute,
            NeedView::Checklist { .. } => Context::Checklist,
            NeedView::Acknowledge if step.def.kind == crate::wizard::StepKind::Manual => {
                Context::Checklist
            }
            NeedView::Acknowledge | NeedView::Succeeded => Context::Info,
        }
    }

    /// Shows a one-line message until the next key.
    pub fn say(&mut self, level: Level, message: impl Into<String>) {
        self.flash = Some((level, message.into()));
    }
}
