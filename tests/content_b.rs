//! The content-B wizards (databases, file shares, settings, pool re-creation, site, Persistent
//! Chat): each loads as a `Wizard`, names only inputs it declares, agrees with the other files
//! and the content contract on shared inputs, keeps the seed facts exactly, and a drill walk
//! through the real session engine renders exactly the commands an operator would run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use lifeline::session::SessionState;
use lifeline::session::engine::{
    Defaults, Effect, Engine, Intent, Need, Next, RunReport, check_templates, templates_of,
};
use lifeline::session::event::{AnswerValue, Event, Operator, Outcome, Record};
use lifeline::wizard::condition::referenced_names;
use lifeline::wizard::template::placeholders;
use lifeline::wizard::{
    Catalog, CheckSpec, CondValue, Condition, InputDef, InputKind, OnInterrupt, Shell, StepDef,
    StepKind, Wizard,
};

const FILES: [&str; 11] = [
    "restore-databases",
    "restore-file-shares",
    "restore-settings-standard",
    "restore-settings-enterprise",
    "recreate-pool",
    "restore-site",
    "persistent-chat-failback",
    "rebuild-server",
    "restore-settings-server",
    "start-server",
    "sql-express-remote",
];

// ---------------------------------------------------------------- loading ---

fn load(id: &str) -> Wizard {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "wizards", &format!("{id}.toml")]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let wizard: Wizard = toml::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(wizard.id, id, "the file name and the wizard id differ");
    wizard
}

fn all() -> Vec<Wizard> {
    FILES.iter().map(|id| load(id)).collect()
}

fn catalog() -> Catalog {
    let mut catalog = Catalog::default();
    for w in all() {
        catalog.insert(w);
    }
    catalog
}

fn step<'a>(w: &'a Wizard, id: &str) -> &'a StepDef {
    w.steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("{}: no step '{id}'", w.id))
}

fn input<'a>(w: &'a Wizard, id: &str) -> Option<&'a InputDef> {
    w.inputs.iter().find(|i| i.id == id)
}

