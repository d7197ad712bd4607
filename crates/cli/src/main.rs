//! `homeward`: one binary for the whole system. Each subcommand lives in `commands/`.

mod commands;
mod output;
mod progress;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Printed with every `--help` that involves scores.
const PROVISIONAL_NOTE: &str = "\
Scores use the profile `rss-provisional-1` unless --profile FILE is given. Its answer values and
weights are Homeward's assumptions, NOT IOM's official scoring (the handbook does not print them;
IOM gives them in a methodological note on request). To score with official values, write them in a
profile file (copy data/rss/profiles/rss-provisional-1.toml, set status = \"official\") and pass
--profile FILE. Every score names the profile it was computed with.";

#[derive(Parser)]
#[command(name = "homeward", version, about = "Reintegration of returning migrants: case management, the Reintegration Sustainability Survey (RSS), monitoring and evaluation", after_help = PROVISIONAL_NOTE)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score the bundled sample surveys and print a summary table.
    Demo,
    /// The Reintegration Sustainability Survey: scoring, forms, profiles.
    Rss {
        #[command(subcommand)]
        command: RssCommand,
    },
}

#[derive(Subcommand)]
enum RssCommand {
    /// Score a CSV file of surveys into a CSV file of results (exit 0: all scored or discarded;
    /// 1: some rows invalid; 2: the file cannot be processed, nothing written).
    #[command(after_help = PROVISIONAL_NOTE)]
    Score {
        /// CSV, UTF-8, with a header: survey_id, consent, Q1..Q32 except Q21 (any order; other columns ignored).
        #[arg(long)]
        input: PathBuf,
        /// Where the results go (written only if the whole file could be processed).
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        profile: ProfileArg,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Write the survey as an XLSForm for ODK Collect and KoboToolbox.
    Xlsform {
        /// The .xlsx file to write.
        #[arg(long)]
        output: PathBuf,
        /// Languages, the first being the form's default.
        #[arg(long, value_delimiter = ',', default_value = "en,fr")]
        lang: Vec<String>,
        /// The profile whose values the form uses to compute Q21.
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// How many scored surveys change band when the weight of Q2, Q25 and Q30 runs from 1 to 3.
    #[command(after_help = PROVISIONAL_NOTE)]
    Sensitivity {
        #[arg(long)]
        input: PathBuf,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Scoring profiles.
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Validate a profile file and print its summary.
    Check {
        /// The profile file (TOML).
        file: PathBuf,
    },
}

#[derive(Args)]
struct ProfileArg {
    /// A scoring profile file (TOML); default: the bundled provisional profile.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => commands::demo::run(),
        Command::Rss { command } => match command {
            RssCommand::Score { input, output, profile, threads } => {
                commands::rss_score::run(&input, &output, profile.profile.as_deref(), threads)
            }
            RssCommand::Xlsform { output, lang, profile } => {
                commands::rss_xlsform::run(&output, &lang, profile.profile.as_deref())
            }
            RssCommand::Sensitivity { input, profile } => {
                commands::rss_sensitivity::run(&input, profile.profile.as_deref())
            }
            RssCommand::Profile { command: ProfileCommand::Check { file } } => commands::rss_profile::check(&file),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
