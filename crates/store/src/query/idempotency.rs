//! Idempotency keys: a creation submitted twice with the same key stores one record; the second
//! submission finds the first one's id here.

use sqlx::{AnyConnection, Row};

use crate::{Result, Tx};

/// The record created earlier by `actor` with `key`, as (entity, id).
pub async fn find(conn: &mut AnyConnection, actor: &str, key: &str) -> Result<Option<(String, String)>> {
    let r = sqlx::query("SELECT entity, record_id FROM idempotency_keys WHERE actor = $1 AND key = $2")
        .bind(actor)
        .bind(key)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Remembers that `actor`'s `key` created `record_id`. In the creation's transaction: a
/// concurrent duplicate finds the key taken here (false) and must roll back.
pub async fn remember(tx: &mut Tx, actor: &str, key: &str, entity: &str, record_id: &str) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (actor, key, entity, record_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(actor)
    .bind(key)
    .bind(entity)
    .bind(record_id)
    .bind(crate::now_text())
    .execute(&mut **tx)
    .await;
    match done {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e.into()),
    }
}
