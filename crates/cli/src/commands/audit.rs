//! `homeward audit verify`: walks the audit log's hash chain and reports the first broken link.

use std::process::ExitCode;

use homeward_store::audit::{self, Verdict};

use crate::database::{DatabaseArg, block_on};

pub fn verify(database: &DatabaseArg) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let mut conn = store.read().await?;
        let verdict = audit::verify(&mut conn).await?;
        drop(conn);
        store.close().await;
        Ok(match verdict {
            Verdict::Intact { entries } => {
                println!("audit log intact: {entries} entries, every one linked to the one before");
                ExitCode::SUCCESS
            }
            Verdict::Broken { seq, why } => {
                println!("audit log BROKEN at entry {seq}: {why}");
                ExitCode::from(1)
            }
        })
    })?
}
