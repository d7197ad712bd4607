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
    /// SQLite only: the migration rebuilds tables that others reference, so foreign keys are
    /// off while it runs and every reference is checked before it commits.
    pub rebuilds_tables: bool,
}

const fn migration(version: i64, name: &'static str, sql: &'static str) -> Migration {
    Migration { version, name, sql, rebuilds_tables: false }
}

pub const MIGRATIONS_SQLITE: &[Migration] = &[
    migration(1, "case_registry", include_str!("../migrations/sqlite/0001_case_registry.sql")),
    migration(2, "sign_in", include_str!("../migrations/sqlite/0002_sign_in.sql")),
    Migration { rebuilds_tables: true, ..migration(3, "checks", include_str!("../migrations/sqlite/0003_checks.sql")) },
    migration(4, "trust", include_str!("../migrations/sqlite/0004_trust.sql")),
    migration(5, "merges", include_str!("../migrations/sqlite/0005_merges.sql")),
    Migration {
        rebuilds_tables: true,
        ..migration(6, "search_words", include_str!("../migrations/sqlite/0006_search_words.sql"))
    },
    migration(7, "submissions", include_str!("../migrations/sqlite/0007_submissions.sql")),
    migration(8, "import_log", include_str!("../migrations/sqlite/0008_import_log.sql")),
    migration(9, "communities", include_str!("../migrations/sqlite/0009_communities.sql")),
    Migration {
        rebuilds_tables: true,
        ..migration(10, "outreach_role", include_str!("../migrations/sqlite/0010_outreach_role.sql"))
    },
    migration(11, "stakeholders", include_str!("../migrations/sqlite/0011_stakeholders.sql")),
    migration(12, "structures_and_mentoring", include_str!("../migrations/sqlite/0012_structures_and_mentoring.sql")),
    migration(13, "retention", include_str!("../migrations/sqlite/0013_retention.sql")),
    migration(14, "documents", include_str!("../migrations/sqlite/0014_documents.sql")),
    migration(15, "sealed at rest", include_str!("../migrations/sqlite/0015_sealed_at_rest.sql")),
    migration(16, "offices", include_str!("../migrations/sqlite/0016_offices.sql")),
    migration(17, "handovers", include_str!("../migrations/sqlite/0017_handovers.sql")),
    migration(18, "shared_address_limit", include_str!("../migrations/sqlite/0018_shared_address_limit.sql")),
    migration(
        19,
        "audit_indexed_by_case_in_bulk",
        include_str!("../migrations/sqlite/0019_audit_indexed_by_case_in_bulk.sql"),
    ),
    migration(
        20,
        "cases_by_office_and_status",
        include_str!("../migrations/sqlite/0020_cases_by_office_and_status.sql"),
    ),
    migration(21, "audit_page_entries", include_str!("../migrations/sqlite/0021_audit_page_entries.sql")),
    migration(22, "case_terms_probed_by_term", include_str!("../migrations/sqlite/0022_case_terms_probed_by_term.sql")),
    migration(23, "case_terms_as_integers", include_str!("../migrations/sqlite/0023_case_terms_as_integers.sql")),
    migration(24, "case_terms_with_bloom", include_str!("../migrations/sqlite/0024_case_terms_with_bloom.sql")),
    migration(25, "audit_read_journal", include_str!("../migrations/sqlite/0025_audit_read_journal.sql")),
    migration(
        26,
        "audit_by_case_integer_keys",
        include_str!("../migrations/sqlite/0026_audit_by_case_integer_keys.sql"),
    ),
    migration(27, "audit_pending", include_str!("../migrations/sqlite/0027_audit_pending.sql")),
];