fn option_values(i: &InputDef) -> Vec<&str> {
    i.options.iter().map(|o| o.value.as_str()).collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

// ------------------------------------------------------- static structure ---

fn is_builtin(name: &str) -> bool {
    name == "item" || name == "drill"
}

#[test]
fn every_name_a_wizard_uses_is_declared_in_it() {
    let ids: BTreeSet<&str> = FILES.iter().copied().collect();
    for w in all() {
        let declared: BTreeSet<&str> = w.inputs.iter().map(|i| i.id.as_str()).collect();
        let check = |name: &str, what: &str| {
            assert!(
                is_builtin(name) || declared.contains(name),
                "{}: {what} names undeclared input '{name}'",
                w.id
            );
        };
        for i in &w.inputs {
            if let Some(toml::Value::String(d)) = &i.default {
                placeholders(d)
                    .iter()
                    .for_each(|p| check(p.name, &format!("default of {}", i.id)));
            }
            if let Some(key) = &i.default_from {
                placeholders(key)
                    .iter()
                    .for_each(|p| check(p.name, &format!("default_from of {}", i.id)));
            }
        }
        for st in &w.steps {
            let at = format!("step '{}'", st.id);
            if let Some(cond) = &st.when {
                referenced_names(cond).iter().for_each(|n| check(n, &at));
            }
            let mut templates = templates_of(st);
            if let Some(v) = &st.verify {
                templates.extend(check_templates(v));
            }
            for t in templates {
                placeholders(t).iter().for_each(|p| check(p.name, &at));
            }
            // Titles are filled in on screen (checklists are templates): their names must
            // exist too. Reasons and sources are shown as written: no placeholders there.
            placeholders(&st.title)
                .iter()
                .for_each(|p| check(p.name, &at));
            for text in [st.why.as_ref(), st.source.as_ref()].into_iter().flatten() {
                assert!(
                    placeholders(text).is_empty(),
                    "{}: {at} has a placeholder in text that is never filled: {text}",
                    w.id
                );
            }
            match st.kind {
                StepKind::Choice => {
                    let name = st.input.as_deref().expect("a choice step names its input");
                    check(name, &at);
                    let kind = input(&w, name).map(|i| i.kind);
                    assert!(
                        matches!(kind, Some(InputKind::Choice | InputKind::MultiChoice)),
                        "{}: {at} asks '{name}', which is not a choice",
                        w.id
                    );
                }
                StepKind::Input => {
                    assert!(!st.inputs.is_empty(), "{}: {at} asks nothing", w.id);
                    st.inputs.iter().for_each(|n| check(n, &at));
                }
                StepKind::Include => {
                    let child = st.wizard.as_deref().expect("an include names a wizard");
                    assert!(
                        ids.contains(child),
                        "{}: {at} includes unknown '{child}'",
                        w.id
                    );
                    if let Some(list) = &st.for_each {
                        check(list, &at);
                    }
                }
                _ => {}
            }
        }
    }
}

fn check_condition(w: &Wizard, at: &str, cond: &Condition) {
    for (key, value) in &cond.all {
        if is_builtin(key) {
            continue;
        }
        let def = input(w, key).unwrap_or_else(|| panic!("{}: {at}: '{key}' undeclared", w.id));
        match def.kind {
            InputKind::Choice | InputKind::MultiChoice => {
                let allowed = option_values(def);
                let listed: Vec<&str> = match value {
                    CondValue::One(v) => vec![v.as_str()],
                    CondValue::Many(vs) => vs.iter().map(String::as_str).collect(),
                    CondValue::Bool(_) => panic!("{}: {at}: '{key}' compared with a bool", w.id),
                };
                for v in listed {
                    assert!(
                        allowed.contains(&v),
                        "{}: {at}: '{v}' is not an option of '{key}' ({allowed:?})",
                        w.id
                    );
                }
            }
            InputKind::Bool => assert!(
                matches!(value, CondValue::Bool(_)),
                "{}: {at}: bool input '{key}' compared with text",
                w.id
            ),
            other => panic!("{}: {at}: condition on '{key}' of kind {other:?}", w.id),
        }
    }
    for alternative in &cond.any {
        check_condition(w, at, alternative);
    }
    if let Some(negated) = &cond.not {
        check_condition(w, at, negated);
    }
}

#[test]
fn when_values_are_declared_options_and_bools_are_bools() {
    for w in all() {
        for st in &w.steps {
            if let Some(cond) = &st.when {
                check_condition(&w, &format!("step '{}'", st.id), cond);
            }
        }
    }
}

/// What must be identical wherever an input id is declared.
fn signature(i: &InputDef) -> String {
    format!(
        "{:?} options={:?} default_from={:?} default={:?} pattern={:?} optional={}",
        i.kind,
        option_values(i),
        i.default_from,
        i.default,
        i.pattern,
        i.optional
    )
}

#[test]
fn shared_inputs_agree_across_files_and_with_the_contract() {
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    for w in all() {
        let mut ids = BTreeSet::new();
        for i in &w.inputs {
            assert!(
                ids.insert(&i.id),
                "{}: input '{}' declared twice",
                w.id,
                i.id
            );
            let sig = signature(i);
            if let Some((first, other)) = seen.get(&i.id) {
                assert_eq!(
                    &sig, other,
                    "input '{}' differs between {first} and {}",
                    i.id, w.id
                );
            } else {
                seen.insert(i.id.clone(), (w.id.clone(), sig));
            }
            if matches!(i.kind, InputKind::Choice | InputKind::MultiChoice) {
                assert!(!i.options.is_empty(), "{}: '{}' has no options", w.id, i.id);
                // Typed multi-choice answers are split on commas, so values hold none.
                for o in &i.options {
                    assert!(
                        !o.value.trim().is_empty() && !o.value.contains(','),
                        "{}: '{}' has an empty or comma-holding option value '{}'",
                        w.id,
                        i.id,
                        o.value
                    );
                }
            }
            if let Some(p) = &i.pattern {
                assert!(regex::Regex::new(p).is_ok(), "{}: bad pattern {p}", i.id);
            }
        }
    }
    let lost = [
        "back-end",
        "standard-edition",
        "front-end",
        "director",
        "web-components",
        "web-conferencing",
        "av-conferencing",
        "app-sharing",
        "archiving-cdr",
        "monitoring",
        "mediation",
        "edge",
        "forwarding-proxy",
        "persistent-chat",
        "rtc-database",
        "lcslog-database",
        "file-shares",
        "active-directory",
        "site",
    ];
    let topology = ["standard", "enterprise-consolidated", "enterprise-expanded"];
    // (id, kind, default_from, options) as the content contract gives them.
    let contract: [(&str, InputKind, Option<&str>, &[&str]); 19] = [
        ("topology", InputKind::Choice, Some("topology"), &topology),
        ("lost", InputKind::MultiChoice, None, &lost),
        ("pool_name", InputKind::Text, Some("pool.name"), &[]),
        ("pool_fqdn", InputKind::Fqdn, Some("pool.fqdn"), &[]),
        (
            "se_fqdn",
            InputKind::Fqdn,
            Some("role.standard-edition.fqdn"),
            &[],
        ),
        (
            "server_fqdn",
            InputKind::Fqdn,
            Some("role.{{item}}.single_fqdn"),
            &[],
        ),
        ("backend_sql", InputKind::Text, Some("sql.back-end"), &[]),
        (
            "archiving_sql",
            InputKind::Text,
            Some("sql.archiving-cdr"),
            &[],
        ),
        ("forest", InputKind::Fqdn, Some("forest"), &[]),
        ("dns_domain", InputKind::Fqdn, Some("dns_domain"), &[]),
        (
            "service_account",
            InputKind::Text,
            Some("service_account"),
            &[],
        ),
        (
            "settings_dir",
            InputKind::UncPath,
            Some("backup.settings"),
            &[],
        ),
        (
            "db_backup_dir",
            InputKind::UncPath,
            Some("backup.databases"),
            &[],
        ),
        (
            "fileshare_backup_dir",
            InputKind::UncPath,
            Some("backup.file_shares"),
            &[],
        ),
        ("os_healthy", InputKind::Bool, None, &[]),
        ("hardware_usable", InputKind::Bool, None, &[]),
        ("secondary_site", InputKind::Bool, None, &[]),
        ("keep_contacts", InputKind::Bool, None, &[]),
        ("domain_rebuilt", InputKind::Bool, None, &[]),
    ];
    for w in all() {
        for (id, kind, from, options) in &contract {
            if let Some(i) = input(&w, id) {
                assert_eq!(i.kind, *kind, "{}: '{id}' kind", w.id);
                assert_eq!(
                    i.default_from.as_deref(),
                    *from,
                    "{}: '{id}' default_from",
                    w.id
                );
                assert_eq!(
                    option_values(i),
                    options.to_vec(),
                    "{}: '{id}' options",
                    w.id
                );
            }
        }
    }
}

#[test]
fn steps_carry_reasons_sources_and_execution_metadata() {
    for w in all() {
        assert!(w.source.is_some(), "{}: no source", w.id);
        let mut ids = BTreeSet::new();
        for st in &w.steps {
            let at = format!("{}: step '{}'", w.id, st.id);
            assert!(ids.insert(&st.id), "{at} declared twice");
            assert!(
                st.why.as_deref().is_some_and(|t| t.len() > 20),
                "{at}: no why"
            );
            assert!(
                st.source.as_deref().is_some_and(|t| !t.is_empty()),
                "{at}: no source"
            );
            if st.kind == StepKind::Command {
                assert!(!st.argv.is_empty(), "{at}: no argv");
                assert!(st.server.is_some(), "{at}: no server");
                assert!(st.timeout_s.is_some(), "{at}: no timeout_s");
                assert!(st.on_interrupt.is_some(), "{at}: no on_interrupt");
                assert!(st.drill_output.is_some(), "{at}: no drill_output");
                assert!(st.drill_duration_s.is_some(), "{at}: no drill_duration_s");
            }
            if st.kind == StepKind::Check {
                let spec = st
                    .check
                    .as_ref()
                    .unwrap_or_else(|| panic!("{at}: no check"));
                assert!(st.timeout_s.is_some(), "{at}: no timeout_s");
                if matches!(spec, CheckSpec::Command { .. }) {
                    assert!(!st.argv.is_empty(), "{at}: a command check needs argv");
                    assert!(st.server.is_some(), "{at}: no server");
                    assert!(st.drill_output.is_some(), "{at}: no drill_output");
                }
            }
            if st.on_interrupt == Some(OnInterrupt::Check) {
                assert!(
                    st.verify.is_some(),
                    "{at}: on_interrupt = check needs verify"
                );
            }
            // A command verification runs its own argv, never the step's work again.
            if let Some(CheckSpec::Command { argv, .. }) = &st.verify {
                assert!(
                    !argv.is_empty(),
                    "{at}: a command verify needs its own argv"
                );
                assert_ne!(argv, &st.argv, "{at}: verify would re-run the command");
            }
            if st.shell.is_some() {
                for a in &st.argv {
                    assert!(
                        !a.contains("'{{") && !a.contains("\"{{"),
                        "{at}: quotes around a placeholder; the engine quotes values"
                    );
                }
            }
            if st.kind == StepKind::Manual {
                assert!(
                    !st.checklist.is_empty(),
                    "{at}: a manual step needs a checklist"
                );
            }
        }
    }
}

#[test]
fn points_of_no_return_need_a_typed_confirmation() {
    for w in all() {
        for st in &w.steps {
            let line = st.argv.join(" ");
            // Restoring from a backup overwrites; `RESTORE DATABASE [X] WITH RECOVERY` alone only
            // ends a STANDBY or restoring state.
            let destructive = (line.contains("RESTORE DATABASE") && line.contains("FROM DISK"))
                || line.contains("/clean");
            if destructive && st.kind == StepKind::Command {
                assert!(st.confirm.is_some(), "{}: '{}' needs confirm", w.id, st.id);
            }
            if st.kind == StepKind::Check {
                assert!(
                    st.confirm.is_none(),
                    "{}: a check never needs confirm",
                    w.id
                );
            }
        }
    }
    let site = load("restore-site");
    for (id, word) in [
        ("fo-restore-rtc", "OVERWRITE"),
        ("fo-move-users-force", "FORCE"),
        ("fb-delete-users", "DELETE"),
        ("fb-remove-pool", "REMOVE"),
        ("fb-uninstall", "UNINSTALL"),
        ("fb-restore-rtc", "OVERWRITE"),
    ] {
        assert_eq!(step(&site, id).confirm.as_deref(), Some(word), "{id}");
    }
    assert_eq!(
        step(&load("recreate-pool"), "create-pool")
            .confirm
            .as_deref(),
        Some("CLEAN")
    );
    assert_eq!(
        step(&load("persistent-chat-failback"), "restore-mgc")
            .confirm
            .as_deref(),
        Some("OVERWRITE")
    );
}

// ------------------------------------------------------------ seed facts ---

#[test]
fn database_facts_are_exact() {
    let w = load("restore-databases");
    let dbs = input(&w, "databases").unwrap();
    assert_eq!(
        option_values(dbs),
        [
            "RTC",
            "LCSLog",
            "RTCCDR",
            "QoEMetrics",
            "GroupChat",
            "GroupChatCompliance",
            "ACDDyn"
        ]
    );
    for st in &w.steps {
        let line = st.argv.join(" ");
        assert!(
            !line.contains("RTCConfig") && !line.contains("RTCDyn"),
            "{} touches a database that is never restored",
            st.id
        );
    }
    let why = step(&w, "which-databases").why.clone().unwrap();
    assert!(why.contains("RTCConfig") && why.contains("RTCDyn"), "{why}");
    let opts = |id: &str| option_values(input(&w, id).unwrap()).join("|");
    assert_eq!(opts("recovery_state"), "RECOVERY|NORECOVERY|STANDBY");
    // Overwrite, preserve replication and restrict access as T-SQL; the combinations SQL Server
    // rejects (replication or restricted access with NORECOVERY) cannot be picked.
    assert_eq!(
        opts("restore_with"),
        "STATS = 10|REPLACE|KEEP_REPLICATION|RESTRICTED_USER"
    );
    assert_eq!(opts("restore_with_norecovery"), "STATS = 10|REPLACE");
    assert_eq!(
        opts("restore_with_standby"),
        "STATS = 10|REPLACE|KEEP_REPLICATION"
    );
    assert_eq!(
        step(&w, "restore-rtc").argv,
        s(&[
            "sqlcmd",
            "-S",
            "{{backend_sql}}",
            "-E",
            "-b",
            "-Q",
            "RESTORE DATABASE [RTC] FROM DISK = N'{{backup_file_rtc}}' WITH FILE = {{backup_set_rtc}}, RECOVERY, {{restore_with}}",
        ])
    );
    assert_eq!(
        step(&w, "restore-rtc-standby").argv[6],
        "RESTORE DATABASE [RTC] FROM DISK = N'{{backup_file_rtc}}' WITH FILE = {{backup_set_rtc}}, STANDBY = N'{{standby_dir}}\\RTC_undo.dat', {{restore_with_standby}}"
    );
    assert!(
        step(&w, "restore-lcslog")
            .argv
            .contains(&"{{archiving_sql}}".to_string())
    );
    for name in [
        "rtc",
        "lcslog",
        "rtccdr",
        "qoemetrics",
        "groupchat",
        "groupchatcompliance",
        "acddyn",
    ] {
        for suffix in ["", "-norecovery", "-standby"] {
            let st = step(&w, &format!("restore-{name}{suffix}"));
            assert_eq!(st.confirm.as_deref(), Some("OVERWRITE"));
            // Never re-run blindly: after an interruption the database's own state decides.
            assert_eq!(st.on_interrupt, Some(OnInterrupt::Check));
            let Some(CheckSpec::Command { argv, regex }) = &st.verify else {
                panic!("restore-{name}{suffix}: no command verify");
            };
            assert_eq!(argv[..3], st.argv[..3], "the same sqlcmd and instance");
            assert!(argv.last().unwrap().contains("DATABASEPROPERTYEX("));
            assert!(argv.last().unwrap().contains("msdb.dbo.restorehistory"));
            let expected = if suffix == "-norecovery" {
                "RESTORING RESTORED"
            } else {
                "ONLINE RESTORED"
            };
            assert_eq!(regex.as_deref(), Some(expected));
        }
        let status = step(&w, &format!("status-{name}"));
        assert!(
            matches!(&status.check, Some(CheckSpec::Command { regex: Some(r), .. }) if r == "ONLINE")
        );
        assert!(status.argv.join(" ").contains("DATABASEPROPERTYEX("));
    }
    // The service account must be the one that took the backup.
    assert!(
        step(&w, "restore-account")
            .body
            .as_deref()
            .unwrap()
            .contains("{{service_account}}")
    );
}

#[test]
fn file_share_facts_are_exact() {
    let w = load("restore-file-shares");
    let copy = step(&w, "meeting-content-copy-back");
    assert_eq!(
        copy.argv,
        s(&[
            "robocopy",
            "{{meeting_content_backup}}",
            "{{meeting_content_path}}",
            "/E",
            "/COPYALL",
            "/R:1",
            "/W:1"
        ])
    );
    assert_eq!(copy.success_codes, (0..=7).collect::<Vec<i32>>());
    let default = |id: &str| match &input(&w, id).unwrap().default {
        Some(toml::Value::String(d)) => d.clone(),
        other => panic!("{id}: {other:?}"),
    };
    assert_eq!(
        default("ocs_install_dir"),
        r"\\{{se_fqdn}}\C$\Program Files\Microsoft Office Communications Server 2007"
    );
    assert!(default("meeting_content_path").ends_with(r"\Web Components\Data MCU Web\Web"));
    assert!(default("meeting_meta_path").ends_with(r"\Web Components\Data MCU Web\Non-Web"));
    assert!(default("app_data_path").ends_with(r"\Application Host\Application Data"));
    let shares = option_values(input(&w, "shares").unwrap());
    assert_eq!(
        &shares[..3],
        ["meeting-content", "meeting-metadata", "compliance-log"]
    );
    assert!(!shares.iter().any(|v| v.contains("address")));
    let info = step(&w, "what-comes-back");
    assert!(info.body.as_deref().unwrap().contains("address book"));
    assert!(info.why.as_deref().unwrap().contains("User Replicator"));
}

const SE_SERVICES: [&str; 13] = [
    "SQL Server 2005 Express Edition",
    "Office Communications Server Archiving and CDR Server service",
    "Office Communications Server Front End Service",
    "Office Communications Server IM Conferencing Server service",
    "Office Communications Server Telephony Conferencing Server service",
    "Office Communications Server Web Conferencing Server service",
    "Office Communications Server A/V Conferencing Server service",
    "Office Communications Server Mediation Server service",
    "Office Communications Server Proxy Server service",
    "Office Communications Server Access Edge Server service",
    "Office Communications Server Web Conferencing Edge Server service",
    "Office Communications Server A/V Edge Server service",
    "Office Communications Server A/V Authentication Service",
];

const EE_SERVICES: [&str; 14] = [
    "SQL Server 2005",
    "Office Communications Server Archiving and CDR Server service",
    "Office Communications Server front-end server service",
    "Office Communications Server IM Conferencing Server service",
    "Office Communications Server Telephony Conferencing Server service",
    "Office Communications Server Web Components Service",
    "Office Communications Server Web Conferencing Server service",
    "Office Communications Server A/V Conferencing Server service",
    "Office Communications Server Mediation Server service",
    "Office Communications Server Proxy Server service",
    "Office Communications Server Access Edge Server service",
    "Office Communications Server Web Conferencing Edge Server service",
    "Office Communications Server A/V Edge Server service",
    "Office Communications Server A/V Authentication Service",
];

/// The display names of the `sc start` steps, in file order.
fn start_order(w: &Wizard) -> Vec<String> {
    w.steps
        .iter()
        .filter(|st| st.argv.get(2).map(String::as_str) == Some("start") && st.argv[0] == "sc")
        .map(|st| {
            let (_, name) = st.title.split_once(": ").expect("numbered start title");
            // The server the service starts on follows in brackets.
            let name = name.rsplit_once(" (").map_or(name, |(n, _)| n);
            name.to_string()
        })
        .collect()
}

#[test]
fn standard_edition_settings_facts_are_exact() {
    let w = load("restore-settings-standard");
    assert_eq!(
        step(&w, "import-global-pool").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:global,pool",
            "/restore:true",
            "/configfile:{{config_global_pool}}",
            "/poolname:{{pool_name}}"
        ])
    );
    assert_eq!(
        step(&w, "import-pool").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:pool",
            "/restore:true",
            "/configfile:{{config_pool}}",
            "/poolname:{{pool_name}}"
        ])
    );
    assert_eq!(
        step(&w, "import-machine-se").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:machine",
            "/restore:true",
            "/configfile:{{machine_config_se}}",
            "/fqdn:{{se_fqdn}}"
        ])
    );
    assert_eq!(start_order(&w), SE_SERVICES);
    assert_eq!(
        step(&w, "start-03").argv,
        s(&["sc", r"\\{{se_fqdn}}", "start", "RTCSRV"])
    );
    assert_eq!(step(&w, "start-01").argv[3], "{{se_sql_service}}");
    let validation = step(&w, "validation-wizard");
    assert_eq!(
        validation.checklist,
        s(&[
            "Front End validated",
            "Web Conferencing validated",
            "A/V Conferencing validated",
            "Web Components validated"
        ])
    );
}

