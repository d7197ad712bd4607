//! Migrations: numbered SQL files per backend, embedded in the binary and applied in order, each
//! in its own transaction, recorded in `schema_migrations`. A file already applied is never
//! applied again; one that was changed after it was applied is refused.

use sqlx::Executor;

use crate::{Backend, Result, Store, StoreError};

#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS_SQLITE: &[Migration] = &[
    Migration { version: 1, name: "case_registry", sql: include_str!("../migrations/sqlite/0001_case_registry.sql") },
    Migration { version: 2, name: "sign_in", sql: include_str!("../migrations/sqlite/0002_sign_in.sql") },
];

pub const MIGRATIONS_POSTGRES: &[Migration] = &[
    Migration { version: 1, name: "case_registry", sql: include_str!("../migrations/postgres/0001_case_registry.sql") },
    Migration { version: 2, name: "sign_in", sql: include_str!("../migrations/postgres/0002_sign_in.sql") },
];

fn checksum(sql: &str) -> String {
    crate::sha256_hex(sql.as_bytes())
}

/// Applies every migration not yet applied; returns how many were.
pub(crate) async fn run(store: &Store) -> Result<usize> {
    let migrations = match store.backend {
        Backend::Sqlite => MIGRATIONS_SQLITE,
        Backend::Postgres => MIGRATIONS_POSTGRES,
    };
    let mut tx = store.begin().await?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    tx.commit().await?;
    let mut applied = 0;
    for m in migrations {
        let mut tx = store.begin().await?;
        if store.backend == Backend::Postgres {
            // Two app servers starting at once must not both migrate.
            tx.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").await?;
        }
        let done: Option<(String,)> = sqlx::query_as("SELECT checksum FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        match done {
            Some((sum,)) if sum == checksum(m.sql) => continue,
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "migration {} ({}) was changed after it was applied",
                    m.version, m.name
                )));
            }
            None => {}
        }
        sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(m.sql))
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        applied += 1;
    }
    Ok(applied)
}

impl Store {
    /// Applies pending migrations (`homeward migrate`); returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        run(self).await
    }
}
