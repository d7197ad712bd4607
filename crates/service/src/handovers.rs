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
    /// The case; none for a handover received from a partner installation, until accepted.
    pub case_id: Option<String>,
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
    /// The partner installation it goes to or came from, when it is not this one's.
    pub remote_installation: Option<String>,
    /// Received from a partner installation (rather than sent to one).
    pub received: bool,
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
    // A handover received from a partner is decided here, not sent; one sent to a partner is
    // decided there (its receipt comes back as a file).
    let received = h.remote_id.is_some();
    let sent_away = h.remote_installation.is_some() && !received;
    HANDOVER
        .allowed(h.state)
        .into_iter()
        .filter(|a| match a {
            HandoverAction::Send | HandoverAction::Withdraw => {
                host && !received && caller.access.may(Permission::MoveCase)
            }
            HandoverAction::Accept | HandoverAction::Decline => {
                origin && !sent_away && caller.access.may(Permission::RegisterCase)
            }
        })
        .collect()
}

fn view(caller: &Caller, h: &HandoverRow) -> Result<HandoverView> {
    let packet = if may_read_packet(caller, h) { Some(from_json("handover packet", &h.packet)?) } else { None };
    Ok(HandoverView {
        id: h.id.clone(),
        case_id: h.case_id.as_ref().map(ToString::to_string),
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
        remote_installation: h.remote_installation.clone(),
        received: h.remote_id.is_some(),
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
        case_id: Some(case.id.clone()),
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
        remote_installation: receiving.installation.clone(),
        remote_id: None,
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
        caller.denied(HANDOVER_ENTITY, id, row.case_id.as_deref(), "outside the caller's offices");
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
        caller.denied(HANDOVER_ENTITY, id, row.case_id.as_deref(), step.action.name());
        return Err(ServiceError::Forbidden(format!("only {side} may {} this handover", step.action.name())));
    }
    let at = now();
    let mut entries = vec![entry(caller, step.action.name(), HANDOVER_ENTITY, id, row.case_id.as_deref(), &["state"])];
    match step.action {
        HandoverAction::Send => {
            // The consent is checked again on the day the packet leaves.
            let case_id = row.case_id.clone().ok_or(ServiceError::NotFound)?;
            consent(&mut tx, &case_id).await?;
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
            let case_id = match &row.case_id {
                Some(case_id) => {
                    handovers::move_case(&mut tx, case_id, &row.to_office, &caller.username).await?;
                    case_id.to_string()
                }
                // Received from a partner: the case is made here, with its number.
                None => {
                    let made = case_from_packet(&mut tx, caller, &row).await?;
                    row.case_id = Some(made.clone());
                    made.to_string()
                }
            };
            entries[0].case_id = Some(case_id.clone());
            entries.push(entry(caller, "handover_in", "case", &case_id, Some(&case_id), &["office", "case_manager"]));
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

/// The case a handover received from a partner installation becomes when accepted: the
/// returnee as the packet describes them, in the receiving office, with the number the case had
/// there; its history stays with the handover.
async fn case_from_packet(
    tx: &mut homeward_store::Tx,
    caller: &Caller,
    row: &HandoverRow,
) -> Result<homeward_domain::ids::CaseId> {
    let p: HandoverPacket = from_json("handover packet", &row.packet)?;
    if !homeward_store::query::cases::by_numbers(tx, &[p.case_number.as_str()]).await?.is_empty() {
        return Err(ServiceError::Conflict(
            format!("a case numbered {} exists here already: the handover cannot keep its number", p.case_number),
            None,
        ));
    }
    let registration = homeward_domain::returnee::Registration {
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        sex: p.sex,
        date_of_birth: p.date_of_birth,
        date_of_return: p.date_of_return,
        country_of_origin: p.country_of_origin.parse().map_err(|_| ServiceError::Internal("packet country".into()))?,
        office: row.to_office.clone(),
        case_manager: Some(caller.username.clone()),
        schedule: None,
        profile: p.profile.clone(),
    };
    let case = crate::cases::new_case(caller, &registration, "standard".into(), p.case_number.clone(), now());
    homeward_store::query::cases::insert(tx, &case, &crate::cases::search_terms(&case)).await?;
    Ok(case.summary.id)
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
            reads.push(entry(caller, "read", HANDOVER_ENTITY, &row.id, row.case_id.as_deref(), &["packet"]));
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
        caller.denied(HANDOVER_ENTITY, id, row.case_id.as_deref(), "outside the caller's offices");
        return Err(ServiceError::NotFound);
    }
    let v = view(caller, &row)?;
    if v.packet.is_some() {
        state
            .reads
            .record(vec![entry(caller, "read", HANDOVER_ENTITY, id, row.case_id.as_deref(), &["packet"])])
            .await?;
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

/// What a handover file carries to the receiving installation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Outgoing {
    /// The handover's id here, which the receipt names.
    id: String,
    packet: HandoverPacket,
}

/// What a receipt carries back: the decision on the handover `id` of the sending installation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Receipt {
    id: String,
    state: HandoverState,
    reason: Option<String>,
    decided_by: Option<String>,
}

const HANDOVER_FILE: &str = "handover";
const RECEIPT_FILE: &str = "receipt";

/// A partner installation's public key, by its name.
async fn partner(conn: &mut AnyConnection, name: &str) -> Result<crate::exchange::PublicIdentity> {
    let all = offices::installations(conn).await?;
    let row = all.iter().find(|i| i.name == name).ok_or(ServiceError::NotFound)?;
    crate::exchange::PublicIdentity::parse(&row.public_key).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The file that carries a handover to its partner installation (the host office, once sent),
/// or, for one received, its receipt back (the receiving office, once decided): signed by this
/// installation, sealed to the partner. Its name and bytes.
pub async fn file(state: &Services, caller: &Caller, id: &str) -> Result<(String, Vec<u8>)> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let row = handovers::get(&mut conn, id).await?.ok_or(ServiceError::NotFound)?;
    let (host, origin) = sides(caller, &row);
    let Some(installation) = row.remote_installation.clone() else {
        return Err(ServiceError::Conflict("this handover stays in this installation: it has no file".into(), None));
    };
    let to = partner(&mut conn, &installation).await?;
    drop(conn);
    let (kind, body, name) = match &row.remote_id {
        None if host && caller.access.may(Permission::MoveCase) && row.state == HandoverState::Sent => {
            let packet: HandoverPacket = from_json("handover packet", &row.packet)?;
            (HANDOVER_FILE, serde_json::to_vec(&Outgoing { id: row.id.clone(), packet }), "handover")
        }
        Some(remote) if origin && caller.access.may(Permission::RegisterCase) && HANDOVER.is_final(row.state) => {
            let receipt = Receipt {
                id: remote.clone(),
                state: row.state,
                reason: row.decision_reason.clone(),
                decided_by: row.decided_by.clone(),
            };
            (RECEIPT_FILE, serde_json::to_vec(&receipt), "receipt")
        }
        _ if !host && !origin => return Err(ServiceError::NotFound),
        _ => {
            return Err(ServiceError::Conflict(
                "no file for now: a handover's file is made once it is sent, its receipt once it is decided".into(),
                None,
            ));
        }
    };
    let body = body.map_err(|e| ServiceError::Internal(e.to_string()))?;
    let sealed = state.exchange.seal(&to, kind, &body).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let entries = [entry(caller, "export", HANDOVER_ENTITY, id, row.case_id.as_deref(), &[kind])];
    state.reads.record(entries.to_vec()).await?;
    Ok((format!("{name}-{}.hwx", row.case_number), sealed))
}

fn refused_file(e: crate::exchange::ExchangeError) -> ServiceError {
    use crate::exchange::ExchangeError as E;
    let problem = match e {
        E::WrongRecipient(f) => problem!(
            "file_for_another_installation",
            "is for another installation (fingerprint {fingerprint}), not this one",
            fingerprint = f
        ),
        E::UnknownSender(f) => problem!(
            "file_from_unknown_installation",
            "comes from an installation not registered here (fingerprint {fingerprint})",
            fingerprint = f
        ),
        E::Tampered => problem!("file_tampered", "was changed after it was signed: it is refused"),
        _ => problem!("not_an_exchange_file", "is not a Homeward exchange file"),
    };
    ServiceError::invalid(vec![FieldError::of("file", problem)])
}

/// Takes in a file from a partner installation: a handover (the receiving office then reads it
/// and accepts or declines it) or the receipt of one sent from here. Refused when it is for
/// another installation, from one not registered, or changed on the way.
pub async fn import(state: &Services, caller: &Caller, file: &[u8]) -> Result<HandoverView> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let partners = offices::installations(&mut conn).await?;
    drop(conn);
    let known = |p: &crate::exchange::PublicIdentity| {
        partners
            .iter()
            .find(|i| crate::exchange::PublicIdentity::parse(&i.public_key).ok() == Some(*p))
            .map(|i| i.name.clone())
    };
    let (sender, kind, body) = state.exchange.open(file, known).map_err(refused_file)?;
    let malformed = || refused_file(crate::exchange::ExchangeError::Malformed);
    let mut tx = state.store.begin().await?;
    let row = match kind.as_str() {
        HANDOVER_FILE => {
            caller.require(Permission::RegisterCase)?;
            let incoming: Outgoing = serde_json::from_slice(&body).map_err(|_| malformed())?;
            if let Some(known) = handovers::received(&mut tx, &sender, &incoming.id).await? {
                drop(tx);
                return view(caller, &known);
            }
            let office = offices::find(&mut tx, &incoming.packet.to_office).await?;
            let here = office
                .filter(|o| o.installation.is_none() && matches!(o.role, OfficeRole::Origin | OfficeRole::Transit));
            let Some(office) = here else {
                let problem = problem!(
                    "not_an_origin_office",
                    "{office} is not an office of a country of origin (or of transit) other than the case's",
                    office = incoming.packet.to_office
                );
                return Err(invalid("to_office", problem));
            };
            if !caller.access.covers_office(&office.name) {
                return Err(ServiceError::Forbidden(format!("this handover is for the office {}", office.name)));
            }
            let at = now();
            let row = HandoverRow {
                id: new_id(),
                case_id: None,
                case_number: incoming.packet.case_number.clone(),
                from_office: incoming.packet.from_office.clone(),
                to_office: office.name.clone(),
                state: HandoverState::Sent,
                packet: to_json(&incoming.packet),
                decision_reason: None,
                version: 1,
                created_at: at,
                created_by: caller.username.clone(),
                updated_at: at,
                sent_at: Some(at),
                decided_at: None,
                decided_by: None,
                remote_installation: Some(sender.clone()),
                remote_id: Some(incoming.id),
            };
            handovers::insert(&mut tx, &row).await?;
            row
        }
        RECEIPT_FILE => {
            caller.require(Permission::MoveCase)?;
            let receipt: Receipt = serde_json::from_slice(&body).map_err(|_| malformed())?;
            let mut row = handovers::get(&mut tx, &receipt.id).await?.ok_or(ServiceError::NotFound)?;
            if row.remote_installation.as_deref() != Some(sender.as_str()) || row.remote_id.is_some() {
                return Err(ServiceError::NotFound);
            }
            if !sides(caller, &row).0 {
                return Err(ServiceError::NotFound);
            }
            let action = match receipt.state {
                HandoverState::Accepted => HandoverAction::Accept,
                HandoverState::Declined => HandoverAction::Decline,
                _ => return Err(malformed()),
            };
            if row.state == receipt.state {
                drop(tx);
                return view(caller, &row);
            }
            let expected = row.version;
            row.state = HANDOVER.next(row.state, action).map_err(|e| ServiceError::Conflict(e.to_string(), None))?;
            row.decided_at = Some(now());
            row.decided_by = receipt.decided_by.map(|by| format!("{by} ({sender})"));
            row.decision_reason = receipt.reason;
            row.version = handovers::update(&mut tx, &row, expected).await?;
            row
        }
        _ => return Err(malformed()),
    };
    let entries = [entry(caller, "import", HANDOVER_ENTITY, &row.id, row.case_id.as_deref(), &[kind.as_str()])];
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    view(caller, &row)
}
