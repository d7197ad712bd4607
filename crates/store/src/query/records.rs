//! Records kept on a case (household, consents, counselling, assessments, assistance,
//! follow-ups, notes), one table for all kinds, each row's data the JSON of its domain type.

use homeward_domain::ids::{CaseId, RecordId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use homeward_domain::records::RecordKind;

use crate::column::{Stored, day_text, instant, instant_text, named, optional_day, optional_named};

use crate::frames::RecordRow;
use crate::{Result, Tx, check_updated};

const COLUMNS: &str = "id, case_id, kind, section, record_date, data, version, created_at, created_by, updated_at";

fn row(r: &AnyRow) -> Result<RecordRow> {
    Ok(RecordRow {
        id: RecordId::new(r.try_get::<String, _>(0)?),
        case_id: CaseId::new(r.try_get::<String, _>(1)?),
        kind: named(r, 2, "record kind")?,
        section: optional_named(r, 3, "record section")?,
        record_date: optional_day(r, 4, "record_date")?,
        data: crate::column::opened(r, 5, "case_records.data")?,
        version: r.try_get(6)?,
        created_at: instant(r, 7, "created_at")?,
        created_by: r.try_get(8)?,
        updated_at: instant(r, 9, "updated_at")?,
    })
}

pub async fn insert(tx: &mut Tx, r: &RecordRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO case_records ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(r.id.as_str())
        .bind(r.case_id.as_str())
        .bind(r.kind.stored())
        .bind(r.section.map(Stored::stored))
        .bind(r.record_date.map(day_text))
        .bind(crate::column::sealed("case_records.data", &r.data)?)
        .bind(r.version)
        .bind(instant_text(&r.created_at))
        .bind(&r.created_by)
        .bind(instant_text(&r.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every record of one kind on a case, oldest first.
pub async fn list(conn: &mut AnyConnection, case_id: &str, kind: RecordKind) -> Result<Vec<RecordRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {COLUMNS} FROM case_records WHERE case_id = $1 AND kind = $2 ORDER BY record_date, id"
    ))
    .bind(case_id)
    .bind(kind.stored())
    .fetch_all(conn)
    .await?;
    rows.iter().map(row).collect()
}

/// Every record on a case, of any kind, for the timeline.
pub async fn all_of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<RecordRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM case_records WHERE case_id = $1 ORDER BY record_date, id"))
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(row).collect()
}

pub async fn get(conn: &mut AnyConnection, case_id: &str, kind: RecordKind, id: &str) -> Result<Option<RecordRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM case_records WHERE id = $1 AND case_id = $2 AND kind = $3"))
        .bind(id)
        .bind(case_id)
        .bind(kind.stored())
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(row).transpose()
}

/// A record of a case, whatever its kind.
pub async fn find(conn: &mut AnyConnection, case_id: &str, id: &str) -> Result<Option<RecordRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM case_records WHERE id = $1 AND case_id = $2"))
        .bind(id)
        .bind(case_id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(row).transpose()
}

/// Replaces the record's data if its version is still `expected`; returns the new version.
pub async fn update(tx: &mut Tx, r: &RecordRow, expected: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE case_records SET section = $1, record_date = $2, data = $3, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(r.section.map(Stored::stored))
    .bind(r.record_date.map(day_text))
    .bind(crate::column::sealed("case_records.data", &r.data)?)
    .bind(crate::now_text())
    .bind(r.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "case_records", &r.id, done.rows_affected()).await?;
    Ok(expected + 1)
}

/// Every record on the cases `ids`, of every kind (in no particular order).
pub async fn all_of_cases(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<RecordRow>> {
    super::rows_for_ids(conn, &format!("SELECT {COLUMNS} FROM case_records WHERE case_id IN ("), ids, row).await
}

/// The records of one kind on the cases `ids` (in no particular order).
pub async fn of_cases(conn: &mut AnyConnection, ids: &[&str], kind: RecordKind) -> Result<Vec<RecordRow>> {
    // The kind is one of the enum's stored names, not user input.
    let select = format!("SELECT {COLUMNS} FROM case_records WHERE kind = '{}' AND case_id IN (", kind.stored());
    super::rows_for_ids(conn, &select, ids, row).await
}
