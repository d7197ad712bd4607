//! `homeward export`: the case data, as an XLSX workbook or CSV files in a zip (told by the output
//! file's extension), through the same service as the API's export: office scope, sections and
//! pseudonymisation are those of the account given with `--as` (by default the command line's,
//! which sees everything, as whoever runs it on the server could), and every case exported is
//! audited. The file appears whole or not at all, and an existing file is never overwritten.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use homeward_present::export::{ExportFormat, produce};
use homeward_service::Caller;

use crate::database::{DatabaseArg, block_on};

pub fn export(database: &DatabaseArg, output: &Path, user: Option<&str>, language: &str) -> anyhow::Result<ExitCode> {
    let extension = output.extension().and_then(|e| e.to_str()).unwrap_or("");
    let Some(format) = ExportFormat::from_name(extension) else {
        bail!("{}: name the file .xlsx (a workbook) or .zip (CSV files)", output.display());
    };
    if output.exists() {
        eprintln!("error: {} exists already: an export never overwrites a file", output.display());
        return Ok(ExitCode::from(2));
    }
    if !homeward_present::i18n::languages().any(|l| l == language) {
        let known: Vec<&str> = homeward_present::i18n::languages().collect();
        bail!("--language {language}: the languages are {}", known.join(", "));
    }
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let caller = match user {
            None => super::admin::command_line(),
            Some(username) => {
                let mut conn = store.read().await?;
                let row = homeward_store::query::users::get(&mut conn, username).await?;
                drop(conn);
                let Some(row) = row.filter(|u| !u.disabled) else {
                    bail!("--as {username}: there is no active account")
                };
                let system_user = super::admin::command_line().username;
                Caller::from_user(&row, &system_user)
            }
        };
        let t = homeward_present::i18n::catalogue(language);
        let (mut file, summary) = produce(&services, &caller, format, t).await?;
        crate::output::write_atomically(output, |out| {
            std::io::copy(&mut file, out).context("cannot copy the export")?;
            Ok(())
        })?;
        services.close().await;
        println!("{} case(s) exported to {}", summary.cases, output.display());
        for left in &summary.left_out {
            println!("left out: {left}");
        }
        Ok(ExitCode::SUCCESS)
    })?
}
