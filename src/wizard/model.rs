//! The wizard format as Rust types: what a loaded, checked wizard file holds.
//!
//! These types are the contract between the loader (`wizard::load`), the checker
//! (`wizard::check`), the session engine and the content in `wizards/`. The file
//! format itself is documented for authors in `wizards/README.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One wizard: a procedure (or a whole recovery) as an ordered list of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wizard {
    /// Stable id, lower-case with dashes (`restore-databases`). Used by `include` and on the CLI.
    pub id: String,
    pub title: String,
    /// Version of this definition (free text, e.g. `1.0.0`); shown when a resume finds it changed.
    pub version: String,
    pub description: String,
    /// Where in the source documents this procedure comes from.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub inputs: Vec<InputDef>,
    #[serde(default)]
    pub steps: Vec<StepDef>,
}

/// A value the operator supplies (or the inventory pre-fills).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDef {
    pub id: String,
    pub kind: InputKind,
    /// The question or field label, in the operator's language.
    pub label: String,
    /// Longer help shown on demand.
    #[serde(default)]
    pub help: Option<String>,
    /// Literal default: a string, a bool (for `bool`) or an array of strings (for `multi-choice`).
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// Inventory key whose value is the default (see `inventory::lookup`); wins over `default`
    /// when the inventory has it. May hold `{{placeholders}}`.
    #[serde(default)]
    pub default_from: Option<String>,
    /// Allowed values for `choice` and `multi-choice`, in display order. For a multi-choice
    /// this order is also the order its values are iterated by `for_each`.
    #[serde(default)]
    pub options: Vec<OptionDef>,
    /// Extra validation: a regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// What to say when `pattern` does not match.
    #[serde(default)]
    pub pattern_message: Option<String>,
    /// An empty answer is allowed.
    #[serde(default)]
    pub optional: bool,
    /// How a value nobody has given yet is named where a person reads it (a plan, a title
    /// shown before the question is answered): `the lost front-end server`. Plain words, no
    /// placeholders; without it the label stands in.
    #[serde(default)]
    pub unknown: Option<String>,
}

/// The type of an input, which decides its validation and how it is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    Text,
    /// A fully qualified domain name (`fe01.contoso.com`).
    Fqdn,
    /// A UNC path (`\\server\share\dir`).
    UncPath,
    /// A local Windows path (`D:\Backups\rtc.bak`).
    WindowsPath,
    Choice,
    MultiChoice,
    Bool,
    /// Masked on screen, never written to disk, asked again on resume.
    Secret,
}

/// One allowed value of a choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub value: String,
    pub label: String,
    /// One line: what choosing this leads to.
    #[serde(default)]
    pub consequence: Option<String>,
}

/// One step. Which fields apply depends on `kind`; `wizard::check` rejects the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// Unique within its wizard.
    pub id: String,
    pub kind: StepKind,
    pub title: String,
    /// What the operator is to do or read (may hold placeholders).
    #[serde(default)]
    pub body: Option<String>,
    /// Why the step exists (shown to trainees by default, to operators on demand).
    #[serde(default)]
    pub why: Option<String>,
    /// Source reference, e.g. `Restoring Service > Restoring Databases, step 10`.
    #[serde(default)]
    pub source: Option<String>,
    /// The step applies only when this holds.
    #[serde(default)]
    pub when: Option<Condition>,
    /// A point of no return: the operator must type this word before the step runs.
    #[serde(default)]
    pub confirm: Option<String>,
    /// Which server the step acts on (template), shown on screen and in reports.
    #[serde(default)]
    pub server: Option<String>,
    /// Seconds before a command or check is stopped.
    #[serde(default)]
    pub timeout_s: Option<u64>,
    /// What resume does if this step was running when lifeline died.
    #[serde(default)]
    pub on_interrupt: Option<OnInterrupt>,
    /// Whether running the step again is harmless: `safe` (it only reads) or `unsafe` (it
    /// writes). `lifeline check` refuses `safe` on a step that writes; see `rerun.rs`.
    #[serde(default)]
    pub rerun: Option<Rerun>,
    /// Drill behaviour (default: `simulate` for commands, `real` for read-only checks).
    #[serde(default)]
    pub drill: Option<DrillMode>,
    /// Simulated output shown in a drill.
    #[serde(default)]
    pub drill_output: Option<String>,
    /// Simulated duration in seconds in a drill.
    #[serde(default)]
    pub drill_duration_s: Option<u64>,

    /// `choice`: the choice input this step asks.
    #[serde(default)]
    pub input: Option<String>,
    /// `input`: the inputs this form asks, in order.
    #[serde(default)]
    pub inputs: Vec<String>,
    /// `manual`: the items the operator ticks.
    #[serde(default)]
    pub checklist: Vec<String>,
    /// `command` (and `check` with `check.kind = "command"`): program and arguments, each a template.
    #[serde(default)]
    pub argv: Vec<String>,
    /// Run through this shell; literal text is shell syntax, substituted values are quoted by the engine.
    #[serde(default)]
    pub shell: Option<Shell>,
    /// Working directory (template).
    #[serde(default)]
    pub cwd: Option<String>,
    /// Extra environment variables (values are templates).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Exit codes that count as success (default `[0]`).
    #[serde(default)]
    pub success_codes: Vec<i32>,
    /// `check`: the verification to run.
    #[serde(default)]
    pub check: Option<CheckSpec>,
    /// `command`: how to tell whether the command's work was done, when resume finds it
    /// interrupted and `on_interrupt = "check"`.
    #[serde(default)]
    pub verify: Option<CheckSpec>,
    /// `command`: a template written to the program's standard input, then closed. With `env`,
    /// this is how a secret reaches a program without appearing in its argv.
    #[serde(default)]
    pub stdin: Option<String>,
    /// `include`: the id of the wizard to run here.
    #[serde(default)]
    pub wizard: Option<String>,
    /// `include`: run the included wizard once per value of this multi-choice input,
    /// with `{{item}}` bound to the value.
    #[serde(default)]
    pub for_each: Option<String>,
}

