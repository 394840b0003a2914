//! From the home screen to a finished, scored drill of every bundled scenario, at 80x24 on a
//! pseudo-terminal, using only what the screens say: each step is answered by the keys its
//! footer shows. On the first screen of every kind met, `p`, `?`, `w`, Esc and `q` are tried,
//! and each must leave the screen as it was (no key may trap the operator); on the score at the
//! end, the plan opens and closes, and `q` leaves.

#![cfg(unix)]

mod support;

use std::collections::BTreeSet;

use support::pty::Pty;

const SCENARIOS: &[&str] = &[
    "backup-too-old",
    "dns-old-pool",
    "rtc-in-use",
    "service-wont-start",
    "settings-no-pool-level",
];

/// The kind of screen, from its footer.
fn kind(footer: &str) -> Option<&'static str> {
    let has = |s: &str| footer.contains(s);
    Some(if has("x cancel") {
        "running"
    } else if has("r retry") {
        "failed"
    } else if has("r run again") {
        "interrupted"
    } else if has("r run") {
        "execute"
    } else if has("Enter next step") {
        "review"
    } else if has("Space tick") {
        "checklist"
    } else if has("Enter choose") {
        "decision"
    } else if has("Enter submit") {
        "form"
    } else if has("Enter confirm") {
        "confirm"
    } else if has("Enter continue") {
        "info"
    } else if has("Enter finish") {
        "all-done"
    } else if has("Enter leave") {
        "ended"
    } else {
        return None;
    })
}

/// Presses `key`, waits for the footer to change from `before`, and returns the new footer.
fn press_and_wait_change(pty: &mut Pty, key: &str, before: &str) -> String {
    pty.send(key);
    pty.wait_footer("a different screen", |f| f != before)
}

/// Tries the keys every screen's footer may offer and checks each comes back to `footer`.
fn probe(pty: &mut Pty, kind: &str, footer: &str) {
    let text_screen = matches!(kind, "form" | "confirm");
    // The plan overview: opens, and closes with p, Esc, h and ←.
    let open_plan = if text_screen { "\x1bOQ" } else { "p" };
    for close in ["p", "\x1b", "h", "\x1b[D"] {
        let opened = press_and_wait_change(pty, open_plan, footer);
        assert!(opened.contains("close plan"), "{kind}: plan view: {opened}");
        // A key the plan view does not take must not trap it either.
        pty.send("\x1b[B");
        let back = press_and_wait_change(pty, close, &opened);
        assert_eq!(back, footer, "{kind}: closing the plan with {close:?}");
    }
    // Help: opens, closes with Esc and with ?.
    let open_help = if text_screen { "\x1bOP" } else { "?" };
    for close in ["\x1b", "?", "q"] {
        let opened = press_and_wait_change(pty, open_help, footer);
        assert!(opened.contains("Esc close"), "{kind}: help: {opened}");
        let back = press_and_wait_change(pty, close, &opened);
        assert_eq!(back, footer, "{kind}: closing help with {close:?}");
    }
    if text_screen {
        // Letters go into the field there; Ctrl-Q asks to quit.
        let opened = press_and_wait_change(pty, "\x11", footer);
        assert!(opened.contains("y yes"), "{kind}: quit prompt: {opened}");
        let back = press_and_wait_change(pty, "n", &opened);
        assert_eq!(back, footer, "{kind}: staying after Ctrl-Q");
        return;
    }
    if footer.contains("w why") {
        for _ in 0..2 {
            pty.send("w");
            std::thread::sleep(std::time::Duration::from_millis(150));
            assert_eq!(pty.footer(), footer, "{kind}: w");
        }
    }
    // On the score, Esc and q leave (the footer says so): the caller checks that.
    if kind == "ended" {
        return;
    }
    // Esc goes on from a step that just succeeded (its footer's Enter/Esc); elsewhere it is
    // back or nothing, and never leaves a session screen silently.
    if kind != "review" {
        pty.send("\x1b");
        std::thread::sleep(std::time::Duration::from_millis(150));
        assert_eq!(pty.footer(), footer, "{kind}: Esc");
    }
    let opened = press_and_wait_change(pty, "q", footer);
    assert!(opened.contains("y quit") || opened.contains("y yes"), "{kind}: q: {opened}");
    let back = press_and_wait_change(pty, "n", &opened);
    assert_eq!(back, footer, "{kind}: staying after q");
}

