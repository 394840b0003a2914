//! The screens' side of the one session driver (`session::driver`): intents go to it, its
//! appends become `Persist` commands whose acks come back from the journal writer's task, its
//! attempts become `Run` commands with a banner in the output pane. Once the driver is idle,
//! the screens add what a session does by itself (journal that a step was shown, complete a
//! step that needs nothing, follow a step an earlier process started).

use crate::session::driver::{self, Decided};
use crate::session::engine::{EngineError, ExecRequest, Intent};
use crate::session::event::{Event, Outcome, Record};
use crate::session::state::StepStatus;

use super::event::Command;
use super::session::SessionUi;
use super::view::NeedView;

/// What a change asks of the shell and the screen.
#[derive(Debug, Default)]
pub struct Reaction {
    pub commands: Vec<Command>,
    /// Intents the engine refused (shown to the operator).
    pub refused: Vec<EngineError>,
    /// The journal and the state disagree: nothing may go on.
    pub fatal: Option<String>,
}

/// Something the session does by itself once it is idle.
enum FollowUp {
    Intent(Intent),
    Command(Command),
}

impl SessionUi {
    /// Hands intents to the driver, in order; a refused one drops those after it.
    pub fn submit(&mut self, intents: Vec<Intent>) -> Reaction {
        let mut reaction = Reaction::default();
        let decided = self.core.submit(intents);
        if self.take(decided, &mut reaction) {
            self.follow_ups(&mut reaction);
        }
        reaction
    }

    /// The journal has `record`: fold it, start what waited for it, go on.
    pub fn acked(&mut self, record: Record) -> Reaction {
        let mut reaction = Reaction::default();
        // A success of this process's own attempt stays on screen until the operator has
        // read its output.
        let review = match &record.event {
            Event::StepFinished {
                step,
                attempt,
                outcome: Outcome::Succeeded,
                ..
            } if self.live.contains(&(step.clone(), *attempt)) => {
                self.step().filter(|s| &s.key == step).cloned()
            }
            _ => None,
        };
        let decided = match self.core.acked(&record) {
            Ok(decided) => decided,
            Err(error) => {
                reaction.fatal = Some(error.to_string());
                return reaction;
            }
        };
        let finished_now = matches!(record.event, Event::SessionFinished {});
        self.journal.push(record);
        if finished_now && self.drill() {
            self.score = crate::report::build(&self.journal, &self.core.catalog, None)
                .ok()
                .map(|report| crate::report::score(&report).lines());
        }
        if let Some(mut view) = review {
            view.record = self.core.state.step(&view.key);
            view.need = NeedView::Succeeded;
            self.widgets.review = Some(Box::new(view));
        }
        if self.take(decided, &mut reaction) {
            self.follow_ups(&mut reaction);
        }
        reaction
    }

    /// Turns what the driver decided into commands; false when it refused an intent.
    fn take(&mut self, decided: Decided, reaction: &mut Reaction) -> bool {
        for command in decided.commands {
            match command {
                driver::Command::Append(event) => reaction.commands.push(Command::Persist(event)),
                driver::Command::Run(request) => self.launch(request, reaction),
            }
        }
        self.refresh();
        match decided.refused {
            Some(error) => {
                reaction.refused.push(error);
                false
            }
            None => true,
        }
    }

    /// The session's own follow-ups, while the driver is idle.
    fn follow_ups(&mut self, reaction: &mut Reaction) {
        while !self.core.busy() {
            match self.follow_up() {
                None => return,
                Some(FollowUp::Command(command)) => reaction.commands.push(command),
                Some(FollowUp::Intent(intent)) => {
                    let decided = self.core.submit([intent]);
                    if !self.take(decided, reaction) {
                        return;
                    }
                }
            }
        }
    }

    fn launch(&mut self, request: ExecRequest, reaction: &mut Reaction) {
        let banner = match &request.simulate {
            Some(_) => format!(
                "-- attempt {} (simulated: nothing is run) --",
                request.attempt
            ),
            None => format!("-- attempt {} --", request.attempt),
        };
        self.output.begin(&request.step, banner);
        self.live.insert((request.step.clone(), request.attempt));
        reaction.commands.push(Command::Run(request));
    }

    /// What the session does without being asked: journal that a step was shown, complete
    /// a choice or form once answered, follow a step an earlier process started.
    fn follow_up(&mut self) -> Option<FollowUp> {
        let step = self.step()?;
        let key = step.key.clone();
        if step.record.status == StepStatus::Pending {
            return Some(FollowUp::Intent(Intent::Enter { step: key }));
        }
        match step.need {
            NeedView::Acknowledge if step.completes_itself() => {
                Some(FollowUp::Intent(Intent::Acknowledge { step: key }))
            }
            NeedView::Running { attempt } if !self.live.contains(&(key.clone(), attempt)) => {
                self.live.insert((key.clone(), attempt));
                self.output
                    .begin(&key, format!("-- re-attached to attempt {attempt} --"));
                Some(FollowUp::Command(Command::Attach { step: key, attempt }))
            }
            _ => None,
        }
    }
}
