//! The words on the screens at 80x24 (insta snapshots, and assertions saying what each
//! proves): the step counter counts the screens the operator meets and says when the total is
//! not known yet; wizard text hard-wrapped in its file flows at the terminal's width; a long
//! form label is never cut; the home help keeps its key column apart from the text.

mod ui_common;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use lifeline::session::driver::Session;
use lifeline::session::engine::NoDefaults;
use lifeline::session::event::{Event, Operator};
use lifeline::session::state::SessionState;
use lifeline::ui::memory::{Harness, MemoryPersist, MemoryRunner};
use lifeline::ui::{AppSetup, HomeSetup, SessionSetup, WizardSummary};
use lifeline::wizard::{Catalog, Wizard};
use ui_common::{NOW, records};

const ROOT: &str = r#"
id = "text-test"
title = "Text at 80 columns"
version = "1.0.0"
description = "Hard-wrapped text, a repeated procedure and a long label."

[[inputs]]
id = "roles"
kind = "multi-choice"
label = "Which roles were lost?"
options = [
  { value = "fe", label = "Front end" },
  { value = "be", label = "Back end" },
]

[[inputs]]
id = "sql"
kind = "text"
label = "The SQL Server instance that holds the RTC database of the lost pool (server\\instance)"

[[steps]]
id = "intro"
kind = "info"
title = "Before you start"
body = """
This paragraph is written hard-wrapped
in the wizard file, the way wizard
authors keep their lines short, and it
must flow again at the width of the
terminal instead of breaking where the
file broke it.

- a list item keeps its own row
- and so does the next one
"""

[[steps]]
id = "pick"
kind = "choice"
title = "What was lost"
input = "roles"

[[steps]]
id = "each"
kind = "include"
title = "Each lost role"
wizard = "text-role"
for_each = "roles"

[[steps]]
id = "where"
kind = "input"
title = "Where the database lives"
inputs = ["sql"]
"#;

const ROLE: &str = r#"
id = "text-role"
title = "One role"
version = "1.0.0"
description = "Two screens per role."

[[steps]]
id = "look"
kind = "info"
title = "Look at the {{item}} server"
body = "One."

[[steps]]
id = "note"
kind = "info"
title = "Note what you saw on {{item}}"
body = "Two."
"#;

fn session(size: (u16, u16)) -> Harness {
    let mut catalog = Catalog::default();
    for text in [ROOT, ROLE] {
        catalog.insert(toml::from_str::<Wizard>(text).expect("fixture parses"));
    }
    let started = Event::SessionStarted {
        session: "20240501-100000-text".into(),
        wizard: "text-test".into(),
        wizard_hash: "h".into(),
        wizard_version: "1.0.0".into(),
        inventory_hash: None,
        operator: Operator {
            user: "alice".into(),
            host: "console01".into(),
        },
        drill: true,
        lifeline_version: "test".into(),
        scenario: None,
        target_s: None,
    };
    let state = SessionState::replay(&records(vec![started])).expect("replays");
    let persist = MemoryPersist::new(state.last_seq, NOW);
    let setup = AppSetup::Session(Box::new(SessionSetup {
        session: Session::new(catalog, "text-test".into(), state, Box::new(NoDefaults)),
        opening: vec![],
        persist: Box::new(persist),
        runner: Box::new(MemoryRunner::new()),
        session_id: "20240501-100000-text".into(),
        session_dir: PathBuf::from("/tmp/lifeline-test/sessions/text"),
        warnings: vec![],
        records: vec![],
    }));
    Harness::new(setup, NOW, size)
}

/// The screen's rows, trimmed (a snapshot row is quoted).
fn rows_of(screen: &str) -> Vec<&str> {
    screen.lines().map(|l| l.trim_matches('"').trim()).collect()
}

/// The header's step position ("step 1 of 3 so far").
fn position(screen: &str) -> String {
    let header = screen.lines().nth(1).expect("a header row");
    let at = header.find("step ").expect("a step position");
    header[at..].split("  ").next().unwrap_or("").to_string()
}

