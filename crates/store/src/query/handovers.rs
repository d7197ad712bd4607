//! Handovers of cases from a host office to an origin office.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{
    Stored, instant, instant_text, named, opened, opened_optional, parse_instant, sealed, sealed_optional,
};
use crate::frames::HandoverRow;
use crate::{Result, Tx};

const COLUMNS: &str = "id, case_id, case_number, from_office, to_office, state, packet, decision_reason, version, \
                       created_at, created_by, updated_at, sent_at, decided_at, decided_by, remote_installation, remote_id";

fn optional_instant(r: &AnyRow, index: usize, what: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    let text: Option<String> = r.try_get(index)?;
    text.map(|t| parse_instant(&t, what)).transpose()
}

fn row(r: &AnyRow) -> Result<HandoverRow> {
    Ok(HandoverRow {
        id: r.try_get(0)?,
        case_id: r.try_get::<Option<String>, _>(1)?.map(homeward_domain::ids::CaseId::new),
        case_number: r.try_get(2)?,
        from_office: r.try_get(3)?,
        to_office: r.try_get(4)?,
        state: named(r, 5, "handover state")?,
        packet: opened(r, 6, "handovers.packet")?,
        decision_reason: opened_optional(r, 7, "handovers.decision_reason")?,
        version: r.try_get(8)?,
        created_at: instant(r, 9, "created_at")?,
        created_by: r.try_get(10)?,
        updated_at: instant(r, 11, "updated_at")?,
        sent_at: optional_instant(r, 12, "sent_at")?,
        decided_at: optional_instant(r, 13, "decided_at")?,
        decided_by: r.try_get(14)?,
        remote_installation: r.try_get(15)?,
        remote_id: r.try_get(16)?,
    })
}

pub async fn insert(tx: &mut Tx, h: &HandoverRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO handovers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17)"
    ))
    .bind(&h.id)
    .bind(h.case_id.as_ref().map(|c| c.as_str().to_string()))
    .bind(&h.case_number)
    .bind(&h.from_office)
    .bind(&h.to_office)
    .bind(h.state.stored())
    .bind(sealed("handovers.packet", &h.packet)?)
    .bind(sealed_optional("handovers.decision_reason", h.decision_reason.as_deref())?)
    .bind(h.version)
    .bind(instant_text(&h.created_at))
    .bind(&h.created_by)
    .bind(instant_text(&h.updated_at))
    .bind(h.sent_at.as_ref().map(instant_text))
    .bind(h.decided_at.as_ref().map(instant_text))
    .bind(h.decided_by.as_deref())
    .bind(h.remote_installation.as_deref())
    .bind(h.remote_id.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The handover received from `installation` under its id there, if it was received already.
pub async fn received(conn: &mut AnyConnection, installation: &str, remote_id: &str) -> Result<Option<HandoverRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM handovers WHERE remote_installation = $1 AND remote_id = $2"))
        .bind(installation)
        .bind(remote_id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(row).transpose()
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<HandoverRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM handovers WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(row).transpose()
}

/// The handovers of a case, oldest first.
pub async fn of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<HandoverRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM handovers WHERE case_id = $1 ORDER BY created_at, id"))
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(row).collect()
}

/// The handovers from or to `office` (every office when `None`), latest first, at most 500.
pub async fn of_office(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<HandoverRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {COLUMNS} FROM handovers WHERE $1 IS NULL OR from_office = $1 OR to_office = $1 \
         ORDER BY updated_at DESC, id DESC LIMIT 500"
    ))
    .bind(office)
    .fetch_all(conn)
    .await?;
    rows.iter().map(row).collect()
}

/// Writes a handover's move if its version is still `expected`; the new version.
pub async fn update(tx: &mut Tx, h: &HandoverRow, expected: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE handovers SET state = $1, decision_reason = $2, sent_at = $3, decided_at = $4, decided_by = $5, \
         version = version + 1, updated_at = $6, case_id = $9 WHERE id = $7 AND version = $8",
    )
    .bind(h.state.stored())
    .bind(sealed_optional("handovers.decision_reason", h.decision_reason.as_deref())?)
    .bind(h.sent_at.as_ref().map(instant_text))
    .bind(h.decided_at.as_ref().map(instant_text))
    .bind(h.decided_by.as_deref())
    .bind(instant_text(&crate::now()))
    .bind(&h.id)
    .bind(expected)
    .bind(h.case_id.as_ref().map(|c| c.as_str().to_string()))
    .execute(&mut **tx)
    .await?;
    crate::check_updated_by(tx, "handovers", "id", &h.id, done.rows_affected()).await?;
    Ok(expected + 1)
}

/// Moves a case to `office` with `case_manager` (a handover accepted); bumps its version.
pub async fn move_case(tx: &mut Tx, case_id: &str, office: &str, case_manager: &str) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET office = $1, case_manager = $2, version = version + 1, updated_at = $3 WHERE id = $4",
    )
    .bind(office)
    .bind(case_manager)
    .bind(instant_text(&crate::now()))
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
