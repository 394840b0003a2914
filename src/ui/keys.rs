//! Keys: for each screen (context), the bindings from keys to actions. The same tables
//! drive dispatch, the footer and the help overlay, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Select,
    Toggle,
    Run,
    Copy,
    View,
    Skip,
    MarkDone,
    Abort,
    Cancel,
    Why,
    Help,
    Plan,
    Quit,
    Back,
    NextField,
    PrevField,
    Yes,
    No,
    NewRecovery,
    NewDrill,
}

/// The screen (or overlay) keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Home,
    Picker,
    Decision,
    Form,
    RerunForm,
    Confirm,
    Execute,
    Running,
    /// A step that just succeeded, shown with its output until Enter.
    Review,
    Failed,
    Interrupted,
    Checklist,
    Info,
    AllDone,
    Ended,
    Plan,
    Help,
    QuitPrompt,
    TextPrompt,
    CancelPrompt,
    View,
    Report,
    Notice,
    Fatal,
}

impl Context {
    /// Typing goes into a text field; only the bound special keys are actions.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Context::Form | Context::RerunForm | Context::Confirm | Context::TextPrompt
        )
    }
}

/// A key as bindings name it (`Char` keys and Shift-Tab ignore Shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct K(pub KeyCode, pub KeyModifiers);

const fn c(ch: char) -> K {
    K(KeyCode::Char(ch), KeyModifiers::NONE)
}
const fn k(code: KeyCode) -> K {
    K(code, KeyModifiers::NONE)
}
const fn ctrl(ch: char) -> K {
    K(KeyCode::Char(ch), KeyModifiers::CONTROL)
}

/// One binding: its keys, how the footer and help name them, what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [K],
    pub label: &'static str,
    /// A word or two for the footer.
    pub short: &'static str,
    /// A sentence for the help overlay.
    pub help: &'static str,
    pub action: Action,
    pub footer: bool,
}

const fn b(
    keys: &'static [K],
    label: &'static str,
    short: &'static str,
    help: &'static str,
    action: Action,
    footer: bool,
) -> Binding {
    Binding {
        keys,
        label,
        short,
        help,
        action,
        footer,
    }
}

#[rustfmt::skip]
const UP: Binding = b(const { &[k(KeyCode::Up), c('k')] }, "↑/k", "up", "move up", Action::Up, false);
#[rustfmt::skip]
const DOWN: Binding = b(const { &[k(KeyCode::Down), c('j')] }, "↓/j", "down", "move down", Action::Down, false);
#[rustfmt::skip]
const TOP: Binding = b(const { &[k(KeyCode::Home), c('g')] }, "Home/g", "top", "go to the top (oldest output)", Action::Top, false);
#[rustfmt::skip]
const BOTTOM: Binding = b(const { &[k(KeyCode::End), c('G')] }, "End/G", "bottom", "go to the bottom and follow new output", Action::Bottom, false);
#[rustfmt::skip]
const PGUP: Binding = b(const { &[k(KeyCode::PageUp)] }, "PgUp", "page up", "scroll a page up", Action::PageUp, false);
#[rustfmt::skip]
const PGDN: Binding = b(const { &[k(KeyCode::PageDown)] }, "PgDn", "page down", "scroll a page down", Action::PageDown, false);
#[rustfmt::skip]
const HELP: Binding = b(const { &[c('?')] }, "?", "help", "show every key of this screen", Action::Help, true);
#[rustfmt::skip]
const PLAN: Binding = b(const { &[c('p'), k(KeyCode::Tab)] }, "p/Tab", "plan", "show or hide the plan overview", Action::Plan, true);
#[rustfmt::skip]
const WHY: Binding = b(const { &[c('w')] }, "w", "why", "show or hide why this step exists", Action::Why, true);
#[rustfmt::skip]
const ABORT: Binding = b(const { &[c('a')] }, "a", "abort", "abort the whole session (asks for a reason)", Action::Abort, false);
#[rustfmt::skip]
const QUIT: Binding = b(const { &[c('q')] }, "q", "quit", "leave lifeline (the session is saved; asks first)", Action::Quit, true);
#[rustfmt::skip]
const COPY: Binding = b(const { &[c('c')] }, "c", "copy", "copy the command line to the clipboard (OSC 52)", Action::Copy, true);
#[rustfmt::skip]
const VIEW: Binding = b(const { &[c('v')] }, "v", "view all", "view the whole step text and command line", Action::View, false);
#[rustfmt::skip]
const SKIP: Binding = b(const { &[c('s')] }, "s", "skip", "skip this step (asks for a reason)", Action::Skip, true);
#[rustfmt::skip]
const DONE: Binding = b(const { &[c('d')] }, "d", "mark done", "mark this step done by hand (with a note)", Action::MarkDone, true);
#[rustfmt::skip]
const BACK: Binding = b(const { &[k(KeyCode::Esc), k(KeyCode::Left), c('h')] }, "Esc/←/h", "back", "go back", Action::Back, true);
#[rustfmt::skip]
const F_HELP: Binding = b(const { &[k(KeyCode::F(1))] }, "F1", "help", "show every key of this screen", Action::Help, true);
#[rustfmt::skip]
const F_VIEW: Binding = b(const { &[k(KeyCode::F(3))] }, "F3", "view all", "view the whole step text (where v types into the field)", Action::View, false);
#[rustfmt::skip]
const F_PLAN: Binding = b(const { &[k(KeyCode::F(2))] }, "F2", "plan", "show or hide the plan overview", Action::Plan, false);
#[rustfmt::skip]
const F_QUIT: Binding = b(const { &[ctrl('q')] }, "Ctrl-Q", "quit", "leave lifeline (the session is saved; asks first)", Action::Quit, true);
#[rustfmt::skip]
const NEXT_FIELD: Binding = b(const { &[k(KeyCode::Tab), k(KeyCode::Down)] }, "Tab/↓", "next", "next field", Action::NextField, true);
#[rustfmt::skip]
const PREV_FIELD: Binding = b(const { &[k(KeyCode::BackTab), k(KeyCode::Up)] }, "S-Tab/↑", "previous", "previous field", Action::PrevField, false);
#[rustfmt::skip]
const CLOSE: Binding = b(const { &[k(KeyCode::Esc), c('q'), k(KeyCode::Enter)] }, "Esc", "close", "close this window", Action::Back, true);

