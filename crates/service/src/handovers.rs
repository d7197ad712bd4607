//! Handovers (issue 17 §1): a host office prepares the handover of a case to an office in the
//! country of origin, which reads the packet and accepts or declines it.
//!
//! The steps, each audited:
//! - **prepare** (`move_case`, in the case's host or transit office, the case open): the packet of
//!   the minimum necessary is made. Refused without a current consent to share with the country
//!   of origin (naming it), to an office that is not an origin or transit office, or while
//!   another handover of the case is under way. The vulnerability screening goes only when the
//!   preparer includes it and holds the GBV and protection grant; the counselling dates only
//!   when the preparer holds the psychosocial grant (the packet says when they were withheld).
//! - **send** (the same): the consent is checked again on the day of sending.
//! - **accept** or **decline** (`register_case`, in the receiving office; a decline says why):
//!   accepted, the case moves to the receiving office with its number and history, the accepting
//!   user its case manager.
//! - **withdraw** (the host office, before acceptance).
//!
//! Who reads what: before acceptance the host office has the whole case and the packet; the
//! receiving office the packet only, once sent. After acceptance the receiving office has the
//! whole case; the host office keeps the handover's record (who, when, where to) but neither
//! the case nor the packet. Roles that see pseudonymised data only never read a packet.