#[test]
fn the_counter_counts_the_screens_met_and_says_when_the_total_is_not_known_yet() {
    let mut h = session((80, 24));
    let first = h.screen(80, 24);
    insta::assert_snapshot!("counter_before_the_decision_80x24", first);
    // intro, pick, where: the procedure repeated per role is not a screen, and its steps are
    // not known until the roles are.
    assert_eq!(position(&first), "step 1 of 3 so far");
    h.key(KeyCode::Enter);
    assert_eq!(position(&h.screen(80, 24)), "step 2 of 3 so far");
    // Two roles ticked: two screens each, and nothing is left undecided.
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Enter);
    let after = h.screen(80, 24);
    insta::assert_snapshot!("counter_after_the_decision_80x24", after);
    assert_eq!(position(&after), "step 3 of 7");
    // Every screen met moves the counter by one: no jumps.
    for n in 4..=7 {
        h.key(KeyCode::Enter);
        assert_eq!(position(&h.screen(80, 24)), format!("step {n} of 7"));
    }
}

#[test]
fn hard_wrapped_text_flows_at_the_terminal_width_and_lists_keep_their_rows() {
    let mut h = session((80, 24));
    let screen = h.screen(80, 24);
    // "wizard" and "authors" are on two lines of the file; "the" and "terminal" too.
    let text: String = rows_of(&screen).join(" ");
    assert!(text.contains("the way wizard authors keep"), "{screen}");
    assert!(text.contains("width of the terminal instead"), "{screen}");
    // Six lines in the file, three rows at 80 columns.
    let rows: Vec<&str> = rows_of(&screen)
        .into_iter()
        .skip_while(|r| !r.starts_with("This paragraph"))
        .take_while(|r| !r.is_empty())
        .collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(rows_of(&screen).contains(&"- a list item keeps its own row"));
    assert!(rows_of(&screen).contains(&"- and so does the next one"));
}

#[test]
fn a_long_form_label_wraps_whole_at_80_columns() {
    let mut h = session((80, 24));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Enter);
    // The two screens of the one role ticked.
    for _ in 0..2 {
        h.key(KeyCode::Enter);
    }
    let screen = h.screen(80, 24);
    insta::assert_snapshot!("long_label_80x24", screen);
    let text: String = rows_of(&screen).join(" ");
    assert!(
        text.contains("The SQL Server instance that holds the RTC database of the lost pool (server\\instance)"),
        "{screen}"
    );
    assert!(
        text.contains("text"),
        "the kind of value is shown: {screen}"
    );
}

#[test]
fn the_home_help_keeps_keys_and_text_apart_at_80_columns() {
    let home = HomeSetup {
        sessions: vec![],
        wizards: vec![WizardSummary {
            id: "restore-service".into(),
            title: "Restore service after a loss".into(),
            description: "The whole recovery.".into(),
        }],
        scenarios: vec![],
        inventory: None,
        warnings: vec![],
    };
    let mut h = Harness::new(AppSetup::Home(home), NOW, (80, 24));
    h.key(KeyCode::Char('?'));
    let screen = h.screen(80, 24);
    insta::assert_snapshot!("home_help_80x24", screen);
    let row = screen
        .lines()
        .find(|l| l.contains("Enter/→/l"))
        .expect("the Enter row");
    assert!(row.contains("Enter/→/l  resume"), "{row}");
    // Every key row: the text starts in one column, after at least two spaces.
    let starts: Vec<usize> = ["↑/k", "Enter/→/l", "Ctrl-C"]
        .iter()
        .map(|key| {
            let row = screen.lines().find(|l| l.contains(key)).expect("a key row");
            let after = row.find(key).expect("key") + key.len();
            after + row[after..].len() - row[after..].trim_start().len()
        })
        .collect();
    let cols: Vec<usize> = ["↑/k", "Enter/→/l", "Ctrl-C"]
        .iter()
        .zip(&starts)
        .map(|(key, byte)| {
            let row = screen.lines().find(|l| l.contains(key)).expect("a key row");
            row[..*byte].chars().count()
        })
        .collect();
    assert!(cols.windows(2).all(|w| w[0] == w[1]), "{cols:?}\n{screen}");
}
