//! The pure update: an event in, state changed, commands out. Keys become actions through
//! the context's bindings; overlays and the home screen are handled here, the session's
//! screens in `act`.

use crossterm::event::{Event as TermEvent, KeyEvent, KeyEventKind};

use super::act;
use super::event::{AppEvent, Command, SignalKind};
use super::flow::Reaction;
use super::keys::{self, Action, Context};
use super::setup::AppExit;
use super::state::{AppState, Ending, HomeRow, Level, Overlay, Screen};
use crate::session::engine::{EngineError, Intent};

/// Applies one event; returns what the shell must do, in order.
pub fn update(state: &mut AppState, event: AppEvent) -> Vec<Command> {
    if state.ending.is_some() {
        return vec![];
    }
    match event {
        AppEvent::Tick(now) => {
            state.now = now;
            vec![]
        }
        AppEvent::Resize(w, h) => {
            state.size = (w, h);
            vec![]
        }
        AppEvent::Signal(kind) => stop(state, kind),
        AppEvent::PersistFailed(message) => {
            fail(state, message);
            vec![]
        }
        AppEvent::Key(key) => on_key(state, key),
        _ if state.fatal.is_some() => vec![],
        AppEvent::Persisted(record) => {
            let reaction = match state.session_mut() {
                Some(session) => session.acked(record),
                None => return vec![],
            };
            let mut commands = react(state, reaction);
            commands.extend(replay_deferred(state));
            commands
        }
        AppEvent::StepOutput { step, line } => {
            if let Some(session) = state.session_mut() {
                session.output.line(&step, &line);
            }
            vec![]
        }
        AppEvent::StepFinished {
            step,
            attempt,
            report,
        } => submit(
            state,
            vec![Intent::Finished {
                step,
                attempt,
                report,
            }],
        ),
        AppEvent::StepLost { step, attempt } => {
            submit(state, vec![Intent::Interrupted { step, attempt }])
        }
    }
}

/// Hands intents to the session's engine and shows what it says.
pub fn submit(state: &mut AppState, intents: Vec<Intent>) -> Vec<Command> {
    match state.session_mut() {
        Some(session) => {
            let reaction = session.submit(intents);
            react(state, reaction)
        }
        None => vec![],
    }
}

/// Shows refusals where they belong (the field, the confirmation, the status line).
fn react(state: &mut AppState, reaction: Reaction) -> Vec<Command> {
    if let Some(message) = reaction.fatal {
        fail(state, message);
        return vec![];
    }
    for error in reaction.refused {
        let mut placed = false;
        if let Some(session) = state.session_mut() {
            let w = &mut session.widgets;
            match &error {
                EngineError::InvalidAnswer { key, message } => {
                    if let Some(form) = w.form.as_mut() {
                        placed = form.reject(key, message);
                    }
                    if let Some(decision) = w.decision.as_mut().filter(|d| &d.ask.key == key) {
                        decision.error = Some(message.clone());
                        placed = true;
                    }
                }
                EngineError::WrongConfirmation { word, .. } => {
                    w.confirm_error = Some(format!("that is not '{word}'; type it exactly"));
                    placed = true;
                }
                _ => {}
            }
        }
        if !placed {
            state.say(Level::Error, error.to_string());
        }
    }
    reaction.commands
}

fn replay_deferred(state: &mut AppState) -> Vec<Command> {
    let mut commands = Vec::new();
    loop {
        let key = match state.session_mut() {
            Some(s) if !s.busy() => s.deferred.pop_front(),
            _ => None,
        };
        let Some(key) = key else { break };
        commands.extend(on_key(state, key));
    }
    commands
}

fn stop(state: &mut AppState, signal: SignalKind) -> Vec<Command> {
    let session = state.session().map(|s| s.id.clone());
    state.ending = Some(match state.fatal.clone() {
        Some(message) => Ending::Failed(message),
        None => Ending::Exit(AppExit::Signalled { session, signal }),
    });
    vec![Command::Quit]
}

