//! Mentoring: mentors, mentorships and their sessions.

use homeward_domain::ids::{CaseId, MentorId, MentorshipId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{day, day_text, instant, instant_text, optional_day};
use crate::frames::{MentorRow, MentorshipRow, SessionRow};
use crate::{Result, Tx, check_updated};

const MENTOR: &str = "id, office, name, active, mentor, version, created_at, created_by, updated_at";

fn mentor(r: &AnyRow) -> Result<MentorRow> {
    Ok(MentorRow {
        id: MentorId::new(r.try_get::<String, _>(0)?),
        office: r.try_get(1)?,
        name: r.try_get(2)?,
        active: r.try_get::<i64, _>(3)? != 0,
        mentor: r.try_get(4)?,
        version: r.try_get(5)?,
        created_at: instant(r, 6, "created_at")?,
        created_by: r.try_get(7)?,
        updated_at: instant(r, 8, "updated_at")?,
    })
}

pub async fn insert_mentor(tx: &mut Tx, m: &MentorRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO mentors ({MENTOR}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(m.id.as_str())
        .bind(&m.office)
        .bind(&m.name)
        .bind(i64::from(m.active))
        .bind(&m.mentor)
        .bind(m.version)
        .bind(instant_text(&m.created_at))
        .bind(&m.created_by)
        .bind(instant_text(&m.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes the mentor `m` if its version is still `expected`; bumps the version.
pub async fn update_mentor(tx: &mut Tx, m: &MentorRow, expected: i64) -> Result<i64> {
    let r = sqlx::query(
        "UPDATE mentors SET office = $1, name = $2, active = $3, mentor = $4, version = version + 1, updated_at = $5 \
         WHERE id = $6 AND version = $7",
    )
    .bind(&m.office)
    .bind(&m.name)
    .bind(i64::from(m.active))
    .bind(&m.mentor)
    .bind(instant_text(&m.updated_at))
    .bind(m.id.as_str())
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "mentors", &m.id, r.rows_affected()).await?;
    Ok(expected + 1)
}

pub async fn mentor_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<MentorRow>> {
    let r = sqlx::query(safe!("SELECT {MENTOR} FROM mentors WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(mentor).transpose()
}

/// The mentors of `office` (every office's for `None`), by name.
pub async fn mentors(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<MentorRow>> {
    let rows = sqlx::query(safe!("SELECT {MENTOR} FROM mentors WHERE ($1 = '' OR office = $1) ORDER BY name, id"))
        .bind(office.unwrap_or(""))
        .fetch_all(conn)
        .await?;
    rows.iter().map(mentor).collect()
}

const MENTORSHIP: &str = "id, case_id, mentor_id, office, started_on, ended_on, baseline, priority, selection, \
                          end_reason, version, created_at, created_by, updated_at";

fn mentorship(r: &AnyRow) -> Result<MentorshipRow> {
    Ok(MentorshipRow {
        id: MentorshipId::new(r.try_get::<String, _>(0)?),
        case_id: CaseId::new(r.try_get::<String, _>(1)?),
        mentor_id: r.try_get(2)?,
        office: r.try_get(3)?,
        started_on: day(r, 4, "started_on")?,
        ended_on: optional_day(r, 5, "ended_on")?,
        baseline: r.try_get(6)?,
        priority: r.try_get::<i64, _>(7)? != 0,
        selection: crate::column::opened(r, 8, "mentorships.selection")?,
        end_reason: crate::column::opened_optional(r, 9, "mentorships.end_reason")?,
        version: r.try_get(10)?,
        created_at: instant(r, 11, "created_at")?,
        created_by: r.try_get(12)?,
        updated_at: instant(r, 13, "updated_at")?,
    })
}

pub async fn insert_mentorship(tx: &mut Tx, m: &MentorshipRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO mentorships ({MENTORSHIP}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(m.id.as_str())
    .bind(m.case_id.as_str())
    .bind(&m.mentor_id)
    .bind(&m.office)
    .bind(day_text(m.started_on))
    .bind(m.ended_on.map(day_text))
    .bind(m.baseline)
    .bind(i64::from(m.priority))
    .bind(crate::column::sealed("mentorships.selection", &m.selection)?)
    .bind(crate::column::sealed_optional("mentorships.end_reason", m.end_reason.as_deref())?)
    .bind(m.version)
    .bind(instant_text(&m.created_at))
    .bind(&m.created_by)
    .bind(instant_text(&m.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends the mentorship `id` if its version is still `expected`.
pub async fn end_mentorship(
    tx: &mut Tx,
    id: &str,
    ended_on: chrono::NaiveDate,
    reason: Option<&str>,
    expected: i64,
) -> Result<i64> {
    let r = sqlx::query(
        "UPDATE mentorships SET ended_on = $1, end_reason = $2, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND version = $5",
    )
    .bind(day_text(ended_on))
    .bind(crate::column::sealed_optional("mentorships.end_reason", reason)?)
    .bind(instant_text(&crate::now()))
    .bind(id)
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    check_updated(tx, "mentorships", id, r.rows_affected()).await?;
    Ok(expected + 1)
}

pub async fn mentorship_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<MentorshipRow>> {
    let r =
        sqlx::query(safe!("SELECT {MENTORSHIP} FROM mentorships WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(mentorship).transpose()
}

/// A case's mentorships, latest first.
pub async fn mentorships_of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<MentorshipRow>> {
    let rows =
        sqlx::query(safe!("SELECT {MENTORSHIP} FROM mentorships WHERE case_id = $1 ORDER BY started_on DESC, id"))
            .bind(case_id)
            .fetch_all(conn)
            .await?;
    rows.iter().map(mentorship).collect()
}

/// The mentorships of `office` (every office's for `None`), latest first.
pub async fn mentorships(conn: &mut AnyConnection, office: Option<&str>) -> Result<Vec<MentorshipRow>> {
    let rows = sqlx::query(safe!(
        "SELECT {MENTORSHIP} FROM mentorships WHERE ($1 = '' OR office = $1) ORDER BY started_on DESC, id"
    ))
    .bind(office.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter().map(mentorship).collect()
}

/// Each case's mentorship start days, for cases of `office` (every office's for `None`): whether
/// a returnee was mentored by the day of a survey.
pub async fn mentoring_starts(
    conn: &mut AnyConnection,
    office: Option<&str>,
) -> Result<Vec<(String, chrono::NaiveDate)>> {
    let rows = sqlx::query(
        "SELECT m.case_id, m.started_on FROM mentorships m JOIN cases c ON c.id = m.case_id \
         WHERE ($1 = '' OR c.office = $1) ORDER BY m.case_id, m.started_on",
    )
    .bind(office.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, day(r, 1, "started_on")?))).collect()
}

const SESSION: &str = "id, mentorship_id, case_id, held_on, notes, psychosocial, recorded_at, recorded_by";

fn session(r: &AnyRow) -> Result<SessionRow> {
    Ok(SessionRow {
        id: r.try_get(0)?,
        mentorship_id: r.try_get(1)?,
        case_id: CaseId::new(r.try_get::<String, _>(2)?),
        held_on: day(r, 3, "held_on")?,
        notes: crate::column::opened(r, 4, "mentoring_sessions.notes")?,
        psychosocial: crate::column::opened_optional(r, 5, "mentoring_sessions.psychosocial")?,
        recorded_at: instant(r, 6, "recorded_at")?,
        recorded_by: r.try_get(7)?,
    })
}

pub async fn insert_session(tx: &mut Tx, s: &SessionRow) -> Result<()> {
    sqlx::query(safe!("INSERT INTO mentoring_sessions ({SESSION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(&s.id)
        .bind(&s.mentorship_id)
        .bind(s.case_id.as_str())
        .bind(day_text(s.held_on))
        .bind(crate::column::sealed("mentoring_sessions.notes", &s.notes)?)
        .bind(crate::column::sealed_optional("mentoring_sessions.psychosocial", s.psychosocial.as_deref())?)
        .bind(instant_text(&s.recorded_at))
        .bind(&s.recorded_by)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A case's mentoring sessions, latest first.
pub async fn sessions_of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<SessionRow>> {
    let rows =
        sqlx::query(safe!("SELECT {SESSION} FROM mentoring_sessions WHERE case_id = $1 ORDER BY held_on DESC, id"))
            .bind(case_id)
            .fetch_all(conn)
            .await?;
    rows.iter().map(session).collect()
}