/// The bindings of a context, in the order help lists them.
#[rustfmt::skip]
pub fn bindings(context: Context) -> Vec<Binding> {
    use Context as C;
    let scroll = [UP, DOWN, PGUP, PGDN, TOP, BOTTOM];
    let mut v: Vec<Binding> = match context {
        C::Home => vec![
            UP, DOWN, TOP, BOTTOM,
            b(const { &[k(KeyCode::Enter), k(KeyCode::Right), c('l')] }, "Enter/→/l", "open", "resume the session (watch it live when another console drives it), start, or show a report command", Action::Select, true),
            b(const { &[c('n')] }, "n", "new recovery", "start a recovery", Action::NewRecovery, true),
            b(const { &[c('t')] }, "t", "new drill", "start a drill (training: nothing is executed)", Action::NewDrill, true),
            HELP,
            b(const { &[c('q'), k(KeyCode::Esc)] }, "q", "quit", "leave lifeline", Action::Quit, true),
        ],
        C::Picker => vec![
            UP, DOWN, TOP, BOTTOM,
            b(const { &[k(KeyCode::Enter), k(KeyCode::Right), c('l')] }, "Enter/→/l", "start", "start a session of this wizard", Action::Select, true),
            BACK, HELP,
            b(const { &[c('q')] }, "q", "quit", "leave lifeline", Action::Quit, false),
        ],
        C::Decision => vec![
            UP, DOWN,
            b(const { &[k(KeyCode::Char(' '))] }, "Space", "tick", "tick or untick an option (several may be chosen)", Action::Toggle, false),
            b(const { &[k(KeyCode::Enter)] }, "Enter", "choose", "choose the option under the cursor (or the ticked ones)", Action::Select, true),
            VIEW, WHY, PLAN, ABORT, HELP, QUIT,
        ],
        C::Form | C::RerunForm => {
            let mut v = vec![
                NEXT_FIELD, PREV_FIELD,
                b(const { &[k(KeyCode::Enter)] }, "Enter", "submit", "check every field and give the answers", Action::Select, true),
            ];
            if context == C::RerunForm {
                v.push(b(const { &[k(KeyCode::Esc)] }, "Esc", "back", "close the form without running", Action::Back, true));
            }
            v.extend([F_VIEW, F_HELP, F_PLAN, F_QUIT]);
            v
        }
        C::Confirm => vec![
            b(const { &[k(KeyCode::Enter)] }, "Enter", "confirm", "confirm with the word typed", Action::Select, true),
            b(const { &[k(KeyCode::Esc)] }, "Esc", "clear", "clear what was typed", Action::Back, false),
            F_VIEW, F_HELP, F_PLAN, F_QUIT,
        ],
        C::Execute => vec![
            b(const { &[c('r')] }, "r", "run", "run the command now", Action::Run, true),
            COPY, VIEW, SKIP, WHY, PLAN, ABORT, HELP, QUIT,
        ],
        C::Running => {
            let mut v = vec![
                b(const { &[c('x')] }, "x", "cancel", "stop the running command (asks first)", Action::Cancel, true),
                COPY, VIEW,
            ];
            v.extend(scroll);
            v.extend([WHY, PLAN, ABORT, HELP, QUIT]);
            v
        }
        C::Review => {
            let mut v = vec![
                b(const { &[k(KeyCode::Enter), k(KeyCode::Esc)] }, "Enter", "next step", "go on to the next step", Action::Select, true),
                COPY, VIEW,
            ];
            v.extend(scroll);
            v.extend([PLAN, HELP, QUIT]);
            v
        }
        C::Failed | C::Interrupted => {
            let run = if context == C::Failed { "retry" } else { "run again" };
            let mut v = vec![
                b(const { &[c('r')] }, "r", run, "run the command again (a new attempt)", Action::Run, true),
                DONE, SKIP, COPY, VIEW,
            ];
            v.extend(scroll);
            v.extend([WHY, PLAN, ABORT, HELP, QUIT]);
            v
        }
        C::Checklist => vec![
            UP, DOWN,
            b(const { &[k(KeyCode::Char(' '))] }, "Space", "tick", "tick or untick the item under the cursor", Action::Toggle, true),
            b(const { &[k(KeyCode::Enter)] }, "Enter", "complete", "complete the step once every item is ticked", Action::Select, true),
            DONE, SKIP, VIEW, WHY, PLAN, ABORT, HELP, QUIT,
        ],
        C::Info => vec![
            b(const { &[k(KeyCode::Enter)] }, "Enter", "continue", "go on to the next step", Action::Select, true),
            UP, DOWN, PGUP, PGDN, VIEW, WHY, PLAN, ABORT, HELP, QUIT,
        ],
        C::AllDone => vec![
            b(const { &[k(KeyCode::Enter)] }, "Enter", "finish", "finish the session (every step is resolved)", Action::Select, true),
            PLAN, HELP, QUIT,
        ],
        C::Ended => vec![
            b(const { &[k(KeyCode::Enter), c('q'), k(KeyCode::Esc)] }, "Enter/q", "leave", "leave lifeline", Action::Quit, true),
            PLAN, HELP,
        ],
        C::Plan => {
            let mut v = scroll.to_vec();
            v.extend([
                b(const { &[c('p'), k(KeyCode::Tab), k(KeyCode::Esc), k(KeyCode::F(2)), k(KeyCode::Left), c('h')] }, "p/Esc/h", "close plan", "back to the current step", Action::Back, true),
                HELP, QUIT,
            ]);
            v
        }
        C::Help => vec![UP, DOWN, b(const { &[k(KeyCode::Esc), c('?'), c('q'), k(KeyCode::Enter), k(KeyCode::F(1))] }, "Esc", "close", "close the help", Action::Back, true)],
        C::QuitPrompt | C::CancelPrompt => vec![
            b(const { &[c('y')] }, "y", "yes", "yes", Action::Yes, true),
            b(const { &[c('n'), k(KeyCode::Esc)] }, "n/Esc", "no", "no, stay", Action::No, true),
        ],
        C::TextPrompt => vec![
            b(const { &[k(KeyCode::Enter)] }, "Enter", "ok", "accept", Action::Select, true),
            b(const { &[k(KeyCode::Esc)] }, "Esc", "cancel", "cancel", Action::Back, true),
        ],
        C::View => vec![UP, DOWN, PGUP, PGDN, COPY, CLOSE],
        C::Report => vec![COPY, CLOSE],
        C::Notice => vec![CLOSE],
        C::Fatal => vec![b(const { &[k(KeyCode::Enter), c('q'), k(KeyCode::Esc)] }, "Enter", "exit", "leave lifeline", Action::Quit, true)],
    };
    v.dedup_by(|a, b| a.label == b.label);
    v
}

