//! Referrals to service providers. Data leaves only in a referral packet, with exactly the
//! fields chosen for it, to a provider with a data-sharing agreement in force on record
//! (`agreements`), and only with a current consent (on the server's today) to share those
//! fields with that provider for the current agreed plan version; or on the urgent path, by a
//! user granted emergency sharing, who says why (handbook L7266-7330). The packet's date is the
//! server's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::consent::DataUse;
use homeward_domain::ids::{CaseId, ProviderId, ReferralId};
use homeward_domain::plan::PlanState;
use homeward_domain::problem;
use homeward_domain::referral::{PacketField, REFERRAL, ReferralAction, ReferralRequest, ReferralState, ReferralStep};
use homeward_domain::returnee::{ProfileDetails, age_on};
use homeward_store::column::instant_text;
use homeward_store::frames::{CaseRow, ReferralRow};
use homeward_store::query::{plans, providers, referrals};
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
    /// When it happened, as the user said.
    pub date: NaiveDate,
    pub by: String,
    pub note: Option<String>,
    /// When the server recorded it (absent in steps recorded before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<NaiveDate>,
}

/// Consent overridden to share on the urgent path: who, why, when.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsentOverride {
    pub by: String,
    pub reason: String,
    pub on: NaiveDate,
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
    /// The server's date when it was sent.
    pub sent_on: NaiveDate,
    /// The case fields chosen for this referral, by name.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// The plan version whose consent allowed it; none when sent on the urgent path.
    #[serde(default)]
    pub plan_version: Option<u32>,
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
    /// Set when the referral was started without consent (life at risk).
    pub consent_override: Option<ConsentOverride>,
    pub history: Vec<HistoryStep>,
    /// The referral's category and reason (and the override's reason) are withheld: they
    /// reveal mental-health needs, and the caller is not granted the psychosocial section.
    pub restricted: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl ReferralView {
    pub fn new(row: &ReferralRow) -> Result<ReferralView, StoreError> {
        let state = state_of(row)?;
        let request: ReferralRequest = from_json("referral request", &row.request)?;
        let history: Vec<HistoryStep> = from_json("referral history", &row.history)?;
        let consent_override = request.consent_override_reason.as_ref().map(|reason| ConsentOverride {
            by: row.created_by.clone(),
            reason: reason.clone(),
            on: history
                .first()
                .and_then(|h| h.recorded_on)
                .unwrap_or(history.first().map_or_else(homeward_store::today, |h| h.date)),
        });
        Ok(ReferralView {
            id: row.id.to_string(),
            case_id: row.case_id.to_string(),
            provider_id: row.provider_id.to_string(),
            state,
            allowed_actions: REFERRAL.allowed(state),
            request,
            packet: row.packet.as_deref().map(|p| from_json("referral packet", p)).transpose()?,
            consent_override,
            history,
            restricted: false,
            version: row.version,
            created_at: instant_text(&row.created_at),
            updated_at: instant_text(&row.updated_at),
        })
    }
}