#[test]
fn enterprise_settings_facts_are_exact() {
    let w = load("restore-settings-enterprise");
    assert_eq!(
        step(&w, "import-global-pool").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:global,pool",
            "/configfile:{{config_global_pool}}",
            "/poolname:{{pool_name}}",
            "/restore:true"
        ])
    );
    assert_eq!(
        step(&w, "import-machine-frontend").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:machine",
            "/configfile:{{machine_config_frontend}}",
            "/fqdn:{{frontend_fqdn}}",
            "/restore:true"
        ])
    );
    assert_eq!(
        step(&w, "activate-front-end-archiving").argv,
        s(&[
            "lcscmd",
            "/server:{{frontend_fqdn}}",
            "/action:activate",
            "/role:ee",
            "/user:{{service_account}}",
            "/password:{{service_password}}",
            "/poolname:{{pool_name}}",
            "/archserver:{{archiving_fqdn}}",
            "/nostart",
            "/queuename:{{archiving_queue}}"
        ])
    );
    assert_eq!(
        step(&w, "activate-web-conferencing").argv,
        s(&[
            "lcscmd",
            "/mcu:{{webconf_fqdn}}",
            "/action:activate",
            "/role:datamcu",
            "/user:{{service_account}}",
            "/password:{{service_password}}",
            "/poolname:{{pool_name}}",
            "/nostart:true"
        ])
    );
    assert_eq!(step(&w, "activate-av-conferencing").argv[3], "/role:avmcu");
    assert_eq!(
        input(&w, "service_password").unwrap().kind,
        InputKind::Secret
    );
    assert_eq!(start_order(&w), EE_SERVICES);
    // Activation only ever happens into a re-created pool.
    for id in [
        "activate-front-end",
        "activate-front-end-archiving",
        "activate-web-conferencing",
        "activate-av-conferencing",
    ] {
        let when = step(&w, id).when.clone().unwrap();
        assert_eq!(
            when.all.get("pool_state"),
            Some(&CondValue::One("recreated".into()))
        );
    }
}

