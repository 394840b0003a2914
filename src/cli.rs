//! The command-line surface (stable: tests and scripts depend on it).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The environment variables, shown under `--help`.
const ENVIRONMENT: &str = "Environment:
  LIFELINE_HOME          where sessions, logs and inventory.toml live
  LIFELINE_INVENTORY     the inventory to pre-fill forms from (else LIFELINE_HOME/inventory.toml)
  LIFELINE_WIZARDS       a folder of your organization's wizards (same as --wizards)
  LIFELINE_WINDOWS_ROOT  on a console that is not Windows: the folder standing in for Windows
                         paths (\\\\host\\share\\dir is looked for at ROOT/host/share/dir, D:\\dir at
                         ROOT/D/dir). 'lifeline sandbox DIR' makes a practice one, with stub tools.
  LIFELINE_DRILL_SPEED   drill pace (0 instant, 0.5 twice as fast)";

/// A terminal wizard that walks you through restoring a failed OCS 2007 / 2007 R2 deployment.
#[derive(Debug, Parser)]
#[command(
    name = "lifeline",
    version,
    about,
    propagate_version = true,
    after_help = ENVIRONMENT
)]
pub struct Cli {
    /// A folder of your organization's wizards; they override bundled ones with the same id.
    #[arg(long, global = true, env = "LIFELINE_WIZARDS", value_name = "DIR")]
    pub wizards: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a recovery (or, with --drill, a drill) with the screens.
    New {
        wizard: Option<String>,
        #[arg(long)]
        drill: bool,
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
    },
    /// Resume a session; headless when --answers is given.
    Resume {
        session: Option<String>,
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// What to do with a step that was running when lifeline stopped (under an `ask` policy).
        #[arg(long, value_enum)]
        interrupted: Option<InterruptedArg>,
        /// Take the session over from the process driving it, leaving this note in the journal.
        #[arg(long, value_name = "NOTE")]
        take_over: Option<String>,
    },
    /// Run a wizard to its end without screens, from an answers file.
    Run {
        /// A bundled wizard id or a path to a wizard file.
        wizard: String,
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "print_answers_template"
        )]
        answers: Option<PathBuf>,
        /// Print a TOML answers template (every input with its default and allowed values).
        #[arg(long, conflicts_with = "answers")]
        print_answers_template: bool,
        /// Simulate: nothing is executed.
        #[arg(long)]
        drill: bool,
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
    },
    /// Print the minimum restore plan for a loss.
    Plan {
        #[arg(long)]
        topology: String,
        /// Lost roles or other losses, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        lost: Vec<String>,
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "md")]
        format: PlanFormat,
    },
    /// Validate wizard files (the bundled ones when no path is given).
    Check { paths: Vec<PathBuf> },
    /// List sessions, unfinished first.
    Sessions {
        #[arg(long)]
        json: bool,
    },
    /// A drill from the bundled scenarios (training: nothing is executed, faults are injected).
    Drill {
        /// The scenario id (see --list).
        scenario: Option<String>,
        /// List the scenarios.
        #[arg(long, conflicts_with = "scenario")]
        list: bool,
        /// Run headless from an answers file.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// The deployment to drill on (default: the bundled example inventory).
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
    },
    /// Follow a session another console drives, live and read-only (its lock is not touched).
    Watch {
        /// The session id or a unique prefix (default: the unfinished session another console
        /// drives, else the latest unfinished one).
        session: Option<String>,
    },
    /// Make a practice deployment in a new folder DIR (for a console that is not Windows):
    /// the example inventory's backup folders and settings exports under DIR/windows (the
    /// LIFELINE_WINDOWS_ROOT that stands in for \\host\share and D:\ paths), stub tools
    /// under DIR/bin, and the environment to use for a real, non-drill run.
    Sandbox {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Render a session's report from its journal.
    Report {
        session: String,
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `report --format` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
    Json,
}

/// `--interrupted` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InterruptedArg {
    Rerun,
    Skip,
    Done,
}

/// `plan --format` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PlanFormat {
    Md,
    Json,
}
