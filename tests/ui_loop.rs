//! The async loop over a test backend: events from the channel, acks from the seams, one
//! draw per batch, and the journal flushed when it ends.

mod ui_common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lifeline::ui::memory::{MemoryPersist, MemoryRunner};
use lifeline::ui::state::Ending;
use lifeline::ui::{App, AppEvent, AppExit, SignalKind, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use ui_common::*;

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[tokio::test]
async fn typed_ahead_keys_are_handled_in_order_after_their_acks() {
    let state = state(false, vec![]);
    let persist = MemoryPersist::new(state.last_seq, NOW);
    let (setup, seams) = setup_with(state, persist, MemoryRunner::new());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut app = App::new(
        setup,
        tx.clone(),
        NOW,
        Theme::default(),
        (80, 24),
        Box::new(|_| {}),
    );
    // All typed before the first ack: each key waits until the journal has caught up.
    for event in [
        key(KeyCode::Enter),
        key(KeyCode::Char('q')),
        key(KeyCode::Char('y')),
    ] {
        tx.send(event).unwrap();
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    app.run(&mut terminal, &mut rx).await.unwrap();
    assert_eq!(
        app.state.ending,
        Some(Ending::Exit(AppExit::Left { session: ID.into() }))
    );
    assert_eq!(
        kinds(&seams.journal),
        vec!["step-entered", "step-completed", "step-entered"]
    );
    app.close().await.unwrap();
    // The whole batch was handled before the next draw: the screen is the first one.
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Before you start"), "{screen}");
}

#[tokio::test]
async fn a_signal_ends_the_loop_and_the_journal_closes() {
    let state = state(true, vec![]);
    let persist = MemoryPersist::new(state.last_seq, NOW);
    let (setup, _seams) = setup_with(state, persist, MemoryRunner::new());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut app = App::new(
        setup,
        tx.clone(),
        NOW,
        Theme::default(),
        (80, 24),
        Box::new(|_| {}),
    );
    tx.send(AppEvent::Resize(100, 30)).unwrap();
    tx.send(AppEvent::Signal(SignalKind::Hup)).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    app.run(&mut terminal, &mut rx).await.unwrap();
    assert_eq!(
        app.state.ending,
        Some(Ending::Exit(AppExit::Signalled {
            session: Some(ID.into()),
            signal: SignalKind::Hup
        }))
    );
    assert_eq!(app.state.size, (100, 30));
    app.close().await.unwrap();
    assert!(
        terminal
            .backend()
            .to_string()
            .contains("DRILL — nothing is executed")
    );
}
