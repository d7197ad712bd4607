//! The service directory.

use homeward_domain::ids::ProviderId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{day, day_text, instant, instant_text};

use crate::frames::ProviderRow;
use crate::{Result, Tx, check_updated};

const COLUMNS: &str = "id, organisation, country, place, data, last_verified, version, created_at, updated_at";

fn row(r: &AnyRow) -> Result<ProviderRow> {
    Ok(ProviderRow {
        id: ProviderId::new(r.try_get::<String, _>(0)?),
        organisation: r.try_get(1)?,
        country: r.try_get(2)?,
        place: r.try_get(3)?,
        data: r.try_get(4)?,
        last_verified: day(r, 5, "last_verified")?,
        version: r.try_get(6)?,
        created_at: instant(r, 7, "created_at")?,
        updated_at: instant(r, 8, "updated_at")?,
    })
}

pub async fn insert(tx: &mut Tx, p: &ProviderRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO providers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(p.id.as_str())
        .bind(&p.organisation)
        .bind(&p.country)
        .bind(&p.place)
        .bind(&p.data)
        .bind(day_text(p.last_verified))
        .bind(p.version)
        .bind(instant_text(&p.created_at))
        .bind(instant_text(&p.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The directory, by organisation, narrowed to a country and place when given.
pub async fn list(conn: &mut AnyConnection, country: Option<&str>, place: Option<&str>) -> Result<Vec<ProviderRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {COLUMNS} FROM providers WHERE ($1 IS NULL OR country = $1) AND ($2 IS NULL OR place = $2) \
         ORDER BY organisation, id"
    ))
    .bind(country)
    .bind(place)
    .fetch_all(conn)
    .await?;
    rows.iter().map(row).collect()
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<ProviderRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM providers WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(row).transpose()
}

pub async fn update(tx: &mut Tx, p: &ProviderRow, expected: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE providers SET organisation = $1, country = $2, place = $3, data = $4, last_verified = $5, \
         version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
    )
    .bind(&p.organisation)
    .bind(&p.country)
    .bind(&p.place)
    .bind(&p.data)
    .bind(day_text(p.last_verified))
    .bind(crate::now_text())
    .bind(p.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "providers", &p.id, done.rows_affected()).await?;
    Ok(expected + 1)
}