pub const MIGRATIONS_POSTGRES: &[Migration] = &[
    migration(1, "case_registry", include_str!("../migrations/postgres/0001_case_registry.sql")),
    migration(2, "sign_in", include_str!("../migrations/postgres/0002_sign_in.sql")),
    migration(3, "checks", include_str!("../migrations/postgres/0003_checks.sql")),
    migration(4, "trust", include_str!("../migrations/postgres/0004_trust.sql")),
    migration(5, "merges", include_str!("../migrations/postgres/0005_merges.sql")),
    migration(6, "search_words", include_str!("../migrations/postgres/0006_search_words.sql")),
    migration(7, "submissions", include_str!("../migrations/postgres/0007_submissions.sql")),
    migration(8, "import_log", include_str!("../migrations/postgres/0008_import_log.sql")),
    migration(9, "communities", include_str!("../migrations/postgres/0009_communities.sql")),
    migration(10, "outreach_role", include_str!("../migrations/postgres/0010_outreach_role.sql")),
    migration(11, "stakeholders", include_str!("../migrations/postgres/0011_stakeholders.sql")),
    migration(12, "structures_and_mentoring", include_str!("../migrations/postgres/0012_structures_and_mentoring.sql")),
    migration(13, "retention", include_str!("../migrations/postgres/0013_retention.sql")),
    migration(14, "documents", include_str!("../migrations/postgres/0014_documents.sql")),
    migration(15, "sealed at rest", include_str!("../migrations/postgres/0015_sealed_at_rest.sql")),
    migration(16, "offices", include_str!("../migrations/postgres/0016_offices.sql")),
    migration(17, "handovers", include_str!("../migrations/postgres/0017_handovers.sql")),
    migration(18, "shared_address_limit", include_str!("../migrations/postgres/0018_shared_address_limit.sql")),
    migration(
        19,
        "audit_indexed_by_case_in_bulk",
        include_str!("../migrations/postgres/0019_audit_indexed_by_case_in_bulk.sql"),
    ),
    migration(
        20,
        "cases_by_office_and_status",
        include_str!("../migrations/postgres/0020_cases_by_office_and_status.sql"),
    ),
    migration(21, "audit_page_entries", include_str!("../migrations/postgres/0021_audit_page_entries.sql")),
    migration(
        22,
        "case_terms_probed_by_term",
        include_str!("../migrations/postgres/0022_case_terms_probed_by_term.sql"),
    ),
    migration(23, "case_terms_as_integers", include_str!("../migrations/postgres/0023_case_terms_as_integers.sql")),
    migration(24, "case_terms_with_bloom", include_str!("../migrations/postgres/0024_case_terms_with_bloom.sql")),
    migration(25, "audit_read_journal", include_str!("../migrations/postgres/0025_audit_read_journal.sql")),
    migration(
        26,
        "audit_by_case_integer_keys",
        include_str!("../migrations/postgres/0026_audit_by_case_integer_keys.sql"),
    ),
    migration(27, "audit_pending", include_str!("../migrations/postgres/0027_audit_pending.sql")),
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
        // One connection of the write pool for the whole migration, so a pragma set before the
        // transaction holds inside it.
        let mut conn = store.write.acquire().await?;
        let foreign_keys_off = m.rebuilds_tables && store.backend == Backend::Sqlite;
        if foreign_keys_off {
            conn.execute("PRAGMA foreign_keys = OFF").await?;
        }
        let outcome = apply(&mut conn, store.backend, m).await;
        if foreign_keys_off {
            conn.execute("PRAGMA foreign_keys = ON").await?;
        }
        applied += usize::from(outcome?);
    }
    Ok(applied)
}

/// Applies `m` in one transaction unless it was applied already; whether it was applied now.
async fn apply(conn: &mut sqlx::AnyConnection, backend: Backend, m: &Migration) -> Result<bool> {
    {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        if backend == Backend::Postgres {
            // Two app servers starting at once must not both migrate.
            tx.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").await?;
        }
        let done: Option<(String,)> = sqlx::query_as("SELECT checksum FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        match done {
            Some((sum,)) if sum == checksum(m.sql) => return Ok(false),
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "migration {} ({}) was changed after it was applied",
                    m.version, m.name
                )));
            }
            None => {}
        }
        sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
        if m.rebuilds_tables && backend == Backend::Sqlite {
            let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *tx).await?;
            if !broken.is_empty() {
                return Err(StoreError::Corrupt(format!(
                    "migration {} ({}): {} rows would reference nothing; nothing was changed",
                    m.version,
                    m.name,
                    broken.len()
                )));
            }
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(m.sql))
            .bind(crate::now_text())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(true)
}

impl Store {
    /// Applies pending migrations (`homeward migrate`); returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        run(self).await
    }
}
