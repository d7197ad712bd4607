//! Auditing reads. Writes put their audit entries in their own transaction; reads have no
//! transaction of their own, so their entries go to one writer task that commits whatever has
//! queued up in a single transaction (group commit) and only then lets the requests answer.
//! Nothing is shown that is not audited, and concurrent readers share one disk sync. On SQLite
//! that commit is to the journal of reads beside the database, so the database's readers keep
//! their page caches ([`read_journal`]); [`ReadAudit::settle`] moves it into the chain.
//!
//! A task beside it moves the journal into the chain and files the log by case four times a
//! second ([`audit::next_filing`]): sorted batches into a compact index cost a fraction of the
//! random page writes that indexing each entry as it was appended did, which made this one
//! writer the limit of the whole server (issue 18); each batch is written in slices of keys, so
//! it never holds that writer for long.

use std::sync::Arc;

use homeward_store::audit::{self, AuditKey, Entry};
use homeward_store::{Store, read_journal};
use tokio::sync::{mpsc, oneshot};

use crate::auth::Caller;
use crate::error::ServiceError;

type Ack = oneshot::Sender<Result<(), String>>;

/// The handle requests use to audit reads.
#[derive(Debug, Clone)]
pub struct ReadAudit {
    queue: mpsc::Sender<(Vec<Entry>, Ack)>,
    store: Store,
    key: Arc<AuditKey>,
}

/// At most this many requests' entries go in one transaction.
const BATCH: usize = 256;

impl ReadAudit {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store, key: Arc<AuditKey>) -> ReadAudit {
        let (queue, mut rx) = mpsc::channel::<(Vec<Entry>, Ack)>(4096);
        // Filing runs beside the appends, not between them: reads' audit commits never wait for
        // a batch to be filed (on PostgreSQL the two lock different rows; on SQLite reads commit
        // to their journal, apart from the database's one writer).
        tokio::spawn(file_by_case(store.clone(), key.clone(), queue.downgrade()));
        let (writer_store, writer_key) = (store.clone(), key.clone());
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(more) => batch.push(more),
                        Err(_) => break,
                    }
                }
                // The entries are moved out, not copied: a page entry names fifty cases.
                let mut acks = Vec::with_capacity(batch.len());
                let mut entries = Vec::new();
                for (requested, ack) in batch {
                    entries.extend(requested);
                    acks.push(ack);
                }
                let outcome =
                    read_journal::record(&writer_store, &writer_key, &entries).await.map_err(|e| e.to_string());
                for ack in acks {
                    let _ = ack.send(outcome.clone());
                }
            }
        });
        ReadAudit { queue, store, key }
    }

    /// Moves the reads journaled so far into the chain (SQLite, see [`read_journal`]): before
    /// the log is read, so it holds every read recorded before.
    pub async fn settle(&self) -> Result<(), ServiceError> {
        read_journal::settle(&self.store, &self.key).await?;
        Ok(())
    }

    /// Records the reads and returns once they are committed.
    pub async fn record(&self, entries: Vec<Entry>) -> Result<(), ServiceError> {
        if entries.is_empty() {
            return Ok(());
        }
        let (ack, done) = oneshot::channel();
        self.queue.send((entries, ack)).await.map_err(|_| ServiceError::Internal("the audit writer stopped".into()))?;
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ServiceError::Internal(format!("audit: {e}"))),
            Err(_) => Err(ServiceError::Internal("the audit writer stopped".into())),
        }
    }

    /// Queues entries without waiting for their commit: for denials, which answer at once
    /// (an error) and must not wait on, nor fail with, the audit writer. A full queue is logged.
    pub fn record_soon(&self, entries: Vec<Entry>) {
        let (ack, _) = oneshot::channel();
        if self.queue.try_send((entries, ack)).is_err() {
            tracing::error!("the audit queue is full or stopped: a denial was not recorded");
        }
    }
}

/// How often the journal of reads is moved into the chain and the log filed by case: the entries
/// of a quarter of a second are one sorted batch. When reads' audit commits still shared
/// SQLite's one writer, a batch a second (85,000 rows at a million cases and 1,700 pages of fifty
/// a second) held them often enough to triple the list's p95 over its median; now a longer wait
/// would leave more of the log unfiled for a case's history to scan, and hold writes longer.
const INDEX_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Files the log by case every [`INDEX_EVERY`], until the last [`ReadAudit`] handle is gone or
/// the store is closed.
async fn file_by_case(store: Store, key: Arc<AuditKey>, handles: mpsc::WeakSender<(Vec<Entry>, Ack)>) {
    let mut index_time = tokio::time::interval(INDEX_EVERY);
    index_time.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut behind = false;
    let mut turns = audit::FilingTurns::default();
    loop {
        // Behind (a long backlog), the next batch follows at once; its slices still take turns
        // with the reads' commits.
        if !behind {
            index_time.tick().await;
        }
        if handles.strong_count() == 0 || store.is_closed() {
            break;
        }
        // The reads journaled since the last run join the chain first, then all is filed.
        if let Err(e) = read_journal::settle(&store, &key).await {
            if store.is_closed() {
                break;
            }
            tracing::warn!(error = %e, "moving journaled reads into the audit chain failed; retried shortly");
        }
        behind = match index_in_turn(&store, &mut turns).await {
            Ok(filed) => filed >= audit::INDEX_BATCH,
            Err(e) => {
                if store.is_closed() {
                    break;
                }
                // The history of a case still reads the entries not yet filed.
                tracing::warn!(error = %e, "filing the audit log by case failed; retried shortly");
                false
            }
        };
    }
}

