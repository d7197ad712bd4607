//! Offices: each a record, its name unique whatever its case.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named};
use crate::frames::OfficeRow;
use crate::{Result, Tx};

const COLUMNS: &str =
    "name, country, role, languages, contact, version, created_at, created_by, updated_at, installation";

fn row(r: &AnyRow) -> Result<OfficeRow> {
    let languages: String = r.try_get(3)?;
    Ok(OfficeRow {
        name: r.try_get(0)?,
        country: r.try_get(1)?,
        role: named(r, 2, "office role")?,
        languages: languages.split(',').filter(|l| !l.is_empty()).map(str::to_string).collect(),
        contact: r.try_get(4)?,
        version: r.try_get(5)?,
        created_at: instant(r, 6, "created_at")?,
        created_by: r.try_get(7)?,
        updated_at: instant(r, 8, "updated_at")?,
        installation: r.try_get(9)?,
    })
}

/// Every office, by name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<OfficeRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM offices ORDER BY name_key")).fetch_all(conn).await?;
    rows.iter().map(row).collect()
}

/// The office named `name`, whatever its case.
pub async fn find(conn: &mut AnyConnection, name: &str) -> Result<Option<OfficeRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM offices WHERE name_key = $1"))
        .bind(homeward_domain::office::Office::key(name))
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(row).transpose()
}

/// Adds an office; `false` when one of that name (whatever its case) exists.
pub async fn insert(tx: &mut Tx, o: &OfficeRow) -> Result<bool> {
    let done = sqlx::query(safe!(
        "INSERT INTO offices ({COLUMNS}, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING"
    ))
    .bind(&o.name)
    .bind(&o.country)
    .bind(o.role.stored())
    .bind(o.languages.join(","))
    .bind(&o.contact)
    .bind(o.version)
    .bind(instant_text(&o.created_at))
    .bind(&o.created_by)
    .bind(instant_text(&o.updated_at))
    .bind(o.installation.as_deref())
    .bind(homeward_domain::office::Office::key(&o.name))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Corrects an office (its name stays: cases and accounts name it) if its version is still
/// `expected`; the new version.
pub async fn update(tx: &mut Tx, o: &OfficeRow, expected: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE offices SET country = $1, role = $2, languages = $3, contact = $4, version = version + 1, \
         updated_at = $5, installation = $8 WHERE name = $6 AND version = $7",
    )
    .bind(&o.country)
    .bind(o.role.stored())
    .bind(o.languages.join(","))
    .bind(&o.contact)
    .bind(instant_text(&crate::now()))
    .bind(&o.name)
    .bind(expected)
    .bind(o.installation.as_deref())
    .execute(&mut **tx)
    .await?;
    crate::check_updated_by(tx, "offices", "name", &o.name, done.rows_affected()).await?;
    Ok(expected + 1)
}

/// A partner installation: its name and public exchange key.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallationRow {
    pub name: String,
    pub public_key: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
    pub added_by: String,
}

/// Every partner installation, by name.
pub async fn installations(conn: &mut AnyConnection) -> Result<Vec<InstallationRow>> {
    let rows = sqlx::query("SELECT name, public_key, added_at, added_by FROM installations ORDER BY name")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(InstallationRow {
                name: r.try_get(0)?,
                public_key: r.try_get(1)?,
                added_at: instant(r, 2, "added_at")?,
                added_by: r.try_get(3)?,
            })
        })
        .collect()
}

/// Registers a partner installation; `false` when its name or key is registered already.
pub async fn add_installation(tx: &mut Tx, i: &InstallationRow) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO installations (name, public_key, added_at, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(&i.name)
    .bind(&i.public_key)
    .bind(instant_text(&i.added_at))
    .bind(&i.added_by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