/// The action a key asks for in a context.
pub fn action(context: Context, key: &KeyEvent) -> Option<Action> {
    let pressed = normalize(key);
    bindings(context)
        .into_iter()
        .find(|b| b.keys.contains(&pressed))
        .map(|b| b.action)
}

/// Ctrl-C: stop now (the journal is flushed, the terminal restored).
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

fn normalize(key: &KeyEvent) -> K {
    let mut mods =
        key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
        mods.remove(KeyModifiers::SHIFT);
    }
    K(key.code, mods)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn shifted_letters_and_backtab_match_their_bindings() {
        let g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action(Context::Running, &g), Some(Action::Bottom));
        let back = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action(Context::Form, &back), Some(Action::PrevField));
    }

    #[test]
    fn text_contexts_leave_letters_and_arrows_to_the_field() {
        for code in [
            KeyCode::Char('q'),
            KeyCode::Char('h'),
            KeyCode::Left,
            KeyCode::Right,
        ] {
            let pressed = key(code, KeyModifiers::NONE);
            for context in [
                Context::Form,
                Context::RerunForm,
                Context::Confirm,
                Context::TextPrompt,
            ] {
                assert_eq!(action(context, &pressed), None, "{context:?} {code:?}");
            }
        }
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action(Context::Confirm, &q), None);
        assert_eq!(action(Context::Execute, &q), Some(Action::Quit));
    }

    #[test]
    #[rustfmt::skip]
    fn every_context_has_help_or_a_way_out() {
        use Context as C;
        for context in [
            C::Home, C::Picker, C::Decision, C::Form, C::RerunForm, C::Confirm, C::Execute,
            C::Running, C::Review, C::Failed, C::Interrupted, C::Checklist, C::Info, C::AllDone, C::Ended,
            C::Plan, C::Help, C::QuitPrompt, C::TextPrompt, C::CancelPrompt, C::View,
            C::Report, C::Notice, C::Fatal,
        ] {
            let actions: Vec<Action> = bindings(context).iter().map(|b| b.action).collect();
            assert!(
                actions.iter().any(|a| matches!(a, Action::Help | Action::Back | Action::Quit | Action::No)),
                "{context:?}"
            );
        }
    }
}
