//! RSS surveys taken in a case and their results, one per scoring profile.

use homeward_domain::ids::{CaseId, SurveyId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, day, day_text, instant, instant_text, named, optional_named};

use super::AnyQuery;
use crate::frames::{SubmissionRow, SurveyResultRow, SurveyRow};
use crate::{Result, Tx};

const SURVEY: &str = "id, case_id, phase, survey_date, location, interviewer, interviewer_is_case_manager, consent, \
    answers, created_at, created_by";
const RESULT: &str = "survey_id, profile, profile_status, status, reason, economic, social, psychosocial, composite, \
    economic_band, social_band, psychosocial_band, composite_band, dk_dwa_count, low_accuracy, scored_at";

fn survey(r: &AnyRow) -> Result<SurveyRow> {
    Ok(SurveyRow {
        id: SurveyId::new(r.try_get::<String, _>(0)?),
        case_id: CaseId::new(r.try_get::<String, _>(1)?),
        phase: named(r, 2, "survey phase")?,
        survey_date: day(r, 3, "survey_date")?,
        location: named(r, 4, "interview location")?,
        interviewer: r.try_get(5)?,
        interviewer_is_case_manager: r.try_get::<i64, _>(6)? != 0,
        consent: r.try_get(7)?,
        answers: r.try_get(8)?,
        created_at: instant(r, 9, "created_at")?,
        created_by: r.try_get(10)?,
    })
}

fn result(r: &AnyRow) -> Result<SurveyResultRow> {
    Ok(SurveyResultRow {
        survey_id: SurveyId::new(r.try_get::<String, _>(0)?),
        profile: r.try_get(1)?,
        profile_status: named(r, 2, "profile status")?,
        status: named(r, 3, "survey status")?,
        reason: r.try_get(4)?,
        economic: r.try_get(5)?,
        social: r.try_get(6)?,
        psychosocial: r.try_get(7)?,
        composite: r.try_get(8)?,
        economic_band: optional_named(r, 9, "band")?,
        social_band: optional_named(r, 10, "band")?,
        psychosocial_band: optional_named(r, 11, "band")?,
        composite_band: optional_named(r, 12, "band")?,
        dk_dwa_count: r.try_get(13)?,
        low_accuracy: r.try_get::<i64, _>(14)? != 0,
        scored_at: instant(r, 15, "scored_at")?,
    })
}

pub async fn insert(tx: &mut Tx, s: &SurveyRow) -> Result<()> {
    insert_many(tx, std::slice::from_ref(s)).await
}

/// Adds surveys, many per statement.
pub async fn insert_many(tx: &mut Tx, surveys: &[SurveyRow]) -> Result<()> {
    super::insert_rows(tx, &format!("surveys ({SURVEY})"), 11, surveys, bind_survey).await
}

fn bind_survey<'q>(q: AnyQuery<'q>, s: &'q SurveyRow) -> AnyQuery<'q> {
    q.bind(s.id.as_str())
        .bind(s.case_id.as_str())
        .bind(s.phase.stored())
        .bind(day_text(s.survey_date))
        .bind(s.location.stored())
        .bind(&s.interviewer)
        .bind(i64::from(s.interviewer_is_case_manager))
        .bind(&s.consent)
        .bind(&s.answers)
        .bind(instant_text(&s.created_at))
        .bind(&s.created_by)
}

/// Adds a result. A result for the same survey and profile is never overwritten: adding it
/// twice is refused by the primary key.
pub async fn insert_result(tx: &mut Tx, r: &SurveyResultRow) -> Result<()> {
    insert_results(tx, std::slice::from_ref(r)).await
}

/// Adds results, many per statement.
pub async fn insert_results(tx: &mut Tx, results: &[SurveyResultRow]) -> Result<()> {
    super::insert_rows(tx, &format!("survey_results ({RESULT})"), 16, results, bind_result).await
}

fn bind_result<'q>(q: AnyQuery<'q>, r: &'q SurveyResultRow) -> AnyQuery<'q> {
    q.bind(r.survey_id.as_str())
        .bind(&r.profile)
        .bind(r.profile_status.stored())
        .bind(r.status.stored())
        .bind(r.reason.as_deref())
        .bind(r.economic)
        .bind(r.social)
        .bind(r.psychosocial)
        .bind(r.composite)
        .bind(r.economic_band.map(Stored::stored))
        .bind(r.social_band.map(Stored::stored))
        .bind(r.psychosocial_band.map(Stored::stored))
        .bind(r.composite_band.map(Stored::stored))
        .bind(r.dk_dwa_count)
        .bind(i64::from(r.low_accuracy))
        .bind(instant_text(&r.scored_at))
}

