//! What a partner organisation sees: the referral packets sent to it, nothing else, and the
//! steps it records on them (acknowledged, in service, completed, declined, no-show).

use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::problem;
use homeward_domain::referral::{REFERRAL, ReferralAction, ReferralState, ReferralStep};
use homeward_store::frames::ReferralRow;
use homeward_store::query::referrals;
use homeward_store::{StoreError, audit as store_audit, from_json};
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
    pub packet: Packet,
    pub version: i64,
}

impl PacketView {
    fn new(row: &ReferralRow) -> Result<PacketView, StoreError> {
        let state = state_of(row)?;
        let packet = row.packet.as_deref().ok_or(StoreError::NotFound)?;
        Ok(PacketView {
            referral_id: row.id.to_string(),
            state,
            allowed_actions: REFERRAL.allowed(state).into_iter().filter(|a| PARTNER_ACTIONS.contains(a)).collect(),
            packet: from_json("referral packet", packet)?,
            version: row.version,
        })
    }
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
    drop(conn);
    let views = rows.iter().map(PacketView::new).collect::<Result<Vec<_>, _>>()?;
    let entries = rows
        .iter()
        .map(|r| entry(caller, "read", "referral_packet", &r.id, Some(&r.case_id), &["packet"]))
        .collect();
    state.reads.record(entries).await?;
    Ok(views)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<PacketView> {
    let row = own_packet(state, caller, id).await?;
    state
        .reads
        .record(vec![entry(caller, "read", "referral_packet", id, Some(&row.case_id), &["packet"])])
        .await?;
    Ok(PacketView::new(&row)?)
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
    let case_id = row.case_id.clone();
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, step.action.name(), "referral", id, Some(&case_id), &["state", "note"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(PacketView::new(&row)?)
}