use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::consent::{ConsentPurpose, DataUse};
use homeward_domain::handover::{
    CounsellingSummary, HANDOVER, HandoverAction, HandoverPacket, HandoverState, HistoryLine,
};
use homeward_domain::office::OfficeRole;
use homeward_domain::plan::PlanState;
use homeward_domain::problem;
use homeward_domain::records::{
    CounsellingSession, RecordKind, VulnerabilityAssessment, VulnerabilityPhase, fixed_section,
};
use homeward_domain::returnee::ProfileDetails;
use homeward_domain::validate::FieldError;
use homeward_store::column::instant_text;
use homeward_store::frames::{CaseRow, HandoverRow};
use homeward_store::query::{handovers, offices, plans, records};
use homeward_store::{AnyConnection, audit as store_audit, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

const HANDOVER_ENTITY: &str = "handover";

/// A handover asked for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// The office in the country of origin that is to take the case.
    pub to_office: String,
    /// Include the pre-departure vulnerability screening (needs the GBV and protection grant).
    #[serde(default)]
    pub include_vulnerability: bool,
    /// Include the latest draft of the plan (default: yes).
    #[serde(default = "yes")]
    pub include_plan: bool,
    /// What the receiving office should know first.
    #[serde(default)]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

/// A move of a handover, with the version last read; a decline says why.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverMove {
    pub action: HandoverAction,
    pub version: i64,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A handover as its reader may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverView {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub from_office: String,
    pub to_office: String,
    pub state: HandoverState,
    /// What the reader may do with it now.
    pub allowed_actions: Vec<HandoverAction>,
    pub prepared_by: String,
    pub prepared_at: String,
    pub sent_at: Option<String>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub version: i64,
    /// The packet, for those who may read it (see the module's rules).
    pub packet: Option<HandoverPacket>,
}

fn invalid(field: &str, problem: homeward_domain::validate::Problem) -> ServiceError {
    ServiceError::invalid(vec![FieldError::of(field, problem)])
}

/// The caller's side of a handover: the host office's, the receiving office's, or both (an
/// administrator of every office). The receiving office knows of a handover once it is sent.
fn sides(caller: &Caller, h: &HandoverRow) -> (bool, bool) {
    let origin = h.state != HandoverState::Prepared && h.sent_at.is_some() && caller.access.covers_office(&h.to_office);
    (caller.access.covers_office(&h.from_office), origin)
}

fn may_read_packet(caller: &Caller, h: &HandoverRow) -> bool {
    if !caller.access.role.sees_identities() {
        return false;
    }
    let (host, origin) = sides(caller, h);
    let host_reads = host && h.state != HandoverState::Accepted;
    let origin_reads = origin && matches!(h.state, HandoverState::Sent | HandoverState::Accepted);
    host_reads || origin_reads
}

fn allowed(caller: &Caller, h: &HandoverRow) -> Vec<HandoverAction> {
    let (host, origin) = sides(caller, h);
    HANDOVER
        .allowed(h.state)
        .into_iter()
        .filter(|a| match a {
            HandoverAction::Send | HandoverAction::Withdraw => host && caller.access.may(Permission::MoveCase),
            HandoverAction::Accept | HandoverAction::Decline => origin && caller.access.may(Permission::RegisterCase),
        })
        .collect()
}

fn view(caller: &Caller, h: &HandoverRow) -> Result<HandoverView> {
    let packet = if may_read_packet(caller, h) { Some(from_json("handover packet", &h.packet)?) } else { None };
    Ok(HandoverView {
        id: h.id.clone(),
        case_id: h.case_id.to_string(),
        case_number: h.case_number.clone(),
        from_office: h.from_office.clone(),
        to_office: h.to_office.clone(),
        state: h.state,
        allowed_actions: allowed(caller, h),
        prepared_by: h.created_by.clone(),
        prepared_at: instant_text(&h.created_at),
        sent_at: h.sent_at.as_ref().map(instant_text),
        decided_at: h.decided_at.as_ref().map(instant_text),
        decided_by: h.decided_by.clone(),
        decision_reason: h.decision_reason.clone(),
        version: h.version,
        packet,
    })
}

/// The packet of the minimum necessary.
async fn packet(
    conn: &mut AnyConnection,
    caller: &Caller,
    case: &CaseRow,
    to_office: &str,
    request: &HandoverRequest,
    consent_given_on: chrono::NaiveDate,
) -> Result<HandoverPacket> {
    let all = records::all_of_case(conn, &case.id).await?;
    let counselling_withheld = !caller.access.may_read_section(Section::Psychosocial);
    let mut counselling = Vec::new();
    let mut vulnerability = Vec::new();
    let mut history = vec![HistoryLine { date: Some(case.created_at.date_naive()), what: "registered".into() }];
    for r in &all {
        match r.kind {
            RecordKind::CounsellingSession if !counselling_withheld => {
                let s: CounsellingSession = from_json("counselling session", &r.data)?;
                counselling.push(CounsellingSummary { date: s.date, mode: s.mode });
            }
            RecordKind::VulnerabilityAssessment if request.include_vulnerability => {
                let v: VulnerabilityAssessment = from_json("vulnerability assessment", &r.data)?;
                if v.phase == VulnerabilityPhase::PreDeparture {
                    vulnerability.push(v);
                }
            }
            _ => {}
        }
        // The history names what was recorded and when, for the kinds of no restricted section.
        if r.section.or(fixed_section(r.kind)).is_none() {
            history.push(HistoryLine { date: r.record_date, what: r.kind.name().to_string() });
        }
    }
    let draft_plan = if request.include_plan {
        let drafts = plans::of_case(conn, &case.id).await?;
        match drafts.iter().rev().find(|p| p.state == PlanState::Draft) {
            Some(p) => Some(from_json("plan content", &p.content)?),
            None => None,
        }
    } else {
        None
    };
    Ok(HandoverPacket {
        case_number: case.case_number.clone(),
        from_office: case.office.clone(),
        to_office: to_office.to_string(),
        given_name: case.given_name.clone(),
        family_name: case.family_name.clone(),
        sex: case.sex,
        date_of_birth: case.date_of_birth,
        date_of_return: case.date_of_return,
        country_of_origin: case.country_of_origin.clone(),
        profile: from_json::<ProfileDetails>("case profile", &case.profile)?,
        consent_given_on,
        counselling,
        counselling_withheld,
        vulnerability,
        draft_plan,
        history,
        note: request.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
        prepared_by: caller.username.clone(),
        prepared_on: homeward_store::today(),
    })
}

/// The consent to share with the country of origin that covers the case today, or the refusal
/// that names it.
async fn consent(conn: &mut AnyConnection, case_id: &str) -> Result<chrono::NaiveDate> {
    let found =
        crate::consents::require(conn, case_id, DataUse::Purpose(ConsentPurpose::ShareWithCountryOfOrigin), "consent")
            .await?;
    Ok(found.given_on)
}

/// Prepares the handover of a case to `request.to_office`.
pub async fn prepare(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    request: HandoverRequest,
) -> Result<HandoverView> {
    caller.require(Permission::MoveCase)?;
    if request.note.as_deref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(invalid("note", problem!("too_long", "is longer than {max} characters", max = 2000)));
    }
    if request.include_vulnerability {
        caller.require_section(Section::GbvProtection)?;
    }
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    let from = offices::find(&mut tx, &case.office).await?;
    if !from.as_ref().is_some_and(|o| matches!(o.role, OfficeRole::Host | OfficeRole::Transit)) {
        let problem = problem!(
            "not_a_host_office",
            "the case's office {office} is not a host or transit office: handovers go from one",
            office = case.office
        );
        return Err(invalid("office", problem));
    }
    let names = crate::offices::names(&mut tx).await?;
    let to = names
        .resolve(&request.to_office)
        .map_err(|e| ServiceError::invalid(vec![FieldError { field: "to_office".into(), ..e }]))?;
    let receiving = offices::find(&mut tx, &to).await?.ok_or(ServiceError::NotFound)?;
    if to == case.office || !matches!(receiving.role, OfficeRole::Origin | OfficeRole::Transit) {
        let problem = problem!(
            "not_an_origin_office",
            "{office} is not an office of a country of origin (or of transit) other than the case's",
            office = to
        );
        return Err(invalid("to_office", problem));
    }
    let under_way = handovers::of_case(&mut tx, case_id).await?;
    if under_way.iter().any(|h| matches!(h.state, HandoverState::Prepared | HandoverState::Sent)) {
        return Err(ServiceError::Conflict(
            "a handover of this case is under way: send or withdraw it first".into(),
            None,
        ));
    }
    let given_on = consent(&mut tx, case_id).await?;
    let packet = packet(&mut tx, caller, &case, &to, &request, given_on).await?;
    let at = now();
    let row = HandoverRow {
        id: new_id(),
        case_id: case.id.clone(),
        case_number: case.case_number.clone(),
        from_office: case.office.clone(),
        to_office: to,
        state: HandoverState::Prepared,
        packet: to_json(&packet),
        decision_reason: None,
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
        sent_at: None,
        decided_at: None,
        decided_by: None,
    };
    handovers::insert(&mut tx, &row).await?;
    let entries = [entry(caller, "prepare", HANDOVER_ENTITY, &row.id, Some(case_id), &["packet"])];
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    view(caller, &row)
}

