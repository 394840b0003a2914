//! What the keys of a session's screens do: answer, confirm, run, tick, skip, mark done,
//! abort, scroll, and the text typed into forms and prompts.

use crossterm::event::Event as TermEvent;
use tui_input::backend::crossterm::EventHandler;

use super::event::Command;
use super::form::FormPurpose;
use super::keys::{Action, Context};
use super::state::{AppState, Level, Overlay, Prompt, PromptPurpose};
use super::update::{leave, submit};
use super::view::NeedView;
use crate::session::engine::Intent;

/// An action on a session screen.
pub fn session_action(
    state: &mut AppState,
    context: Context,
    action: Action,
    page: usize,
) -> Vec<Command> {
    let Some(session) = state.session_mut() else {
        return vec![];
    };
    if context == Context::Review {
        return review_action(state, action, page);
    }
    // The plan view closes the same way over every screen, the last ones included (it once
    // kept every key but Ctrl-C there).
    match (context, action) {
        (Context::Plan, Action::Plan | Action::Back) => return toggle_plan(state),
        (Context::Plan, Action::Help) => return help(state),
        (Context::Plan, Action::Quit) => return quit(state),
        (Context::Plan, _) => return plan_action(state, action, page),
        _ => {}
    }
    let Some(step) = session.step().cloned() else {
        // All done, or ended.
        return match (context, action) {
            (_, Action::Help) => help(state),
            (_, Action::Plan) => toggle_plan(state),
            (Context::AllDone, Action::Select) => submit(state, vec![Intent::FinishSession]),
            (Context::Ended, Action::Quit) => leave(state),
            (_, Action::Quit) => quit(state),
            _ => vec![],
        };
    };
    let key = step.key.clone();
    let w = &mut session.widgets;
    match (context, action) {
        (_, Action::Help) => help(state),
        (_, Action::Plan) => toggle_plan(state),
        (_, Action::Quit) => quit(state),
        (_, Action::Why) => {
            w.show_why = !w.show_why;
            vec![]
        }
        (_, Action::View) => {
            state.overlay = Some(Overlay::View { scroll: 0 });
            vec![]
        }
        (_, Action::Copy) => copy_command(state),
        (_, Action::Abort) => prompt(state, PromptPurpose::Abort),
        (_, Action::Skip) => prompt(state, PromptPurpose::Skip { step: key }),
        (_, Action::MarkDone) => prompt(state, PromptPurpose::MarkDone { step: key }),
        (Context::Decision, _) => {
            let Some(decision) = w.decision.as_mut() else {
                return vec![];
            };
            match action {
                Action::Up => decision.up(),
                Action::Down => decision.down(),
                Action::Toggle => decision.toggle(),
                Action::Select => {
                    if let Some(intent) = decision.choose() {
                        return submit(state, vec![intent]);
                    }
                }
                _ => {}
            }
            vec![]
        }
        (Context::Form | Context::RerunForm, _) => {
            let Some(form) = w.form.as_mut() else {
                return vec![];
            };
            match action {
                Action::NextField => form.next_field(),
                Action::PrevField => form.prev_field(),
                Action::Back => w.form = None,
                Action::Select => {
                    if let Some(mut intents) = form.submit() {
                        if form.purpose == FormPurpose::BeforeRerun {
                            intents.push(Intent::Start { step: key });
                        }
                        return submit(state, intents);
                    }
                }
                _ => {}
            }
            vec![]
        }
        (Context::Confirm, Action::Back) => {
            w.confirm.reset();
            w.confirm_error = None;
            vec![]
        }
        (Context::Confirm, Action::Select) => {
            let NeedView::Confirm { word } = &step.need else {
                return vec![];
            };
            let typed = w.confirm.value().trim().to_string();
            if typed != *word {
                w.confirm_error = Some(format!("that is not '{word}'; type it exactly"));
                return vec![];
            }
            submit(
                state,
                vec![Intent::Confirm {
                    step: key,
                    word: typed,
                }],
            )
        }
        (Context::Execute | Context::Failed, Action::Run) => {
            submit(state, vec![Intent::Start { step: key }])
        }
        (Context::Interrupted, Action::Run) => {
            if session.open_rerun_form() {
                return vec![];
            }
            submit(state, vec![Intent::Start { step: key }])
        }
        (Context::Running, Action::Cancel) => {
            if let NeedView::Running { attempt } = step.need {
                state.overlay = Some(Overlay::CancelRun { step: key, attempt });
            }
            vec![]
        }
        (Context::Running | Context::Failed | Context::Interrupted, _) => {
            let pane = &mut session.output;
            match action {
                Action::Up => pane.up(1),
                Action::Down => pane.down(1),
                Action::PageUp => pane.up(page),
                Action::PageDown => pane.down(page),
                Action::Top => pane.top(),
                Action::Bottom => pane.bottom(),
                _ => {}
            }
            vec![]
        }
        (Context::Checklist, _) => {
            let items = step.def.checklist.len();
            match action {
                Action::Up => w.cursor = w.cursor.saturating_sub(1),
                Action::Down => w.cursor = (w.cursor + 1).min(items.saturating_sub(1)),
                Action::Toggle if items > 0 => {
                    let item = w.cursor.min(items - 1);
                    // Space toggles in place; Down moves (Space once moved too, so Space
                    // then Down skipped an item).
                    let ticked = !step.record.ticked.contains(&item);
                    return submit(
                        state,
                        vec![Intent::Tick {
                            step: key,
                            item,
                            ticked,
                        }],
                    );
                }
                Action::Select if step.need == NeedView::Acknowledge => {
                    return submit(state, vec![Intent::Acknowledge { step: key }]);
                }
                Action::Select => state.say(
                    Level::Error,
                    "tick every item first (Space), or d to mark the step done, s to skip it",
                ),
                _ => {}
            }
            vec![]
        }
        (Context::Info, Action::Select) => submit(state, vec![Intent::Acknowledge { step: key }]),
        (Context::Info, _) => {
            match action {
                Action::Up => w.body_scroll = w.body_scroll.saturating_sub(1),
                Action::Down => w.body_scroll += 1,
                Action::PageUp => w.body_scroll = w.body_scroll.saturating_sub(page),
                Action::PageDown => w.body_scroll += page,
                _ => {}
            }
            vec![]
        }
        _ => vec![],
    }
}

