//! Keys a person meets on the choice and form screens, on the real binary in an 80x24
//! pseudo-terminal: a long paste into a form field, then the first Enter answers; `v` (or F3
//! where `v` types) shows the whole step.
#![cfg(unix)]

mod support;

use std::path::Path;

use support::pty::Pty;

fn spawn(home: &Path) -> Pty {
    let wizard = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ui/pty-simple.toml");
    Pty::spawn(
        &["new", wizard.to_str().expect("utf-8"), "--drill"],
        &[("LIFELINE_HOME", home)],
        (80, 24),
    )
}

/// To the form of the fixture (information, then a decision).
fn to_the_form(pty: &mut Pty) {
    pty.wait_for("Before you start");
    pty.send("\r");
    pty.wait_for("Which topology did the lost pool have?");
    pty.send("\r");
    pty.wait_for("Standard Edition server");
}

#[test]
fn after_pasting_5000_characters_the_first_enter_answers_the_form() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = spawn(home.path());
    to_the_form(&mut pty);
    // A paste arrives as one burst of bytes (no bracketed paste): 5,000 characters.
    let pasted = "a".repeat(4995) + ".com";
    pty.send(&pasted);
    pty.wait_until("the pasted text in the field", |s| {
        s.contains("aaaaaaaaaa.com")
    });
    pty.send("\r");
    // One Enter: the field is checked and the answer refused (a label over 63 characters is
    // not a DNS name) — the screen answers, it does not wait for a second Enter.
    let screen = pty.wait_until("the form to answer the first Enter", |s| s.contains('✗'));
    assert!(screen.contains("Standard Edition server"), "{screen}");
    // And a good answer after clearing the field goes on with one Enter.
    pty.send("\x15"); // Ctrl-U: clear the field
    pty.send("se01.contoso.com\r");
    pty.wait_for("Restore the RTC database");
}

#[test]
fn v_shows_the_whole_step_on_a_choice_screen_and_f3_on_a_form() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = spawn(home.path());
    pty.wait_for("Before you start");
    pty.send("\r");
    pty.wait_for("Which topology did the lost pool have?");
    let footer = pty.footer();
    pty.send("v");
    pty.wait_for("The whole step");
    pty.send("\x1b");
    pty.wait_footer("the decision again", |f| f == footer);
    pty.send("\r");
    pty.wait_for("Standard Edition server");
    let footer = pty.footer();
    pty.send("\x1bOR"); // F3
    pty.wait_for("The whole step");
    pty.send("\x1b");
    pty.wait_footer("the form again", |f| f == footer);
    // `v` typed into the field, not a view.
    pty.send("v");
    let screen = pty.wait_until("v in the field", |s| {
        !s.contains("The whole step") && s.contains(" v")
    });
    assert!(!screen.contains("The whole step"));
}
