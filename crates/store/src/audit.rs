//! The audit log: every read and write of case data, append-only, each entry chained to the one
//! before by a SHA-256 hash, so a changed, removed or inserted entry breaks the chain at that
//! point and `homeward audit verify` names it.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Result, Tx};

/// What happened, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Username, or `system` for the command line.
    pub actor: String,
    /// `read`, `create`, `update`, `transition`, `send`, `list`, ...
    pub action: String,
    /// `case`, `survey`, `consent`, `referral_packet`, ...
    pub entity: String,
    pub record_id: String,
    pub case_id: Option<String>,
    /// The fields read or written, comma-separated.
    pub fields: String,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub seq: i64,
    pub at: String,
    pub entry: Entry,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: over the previous hash and every field, each length-prefixed so no
/// two different entries hash the same text.
pub fn hash(prev_hash: &str, seq: i64, at: &str, e: &Entry) -> String {
    let mut h = Sha256::new();
    let case_id = e.case_id.as_deref().unwrap_or("");
    let seq = seq.to_string();
    for part in [prev_hash, &seq, at, &e.actor, &e.action, &e.entity, &e.record_id, case_id, &e.fields] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Entries written by one `INSERT` (10 parameters each, well under every backend's limit).
const ROWS_PER_INSERT: usize = 100;

/// Appends entries in `tx`: they are kept exactly when the change they describe is.
pub async fn append(tx: &mut Tx, entries: &[Entry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    // Taking the head row's lock serialises appends (PostgreSQL), and on SQLite the single
    // writer already does.
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut **tx).await?;
    let mut seq: i64 = head.try_get(0)?;
    let mut prev: String = head.try_get(1)?;
    let at = crate::now_text();
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let h = hash(&prev, seq, &at, e);
        rows.push((seq, e, std::mem::replace(&mut prev, h.clone()), h));
    }
    // Many rows per statement: reading a page of fifty cases is fifty entries.
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let params: Vec<String> = (1..=10).map(|c| format!("${}", r * 10 + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, action, entity, record_id, case_id, fields, prev_hash, hash) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (seq, e, prev_hash, h) in chunk {
            q = q
                .bind(*seq)
                .bind(&at)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.entity)
                .bind(&e.record_id)
                .bind(e.case_id.as_deref())
                .bind(&e.fields)
                .bind(prev_hash)
                .bind(h);
        }
        q.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&prev)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry links to the one before and the head points at the last.
    Intact { entries: i64 },
    /// The first entry whose link or hash does not hold, and why.
    Broken { seq: i64, why: String },
}

/// Walks the whole chain in order, a page at a time.
pub async fn verify(conn: &mut sqlx::AnyConnection) -> Result<Verdict> {
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1;
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, entity, record_id, case_id, fields, prev_hash, hash \
             FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 10000",
        )
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
            if hash(&prev, s.seq, &s.at, &s.entry) != s.hash {
                return Ok(Verdict::Broken { seq: s.seq, why: "its content does not match its hash".into() });
            }
            prev = s.hash;
            expected_seq += 1;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *conn).await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
    let last = expected_seq - 1;
    if head_seq != last || head_hash != prev {
        return Ok(Verdict::Broken {
            seq: last.max(head_seq),
            why: format!("the chain ends at entry {last} but its head says {head_seq}: entries were removed"),
        });
    }
    Ok(Verdict::Intact { entries: last })
}

/// The latest entries about a case, newest first (for the case's access history).
pub async fn for_case(conn: &mut sqlx::AnyConnection, case_id: &str, limit: i64) -> Result<Vec<Stored>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, entity, record_id, case_id, fields, prev_hash, hash \
         FROM audit_log WHERE case_id = $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(case_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(stored).collect()
}

/// The latest entries about one record that belongs to no case (a user account, a provider),
/// newest first.
pub async fn for_record(
    conn: &mut sqlx::AnyConnection,
    entity: &str,
    record_id: &str,
    limit: i64,
) -> Result<Vec<Stored>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, entity, record_id, case_id, fields, prev_hash, hash \
         FROM audit_log WHERE entity = $1 AND record_id = $2 ORDER BY seq DESC LIMIT $3",
    )
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
        },
        prev_hash: row.try_get(8)?,
        hash: row.try_get(9)?,
    })
}
