//! `homeward migrate`: applies the migrations the database lacks (`serve` does it too).

use std::process::ExitCode;

use crate::database::{DatabaseArg, block_on, redact};

pub fn run(database: &DatabaseArg) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = homeward_store::Store::connect_with(&database.url, &database.options()).await?;
        let applied = store.migrate().await?;
        println!("{}: {applied} migration(s) applied; the schema is up to date", redact(&database.url));
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })?
}
