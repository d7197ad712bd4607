//! The journal of audited reads, on SQLite (issue 18).
//!
//! Every commit to an SQLite database makes each reader empty its page cache before its next
//! read, and the audit of reads committed a few hundred times a second: a list or a search then
//! read again from the kernel the pages it had just read (with those commits skipped, the list
//! at a million cases went from about 2,000 to about 2,900 requests a second, p95 from 51 to 28
//! ms). Reads are therefore committed, durably and before they are answered, to a journal of
//! their own in a file beside the database (`PATH-reads`), and moved into the hash chain of the
//! main log in batches ([`settle`]: four times a second by the server's filer, and before anything
//! reads the log). Writes keep appending to the chain in their own transaction.
//!
//! Moving is exactly once: the transaction that appends a batch to the chain also records, in
//! the main database, up to which journal entry it moved (per journal: a journal file made anew
//! starts from its first entry), and the batch leaves the journal only after that commit. An
//! entry keeps the time it was recorded; its place in the chain is when it was moved. Until then
//! it is durable but not yet sealed: for that quarter of a second, whoever can write the files
//! could remove it unnoticed, as they could any database row before the chain existed.
//!
//! On PostgreSQL, which has no such per-connection cache, every entry (a write's, in its
//! transaction, as a read's) waits instead in the table `audit_pending`, so writing transactions
//! no longer take turns on the chain's head row; [`settle`] seals them into the chain the same
//! way, deleting each batch in the transaction that appends it.

use std::path::{Path, PathBuf};

use sqlx::{AnyPool, Executor, Row};
use tokio::sync::OnceCell;

use crate::audit::{self, AuditKey, Entry};
use crate::{Result, Store};

/// The journal file of an SQLite database, opened when first needed: a server makes it with its
/// first audited read; a command that only settles it opens it if it is there.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    opened: OnceCell<Opened>,
}

#[derive(Debug)]
struct Opened {
    pool: AnyPool,
    /// This journal file's own name, made with it: what the main database records moves under.
    name: String,
}

/// Entries moved into the chain per transaction: a page entry names up to 500 cases, so a batch
/// is a few megabytes at most, and one transaction holds the writer for milliseconds.
const MOVE_BATCH: i64 = 4096;

impl Journal {
    /// The journal beside the database at `url` (`sqlite://PATH`), if it is a file that may be
    /// written: none for an in-memory or read-only database.
    pub(crate) fn beside(url: &str) -> Option<Journal> {
        let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
        let (path, options) = rest.split_once('?').unwrap_or((rest, ""));
        let read_only = options.split('&').any(|o| o == "mode=ro" || o == "mode=memory" || o == "immutable=1");
        if path.is_empty() || path.contains(":memory:") || read_only {
            return None;
        }
        Some(Journal { path: PathBuf::from(format!("{path}-reads")), opened: OnceCell::new() })
    }