/// Files a batch if no other app server is filing (see [`audit::FilingTurns`]).
async fn index_in_turn(store: &Store, turns: &mut audit::FilingTurns) -> homeward_store::Result<i64> {
    if !turns.take(store).await? {
        return Ok(0);
    }
    let filed = index(store).await;
    turns.give_back().await?;
    filed
}

/// Index rows written per transaction when filing by case. Each is a range of keys, so a batch
/// in slices touches the pages one transaction would. On SQLite a slice holds the one writer,
/// which writes wait for, for ten milliseconds or so; reads' audit commits no longer do (they
/// go to the journal of reads), and each commit to the database empties every reader's page
/// cache: a quarter-second batch of a list run (about 25,000 rows) is two slices, not six.
const SLICE_ROWS: usize = 16384;

/// Files what was appended since the last run (a bounded batch; a long backlog takes several
/// runs), read on a reader connection and written in slices; returns how many entries it
/// covered. Writes nothing when there is nothing to file, so idle readers keep their caches.
async fn index(store: &Store) -> homeward_store::Result<i64> {
    let mut conn = store.read().await?;
    let Some(filing) = audit::next_filing(&mut conn, audit::INDEX_BATCH).await? else { return Ok(0) };
    drop(conn);
    let mut slices = filing.rows().chunks(SLICE_ROWS).peekable();
    loop {
        let mut tx = store.begin().await?;
        let slice = slices.next().unwrap_or_default();
        // Rows already there are rare (a batch filed twice): the slice is then written again,
        // skipping them, in a new transaction.
        if audit::file_new_rows(&mut tx, &filing, slice).await? == audit::Filed::SomeBefore {
            tx.rollback().await?;
            tx = store.begin().await?;
            audit::file_rows(&mut tx, &filing, slice).await?;
        }
        let last = slices.peek().is_none();
        if last {
            filing.finish(&mut tx).await?;
        }
        tx.commit().await?;
        if last {
            return Ok(filing.entries());
        }
    }
}

/// An entry for `caller` doing `action` on one record, from the caller's client address.
pub fn entry(
    caller: &Caller,
    action: &str,
    entity: &str,
    record_id: &str,
    case_id: Option<&str>,
    fields: &[&str],
) -> Entry {
    Entry {
        actor: caller.username.clone(),
        action: action.to_string(),
        entity: entity.to_string(),
        record_id: record_id.to_string(),
        case_id: case_id.map(str::to_string),
        case_ids: Vec::new(),
        fields: fields.join(","),
        client: caller.client.clone(),
    }
}

/// At most this many cases in one page entry: a whole-office catalogue stays a few entries of
/// bounded size.
const CASES_PER_ENTRY: usize = 500;