#[test]
fn pool_recreation_facts_are_exact() {
    let w = load("recreate-pool");
    assert_eq!(
        step(&w, "create-pool").argv,
        s(&[
            "lcscmd",
            "/forest:{{forest}}",
            "/action:CreatePool",
            "/poolname:{{pool_name}}",
            "/poolbe:{{backend_sql}}",
            "/refdomain:{{ref_domain}}",
            "/dbdatapath:{{db_data_path}}",
            "/dblogpath:{{db_log_path}}",
            "/dyndatapath:{{dyn_data_path}}",
            "/dynlogpath:{{dyn_log_path}}",
            "/meetingcontentpath:{{pool_meeting_content_path}}",
            "/meetingmetapath:{{pool_meeting_meta_path}}",
            "/clean"
        ])
    );
    for (id, key) in [
        ("db_data_path", "paths.db_data"),
        ("db_log_path", "paths.db_log"),
        ("dyn_data_path", "paths.dyn_data"),
        ("dyn_log_path", "paths.dyn_log"),
        ("pool_meeting_content_path", "paths.meeting_content"),
        ("pool_meeting_meta_path", "paths.meeting_meta"),
    ] {
        assert_eq!(input(&w, id).unwrap().default_from.as_deref(), Some(key));
    }
}

#[test]
fn site_facts_are_exact() {
    let w = load("restore-site");
    for (id, record, target) in [
        (
            "fo-dns-sipinternaltls",
            "_sipinternaltls._tcp.{{dns_domain}}",
            "{{secondary_pool_fqdn}}",
        ),
        (
            "fo-dns-sip-tcp",
            "_sip._tcp.{{dns_domain}}",
            "{{secondary_pool_fqdn}}",
        ),
        (
            "fb-dns-sipinternaltls",
            "_sipinternaltls._tcp.{{dns_domain}}",
            "{{pool_fqdn}}",
        ),
        (
            "fb-dns-sip-tcp",
            "_sip._tcp.{{dns_domain}}",
            "{{pool_fqdn}}",
        ),
    ] {
        assert_eq!(
            step(&w, id).check,
            Some(CheckSpec::Dns {
                name: record.into(),
                srv: true,
                expect: Some(target.into())
            }),
            "{id}"
        );
    }
    let deactivations: Vec<&str> = (1..=4)
        .map(|n| {
            step(&w, &format!("fb-deactivate-{n}"))
                .title
                .split_once(": ")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(
        deactivations,
        [
            "Microsoft Office Communications Server 2007, Audio/Video Conferencing Server",
            "Microsoft Office Communications Server 2007, Web Conferencing Server",
            "Microsoft Office Communications Server 2007, Web Components Server",
            "Microsoft Office Communications Server 2007, front-end server",
        ]
    );
    let uninstall = &step(&w, "fb-uninstall").checklist;
    let order = [
        "Administrative Tools",
        "Audio/Video Conferencing Server",
        "Standard Edition server",
        "Web Conferencing Server",
        "Web Components Server",
    ];
    for (item, role) in uninstall.iter().zip(order) {
        assert!(item.contains(role), "{item} should be {role}");
    }
    assert!(uninstall[2].contains("Enterprise Edition server"));
    assert_eq!(
        step(&w, "fo-configure-front-ends").checklist.len(),
        4,
        "the four network conditions"
    );
    for id in ["fo-flush-dns-here", "fb-flush-dns-here"] {
        assert_eq!(step(&w, id).argv, s(&["ipconfig", "/flushdns"]));
    }
    assert_eq!(
        step(&w, "fb-recreate-pool").wizard.as_deref(),
        Some("recreate-pool")
    );
    assert!(
        step(&w, "fb-move-users-back")
            .checklist
            .iter()
            .any(|c| c.contains("without Force"))
    );
}

#[test]
fn persistent_chat_facts_are_exact() {
    let w = load("persistent-chat-failback");
    let normal = step(&w, "pool-state-normal");
    assert_eq!(normal.shell, Some(Shell::Powershell));
    assert_eq!(
        normal.argv,
        s(&[
            "Import-Module",
            "Lync;",
            "Set-CsPersistentChatState",
            "-Identity",
            "{{pchat_identity}}",
            "-PoolState",
            "Normal"
        ])
    );
    assert!(
        step(&w, "clear-active-servers")
            .argv
            .contains(&"Set-CsPersistentChatActiveServer".to_string())
    );
    assert!(
        step(&w, "set-active-servers")
            .argv
            .contains(&"Set-CsPersistentChatActiveServer".to_string())
    );
    let mirroring = step(&w, "remove-mirroring").checklist.join(" ");
    assert!(mirroring.contains("mgc") && mirroring.contains("mgccomp"));
    assert!(
        step(&w, "restore-mgc")
            .argv
            .join(" ")
            .contains("RESTORE DATABASE [mgc]")
    );
    assert!(step(&w, "log-shipping").kind == StepKind::Manual);
}

// ------------------------------------------------------------- drill walk ---

struct Inventory(BTreeMap<String, AnswerValue>);

impl Defaults for Inventory {
    fn lookup(&self, key: &str) -> Option<AnswerValue> {
        self.0.get(key).cloned()
    }
}

/// One executed command or check, as the runner would receive it.
#[derive(Debug)]
struct Run {
    key: String,
    argv: Vec<String>,
    display: Vec<String>,
    check: Option<CheckSpec>,
}

#[derive(Debug, Default)]
struct Walk {
    asked: Vec<String>,
    confirmed: Vec<(String, String)>,
    runs: Vec<Run>,
    resolved: Vec<String>,
}

impl Walk {
    fn run(&self, key: &str) -> &Run {
        self.runs
            .iter()
            .find(|r| r.key == key)
            .unwrap_or_else(|| panic!("'{key}' did not run; ran: {:?}", self.keys()))
    }
    fn ran(&self, key: &str) -> bool {
        self.runs.iter().any(|r| r.key == key)
    }
    fn keys(&self) -> Vec<&str> {
        self.runs.iter().map(|r| r.key.as_str()).collect()
    }
    fn was_asked(&self, id: &str) -> bool {
        self.asked.iter().any(|a| a == id)
    }
}

fn text(v: &str) -> AnswerValue {
    AnswerValue::Text(v.into())
}

fn list(v: &[&str]) -> AnswerValue {
    AnswerValue::List(s(v))
}

/// Drives `root` through the engine as a drill: answers from `answers` (else the default),
/// types every confirmation word, ticks every checklist, and reports every run a success.
fn walk(root: &str, answers: &[(&str, AnswerValue)], inventory: &[(&str, AnswerValue)]) -> Walk {
    let catalog = catalog();
    let inventory = Inventory(
        inventory
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    );
    let answers: BTreeMap<&str, AnswerValue> = answers.iter().cloned().collect();
    let mut state = SessionState::default();
    let mut secrets: BTreeMap<String, String> = BTreeMap::new();
    let mut seq = 0u64;
    let mut out = Walk::default();
    let mut append = |state: &mut SessionState, event: Event| {
        seq += 1;
        state
            .apply(&Record {
                seq,
                at: time::OffsetDateTime::UNIX_EPOCH,
                event,
            })
            .expect("a legal event");
    };
    append(
        &mut state,
        Event::SessionStarted {
            session: "test".into(),
            wizard: root.into(),
            wizard_hash: "0".into(),
            wizard_version: "1".into(),
            inventory_hash: None,
            operator: Operator {
                user: "op".into(),
                host: "console".into(),
            },
            drill: true,
            lifeline_version: "0".into(),
            scenario: None,
            target_s: None,
        },
    );
    for _ in 0..5000 {
        let (intent, key) = {
            let engine = Engine {
                catalog: &catalog,
                root,
                state: &state,
                secrets: &secrets,
                defaults: &inventory,
            };
            match engine.next() {
                Next::AllDone => return out,
                Next::Ended => panic!("the session ended"),
                Next::Step { step, need } => {
                    let key = step.key.clone();
                    let intent = match need {
                        Need::Answers(asks) => {
                            let ask = &asks[0];
                            let id = ask.input.id.as_str();
                            let value = answers
                                .get(id)
                                .cloned()
                                .or_else(|| ask.default.clone())
                                .unwrap_or_else(|| {
                                    panic!("{root}: step '{key}' asks '{id}' and the test gave no answer")
                                });
                            out.asked.push(id.to_string());
                            Intent::Answer {
                                key: ask.key.clone(),
                                value,
                            }
                        }
                        Need::Confirm { word } => {
                            out.confirmed.push((key.clone(), word.clone()));
                            Intent::Confirm {
                                step: key.clone(),
                                word,
                            }
                        }
                        Need::Checklist { unticked } => Intent::Tick {
                            step: key.clone(),
                            item: unticked[0],
                            ticked: true,
                        },
                        Need::Execute => Intent::Start { step: key.clone() },
                        Need::Acknowledge => {
                            out.resolved.push(key.clone());
                            Intent::Acknowledge { step: key.clone() }
                        }
                        other => panic!("{root}: step '{key}' in unexpected state {other:?}"),
                    };
                    (intent, key)
                }
            }
        };
        let effects = {
            let engine = Engine {
                catalog: &catalog,
                root,
                state: &state,
                secrets: &secrets,
                defaults: &inventory,
            };
            engine
                .handle(intent)
                .unwrap_or_else(|e| panic!("{root}: step '{key}': {e}"))
        };
        let mut started = None;
        for effect in effects {
            match effect {
                Effect::Append(event) => append(&mut state, event),
                Effect::RememberSecret { key, value } => {
                    secrets.insert(key, value);
                }
                Effect::Execute(request) => {
                    out.runs.push(Run {
                        key: request.step.clone(),
                        argv: request.argv.clone(),
                        display: request.display_argv.clone(),
                        check: request.check.clone(),
                    });
                    out.resolved.push(request.step.clone());
                    started = Some((request.step, request.attempt));
                }
            }
        }
        if let Some((step, attempt)) = started {
            let effects = Engine {
                catalog: &catalog,
                root,
                state: &state,
                secrets: &secrets,
                defaults: &inventory,
            }
            .handle(Intent::Finished {
                step,
                attempt,
                report: RunReport {
                    outcome: Some(Outcome::Succeeded),
                    exit_code: Some(0),
                    ..RunReport::default()
                },
            })
            .expect("finishing a started step");
            for effect in effects {
                if let Effect::Append(event) = effect {
                    append(&mut state, event);
                }
            }
        }
    }
    panic!("{root}: the walk did not finish");
}

fn powershell(script: &str) -> Vec<String> {
    s(&[
        "powershell",
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        script,
    ])
}

#[test]
fn database_restore_walk_renders_the_options_as_t_sql() {
    let w = walk(
        "restore-databases",
        &[
            ("topology", text("standard")),
            // A loss that requires no database: only the ones ticked are restored.
            ("lost", list(&["file-shares"])),
            ("databases", list(&["LCSLog", "RTC"])),
            ("backup_set_rtc", text("3")),
            ("backup_set_lcslog", text("1")),
            ("os_healthy", AnswerValue::Bool(true)),
            (
                "restore_with",
                list(&["REPLACE", "RESTRICTED_USER", "STATS = 10"]),
            ),
            ("se_fqdn", text("ocs01.contoso.com")),
        ],
        &[
            ("service_account", text(r"CONTOSO\RTCService")),
            ("backup.databases", text(r"\\backup01\ocs\db")),
            ("sql.back-end", text(r"ocs01\RTC")),
            ("sql.archiving-cdr", text(r"arch01\ARCHIVE")),
            ("role.archiving-cdr.fqdn", text("arch01.contoso.com")),
        ],
    );
    assert_eq!(
        w.run("restore-rtc").argv,
        s(&[
            "sqlcmd",
            "-S",
            r"ocs01\RTC",
            "-E",
            "-b",
            "-Q",
            r"RESTORE DATABASE [RTC] FROM DISK = N'\\backup01\ocs\db\RTC.bak' WITH FILE = 3, RECOVERY, STATS = 10,REPLACE,RESTRICTED_USER",
        ])
    );
    // The options are asked once and apply to every database restored in the run.
    assert_eq!(
        w.run("restore-lcslog").argv[6],
        r"RESTORE DATABASE [LCSLog] FROM DISK = N'\\backup01\ocs\db\LCSLog.bak' WITH FILE = 1, RECOVERY, STATS = 10,REPLACE,RESTRICTED_USER"
    );
    assert_eq!(w.run("restore-lcslog").argv[2], r"arch01\ARCHIVE");
    assert_eq!(
        w.run("stop-se-services").argv,
        powershell(
            "Get-Service -ComputerName 'ocs01.contoso.com' -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"
        )
    );
    // The services stop before anything is restored, and every restore is verified before and after.
    let order = w.keys();
    let pos = |k: &str| order.iter().position(|x| *x == k).unwrap();
    assert!(pos("stop-se-services") < pos("restore-rtc"));
    assert!(pos("stop-archiving-services") < pos("restore-lcslog"));
    assert!(pos("verify-backup-rtc") < pos("restore-rtc"));
    assert!(pos("restore-rtc") < pos("status-rtc"));
    assert!(!w.ran("stop-pool-services") && !w.ran("restore-rtccdr"));
    assert!(!w.was_asked("standby_dir"));
    assert_eq!(
        w.confirmed
            .iter()
            .map(|(k, word)| format!("{k}:{word}"))
            .collect::<Vec<_>>(),
        ["restore-rtc:OVERWRITE", "restore-lcslog:OVERWRITE"]
    );
    assert!(w.ran("restart-se-services") && w.ran("restart-archiving-service"));
    assert_eq!(
        w.run("restart-archiving-service").argv,
        s(&["sc", r"\\arch01.contoso.com", "start", "RTCLOG"])
    );
}

#[test]
fn norecovery_and_standby_restores_leave_out_what_sql_server_rejects() {
    let base = [
        ("topology", text("enterprise-consolidated")),
        ("lost", list(&["file-shares"])),
        ("databases", list(&["RTC"])),
        ("backup_set_rtc", text("3")),
        ("os_healthy", AnswerValue::Bool(true)),
        ("service_account", text(r"CONTOSO\RTCService")),
        ("db_backup_dir", text(r"\\backup01\ocs\db")),
        ("backend_sql", text(r"sql01\OCS")),
        ("pool_servers", text("fe01.contoso.com,fe02.contoso.com")),
    ];
    let mut answers = base.to_vec();
    answers.push(("recovery_state", text("NORECOVERY")));
    let w = walk("restore-databases", &answers, &[]);
    assert_eq!(
        w.run("restore-rtc-norecovery").argv[6],
        r"RESTORE DATABASE [RTC] FROM DISK = N'\\backup01\ocs\db\RTC.bak' WITH FILE = 3, NORECOVERY, STATS = 10,REPLACE"
    );
    assert!(!w.was_asked("restore_with") && !w.was_asked("restore_with_standby"));
    assert!(w.ran("status-rtc-restoring") && !w.ran("status-rtc"));
    assert!(
        !w.ran("restart-pool-services"),
        "a restoring database cannot serve"
    );
    assert_eq!(
        w.run("stop-pool-services").argv[4],
        "Get-Service -ComputerName ('fe01.contoso.com,fe02.contoso.com' -split ',') -DisplayName 'Office Communications Server*' | Stop-Service -Force -PassThru"
    );

    let mut answers = base.to_vec();
    answers.push(("recovery_state", text("STANDBY")));
    answers.push((
        "restore_with_standby",
        list(&["KEEP_REPLICATION", "REPLACE"]),
    ));
    answers.push(("standby_dir", text(r"D:\Undo")));
    let w = walk("restore-databases", &answers, &[]);
    assert_eq!(
        w.run("restore-rtc-standby").argv[6],
        r"RESTORE DATABASE [RTC] FROM DISK = N'\\backup01\ocs\db\RTC.bak' WITH FILE = 3, STANDBY = N'D:\Undo\RTC_undo.dat', REPLACE,KEEP_REPLICATION"
    );
    assert!(!w.was_asked("restore_with"));
}

#[test]
fn file_share_walk_copies_back_to_the_standard_edition_defaults() {
    let w = walk(
        "restore-file-shares",
        &[
            ("topology", text("standard")),
            ("se_fqdn", text("ocs01.contoso.com")),
            ("compliance_log_path", text(r"\\files01\ocs\compliance")),
        ],
        &[("backup.file_shares", text(r"\\backup01\ocs\files"))],
    );
    assert_eq!(
        w.run("meeting-content-copy-back").argv,
        s(&[
            "robocopy",
            r"\\backup01\ocs\files\MeetingContent",
            r"\\ocs01.contoso.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Web",
            "/E",
            "/COPYALL",
            "/R:1",
            "/W:1"
        ])
    );
    assert_eq!(
        w.run("meeting-metadata-copy-back").argv[2],
        r"\\ocs01.contoso.com\C$\Program Files\Microsoft Office Communications Server 2007\Web Components\Data MCU Web\Non-Web"
    );
    assert_eq!(
        w.run("compliance-log-copy-back").argv[2],
        r"\\files01\ocs\compliance"
    );
    assert!(!w.ran("application-data-copy-back"));
    assert_eq!(
        w.run("meeting-content-backup-present").check,
        Some(CheckSpec::PathExists {
            path: r"\\backup01\ocs\files\MeetingContent".into(),
            max_age_s: None,
            max_age_h: None,
        })
    );
}

#[test]
fn standard_edition_walk_imports_the_right_levels_and_starts_services_in_order() {
    let inventory = [
        ("backup.settings", text(r"\\backup01\ocs\settings")),
        ("pool.name", text("ocs01")),
        ("role.standard-edition.fqdn", text("ocs01.contoso.com")),
        ("role.edge.fqdn", text("edge01.contoso.com")),
    ];
    let w = walk(
        "restore-settings-standard",
        &[(
            "lost",
            list(&["standard-edition", "edge", "active-directory"]),
        )],
        &inventory,
    );
    assert_eq!(
        w.run("import-global-pool").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:global,pool",
            "/restore:true",
            r"/configfile:\\backup01\ocs\settings\ocs01-globalandpool.xml",
            "/poolname:ocs01"
        ])
    );
    assert_eq!(
        w.run("import-machine-edge").argv[5],
        r"/configfile:\\backup01\ocs\settings\edge01.contoso.com-machine.xml"
    );
    assert!(!w.ran("import-pool-from-combined") && !w.ran("import-global"));
    let starts: Vec<String> = w
        .runs
        .iter()
        .filter(|r| r.argv.first().map(String::as_str) == Some("sc") && r.argv[2] == "start")
        .map(|r| format!("{} {}", r.argv[1], r.argv[3]))
        .collect();
    assert_eq!(
        starts,
        [
            r"\\ocs01.contoso.com MSSQL$RTC",
            r"\\ocs01.contoso.com RTCSRV",
            r"\\ocs01.contoso.com RTCIMMCU",
            r"\\ocs01.contoso.com RTCACPMCU",
            r"\\ocs01.contoso.com RTCDATAMCU",
            r"\\ocs01.contoso.com RTCAVMCU",
            r"\\edge01.contoso.com RTCSRV",
            r"\\edge01.contoso.com RTCDATAPROXY",
            r"\\edge01.contoso.com RTCMEDIARELAY",
            r"\\edge01.contoso.com RTCMRAUTH",
        ]
    );
    // Only the Standard Edition server lost, with separate exports: the pool level alone.
    let w = walk(
        "restore-settings-standard",
        &[
            ("lost", list(&["standard-edition"])),
            ("settings_layout", text("separate")),
        ],
        &inventory,
    );
    assert_eq!(
        w.run("import-pool").argv[5],
        r"/configfile:\\backup01\ocs\settings\ocs01-pool.xml"
    );
    assert!(!w.ran("import-global") && !w.ran("import-global-pool"));
    assert!(!w.ran("start-02") && !w.ran("start-10"));
}