    /// The journal file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal of `store`, made if missing.
    async fn open(&self, store: &Store) -> Result<&Opened> {
        self.opened
            .get_or_try_init(|| async {
                let url = format!("sqlite://{}?mode=rwc", self.path.display());
                let options: sqlx::any::AnyConnectOptions = url.parse()?;
                // Two connections: the server's audit writer, and a mover reading beside it.
                let pool = crate::sqlite_pool(2, 2048).connect_with(options).await?;
                pool.execute("PRAGMA journal_mode = WAL").await?;
                sqlx::raw_sql(
                    "CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL); \
                     CREATE TABLE IF NOT EXISTS reads (n INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, \
                         actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, record_id TEXT NOT NULL, \
                         case_id TEXT, fields TEXT NOT NULL, client TEXT NOT NULL, case_ids TEXT NOT NULL)",
                )
                .execute(&pool)
                .await?;
                sqlx::query("INSERT INTO journal (id, name) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
                    .bind(crate::new_id())
                    .execute(&pool)
                    .await?;
                let name: String =
                    sqlx::query("SELECT name FROM journal WHERE id = 1").fetch_one(&pool).await?.try_get(0)?;
                self.register(store, &pool, &name).await?;
                Ok(Opened { pool, name })
            })
            .await
    }

    /// Makes the journal named `name` the database's own, where it moves its entries. A journal
    /// the database does not know, holding entries, came with another database (a file left at
    /// a path a database was later restored or moved to): its reads are not this log's, so
    /// nothing is journaled nor moved until it is moved away. An empty one is adopted.
    async fn register(&self, store: &Store, pool: &AnyPool, name: &str) -> Result<()> {
        let mut tx = store.begin().await?;
        let known = sqlx::query("SELECT 1 FROM audit_journal_moved WHERE journal = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !known {
            let held: i64 = sqlx::query("SELECT COUNT(*) FROM reads").fetch_one(pool).await?.try_get(0)?;
            if held > 0 {
                pool.close().await;
                return Err(crate::StoreError::Corrupt(format!(
                    "the journal of reads {} holds {held} audit entries of another database: move it away (keep it \
                     with that database) before this one is served",
                    self.path.display()
                )));
            }
            sqlx::query(
                "INSERT INTO audit_journal_moved (journal, upto) VALUES ($1, 0) ON CONFLICT (journal) DO NOTHING",
            )
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        Ok(tx.commit().await?)
    }

    /// The journal of `store` if it is open or its file is there; nothing is made.
    async fn existing(&self, store: &Store) -> Result<Option<&Opened>> {
        if self.opened.get().is_none() && !self.path.exists() {
            return Ok(None);
        }
        Ok(Some(self.open(store).await?))
    }

    pub(crate) async fn close(&self) {
        if let Some(opened) = self.opened.get() {
            opened.pool.close().await;
        }
    }
}

/// Records audited reads durably: in the journal on SQLite; through `audit::append` on
/// PostgreSQL (into `audit_pending`) and on an SQLite database in memory (into the chain).
/// Returns once they are committed.
pub async fn record(store: &Store, key: &AuditKey, entries: &[Entry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let Some(journal) = store.journal() else {
        let mut tx = store.begin().await?;
        audit::append(&mut tx, key, entries).await?;
        return Ok(tx.commit().await?);
    };
    let opened = journal.open(store).await?;
    let at = crate::now_text();
    let mut tx = opened.pool.begin().await?;
    audit::insert_entries(&mut tx, "reads", &at, entries).await?;
    Ok(tx.commit().await?)
}

/// Moves every entry waiting so far into the chain, sealed with `key`: the journal's reads on
/// SQLite, `audit_pending` on PostgreSQL. Called before the log is read, verified, anchored or
/// backed up, so it holds every entry recorded before. Returns how many entries it moved (none
/// when nothing waits, or on SQLite when the journal is absent).
pub async fn settle(store: &Store, key: &AuditKey) -> Result<i64> {
    if store.backend() == crate::Backend::Postgres {
        return settle_pending(store, key).await;
    }
    let Some(journal) = store.journal() else { return Ok(0) };
    let Some(opened) = journal.existing(store).await? else { return Ok(0) };
    let last: Option<i64> = sqlx::query("SELECT MAX(n) FROM reads").fetch_one(&opened.pool).await?.try_get(0)?;
    let Some(last) = last else { return Ok(0) };
    let mut moved = 0;
    loop {
        let batch = move_batch(store, key, opened, last, Leave::Forget).await?;
        moved += batch.moved;
        if batch.through.is_none_or(|n| n >= last) {
            return Ok(moved);
        }
    }
}

/// PostgreSQL: seals the entries waiting in `audit_pending` (see `audit::append`) into the chain,
/// in batches, each deleted in the transaction that appends it. The head row is locked first,
/// so two movers (two app servers' filers, a command) take turns and the second finds only what
/// the first left.
async fn settle_pending(store: &Store, key: &AuditKey) -> Result<i64> {
    let mut conn = store.read().await?;
    let last: Option<i64> = sqlx::query("SELECT MAX(n) FROM audit_pending").fetch_one(&mut *conn).await?.try_get(0)?;
    drop(conn);
    let Some(last) = last else { return Ok(0) };
    let mut moved = 0;
    loop {
        let mut tx = store.begin().await?;
        sqlx::query("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").execute(&mut *tx).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "WITH moved AS (DELETE FROM audit_pending WHERE n IN \
             (SELECT n FROM audit_pending WHERE n <= $1 ORDER BY n LIMIT $2) RETURNING n, {}) \
             SELECT * FROM moved ORDER BY n",
            audit::ENTRY_COLUMNS
        )))
        .bind(last)
        .bind(MOVE_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let pending = rows.iter().map(entry_row).collect::<Result<Vec<_>>>()?;
        let dated: Vec<(&str, &Entry)> = pending.iter().map(|(_, at, e)| (at.as_str(), e)).collect();
        audit::append_dated(&mut tx, key, &dated).await?;
        tx.commit().await?;
        let batch = i64::try_from(pending.len()).unwrap_or(i64::MAX);
        moved += batch;
        if batch < MOVE_BATCH {
            return Ok(moved);
        }
    }
}

/// A waiting entry read back: its number, its time, the entry (columns `n` and
/// [`audit::ENTRY_COLUMNS`]).
fn entry_row(r: &sqlx::any::AnyRow) -> Result<(i64, String, Entry)> {
    let entry = Entry {
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        entity: r.try_get(4)?,
        record_id: r.try_get(5)?,
        case_id: r.try_get(6)?,
        fields: r.try_get(7)?,
        client: r.try_get(8)?,
        case_ids: audit::case_ids_of(r.try_get(9)?),
    };
    Ok((r.try_get(0)?, r.try_get(1)?, entry))
}

/// What is done with a batch once it is in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leave {
    /// Deleted from the journal.
    Forget,
    /// Left there, as a stop between the two commits would (for the tests).
    #[cfg(test)]
    Kept,
}

