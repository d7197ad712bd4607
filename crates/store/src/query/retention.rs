//! Retention: the closed cases a purge looks at, their legal holds, and what a purge removes.

use sqlx::{AnyConnection, Row};

use crate::column::{day_text, instant_text, optional_day};
use crate::{Result, Tx};

/// A closed (or archived) case as a purge sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedCase {
    pub case_id: String,
    pub case_number: String,
    /// JSON of `homeward_domain::closure::Closure`.
    pub closure: String,
    pub legal_hold: Option<String>,
    pub anonymised_on: Option<chrono::NaiveDate>,
}

/// Every closed or archived case with its closure, hold and anonymisation, by case number.
pub async fn closed_cases(conn: &mut AnyConnection) -> Result<Vec<ClosedCase>> {
    let rows = sqlx::query(
        "SELECT c.id, c.case_number, c.closure, r.legal_hold, r.anonymised_on FROM cases c \
         LEFT JOIN case_retention r ON r.case_id = c.id \
         WHERE c.status IN ('closed', 'archived') AND c.closure IS NOT NULL ORDER BY c.case_number",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClosedCase {
                case_id: r.try_get(0)?,
                case_number: r.try_get(1)?,
                closure: crate::column::opened(r, 2, "cases.closure")?,
                legal_hold: crate::column::opened_optional(r, 3, "case_retention.legal_hold")?,
                anonymised_on: optional_day(r, 4, "anonymised_on")?,
            })
        })
        .collect()
}

/// The legal hold on a case: its reason, who placed it and when.
pub async fn hold_of(conn: &mut AnyConnection, case_id: &str) -> Result<Option<(String, String, String)>> {
    let r = sqlx::query(
        "SELECT legal_hold, held_by, held_at FROM case_retention WHERE case_id = $1 AND legal_hold IS NOT NULL",
    )
    .bind(case_id)
    .fetch_optional(conn)
    .await?;
    r.map(|r| Ok((crate::column::opened(&r, 0, "case_retention.legal_hold")?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()
}

/// Places (or, with `None`, lifts) the legal hold on a case.
pub async fn set_hold(tx: &mut Tx, case_id: &str, reason: Option<&str>, by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_retention (case_id, legal_hold, held_by, held_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (case_id) DO UPDATE SET legal_hold = $2, held_by = $3, held_at = $4",
    )
    .bind(case_id)
    .bind(crate::column::sealed_optional("case_retention.legal_hold", reason)?)
    .bind(by)
    .bind(instant_text(&crate::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes a case's records of `kind`; how many there were.
pub async fn delete_records(tx: &mut Tx, case_id: &str, kind: &str) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM case_records WHERE case_id = $1 AND kind = $2")
        .bind(case_id)
        .bind(kind)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// How many records of each kind the closed and archived cases have: (case id, kind, count).
pub async fn closed_record_counts(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT r.case_id, r.kind, COUNT(*) FROM case_records r JOIN cases c ON c.id = r.case_id \
         WHERE c.status IN ('closed', 'archived') GROUP BY r.case_id, r.kind",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

/// How many documents the closed and archived cases have, by the kind of record they are kept
/// with (none: kept with the case): (case id, record kind, count).
pub async fn closed_document_counts(conn: &mut AnyConnection) -> Result<Vec<(String, Option<String>, i64)>> {
    let rows = sqlx::query(
        "SELECT d.case_id, r.kind, COUNT(*) FROM documents d JOIN cases c ON c.id = d.case_id \
         LEFT JOIN case_records r ON r.id = d.record_id \
         WHERE c.status IN ('closed', 'archived') GROUP BY d.case_id, r.kind",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

/// Anonymises a case: its names replaced, its date of birth moved to keep only the age at
/// return, its profile reduced to `profile` (the analysis fields), its search terms, referral
/// packets and mentoring notes removed; the day recorded.
pub async fn anonymise(
    tx: &mut Tx,
    case_id: &str,
    date_of_birth: chrono::NaiveDate,
    profile: &str,
    on: chrono::NaiveDate,
) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET given_name = $5, family_name = $6, date_of_birth = $1, profile = $2, \
         version = version + 1, updated_at = $3 WHERE id = $4",
    )
    .bind(day_text(date_of_birth))
    .bind(crate::column::sealed("cases.profile", profile)?)
    .bind(instant_text(&crate::now()))
    .bind(case_id)
    .bind(crate::column::sealed("cases.given_name", "[anonymised]")?)
    .bind(crate::column::sealed("cases.family_name", "")?)
    .execute(&mut **tx)
    .await?;
    for sql in [
        "DELETE FROM case_terms WHERE case_id = $1",
        "UPDATE referrals SET packet = NULL WHERE case_id = $1",
        "DELETE FROM mentoring_sessions WHERE case_id = $1",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).execute(&mut **tx).await?;
    }
    sqlx::query(
        "INSERT INTO case_retention (case_id, anonymised_on) VALUES ($1, $2) \
         ON CONFLICT (case_id) DO UPDATE SET anonymised_on = $2",
    )
    .bind(case_id)
    .bind(day_text(on))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A case's records of `kind`: (id, data).
pub async fn records_of(conn: &mut AnyConnection, case_id: &str, kind: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT id, data FROM case_records WHERE case_id = $1 AND kind = $2 ORDER BY id")
        .bind(case_id)
        .bind(kind)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, crate::column::opened(r, 1, "case_records.data")?))).collect()
}

/// Replaces a record's data (its free text taken out); bumps its version.
pub async fn set_record_data(tx: &mut Tx, id: &str, data: &str) -> Result<()> {
    sqlx::query("UPDATE case_records SET data = $1, version = version + 1 WHERE id = $2")
        .bind(crate::column::sealed("case_records.data", data)?)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A case's referral requests: (id, request).
pub async fn referral_requests(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT id, request FROM referrals WHERE case_id = $1 ORDER BY id")
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, crate::column::opened(r, 1, "referrals.request")?))).collect()
}

/// Replaces a referral's request (its reasons taken out).
pub async fn set_referral_request(tx: &mut Tx, id: &str, request: &str) -> Result<()> {
    sqlx::query("UPDATE referrals SET request = $1 WHERE id = $2")
        .bind(crate::column::sealed("referrals.request", request)?)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
