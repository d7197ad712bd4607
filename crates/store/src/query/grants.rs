//! Grants waiting for a second administrator's approval (four eyes).

use homeward_domain::access::GrantRequestState;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named, parse_instant, sections, sections_text};
use crate::frames::GrantRequestRow;
use crate::{Result, Tx};

const COLUMNS: &str =
    "id, username, sections, emergency_sharing, requested_by, requested_at, state, decided_by, decided_at";

fn row(r: &AnyRow) -> Result<GrantRequestRow> {
    Ok(GrantRequestRow {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        sections: sections(r, 2)?,
        emergency_sharing: r.try_get::<i64, _>(3)? != 0,
        requested_by: r.try_get(4)?,
        requested_at: instant(r, 5, "requested_at")?,
        state: named(r, 6, "grant request state")?,
        decided_by: r.try_get(7)?,
        decided_at: r.try_get::<Option<String>, _>(8)?.map(|t| parse_instant(&t, "decided_at")).transpose()?,
    })
}

pub async fn insert(tx: &mut Tx, g: &GrantRequestRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO grant_requests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(&g.id)
        .bind(&g.username)
        .bind(sections_text(&g.sections))
        .bind(i64::from(g.emergency_sharing))
        .bind(&g.requested_by)
        .bind(instant_text(&g.requested_at))
        .bind(g.state.stored())
        .bind(g.decided_by.as_deref())
        .bind(g.decided_at.as_ref().map(instant_text))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<GrantRequestRow>> {
    let r =
        sqlx::query(safe!("SELECT {COLUMNS} FROM grant_requests WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(row).transpose()
}

/// Grants still waiting, oldest first.
pub async fn pending(conn: &mut AnyConnection) -> Result<Vec<GrantRequestRow>> {
    let rows =
        sqlx::query(safe!("SELECT {COLUMNS} FROM grant_requests WHERE state = 'pending' ORDER BY requested_at, id"))
            .fetch_all(conn)
            .await?;
    rows.iter().map(row).collect()
}

/// Decides a pending request; false when it was no longer pending (decided concurrently).
pub async fn decide(tx: &mut Tx, id: &str, state: GrantRequestState, by: &str, at: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE grant_requests SET state = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state.stored())
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withdraws the pending requests for `username` (a newer request replaces them).
pub async fn supersede(tx: &mut Tx, username: &str, by: &str, at: &str) -> Result<()> {
    sqlx::query(
        "UPDATE grant_requests SET state = 'refused', decided_by = $2, decided_at = $3 \
         WHERE username = $1 AND state = 'pending'",
    )
    .bind(username)
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