/// The entries for `caller` doing `action` on a page of cases (a list, a search, an export):
/// one entry naming them all rather than one per case, the by-case index files it under each
/// (`homeward_store::audit::Entry::case_ids`). None for an empty page.
pub fn page_entries<'a>(
    caller: &Caller,
    action: &str,
    case_ids: impl IntoIterator<Item = &'a str>,
    fields: &[&str],
) -> Vec<Entry> {
    let mut ids = case_ids.into_iter().map(str::to_string).peekable();
    let mut entries = Vec::new();
    while ids.peek().is_some() {
        let chunk = ids.by_ref().take(CASES_PER_ENTRY).collect();
        entries.push(Entry { case_ids: chunk, ..entry(caller, action, "case", "", None, fields) });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_of(case: &str) -> Entry {
        Entry {
            actor: "amal".into(),
            action: "read".into(),
            entity: "case".into(),
            record_id: case.into(),
            case_id: Some(case.into()),
            case_ids: vec![],
            fields: String::new(),
            client: "127.0.0.1".into(),
        }
    }

    async fn unfiled(store: &Store) -> i64 {
        let mut conn = store.read().await.unwrap();
        audit::unindexed(&mut conn).await.unwrap()
    }

    async fn history(store: &Store, case: &str) -> usize {
        let mut conn = store.read().await.unwrap();
        audit::for_case(&mut conn, case, 10).await.unwrap().len()
    }

    async fn sqlite_store(dir: &tempfile::TempDir) -> Store {
        Store::open(&format!("sqlite://{}", dir.path().join("reads.db").display())).await.unwrap()
    }

    #[tokio::test]
    async fn recorded_reads_join_the_chain_and_are_filed_by_case_soon_after_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let reads = ReadAudit::start(store.clone(), Arc::new(AuditKey::generate().unwrap()));
        let case = "01a226ef-2517-759b-bf8c-0e77786520a2";
        reads.record(vec![read_of(case), read_of(case)]).await.unwrap();
        // The filer runs four times a second beside the writer; a generous bound, not a timing.
        let mut waited = 0;
        while history(&store, case).await < 2 || unfiled(&store).await > 0 {
            assert!(waited < 200, "the entries never joined the chain and were never filed by case");
            tokio::time::sleep(INDEX_EVERY / 5).await;
            waited += 1;
        }
        assert_eq!(history(&store, case).await, 2, "each once");
        store.close().await;
    }

    #[tokio::test]
    async fn once_settled_the_log_holds_every_read_recorded_before() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let reads = ReadAudit::start(store.clone(), Arc::new(AuditKey::generate().unwrap()));
        let case = "01a226ef-2517-759b-bf8c-0e77786520a2";
        for _ in 0..3 {
            reads.record(vec![read_of(case)]).await.unwrap();
        }
        reads.settle().await.unwrap();
        assert_eq!(history(&store, case).await, 3);
        store.close().await;
    }

    #[tokio::test]
    async fn a_batch_partly_filed_before_a_stop_is_filed_whole_and_once() {
        let dir = tempfile::tempdir().unwrap();
        partly_filed(sqlite_store(&dir).await).await;
    }

    #[tokio::test]
    async fn on_postgresql_too() {
        homeward_store::on_scratch_postgres("hw_partly_filed", partly_filed).await;
    }

    /// Two app servers on one PostgreSQL: the one whose turn it is files the log by case, and
    /// the other's filer leaves it alone (`audit::FilingTurns`), instead of both writing it.
    #[tokio::test]
    async fn an_app_server_leaves_the_filing_to_the_one_whose_turn_it_is() {
        homeward_store::on_scratch_postgres("hw_filing_turn", |store| async move {
            let mut other_server = audit::FilingTurns::default();
            assert!(other_server.take(&store).await.unwrap());
            let reads = ReadAudit::start(store.clone(), Arc::new(AuditKey::generate().unwrap()));
            reads.record(vec![read_of("01a226ef-2517-759b-bf8c-0e77786520a2")]).await.unwrap();
            // Eight of the filer's runs: none files while the other server has the turn.
            tokio::time::sleep(INDEX_EVERY * 8).await;
            assert_eq!(unfiled(&store).await, 1, "left to the server whose turn it is");
            other_server.give_back().await.unwrap();
            let mut waited = 0;
            while unfiled(&store).await > 0 {
                assert!(waited < 200, "the entry was never filed once the turn was given back");
                tokio::time::sleep(INDEX_EVERY / 5).await;
                waited += 1;
            }
            drop(reads);
            store.close().await;
        })
        .await;
    }

    /// A server stopped after its first slice: the next run meets those rows again, skips them
    /// and files the rest.
    async fn partly_filed(store: Store) {
        let cases = ["01a226ef-2517-759b-bf8c-0e77786520a2", "01a226ef-2517-759b-bf8c-9c1d2e3f4a5b"];
        let entries: Vec<Entry> = (0..10).map(|n| read_of(cases[n % 2])).collect();
        let key = AuditKey::generate().unwrap();
        let mut tx = store.begin().await.unwrap();
        audit::append(&mut tx, &key, &entries).await.unwrap();
        tx.commit().await.unwrap();
        read_journal::settle(&store, &key).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let filing = audit::next_filing(&mut conn, audit::INDEX_BATCH).await.unwrap().unwrap();
        drop(conn);
        let mut tx = store.begin().await.unwrap();
        audit::file_rows(&mut tx, &filing, &filing.rows()[..4]).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(index(&store).await.unwrap(), 10, "the whole batch");
        assert_eq!(unfiled(&store).await, 0, "caught up");
        assert_eq!(store.count_rows("audit_by_case").await.unwrap(), 10, "each entry once");
        let mut conn = store.read().await.unwrap();
        assert_eq!(audit::for_case(&mut conn, cases[1], 100).await.unwrap().len(), 5);
        drop(conn);
        store.close().await;
    }
}
