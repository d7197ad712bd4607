//! Copies of an SQLite database file, opened read-only so that checking or restoring a backup
//! never changes it (no pragma, no migration, no journal mode switched).

use std::path::Path;

use sqlx::Connection;

use crate::Result;

/// What a copy holds, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCheck {
    /// `ok`, or what SQLite's integrity check found.
    pub integrity: String,
    pub cases: i64,
}

fn read_only(path: &Path) -> Result<String> {
    let path = path.to_str().ok_or_else(|| crate::StoreError::BadUrl(path.display().to_string()))?;
    Ok(format!("sqlite://{path}?mode=ro"))
}

/// The integrity check of the copy at `path` and how many cases it holds.
pub async fn check_copy(path: &Path) -> Result<CopyCheck> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&read_only(path)?).await?;
    let integrity: (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    let cases: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cases").fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(CopyCheck { integrity: integrity.0, cases: cases.0 })
}

/// Writes the copy at `from` to `to` (which must not exist), as one consistent snapshot.
pub async fn copy(from: &Path, to: &Path) -> Result<()> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&read_only(from)?).await?;
    vacuum_into(&mut conn, to).await?;
    conn.close().await?;
    Ok(())
}

/// Writes the database `conn` reads to `to` (which must not exist): `VACUUM INTO` reads one
/// snapshot, so writes going on meanwhile are either wholly in the copy or wholly not.
pub(crate) async fn vacuum_into(conn: &mut sqlx::AnyConnection, to: &Path) -> Result<()> {
    let target = to.to_str().ok_or_else(|| crate::StoreError::BadUrl(to.display().to_string()))?;
    sqlx::query("VACUUM INTO $1").bind(target).execute(conn).await?;
    Ok(())
}
