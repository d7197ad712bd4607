//! The structural level: coordination agreements, capacity-building activities, their
//! participants and questionnaires.

use homeward_domain::ids::{ActivityId, AgreementId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, day, day_text, instant, instant_text, named, optional_day};
use crate::frames::{ActivityRow, AgreementRow, AnswerRow, EngagementRow};
use crate::{Result, Tx, check_updated};

const AGREEMENT: &str = "id, office, kind, title, provider_id, responsible, signed_on, starts_on, ends_on, agreement, \
                         version, created_at, created_by, updated_at";

fn agreement(r: &AnyRow) -> Result<AgreementRow> {
    Ok(AgreementRow {
        id: AgreementId::new(r.try_get::<String, _>(0)?),
        office: r.try_get(1)?,
        kind: named(r, 2, "agreement kind")?,
        title: r.try_get(3)?,
        provider_id: r.try_get(4)?,
        responsible: r.try_get(5)?,
        signed_on: optional_day(r, 6, "signed_on")?,
        starts_on: day(r, 7, "starts_on")?,
        ends_on: optional_day(r, 8, "ends_on")?,
        agreement: r.try_get(9)?,
        version: r.try_get(10)?,
        created_at: instant(r, 11, "created_at")?,
        created_by: r.try_get(12)?,
        updated_at: instant(r, 13, "updated_at")?,
    })
}

