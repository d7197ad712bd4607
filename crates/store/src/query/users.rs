//! Users and their API tokens (stored as SHA-256 hashes: a token is random and long, so a fast
//! hash suffices, and a stolen database yields no usable token).

use homeward_domain::ids::ProviderId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named, sections, sections_text};

use crate::frames::UserRow;
use crate::{Result, Tx};

const COLUMNS: &str =
    "username, role, office, provider_id, sections, language, password_hash, disabled, created_at, emergency_sharing";

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
        emergency_sharing: r.try_get::<i64, _>(9)? != 0,
    })
}

/// Creates the user, or replaces its role, office, grants and password when it exists.
pub async fn upsert(tx: &mut Tx, u: &UserRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO users ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (username) DO UPDATE SET role = $2, office = $3, provider_id = $4, sections = $5, \
         language = $6, password_hash = $7, disabled = $8, emergency_sharing = $10"
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
    .bind(i64::from(u.emergency_sharing))
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
    let at = crate::now_text();
    sqlx::query("INSERT INTO tokens (token_hash, username, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(token_hash)
        .bind(username)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A session as the token table holds it.
#[derive(Debug, Clone)]
pub struct TokenSession {
    pub user: UserRow,
    pub created_at: String,
    pub last_seen_at: String,
}

/// The enabled user a token belongs to, with when the session began and was last used.
pub async fn by_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<TokenSession>> {
    let cols = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    let r = sqlx::query(safe!(
        "SELECT {cols}, t.created_at, COALESCE(t.last_seen_at, t.created_at) FROM tokens t \
         JOIN users u ON u.username = t.username WHERE t.token_hash = $1 AND u.disabled = 0"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let n = COLUMNS.split(", ").count();
    Ok(Some(TokenSession { user: row(&r)?, created_at: r.try_get(n)?, last_seen_at: r.try_get(n + 1)? }))
}

/// Notes that the token was used at `at` (for the idle expiry).
pub async fn touch_token(tx: &mut Tx, token_hash: &str, at: &str) -> Result<()> {
    sqlx::query("UPDATE tokens SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends every session of `username` (a new password, a change of role, office or grants,
/// disabling). Returns how many ended.
pub async fn remove_tokens_of(tx: &mut Tx, username: &str) -> Result<u64> {
    let done = sqlx::query("DELETE FROM tokens WHERE username = $1").bind(username).execute(&mut **tx).await?;
    Ok(done.rows_affected())
}

/// Counts a sign-in attempt for `username` from `address` and returns the attempts in the
/// current window, in one statement: concurrent attempts each see their own count. A window
/// that began before `window_since` starts again at `now`.
pub async fn count_attempt(tx: &mut Tx, username: &str, address: &str, now: &str, window_since: &str) -> Result<i64> {
    count_in_window(tx, "sign_in_attempts", &[("username", username), ("address", address)], now, window_since).await
}

/// Counts a sign-in attempt from `address`, whatever the username, and returns the attempts in
/// the current window: the per-address limit, shared by every app server on this database.
pub async fn count_address_attempt(tx: &mut Tx, address: &str, now: &str, window_since: &str) -> Result<i64> {
    count_in_window(tx, "address_attempts", &[("address", address)], now, window_since).await
}

/// Adds one to the attempts of the row of `table` with these `keys` (column, value), in one
/// statement, starting a new window at `now` when the row's began before `window_since`.
async fn count_in_window(
    tx: &mut Tx,
    table: &'static str,
    keys: &[(&'static str, &str)],
    now: &str,
    window_since: &str,
) -> Result<i64> {
    let columns: Vec<&str> = keys.iter().map(|(c, _)| *c).collect();
    let n = keys.len();
    let values: String = (1..=n).map(|i| format!("${i}, ")).collect();
    let (now_at, since_at) = (n + 1, n + 2);
    let sql = format!(
        "INSERT INTO {table} ({columns}, window_start, attempts) VALUES ({values}${now_at}, 1) \
         ON CONFLICT ({columns}) DO UPDATE SET \
         attempts = CASE WHEN {table}.window_start < ${since_at} THEN 1 ELSE {table}.attempts + 1 END, \
         window_start = CASE WHEN {table}.window_start < ${since_at} THEN ${now_at} ELSE {table}.window_start END \
         RETURNING attempts",
        columns = columns.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (_, value) in keys {
        q = q.bind(*value);
    }
    let r = q.bind(now).bind(window_since).fetch_one(&mut **tx).await?;
    Ok(r.try_get(0)?)
}

/// Forgets the attempts of `username`: from one address after a successful sign-in, or from
/// every address (`None`) when an administrator unlocks the account.
pub async fn clear_attempts(tx: &mut Tx, username: &str, address: Option<&str>) -> Result<u64> {
    let done = match address {
        Some(a) => {
            sqlx::query("DELETE FROM sign_in_attempts WHERE username = $1 AND address = $2")
                .bind(username)
                .bind(a)
                .execute(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM sign_in_attempts WHERE username = $1").bind(username).execute(&mut **tx).await?
        }
    };
    Ok(done.rows_affected())
}

/// Revokes one token (signing out).
pub async fn remove_token(tx: &mut Tx, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM tokens WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await?;
    Ok(())
}
