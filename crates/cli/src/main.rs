//! `homeward`: one binary for the whole system. Each subcommand lives in `commands/`.

mod audit_key;
mod commands;
mod data_key;
mod database;
mod deployment;
mod logs;
mod output;
mod progress;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use database::DatabaseArg;

/// Printed with every `--help` that involves scores.
const PROVISIONAL_NOTE: &str = "\
Scores use the profile `rss-provisional-1` unless --profile FILE is given. Its answer values and
weights are Homeward's assumptions, NOT IOM's official scoring (the handbook does not print them;
IOM gives them in a methodological note on request). To score with official values, write them in a
profile file (copy data/rss/profiles/rss-provisional-1.toml, set status = \"official\") and pass
--profile FILE. Every score names the profile it was computed with.";

#[derive(Parser)]
#[command(name = "homeward", version = VERSION, about = "Reintegration of returning migrants: case management, the Reintegration Sustainability Survey (RSS), monitoring and evaluation", after_help = PROVISIONAL_NOTE)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    logs: logs::LogArgs,
}

/// `--version`: the release and the commit it was built from.
const VERSION: &str = homeward_server::VERSION_AND_COMMIT;

#[derive(Subcommand)]
enum Command {
    /// Run Homeward on a demo database of synthetic cases (created if empty), with a demo login.
    Demo {
        /// How many synthetic cases to create in an empty database.
        #[arg(long, env = "HOMEWARD_DEMO_CASES", default_value_t = 60)]
        cases: usize,
        #[arg(
            long = "database",
            env = "HOMEWARD_DATABASE_URL",
            default_value = "sqlite://homeward-demo.db",
            value_name = "URL"
        )]
        database: String,
        /// Address and port to listen on.
        #[arg(long, env = "HOMEWARD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Create the data and print the demo login, without starting the server.
        #[arg(long, env = "HOMEWARD_DEMO_NO_SERVE")]
        no_serve: bool,
        /// The file of keys that seal the audit log (default: beside an SQLite database).
        #[arg(long = "audit-key", env = "HOMEWARD_AUDIT_KEY_FILE", value_name = "FILE")]
        audit_key: Option<std::path::PathBuf>,
        /// The file of keys that seal names, notes and documents at rest (default: beside an
        /// SQLite database).
        #[arg(long = "data-key", env = "HOMEWARD_DATA_KEY_FILE", value_name = "FILE")]
        data_key: Option<std::path::PathBuf>,
        /// The file of this installation's exchange key (default: beside an SQLite database).
        #[arg(long = "exchange-key", env = "HOMEWARD_EXCHANGE_KEY_FILE", value_name = "FILE")]
        exchange_key: Option<std::path::PathBuf>,
    },
    /// Serve the HTTP API (and apply pending migrations first).
    Serve {
        #[command(flatten)]
        database: DatabaseArg,
        /// Address and port to listen on.
        #[arg(long, env = "HOMEWARD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Apply the database migrations that are not yet applied.
    Migrate {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Bootstrap a deployment: users and API tokens; check the database.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// A consistent copy of an SQLite database, taken while the server runs (checked once written).
    /// For PostgreSQL it says how to use pg_dump.
    Backup {
        #[command(flatten)]
        database: DatabaseArg,
        /// The file to write (never overwritten).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
    },
    /// The case data as an XLSX workbook (one sheet per part) or CSV files in a zip (told by the
    /// file's extension): cases with their records, surveys and scores, plans and components,
    /// referrals; codes with their labels. As the account named with --as sees them (office,
    /// sections, pseudonymisation), else everything; every case exported is audited. Never
    /// overwrites a file.
    Export {
        #[command(flatten)]
        database: DatabaseArg,
        /// The file to write: `.xlsx` or `.zip`.
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Export as this account sees the cases.
        #[arg(long = "as", value_name = "USERNAME")]
        user: Option<String>,
        /// The language of labels and sheet names (`en`, `fr`).
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Put a backup into a new SQLite database (given by --database, which must not exist or be
    /// empty), then run the integrity check and verify the audit log with the deployment's key.
    /// Exit 0 restored and verified, 1 restored but a check failed, 2 nothing restored.
    Restore {
        #[command(flatten)]
        database: DatabaseArg,
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
    },
    /// Import field data: RSS surveys exported from KoboToolbox or ODK Central, or a caseload kept
    /// in a spreadsheet.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The audit log of every read and write of case data.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Monitoring and evaluation analyses on a CSV file: regression, summaries, change.
    Analyze {
        #[command(subcommand)]
        command: AnalyzeCommand,
    },
    /// The Reintegration Sustainability Survey: scoring, forms, profiles.
    Rss {
        #[command(subcommand)]
        command: RssCommand,
    },
}

#[derive(Subcommand)]
enum AnalyzeCommand {
    /// Ordinary least squares, e.g. `--formula "composite ~ age + gender + time + country + program"`.
    /// A column with any value that is not a number is categorical (treatment coding, terms named
    /// as R names them: `genderFemale`); rows with a missing value in the model are left out.
    Regress {
        /// CSV, UTF-8, with a header. Missing values: empty, NA, N/A, NaN.
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        formula: String,
        /// Reference levels, e.g. `country=Other,program=None` (default: the first level in sorted order).
        #[arg(long)]
        reference: Option<String>,
        /// Heteroskedasticity-robust standard errors: hc1.
        #[arg(long)]
        robust: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::analyze::Format,
    },
    /// n, mean, sd, median and the share in each RSS band of a score, by groups, with small
    /// cells (and cells that would reveal them) suppressed.
    Summary {
        #[arg(long)]
        input: PathBuf,
        /// The score to summarise (a numeric column).
        #[arg(long)]
        measure: String,
        /// Grouping columns, e.g. `country,sex` (none: one overall row).
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// The smallest group shown.
        #[arg(long, default_value_t = 5)]
        min_cell: usize,
        /// Cut a numeric column into groups first, e.g. `age=18,25,35,50` (repeatable).
        #[arg(long)]
        bins: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::analyze::Format,
    },
    /// Each case's change in a score between two phases; with --group, the difference in
    /// differences between two groups and its effect sizes (Glass's Δ, Cohen's d, Hedges' g).
    Change {
        #[arg(long)]
        input: PathBuf,
        /// The column identifying a case.
        #[arg(long)]
        id: String,
        /// The column naming the survey phase.
        #[arg(long)]
        phase: String,
        #[arg(long)]
        measure: String,
        /// A column with two groups to compare (mentored or not, ...).
        #[arg(long)]
        group: Option<String>,
        /// The phases compared (default: the first and last, RSS phases in survey order).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// The group compared against (default: the first in sorted order).
        #[arg(long)]
        control: Option<String>,
        #[arg(long, default_value_t = 5)]
        min_cell: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::analyze::Format,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a user, or replace its role, office, grants and password. The password is read
    /// from standard input (at least 10 characters).
    CreateUser {
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long)]
        username: String,
        /// admin, supervisor, case_manager, counsellor, me_officer or partner.
        #[arg(long)]
        role: String,
        /// The office whose cases the user works on (none: every office).
        #[arg(long)]
        office: Option<String>,
        /// For a partner: the id of its service provider in the directory.
        #[arg(long)]
        provider: Option<String>,
        /// Sensitive sections granted: health, psychosocial, gbv_protection, trafficking, sogiesc.
        #[arg(long, value_delimiter = ',')]
        grant: Vec<String>,
        /// The user's language: en or fr.
        #[arg(long, default_value = "en")]
        language: String,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// May refer without consent when life is at risk (for mental-health professionals).
        #[arg(long)]
        emergency_sharing: bool,
    },
    /// Lift the sign-in lock of a user (after too many failed attempts), from every address.
    Unlock {
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long)]
        username: String,
    },
    /// Remove from closed cases what the retention policy says is past its time, and anonymise
    /// them once their identity's time is past; cases under a legal hold are left whole.
    Purge {
        #[command(flatten)]
        database: DatabaseArg,
        /// Only print what would be removed.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add a new data key that seals names, notes and documents from now on, and seal everything
    /// again under it (search terms too); the old keys stay in the key file to read older backups.
    RotateKey {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Create an API token for a user and print it (shown once).
    CreateToken {
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long)]
        username: String,
    },
    /// Record an office (cases are registered in existing offices): its name, country, role in
    /// a return, and optionally its languages and contact.
    CreateOffice {
        #[command(flatten)]
        database: DatabaseArg,
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 code (SN, LY).
        #[arg(long)]
        country: String,
        /// host, transit or origin.
        #[arg(long)]
        role: String,
        /// Language codes, comma-separated (fr,wo).
        #[arg(long, default_value = "")]
        languages: String,
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// Run the database's integrity check.
    Check {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// RSS submissions from a KoboToolbox or ODK Central export, CSV or XLSX (XML values and headers),
    /// each attached to its case by number and round, scored, and stored once per instance.
    /// Exit 0 all imported, 1 some rows not, 2 nothing could be read.
    Surveys {
        #[command(flatten)]
        database: DatabaseArg,
        /// The export file.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Store nothing; print what the import would do.
        #[arg(long)]
        dry_run: bool,
    },
    /// A caseload kept in a spreadsheet, CSV or XLSX (its first sheet), one returnee per row:
    /// columns matched to the registration by their English or French headers, or by a mapping
    /// file. All or nothing: a refused row stops every case from being created, unless --partial.
    /// Possible duplicates of existing cases (or of earlier rows) are not created unless named
    /// with --another-person. Exit 0 every row created, 1 some rows not, 2 nothing could be read.
    Cases {
        #[command(flatten)]
        database: DatabaseArg,
        /// The spreadsheet.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// A TOML file naming the sheet's columns, values for every row, words for choices and
        /// the order of dates (see docs/caseload-import.md).
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// Store nothing; print what the import would do.
        #[arg(long)]
        dry_run: bool,
        /// Create the good rows even when others are refused.
        #[arg(long)]
        partial: bool,
        /// Rows shown as possible duplicates that are other people, to create anyway
        /// (comma-separated row numbers, as the dry run names them).
        #[arg(long, value_name = "ROWS", value_delimiter = ',')]
        another_person: Vec<usize>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the keyed hash chain of the audit log; report the first broken link (exit 1).
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
        /// An anchor printed earlier by `homeward audit anchor`: also detects truncation, a
        /// deleted log and a log rewritten since.
        #[arg(long, value_name = "FILE")]
        anchor: Option<std::path::PathBuf>,
    },
    /// Print the current head of the audit log (entry count and hash), to keep elsewhere.
    Anchor {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Add a new audit key that seals entries from now on; the old keys stay in the file to
    /// verify older entries.
    RotateKey {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum RssCommand {
    /// Score the bundled sample surveys and print a summary table.
    Demo,
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
    /// Give every stored survey a result under another profile (IOM's official weights, say),
    /// keeping every result there is: each result names its profile.
    Rescore {
        /// The profile file (TOML).
        #[arg(long, value_name = "FILE")]
        profile: PathBuf,
        #[command(flatten)]
        database: DatabaseArg,
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

/// mimalloc instead of the C library's allocator: an import's many small, short-lived strings
/// handed between the request and the database threads spent most of their time in glibc's
/// free-list upkeep (see scripts/bench-import).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = logs::init(&cli.logs) {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Demo { cases, database, listen, no_serve, audit_key, data_key, exchange_key } => commands::demo::run(
            &DatabaseArg {
                url: database,
                audit_key,
                pool_size: None,
                settings: None,
                documents: None,
                documents_s3: None,
                data_key,
                exchange_key,
            },
            &listen,
            cases,
            no_serve,
        ),
        Command::Serve { database, listen } => commands::serve::run(&database, &listen),
        Command::Migrate { database } => commands::migrate::run(&database),
        Command::Admin { command } => match command {
            AdminCommand::CreateUser {
                database,
                username,
                role,
                office,
                provider,
                grant,
                language,
                password_stdin: _,
                emergency_sharing,
            } => {
                let user = commands::admin::NewUser {
                    username: &username,
                    role: &role,
                    office: office.as_deref(),
                    provider: provider.as_deref(),
                    grants: &grant,
                    language: &language,
                    emergency_sharing,
                };
                commands::admin::create_user(&database, &user)
            }
            AdminCommand::CreateToken { database, username } => commands::admin::create_token(&database, &username),
            AdminCommand::Check { database } => commands::admin::check(&database),
            AdminCommand::CreateOffice { database, name, country, role, languages, contact } => {
                commands::admin::create_office(&database, &name, &country, &role, &languages, &contact)
            }
            AdminCommand::Unlock { database, username } => commands::admin::unlock(&database, &username),
            AdminCommand::Purge { database, dry_run } => commands::admin::purge(&database, dry_run),
            AdminCommand::RotateKey { database } => commands::admin::rotate_data_key(&database),
        },
        Command::Backup { database, output } => commands::backup::backup(&database, &output),
        Command::Restore { database, input } => commands::backup::restore(&database, &input),
        Command::Export { database, output, user, language } => {
            commands::export::export(&database, &output, user.as_deref(), &language)
        }
        Command::Import { command } => match command {
            ImportCommand::Surveys { database, input, dry_run } => {
                commands::import::surveys(&database, &input, dry_run)
            }
            ImportCommand::Cases { database, input, mapping, dry_run, partial, another_person } => {
                let options = homeward_service::caseload::CaseloadOptions {
                    dry_run,
                    partial,
                    another_person: another_person.into_iter().collect(),
                };
                commands::import::cases(&database, &input, mapping.as_deref(), options)
            }
        },
        Command::Audit { command } => match command {
            AuditCommand::Verify { database, anchor } => commands::audit::verify(&database, anchor.as_deref()),
            AuditCommand::Anchor { database } => commands::audit::anchor(&database),
            AuditCommand::RotateKey { database } => commands::audit::rotate_key(&database),
        },
        Command::Analyze { command } => match command {
            AnalyzeCommand::Regress { input, formula, reference, robust, format } => {
                commands::analyze::regress(&input, &formula, reference.as_deref(), robust.as_deref(), format)
            }
            AnalyzeCommand::Summary { input, measure, by, min_cell, bins, format } => {
                commands::analyze::summary(&input, &measure, &by, min_cell, &bins, format)
            }
            AnalyzeCommand::Change { input, id, phase, measure, group, from, to, control, min_cell, format } => {
                commands::analyze::change(&commands::analyze::ChangeArgs {
                    input: &input,
                    id: &id,
                    phase: &phase,
                    measure: &measure,
                    group: group.as_deref(),
                    from: from.as_deref(),
                    to: to.as_deref(),
                    control: control.as_deref(),
                    min_cell,
                    format,
                })
            }
        },
        Command::Rss { command } => match command {
            RssCommand::Demo => commands::rss_demo::run(),
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
            RssCommand::Rescore { profile, database } => commands::rss_rescore::run(&database, &profile),
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
