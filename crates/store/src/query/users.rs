//! Users and their API tokens (stored as SHA-256 hashes: a token is random and long, so a fast
//! hash suffices, and a stolen database yields no usable token).

use homeward_domain::ids::ProviderId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named, sections, sections_text};

use crate::frames::UserRow;
use crate::{Result, Tx};

const COLUMNS: &str = "username, role, office, provider_id, sections, language, password_hash, disabled, created_at";

fn row(r: &AnyRow) -> Result<UserRow> {
    Ok(UserRow {
        username: r.try_get(0)?,
        role: named(r, 1, "role")?,
        office: r.try_get(2)?,
        provider_id: r.try_get::<Option<String>, _>(3)?.map(ProviderId::new),
        sections: sections(r, 4)?,
        language: r.try_get(5)?,
        password_hash: r.try_get(6)?,
        disabled: r.try_get::<i64, _>(7)? != 0,
        created_at: instant(r, 8, "created_at")?,
    })
}

/// Creates the user, or replaces its role, office, grants and password when it exists.
pub async fn upsert(tx: &mut Tx, u: &UserRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO users ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (username) DO UPDATE SET role = $2, office = $3, provider_id = $4, sections = $5, \
         language = $6, password_hash = $7, disabled = $8"
    ))
    .bind(&u.username)
    .bind(u.role.stored())
    .bind(u.office.as_deref())
    .bind(u.provider_id.as_deref())
    .bind(sections_text(&u.sections))
    .bind(&u.language)
    .bind(&u.password_hash)
    .bind(i64::from(u.disabled))
    .bind(instant_text(&u.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, username: &str) -> Result<Option<UserRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM users WHERE username = $1"))
        .bind(username)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(row).transpose()
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<UserRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM users ORDER BY username")).fetch_all(conn).await?;
    rows.iter().map(row).collect()
}

pub async fn add_token(tx: &mut Tx, token_hash: &str, username: &str) -> Result<()> {
    sqlx::query("INSERT INTO tokens (token_hash, username, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(username)
        .bind(crate::now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The enabled user a token belongs to.
pub async fn by_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<UserRow>> {
    let cols = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    let r = sqlx::query(safe!(
        "SELECT {cols} FROM tokens t JOIN users u ON u.username = t.username WHERE t.token_hash = $1 AND u.disabled = 0"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(row).transpose()
}

/// Records a failed sign-in for `username`.
pub async fn record_failure(tx: &mut Tx, username: &str, at: &str) -> Result<()> {
    sqlx::query("INSERT INTO sign_in_failures (username, at) VALUES ($1, $2)")
        .bind(username)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Failed sign-ins for `username` since `since` (an instant as stored).
pub async fn failures_since(conn: &mut AnyConnection, username: &str, since: &str) -> Result<i64> {
    let r = sqlx::query("SELECT COUNT(*) FROM sign_in_failures WHERE username = $1 AND at >= $2")
        .bind(username)
        .bind(since)
        .fetch_one(conn)
        .await?;
    Ok(r.try_get(0)?)
}

/// Forgets the failures of `username` (after a successful sign-in).
pub async fn clear_failures(tx: &mut Tx, username: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE username = $1").bind(username).execute(&mut **tx).await?;
    Ok(())
}

/// Revokes one token (signing out).
pub async fn remove_token(tx: &mut Tx, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM tokens WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await?;
    Ok(())
}
