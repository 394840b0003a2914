//! A headless drive over a tiny wizard in memory.

use super::*;
use crate::app::driver::MemoryJournal;
use crate::session::engine::NoDefaults;
use crate::session::event::{Event, Operator};
use crate::session::state::SessionState;
use crate::wizard::{Catalog, parse_wizard};

const WIZARD: &str = r#"
id = "w"
title = "t"
version = "1"
description = "d"

[[inputs]]
id = "which"
kind = "choice"
label = "l"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]

[[inputs]]
id = "for_a"
kind = "text"
label = "l"

[[steps]]
id = "only-a"
kind = "info"
title = "t"
body = "{{for_a}}"
when = { which = "a" }

[[steps]]
id = "always"
kind = "info"
title = "t"
"#;

#[test]
fn inputs_of_a_step_that_its_first_answer_rules_out_are_not_asked() {
    let mut catalog = Catalog::default();
    catalog.insert(parse_wizard("w.toml", WIZARD).unwrap());
    let answers = AnswersFile::parse("a.toml", "[answers]\nwhich = \"b\"\n").unwrap();
    for collect_missing in [false, true] {
        let mut memory = MemoryJournal::default();
        let mut driver = Driver::new(
            catalog.clone(),
            "w".into(),
            SessionState::default(),
            Box::new(NoDefaults),
            Box::new(&mut memory),
        );
        driver
            .append(Event::SessionStarted {
                session: "s".into(),
                wizard: "w".into(),
                wizard_hash: String::new(),
                wizard_version: "1".into(),
                inventory_hash: None,
                operator: Operator {
                    user: "u".into(),
                    host: "h".into(),
                },
                drill: false,
                lifeline_version: "0".into(),
                scenario: None,
                target_s: None,
            })
            .unwrap();
        let options = HeadlessOptions {
            collect_missing,
            ..HeadlessOptions::default()
        };
        let ending = drive(
            &mut driver,
            &answers,
            &mut SucceedingRunner,
            &options,
            &mut |_, _| {},
        );
        assert!(matches!(ending, Ok(Ending::Finished)), "{ending:?}");
    }
}