impl ReferralView {
    /// The view for `caller`: a psychosocial referral's category and reasons reveal
    /// mental-health needs, so they show only with the psychosocial grant.
    pub fn for_caller(mut self, caller: &Caller) -> ReferralView {
        if self.request.category.is_some() && !caller.access.may_read_section(Section::Psychosocial) {
            let hidden = crate::views::RESTRICTED.to_string();
            self.request.category = None;
            self.request.reason = hidden.clone();
            if let Some(p) = &mut self.packet {
                p.category = None;
                p.reason = hidden.clone();
            }
            if let Some(o) = &mut self.consent_override {
                o.reason = hidden.clone();
            }
            self.request.consent_override_reason = self.request.consent_override_reason.as_ref().map(|_| hidden);
            self.restricted = true;
        }
        self
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

/// Proposes a referral, or, with `consent_override_reason`, starts it on the urgent path:
/// only a user granted emergency sharing may, and the override is audited as such.
pub async fn propose(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    request: ReferralRequest,
) -> Result<ReferralView> {
    caller.require(Permission::Refer)?;
    request.validate().map_err(ServiceError::invalid)?;
    if request.consent_override_reason.is_some() && !caller.access.may_share_without_consent() {
        caller.denied("referral", case_id, Some(case_id), "consent override without the emergency-sharing grant");
        return Err(ServiceError::Forbidden(
            "sharing without consent needs the emergency-sharing grant (a mental-health professional, life at risk)"
                .into(),
        ));
    }
    let mut tx = state.store.begin().await?;
    crate::case_to_change(&mut tx, caller, case_id).await?;
    if providers::get(&mut tx, &request.provider).await?.is_none() {
        let problem =
            problem!("not_in_directory", "'{provider}' is not in the service directory", provider = request.provider);
        return Err(ServiceError::problem("provider", problem));
    }
    let initial = request.initial_state();
    let at = now();
    let today = homeward_store::today();
    let history = vec![HistoryStep {
        action: if initial == ReferralState::Urgent { "urgent".into() } else { "propose".into() },
        state: initial,
        date: today,
        by: caller.username.clone(),
        note: None,
        recorded_on: Some(today),
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
    let mut entries = vec![entry(caller, "create", "referral", &row.id, Some(case_id), &["request"])];
    if initial == ReferralState::Urgent {
        entries.push(entry(caller, "override", "consent", &row.id, Some(case_id), &["consent_override_reason"]));
    }
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(ReferralView::new(&row)?.for_caller(caller))
}

pub async fn list(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<ReferralView>> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let rows = referrals::of_case(&mut conn, case_id).await?;
    drop(conn);
    let views =
        rows.iter().map(|r| ReferralView::new(r).map(|v| v.for_caller(caller))).collect::<Result<Vec<_>, _>>()?;
    let entries = rows.iter().map(|r| entry(caller, "read", "referral", &r.id, Some(case_id), &["*"])).collect();
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
    Ok(ReferralView::new(&row)?.for_caller(caller))
}

/// Moves a referral. `consent` and `send` need a current consent (on the server's today) to
/// share the packet's fields with the provider for the current agreed plan version (refused
/// with 422 saying what is missing); `send` also needs the provider's data-sharing agreement,
/// and freezes the packet the provider will see, dated by the server.
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
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    let mut row =
        referrals::get(&mut tx, referral_id).await?.filter(|r| r.case_id == case_id).ok_or(ServiceError::NotFound)?;
    let from = state_of(&row)?;
    let to = REFERRAL.next(from, step.action)?;
    let request: ReferralRequest = from_json("referral request", &row.request)?;
    let needs_consent = matches!(step.action, ReferralAction::Consent)
        || (step.action == ReferralAction::Send && from != ReferralState::Urgent);
    let today = homeward_store::today();
    let plan_version = if needs_consent { Some(check_consent(&mut tx, &case, &request).await?.0) } else { None };
    if step.action == ReferralAction::Send {
        crate::agreements::require_sharing(&mut tx, &request.provider, today).await?;
        row.packet = Some(to_json(&packet(&case, &row.id, &request, today, plan_version)?));
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
    Ok(ReferralView::new(&row)?.for_caller(caller))
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
        recorded_on: Some(homeward_store::today()),
    });
    row.history = to_json(&history);
    row.state = to;
    row.version = referrals::update(tx, row, step.version).await?;
    row.updated_at = now();
    Ok(())
}

/// The current agreed plan version, refusing a referral made for another one: a consent for an
/// older version covers nothing new (L2346).
async fn agreed_plan_version(conn: &mut AnyConnection, case: &CaseRow, asked: Option<u32>) -> Result<u32> {
    let all = plans::of_case(conn, &case.id).await?;
    let current = all.iter().rev().find(|p| matches!(p.state, PlanState::Agreed | PlanState::Active));
    let Some(current) = current else {
        return Err(ServiceError::problem(
            "plan_version",
            problem!("no_agreed_plan", "the case has no agreed plan: a referral serves the agreed plan version"),
        ));
    };
    let version =
        u32::try_from(current.plan_version).map_err(|_| ServiceError::Internal("plan version out of range".into()))?;
    if let Some(asked) = asked.filter(|&a| a != version) {
        return Err(ServiceError::problem(
            "plan_version",
            problem!(
                "not_the_agreed_plan",
                "the referral serves plan version {asked}, but the agreed plan is version {current}",
                asked = asked,
                current = version
            ),
        ));
    }
    Ok(version)
}

/// The plan version and the consent that cover sending this referral's packet, or 422 naming
/// what is missing.
async fn check_consent(
    conn: &mut AnyConnection,
    case: &CaseRow,
    request: &ReferralRequest,
) -> Result<(u32, homeward_domain::consent::Consent)> {
    let plan_version = agreed_plan_version(conn, case, request.plan_version).await?;
    let data_use = DataUse::ReferralPacket { partner: &request.provider, plan_version, fields: &request.data_shared };
    let consent = crate::consents::require(conn, &case.id, data_use, "consent").await?;
    Ok((plan_version, consent))
}

/// The consent that would cover sending a referral asked as `request` today, or the refusal
/// `consent` and `send` would answer: what a page shows beside a referral not yet sent.
pub async fn covering_consent(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    request: &ReferralRequest,
) -> Result<homeward_domain::consent::Consent> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    let case = case_in_scope(&mut conn, caller, case_id).await?;
    Ok(check_consent(&mut conn, &case, request).await?.1)
}

/// The packet: the chosen fields of the case and what the referral asks.
fn packet(
    case: &CaseRow,
    referral_id: &str,
    request: &ReferralRequest,
    on: NaiveDate,
    plan_version: Option<u32>,
) -> Result<Packet> {
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
        plan_version,
    })
}

/// A referral sent without consent, as a supervisor reviews it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverrideView {
    pub referral_id: String,
    pub case_id: String,
    pub provider_id: String,
    pub state: ReferralState,
    pub consent_override: ConsentOverride,
}

/// The consent overrides in the caller's offices, newest first (the last 500): each is
/// reviewed by a supervisor (L7328-7330).
pub async fn overrides(state: &Services, caller: &Caller) -> Result<Vec<OverrideView>> {
    caller.require(Permission::ReviewOverrides)?;
    let mut conn = state.store.read().await?;
    let rows = referrals::overridden(&mut conn, caller.access.office.as_deref(), 500).await?;
    drop(conn);
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let view = ReferralView::new(row)?.for_caller(caller);
        if let Some(consent_override) = view.consent_override {
            out.push(OverrideView {
                referral_id: view.id,
                case_id: view.case_id,
                provider_id: view.provider_id,
                state: view.state,
                consent_override,
            });
        }
    }
    let entries = out
        .iter()
        .map(|o| entry(caller, "read", "consent_override", &o.referral_id, Some(&o.case_id), &["consent_override"]))
        .collect();
    state.reads.record(entries).await?;
    Ok(out)
}
