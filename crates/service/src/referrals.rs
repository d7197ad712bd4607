//! Referrals to service providers. Data leaves only in a referral packet, with exactly the
//! fields chosen for it, and only with a current consent to share with that provider for the
//! plan version the referral serves (or on the urgent path, by a mental-health professional).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::consent::{Consent, DataUse, covering};
use homeward_domain::ids::{CaseId, ProviderId, ReferralId};
use homeward_domain::plan::PlanState;
use homeward_domain::problem;
use homeward_domain::records::{ConsentRecord, RecordKind};
use homeward_domain::referral::{PacketField, REFERRAL, ReferralAction, ReferralRequest, ReferralState, ReferralStep};
use homeward_domain::returnee::{ProfileDetails, age_on};
use homeward_store::column::instant_text;
use homeward_store::frames::{CaseRow, ReferralRow};
use homeward_store::query::{plans, providers, records, referrals};
use homeward_store::{AnyConnection, StoreError, Tx, audit as store_audit, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::case_in_scope;
use crate::error::{Result, ServiceError};

/// A step in a referral's history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryStep {
    /// `propose`, `urgent` or the action taken.
    pub action: String,
    pub state: ReferralState,
    pub date: NaiveDate,
    pub by: String,
    pub note: Option<String>,
}

/// What the provider receives: the minimum needed, frozen when sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Packet {
    pub referral_id: String,
    pub case_number: String,
    pub service_type: String,
    pub urgency: String,
    pub category: Option<String>,
    pub reason: String,
    pub sent_on: NaiveDate,
    /// The case fields chosen for this referral, by name.
    pub fields: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub id: String,
    pub case_id: String,
    pub provider_id: String,
    pub state: ReferralState,
    pub allowed_actions: Vec<ReferralAction>,
    pub request: ReferralRequest,
    /// The packet as sent; absent until sent.
    pub packet: Option<Packet>,
    pub history: Vec<HistoryStep>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl ReferralView {
    pub fn new(row: &ReferralRow) -> Result<ReferralView, StoreError> {
        let state = state_of(row)?;
        Ok(ReferralView {
            id: row.id.to_string(),
            case_id: row.case_id.to_string(),
            provider_id: row.provider_id.to_string(),
            state,
            allowed_actions: REFERRAL.allowed(state),
            request: from_json("referral request", &row.request)?,
            packet: row.packet.as_deref().map(|p| from_json("referral packet", p)).transpose()?,
            history: from_json("referral history", &row.history)?,
            version: row.version,
            created_at: instant_text(&row.created_at),
            updated_at: instant_text(&row.updated_at),
        })
    }
}

pub(crate) fn state_of(row: &ReferralRow) -> Result<ReferralState, StoreError> {
    Ok(row.state)
}

fn check_reader(caller: &Caller) -> Result<()> {
    caller.require(Permission::ReadCases)?;
    if caller.access.role.sees_identities() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("referrals identify the returnee; your role sees pseudonymised data only".into()))
    }
}

/// Proposes a referral (or, with `consent_override_by`, starts it on the urgent path).
pub async fn propose(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    request: ReferralRequest,
) -> Result<ReferralView> {
    caller.require(Permission::Refer)?;
    request.validate().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    case_in_scope(&mut tx, caller, case_id).await?;
    if providers::get(&mut tx, &request.provider).await?.is_none() {
        let problem =
            problem!("not_in_directory", "'{provider}' is not in the service directory", provider = request.provider);
        return Err(ServiceError::problem("provider", problem));
    }
    let initial = request.initial_state();
    let at = now();
    let history = vec![HistoryStep {
        action: if initial == ReferralState::Urgent { "urgent".into() } else { "propose".into() },
        state: initial,
        date: homeward_store::today(),
        by: caller.username.clone(),
        note: None,
    }];
    let row = ReferralRow {
        id: ReferralId::new(new_id()),
        case_id: CaseId::new(case_id),
        provider_id: ProviderId::new(request.provider.clone()),
        state: initial,
        request: to_json(&request),
        packet: None,
        history: to_json(&history),
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    referrals::insert(&mut tx, &row).await?;
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "create", "referral", &row.id, Some(case_id), &["request"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(ReferralView::new(&row)?)
}

pub async fn list(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<ReferralView>> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let rows = referrals::of_case(&mut conn, case_id).await?;
    drop(conn);
    let views = rows.iter().map(ReferralView::new).collect::<Result<Vec<_>, _>>()?;
    let entries =
        rows.iter().map(|r| entry(caller, "read", "referral", &r.id, Some(case_id), &["*"])).collect();
    state.reads.record(entries).await?;
    Ok(views)
}

pub async fn read(state: &Services, caller: &Caller, case_id: &str, referral_id: &str) -> Result<ReferralView> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let row =
        referrals::get(&mut conn, referral_id).await?.filter(|r| r.case_id == case_id).ok_or(ServiceError::NotFound)?;
    drop(conn);
    state.reads.record(vec![entry(caller, "read", "referral", referral_id, Some(case_id), &["*"])]).await?;
    Ok(ReferralView::new(&row)?)
}

/// Moves a referral. `consent` and `send` need a current consent to share with the provider for
/// the plan version (refused with 422 saying which consent is missing); `send` freezes the
/// packet the provider will see.
pub async fn step(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    referral_id: &str,
    step: ReferralStep,
) -> Result<ReferralView> {
    caller.require(Permission::Refer)?;
    step.validate().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    let case = case_in_scope(&mut tx, caller, case_id).await?;
    let mut row =
        referrals::get(&mut tx, referral_id).await?.filter(|r| r.case_id == case_id).ok_or(ServiceError::NotFound)?;
    let from = state_of(&row)?;
    let to = REFERRAL.next(from, step.action)?;
    let request: ReferralRequest = from_json("referral request", &row.request)?;
    let needs_consent = matches!(step.action, ReferralAction::Consent)
        || (step.action == ReferralAction::Send && from != ReferralState::Urgent);
    if needs_consent {
        check_consent(&mut tx, &case, &request, step.date).await?;
    }
    if step.action == ReferralAction::Send {
        row.packet = Some(to_json(&packet(&case, &row.id, &request, step.date)?));
    }
    apply(&mut tx, &mut row, &step, to, &caller.username).await?;
    let (entity, fields) = if step.action == ReferralAction::Send {
        ("referral_packet", request.data_shared.iter().map(|f| f.name()).collect::<Vec<_>>())
    } else {
        ("referral", vec!["state"])
    };
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, step.action.name(), entity, referral_id, Some(case_id), &fields)],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(ReferralView::new(&row)?)
}