/// Sets each of the cases `ids`'s band to its latest scored survey's under `profile` (by date,
/// then by when it was recorded, then by id), or none: what a case shows after its surveys
/// changed. The one place this rule is written.
pub async fn refresh_bands(tx: &mut Tx, ids: &[&str], profile: &str) -> Result<()> {
    let sqlite = super::is_sqlite(tx);
    for chunk in ids.chunks(super::IDS_PER_QUERY) {
        let p = |n| super::placeholder(sqlite, n);
        let ids = super::placeholders(sqlite, 3, chunk.len());
        // The placeholders in the order they are bound (SQLite's `?`s are numbered by position).
        let sql = format!(
            "UPDATE cases SET latest_band = (SELECT r.composite_band FROM surveys s \
             JOIN survey_results r ON r.survey_id = s.id AND r.profile = {} AND r.status = {} \
             WHERE s.case_id = cases.id ORDER BY s.survey_date DESC, s.created_at DESC, s.id DESC LIMIT 1) \
             WHERE id IN ({ids})",
            p(1),
            p(2)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile).bind(homeward_rss::Status::Scored.stored());
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
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

/// The round of every survey on the cases `ids`: (case id, phase), in no particular order.
pub async fn phases_of_cases(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<Vec<(String, homeward_domain::survey::SurveyPhase)>> {
    let phase = |r: &AnyRow| -> Result<(String, homeward_domain::survey::SurveyPhase)> {
        Ok((r.try_get(0)?, named(r, 1, "survey phase")?))
    };
    super::rows_for_ids(conn, "SELECT case_id, phase FROM surveys WHERE case_id IN (", ids, phase).await
}

/// Keeps where surveys came from, many per statement.
pub async fn insert_submissions(tx: &mut Tx, submissions: &[SubmissionRow]) -> Result<()> {
    let into = "survey_submissions (instance_id, survey_id, source, content_hash, device, enumerator, started_at, \
                ended_at, submitted_at, imported_at, imported_by)";
    super::insert_rows(tx, into, 11, submissions, bind_submission).await
}

fn bind_submission<'q>(q: AnyQuery<'q>, s: &'q SubmissionRow) -> AnyQuery<'q> {
    q.bind(&s.instance_id)
        .bind(&s.survey_id)
        .bind(&s.source)
        .bind(&s.content_hash)
        .bind(s.device.as_deref())
        .bind(s.enumerator.as_deref())
        .bind(s.started_at.as_deref())
        .bind(s.ended_at.as_deref())
        .bind(s.submitted_at.as_deref())
        .bind(instant_text(&crate::now()))
        .bind(&s.imported_by)
}

/// Of the instance ids `ids`, those imported already, each with its content hash.
pub async fn submissions_among(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<(String, String)>> {
    let pair = |r: &AnyRow| -> Result<(String, String)> { Ok((r.try_get(0)?, r.try_get(1)?)) };
    super::rows_for_ids(
        conn,
        "SELECT instance_id, content_hash FROM survey_submissions WHERE instance_id IN (",
        ids,
        pair,
    )
    .await
}

/// The surveys of many cases, each with its results (an export's page of cases).
pub async fn of_cases(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<(SurveyRow, Vec<SurveyResultRow>)>> {
    let surveys =
        super::rows_for_ids(conn, &format!("SELECT {SURVEY} FROM surveys WHERE case_id IN ("), ids, survey).await?;
    let survey_ids: Vec<&str> = surveys.iter().map(|s| s.id.as_str()).collect();
    let results = super::rows_for_ids(
        conn,
        &format!("SELECT {RESULT} FROM survey_results WHERE survey_id IN ("),
        &survey_ids,
        result,
    )
    .await?;
    let mut by_survey: std::collections::HashMap<String, Vec<SurveyResultRow>> = std::collections::HashMap::new();
    for r in results {
        by_survey.entry(r.survey_id.to_string()).or_default().push(r);
    }
    Ok(surveys
        .into_iter()
        .map(|s| {
            let mine = by_survey.remove(s.id.as_str()).unwrap_or_default();
            (s, mine)
        })
        .collect())
}

/// Up to `limit` surveys with no result under `profile`, by id after `after`: what a rescore
/// under that profile has left to do.
pub async fn without_result(
    conn: &mut AnyConnection,
    profile: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<SurveyRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {SURVEY} FROM surveys s WHERE s.id > $1 AND NOT EXISTS \
         (SELECT 1 FROM survey_results r WHERE r.survey_id = s.id AND r.profile = $2) ORDER BY s.id LIMIT $3"
    ))
    .bind(after)
    .bind(profile)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(survey).collect()
}

/// Each profile surveys are scored under, its status, and how many surveys have a result.
pub async fn profiles_stored(conn: &mut AnyConnection) -> Result<Vec<(String, homeward_rss::ProfileStatus, i64)>> {
    let rows = sqlx::query(
        "SELECT profile, profile_status, COUNT(*) FROM survey_results GROUP BY profile, profile_status ORDER BY profile",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, crate::column::named(r, 1, "profile status")?, r.try_get(2)?))).collect()
}

/// How many surveys are stored.
pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM surveys").fetch_one(conn).await?.try_get(0)?)
}