#[test]
fn enterprise_walk_activates_a_recreated_pool_without_showing_the_password() {
    let w = walk(
        "restore-settings-enterprise",
        &[
            ("lost", list(&["back-end", "front-end"])),
            ("pool_state", text("recreated")),
            ("attach_archiving", AnswerValue::Bool(false)),
            ("service_password", text("S3cret!")),
            ("backend_fqdn", text("sql01.contoso.com")),
        ],
        &[
            ("topology", text("enterprise-consolidated")),
            ("backup.settings", text(r"\\backup01\ocs\settings")),
            ("pool.name", text("pool01")),
            ("role.front-end.fqdn", text("fe01.contoso.com")),
            ("role.front-end.single_fqdn", text("fe01.contoso.com")),
            ("sql.back-end", text(r"sql01\OCS")),
            ("service_account", text(r"CONTOSO\RTCService")),
        ],
    );
    let activate = w.run("activate-front-end");
    assert_eq!(
        activate.display,
        s(&[
            "lcscmd",
            "/server:fe01.contoso.com",
            "/action:activate",
            "/role:ee",
            r"/user:CONTOSO\RTCService",
            "/password:****",
            "/poolname:pool01",
            "/nostart"
        ])
    );
    assert_eq!(activate.argv[5], "/password:S3cret!");
    assert_eq!(
        w.run("activate-av-conferencing").display,
        s(&[
            "lcscmd",
            "/mcu:fe01.contoso.com",
            "/action:activate",
            "/role:avmcu",
            r"/user:CONTOSO\RTCService",
            "/password:****",
            "/poolname:pool01",
            "/nostart:true"
        ])
    );
    assert_eq!(
        w.run("import-pool-from-combined").argv,
        s(&[
            "lcscmd",
            "/config",
            "/action:import",
            "/level:pool",
            r"/configfile:\\backup01\ocs\settings\pool01-globalandpool.xml",
            "/poolname:pool01",
            "/restore:true"
        ])
    );
    assert!(w.ran("rtc-back-after-recreate") && !w.ran("activate-front-end-archiving"));
    assert!(
        !w.ran("import-machine-webcomp"),
        "consolidated pools have no separate roles"
    );
    assert_eq!(
        w.run("start-06").argv,
        s(&["sc", r"\\fe01.contoso.com", "start", "W3SVC"])
    );
    assert_eq!(
        w.run("start-01").argv,
        s(&["sc", r"\\sql01.contoso.com", "start", "MSSQLSERVER"])
    );
}