/// Moves a handover: send or withdraw (the host office), accept or decline (the receiving office).
pub async fn step(state: &Services, caller: &Caller, id: &str, step: HandoverMove) -> Result<HandoverView> {
    caller.require(Permission::ReadCases)?;
    let mut tx = state.store.begin().await?;
    let mut row = handovers::get(&mut tx, id).await?.ok_or(ServiceError::NotFound)?;
    let (host, origin) = sides(caller, &row);
    if !host && !origin {
        caller.denied(HANDOVER_ENTITY, id, Some(&row.case_id), "outside the caller's offices");
        return Err(ServiceError::NotFound);
    }
    let next = HANDOVER.next(row.state, step.action).map_err(|e| ServiceError::Conflict(e.to_string(), None))?;
    if row.version != step.version {
        return Err(homeward_store::StoreError::Conflict { current: row.version }.into());
    }
    if !allowed(caller, &row).contains(&step.action) {
        let side = if matches!(step.action, HandoverAction::Accept | HandoverAction::Decline) {
            "the receiving office"
        } else {
            "the host office"
        };
        caller.denied(HANDOVER_ENTITY, id, Some(&row.case_id), step.action.name());
        return Err(ServiceError::Forbidden(format!("only {side} may {} this handover", step.action.name())));
    }
    let at = now();
    let mut entries = vec![entry(caller, step.action.name(), HANDOVER_ENTITY, id, Some(&row.case_id), &["state"])];
    match step.action {
        HandoverAction::Send => {
            // The consent is checked again on the day the packet leaves.
            consent(&mut tx, &row.case_id).await?;
            row.sent_at = Some(at);
        }
        HandoverAction::Decline => {
            let reason = step.reason.as_deref().map(str::trim).unwrap_or("");
            let mut p = homeward_domain::validate::Problems::default();
            p.text("reason", reason, 500);
            p.into_result().map_err(ServiceError::invalid)?;
            row.decision_reason = Some(reason.to_string());
            row.decided_at = Some(at);
            row.decided_by = Some(caller.username.clone());
        }
        HandoverAction::Accept => {
            row.decided_at = Some(at);
            row.decided_by = Some(caller.username.clone());
            handovers::move_case(&mut tx, &row.case_id, &row.to_office, &caller.username).await?;
            entries.push(entry(
                caller,
                "handover_in",
                "case",
                &row.case_id,
                Some(&row.case_id),
                &["office", "case_manager"],
            ));
        }
        HandoverAction::Withdraw => {
            row.decided_at = Some(at);
            row.decided_by = Some(caller.username.clone());
        }
    }
    let expected = row.version;
    row.state = next;
    row.version = handovers::update(&mut tx, &row, expected).await?;
    row.updated_at = at;
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    view(caller, &row)
}

/// The handovers from or to the caller's offices, latest first; packets as the rules allow,
/// each packet shown audited as read.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<HandoverView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let rows = handovers::of_office(&mut conn, caller.access.office.as_deref()).await?;
    drop(conn);
    let mut views = Vec::new();
    let mut reads = Vec::new();
    for row in rows.iter().filter(|h| sides(caller, h) != (false, false)) {
        let v = view(caller, row)?;
        if v.packet.is_some() {
            reads.push(entry(caller, "read", HANDOVER_ENTITY, &row.id, Some(&row.case_id), &["packet"]));
        }
        views.push(v);
    }
    state.reads.record(reads).await?;
    Ok(views)
}

/// One handover, as [`list`] shows it.
pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<HandoverView> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let row = handovers::get(&mut conn, id).await?.ok_or(ServiceError::NotFound)?;
    drop(conn);
    if sides(caller, &row) == (false, false) {
        caller.denied(HANDOVER_ENTITY, id, Some(&row.case_id), "outside the caller's offices");
        return Err(ServiceError::NotFound);
    }
    let v = view(caller, &row)?;
    if v.packet.is_some() {
        state.reads.record(vec![entry(caller, "read", HANDOVER_ENTITY, id, Some(&row.case_id), &["packet"])]).await?;
    }
    Ok(v)
}

/// The handovers of a case in the caller's offices (its page shows them).
pub async fn of_case(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<HandoverView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    crate::case_in_scope(&mut conn, caller, case_id).await?;
    let rows = handovers::of_case(&mut conn, case_id).await?;
    drop(conn);
    rows.iter().map(|h| view(caller, h)).collect()
}
