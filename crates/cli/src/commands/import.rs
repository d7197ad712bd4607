//! `homeward import cases`: a caseload kept in a spreadsheet, each row registered through the
//! service layer as the registration form does (office, schedule, possible duplicates, audit).
//! Prints one line per row not created and a summary. Exit 0 every row created (or, dry, would
//! be), 1 some rows not, 2 the file or mapping cannot be read.
//!
//! `homeward import surveys`: RSS submissions exported from KoboToolbox or ODK Central (CSV or XLSX), imported
//! into their cases through the service layer (the same rules and audit as a survey recorded by
//! hand). Prints one line per row not imported and a summary; `--dry-run` stores nothing and
//! prints what the real run would. Exit codes as `rss score`: 0 every row imported (or imported
//! before), 1 some rows not imported, 2 nothing could be read.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use homeward_service::imports::{Listed, Origin, Outcome, import_surveys};

use crate::database::{DatabaseArg, block_on};

pub fn surveys(database: &DatabaseArg, input: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?;
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        // Read as the import goes: a large export is never held in memory.
        let reader = match homeward_submissions::open_file(file, services.scorer.instrument()) {
            Ok(reader) => reader,
            Err(e) => {
                eprintln!("error: {}: {e}", input.display());
                services.close().await;
                return Ok(ExitCode::from(2));
            }
        };
        let caller = super::admin::command_line();
        let file_name = input.file_name().and_then(|n| n.to_str());
        // Only the rows to read are listed: a million-row file's report stays small.
        let report = import_surveys(
            &services,
            &caller,
            Origin { source: reader.source(), file_name },
            reader,
            dry_run,
            Listed::WorthReading,
        )
        .await?;
        for r in report.rows.iter().filter(|r| r.outcome != Outcome::Created && r.outcome != Outcome::AlreadyImported) {
            let what = match r.outcome {
                Outcome::ChangedResubmission => {
                    "imported before with other answers: not stored (correct the survey in Homeward)".to_string()
                }
                _ => r.reason.clone().unwrap_or_default(),
            };
            match r.column.as_deref() {
                Some(column) => println!("row {}, column {column}: {what}", r.row),
                None => println!("row {}: {what}", r.row),
            }
        }
        for r in report.rows.iter().filter(|r| r.outcome == Outcome::Created) {
            if let Some(why) = &r.reason {
                println!("row {}: kept without scores: {why}", r.row);
            }
            if let Some(note) = &r.note {
                println!("row {}: {note}", r.row);
            }
        }
        let verb = if dry_run { "would be created" } else { "created" };
        println!(
            "{} survey(s) {verb}, {} imported before, {} changed resubmission(s), {} refused{}",
            report.count(Outcome::Created),
            report.count(Outcome::AlreadyImported),
            report.count(Outcome::ChangedResubmission),
            report.count(Outcome::Refused),
            if dry_run { " (dry run: nothing was stored)" } else { "" }
        );
        services.close().await;
        let all = report.count(Outcome::Refused) + report.count(Outcome::ChangedResubmission) == 0;
        Ok(if all { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })?
}

pub fn cases(
    database: &DatabaseArg,
    input: &Path,
    mapping: Option<&Path>,
    options: homeward_service::caseload::CaseloadOptions,
) -> anyhow::Result<ExitCode> {
    use homeward_service::caseload::{self, Outcome as CaseOutcome};
    // A file that cannot be opened is said before the database is.
    std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mapping = mapping
        .map(|m| std::fs::read_to_string(m).with_context(|| format!("cannot read {}", m.display())))
        .transpose()?;
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let caller = super::admin::command_line();
        // Read as the import goes (a large caseload is never held in memory), and opened again
        // for each pass over it.
        let source = || {
            let file = std::fs::File::open(input).map_err(|e| {
                homeward_service::ServiceError::invalid(vec![homeward_domain::validate::FieldError::new(
                    "file",
                    e.to_string(),
                )])
            })?;
            let table = homeward_tables::open_file(file).map_err(caseload::unreadable_file)?;
            caseload::open(&caller, table, mapping.as_deref())
        };
        if let Err(e) = source() {
            let why = match e {
                homeward_service::ServiceError::Invalid(_, problems) => {
                    problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; ")
                }
                other => other.to_string(),
            };
            eprintln!("error: {}: {why}", input.display());
            services.close().await;
            return Ok(ExitCode::from(2));
        }
        // Each row worth reading is printed once its transaction is committed, and none is kept.
        let mut print = |r: caseload::RowReport| match r.outcome {
            CaseOutcome::Created => {}
            CaseOutcome::PossibleDuplicate => {
                let mut like: Vec<String> =
                    r.duplicates.iter().map(|d| format!("{} ({})", d.case_number, d.name)).collect();
                like.extend(r.same_as_row.map(|row| format!("row {row}")));
                println!("row {}: possible duplicate of {}: not created", r.row, like.join(", "));
            }
            CaseOutcome::Refused => {
                for p in &r.problems {
                    match p.column.as_str() {
                        "" => println!("row {}: {}: {}", r.row, p.problem.field, p.problem.message),
                        column => println!("row {}, column {column}: {}", r.row, p.problem.message),
                    }
                }
            }
        };
        let report = caseload::import_streamed(&services, &caller, &source, &options, &mut print).await?;
        let created = report.counts.created;
        let verb = match (report.dry_run, report.stored) {
            (true, _) => "would be created",
            (false, true) => "created",
            (false, false) => "would be created, but none was: a row is refused (mend it, or use --partial)",
        };
        println!(
            "{created} case(s) {verb}; {} possible duplicate(s) not created, {} row(s) refused{}",
            report.counts.possible_duplicate,
            report.counts.refused,
            if report.dry_run { " (dry run: nothing was stored)" } else { "" }
        );
        services.close().await;
        Ok(if created == report.counts.rows() { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })?
}
