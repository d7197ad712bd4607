//! `homeward audit`: verify the keyed hash chain (against an anchor kept elsewhere), print an
//! anchor, rotate the key. Each run is itself recorded in the log (who read it, from the
//! command line).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use homeward_store::audit::{self, Anchor, AuditKey, Entry, Verdict};
use homeward_store::read_journal;

use crate::audit_key::{self, IfMissing};
use crate::database::{DatabaseArg, block_on};

/// Records that the command line read the audit log (`action`).
async fn record(store: &homeward_store::Store, key: &AuditKey, action: &str) -> anyhow::Result<()> {
    let caller = super::admin::command_line();
    let entry = Entry {
        actor: caller.username.clone(),
        action: action.into(),
        entity: "audit_log".into(),
        record_id: "*".into(),
        case_id: None,
        case_ids: Vec::new(),
        fields: String::new(),
        client: caller.client.clone(),
    };
    let mut tx = store.begin().await?;
    audit::append(&mut tx, key, &[entry]).await?;
    homeward_store::commit(tx).await?;
    Ok(())
}

pub fn verify(database: &DatabaseArg, anchor: Option<&Path>) -> anyhow::Result<ExitCode> {
    let anchor = anchor
        .map(|path| {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Anchor::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        })
        .transpose()?;
    block_on(async {
        let store = database.open().await?;
        let key = audit_key::load(&store, &database.key_path(), IfMissing::Fail).await?;
        // Reads a server journaled and has not yet moved are part of the log (`read_journal`).
        read_journal::settle(&store, &key).await?;
        let mut conn = store.read().await?;
        let verdict = audit::verify(&mut conn, &key, anchor.as_ref()).await;
        drop(conn);
        let verdict = match verdict {
            Ok(v) => v,
            Err(e) => {
                store.close().await;
                println!("audit log BROKEN: it cannot be read ({e}): the table was deleted or damaged");
                return Ok(ExitCode::from(1));
            }
        };
        let code = match &verdict {
            Verdict::Intact { entries, unkeyed } => {
                let mut line = format!(
                    "audit log intact: {entries} entries, each sealed with the audit key and linked to the one before"
                );
                if *unkeyed > 0 {
                    line.push_str(&format!(" ({unkeyed} from before the log was keyed are only hash-linked)"));
                }
                if let Some(a) = &anchor {
                    line.push_str(&format!("; the anchor's entry {} is there, unchanged", a.seq));
                }
                println!("{line}");
                ExitCode::SUCCESS
            }
            Verdict::Broken { seq, why } => {
                println!("audit log BROKEN at entry {seq}: {why}");
                ExitCode::from(1)
            }
        };
        if code == ExitCode::SUCCESS {
            record(&store, &key, "verify").await?;
        }
        store.close().await;
        Ok(code)
    })?
}

pub fn anchor(database: &DatabaseArg) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        let key = audit_key::load(&store, &database.key_path(), IfMissing::Fail).await?;
        // Reads a server journaled and has not yet moved are part of the log (`read_journal`).
        read_journal::settle(&store, &key).await?;
        let mut conn = store.read().await?;
        let head = audit::anchor(&mut conn).await?;
        drop(conn);
        record(&store, &key, "anchor").await?;
        store.close().await;
        print!("{}", head.to_text());
        eprintln!(
            "Keep this line outside the database (another machine, a printout); check with `homeward audit verify --anchor FILE`."
        );
        Ok(ExitCode::SUCCESS)
    })?
}

pub fn rotate_key(database: &DatabaseArg) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = database.open().await?;
        if std::env::var_os("HOMEWARD_AUDIT_KEY").is_some() {
            anyhow::bail!("the key comes from HOMEWARD_AUDIT_KEY: rotate it where that value is kept, not in a file");
        }
        let path = database.key_path();
        let key = audit_key::load(&store, &path, IfMissing::Fail).await?;
        let rotated = key.rotated().map_err(anyhow::Error::msg)?;
        audit_key::replace(&path, &rotated)?;
        record(&store, &rotated, "rotate_key").await?;
        store.close().await;
        println!(
            "audit key rotated: new entries are sealed with `{}`; {} keeps the older keys to verify older entries",
            rotated.current_id(),
            path.display()
        );
        Ok(ExitCode::SUCCESS)
    })?
}
