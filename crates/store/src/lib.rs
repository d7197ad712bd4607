//! Storage of Homeward's case data on SQLite (the embedded default: one file, WAL, foreign keys
//! on) or PostgreSQL (several users and machines), chosen by the database URL.
//!
//! Layers, as in ODK Central: [`frames`] are the plain values rows become; [`query`] holds all
//! the SQL, one module per table family; the HTTP layer opens a transaction and decides whether
//! to commit. Each backend has its own migrations (`migrations/sqlite`, `migrations/postgres`),
//! with the same tables and columns, so one set of portable queries (numbered `$1` parameters,
//! `RETURNING`, `ON CONFLICT`) runs on both through sqlx's `Any` driver, and one test suite
//! checks both.

/// SQL assembled from this crate's constant column lists and numbered placeholders; values are
/// always bound, never formatted in.
macro_rules! safe {
    ($($arg:tt)*) => { sqlx::AssertSqlSafe(format!($($arg)*)) };
}

pub mod audit;
pub mod backup;
pub mod cipher;
pub mod column;
pub mod frames;
mod migrate;
pub mod query;
pub mod read_journal;
pub mod schema;
mod time;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use migrate::{MIGRATIONS_POSTGRES, MIGRATIONS_SQLITE};
pub use sqlx::AnyConnection;
pub use time::{now, now_text, today};

/// A transaction on the write pool. Dropped without `commit`, it rolls back.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
/// A connection from the read pool.
pub type Conn = sqlx::pool::PoolConnection<sqlx::Any>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Optimistic concurrency: the record changed since the client read it.
    #[error("the record was changed by someone else (now at version {current}); reload it and try again")]
    Conflict { current: i64 },
    #[error("database URL '{0}' is not sqlite://PATH or postgres://...")]
    BadUrl(String),
    /// A stored value that does not read back: a bug or tampering, never user input.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("this works on an SQLite database only; PostgreSQL is backed up and restored with pg_dump and pg_restore")]
    NotSqlite,
    /// A sealed value that cannot be sealed or opened: no keys loaded, a missing key, tampering.
    #[error("{0}")]
    Cipher(#[from] cipher::CipherError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::BadUrl(url.to_string()))
        }
    }
}

/// The database: a read pool and a write pool. On SQLite the write pool has one connection, so
/// writers queue in the application instead of failing on a locked file; readers never block
/// thanks to WAL. On PostgreSQL both are the same pool, and app servers hold no state of their
/// own, so more can be added behind a load balancer.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// Where reads are audited first on SQLite ([`read_journal`]); none on PostgreSQL.
    journal: Option<std::sync::Arc<read_journal::Journal>>,
}

/// How many connections an app server keeps to PostgreSQL unless told otherwise, from the cores it
/// runs on: four per core, as a request spends most of its time waiting on the database and a
/// few connections per core keep the cores busy, while more only queue inside PostgreSQL (which
/// serves each connection with a process of its own). At least 8, at most 64: with several app
/// servers, their sum must stay under the server's `max_connections`.
pub fn default_pool_size() -> u32 {
    pool_size_for(cores())
}

/// The cores this process may run on (2 when the system does not say).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn pool_size_for(cores: usize) -> u32 {
    u32::try_from(cores.saturating_mul(4)).unwrap_or(u32::MAX).clamp(8, 64)
}

/// SQLite readers, from the cores: two per core (a reader waits on its sqlx worker thread and
/// the page cache as often as it computes), at least 4.
fn sqlite_readers() -> u32 {
    u32::try_from(cores().saturating_mul(2)).unwrap_or(u32::MAX).max(4)
}

