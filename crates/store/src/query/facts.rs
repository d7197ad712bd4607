//! What the M&E indicators are computed from, read in bulk: every case's few fields, the scored
//! surveys, referrals and unmet needs of a period. Plain rows; the server turns them into the
//! analytics crate's facts.

use sqlx::{AnyConnection, Row};

use crate::Result;

#[derive(Debug, Clone)]
pub struct CaseFactRow {
    pub id: String,
    pub office: String,
    pub sex: String,
    pub date_of_birth: String,
    pub date_of_return: String,
    pub plan_agreed_on: Option<String>,
}

pub async fn cases(conn: &mut AnyConnection) -> Result<Vec<CaseFactRow>> {
    let rows = sqlx::query("SELECT id, office, sex, date_of_birth, date_of_return, plan_agreed_on FROM cases")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CaseFactRow {
                id: r.try_get(0)?,
                office: r.try_get(1)?,
                sex: r.try_get(2)?,
                date_of_birth: r.try_get(3)?,
                date_of_return: r.try_get(4)?,
                plan_agreed_on: r.try_get(5)?,
            })
        })
        .collect()
}

/// The records of one kind: (case id, record date, data as JSON text).
pub async fn records_of_kind(conn: &mut AnyConnection, kind: &str) -> Result<Vec<(String, Option<String>, String)>> {
    let rows = sqlx::query("SELECT case_id, record_date, data FROM case_records WHERE kind = $1")
        .bind(kind)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

/// Every referral: (case id, created at, request as JSON text, state).
pub async fn referrals(conn: &mut AnyConnection) -> Result<Vec<(String, String, String, String)>> {
    let rows = sqlx::query("SELECT case_id, created_at, request, state FROM referrals").fetch_all(conn).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
}

/// A scored survey with the attributes of its case that analyses group by.
#[derive(Debug, Clone)]
pub struct ScoredRow {
    pub case_id: String,
    pub office: String,
    pub sex: String,
    pub date_of_birth: String,
    pub date_of_return: String,
    pub country_of_origin: String,
    /// The case's optional profile details, as JSON text.
    pub profile: String,
    pub phase: String,
    pub date: String,
    pub economic: Option<f64>,
    pub social: Option<f64>,
    pub psychosocial: Option<f64>,
    pub composite: Option<f64>,
}

/// Every survey scored under `profile` dated from `from` to `to`, with its case's attributes.
pub async fn scored_with_cases(
    conn: &mut AnyConnection,
    profile: &str,
    from: &str,
    to: &str,
) -> Result<Vec<ScoredRow>> {
    let rows = sqlx::query(
        "SELECT s.case_id, c.office, c.sex, c.date_of_birth, c.date_of_return, c.country_of_origin, c.profile, s.phase, s.survey_date, \
         r.economic, r.social, r.psychosocial, r.composite \
         FROM surveys s JOIN survey_results r ON r.survey_id = s.id JOIN cases c ON c.id = s.case_id \
         WHERE r.profile = $1 AND r.status = 'scored' AND s.survey_date >= $2 AND s.survey_date <= $3",
    )
    .bind(profile)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ScoredRow {
                case_id: r.try_get(0)?,
                office: r.try_get(1)?,
                sex: r.try_get(2)?,
                date_of_birth: r.try_get(3)?,
                date_of_return: r.try_get(4)?,
                country_of_origin: r.try_get(5)?,
                profile: r.try_get(6)?,
                phase: r.try_get(7)?,
                date: r.try_get(8)?,
                economic: r.try_get(9)?,
                social: r.try_get(10)?,
                psychosocial: r.try_get(11)?,
                composite: r.try_get(12)?,
            })
        })
        .collect()
}
