//! What a partner organisation sees: the referral packets sent to it, nothing else, and the
//! steps it records on them (acknowledged, in service, completed, declined, no-show). A packet's
//! data shows only while the consent that allowed it stands (on the server's today); after a
//! withdrawal the partner sees that consent was withdrawn, not the data.

use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::consent::{DataUse, covering};
use homeward_domain::problem;
use homeward_domain::referral::{PacketField, REFERRAL, ReferralAction, ReferralRequest, ReferralState, ReferralStep};
use homeward_store::frames::ReferralRow;
use homeward_store::query::referrals;
use homeward_store::{AnyConnection, StoreError, audit as store_audit, from_json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use crate::referrals::{Packet, apply, state_of};

/// Steps a provider may record.
const PARTNER_ACTIONS: &[ReferralAction] = &[
    ReferralAction::Acknowledge,
    ReferralAction::StartService,
    ReferralAction::Complete,
    ReferralAction::Decline,
    ReferralAction::RecordNoShow,
    ReferralAction::ReportUnavailable,
];

#[derive(Debug, Serialize, ToSchema)]
pub struct PacketView {
    pub referral_id: String,
    pub state: ReferralState,
    pub allowed_actions: Vec<ReferralAction>,
    /// The packet; absent once the consent that allowed it was withdrawn.
    pub packet: Option<Packet>,
    /// The returnee withdrew the consent that allowed this packet: its data is no longer shown.
    pub consent_withdrawn: bool,
    pub version: i64,
}

impl PacketView {
    /// The partner's view of a sent packet: its data only while the consent that allowed it
    /// stands today. A packet sent on the urgent path (no consent, life at risk) stands as sent.
    async fn of(conn: &mut AnyConnection, row: &ReferralRow) -> Result<PacketView> {
        let packet: Packet = from_json("referral packet", row.packet.as_deref().ok_or(StoreError::NotFound)?)?;
        let standing = match packet.plan_version {
            None => from_json::<ReferralRequest>("referral request", &row.request)?.consent_override_reason.is_some(),
            Some(plan_version) => {
                let consents = crate::consents::on_case(conn, &row.case_id).await?;
                let fields: Vec<PacketField> = packet.fields.keys().filter_map(|k| PacketField::from_name(k)).collect();
                let data_use = DataUse::ReferralPacket { partner: &row.provider_id, plan_version, fields: &fields };
                covering(&consents, data_use, homeward_store::today()).is_ok()
            }
        };
        let state = state_of(row)?;
        Ok(PacketView {
            referral_id: row.id.to_string(),
            state,
            allowed_actions: REFERRAL.allowed(state).into_iter().filter(|a| PARTNER_ACTIONS.contains(a)).collect(),
            packet: standing.then_some(packet),
            consent_withdrawn: !standing,
            version: row.version,
        })
    }
}

/// The views of `rows`.
async fn views(conn: &mut AnyConnection, rows: &[ReferralRow]) -> Result<Vec<PacketView>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(PacketView::of(conn, row).await?);
    }
    Ok(out)
}

/// What a read of the view shows, for the audit log.
fn shown(view: &PacketView) -> &'static [&'static str] {
    if view.packet.is_some() { &["packet"] } else { &["consent_withdrawn"] }
}

fn provider_of(caller: &Caller) -> Result<&str> {
    caller.require(Permission::HandleReferralPackets)?;
    caller
        .access
        .provider
        .as_deref()
        .ok_or_else(|| ServiceError::Forbidden("your account is not linked to a provider".into()))
}

/// The packet `id` if it was sent to the caller's organisation; otherwise 404.
async fn own_packet(state: &Services, caller: &Caller, id: &str) -> Result<ReferralRow> {
    let provider = provider_of(caller)?;
    let mut conn = state.store.read().await?;
    referrals::get(&mut conn, id)
        .await?
        .filter(|r| r.provider_id == provider && r.packet.is_some())
        .ok_or(ServiceError::NotFound)
}

/// The packets sent to the caller's organisation.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<PacketView>> {
    let provider = provider_of(caller)?;
    let mut conn = state.store.read().await?;
    let rows = referrals::sent_to(&mut conn, provider).await?;
    let views = views(&mut conn, &rows).await?;
    drop(conn);
    let entries = rows
        .iter()
        .zip(&views)
        .map(|(r, v)| entry(caller, "read", "referral_packet", &r.id, Some(&r.case_id), shown(v)))
        .collect();
    state.reads.record(entries).await?;
    Ok(views)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<PacketView> {
    let row = own_packet(state, caller, id).await?;
    let mut conn = state.store.read().await?;
    let view = PacketView::of(&mut conn, &row).await?;
    drop(conn);
    state.reads.record(vec![entry(caller, "read", "referral_packet", id, Some(&row.case_id), shown(&view))]).await?;
    Ok(view)
}

/// Records what happened with the referral, with feedback in `note`.
pub async fn step(state: &Services, caller: &Caller, id: &str, step: ReferralStep) -> Result<PacketView> {
    let provider = provider_of(caller)?.to_string();
    step.validate().map_err(ServiceError::invalid)?;
    if !PARTNER_ACTIONS.contains(&step.action) {
        let problem =
            problem!("not_a_provider_action", "a provider does not `{action}` a referral", action = step.action);
        return Err(ServiceError::problem("action", problem));
    }
    let mut tx = state.store.begin().await?;
    let mut row = referrals::get(&mut tx, id)
        .await?
        .filter(|r| r.provider_id == provider && r.packet.is_some())
        .ok_or(ServiceError::NotFound)?;
    let to = REFERRAL.next(state_of(&row)?, step.action)?;
    apply(&mut tx, &mut row, &step, to, &caller.username).await?;
    let view = PacketView::of(&mut tx, &row).await?;
    let case_id = row.case_id.clone();
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, step.action.name(), "referral", id, Some(&case_id), &["state", "note"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(view)
}
