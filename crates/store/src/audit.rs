//! The audit log: every read and write of case data and accounts, append-only, each entry
//! chained to the one before by a keyed hash (HMAC-SHA-256). The key lives outside the database
//! (see [`AuditKey`]), so whoever owns the database can neither rewrite an entry and recompute the
//! chain nor forge a tail; an [`Anchor`] kept elsewhere also catches truncation and a deleted log.
//! `homeward audit verify` names what it finds.

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Result, Tx};

/// What happened, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Username, or `cli:<system user>` for the command line.
    pub actor: String,
    /// `read`, `create`, `update`, `transition`, `send`, `list`, `denied`, ...
    pub action: String,
    /// `case`, `survey`, `consent`, `referral_packet`, ...
    pub entity: String,
    /// The record's id; empty for an entry about many cases (`case_ids`).
    pub record_id: String,
    pub case_id: Option<String>,
    /// The cases a page of a list, a search or an export showed: one entry for the page, filed
    /// under each case by the by-case index, instead of one entry per case (issue 18: the
    /// entries of a page of fifty were most of the audit writer's work and of the log's size).
    /// Empty for an entry about one record.
    pub case_ids: Vec<String>,
    /// The fields read or written, comma-separated; for a denial, why.
    pub fields: String,
    /// The address of the client that made the request (`cli` for the command line).
    pub client: String,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub seq: i64,
    pub at: String,
    pub entry: Entry,
    pub prev_hash: String,
    pub hash: String,
    /// The key that sealed it; empty for entries made before the log was keyed.
    pub key_id: String,
}

/// The keys that seal the audit chain, kept outside the database: a file of lines `ID HEX`
/// (or the same text in `HOMEWARD_AUDIT_KEY`). The last line seals new entries; earlier lines
/// stay so older entries still verify. Rotating is appending a line ([`AuditKey::rotated`]).
#[derive(Clone)]
pub struct AuditKey {
    keys: Vec<(String, Vec<u8>)>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret itself, even in a debug print.
        f.debug_struct("AuditKey").field("ids", &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>()).finish()
    }
}

/// Bytes of a new key: 256 bits, as HMAC-SHA-256 wants.
const KEY_BYTES: usize = 32;

impl AuditKey {
    /// Reads the keys' text; says which line is wrong.
    pub fn parse(text: &str) -> std::result::Result<AuditKey, String> {
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, hex) = line.split_once(' ').ok_or_else(|| format!("line {n}: expected `ID HEX`"))?;
            let secret = from_hex(hex.trim()).ok_or_else(|| format!("line {n}: the key is not hexadecimal"))?;
            if secret.len() < KEY_BYTES {
                return Err(format!("line {n}: the key is shorter than {KEY_BYTES} bytes"));
            }
            if id.is_empty() || keys.iter().any(|(k, _)| k == id) {
                return Err(format!("line {n}: the key id `{id}` is empty or used twice"));
            }
            keys.push((id.to_string(), secret));
        }
        if keys.is_empty() {
            return Err("no key in it".into());
        }
        Ok(AuditKey { keys })
    }

    /// A new key set of one random key, with its id.
    pub fn generate() -> std::result::Result<AuditKey, String> {
        let mut secret = vec![0u8; KEY_BYTES];
        getrandom::fill(&mut secret).map_err(|e| format!("no randomness for the audit key: {e}"))?;
        Ok(AuditKey { keys: vec![("k1".into(), secret)] })
    }

    /// These keys and a new random one, which seals entries from now on.
    pub fn rotated(&self) -> std::result::Result<AuditKey, String> {
        let mut next = AuditKey::generate()?;
        let mut keys = self.keys.clone();
        let id = (keys.len() + 1..).map(|n| format!("k{n}")).find(|id| keys.iter().all(|(k, _)| k != id));
        keys.push((id.unwrap_or_default(), std::mem::take(&mut next.keys[0].1)));
        Ok(AuditKey { keys })
    }

    /// The text of the key file.
    pub fn to_text(&self) -> String {
        let mut out =
            String::from("# Homeward audit keys: keep apart from the database and its backups. Never edit a line.\n");
        for (id, secret) in &self.keys {
            out.push_str(&format!("{id} {}\n", to_hex(secret)));
        }
        out
    }

    /// The id of the key that seals new entries.
    pub fn current_id(&self) -> &str {
        &self.keys[self.keys.len() - 1].0
    }

    fn current(&self) -> (&str, &[u8]) {
        let (id, secret) = &self.keys[self.keys.len() - 1];
        (id, secret)
    }

    fn get(&self, id: &str) -> Option<&[u8]> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, s)| s.as_slice())
    }
}

/// The stored text of a page entry's cases: a JSON array, which both databases can unnest when
/// filing by case; empty for an entry about one record.
pub(crate) fn case_ids_text(ids: &[String]) -> String {
    if ids.is_empty() { String::new() } else { serde_json::to_string(ids).unwrap_or_default() }
}