struct Batch {
    /// Entries appended to the chain.
    moved: i64,
    /// The last journal entry of the batch, moved now or before; none when nothing was left.
    through: Option<i64>,
}

/// Moves the next batch of journaled entries, up to entry `last`, into the chain.
async fn move_batch(store: &Store, key: &AuditKey, opened: &Opened, last: i64, leave: Leave) -> Result<Batch> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n, {} FROM reads WHERE n <= $1 ORDER BY n LIMIT $2",
        audit::ENTRY_COLUMNS
    )))
    .bind(last)
    .bind(MOVE_BATCH)
    .fetch_all(&opened.pool)
    .await?;
    let Some(through) = rows.last().map(|r| r.try_get::<i64, _>(0)).transpose()? else {
        return Ok(Batch { moved: 0, through: None });
    };
    let mut tx = store.begin().await?;
    // Written first, so this transaction holds the writer before it reads how far moves went:
    // two movers (the filer and a settle, or another process) take turns, and the second skips
    // what the first moved.
    sqlx::query("INSERT INTO audit_journal_moved (journal, upto) VALUES ($1, 0) ON CONFLICT (journal) DO NOTHING")
        .bind(&opened.name)
        .execute(&mut *tx)
        .await?;
    let upto: i64 = sqlx::query("SELECT upto FROM audit_journal_moved WHERE journal = $1")
        .bind(&opened.name)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let mut pending = Vec::with_capacity(rows.len());
    for r in &rows {
        let (n, at, entry) = entry_row(r)?;
        if n > upto {
            pending.push((at, entry));
        }
    }
    let dated: Vec<(&str, &Entry)> = pending.iter().map(|(at, e)| (at.as_str(), e)).collect();
    audit::append_dated(&mut tx, key, &dated).await?;
    sqlx::query("UPDATE audit_journal_moved SET upto = $1 WHERE journal = $2 AND upto < $1")
        .bind(through)
        .bind(&opened.name)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if leave == Leave::Forget {
        sqlx::query("DELETE FROM reads WHERE n <= $1").bind(through).execute(&opened.pool).await?;
    }
    Ok(Batch { moved: i64::try_from(pending.len()).unwrap_or(i64::MAX), through: Some(through) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_of(case: &str, n: usize) -> Entry {
        Entry {
            actor: "counsellor".into(),
            action: "read".into(),
            entity: "case".into(),
            record_id: format!("{case}-{n}"),
            case_id: Some(case.into()),
            case_ids: Vec::new(),
            fields: "*".into(),
            client: "203.0.113.7".into(),
        }
    }

    /// The chain's entries, oldest first: (record, time).
    async fn chain(store: &Store) -> Vec<(String, String)> {
        let mut conn = store.read().await.unwrap();
        let rows = sqlx::query("SELECT record_id, at FROM audit_log ORDER BY seq").fetch_all(&mut *conn).await.unwrap();
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    }

    async fn journaled(store: &Store) -> i64 {
        let opened = store.journal().unwrap().existing(store).await.unwrap().unwrap();
        sqlx::query("SELECT COUNT(*) FROM reads").fetch_one(&opened.pool).await.unwrap().get(0)
    }

    /// SQLite's count of commits by other connections, as a reader sees it: what empties its cache.
    async fn main_file_changes(conn: &mut sqlx::AnyConnection) -> i64 {
        sqlx::query("PRAGMA data_version").fetch_one(&mut *conn).await.unwrap().get(0)
    }

    async fn scratch() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("h.db").display())).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn reads_are_journaled_beside_the_database_without_changing_it_and_settled_into_the_chain() {
        let (dir, store) = scratch().await;
        let key = AuditKey::generate().unwrap();
        // The first read makes the journal, registered in the database once.
        record(&store, &key, &[read_of("c1", 1), read_of("c2", 2)]).await.unwrap();
        let mut reader = store.read().await.unwrap();
        let before = main_file_changes(&mut reader).await;
        record(&store, &key, &[read_of("c1", 3)]).await.unwrap();
        assert!(dir.path().join("h.db-reads").exists());
        assert_eq!(journaled(&store).await, 3);
        assert_eq!(main_file_changes(&mut reader).await, before, "readers keep their page caches");
        assert!(chain(&store).await.is_empty());

        assert_eq!(settle(&store, &key).await.unwrap(), 3);
        let moved: Vec<String> = chain(&store).await.into_iter().map(|(id, _)| id).collect();
        assert_eq!(moved, ["c1-1", "c2-2", "c1-3"], "in the order they were recorded");
        assert_eq!(journaled(&store).await, 0);
        assert_eq!(settle(&store, &key).await.unwrap(), 0, "nothing twice");
        let mut conn = store.read().await.unwrap();
        assert_eq!(
            audit::verify(&mut conn, &key, None).await.unwrap(),
            audit::Verdict::Intact { entries: 3, unkeyed: 0 }
        );
        let mut history = audit::for_case(&mut conn, "c1", 10).await.unwrap();
        history.sort_by_key(|s| s.seq);
        assert_eq!(history.iter().map(|s| s.entry.record_id.as_str()).collect::<Vec<_>>(), ["c1-1", "c1-3"]);
    }

    #[tokio::test]
    async fn a_moved_entry_keeps_the_time_it_was_read() {
        let (_dir, store) = scratch().await;
        let key = AuditKey::generate().unwrap();
        record(&store, &key, &[read_of("c1", 1)]).await.unwrap();
        let opened = store.journal().unwrap().existing(&store).await.unwrap().unwrap();
        sqlx::query("UPDATE reads SET at = '2026-01-02T03:04:05.000000Z'").execute(&opened.pool).await.unwrap();
        settle(&store, &key).await.unwrap();
        assert_eq!(chain(&store).await[0].1, "2026-01-02T03:04:05.000000Z");
    }

    #[tokio::test]
    async fn a_stop_between_the_move_and_the_journal_forgetting_it_moves_nothing_twice() {
        let (_dir, store) = scratch().await;
        let key = AuditKey::generate().unwrap();
        record(&store, &key, &[read_of("c1", 1), read_of("c1", 2)]).await.unwrap();
        let opened = store.journal().unwrap().existing(&store).await.unwrap().unwrap();
        let batch = move_batch(&store, &key, opened, i64::MAX, Leave::Kept).await.unwrap();
        assert_eq!((batch.moved, journaled(&store).await), (2, 2), "in the chain, and still journaled");
        record(&store, &key, &[read_of("c1", 3)]).await.unwrap();
        assert_eq!(settle(&store, &key).await.unwrap(), 1, "only the entry not moved before");
        assert_eq!(chain(&store).await.len(), 3);
        assert_eq!(journaled(&store).await, 0);
    }

    #[tokio::test]
    async fn a_journal_made_anew_is_moved_from_its_first_entry() {
        let (dir, store) = scratch().await;
        let key = AuditKey::generate().unwrap();
        record(&store, &key, &[read_of("c1", 1), read_of("c1", 2)]).await.unwrap();
        settle(&store, &key).await.unwrap();
        store.close().await;
        for ending in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("h.db-reads{ending}")));
        }
        let store = Store::open(&format!("sqlite://{}", dir.path().join("h.db").display())).await.unwrap();
        record(&store, &key, &[read_of("c1", 3)]).await.unwrap();
        assert_eq!(settle(&store, &key).await.unwrap(), 1, "its entry 1 is not the old journal's");
        assert_eq!(chain(&store).await.len(), 3);
    }

    #[tokio::test]
    async fn a_journal_left_by_another_database_is_neither_written_nor_moved_in() {
        let (dir, store) = scratch().await;
        let key = AuditKey::generate().unwrap();
        record(&store, &key, &[read_of("theirs", 1)]).await.unwrap();
        store.close().await;
        // Another database put at the same path, beside the first one's journal.
        for ending in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("h.db{ending}")));
        }
        let store = Store::open(&format!("sqlite://{}", dir.path().join("h.db").display())).await.unwrap();
        let refused = record(&store, &key, &[read_of("ours", 1)]).await.unwrap_err().to_string();
        assert!(refused.contains("h.db-reads holds 1 audit entries of another database"), "{refused}");
        assert!(settle(&store, &key).await.is_err(), "nothing of theirs moved in");
        assert!(chain(&store).await.is_empty());
    }

    #[tokio::test]
    async fn a_database_without_a_journal_file_settles_without_making_one() {
        let (dir, store) = scratch().await;
        assert_eq!(settle(&store, &AuditKey::generate().unwrap()).await.unwrap(), 0);
        assert!(!dir.path().join("h.db-reads").exists());
        assert!(Journal::beside("sqlite::memory:").is_none());
        assert!(Journal::beside("sqlite:///tmp/x.db?mode=ro").is_none());
        assert_eq!(Journal::beside("sqlite:///tmp/x.db?mode=rwc").unwrap().path(), Path::new("/tmp/x.db-reads"));
        assert_eq!(Journal::beside("sqlite:x.db").unwrap().path(), Path::new("x.db-reads"));
    }

    #[tokio::test]
    async fn on_postgresql_entries_wait_in_the_database_and_join_the_chain_once_settled() {
        crate::on_scratch_postgres("read_journal", |store| async move {
            let key = AuditKey::generate().unwrap();
            record(&store, &key, &[read_of("c1", 1), read_of("c1", 2)]).await.unwrap();
            let mut tx = store.begin().await.unwrap();
            audit::append(&mut tx, &key, &[read_of("c1", 3)]).await.unwrap();
            tx.rollback().await.unwrap();
            assert!(chain(&store).await.is_empty(), "waiting, not chained");
            let waiting = || async {
                let mut conn = store.read().await.unwrap();
                let n: i64 =
                    sqlx::query("SELECT COUNT(*) FROM audit_pending").fetch_one(&mut *conn).await.unwrap().get(0);
                n
            };
            assert_eq!(waiting().await, 2, "a rolled back write left none");
            assert_eq!(settle(&store, &key).await.unwrap(), 2);
            assert_eq!(chain(&store).await.len(), 2);
            assert_eq!(waiting().await, 0);
            assert_eq!(settle(&store, &key).await.unwrap(), 0, "nothing twice");
        })
        .await;
    }
}
