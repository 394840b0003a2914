//! A session as the screens hold it: the pinned wizards, the folded state, what only memory
//! holds (secrets), the derived view and the widgets of the current screen.

use crate::session::event::Record;
use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::form::{DecisionState, FormPurpose, FormState, is_decision};
use super::output::OutputPane;
use super::view::{Current, NeedView, SessionView, StepView, derive};
use crate::session::driver::Session;
use crate::session::engine::Engine;

/// The widgets of the current screen; rebuilt when the step or what it waits for changes.
#[derive(Debug, Clone, Default)]
pub struct Widgets {
    /// Which step and need the widgets were built for.
    pub signature: String,
    pub step: Option<String>,
    pub form: Option<FormState>,
    pub decision: Option<DecisionState>,
    pub confirm: Input,
    pub confirm_error: Option<String>,
    /// Checklist cursor.
    pub cursor: usize,
    /// First row shown of a long step text.
    pub body_scroll: usize,
    pub show_plan: bool,
    pub plan_scroll: usize,
    pub show_why: bool,
    /// A step that just succeeded, kept on screen with its output until Enter.
    pub review: Option<Box<StepView>>,
}

/// A session being driven by the screens: the one driver, plus what the screens draw.
pub struct SessionUi {
    /// The driver: pinned wizards, state, secrets, defaults, appends awaiting their acks.
    pub core: Session<'static>,
    pub id: String,
    pub dir: PathBuf,
    pub view: SessionView,
    /// Keys typed while the journal was catching up; replayed in order after the acks.
    pub deferred: VecDeque<KeyEvent>,
    /// Attempts this process started or follows.
    pub live: BTreeSet<(String, u32)>,
    pub output: OutputPane,
    pub widgets: Widgets,
    /// The journal as this process knows it (replayed, then every ack), so the drill's score
    /// can be computed without reading any file.
    pub journal: Vec<Record>,
    /// A finished drill's score, one line each.
    pub score: Option<Vec<String>>,
}

impl SessionUi {
    /// A session over a replayed state.
    pub fn new(core: Session<'static>, id: String, dir: PathBuf) -> SessionUi {
        let drill = core.state.meta.as_ref().is_some_and(|m| m.drill);
        let mut ui = SessionUi {
            view: SessionView {
                current: Current::AllDone,
                progress: (0, 0),
                undecided: false,
                plan: vec![],
                current_row: None,
            },
            core,
            id,
            dir,
            deferred: VecDeque::new(),
            live: BTreeSet::new(),
            output: OutputPane::default(),
            journal: Vec::new(),
            score: None,
            widgets: Widgets {
                // Trainees see why each step exists without asking.
                show_why: drill,
                ..Widgets::default()
            },
        };
        ui.refresh();
        ui
    }

    /// The engine's view of the session as it stands.
    pub fn engine(&self) -> Engine<'_> {
        self.core.engine()
    }

    pub fn drill(&self) -> bool {
        self.core.state.meta.as_ref().is_some_and(|m| m.drill)
    }

    /// The wizard's title, for the header.
    pub fn title(&self) -> String {
        self.core
            .catalog
            .get(&self.core.root)
            .map(|w| w.title.clone())
            .unwrap_or_else(|| self.core.root.clone())
    }

    /// Waiting for the journal, or for intents queued behind it.
    pub fn busy(&self) -> bool {
        self.core.busy()
    }

    /// The step under the cursor.
    pub fn step(&self) -> Option<&StepView> {
        match &self.view.current {
            Current::Step(step) => Some(step),
            _ => None,
        }
    }

    /// The step on screen: the one under review, else the current one.
    pub fn shown_step(&self) -> Option<&StepView> {
        self.widgets.review.as_deref().or_else(|| self.step())
    }

    /// A step of this session is running (started or followed here).
    pub fn running(&self) -> Option<(String, u32)> {
        self.step().and_then(|s| match s.need {
            NeedView::Running { attempt } => Some((s.key.clone(), attempt)),
            _ => None,
        })
    }

    /// Derives the view again and rebuilds the widgets if the screen changed.
    pub fn refresh(&mut self) {
        self.view = derive(&self.engine());
        let signature = signature(&self.view.current);
        if signature != self.widgets.signature {
            self.rebuild_widgets();
            self.widgets.signature = signature;
        }
    }

    fn rebuild_widgets(&mut self) {
        let step = self.step().cloned();
        let key = step.as_ref().map(|s| s.key.clone());
        let w = &mut self.widgets;
        if w.step != key {
            // A checklist opens on its first unticked item (after a resume too), so the next
            // Space ticks rather than unticks.
            w.cursor = step
                .as_ref()
                .and_then(|s| (0..s.def.checklist.len()).find(|i| !s.record.ticked.contains(i)))
                .unwrap_or(0);
            w.body_scroll = 0;
            w.confirm = Input::default();
            w.confirm_error = None;
            w.step = key;
        }
        let previous = w.form.take();
        w.decision = None;
        let Some(step) = step else { return };
        match &step.need {
            NeedView::Answers(asks) => match asks.first() {
                Some(first) if is_decision(first.input.kind) => {
                    w.decision = Some(DecisionState::new(&step.key, first.clone()));
                }
                _ => {
                    let fields: Vec<_> = asks
                        .iter()
                        .take_while(|a| !is_decision(a.input.kind))
                        .cloned()
                        .collect();
                    w.form = Some(FormState::new(
                        &step.key,
                        FormPurpose::Answers,
                        fields,
                        previous.as_ref(),
                    ));
                }
            },
            NeedView::Interrupted { .. } => {
                // A re-run form stays open while the step is still interrupted.
                w.form = previous
                    .filter(|f| f.purpose == FormPurpose::BeforeRerun && f.step == step.key);
            }
            NeedView::Confirm { .. } => {}
            _ => {
                w.confirm = Input::default();
            }
        }
    }

    /// Opens the form for values to give again before an interrupted step re-runs.
    pub fn open_rerun_form(&mut self) -> bool {
        let Some(step) = self.step() else {
            return false;
        };
        if step.reasks.is_empty() {
            return false;
        }
        let form = FormState::new(
            &step.key,
            FormPurpose::BeforeRerun,
            step.reasks.clone(),
            None,
        );
        self.widgets.form = Some(form);
        true
    }
}

/// Which screen the current state calls for: the step and the kind of its need (a
/// checklist stays the same screen while items are ticked).
fn signature(current: &Current) -> String {
    match current {
        Current::Step(step) => {
            let need = match &step.need {
                NeedView::Answers(asks) => {
                    let keys: Vec<&str> = asks.iter().map(|a| a.key.as_str()).collect();
                    format!("answers:{}", keys.join(","))
                }
                NeedView::Interrupted { attempt, .. } => format!("interrupted:{attempt}"),
                NeedView::Running { attempt } => format!("running:{attempt}"),
                NeedView::Failed { .. } => "failed".into(),
                NeedView::Confirm { .. } => "confirm".into(),
                NeedView::Checklist { .. } | NeedView::Acknowledge => "ready".into(),
                NeedView::Execute => "execute".into(),
                NeedView::Succeeded => "succeeded".into(),
            };
            format!("{}|{need}", step.key)
        }
        Current::AllDone => "all-done".into(),
        Current::Ended(_) => "ended".into(),
    }
}