#[test]
fn pool_recreation_walk_fills_every_path_from_the_inventory() {
    let w = walk(
        "recreate-pool",
        &[],
        &[
            ("forest", text("contoso.com")),
            ("pool.name", text("pool01")),
            ("sql.back-end", text(r"sql01\OCS")),
            ("paths.db_data", text(r"D:\RTC\Data")),
            ("paths.db_log", text(r"E:\RTC\Log")),
            ("paths.dyn_data", text(r"D:\RTCDyn\Data")),
            ("paths.dyn_log", text(r"E:\RTCDyn\Log")),
            ("paths.meeting_content", text(r"\\files01\meetings\content")),
            ("paths.meeting_meta", text(r"\\files01\meetings\meta")),
        ],
    );
    assert_eq!(
        w.run("create-pool").argv,
        s(&[
            "lcscmd",
            "/forest:contoso.com",
            "/action:CreatePool",
            "/poolname:pool01",
            r"/poolbe:sql01\OCS",
            "/refdomain:contoso.com",
            r"/dbdatapath:D:\RTC\Data",
            r"/dblogpath:E:\RTC\Log",
            r"/dyndatapath:D:\RTCDyn\Data",
            r"/dynlogpath:E:\RTCDyn\Log",
            r"/meetingcontentpath:\\files01\meetings\content",
            r"/meetingmetapath:\\files01\meetings\meta",
            "/clean"
        ])
    );
    assert_eq!(
        w.confirmed,
        [("create-pool".to_string(), "CLEAN".to_string())]
    );
}

