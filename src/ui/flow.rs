//! Intents in, commands out: the engine decides, its events go to the journal, and the
//! state folds only when the journal acks them. An attempt starts only after its
//! `step-started` is durable. Intents that arrive while acks are outstanding wait in order.

use crate::session::engine::{Effect, EngineError, ExecRequest, Intent};
use crate::session::event::{Event, Outcome, Record};
use crate::session::state::StepStatus;

use super::event::Command;
use super::session::{PendingAppend, SessionUi};
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
    /// Hands intents to the engine, in order; a refused one drops those after it.
    pub fn submit(&mut self, intents: Vec<Intent>) -> Reaction {
        let mut reaction = Reaction::default();
        self.queued.extend(intents);
        self.drain(&mut reaction);
        reaction
    }

    /// The journal has `record`: fold it, start what waited for it, go on.
    pub fn acked(&mut self, record: Record) -> Reaction {
        let mut reaction = Reaction::default();
        let Some(pending) = self.pending.pop_front() else {
            reaction.fatal = Some(format!(
                "the journal acknowledged an event that was never sent (seq {})",
                record.seq
            ));
            return reaction;
        };
        if pending.event != record.event {
            // The journal's copy is the truth a resume will see; fold that one.
            tracing::warn!(
                seq = record.seq,
                "journal record differs from the event sent"
            );
        }
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
        let finished_now = matches!(record.event, Event::SessionFinished {});
        self.journal.push(record.clone());
        if let Err(error) = self.state.apply(&record) {
            reaction.fatal = Some(format!(
                "the journal refused its own event at seq {}: {error}",
                record.seq
            ));
            return reaction;
        }
        if finished_now && self.state.meta.as_ref().is_some_and(|m| m.drill) {
            self.score = crate::report::build(&self.journal, &self.catalog, None)
                .ok()
                .map(|report| crate::report::score(&report).lines());
        }
        if let Some(mut view) = review {
            view.record = self.state.step(&view.key);
            view.need = NeedView::Succeeded;
            self.widgets.review = Some(Box::new(view));
        }
        for request in pending.then_run {
            self.launch(request, &mut reaction);
        }
        self.refresh();
        self.drain(&mut reaction);
        reaction
    }

    /// Runs queued intents while nothing is outstanding, then the session's own follow-ups.
    fn drain(&mut self, reaction: &mut Reaction) {
        while self.pending.is_empty() {
            let next = match self.queued.pop_front() {
                Some(intent) => FollowUp::Intent(intent),
                None => match self.follow_up() {
                    Some(next) => next,
                    None => return,
                },
            };
            match next {
                FollowUp::Command(command) => reaction.commands.push(command),
                FollowUp::Intent(intent) => {
                    if let Err(error) = self.decide(intent, reaction) {
                        self.queued.clear();
                        reaction.refused.push(error);
                        self.refresh();
                        return;
                    }
                }
            }
        }
    }

    /// One intent through the engine; its effects become commands.
    fn decide(&mut self, intent: Intent, reaction: &mut Reaction) -> Result<(), EngineError> {
        let effects = self.engine().handle(intent)?;
        let mut appended = false;
        for effect in effects {
            match effect {
                Effect::Append(event) => {
                    self.pending.push_back(PendingAppend {
                        event: event.clone(),
                        then_run: vec![],
                    });
                    reaction.commands.push(Command::Persist(event));
                    appended = true;
                }
                Effect::RememberSecret { key, value } => {
                    self.secrets.insert(key, value);
                }
                // Held until the append before it is durable.
                Effect::Execute(request) => match self.pending.back_mut() {
                    Some(pending) => pending.then_run.push(request),
                    None => self.launch(request, reaction),
                },
            }
        }
        if !appended {
            self.refresh();
        }
        Ok(())
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
