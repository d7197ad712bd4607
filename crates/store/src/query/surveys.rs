//! RSS surveys taken in a case and their results, one per scoring profile.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::frames::{SurveyResultRow, SurveyRow};
use crate::{Result, Tx};

const SURVEY: &str = "id, case_id, phase, survey_date, location, interviewer, interviewer_is_case_manager, consent, \
    answers, created_at, created_by";
const RESULT: &str = "survey_id, profile, profile_status, status, reason, economic, social, psychosocial, composite, \
    economic_band, social_band, psychosocial_band, composite_band, dk_dwa_count, low_accuracy, scored_at";

fn survey(r: &AnyRow) -> Result<SurveyRow> {
    Ok(SurveyRow {
        id: r.try_get(0)?,
        case_id: r.try_get(1)?,
        phase: r.try_get(2)?,
        survey_date: r.try_get(3)?,
        location: r.try_get(4)?,
        interviewer: r.try_get(5)?,
        interviewer_is_case_manager: r.try_get::<i64, _>(6)? != 0,
        consent: r.try_get(7)?,
        answers: r.try_get(8)?,
        created_at: r.try_get(9)?,
        created_by: r.try_get(10)?,
    })
}

fn result(r: &AnyRow) -> Result<SurveyResultRow> {
    Ok(SurveyResultRow {
        survey_id: r.try_get(0)?,
        profile: r.try_get(1)?,
        profile_status: r.try_get(2)?,
        status: r.try_get(3)?,
        reason: r.try_get(4)?,
        economic: r.try_get(5)?,
        social: r.try_get(6)?,
        psychosocial: r.try_get(7)?,
        composite: r.try_get(8)?,
        economic_band: r.try_get(9)?,
        social_band: r.try_get(10)?,
        psychosocial_band: r.try_get(11)?,
        composite_band: r.try_get(12)?,
        dk_dwa_count: r.try_get(13)?,
        low_accuracy: r.try_get::<i64, _>(14)? != 0,
        scored_at: r.try_get(15)?,
    })
}

pub async fn insert(tx: &mut Tx, s: &SurveyRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO surveys ({SURVEY}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
        .bind(&s.id)
        .bind(&s.case_id)
        .bind(&s.phase)
        .bind(&s.survey_date)
        .bind(&s.location)
        .bind(&s.interviewer)
        .bind(i64::from(s.interviewer_is_case_manager))
        .bind(&s.consent)
        .bind(&s.answers)
        .bind(&s.created_at)
        .bind(&s.created_by)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds a result. A result for the same survey and profile is never overwritten: adding it
/// twice is refused by the primary key.
pub async fn insert_result(tx: &mut Tx, r: &SurveyResultRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO survey_results ({RESULT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         $15, $16)"
    ))
    .bind(&r.survey_id)
    .bind(&r.profile)
    .bind(&r.profile_status)
    .bind(&r.status)
    .bind(r.reason.as_deref())
    .bind(r.economic)
    .bind(r.social)
    .bind(r.psychosocial)
    .bind(r.composite)
    .bind(r.economic_band.as_deref())
    .bind(r.social_band.as_deref())
    .bind(r.psychosocial_band.as_deref())
    .bind(r.composite_band.as_deref())
    .bind(r.dk_dwa_count)
    .bind(i64::from(r.low_accuracy))
    .bind(&r.scored_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The surveys of a case, by date, each with its results.
pub async fn of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<(SurveyRow, Vec<SurveyResultRow>)>> {
    let surveys = sqlx::query(safe!("SELECT {SURVEY} FROM surveys WHERE case_id = $1 ORDER BY survey_date, id"))
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?;
    let results = sqlx::query(safe!(
        "SELECT {} FROM survey_results r JOIN surveys s ON s.id = r.survey_id WHERE s.case_id = $1 \
         ORDER BY r.scored_at",
        RESULT.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ")
    ))
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let results = results.iter().map(result).collect::<Result<Vec<_>>>()?;
    surveys
        .iter()
        .map(|s| {
            let s = survey(s)?;
            let mine = results.iter().filter(|r| r.survey_id == s.id).cloned().collect();
            Ok((s, mine))
        })
        .collect()
}

pub async fn get(
    conn: &mut AnyConnection,
    case_id: &str,
    id: &str,
) -> Result<Option<(SurveyRow, Vec<SurveyResultRow>)>> {
    let all = of_case(conn, case_id).await?;
    Ok(all.into_iter().find(|(s, _)| s.id == id))
}