/// How to connect.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Connections to PostgreSQL (SQLite has one writer and a reader per core).
    pub pool_size: Option<u32>,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH`, created if missing, or `postgres://...`) and applies
    /// the migrations that are not yet applied.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, &Options::default()).await
    }

    /// [`Store::open`] with `options`.
    pub async fn open_with(url: &str, options: &Options) -> Result<Store> {
        let store = Store::connect_with(url, options).await?;
        migrate::run(&store).await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, &Options::default()).await
    }

    /// Connects without migrating, with `options`. A PostgreSQL URL may ask for TLS as libpq
    /// does (`?sslmode=require`, or `verify-full` with `sslrootcert=FILE`), as managed
    /// PostgreSQL services require.
    pub async fn connect_with(url: &str, options: &Options) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let options = AnyConnectOptions::from_str(&url)?;
                let write = sqlite_pool(1, WRITER_CACHE_KIB).connect_with(options.clone()).await?;
                // WAL is a property of the file: set once, kept by every later connection. The
                // planner's statistics are refreshed where stale (cheaply, on a sample), so it
                // picks the right index for searches and lists on large databases.
                write.execute("PRAGMA journal_mode = WAL").await?;
                write.execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002").await?;
                let read = sqlite_pool(sqlite_readers(), READER_CACHE_KIB).connect_with(options).await?;
                let journal = read_journal::Journal::beside(&url).map(std::sync::Arc::new);
                Ok(Store { backend, read, write, journal })
            }
            Backend::Postgres => {
                let pool = ping_if_idle(AnyPoolOptions::new())
                    .max_connections(options.pool_size.unwrap_or_else(default_pool_size))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(url)
                    .await?;
                Ok(Store { backend, read: pool.clone(), write: pool, journal: None })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The journal of audited reads, on an SQLite file ([`read_journal`]).
    pub fn journal(&self) -> Option<&read_journal::Journal> {
        self.journal.as_deref()
    }

    /// A transaction for writing.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.write.begin().await?)
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<Conn> {
        Ok(self.read.acquire().await?)
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.read().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    /// SQLite's own integrity check; `ok` when the file is sound. (PostgreSQL has no such
    /// check; it answers `ok`.)
    pub async fn integrity_check(&self) -> Result<String> {
        if self.backend == Backend::Postgres {
            return Ok("ok".into());
        }
        let mut conn = self.write.acquire().await?;
        let row: (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut *conn).await?;
        Ok(row.0)
    }

    /// Gives back the space of deleted and replaced rows (after a key rotation): SQLite rewrites
    /// its file and empties its write-ahead log, so no page keeps a value sealed under an old key;
    /// PostgreSQL marks the old row versions free (a `VACUUM FULL`, which locks every table,
    /// rewrites them: an administrator's choice in a quiet hour).
    pub async fn compact(&self) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        sqlx::raw_sql("VACUUM").execute(&mut *conn).await?;
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Writes a consistent copy of an SQLite database to `path` (which must not exist) while it
    /// is in use (`VACUUM INTO`, see `backup`). PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<()> {
        if self.backend == Backend::Postgres {
            return Err(StoreError::NotSqlite);
        }
        let mut conn = self.read.acquire().await?;
        backup::vacuum_into(&mut conn, path).await
    }

    /// Refreshes the query planner's statistics (after a bulk load).
    pub async fn optimize(&self) -> Result<()> {
        let sql = match self.backend {
            Backend::Sqlite => "PRAGMA analysis_limit = 1000; ANALYZE",
            Backend::Postgres => "ANALYZE",
        };
        let mut conn = self.write.acquire().await?;
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
        Ok(())
    }

    /// Whether [`Store::close`] was called: background tasks stop instead of failing.
    pub fn is_closed(&self) -> bool {
        self.write.is_closed()
    }

    /// Closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
        if let Some(journal) = &self.journal {
            journal.close().await;
        }
    }
}

/// The page cache of SQLite's one writer, at most. A large transaction (an imported caseload of
/// 100,000 cases writes a million index entries) spills its changed pages to the WAL and reads
/// them back once they outgrow the cache; at SQLite's default of 2 MB that made an import's
/// time grow with the square of its rows.
const WRITER_CACHE_KIB: i64 = 64 * 1024;
/// Each reader's page cache, at most. A name search at a million cases reads a thousand pages
/// or so (a family name's few hundred cases, each checked against a given name's range of the
/// term index): at SQLite's default of 2 MB a query evicted its own index pages and read them
/// from the kernel again. 16 MB took searches from 548 to about 690 a second and lists from 868
/// to about 1,200 (`scripts/bench-api`, 29 Nov 2026); 64 MB did no better while every audited
/// read emptied the caches, but does a little since reads are journaled apart (lists 2,277 →
/// 2,305-2,324 a second in alternated runs, 30 Nov 2026). Two readers per core: 128 MB a core.
const READER_CACHE_KIB: i64 = 64 * 1024;

pub(crate) fn sqlite_pool(connections: u32, cache_kib: i64) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        // sqlx turns foreign keys on for SQLite; busy_timeout covers other processes (a backup,
        // `homeward admin`) holding the write lock for a moment. Statement journals (kept while
        // a statement of a transaction runs, to undo it alone) stay in memory: a multi-row
        // insert wrote its own temporary file page by page. Deleted content is overwritten
        // (secure_delete): a removed document or a purged note leaves no copy in free pages.
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let pragmas = format!(
                    "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; \
                     PRAGMA cache_size = -{cache_kib}; PRAGMA secure_delete = ON"
                );
                conn.execute(sqlx::AssertSqlSafe(pragmas)).await?;
                Ok(())
            })
        })
}