pub async fn insert_agreement(tx: &mut Tx, a: &AgreementRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO agreements ({AGREEMENT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(a.id.as_str())
    .bind(&a.office)
    .bind(a.kind.stored())
    .bind(&a.title)
    .bind(a.provider_id.as_deref())
    .bind(&a.responsible)
    .bind(a.signed_on.map(day_text))
    .bind(day_text(a.starts_on))
    .bind(a.ends_on.map(day_text))
    .bind(&a.agreement)
    .bind(a.version)
    .bind(instant_text(&a.created_at))
    .bind(&a.created_by)
    .bind(instant_text(&a.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the agreement `a` if its version is still `expected`; bumps the version.
pub async fn update_agreement(tx: &mut Tx, a: &AgreementRow, expected: i64) -> Result<i64> {
    let r = sqlx::query(
        "UPDATE agreements SET office = $1, kind = $2, title = $3, provider_id = $4, responsible = $5, signed_on = $6, \
         starts_on = $7, ends_on = $8, agreement = $9, version = version + 1, updated_at = $10 \
         WHERE id = $11 AND version = $12",
    )
    .bind(&a.office)
    .bind(a.kind.stored())
    .bind(&a.title)
    .bind(a.provider_id.as_deref())
    .bind(&a.responsible)
    .bind(a.signed_on.map(day_text))
    .bind(day_text(a.starts_on))
    .bind(a.ends_on.map(day_text))
    .bind(&a.agreement)
    .bind(instant_text(&a.updated_at))
    .bind(a.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "agreements", &a.id, r.rows_affected()).await?;
    Ok(expected + 1)
}

pub async fn agreement_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<AgreementRow>> {
    let r =
        sqlx::query(safe!("SELECT {AGREEMENT} FROM agreements WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(agreement).transpose()
}

/// The agreements of `office` (every office's for `None`), latest start first.
pub async fn agreements(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<AgreementRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {AGREEMENT} FROM agreements WHERE ($1 = '' OR office = $1) ORDER BY starts_on DESC, title, id"
    ))
    .bind(office.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter().map(agreement).collect()
}

/// The data-sharing agreements with `provider` signed and in force on `day` (of any office: the
/// agreement binds the organisation).
pub async fn sharing_agreements_in_force(
    conn: &mut AnyConnection,
    provider: &str,
    day: chrono::NaiveDate,
) -> Result<Vec<AgreementRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {AGREEMENT} FROM agreements WHERE provider_id = $1 AND kind = 'data_sharing' \
         AND signed_on IS NOT NULL AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2) ORDER BY starts_on, id"
    ))
    .bind(provider)
    .bind(day_text(day))
    .fetch_all(conn)
    .await?;
    rows.iter().map(agreement).collect()
}

const ACTIVITY: &str = "id, office, title, support, held_on, activity, version, created_at, created_by, updated_at";

fn activity(r: &AnyRow) -> Result<ActivityRow> {
    Ok(ActivityRow {
        id: ActivityId::new(r.try_get::<String, _>(0)?),
        office: r.try_get(1)?,
        title: r.try_get(2)?,
        support: r.try_get(3)?,
        held_on: day(r, 4, "held_on")?,
        activity: r.try_get(5)?,
        version: r.try_get(6)?,
        created_at: instant(r, 7, "created_at")?,
        created_by: r.try_get(8)?,
        updated_at: instant(r, 9, "updated_at")?,
    })
}

pub async fn insert_activity(tx: &mut Tx, a: &ActivityRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO capacity_activities ({ACTIVITY}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(a.id.as_str())
        .bind(&a.office)
        .bind(&a.title)
        .bind(&a.support)
        .bind(day_text(a.held_on))
        .bind(&a.activity)
        .bind(a.version)
        .bind(instant_text(&a.created_at))
        .bind(&a.created_by)
        .bind(instant_text(&a.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn activity_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<ActivityRow>> {
    let r = sqlx::query(safe!("SELECT {ACTIVITY} FROM capacity_activities WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(activity).transpose()
}

/// The activities of `office` (every office's for `None`), latest first.
pub async fn activities(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<ActivityRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {ACTIVITY} FROM capacity_activities WHERE ($1 = '' OR office = $1) ORDER BY held_on DESC, title, id"
    ))
    .bind(office.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter().map(activity).collect()
}

/// Adds a stakeholder to an activity's participants; false when it was there already.
pub async fn add_participant(tx: &mut Tx, activity: &str, stakeholder: &str, by: &str) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO capacity_participants (activity_id, stakeholder_id, added_at, added_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (activity_id, stakeholder_id) DO NOTHING",
    )
    .bind(activity)
    .bind(stakeholder)
    .bind(instant_text(&crate::now()))
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// The stakeholders taking part in an activity, in the order they were added.
pub async fn participants(conn: &mut AnyConnection, activity: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT stakeholder_id FROM capacity_participants WHERE activity_id = $1 ORDER BY added_at, stakeholder_id",
    )
    .bind(activity)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

const ANSWER: &str =
    "activity_id, stakeholder_id, moment, answered_on, more_engaged, questionnaire, recorded_at, recorded_by";

fn answer(r: &AnyRow) -> Result<AnswerRow> {
    Ok(AnswerRow {
        activity_id: r.try_get(0)?,
        stakeholder_id: r.try_get(1)?,
        moment: named(r, 2, "moment")?,
        answered_on: day(r, 3, "answered_on")?,
        more_engaged: r.try_get::<Option<i64>, _>(4)?.map(|v| v != 0),
        questionnaire: r.try_get(5)?,
        recorded_at: instant(r, 6, "recorded_at")?,
        recorded_by: r.try_get(7)?,
    })
}

/// Records a questionnaire, replacing the one of the same stakeholder and moment (a correction);
/// true when there was one.
pub async fn put_answer(tx: &mut Tx, a: &AnswerRow) -> Result<bool> {
    let replaced =
        sqlx::query("DELETE FROM capacity_answers WHERE activity_id = $1 AND stakeholder_id = $2 AND moment = $3")
            .bind(&a.activity_id)
            .bind(&a.stakeholder_id)
            .bind(a.moment.stored())
            .execute(&mut **tx)
            .await?
            .rows_affected()
            > 0;
    sqlx::query(safe!("INSERT INTO capacity_answers ({ANSWER}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(&a.activity_id)
        .bind(&a.stakeholder_id)
        .bind(a.moment.stored())
        .bind(day_text(a.answered_on))
        .bind(a.more_engaged.map(i64::from))
        .bind(&a.questionnaire)
        .bind(instant_text(&a.recorded_at))
        .bind(&a.recorded_by)
        .execute(&mut **tx)
        .await?;
    Ok(replaced)
}

pub async fn answers(conn: &mut AnyConnection, activity: &str) -> Result<Vec<AnswerRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {ANSWER} FROM capacity_answers WHERE activity_id = $1 ORDER BY stakeholder_id, moment"
    ))
    .bind(activity)
    .fetch_all(conn)
    .await?;
    rows.iter().map(answer).collect()
}

/// The answers to the indicator question given after an activity of `office` (every office's for
/// `None`) within `from..=to`, with the activity's type of support.
pub async fn engagement_in(
    conn: &mut AnyConnection,
    office: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<EngagementRow>> {
    let rows = sqlx::query(
        "SELECT a.stakeholder_id, c.support, a.answered_on, a.more_engaged FROM capacity_answers a \
         JOIN capacity_activities c ON c.id = a.activity_id \
         WHERE a.moment = 'post' AND a.more_engaged IS NOT NULL AND a.answered_on >= $1 AND a.answered_on <= $2 \
         AND ($3 = '' OR c.office = $3) ORDER BY a.answered_on, a.stakeholder_id",
    )
    .bind(day_text(from))
    .bind(day_text(to))
    .bind(office.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EngagementRow {
                stakeholder_id: r.try_get(0)?,
                support: r.try_get(1)?,
                answered_on: day(r, 2, "answered_on")?,
                more_engaged: r.try_get::<i64, _>(3)? != 0,
            })
        })
        .collect()
}

/// The providers with a data-sharing agreement signed and in force on `day`.
pub async fn providers_sharing_on(conn: &mut AnyConnection, day: chrono::NaiveDate) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT provider_id FROM agreements WHERE provider_id IS NOT NULL AND kind = 'data_sharing' \
         AND signed_on IS NOT NULL AND starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1)",
    )
    .bind(day_text(day))
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
