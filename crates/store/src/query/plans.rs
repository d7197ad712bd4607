//! Reintegration plans: one row per version of a case's plan.

use homeward_domain::ids::{CaseId, PlanId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named};

use crate::frames::PlanRow;
use crate::{Result, Tx, check_updated};

const COLUMNS: &str =
    "id, case_id, plan_version, state, content, baseline, attestation, version, created_at, created_by, updated_at";

fn row(r: &AnyRow) -> Result<PlanRow> {
    Ok(PlanRow {
        id: PlanId::new(r.try_get::<String, _>(0)?),
        case_id: CaseId::new(r.try_get::<String, _>(1)?),
        plan_version: r.try_get(2)?,
        state: named(r, 3, "plan state")?,
        content: crate::column::opened(r, 4, "plans.content")?,
        baseline: r.try_get(5)?,
        attestation: crate::column::opened_optional(r, 6, "plans.attestation")?,
        version: r.try_get(7)?,
        created_at: instant(r, 8, "created_at")?,
        created_by: r.try_get(9)?,
        updated_at: instant(r, 10, "updated_at")?,
    })
}

pub async fn insert(tx: &mut Tx, p: &PlanRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO plans ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
        .bind(p.id.as_str())
        .bind(p.case_id.as_str())
        .bind(p.plan_version)
        .bind(p.state.stored())
        .bind(crate::column::sealed("plans.content", &p.content)?)
        .bind(p.baseline.as_deref())
        .bind(crate::column::sealed_optional("plans.attestation", p.attestation.as_deref())?)
        .bind(p.version)
        .bind(instant_text(&p.created_at))
        .bind(&p.created_by)
        .bind(instant_text(&p.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every version of a case's plan, oldest first.
pub async fn of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<PlanRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM plans WHERE case_id = $1 ORDER BY plan_version"))
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(row).collect()
}

pub async fn get(conn: &mut AnyConnection, case_id: &str, id: &str) -> Result<Option<PlanRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM plans WHERE id = $1 AND case_id = $2"))
        .bind(id)
        .bind(case_id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(row).transpose()
}

/// Writes state, content and attestation if the version is still `expected`.
pub async fn update(tx: &mut Tx, p: &PlanRow, expected: i64) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE plans SET state = $1, content = $2, baseline = $3, attestation = $4, version = version + 1, \
         updated_at = $5 WHERE id = $6 AND version = $7",
    )
    .bind(p.state.stored())
    .bind(crate::column::sealed("plans.content", &p.content)?)
    .bind(p.baseline.as_deref())
    .bind(crate::column::sealed_optional("plans.attestation", p.attestation.as_deref())?)
    .bind(crate::now_text())
    .bind(p.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "plans", &p.id, done.rows_affected()).await?;
    Ok(expected + 1)
}

/// Every plan of the cases `ids` (in no particular order).
pub async fn of_cases(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<PlanRow>> {
    super::rows_for_ids(conn, &format!("SELECT {COLUMNS} FROM plans WHERE case_id IN ("), ids, row).await
}
