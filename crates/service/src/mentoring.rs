//! The mentoring approach (seed 002): mentors from the community kept by those who work at the
//! community level; mentorships started on a case by its case workers after the selection
//! (location and willingness must hold; a baseline RSS composite below the priority threshold,
//! read from the case's baseline survey, gives priority); session notes whose psychosocial part
//! follows that section's need-to-know rule. Every change and every read of a case's mentoring
//! is audited.

use chrono::{DateTime, NaiveDate, Utc};
use homeward_domain::access::{Permission, Section};
use homeward_domain::ids::{MentorId, MentorshipId};
use homeward_domain::mentoring::{Mentor, MentoringCatalogue, MentoringSession, MentorshipStart, SelectionAnswer};
use homeward_domain::problem;
use homeward_domain::survey::SurveyPhase;
use homeward_store::audit as store_audit;
use homeward_store::frames::{CaseRow, MentorRow, MentorshipRow, SessionRow};
use homeward_store::query::{mentoring, surveys};
use homeward_store::{AnyConnection, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorView {
    pub id: String,
    pub mentor: Mentor,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A corrected mentor with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorCorrection {
    pub version: i64,
    pub mentor: Mentor,
}

/// A session's notes; the psychosocial part only for a reader granted that section.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentoringSessionView {
    pub id: String,
    pub held_on: NaiveDate,
    pub notes: String,
    pub psychosocial: Option<String>,
    /// There is a psychosocial part the reader may not see.
    pub psychosocial_withheld: bool,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorshipView {
    pub id: String,
    pub case_id: String,
    pub mentor_id: String,
    pub mentor_name: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// The baseline RSS composite score when selected (current profile), if surveyed.
    pub baseline: Option<f64>,
    /// The baseline gave the returnee priority.
    pub priority: bool,
    pub selection: Vec<SelectionAnswer>,
    pub end_reason: Option<String>,
    pub sessions: Vec<MentoringSessionView>,
    pub version: i64,
}

/// The end of a mentorship with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorshipClosing {
    pub version: i64,
    pub ended_on: NaiveDate,
    #[serde(default)]
    pub reason: Option<String>,
}

fn catalogue() -> &'static MentoringCatalogue {
    MentoringCatalogue::builtin()
}

fn mentor_view(row: &MentorRow) -> Result<MentorView> {
    Ok(MentorView {
        id: row.id.to_string(),
        mentor: from_json("mentor", &row.mentor)?,
        version: row.version,
        updated_at: row.updated_at,
    })
}

fn mentor_row(id: MentorId, m: &Mentor, caller: &Caller) -> MentorRow {
    let at = now();
    MentorRow {
        id,
        office: m.office.trim().to_string(),
        name: m.name.trim().to_string(),
        active: m.active,
        mentor: to_json(m),
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    }
}

fn check_mentor(caller: &Caller, m: &Mentor) -> Result<()> {
    m.validate().map_err(ServiceError::invalid)?;
    if !caller.access.covers_office(m.office.trim()) {
        return Err(ServiceError::Forbidden(format!("you cannot keep the mentors of office '{}'", m.office)));
    }
    Ok(())
}

/// Adds a mentor.
pub async fn create_mentor(state: &Services, caller: &Caller, m: Mentor) -> Result<MentorView> {
    caller.require(Permission::ManageCommunity)?;
    check_mentor(caller, &m)?;
    let row = mentor_row(MentorId::new(new_id()), &m, caller);
    let mut tx = state.store.begin().await?;
    mentoring::insert_mentor(&mut tx, &row).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "create", "mentor", &row.id, None, &["*"])]).await?;
    homeward_store::commit(tx).await?;
    mentor_view(&row)
}

/// The mentors of the caller's offices, by name.
pub async fn mentors(state: &Services, caller: &Caller) -> Result<Vec<MentorView>> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let rows = mentoring::mentors(&mut conn, caller.access.office.as_deref()).await?;
    rows.iter().filter(|r| caller.access.covers_office(&r.office)).map(mentor_view).collect()
}