/// The cases of a stored entry. Text that is not an array of strings was not written by
/// Homeward: it is kept whole as one id, so the entry's hash no longer holds and `verify`
/// names it, rather than failing to read the log.
pub(crate) fn case_ids_of(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    serde_json::from_str(text).unwrap_or_else(|_| vec![text.to_string()])
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The parts an entry's hash covers, each length-prefixed so no two different entries hash the
/// same text. The cases of a page entry are a last part only when there are some, so entries
/// sealed before pages had them still verify. `case_ids` is `e.case_ids` as stored
/// ([`case_ids_text`]), made once by the caller that also writes it.
fn parts(prev_hash: &str, seq: i64, at: &str, e: &Entry, case_ids: &str, keyed: bool, feed: &mut dyn FnMut(&[u8])) {
    let case_id = e.case_id.as_deref().unwrap_or("");
    let seq = seq.to_string();
    let mut all = vec![prev_hash, &seq, at, &e.actor, &e.action, &e.entity, &e.record_id, case_id, &e.fields];
    if keyed {
        all.push(&e.client);
        if !case_ids.is_empty() {
            all.push(case_ids);
        }
    }
    for part in all {
        feed(&(part.len() as u64).to_le_bytes());
        feed(part.as_bytes());
    }
}

/// The unkeyed hash of entries made before the log was keyed.
pub fn hash(prev_hash: &str, seq: i64, at: &str, e: &Entry) -> String {
    let mut h = Sha256::new();
    // Entries made before the key never named pages.
    parts(prev_hash, seq, at, e, "", false, &mut |b| h.update(b));
    to_hex(&h.finalize())
}

/// The keyed hash (HMAC-SHA-256) of an entry.
pub fn seal(key: &[u8], prev_hash: &str, seq: i64, at: &str, e: &Entry) -> String {
    seal_with(key, prev_hash, seq, at, e, &case_ids_text(&e.case_ids))
}

fn seal_with(key: &[u8], prev_hash: &str, seq: i64, at: &str, e: &Entry, case_ids: &str) -> String {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    parts(prev_hash, seq, at, e, case_ids, true, &mut |b| mac.update(b));
    to_hex(&mac.finalize().into_bytes())
}

/// Entries written by one `INSERT` (13 parameters each). The SQLite driver looks each numbered
/// parameter up by name in a list as long as the statement's parameters, so binding costs the
/// square of their number (100 rows, 1,200 parameters, took a quarter of the server's time when
/// reading pages of fifty cases, `scripts/bench-api`): on SQLite the placeholders are anonymous
/// (`query::placeholder`), which it finds at once.
const ROWS_PER_INSERT: usize = 32;

/// Appends entries in `tx`: they are kept exactly when the change they describe is. On SQLite
/// they join the chain at once (its one writer serialises appends anyway). On PostgreSQL they
/// wait in `audit_pending` for [`crate::read_journal::settle`] to seal them in: appending to the
/// chain holds its head row until the commit, and every writing transaction of every app server
/// took turns on it (issue 18). Call it last in a transaction all the same: it was the rule while
/// the head was locked here (a row written after it could deadlock), and costs nothing.
pub async fn append(tx: &mut Tx, key: &AuditKey, entries: &[Entry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let at = crate::now_text();
    if !crate::query::is_sqlite(tx) {
        return insert_entries(tx, "audit_pending", &at, entries).await;
    }
    let dated: Vec<(&str, &Entry)> = entries.iter().map(|e| (at.as_str(), e)).collect();
    append_dated(tx, key, &dated).await
}

/// Writes `entries`, as they happened at `at`, into `table` (columns [`ENTRY_COLUMNS`]): the
/// entries waiting in `audit_pending`, or the journal of reads' `reads`. Many rows a statement.
pub(crate) async fn insert_entries(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    at: &str,
    entries: &[Entry],
) -> Result<()> {
    let sqlite = crate::query::is_sqlite(conn);
    let columns = ENTRY_COLUMNS.split(", ").count();
    let case_ids: Vec<String> = entries.iter().map(|e| case_ids_text(&e.case_ids)).collect();
    for (chunk, ids) in entries.chunks(ROWS_PER_INSERT).zip(case_ids.chunks(ROWS_PER_INSERT)) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| format!("({})", crate::query::placeholders(sqlite, r * columns + 1, columns)))
            .collect();
        let sql = format!("INSERT INTO {table} ({ENTRY_COLUMNS}) VALUES {}", values.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (e, ids) in chunk.iter().zip(ids) {
            q = bind_entry(q, at, e, ids);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// [`append`] for entries that happened earlier, each with its time: reads journaled on SQLite
/// and moved into the chain later ([`crate::read_journal`]).
pub(crate) async fn append_dated(tx: &mut Tx, key: &AuditKey, entries: &[(&str, &Entry)]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    // Taking the head row's lock serialises appends (PostgreSQL), and on SQLite the single
    // writer already does.
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut **tx).await?;
    let mut seq: i64 = head.try_get(0)?;
    let mut prev: String = head.try_get(1)?;
    let (key_id, secret) = key.current();
    let mut rows = Vec::with_capacity(entries.len());
    for &(at, e) in entries {
        seq += 1;
        let case_ids = case_ids_text(&e.case_ids);
        let h = seal_with(secret, &prev, seq, at, e, &case_ids);
        rows.push((seq, at, e, std::mem::replace(&mut prev, h.clone()), h, case_ids));
    }
    // Many rows per statement: reading a page of fifty cases is fifty entries. On PostgreSQL the
    // last statement also moves the head: the head row stays locked from the first statement
    // to the commit, and appends wait on it one after another, so each round trip fewer in
    // between is one fewer wait for every writer behind (issue 18: at 64 connections writing,
    // most of them waited on this lock). SQLite has one writer anyway, and no statement that
    // inserts and updates at once.
    let sqlite = crate::query::is_sqlite(tx);
    let statements = rows.chunks(ROWS_PER_INSERT).len();
    for (i, chunk) in rows.chunks(ROWS_PER_INSERT).enumerate() {
        let values: Vec<String> =
            (0..chunk.len()).map(|r| format!("({})", crate::query::placeholders(sqlite, r * 13 + 1, 13))).collect();
        let insert = format!(
            "INSERT INTO audit_log (seq, prev_hash, hash, key_id, {ENTRY_COLUMNS}) VALUES {}",
            values.join(", ")
        );
        let moves_head = !sqlite && i + 1 == statements;
        let sql = if moves_head {
            let n = chunk.len() * 13;
            format!(
                "WITH appended AS ({insert}) UPDATE audit_head SET seq = ${}, hash = ${} WHERE id = 1",
                n + 1,
                n + 2
            )
        } else {
            insert
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (seq, at, e, prev_hash, h, case_ids) in chunk {
            q = bind_entry(q.bind(*seq).bind(prev_hash).bind(h).bind(key_id), at, e, case_ids);
        }
        if moves_head {
            q = q.bind(seq).bind(&prev);
        }
        q.execute(&mut **tx).await?;
    }
    if sqlite {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The columns of an entry as it happened, in the order [`bind_entry`] binds them: the audit
/// log's, and the journal of reads' (`read_journal`).
pub(crate) const ENTRY_COLUMNS: &str = "at, actor, action, entity, record_id, case_id, fields, client, case_ids";

/// Binds the values of [`ENTRY_COLUMNS`]: `e` at `at`, its page's cases as `case_ids` (stored).
pub(crate) fn bind_entry<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    at: &'q str,
    e: &'q Entry,
    case_ids: &'q str,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.record_id)
        .bind(e.case_id.as_deref())
        .bind(&e.fields)
        .bind(&e.client)
        .bind(case_ids)
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry links to the one before, each keyed hash holds, the head points at the last
    /// and the anchor (if given) is in the chain. `unkeyed` entries predate the key.
    Intact { entries: i64, unkeyed: i64 },
    /// The first entry whose link or hash does not hold, and why.
    Broken { seq: i64, why: String },
}

/// The head of the chain at some moment, kept outside the database (`homeward audit anchor`):
/// a later verification checks that this entry is still there, unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    /// The anchor's text: `homeward-audit-anchor SEQ HASH`.
    pub fn to_text(&self) -> String {
        format!("homeward-audit-anchor {} {}\n", self.seq, self.hash)
    }

    pub fn parse(text: &str) -> std::result::Result<Anchor, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["homeward-audit-anchor", seq, hash] if hash.len() == 64 && from_hex(hash).is_some() => Ok(Anchor {
                seq: seq.parse().map_err(|_| format!("`{seq}` is not an entry number"))?,
                hash: hash.to_string(),
            }),
            _ => Err("expected `homeward-audit-anchor SEQ HASH`, as `homeward audit anchor` prints".into()),
        }
    }
}

/// The current head: how many entries and the last one's hash.
pub async fn anchor(conn: &mut sqlx::AnyConnection) -> Result<Anchor> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *conn).await?;
    Ok(Anchor { seq: head.try_get(0)?, hash: head.try_get(1)? })
}

