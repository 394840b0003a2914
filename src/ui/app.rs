//! The loop: events in from one channel, `update`, commands out to the seams, one draw per
//! batch of events, on whatever terminal it is given. The shell around it (the real
//! terminal, the input/tick/signal tasks, the clean exit) is `app::screens`.

use ratatui::Terminal;
use ratatui::backend::Backend;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedReceiver;

use super::event::{AppEvent, Command, EventSender};
use super::render::draw;
use super::seams::{Persist, Runner};
use super::session::SessionUi;
use super::setup::AppSetup;
use super::state::{AppState, HomeState, Overlay, Screen};
use super::theme::Theme;
use super::update::{submit, update};

/// Events handled before the screen is drawn again (fast output arrives in batches).
const BATCH: usize = 4096;

/// The screens with their seams: `update` decides, this carries out.
pub struct App {
    pub state: AppState,
    persist: Option<Box<dyn Persist>>,
    runner: Option<Box<dyn Runner>>,
    events: EventSender,
    clipboard: Box<dyn FnMut(&str) + Send>,
    /// Intents the session starts with (see `SessionSetup::opening`).
    opening: Vec<crate::session::engine::Intent>,
}

impl App {
    /// The screens over `setup`; `events` is the sending end of the loop's channel.
    pub fn new(
        setup: AppSetup,
        events: EventSender,
        now: OffsetDateTime,
        theme: Theme,
        size: (u16, u16),
        clipboard: Box<dyn FnMut(&str) + Send>,
    ) -> App {
        let mut opening = Vec::new();
        let (screen, persist, runner, warnings) = match setup {
            AppSetup::Home(data) => (
                Screen::Home(HomeState {
                    data,
                    ..HomeState::default()
                }),
                None,
                None,
                vec![],
            ),
            AppSetup::Session(s) => {
                let s = *s;
                let mut ui = SessionUi::new(s.session, s.session_id, s.session_dir);
                opening = s.opening;
                ui.journal = s.records;
                (
                    Screen::Session(Box::new(ui)),
                    Some(s.persist),
                    Some(s.runner),
                    s.warnings,
                )
            }
        };
        let mut state = AppState::new(screen, now, theme, size);
        if !warnings.is_empty() {
            state.overlay = Some(Overlay::Notice {
                title: "Before you go on".into(),
                lines: warnings,
            });
        }
        App {
            state,
            persist,
            runner,
            events,
            clipboard,
            opening,
        }
    }

    /// Lets the session do what it does by itself on opening (journal that the current step
    /// was shown, re-attach to a step an earlier process started).
    pub fn start(&mut self) {
        let opening = std::mem::take(&mut self.opening);
        let commands = submit(&mut self.state, opening);
        self.execute(commands);
    }

    /// One event through `update`, its commands through the seams.
    pub fn handle(&mut self, event: AppEvent) {
        let commands = update(&mut self.state, event);
        self.execute(commands);
    }

    fn execute(&mut self, commands: Vec<Command>) {
        for command in commands {
            match command {
                Command::Persist(event) => match self.persist.as_mut() {
                    Some(persist) => persist.persist(event, &self.events),
                    None => {
                        let _ = self
                            .events
                            .send(AppEvent::PersistFailed("no journal is open".into()));
                    }
                },
                Command::Run(request) => {
                    if let Some(runner) = self.runner.as_mut() {
                        runner.start(request, &self.events);
                    }
                }
                Command::Attach { step, attempt } => {
                    if let Some(runner) = self.runner.as_mut() {
                        runner.attach(&step, attempt, &self.events);
                    }
                }
                Command::Cancel { step, attempt } => {
                    if let Some(runner) = self.runner.as_mut() {
                        runner.cancel(&step, attempt);
                    }
                }
                Command::CopyToClipboard(text) => (self.clipboard)(&text),
                Command::Quit => {}
            }
        }
    }

    /// Runs until the state says how it ends; draws once per batch of events.
    pub async fn run<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        events: &mut UnboundedReceiver<AppEvent>,
    ) -> Result<(), String> {
        self.start();
        loop {
            if self.state.ending.is_some() {
                return Ok(());
            }
            terminal
                .draw(|frame| draw(frame, &self.state))
                .map_err(|e| e.to_string())?;
            let Some(event) = events.recv().await else {
                return Ok(());
            };
            self.handle(event);
            for _ in 0..BATCH {
                if self.state.ending.is_some() {
                    break;
                }
                match events.try_recv() {
                    Ok(event) => self.handle(event),
                    Err(_) => break,
                }
            }
        }
    }

    /// Flushes and closes the journal (every event handed over is written).
    pub async fn close(&mut self) -> Result<(), String> {
        match self.persist.take() {
            Some(persist) => persist.close().await,
            None => Ok(()),
        }
    }
}