#[test]
fn site_failover_and_failback_walks() {
    let common = [
        ("dns_domain", text("contoso.com")),
        ("db_backup_dir", text(r"\\dr01\backups\db")),
        ("secondary_pool_fqdn", text("backuppool.contoso.com")),
        ("secondary_sql", text(r"drsql01\OCS")),
        ("secondary_pool_servers", text("drfe01.contoso.com")),
        ("secondary_frontend_fqdn", text("drfe01.contoso.com")),
        ("backup_set_rtc", text("2")),
    ];
    let mut answers = common.to_vec();
    answers.push(("direction", text("failover")));
    answers.push(("secondary_site", AnswerValue::Bool(true)));
    let w = walk("restore-site", &answers, &[]);
    assert_eq!(
        w.run("fo-restore-rtc").argv[6],
        r"RESTORE DATABASE [RTC] FROM DISK = N'\\dr01\backups\db\RTC.bak' WITH FILE = 2, RECOVERY, REPLACE, STATS = 10"
    );
    assert_eq!(w.run("fo-restore-rtc").argv[2], r"drsql01\OCS");
    assert_eq!(
        w.run("fo-dns-sipinternaltls").check,
        Some(CheckSpec::Dns {
            name: "_sipinternaltls._tcp.contoso.com".into(),
            srv: true,
            expect: Some("backuppool.contoso.com".into())
        })
    );
    assert_eq!(
        w.run("fo-pool-reachable").check,
        Some(CheckSpec::TcpConnect {
            host: "backuppool.contoso.com".into(),
            port: "5061".into()
        })
    );
    let words: Vec<&str> = w.confirmed.iter().map(|(_, word)| word.as_str()).collect();
    assert_eq!(words, ["OVERWRITE", "FORCE"]);
    assert!(!w.ran("fb-restore-rtc"));

    let mut answers = common.to_vec();
    answers.push(("topology", text("enterprise-expanded")));
    answers.push(("direction", text("failback")));
    answers.push(("primary_rebuilt", AnswerValue::Bool(true)));
    answers.push(("pool_servers", text("fe01.contoso.com")));
    let w = walk(
        "restore-site",
        &answers,
        &[
            ("pool.name", text("pool01")),
            ("pool.fqdn", text("pool01.contoso.com")),
            ("sql.back-end", text(r"sql01\OCS")),
            ("forest", text("contoso.com")),
            ("paths.db_data", text(r"D:\RTC\Data")),
            ("paths.db_log", text(r"E:\RTC\Log")),
            ("paths.dyn_data", text(r"D:\RTCDyn\Data")),
            ("paths.dyn_log", text(r"E:\RTCDyn\Log")),
            ("paths.meeting_content", text(r"\\files01\meetings\content")),
            ("paths.meeting_meta", text(r"\\files01\meetings\meta")),
        ],
    );
    let order = w.keys();
    let pos = |k: &str| order.iter().position(|x| *x == k).unwrap();
    assert!(pos("fb-backup-standby-rtc") < pos("fb-recreate-pool/create-pool"));
    assert!(pos("fb-recreate-pool/create-pool") < pos("fb-restore-rtc"));
    assert_eq!(
        w.run("fb-recreate-pool/create-pool").argv[3],
        "/poolname:pool01",
        "the pool comes back under its original name"
    );
    assert_eq!(
        w.run("fb-restore-rtc").argv[6],
        r"RESTORE DATABASE [RTC] FROM DISK = N'\\dr01\backups\db\RTC-from-secondary.bak' WITH RECOVERY, REPLACE, STATS = 10"
    );
    assert_eq!(
        w.run("fb-dns-sip-tcp").check,
        Some(CheckSpec::Dns {
            name: "_sip._tcp.contoso.com".into(),
            srv: true,
            expect: Some("pool01.contoso.com".into())
        })
    );
    let words: Vec<&str> = w.confirmed.iter().map(|(_, word)| word.as_str()).collect();
    assert_eq!(
        words,
        ["DELETE", "REMOVE", "UNINSTALL", "CLEAN", "OVERWRITE"]
    );
    let deactivations: Vec<&String> = w
        .resolved
        .iter()
        .filter(|k| k.starts_with("fb-deactivate-"))
        .collect();
    assert_eq!(
        deactivations,
        [
            "fb-deactivate-1",
            "fb-deactivate-2",
            "fb-deactivate-3",
            "fb-deactivate-4"
        ]
    );
}

