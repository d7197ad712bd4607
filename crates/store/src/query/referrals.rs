//! Referrals to service providers, and the packets sent with them.

use homeward_domain::ids::{CaseId, ProviderId, ReferralId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named};

use crate::frames::ReferralRow;
use crate::{Result, Tx, check_updated};

const COLUMNS: &str =
    "id, case_id, provider_id, state, request, packet, history, version, created_at, created_by, updated_at";

fn row(r: &AnyRow) -> Result<ReferralRow> {
    Ok(ReferralRow {
        id: ReferralId::new(r.try_get::<String, _>(0)?),
        case_id: CaseId::new(r.try_get::<String, _>(1)?),
        provider_id: ProviderId::new(r.try_get::<String, _>(2)?),
        state: named(r, 3, "referral state")?,
        request: crate::column::opened(r, 4, "referrals.request")?,
        packet: crate::column::opened_optional(r, 5, "referrals.packet")?,
        history: crate::column::opened(r, 6, "referrals.history")?,
        version: r.try_get(7)?,
        created_at: instant(r, 8, "created_at")?,
        created_by: r.try_get(9)?,
        updated_at: instant(r, 10, "updated_at")?,
    })
}

pub async fn insert(tx: &mut Tx, r: &ReferralRow) -> Result<()> {
    // Whether consent was overridden is kept clear beside the sealed request: the review of
    // overrides lists them without opening every referral.
    let overridden = i64::from(r.request.contains("\"consent_override_reason\":\""));
    sqlx::query(safe!(
        "INSERT INTO referrals ({COLUMNS}, overridden) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(r.id.as_str())
    .bind(r.case_id.as_str())
    .bind(r.provider_id.as_str())
    .bind(r.state.stored())
    .bind(crate::column::sealed("referrals.request", &r.request)?)
    .bind(crate::column::sealed_optional("referrals.packet", r.packet.as_deref())?)
    .bind(crate::column::sealed("referrals.history", &r.history)?)
    .bind(r.version)
    .bind(instant_text(&r.created_at))
    .bind(&r.created_by)
    .bind(instant_text(&r.updated_at))
    .bind(overridden)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<ReferralRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM referrals WHERE case_id = $1 ORDER BY id"))
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(row).collect()
}

/// The referrals whose packet was sent to a provider: what its partner users may see.
pub async fn sent_to(conn: &mut AnyConnection, provider_id: &str) -> Result<Vec<ReferralRow>> {
    let rows =
        sqlx::query(safe!("SELECT {COLUMNS} FROM referrals WHERE provider_id = $1 AND packet IS NOT NULL ORDER BY id"))
            .bind(provider_id)
            .fetch_all(conn)
            .await?;
    rows.iter().map(row).collect()
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<ReferralRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM referrals WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(row).transpose()
}

pub async fn update(tx: &mut Tx, r: &ReferralRow, expected: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE referrals SET state = $1, packet = $2, history = $3, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(r.state.stored())
    .bind(crate::column::sealed_optional("referrals.packet", r.packet.as_deref())?)
    .bind(crate::column::sealed("referrals.history", &r.history)?)
    .bind(crate::now_text())
    .bind(r.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "referrals", &r.id, done.rows_affected()).await?;
    Ok(expected + 1)
}

/// Referrals started without consent (the urgent path), newest first, of the cases of `office`
/// (every office when `None`), with the case's office.
pub async fn overridden(conn: &mut AnyConnection, office: Option<&str>, limit: i64) -> Result<Vec<ReferralRow>> {
    let cols = COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(safe!(
        "SELECT {cols} FROM referrals r JOIN cases c ON c.id = r.case_id \
         WHERE r.overridden = 1 AND ($1 IS NULL OR c.office = $1) \
         ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
    ))
    .bind(office)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(row).collect()
}

/// Every referral of the cases `ids` (in no particular order).
pub async fn of_cases(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<ReferralRow>> {
    super::rows_for_ids(conn, &format!("SELECT {COLUMNS} FROM referrals WHERE case_id IN ("), ids, row).await
}