const SELECT_STORED: &str = "SELECT seq, at, actor, action, entity, record_id, case_id, fields, prev_hash, hash, key_id, client, \
     case_ids FROM audit_log";

/// Walks the whole chain in order, a page at a time, checking each entry's keyed hash with
/// `key`, and that `anchor`'s entry is still there with the hash it had.
pub async fn verify(conn: &mut sqlx::AnyConnection, key: &AuditKey, anchor: Option<&Anchor>) -> Result<Verdict> {
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1;
    let mut unkeyed = 0;
    let mut keyed_seen = false;
    let mut anchor_seen = anchor.is_none_or(|a| a.seq == 0);
    loop {
        let rows = sqlx::query(safe!("{SELECT_STORED} WHERE seq >= $1 ORDER BY seq LIMIT 10000"))
            .bind(expected_seq)
            .fetch_all(&mut *conn)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let s = stored(&row)?;
            if s.seq != expected_seq {
                return Ok(Verdict::Broken { seq: expected_seq, why: format!("entry {expected_seq} is missing") });
            }
            if s.prev_hash != prev {
                return Ok(Verdict::Broken { seq: s.seq, why: "does not link to the entry before it".into() });
            }
            let expected = if s.key_id.is_empty() {
                if keyed_seen {
                    let why = "is not sealed with a key, though entries before it are: it was forged or rewritten";
                    return Ok(Verdict::Broken { seq: s.seq, why: why.into() });
                }
                unkeyed += 1;
                hash(&prev, s.seq, &s.at, &s.entry)
            } else {
                keyed_seen = true;
                let Some(secret) = key.get(&s.key_id) else {
                    let why = format!("is sealed with key `{}`, which the key file does not hold", s.key_id);
                    return Ok(Verdict::Broken { seq: s.seq, why });
                };
                seal(secret, &prev, s.seq, &s.at, &s.entry)
            };
            if expected != s.hash {
                let why = "its content does not match its keyed hash: it was rewritten, or forged without the key";
                return Ok(Verdict::Broken { seq: s.seq, why: why.into() });
            }
            if let Some(a) = anchor.filter(|a| a.seq == s.seq) {
                if a.hash != s.hash {
                    let why = "differs from the anchor taken earlier: the log was rewritten from here";
                    return Ok(Verdict::Broken { seq: s.seq, why: why.into() });
                }
                anchor_seen = true;
            }
            prev = s.hash;
            expected_seq += 1;
        }
    }
    let last = expected_seq - 1;
    if !anchor_seen && let Some(a) = anchor {
        let why = if last == 0 {
            format!("the log is empty but the anchor saw {} entries: it was deleted", a.seq)
        } else {
            format!("the log ends at entry {last} but the anchor saw {} entries: it was truncated", a.seq)
        };
        return Ok(Verdict::Broken { seq: last + 1, why });
    }
    let head = self::anchor(conn).await?;
    if head.seq != last || head.hash != prev {
        return Ok(Verdict::Broken {
            seq: last.max(head.seq),
            why: format!("the chain ends at entry {last} but its head says {}: entries were removed", head.seq),
        });
    }
    Ok(Verdict::Intact { entries: last, unkeyed })
}