async fn mentor_in_scope(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<MentorRow> {
    let found = mentoring::mentor_by_id(conn, id).await?;
    crate::within_offices(caller, found, |m| &m.office, "mentor", id)
}

pub async fn read_mentor(state: &Services, caller: &Caller, id: &str) -> Result<MentorView> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    mentor_view(&mentor_in_scope(&mut conn, caller, id).await?)
}

/// Corrects a mentor (a mentor who stops taking mentees is made inactive).
pub async fn update_mentor(state: &Services, caller: &Caller, id: &str, c: MentorCorrection) -> Result<MentorView> {
    caller.require(Permission::ManageCommunity)?;
    check_mentor(caller, &c.mentor)?;
    let mut tx = state.store.begin().await?;
    let old = mentor_in_scope(&mut tx, caller, id).await?;
    let mut row = mentor_row(old.id.clone(), &c.mentor, caller);
    row.created_at = old.created_at;
    row.created_by = old.created_by;
    row.version = mentoring::update_mentor(&mut tx, &row, c.version).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "update", "mentor", id, None, &["*"])]).await?;
    homeward_store::commit(tx).await?;
    mentor_view(&row)
}

/// The composite score of the case's latest baseline survey under the current profile.
async fn baseline(state: &Services, conn: &mut AnyConnection, case_id: &str) -> Result<Option<f64>> {
    let profile = &state.scorer.profile().name;
    Ok(surveys::of_case(conn, case_id)
        .await?
        .into_iter()
        .filter(|(s, _)| s.phase == SurveyPhase::Baseline)
        .filter_map(|(_, results)| results.into_iter().find(|r| &r.profile == profile)?.composite)
        .next_back())
}

fn session_view(caller: &Caller, s: &SessionRow) -> MentoringSessionView {
    let may = caller.access.may_read_section(Section::Psychosocial);
    MentoringSessionView {
        id: s.id.clone(),
        held_on: s.held_on,
        notes: s.notes.clone(),
        psychosocial: s.psychosocial.clone().filter(|_| may),
        psychosocial_withheld: s.psychosocial.is_some() && !may,
        recorded_by: s.recorded_by.clone(),
    }
}

async fn mentorship_view(
    conn: &mut AnyConnection,
    caller: &Caller,
    m: &MentorshipRow,
    sessions: &[SessionRow],
) -> Result<MentorshipView> {
    let mentor_name = mentoring::mentor_by_id(conn, &m.mentor_id).await?.map(|r| r.name).unwrap_or_default();
    Ok(MentorshipView {
        id: m.id.to_string(),
        case_id: m.case_id.to_string(),
        mentor_id: m.mentor_id.clone(),
        mentor_name,
        started_on: m.started_on,
        ended_on: m.ended_on,
        baseline: m.baseline,
        priority: m.priority,
        selection: from_json("selection", &m.selection)?,
        end_reason: m.end_reason.clone(),
        sessions: sessions
            .iter()
            .filter(|s| s.mentorship_id == m.id.as_str())
            .map(|s| session_view(caller, s))
            .collect(),
        version: m.version,
    })
}