/// Keys while a step that just succeeded is on screen.
fn review_action(state: &mut AppState, action: Action, page: usize) -> Vec<Command> {
    match action {
        Action::Help => help(state),
        Action::Plan => toggle_plan(state),
        Action::Quit => quit(state),
        Action::Copy => copy_command(state),
        Action::View => {
            state.overlay = Some(Overlay::View { scroll: 0 });
            vec![]
        }
        _ => {
            if let Some(session) = state.session_mut() {
                let pane = &mut session.output;
                match action {
                    Action::Up => pane.up(1),
                    Action::Down => pane.down(1),
                    Action::PageUp => pane.up(page),
                    Action::PageDown => pane.down(page),
                    Action::Top => pane.top(),
                    Action::Bottom => pane.bottom(),
                    _ => session.widgets.review = None,
                }
            }
            vec![]
        }
    }
}

fn help(state: &mut AppState) -> Vec<Command> {
    state.overlay = Some(Overlay::Help { scroll: 0 });
    vec![]
}

fn quit(state: &mut AppState) -> Vec<Command> {
    state.overlay = Some(Overlay::Quit);
    vec![]
}

fn toggle_plan(state: &mut AppState) -> Vec<Command> {
    let page = usize::from(state.size.1.saturating_sub(10)).max(1);
    if let Some(session) = state.session_mut() {
        let w = &mut session.widgets;
        w.show_plan = !w.show_plan;
        if w.show_plan {
            // Open with the current step a third of the way down.
            let row = session.view.current_row.unwrap_or(0);
            w.plan_scroll = row.saturating_sub(page / 3);
        }
    }
    vec![]
}

fn plan_action(state: &mut AppState, action: Action, page: usize) -> Vec<Command> {
    if let Some(session) = state.session_mut() {
        let last = session.view.plan.len().saturating_sub(1);
        let scroll = &mut session.widgets.plan_scroll;
        match action {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = (*scroll + 1).min(last),
            Action::PageUp => *scroll = scroll.saturating_sub(page),
            Action::PageDown => *scroll = (*scroll + page).min(last),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = last,
            _ => {}
        }
    }
    vec![]
}

fn prompt(state: &mut AppState, purpose: PromptPurpose) -> Vec<Command> {
    if purpose == PromptPurpose::Abort && state.session().and_then(|s| s.running()).is_some() {
        state.say(
            Level::Error,
            "a command is running: cancel it (x) before aborting",
        );
        return vec![];
    }
    state.overlay = Some(Overlay::Prompt(Prompt::new(purpose)));
    vec![]
}

/// Copies the current step's command line (secrets stay `****`).
pub fn copy_command(state: &mut AppState) -> Vec<Command> {
    let command = state
        .session()
        .and_then(|s| s.shown_step())
        .and_then(|s| s.command.clone());
    match command {
        Some(line) => {
            state.say(Level::Info, "command line copied to the clipboard (OSC 52)");
            vec![Command::CopyToClipboard(line)]
        }
        None => {
            state.say(Level::Error, "this step has no command line to copy");
            vec![]
        }
    }
}

/// Enter or Esc in a text prompt.
pub fn prompt_action(state: &mut AppState, action: Action) -> Vec<Command> {
    let Some(Overlay::Prompt(prompt)) = &mut state.overlay else {
        return vec![];
    };
    if action != Action::Select {
        state.overlay = None;
        return vec![];
    }
    let text = prompt.input.value().trim().to_string();
    let intent = match &prompt.purpose {
        PromptPurpose::Skip { step } if !text.is_empty() => Intent::Skip {
            step: step.clone(),
            reason: text,
        },
        PromptPurpose::MarkDone { step } => Intent::MarkDone {
            step: step.clone(),
            note: (!text.is_empty()).then_some(text),
        },
        PromptPurpose::Abort if !text.is_empty() => Intent::Abort { reason: text },
        _ => {
            prompt.error = Some("a reason is required".into());
            return vec![];
        }
    };
    state.overlay = None;
    submit(state, vec![intent])
}

/// A key typed into the text field of the context.
pub fn type_into(state: &mut AppState, context: Context, event: &TermEvent) {
    if let Some(Overlay::Prompt(prompt)) = &mut state.overlay {
        prompt.input.handle_event(event);
        prompt.error = None;
        return;
    }
    let Some(session) = state.session_mut() else {
        return;
    };
    let w = &mut session.widgets;
    match context {
        Context::Confirm => {
            w.confirm.handle_event(event);
            w.confirm_error = None;
        }
        Context::Form | Context::RerunForm => {
            if let Some(form) = w.form.as_mut() {
                if let Some(field) = form.focused_mut() {
                    field.value.handle_event(event);
                }
                form.revalidate_focused();
            }
        }
        _ => {}
    }
}