/// Records the step on the row and saves it (optimistic concurrency on `step.version`).
pub(crate) async fn apply(
    tx: &mut Tx,
    row: &mut ReferralRow,
    step: &ReferralStep,
    to: ReferralState,
    by: &str,
) -> Result<()> {
    let mut history: Vec<HistoryStep> = from_json("referral history", &row.history)?;
    history.push(HistoryStep {
        action: step.action.name().into(),
        state: to,
        date: step.date,
        by: by.into(),
        note: step.note.clone(),
    });
    row.history = to_json(&history);
    row.state = to;
    row.version = referrals::update(tx, row, step.version).await?;
    row.updated_at = now();
    Ok(())
}

/// The consent that covers sending this referral's packet, or 422 naming what is missing.
async fn check_consent(
    conn: &mut AnyConnection,
    case: &CaseRow,
    request: &ReferralRequest,
    on: NaiveDate,
) -> Result<()> {
    let plan_version = match request.plan_version {
        Some(v) => v,
        None => {
            let all = plans::of_case(conn, &case.id).await?;
            let current =
                all.iter().rev().find(|p| matches!(p.state, PlanState::Agreed | PlanState::Active | PlanState::Draft));
            let v = current.ok_or_else(|| {
                ServiceError::problem(
                    "plan_version",
                    problem!(
                        "no_plan_for_consent",
                        "the case has no plan: consent to share is given for a plan version"
                    ),
                )
            })?;
            u32::try_from(v.plan_version).map_err(|_| ServiceError::Internal("plan version out of range".into()))?
        }
    };
    let rows = records::list(conn, &case.id, RecordKind::Consent).await?;
    let consents: Vec<Consent> = rows
        .iter()
        .map(|r| from_json::<ConsentRecord>("consent", &r.data))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .filter_map(|c| c.consent().ok())
        .collect();
    covering(&consents, DataUse::ReferralPacket { partner: &request.provider, plan_version }, on)
        .map(|_| ())
        .map_err(|missing| ServiceError::field("consent", missing.to_string()))
}

/// The packet: the chosen fields of the case and what the referral asks.
fn packet(case: &CaseRow, referral_id: &str, request: &ReferralRequest, on: NaiveDate) -> Result<Packet> {
    let profile: ProfileDetails = from_json("case profile", &case.profile)?;
    let mut fields = BTreeMap::new();
    for field in &request.data_shared {
        let value = match field {
            PacketField::Name => serde_json::json!(format!("{} {}", case.given_name, case.family_name)),
            PacketField::Sex => serde_json::json!(case.sex),
            PacketField::Age => {
                serde_json::json!(age_on(case.date_of_birth, on))
            }
            PacketField::Contacts => serde_json::json!(profile.contacts),
            PacketField::Address => serde_json::json!(profile.address),
            PacketField::Languages => serde_json::json!(profile.languages),
            PacketField::CountryOfOrigin => serde_json::json!(case.country_of_origin),
            PacketField::DateOfReturn => serde_json::json!(case.date_of_return),
        };
        fields.insert(field.name().to_string(), value);
    }
    Ok(Packet {
        referral_id: referral_id.to_string(),
        case_number: case.case_number.clone(),
        service_type: request.service_type.clone(),
        urgency: request.urgency.name().into(),
        category: request.category.map(|c| c.name().to_string()),
        reason: request.reason.clone(),
        sent_on: on,
        fields,
    })
}