#[test]
fn persistent_chat_walk_quotes_the_identity_for_powershell() {
    let w = walk(
        "persistent-chat-failback",
        &[
            ("pchat_share", text(r"\\share01\pchat")),
            (
                "pchat_active_servers",
                text("atl-pc-001.contoso.com,atl-pc-002.contoso.com"),
            ),
        ],
        &[
            ("persistent_chat.pool", text("atl-cs-001.contoso.com")),
            ("persistent_chat.primary_sql", text(r"atl-sql-001\pchat")),
            ("persistent_chat.backup_sql", text(r"dal-sql-001\pchat")),
        ],
    );
    assert_eq!(
        w.run("pool-state-normal").argv,
        powershell(
            "Import-Module Lync; Set-CsPersistentChatState -Identity 'service:atl-cs-001.contoso.com' -PoolState Normal"
        )
    );
    assert_eq!(
        w.run("clear-active-servers").argv[4],
        "Import-Module Lync; Set-CsPersistentChatActiveServer -Identity 'service:atl-cs-001.contoso.com' -ActiveServers $Null"
    );
    assert_eq!(
        w.run("set-active-servers").argv[4],
        "Import-Module Lync; Set-CsPersistentChatActiveServer -Identity 'service:atl-cs-001.contoso.com' -ActiveServers @{Replace=('atl-pc-001.contoso.com,atl-pc-002.contoso.com' -split ',')}"
    );
    assert_eq!(
        w.run("restore-mgc").argv,
        s(&[
            "sqlcmd",
            "-S",
            r"atl-sql-001\pchat",
            "-E",
            "-b",
            "-Q",
            r"RESTORE DATABASE [mgc] FROM DISK = N'\\share01\pchat\mgc-failback.bak' WITH REPLACE, RECOVERY, STATS = 10"
        ])
    );
    let order = w.keys();
    let pos = |k: &str| order.iter().position(|x| *x == k).unwrap();
    assert!(pos("clear-active-servers") < pos("backup-mgc"));
    assert!(pos("backup-mgc") < pos("restore-mgc"));
    assert!(pos("set-active-servers") < pos("pool-state-normal"));
}