/// Answers one screen the way its footer says; returns false once the session is scored.
fn answer(pty: &mut Pty, kind: &str, retries: &mut u32) {
    match kind {
        "running" => {
            pty.wait_footer("the command to end", |f| !f.contains("x cancel"));
        }
        "failed" if *retries < 2 => {
            *retries += 1;
            pty.send("r");
            pty.wait_footer("the retry to start", |f| !f.contains("r retry"));
        }
        "failed" | "interrupted" => {
            // Still failing after two retries: skip it with a reason, as the screen offers.
            pty.send("s");
            pty.wait_for("reason");
            pty.send("the drill keeps failing it\r");
        }
        "execute" => pty.send("r"),
        "checklist" => {
            // Tick every item in turn: Space ticks in place, Down moves on.
            let items = pty.contents().matches("[ ]").count();
            for _ in 0..items {
                pty.send(" ");
                std::thread::sleep(std::time::Duration::from_millis(60));
                pty.send("\x1b[B");
            }
            pty.wait_until("every item ticked", |s| !s.contains("[ ]"));
            pty.send("\r");
        }
        "decision" => {
            pty.send("\r");
            std::thread::sleep(std::time::Duration::from_millis(150));
            if pty.contents().contains("choose at least one") {
                pty.send(" \r");
            }
        }
        "confirm" => {
            let screen = pty.contents();
            let word = regex::Regex::new(r"Type (\S+) and press Enter")
                .unwrap()
                .captures(&screen)
                .unwrap_or_else(|| panic!("the confirmation names its word:\n{screen}"))[1]
                .to_string();
            pty.send(&format!("{word}\r"));
        }
        _ => pty.send("\r"),
    }
}

fn walk(scenario_row: usize, id: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&[], &[("LIFELINE_HOME", home.path())], (80, 24));
    pty.wait_for("Start a drill");
    pty.send("t");
    let picker = pty.wait_for("which scenario?");
    assert!(
        picker.contains("no inventory") && picker.contains("example deployment"),
        "the picker says the drill runs on the example inventory:\n{picker}"
    );
    for _ in 0..scenario_row {
        pty.send("\x1b[B");
    }
    pty.wait_for(&format!("{id} ·"));
    pty.send("\r");
    pty.wait_for("DRILL");
    // The scenario's briefing opens the session; Esc closes it.
    pty.wait_for("Esc close");
    pty.send("\x1b");
    let mut probed: BTreeSet<&str> = BTreeSet::new();
    let mut retries = 0;
    let mut last = String::new();
    let mut same = 0;
    for _ in 0..2000 {
        let footer = pty.wait_footer("a screen with keys", |f| kind(f).is_some());
        let k = kind(&footer).unwrap();
        if k == "ended" {
            let screen = pty.contents();
            assert!(screen.contains("Drill score"), "{id}: {screen}");
            assert!(screen.contains("target"), "{id}: the score shows the target: {screen}");
            assert!(!screen.contains("0 of 0 faults"), "{id}: the faults are scored: {screen}");
            probe(&mut pty, k, &footer);
            pty.send("q");
            assert!(pty.wait_exit().success(), "{id}");
            return;
        }
        if k != "running" && probed.insert(k) {
            probe(&mut pty, k, &footer);
        }
        let screen = pty.contents();
        if screen == last {
            same += 1;
            assert!(same < 40, "{id}: stuck on\n{screen}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        } else {
            same = 0;
            last = screen;
        }
        if k != "failed" {
            retries = 0;
        }
        answer(&mut pty, k, &mut retries);
        if k != "running" {
            // The next screen, or the same one updated.
            std::thread::sleep(std::time::Duration::from_millis(80));
        }
    }
    panic!("{id}: the drill did not end; screen:\n{}", pty.contents());
}

#[test]
fn every_bundled_scenario_is_drilled_from_home_to_its_score_with_no_trap() {
    for (i, id) in SCENARIOS.iter().enumerate() {
        walk(i + 1, id);
    }
}