fn fail(state: &mut AppState, message: String) {
    state.overlay = None;
    state.fatal = Some(format!("could not write the journal: {message}"));
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Command> {
    if key.kind == KeyEventKind::Release {
        return vec![];
    }
    if keys::is_interrupt(&key) {
        return stop(state, SignalKind::Int);
    }
    if let Some(message) = state.fatal.clone() {
        // Any key leaves: nothing else may happen once the journal failed.
        state.ending = Some(Ending::Failed(message));
        return vec![Command::Quit];
    }
    let overlay_open = state.overlay.is_some();
    if let Some(session) = state.session_mut() {
        // Type-ahead: keys wait until the journal has caught up, so each one is judged on
        // the state it was typed for.
        if session.busy() && !overlay_open {
            session.deferred.push_back(key);
            return vec![];
        }
    }
    state.flash = None;
    let context = state.context();
    let action = keys::action(context, &key);
    match action {
        None if context.is_text() => {
            act::type_into(state, context, &TermEvent::Key(key));
            vec![]
        }
        None => vec![],
        Some(action) => dispatch(state, context, action),
    }
}

fn dispatch(state: &mut AppState, context: Context, action: Action) -> Vec<Command> {
    let page = usize::from(state.size.1.saturating_sub(12)).max(1);
    match context {
        Context::Help => {
            if let Some(Overlay::Help { scroll }) = &mut state.overlay {
                match action {
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll += 1,
                    _ => state.overlay = None,
                }
            }
            vec![]
        }
        Context::QuitPrompt => match action {
            Action::Yes => leave(state),
            _ => {
                state.overlay = None;
                vec![]
            }
        },
        Context::CancelPrompt => {
            let overlay = state.overlay.take();
            match (action, overlay) {
                (Action::Yes, Some(Overlay::CancelRun { step, attempt })) => {
                    state.say(Level::Info, "asked the command to stop");
                    vec![Command::Cancel { step, attempt }]
                }
                _ => vec![],
            }
        }
        Context::TextPrompt => act::prompt_action(state, action),
        Context::View => {
            if action == Action::Copy {
                return act::copy_command(state);
            }
            if let Some(Overlay::View { scroll }) = &mut state.overlay {
                match action {
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll += 1,
                    Action::PageUp => *scroll = scroll.saturating_sub(page),
                    Action::PageDown => *scroll += page,
                    _ => state.overlay = None,
                }
            }
            vec![]
        }
        Context::Report => {
            let Some(Overlay::Report { session }) = state.overlay.clone() else {
                return vec![];
            };
            if action == Action::Copy {
                state.say(Level::Info, "command copied to the clipboard (OSC 52)");
                return vec![Command::CopyToClipboard(format!(
                    "{} report {session}",
                    crate::invocation::program()
                ))];
            }
            state.overlay = None;
            vec![]
        }
        Context::Notice => {
            state.overlay = None;
            vec![]
        }
        Context::Home | Context::Picker => home_action(state, context, action),
        _ => act::session_action(state, context, action, page),
    }
}

/// Leaves the screens; the session (if any) is saved.
pub fn leave(state: &mut AppState) -> Vec<Command> {
    let exit = match state.session() {
        Some(session) => {
            let id = session.id.clone();
            match &session.core.state.status {
                crate::session::state::SessionStatus::InProgress => AppExit::Left { session: id },
                crate::session::state::SessionStatus::Finished => AppExit::Finished { session: id },
                crate::session::state::SessionStatus::Aborted { reason } => AppExit::Aborted {
                    session: id,
                    reason: reason.clone(),
                },
            }
        }
        None => AppExit::Closed,
    };
    state.ending = Some(Ending::Exit(exit));
    vec![Command::Quit]
}

fn home_action(state: &mut AppState, context: Context, action: Action) -> Vec<Command> {
    if action == Action::Help {
        state.overlay = Some(Overlay::Help { scroll: 0 });
        return vec![];
    }
    if action == Action::Quit {
        return leave(state);
    }
    let Screen::Home(home) = &mut state.screen else {
        return vec![];
    };
    let (cursor, len) = if context == Context::Picker {
        let len = home.picker_len();
        (&mut home.picker_cursor, len)
    } else {
        let len = home.rows().len();
        (&mut home.cursor, len)
    };
    match action {
        Action::Up => *cursor = cursor.saturating_sub(1),
        Action::Down => *cursor = (*cursor + 1).min(len.saturating_sub(1)),
        Action::Top => *cursor = 0,
        Action::Bottom => *cursor = len.saturating_sub(1),
        Action::Back => home.picker = None,
        Action::NewRecovery | Action::NewDrill => {
            home.picker = Some(action == Action::NewDrill);
            home.picker_cursor = 0;
        }
        Action::Select if context == Context::Picker && home.picker == Some(true) => {
            // Row 0 is the whole recovery, then each bundled scenario.
            let scenario = match home.picker_cursor {
                0 => None,
                i => match home.data.scenarios.get(i - 1) {
                    Some(s) => Some(s.id.clone()),
                    None => return vec![],
                },
            };
            state.ending = Some(Ending::Exit(AppExit::Drill { scenario }));
            return vec![Command::Quit];
        }
        Action::Select if context == Context::Picker => {
            let drill = home.picker.unwrap_or(false);
            let Some(wizard) = home.data.wizards.get(home.picker_cursor) else {
                return vec![];
            };
            let exit = AppExit::Start {
                wizard: wizard.id.clone(),
                drill,
            };
            state.ending = Some(Ending::Exit(exit));
            return vec![Command::Quit];
        }
        Action::Select => match home.rows().get(home.cursor) {
            Some(HomeRow::StartRecovery | HomeRow::StartDrill) => {
                home.picker = Some(home.rows()[home.cursor] == HomeRow::StartDrill);
                home.picker_cursor = 0;
            }
            Some(HomeRow::Session(i)) => {
                let summary = &home.data.sessions[*i];
                let id = summary.id.clone();
                if summary.locked_by.is_some()
                    && summary.state == crate::session::state::SessionStatus::InProgress
                {
                    // Another console drives it: follow it live, read-only.
                    state.ending = Some(Ending::Exit(AppExit::Watch { session: id }));
                    return vec![Command::Quit];
                }
                if summary.state == crate::session::state::SessionStatus::InProgress {
                    state.ending = Some(Ending::Exit(AppExit::Resume { session: id }));
                    return vec![Command::Quit];
                }
                state.overlay = Some(Overlay::Report { session: id });
            }
            None => {}
        },
        _ => {}
    }
    vec![]
}
