//! Every column sealed at rest (see [`crate::cipher`]) and sealing them again: the values written
//! clear before sealing began, and after a key rotation those sealed under an older key.

use sqlx::Row;

use crate::cipher::KeyRing;
use crate::{Result, Store};

/// Text columns sealed at rest: (table, the table's key column, column).
pub const TEXT_COLUMNS: &[(&str, &str, &str)] = &[
    ("cases", "id", "given_name"),
    ("cases", "id", "family_name"),
    ("cases", "id", "profile"),
    ("cases", "id", "closure"),
    ("case_records", "id", "data"),
    ("referrals", "id", "request"),
    ("referrals", "id", "packet"),
    ("referrals", "id", "history"),
    ("plans", "id", "content"),
    ("plans", "id", "attestation"),
    ("mentorships", "id", "selection"),
    ("mentorships", "id", "end_reason"),
    ("mentoring_sessions", "id", "notes"),
    ("mentoring_sessions", "id", "psychosocial"),
    ("documents", "id", "file_name"),
    ("case_merges", "merged_case", "reason"),
    ("case_retention", "case_id", "legal_hold"),
    ("project_participants", "id", "participant"),
    ("handovers", "id", "packet"),
    ("handovers", "id", "decision_reason"),
];

/// Byte columns sealed at rest.
pub const BYTE_COLUMNS: &[(&str, &str, &str)] =
    &[("document_contents", "document_id", "content"), ("import_uploads", "id", "content")];

/// Values sealed again per transaction.
const CHUNK: i64 = 500;

/// Seals under `ring`'s current key every value of the sealed columns that is clear or sealed
/// under an older key (each opened with the key it was sealed with), a chunk at a time; how many.
pub async fn reseal(store: &Store, ring: &KeyRing) -> Result<u64> {
    let mut done = 0;
    for &(table, key, column) in TEXT_COLUMNS {
        done += reseal_column(store, ring, table, key, column, false).await?;
    }
    for &(table, key, column) in BYTE_COLUMNS {
        done += reseal_column(store, ring, table, key, column, true).await?;
    }
    Ok(done)
}

async fn reseal_column(
    store: &Store,
    ring: &KeyRing,
    table: &str,
    key: &str,
    column: &str,
    bytes: bool,
) -> Result<u64> {
    let name = format!("{table}.{column}");
    let mut after = String::new();
    let mut done = 0;
    loop {
        let mut tx = store.begin().await?;
        let rows = sqlx::query(safe!(
            "SELECT {key}, {column} FROM {table} WHERE {key} > $1 AND {column} IS NOT NULL ORDER BY {key} LIMIT {CHUNK}"
        ))
        .bind(&after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        for r in &rows {
            let id: String = r.try_get(0)?;
            let update = safe!("UPDATE {table} SET {column} = $1 WHERE {key} = $2");
            if bytes {
                let stored: Vec<u8> = r.try_get(1)?;
                if ring.bytes_are_current(&stored) {
                    continue;
                }
                let plain = ring.open_bytes(&name, &stored)?;
                sqlx::query(update).bind(ring.seal_bytes(&name, &plain)?).bind(&id).execute(&mut *tx).await?;
            } else {
                let stored: String = r.try_get(1)?;
                if ring.is_current(&stored) {
                    continue;
                }
                let plain = ring.open(&name, &stored)?;
                sqlx::query(update).bind(ring.seal(&name, &plain)?).bind(&id).execute(&mut *tx).await?;
            }
            done += 1;
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// How many values of the sealed columns are not sealed under `ring`'s current key (none after
/// [`reseal`]).
pub async fn not_current(store: &Store, ring: &KeyRing) -> Result<u64> {
    let mut conn = store.read().await?;
    let mut count = 0;
    for &(table, _, column) in TEXT_COLUMNS {
        let rows =
            sqlx::query(safe!("SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).fetch_all(&mut *conn).await?;
        for r in &rows {
            count += u64::from(!ring.is_current(&r.try_get::<String, _>(0)?));
        }
    }
    for &(table, _, column) in BYTE_COLUMNS {
        let rows =
            sqlx::query(safe!("SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).fetch_all(&mut *conn).await?;
        for r in &rows {
            count += u64::from(!ring.bytes_are_current(&r.try_get::<Vec<u8>, _>(0)?));
        }
    }
    Ok(count)
}
