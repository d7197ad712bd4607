//! `homeward backup` and `homeward restore`: a consistent copy of an SQLite database taken while
//! the server runs, and that copy put back into an empty place, then checked (the database's
//! integrity check and the audit chain) before anyone uses it. PostgreSQL is backed up with its
//! own tools; the commands say how instead of half doing it.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use homeward_store::backup::{self, CopyCheck};
use homeward_store::{Backend, Store};

use crate::audit_key::{self, IfMissing};
use crate::database::{DatabaseArg, block_on, redact};

/// What to do for PostgreSQL, said when a command is asked to do it for SQLite only.
const POSTGRES_RECIPE: &str = "PostgreSQL is backed up with its own tools, while the server runs:
  pg_dump --format=custom --file=homeward.dump \"$HOMEWARD_DATABASE_URL\"
and restored into an empty database, then checked:
  pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" homeward.dump
  homeward admin check --database \"$NEW_DATABASE_URL\"
  homeward audit verify --database \"$NEW_DATABASE_URL\" --audit-key homeward-audit.key
Keep the audit key file (homeward-audit.key) and the data key file (homeward-data.key) with the
backups, apart from them: without the data key, names, notes and documents cannot be read.";

/// `homeward backup --output FILE`.
pub fn backup(database: &DatabaseArg, output: &Path) -> anyhow::Result<ExitCode> {
    if Backend::of(&database.url)? == Backend::Postgres {
        eprintln!("{POSTGRES_RECIPE}");
        return Ok(ExitCode::from(2));
    }
    if output.exists() {
        eprintln!("error: {} exists already: a backup never overwrites a file", output.display());
        return Ok(ExitCode::from(2));
    }
    block_on(async {
        let store = Store::connect(&database.url)
            .await
            .with_context(|| format!("cannot open database {}", redact(&database.url)))?;
        let started = std::time::Instant::now();
        // Reads a server journaled beside the database join the chain first: the copy holds the
        // whole log (`read_journal`).
        if store.journal().is_some_and(|j| j.path().exists()) {
            let key = audit_key::load(&store, &database.key_path(), IfMissing::Fail).await?;
            homeward_store::read_journal::settle(&store, &key).await?;
        }
        store.backup_into(output).await.with_context(|| format!("cannot write {}", output.display()))?;
        store.close().await;
        // The copy is checked as it will be used: a backup nobody can restore is no backup.
        let CopyCheck { integrity, cases } = backup::check_copy(output).await?;
        if integrity != "ok" {
            eprintln!("error: the copy fails its integrity check: {integrity}");
            return Ok(ExitCode::from(1));
        }
        println!(
            "Backed up to {} in {:.1} s: {cases} cases; integrity check ok.\nKeep the audit key ({}) and the data \
             key ({}) with the backups, apart from them: a restore checks the audit log with the first and reads \
             names, notes and documents with the second.",
            output.display(),
            started.elapsed().as_secs_f64(),
            database.key_path().display(),
            database.data_key_path().display()
        );
        Ok(ExitCode::SUCCESS)
    })?
}

/// `homeward restore --input FILE`: into a database that does not exist yet (or is empty).
pub fn restore(database: &DatabaseArg, input: &Path) -> anyhow::Result<ExitCode> {
    if Backend::of(&database.url)? == Backend::Postgres {
        eprintln!("{POSTGRES_RECIPE}");
        return Ok(ExitCode::from(2));
    }
    let Some(target) = crate::database::sqlite_file(&database.url) else {
        eprintln!("error: restore into an sqlite://PATH database");
        return Ok(ExitCode::from(2));
    };
    if target.metadata().is_ok_and(|m| m.len() > 0) {
        eprintln!(
            "error: {} exists and is not empty: restore into a new file, then move it into place",
            target.display()
        );
        return Ok(ExitCode::from(2));
    }
    if !input.is_file() {
        eprintln!("error: {} is not a file", input.display());
        return Ok(ExitCode::from(2));
    }
    block_on(async {
        let checked = match backup::check_copy(input).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {} is not a Homeward backup: {e}", input.display());
                return Ok(ExitCode::from(2));
            }
        };
        if checked.integrity != "ok" {
            eprintln!("error: the backup fails its integrity check: {}", checked.integrity);
            return Ok(ExitCode::from(1));
        }
        let _ = std::fs::remove_file(&target); // an empty file left by an earlier attempt
        backup::copy(input, &target).await.with_context(|| format!("cannot write {}", target.display()))?;

        // Opened as the server will open it: migrations newer than the backup are applied.
        let store = database.open().await?;
        let integrity = store.integrity_check().await?;
        println!("integrity check: {integrity}");
        let key = audit_key::load(&store, &database.key_path(), IfMissing::Fail).await;
        let verdict = match key {
            Ok(key) => {
                let mut conn = store.read().await?;
                let verdict = homeward_store::audit::verify(&mut conn, &key, None).await;
                drop(conn);
                verdict.map_err(|e| anyhow::anyhow!("the audit log cannot be read: {e}"))
            }
            Err(e) => Err(e),
        };
        let cases = store.count_rows("cases").await?;
        store.close().await;
        match verdict {
            Ok(homeward_store::audit::Verdict::Intact { entries, .. }) if integrity == "ok" => {
                println!("audit log intact: {entries} entries\nRestored {cases} cases into {}.", target.display());
                Ok(ExitCode::SUCCESS)
            }
            Ok(homeward_store::audit::Verdict::Broken { seq, why }) => {
                println!("audit log BROKEN at entry {seq}: {why}");
                Ok(ExitCode::from(1))
            }
            Ok(_) => Ok(ExitCode::from(1)),
            Err(e) => {
                println!("audit log NOT VERIFIED: {e:#} (give the deployment's key with --audit-key)");
                Ok(ExitCode::from(1))
            }
        }
    })?
}