/// The kinds of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    Info,
    Choice,
    Input,
    Manual,
    Command,
    Check,
    Include,
}

/// A step's declared re-run safety.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rerun {
    /// It only reads: running it again changes nothing.
    Safe,
    /// It writes: what an interrupted attempt did must be checked before running it again.
    Unsafe,
}

/// What resume does with a step that was running when the process died.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnInterrupt {
    /// Run it again (safe for idempotent steps).
    Rerun,
    /// Run the step's verification; done if it passes, otherwise ask.
    Check,
    /// Wait for the operator: run again, mark done, or skip with a reason.
    Ask,
}

/// How a step behaves in a drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DrillMode {
    /// Nothing runs; a plausible outcome is shown.
    Simulate,
    /// Runs for real (only for steps that merely read).
    Real,
    /// Skipped in a drill.
    Skip,
}

/// A shell a command step may run through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shell {
    Powershell,
    Cmd,
    Sh,
}

/// A built-in verification. Fields are templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CheckSpec {
    /// A path exists and is readable; optionally no older than `max_age_s` seconds, or
    /// `max_age_h` hours (older is a warning).
    PathExists {
        path: String,
        #[serde(default)]
        max_age_s: Option<u64>,
        /// The age limit in hours, as a number or a template that fills in to one
        /// (`"{{backup_interval_h}}"`); the engine turns it into `max_age_s` when it renders
        /// the check, so a rendered check never holds it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_age_h: Option<Amount>,
    },
    /// An XML file is well formed and (optionally) contains an element with this name.
    XmlContains {
        path: String,
        #[serde(default)]
        element: Option<String>,
    },
    /// A TCP connection to host:port succeeds within the step's timeout.
    TcpConnect { host: String, port: String },
    /// A DNS name (or SRV record when `srv = true`) resolves, optionally to `expect`.
    Dns {
        name: String,
        #[serde(default)]
        srv: bool,
        #[serde(default)]
        expect: Option<String>,
    },
    /// A program is on PATH.
    OnPath { program: String },
    /// At least `min_mb` megabytes free on the volume holding `path`.
    FreeSpace { path: String, min_mb: u64 },
    /// A program runs; passes on a success exit code and, if given, output matching `regex`.
    /// As a step's `check` the program is the step's own `argv`; as a command step's
    /// `verify` it is this `argv` (each a template), run like the step's own command.
    Command {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        argv: Vec<String>,
        #[serde(default)]
        regex: Option<String>,
    },
}

/// A whole number given literally or as a template that fills in to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Amount {
    Fixed(u64),
    Template(String),
}

impl CheckSpec {
    /// True when the check only reads, so a drill may run it for real.
    pub fn is_read_only(&self) -> bool {
        !matches!(self, CheckSpec::Command { .. })
    }
}

/// A declarative condition: every key in `all` must match; `any` needs one of its
/// conditions to hold; `not` must not hold.
///
/// In TOML this is one table: `when = { topology = ["standard"], ad_lost = true, not = { platform = "rebuild" } }`.
/// A key names an input (or `item` inside a `for_each`, or `drill`); a listed value matches when the
/// answer equals it, or for a multi-choice answer, when the answer contains it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Condition {
    #[serde(flatten)]
    pub all: BTreeMap<String, CondValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
}

/// The right-hand side of one `when` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CondValue {
    Bool(bool),
    One(String),
    Many(Vec<String>),
}

impl StepDef {
    /// The exit codes that count as success.
    pub fn success_codes(&self) -> Vec<i32> {
        if self.success_codes.is_empty() {
            vec![0]
        } else {
            self.success_codes.clone()
        }
    }

    /// The drill behaviour, with the defaults applied.
    pub fn drill_mode(&self) -> DrillMode {
        if let Some(mode) = self.drill {
            return mode;
        }
        match (&self.kind, &self.check) {
            (StepKind::Check, Some(spec)) if spec.is_read_only() => DrillMode::Real,
            _ => DrillMode::Simulate,
        }
    }

    /// The interrupt policy, with the default applied: re-running is only the default
    /// for steps that merely read.
    pub fn interrupt_policy(&self) -> OnInterrupt {
        self.on_interrupt.unwrap_or(match self.kind {
            StepKind::Check => OnInterrupt::Rerun,
            _ => OnInterrupt::Ask,
        })
    }

    /// True for the steps that execute something (and so are journaled as started/finished).
    pub fn executes(&self) -> bool {
        matches!(self.kind, StepKind::Command | StepKind::Check)
    }
}