/// A case's mentorships with their sessions, latest first; the read is audited on the case.
pub async fn of_case(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<MentorshipView>> {
    caller.require(Permission::ReadCases)?;
    if !caller.access.role.sees_identities() {
        return Err(ServiceError::Forbidden(
            "mentoring notes are identifying records; your role sees pseudonymised data only".into(),
        ));
    }
    let mut conn = state.store.read().await?;
    let case = crate::case_in_scope(&mut conn, caller, case_id).await?;
    let rows = mentoring::mentorships_of_case(&mut conn, &case.id).await?;
    let sessions = mentoring::sessions_of_case(&mut conn, &case.id).await?;
    let mut out = vec![];
    for m in &rows {
        out.push(mentorship_view(&mut conn, caller, m, &sessions).await?);
    }
    drop(conn);
    if !rows.is_empty() {
        let fields: &[&str] = if caller.access.may_read_section(Section::Psychosocial) {
            &["mentoring", "psychosocial"]
        } else {
            &["mentoring"]
        };
        state.reads.record(vec![entry(caller, "read", "case", &case.id, Some(&case.id), fields)]).await?;
    }
    Ok(out)
}

/// Starts a mentorship on a case: the mentor of the case's office and taking mentees, no other
/// mentorship open, the selection holding, on a day between the return and today.
pub async fn start(state: &Services, caller: &Caller, case_id: &str, s: MentorshipStart) -> Result<MentorshipView> {
    caller.require(Permission::Plan)?;
    catalogue().check(&s.selection).map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    check_start_day(&case, s.started_on)?;
    let mentor = mentoring::mentor_by_id(&mut tx, &s.mentor).await?.filter(|m| m.office == case.office);
    let Some(mentor) = mentor else {
        let problem = problem!("not_a_mentor", "'{mentor}' is not a mentor of the case's office", mentor = s.mentor);
        return Err(ServiceError::problem("mentor", problem));
    };
    if !mentor.active {
        let problem = problem!("mentor_inactive", "{name} takes no new mentees", name = mentor.name);
        return Err(ServiceError::problem("mentor", problem));
    }
    if mentoring::mentorships_of_case(&mut tx, &case.id).await?.iter().any(|m| m.ended_on.is_none()) {
        return Err(ServiceError::Conflict(
            "the returnee already has a mentor: end that mentorship first".into(),
            None,
        ));
    }
    let baseline = baseline(state, &mut tx, &case.id).await?;
    let at = now();
    let row = MentorshipRow {
        id: MentorshipId::new(new_id()),
        case_id: case.id.clone(),
        mentor_id: mentor.id.to_string(),
        office: case.office.clone(),
        started_on: s.started_on,
        ended_on: None,
        baseline,
        priority: catalogue().has_priority(baseline),
        selection: to_json(&s.selection),
        end_reason: None,
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    mentoring::insert_mentorship(&mut tx, &row).await?;
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "create", "mentorship", &row.id, Some(&case.id), &["*"])],
    )
    .await?;
    let v = mentorship_view(&mut tx, caller, &row, &[]).await?;
    homeward_store::commit(tx).await?;
    Ok(v)
}

fn check_start_day(case: &CaseRow, day: NaiveDate) -> Result<()> {
    crate::consents::not_after_today(&[("started_on", day)])?;
    if day < case.date_of_return {
        let problem = problem!(
            "before",
            "{date} is before {other} ({other_date})",
            date = day,
            other = "date_of_return",
            other_date = case.date_of_return
        );
        return Err(ServiceError::problem("started_on", problem));
    }
    Ok(())
}

async fn mentorship_of_case(conn: &mut AnyConnection, case: &CaseRow, id: &str) -> Result<MentorshipRow> {
    mentoring::mentorship_by_id(conn, id).await?.filter(|m| m.case_id == case.id).ok_or(ServiceError::NotFound)
}

/// Ends a mentorship, with the version last read.
pub async fn end(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    id: &str,
    c: MentorshipClosing,
) -> Result<MentorshipView> {
    caller.require(Permission::Plan)?;
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    let mut row = mentorship_of_case(&mut tx, &case, id).await?;
    if row.ended_on.is_some() {
        return Err(ServiceError::Conflict("the mentorship has ended already".into(), Some(row.version)));
    }
    let mut p = homeward_domain::validate::Problems::default();
    p.optional_text("reason", c.reason.as_deref(), homeward_domain::returnee::LONG_TEXT);
    p.not_before("ended_on", c.ended_on, "started_on", row.started_on);
    p.into_result().map_err(ServiceError::invalid)?;
    crate::consents::not_after_today(&[("ended_on", c.ended_on)])?;
    row.version = mentoring::end_mentorship(&mut tx, id, c.ended_on, c.reason.as_deref(), c.version).await?;
    row.ended_on = Some(c.ended_on);
    row.end_reason = c.reason;
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "update", "mentorship", id, Some(&case.id), &["ended_on"])],
    )
    .await?;
    let sessions = mentoring::sessions_of_case(&mut tx, &case.id).await?;
    let v = mentorship_view(&mut tx, caller, &row, &sessions).await?;
    homeward_store::commit(tx).await?;
    Ok(v)
}