/// Rows per period of the by-case index (migrations 0019 and 0021): a batch is filed into the
/// current period only, so it touches that period's few hundred pages whatever the log's size,
/// in tens of milliseconds; reading a case's history seeks once per period. Counted in rows, not
/// entries, since a page entry is a row per case it showed.
const PERIOD_ROWS: i64 = 1 << 16;

/// At most this many entries are read into one batch to file by case ([`next_filing`]), so
/// catching up on a long log (after an upgrade, or a server that was down) takes bounded
/// memory: pages of fifty cases, 200,000 rows of the index (some 12 MB).
pub const INDEX_BATCH: i64 = 1 << 12;

/// The key a case is filed under in the by-case index: a 64-bit FNV-1a hash of its id, computed
/// here for filing and for lookups alike, so ids of every shape file and read the same way on
/// both databases. Two cases may share a key; readers compare the entries' case ids. An integer
/// (migration 0026) where the key was the text of the id's last twelve digits: on PostgreSQL,
/// where filing the log by case was half the database's work during a list run, a slice of 4,096
/// rows took 9 ms instead of 13 (bound as two arrays instead of a JSON document), and the index
/// is smaller on both.
fn key_of(case_id: &str) -> i64 {
    let hash =
        case_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// A `LIKE` pattern matching the stored cases of a page entry that holds `case_id`.
fn page_pattern(case_id: &str) -> String {
    let quoted = serde_json::to_string(case_id).unwrap_or_default();
    let escaped = quoted.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Whether a stored entry is about `case_id`: its own case, or one of its page's.
fn concerns(s: &Stored, case_id: &str) -> bool {
    s.entry.case_id.as_deref() == Some(case_id) || s.entry.case_ids.iter().any(|c| c == case_id)
}

/// Up to which entry the by-case index is complete, and the last entry: what is left to file.
pub async fn unindexed(conn: &mut sqlx::AnyConnection) -> Result<i64> {
    let r = sqlx::query("SELECT h.seq - i.seq FROM audit_head h, audit_index_head i WHERE h.id = 1 AND i.id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

/// What is left to file by case, read from the log: the index rows of up to a batch of entries,
/// sorted as the index is. Computed away from the writer (on a reader connection) and then
/// written a slice at a time ([`file_rows`], [`Filing::finish`]): a slice is a range of keys,
/// so the slices of a batch touch the same pages one transaction would, while SQLite's one
/// writer is never held for more than a slice (issue 18: a quarter-second batch of 21,000 rows,
/// selected and written in one statement, held reads' audit commits for 40 ms four times a
/// second, which set the list's p95).
#[derive(Debug)]
pub struct Filing {
    from: i64,
    upto: i64,
    period: i64,
    filled: i64,
    rows: Vec<(i64, i64)>,
}

impl Filing {
    /// The index rows to write, as (case key, entry), in order and each once.
    pub fn rows(&self) -> &[(i64, i64)] {
        &self.rows
    }

    /// How many entries the batch covers.
    pub fn entries(&self) -> i64 {
        self.upto - self.from
    }

    /// Moves the index head past the batch, in the transaction that writes its last slice.
    /// Only from where the batch began: when two app servers filed the same entries (their rows
    /// are written once), the second finds the head moved and leaves it.
    pub async fn finish(&self, tx: &mut Tx) -> Result<()> {
        self.finish_in(tx, PERIOD_ROWS).await
    }

    async fn finish_in(&self, tx: &mut Tx, period_rows: i64) -> Result<()> {
        // A full period is closed: the next batch starts a new, small one.
        let filled = self.filled.saturating_add(i64::try_from(self.rows.len()).unwrap_or(i64::MAX));
        let (period, filled) = if filled >= period_rows { (self.period + 1, 0) } else { (self.period, filled) };
        sqlx::query("UPDATE audit_index_head SET seq = $1, period = $2, period_rows = $3 WHERE id = 1 AND seq = $4")
            .bind(self.upto)
            .bind(period)
            .bind(filled)
            .bind(self.from)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// The next batch to file by case: up to `limit` entries appended since the index head, or
/// `None` when it is caught up. A page entry is filed under each of its cases, once under a key
/// two of them share.
pub async fn next_filing(conn: &mut sqlx::AnyConnection, limit: i64) -> Result<Option<Filing>> {
    let head = sqlx::query(
        "SELECT i.seq, i.period, i.period_rows, h.seq FROM audit_index_head i, audit_head h WHERE i.id = 1 AND h.id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (from, period, filled, last): (i64, i64, i64, i64) =
        (head.try_get(0)?, head.try_get(1)?, head.try_get(2)?, head.try_get(3)?);
    let upto = last.min(from.saturating_add(limit.max(1)));
    if upto <= from {
        return Ok(None);
    }
    let entries = sqlx::query(
        "SELECT seq, case_id, case_ids FROM audit_log WHERE seq > $1 AND seq <= $2 \
         AND (case_id IS NOT NULL OR case_ids <> '')",
    )
    .bind(from)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = Vec::new();
    for r in &entries {
        let seq: i64 = r.try_get(0)?;
        if let Some(case) = r.try_get::<Option<&str>, _>(1)? {
            rows.push((key_of(case), seq));
        }
        let page: &str = r.try_get(2)?;
        rows.extend(case_ids_of(page).iter().map(|case| (key_of(case), seq)));
    }
    rows.sort_unstable();
    rows.dedup();
    Ok(Some(Filing { from, upto, period, filled, rows }))
}

/// The PostgreSQL advisory lock held by the app server filing the log by case ("hwfiling").
const FILING_LOCK: i64 = 0x6877_6669_6c69_6e67;

/// Whose turn it is to file the log by case among the app servers on one database. Each
/// server's filer runs four times a second; without turns two servers read the same batch and
/// both wrote it, the second rolling back at the first row already filed and writing it again
/// skipping them: correct, but about three times the work, taken from the database's share of
/// the machine (README, Scaling). On PostgreSQL a turn is an advisory lock held on a connection
/// kept for it, so a server that stops or loses its connection gives the turn up with its
/// session. SQLite has one writing process: every run is a turn, and a batch filed twice anyway
/// is still filed once.
#[derive(Debug, Default)]
pub struct FilingTurns {
    kept: Option<sqlx::AnyConnection>,
}

impl FilingTurns {
    /// Takes the turn, on `store`: `false` while another app server has it.
    pub async fn take(&mut self, store: &crate::Store) -> Result<bool> {
        if store.backend() == crate::Backend::Sqlite {
            return Ok(true);
        }
        if self.kept.is_none() {
            self.kept = Some(store.read().await?.detach());
        }
        let conn = self.kept.as_mut().expect("kept above");
        let taken = sqlx::query("SELECT pg_try_advisory_lock($1)").bind(FILING_LOCK).fetch_one(&mut *conn).await;
        match taken.and_then(|r| r.try_get::<bool, _>(0)) {
            Ok(taken) => Ok(taken),
            Err(e) => {
                // A broken connection is dropped: its session, and any lock of it, ends.
                self.kept = None;
                Err(e.into())
            }
        }
    }

    /// Gives the turn back (after [`FilingTurns::take`] answered `true`).
    pub async fn give_back(&mut self) -> Result<()> {
        let Some(conn) = self.kept.as_mut() else { return Ok(()) };
        let given = sqlx::query("SELECT pg_advisory_unlock($1)").bind(FILING_LOCK).execute(&mut *conn).await;
        if let Err(e) = given {
            self.kept = None;
            return Err(e.into());
        }
        Ok(())
    }
}

/// How [`file_new_rows`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Every row went in.
    All,
    /// A row was there already (the same batch filed by another app server, or retried after a
    /// stop): nothing went in, and on PostgreSQL the transaction can only be rolled back. Write
    /// the rows again in a new one with [`file_rows`].
    SomeBefore,
}

/// Writes `rows` of `filing` into the by-case index, in `tx`, as new rows: the common case, and
/// the cheapest. PostgreSQL looks each key up once more before inserting it when told to skip
/// the rows already there: [`file_rows`] took 1.8 times as long a row.
pub async fn file_new_rows(tx: &mut Tx, filing: &Filing, rows: &[(i64, i64)]) -> Result<Filed> {
    match insert_index_rows(tx, filing, rows, "").await {
        Ok(()) => Ok(Filed::All),
        Err(crate::StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => Ok(Filed::SomeBefore),
        Err(e) => Err(e),
    }
}

/// Writes `rows` of `filing` into the by-case index, in `tx`; a row already there (the same
/// batch filed by another app server, or retried) is left as it is.
pub async fn file_rows(tx: &mut Tx, filing: &Filing, rows: &[(i64, i64)]) -> Result<()> {
    insert_index_rows(tx, filing, rows, " ON CONFLICT DO NOTHING").await
}

/// One statement, then `on_conflict`. The rows are bound as a whole, not a parameter per value
/// (which costs more than the insert on SQLite): on SQLite as one JSON array, on PostgreSQL as
/// two arrays' text, which it reads faster than a JSON document.
async fn insert_index_rows(tx: &mut Tx, filing: &Filing, rows: &[(i64, i64)], on_conflict: &str) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sqlite = crate::query::is_sqlite(tx);
    let query = if sqlite {
        let json = serde_json::to_string(rows).map_err(|e| crate::StoreError::Corrupt(format!("index rows: {e}")))?;
        sqlx::query(safe!(
            "INSERT INTO audit_by_case (period, case_key, seq) SELECT $1, value ->> 0, value ->> 1 \
             FROM json_each($2) WHERE true{on_conflict}"
        ))
        .bind(filing.period)
        .bind(json)
    } else {
        sqlx::query(safe!(
            "INSERT INTO audit_by_case (period, case_key, seq) SELECT $1, k, s \
             FROM unnest($2::text::bigint[], $3::text::bigint[]) AS r (k, s){on_conflict}"
        ))
        .bind(filing.period)
        .bind(array_text(rows.iter().map(|r| r.0)))
        .bind(array_text(rows.iter().map(|r| r.1)))
    };
    query.execute(&mut **tx).await?;
    Ok(())
}

/// PostgreSQL's text of an array of integers: `{1,2,3}`.
fn array_text(values: impl Iterator<Item = i64>) -> String {
    format!("{{{}}}", values.map(|v| v.to_string()).collect::<Vec<_>>().join(","))
}

/// Files by case, in `tx`, up to `limit` entries appended since the last run, in one
/// transaction (the server files a slice at a time: `homeward_service::audit`). Returns how
/// many entries it covered (0: caught up).
pub async fn index_by_case(tx: &mut Tx, limit: i64) -> Result<i64> {
    index_by_case_in(tx, limit, PERIOD_ROWS).await
}

async fn index_by_case_in(tx: &mut Tx, limit: i64, period_rows: i64) -> Result<i64> {
    let Some(filing) = next_filing(tx, limit).await? else { return Ok(0) };
    file_rows(tx, &filing, filing.rows()).await?;
    filing.finish_in(tx, period_rows).await?;
    Ok(filing.entries())
}

/// The latest entries about a case, newest first (for the case's access history): those after
/// the by-case index's head, scanned, then each period of the index from the newest.
pub async fn for_case(conn: &mut sqlx::AnyConnection, case_id: &str, limit: i64) -> Result<Vec<Stored>> {
    let head = sqlx::query("SELECT seq, period FROM audit_index_head WHERE id = 1").fetch_one(&mut *conn).await?;
    let (indexed, period): (i64, i64) = (head.try_get(0)?, head.try_get(1)?);
    let about_case = "(case_id = $2 OR case_ids LIKE $4 ESCAPE '\\')";
    let rows = sqlx::query(safe!("{SELECT_STORED} WHERE seq > $1 AND {about_case} ORDER BY seq DESC LIMIT $3"))
        .bind(indexed)
        .bind(case_id)
        .bind(limit)
        .bind(page_pattern(case_id))
        .fetch_all(&mut *conn)
        .await?;
    // By sequence: an entry filed while this reads may come from both the scan and the index.
    let mut found = std::collections::BTreeMap::new();
    for row in &rows {
        let s = stored(row)?;
        found.insert(s.seq, s);
    }
    // Every period's run of the case's key, one seek each, in one statement.
    let rows = sqlx::query(safe!(
        "WITH RECURSIVE periods (period) AS (SELECT 0 UNION ALL SELECT period + 1 FROM periods WHERE period < $1) \
         {SELECT_STORED} WHERE seq IN (SELECT b.seq FROM periods p JOIN audit_by_case b ON b.period = p.period \
         AND b.case_key = $5) AND {about_case} ORDER BY seq DESC LIMIT $3"
    ))
    .bind(period)
    .bind(case_id)
    .bind(limit)
    .bind(page_pattern(case_id))
    .bind(key_of(case_id))
    .fetch_all(&mut *conn)
    .await?;
    for row in &rows {
        let s = stored(row)?;
        found.insert(s.seq, s);
    }
    // `LIKE` ignores ASCII case on SQLite: only the entries truly about this case.
    found.retain(|_, s| concerns(s, case_id));
    Ok(found.into_values().rev().take(usize::try_from(limit).unwrap_or(0)).collect())
}

/// The latest entries about one record that belongs to no case (a user account, a provider),
/// newest first.
pub async fn for_record(
    conn: &mut sqlx::AnyConnection,
    entity: &str,
    record_id: &str,
    limit: i64,
) -> Result<Vec<Stored>> {
    let rows = sqlx::query(safe!("{SELECT_STORED} WHERE entity = $1 AND record_id = $2 ORDER BY seq DESC LIMIT $3"))
        .bind(entity)
        .bind(record_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(stored).collect()
}

fn stored(row: &sqlx::any::AnyRow) -> Result<Stored> {
    Ok(Stored {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        entry: Entry {
            actor: row.try_get(2)?,
            action: row.try_get(3)?,
            entity: row.try_get(4)?,
            record_id: row.try_get(5)?,
            case_id: row.try_get(6)?,
            fields: row.try_get(7)?,
            client: row.try_get(11)?,
            case_ids: case_ids_of(row.try_get::<&str, _>(12)?),
        },
        prev_hash: row.try_get(8)?,
        hash: row.try_get(9)?,
        key_id: row.try_get(10)?,
    })
}

/// How many entries are sealed with a key: a log that has some must never be given a new key
/// silently (the old one is needed to verify them).
pub async fn keyed_entries(conn: &mut sqlx::AnyConnection) -> Result<i64> {
    let r = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE key_id <> ''").fetch_one(&mut *conn).await?;
    Ok(r.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(case: Option<&str>, n: usize) -> Entry {
        Entry {
            actor: "amal".into(),
            action: "read".into(),
            entity: "case".into(),
            record_id: format!("r{n}"),
            case_id: case.map(str::to_string),
            case_ids: vec![],
            fields: String::new(),
            client: "127.0.0.1".into(),
        }
    }

    /// An entry for a page that showed `cases`.
    fn page(cases: &[&str], n: usize) -> Entry {
        Entry {
            action: "list".into(),
            record_id: String::new(),
            case_ids: cases.iter().map(|c| c.to_string()).collect(),
            ..entry(None, n)
        }
    }

    /// Every entry of `case`, newest first, read the slow way.
    async fn every_entry(store: &crate::Store, case: &str) -> Vec<i64> {
        let mut conn = store.read().await.unwrap();
        let rows = sqlx::query(safe!("{SELECT_STORED} ORDER BY seq DESC")).fetch_all(&mut *conn).await.unwrap();
        rows.iter().map(|r| stored(r).unwrap()).filter(|s| concerns(s, case)).map(|s| s.seq).collect()
    }

    async fn history(store: &crate::Store, case: &str, limit: i64) -> Vec<i64> {
        let mut conn = store.read().await.unwrap();
        for_case(&mut conn, case, limit).await.unwrap().into_iter().map(|s| s.seq).collect()
    }

    #[tokio::test]
    async fn a_case_history_is_the_same_before_during_and_after_the_log_is_filed_by_case() {
        crate::on_scratch_sqlite(history_while_filing).await;
    }

    #[tokio::test]
    async fn on_postgresql_too() {
        crate::on_scratch_postgres("hw_audit_index", history_while_filing).await;
    }

    async fn history_while_filing(store: crate::Store) {
        let key = AuditKey::generate().unwrap();
        // Two UUIDs as Homeward makes them, short ids of older systems, and one with letters of
        // two bytes: keys are hashes of whole ids, whatever their shape.
        let cases = ["01a226ef-2517-759b-bf8c-0e77786520a2", "01a226ef-2517-759b-bf8c-9c1d2e3f4a5b", "legacy-7"];
        let accented = "dossier-ancien-n°-été-2019-äöü";
        // Every fifth entry is a page: of one case, or of one and both short ids.
        let one = |n: usize| match n % 7 {
            6 => entry(None, n),
            _ if n % 5 == 4 && n.is_multiple_of(2) => page(&[cases[n % 3]], n),
            _ if n % 5 == 4 => page(&[cases[n % 2], "legacy-7", "legacy_9", accented], n),
            _ => entry(Some(cases[n % 3]), n),
        };
        let append_some = |from: usize| {
            let store = store.clone();
            let key = key.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                let entries: Vec<Entry> = (from..from + 30).map(one).collect();
                append(&mut tx, &key, &entries).await.unwrap();
                tx.commit().await.unwrap();
                crate::read_journal::settle(&store, &key).await.unwrap();
            }
        };
        let check = || async {
            for case in cases.into_iter().chain(["legacy_9", accented]) {
                let all = every_entry(&store, case).await;
                assert!(all.len() >= 3, "{case}: {all:?}");
                assert_eq!(history(&store, case, 1000).await, all, "{case}: every entry, newest first");
                let newest = &all[..all.len().min(5)];
                assert_eq!(history(&store, case, 5).await, newest, "{case}: the newest five");
            }
            for unseen in
                ["01a226ef-2517-759b-bf8c-0e77786520a3", "legacy-8", "legacy%9", "dossier-ancien-n°-été-2019-äöx"]
            {
                assert_eq!(history(&store, unseen, 10).await, Vec::<i64>::new(), "{unseen} was never seen");
            }
        };
        append_some(0).await;
        check().await; // nothing filed yet: all from the scan
        let mut tx = store.begin().await.unwrap();
        assert_eq!(index_by_case_in(&mut tx, 10, 4).await.unwrap(), 10, "a bounded batch");
        tx.commit().await.unwrap();
        append_some(30).await;
        check().await; // part filed, part scanned
        loop {
            let mut tx = store.begin().await.unwrap();
            let done = index_by_case_in(&mut tx, 7, 4).await.unwrap();
            tx.commit().await.unwrap();
            if done == 0 {
                break;
            }
        }
        let mut conn = store.read().await.unwrap();
        assert_eq!(unindexed(&mut conn).await.unwrap(), 0, "caught up");
        drop(conn);
        check().await; // all filed
        let mut conn = store.read().await.unwrap();
        let filed: i64 = sqlx::query("SELECT COUNT(*) FROM audit_by_case").fetch_one(&mut *conn).await.unwrap().get(0);
        drop(conn);
        let keys = |e: &Entry| -> std::collections::BTreeSet<i64> {
            e.case_id.iter().chain(&e.case_ids).map(|c| key_of(c)).collect()
        };
        let expected: usize = (0..60).map(|n| keys(&one(n)).len()).sum();
        assert_eq!(filed, expected as i64, "each entry filed once under each of its cases' keys");
        assert!(expected > 60 - 8, "some pages are filed under several keys");
        let mut conn = store.read().await.unwrap();
        let periods: i64 =
            sqlx::query("SELECT COUNT(DISTINCT period) FROM audit_by_case").fetch_one(&mut *conn).await.unwrap().get(0);
        assert!(periods >= 6, "a period closes once it holds four rows: {periods}");
        assert_eq!(verify(&mut conn, &key, None).await.unwrap(), Verdict::Intact { entries: 60, unkeyed: 0 });
        drop(conn);
        store.close().await;
    }

    #[tokio::test]
    async fn a_batch_filed_twice_is_filed_once_and_moves_the_head_once() {
        crate::on_scratch_sqlite(filed_twice).await;
    }

    #[tokio::test]
    async fn a_batch_filed_twice_on_postgresql_too() {
        crate::on_scratch_postgres("hw_audit_twice", filed_twice).await;
    }

    #[tokio::test]
    async fn appends_of_many_statements_from_many_writers_keep_one_unbroken_chain() {
        crate::on_scratch_sqlite(concurrent_appends).await;
        crate::on_scratch_postgres("hw_audit_appends", concurrent_appends).await;
    }

    /// Writers appending at once, each more entries than one statement holds (the last
    /// statement moves the head on PostgreSQL): every entry is there once, chained, and the
    /// head is the last.
    async fn concurrent_appends(store: crate::Store) {
        let key = AuditKey::generate().unwrap();
        let sizes = [1, ROWS_PER_INSERT, ROWS_PER_INSERT + 1, 2 * ROWS_PER_INSERT + 5, 3];
        let writers = sizes.map(|size| {
            let (store, key) = (store.clone(), key.clone());
            tokio::spawn(async move {
                for round in 0..4 {
                    let entries: Vec<Entry> = (0..size).map(|n| entry(None, round * 1000 + n)).collect();
                    let mut tx = store.begin().await.unwrap();
                    append(&mut tx, &key, &entries).await.unwrap();
                    tx.commit().await.unwrap();
                }
            })
        });
        for writer in writers {
            writer.await.unwrap();
        }
        let total = i64::try_from(sizes.iter().sum::<usize>() * 4).unwrap();
        crate::read_journal::settle(&store, &key).await.unwrap();
        let mut conn = store.read().await.unwrap();
        assert_eq!(verify(&mut conn, &key, None).await.unwrap(), Verdict::Intact { entries: total, unkeyed: 0 });
        assert_eq!(anchor(&mut conn).await.unwrap().seq, total);
        drop(conn);
        store.close().await;
    }

    #[tokio::test]
    async fn one_app_server_at_a_time_files_the_log_by_case() {
        crate::on_scratch_sqlite(|store| async move {
            let (mut first, mut second) = (FilingTurns::default(), FilingTurns::default());
            assert!(first.take(&store).await.unwrap(), "SQLite: one writing process, every run a turn");
            assert!(second.take(&store).await.unwrap());
            store.close().await;
        })
        .await;

        crate::on_scratch_postgres("hw_filing_turns", |store| async move {
            let (mut first, mut second) = (FilingTurns::default(), FilingTurns::default());
            assert!(first.take(&store).await.unwrap(), "the first server takes the turn");
            assert!(!second.take(&store).await.unwrap(), "the second leaves the batch to it");
            first.give_back().await.unwrap();
            assert!(second.take(&store).await.unwrap(), "and has the turn once it is given back");
            // A server that stops holding the turn gives it up with its session, which
            // PostgreSQL ends a moment after the connection closes.
            drop(second);
            let mut waited = 0;
            while !first.take(&store).await.unwrap() {
                assert!(waited < 200, "the turn of a stopped server was never given up");
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                waited += 1;
            }
            first.give_back().await.unwrap();
            store.close().await;
        })
        .await;
    }

    /// Two app servers reading the same batch, or a server that stopped after writing some
    /// slices and files them again: every row once, the head moved by the first to finish.
    async fn filed_twice(store: crate::Store) {
        let key = AuditKey::generate().unwrap();
        let cases = ["01a226ef-2517-759b-bf8c-0e77786520a2", "01a226ef-2517-759b-bf8c-9c1d2e3f4a5b"];
        let entries: Vec<Entry> =
            (0..20).map(|n| if n % 2 == 0 { page(&cases, n) } else { entry(Some(cases[0]), n) }).collect();
        let mut tx = store.begin().await.unwrap();
        append(&mut tx, &key, &entries).await.unwrap();
        tx.commit().await.unwrap();
        crate::read_journal::settle(&store, &key).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let first = next_filing(&mut conn, 100).await.unwrap().expect("twenty entries to file");
        // Another server's smaller batch, read from the same head.
        let second = next_filing(&mut conn, 10).await.unwrap().expect("ten entries to file");
        drop(conn);
        assert_eq!(first.rows().len(), 30, "a page under each of its two cases, an entry under its own");
        assert!(first.rows().windows(2).all(|w| w[0] < w[1]), "in the index's order, each once");
        assert_eq!((second.entries(), second.rows().len()), (10, 15));
        // The second writes its slice first, then the first files all and finishes, then the
        // second finishes late.
        let mut tx = store.begin().await.unwrap();
        file_rows(&mut tx, &second, second.rows()).await.unwrap();
        tx.commit().await.unwrap();
        // As new rows, the first batch meets the second's: nothing of it goes in.
        let mut tx = store.begin().await.unwrap();
        assert_eq!(file_new_rows(&mut tx, &first, first.rows()).await.unwrap(), Filed::SomeBefore);
        tx.rollback().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        file_rows(&mut tx, &first, first.rows()).await.unwrap();
        first.finish(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        second.finish(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        let count = |sql: &'static str| sqlx::query(sql);
        let filed: i64 = count("SELECT COUNT(*) FROM audit_by_case").fetch_one(&mut *conn).await.unwrap().get(0);
        assert_eq!(filed, 30, "every row once");
        let head: (i64, i64) = {
            let r = count("SELECT seq, period_rows FROM audit_index_head").fetch_one(&mut *conn).await.unwrap();
            (r.get(0), r.get(1))
        };
        assert_eq!(head, (20, 30), "the head moved past the batch once, never back, its rows counted once");
        assert!(next_filing(&mut conn, 100).await.unwrap().is_none(), "caught up");
        assert_eq!(history(&store, cases[1], 100).await.len(), 10, "the second case's pages");
        drop(conn);
        store.close().await;
    }
}
