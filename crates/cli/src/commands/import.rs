//! `homeward import surveys`: RSS submissions exported from KoboToolbox or ODK Central (CSV or XLSX), imported
//! into their cases through the service layer (the same rules and audit as a survey recorded by
//! hand). Prints one line per row not imported and a summary; `--dry-run` stores nothing and
//! prints what the real run would. Exit codes as `rss score`: 0 every row imported (or imported
//! before), 1 some rows not imported, 2 nothing could be read.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use homeward_service::imports::{Origin, Outcome, import_surveys};

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
                store.close().await;
                return Ok(ExitCode::from(2));
            }
        };
        let caller = super::admin::command_line();
        let file_name = input.file_name().and_then(|n| n.to_str());
        let report =
            import_surveys(&services, &caller, Origin { source: reader.source(), file_name }, reader, dry_run).await?;
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
        store.close().await;
        let all = report.count(Outcome::Refused) + report.count(Outcome::ChangedResubmission) == 0;
        Ok(if all { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })?
}