/// Records a session of a mentorship; its psychosocial part only by a user granted the section.
pub async fn add_session(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    id: &str,
    s: MentoringSession,
) -> Result<MentorshipView> {
    caller.require(Permission::FollowUp)?;
    s.validate().map_err(ServiceError::invalid)?;
    if s.psychosocial.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        caller.require_section(Section::Psychosocial)?;
    }
    crate::consents::not_after_today(&[("held_on", s.held_on)])?;
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    let row = mentorship_of_case(&mut tx, &case, id).await?;
    let ended = row.ended_on.is_some_and(|e| s.held_on > e);
    if s.held_on < row.started_on || ended {
        let problem = problem!("outside_mentorship", "{date} is outside the mentorship", date = s.held_on);
        return Err(ServiceError::problem("held_on", problem));
    }
    let session = SessionRow {
        id: new_id(),
        mentorship_id: row.id.to_string(),
        case_id: case.id.clone(),
        held_on: s.held_on,
        notes: s.notes.trim().to_string(),
        psychosocial: s.psychosocial.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
        recorded_at: now(),
        recorded_by: caller.username.clone(),
    };
    mentoring::insert_session(&mut tx, &session).await?;
    let fields: &[&str] = if session.psychosocial.is_some() { &["notes", "psychosocial"] } else { &["notes"] };
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "create", "mentoring_session", &session.id, Some(&case.id), fields)],
    )
    .await?;
    let sessions = mentoring::sessions_of_case(&mut tx, &case.id).await?;
    let v = mentorship_view(&mut tx, caller, &row, &sessions).await?;
    homeward_store::commit(tx).await?;
    Ok(v)
}

/// A mentorship of the caller's offices as the mentoring page lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorshipLine {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub mentor_name: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub priority: bool,
}

/// The mentorships of the caller's offices, latest first (case numbers only; the list is audited
/// as one read).
pub async fn mentorships(state: &Services, caller: &Caller) -> Result<Vec<MentorshipLine>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let rows = mentoring::mentorships(&mut conn, caller.access.office.as_deref()).await?;
    let mentors = mentoring::mentors(&mut conn, caller.access.office.as_deref()).await?;
    let shown: Vec<&MentorshipRow> = rows.iter().filter(|m| caller.access.covers_office(&m.office)).collect();
    let ids: Vec<&str> = shown.iter().map(|m| m.case_id.as_str()).collect();
    let numbers: std::collections::HashMap<String, String> = homeward_store::query::cases::by_ids(&mut conn, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), c.summary.case_number))
        .collect();
    let name_of = |id: &str| mentors.iter().find(|r| r.id.as_str() == id).map(|r| r.name.clone()).unwrap_or_default();
    let out: Vec<MentorshipLine> = shown
        .into_iter()
        .map(|m| MentorshipLine {
            id: m.id.to_string(),
            case_id: m.case_id.to_string(),
            case_number: numbers.get(m.case_id.as_str()).cloned().unwrap_or_default(),
            mentor_name: name_of(&m.mentor_id),
            started_on: m.started_on,
            ended_on: m.ended_on,
            priority: m.priority,
        })
        .collect();
    drop(conn);
    state.reads.record(vec![entry(caller, "read", "mentorships", "list", None, &["case_number"])]).await?;
    Ok(out)
}