/// A connection idle this long is checked before it is used again (HikariCP, the Java pool,
/// trusts one used in the last half second the same way).
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Checks a connection before lending it only when it has been idle a while (a restarted
/// PostgreSQL, a dropped link). sqlx checks every one by default: on PostgreSQL a round trip to
/// the server before each query of a busy app server, which only shows its connections alive.
fn ping_if_idle(options: AnyPoolOptions) -> AnyPoolOptions {
    options.test_before_acquire(false).before_acquire(|conn, meta| {
        Box::pin(async move {
            if meta.idle_for >= PING_AFTER_IDLE {
                sqlx::Connection::ping(conn).await?;
            }
            Ok(true)
        })
    })
}

/// `sqlite://PATH` with `mode=rwc`, so a missing file is created.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// A new id: a UUIDv7, so ids sort by creation time and keyset pagination follows it.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// After `UPDATE ... WHERE id = $ AND version = $` on `table`: "no row updated" means the record
/// moved on (409 with its version) or is gone (404).
pub(crate) async fn check_updated(tx: &mut Tx, table: &'static str, id: &str, rows: u64) -> Result<()> {
    check_updated_by(tx, table, "id", id, rows).await
}

/// [`check_updated`] for a table whose rows are known by `key` (an office by its name).
pub(crate) async fn check_updated_by(
    tx: &mut Tx,
    table: &'static str,
    key: &'static str,
    id: &str,
    rows: u64,
) -> Result<()> {
    if rows > 0 {
        return Ok(());
    }
    let current =
        sqlx::query(safe!("SELECT version FROM {table} WHERE {key} = $1")).bind(id).fetch_optional(&mut **tx).await?;
    match current {
        Some(row) => Err(StoreError::Conflict { current: sqlx::Row::try_get(&row, 0)? }),
        None => Err(StoreError::NotFound),
    }
}

/// Reads back JSON that Homeward wrote; a failure means the stored data is corrupt.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// Lower-case hex of the SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Commits `tx`: everything written in it is kept, or nothing is.
pub async fn commit(tx: Tx) -> Result<()> {
    Ok(tx.commit().await?)
}

impl Store {
    /// Runs a statement that takes no parameters and cannot run in a transaction (`CREATE
    /// DATABASE`): for tests and administration, never with user input.
    pub async fn execute_admin(&self, sql: &str) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *conn).await?;
        Ok(())
    }

    /// Whether the database holds values sealed at rest (so its data keys must exist already).
    pub async fn has_sealed_values(&self) -> Result<bool> {
        let mut conn = self.read().await?;
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE given_name LIKE 'hw1:%' LIMIT 1) a) \
             + (SELECT COUNT(*) FROM (SELECT 1 FROM case_records WHERE data LIKE 'hw1:%' LIMIT 1) b)",
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(sqlx::Row::try_get::<i64, _>(&row, 0)? > 0)
    }

    /// How many rows `table` has (a table of this schema: the name is checked).
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        const TABLES: &[&str] = &[
            "cases",
            "case_terms",
            "case_records",
            "surveys",
            "survey_results",
            "plans",
            "providers",
            "referrals",
            "users",
            "tokens",
            "audit_log",
            "audit_by_case",
            "counters",
            "sign_in_attempts",
            "address_attempts",
            "idempotency_keys",
            "case_merges",
            "survey_submissions",
            "imports",
            "import_rows",
            "import_uploads",
            "communities",
            "community_projects",
            "project_participants",
            "project_ledger",
            "project_satisfaction",
            "stakeholders",
            "grant_requests",
            "agreements",
            "capacity_activities",
            "capacity_participants",
            "capacity_answers",
            "mentors",
            "mentorships",
            "mentoring_sessions",
            "case_retention",
            "documents",
            "document_contents",
            "offices",
            "handovers",
        ];
        if !TABLES.contains(&table) {
            return Err(StoreError::Corrupt(format!("no table {table}")));
        }
        let mut conn = self.read().await?;
        let row = sqlx::query(safe!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *conn).await?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }
}

/// Runs `body` on a migrated SQLite database of its own, in a directory removed afterwards: the
/// SQLite twin of [`on_scratch_postgres`].
#[cfg(test)]
pub(crate) async fn on_scratch_sqlite<F, Fut>(body: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    body(Store::open(&format!("sqlite://{}", dir.path().join("scratch.db").display())).await.unwrap()).await;
}

/// Runs `body` on a migrated database of its own on the test PostgreSQL cluster, dropped
/// afterwards: the PostgreSQL twin of a SQLite test. Nothing runs when no cluster is configured.
#[cfg(any(test, feature = "scratch-postgres"))]
pub async fn on_scratch_postgres<F, Fut>(name: &str, body: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(admin) = homeward_test_support::postgres_admin() else { return };
    let name = format!("{name}_{}", std::process::id());
    let admin_store = Store::connect(&admin).await.unwrap();
    admin_store.execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    admin_store.execute_admin(&format!("CREATE DATABASE {name}")).await.unwrap();
    body(Store::open(&format!("{}/{name}", admin.rsplit_once('/').unwrap().0)).await.unwrap()).await;
    admin_store.execute_admin(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
    admin_store.close().await;
}

#[cfg(test)]
mod pool_tests {
    #[test]
    fn the_postgresql_pool_grows_with_the_cores_within_bounds() {
        assert_eq!(super::pool_size_for(1), 8, "a small machine still overlaps a few requests");
        assert_eq!(super::pool_size_for(2), 8);
        assert_eq!(super::pool_size_for(6), 24, "four per core");
        assert_eq!(super::pool_size_for(64), 64, "never more than several app servers can share");
    }
}
