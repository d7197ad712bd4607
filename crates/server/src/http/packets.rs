//! What a partner organisation sees: the referral packets sent to it, nothing else, and the
//! steps it records on them (acknowledged, in service, completed, declined, no-show).

use axum::Json;
use axum::extract::{Path, State};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::referral::{REFERRAL, ReferralAction, ReferralState, ReferralStep};
use homeward_store::frames::ReferralRow;
use homeward_store::query::referrals;
use homeward_store::{StoreError, audit as store_audit, from_json};
use serde::Serialize;
use utoipa::ToSchema;

use super::referrals::{Packet, apply, state_of};
use crate::AppState;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Body;

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
            referral_id: row.id.clone(),
            state,
            allowed_actions: REFERRAL.allowed(state).into_iter().filter(|a| PARTNER_ACTIONS.contains(a)).collect(),
            packet: from_json("referral packet", packet)?,
            version: row.version,
        })
    }
}

fn provider_of(caller: &Caller) -> ApiResult<&str> {
    caller.require(Permission::HandleReferralPackets)?;
    caller
        .access
        .provider
        .as_deref()
        .ok_or_else(|| ApiError::Forbidden("your account is not linked to a provider".into()))
}

/// The packet `id` if it was sent to the caller's organisation; otherwise 404.
async fn own_packet(state: &AppState, caller: &Caller, id: &str) -> ApiResult<ReferralRow> {
    let provider = provider_of(caller)?;
    let mut conn = state.store.read().await?;
    referrals::get(&mut conn, id)
        .await?
        .filter(|r| r.provider_id == provider && r.packet.is_some())
        .ok_or(ApiError::NotFound)
}

/// The packets sent to the caller's organisation.
#[utoipa::path(get, path = "/api/v1/referral-packets", tag = "partners",
    responses((status = 200, body = Vec<PacketView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PacketView>>> {
    let provider = provider_of(&caller)?;
    let mut conn = state.store.read().await?;
    let rows = referrals::sent_to(&mut conn, provider).await?;
    drop(conn);
    let views = rows.iter().map(PacketView::new).collect::<Result<Vec<_>, _>>()?;
    let entries = rows
        .iter()
        .map(|r| entry(&caller.username, "read", "referral_packet", &r.id, Some(&r.case_id), &["packet"]))
        .collect();
    state.reads.record(entries).await?;
    Ok(Json(views))
}

#[utoipa::path(get, path = "/api/v1/referral-packets/{referral_id}", tag = "partners", params(("referral_id" = String, Path)),
    responses((status = 200, body = PacketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PacketView>> {
    let row = own_packet(&state, &caller, &id).await?;
    state
        .reads
        .record(vec![entry(&caller.username, "read", "referral_packet", &id, Some(&row.case_id), &["packet"])])
        .await?;
    Ok(Json(PacketView::new(&row)?))
}

/// Records what happened with the referral, with feedback in `note`.
#[utoipa::path(post, path = "/api/v1/referral-packets/{referral_id}/transitions", tag = "partners",
    params(("referral_id" = String, Path)), request_body = ReferralStep,
    responses((status = 200, body = PacketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(step): Body<ReferralStep>,
) -> ApiResult<Json<PacketView>> {
    let provider = provider_of(&caller)?.to_string();
    step.validate().map_err(ApiError::invalid)?;
    if !PARTNER_ACTIONS.contains(&step.action) {
        return Err(ApiError::field("action", format!("a provider does not `{}` a referral", step.action)));
    }
    let mut tx = state.store.begin().await?;
    let mut row = referrals::get(&mut tx, &id)
        .await?
        .filter(|r| r.provider_id == provider && r.packet.is_some())
        .ok_or(ApiError::NotFound)?;
    let to = REFERRAL.next(state_of(&row)?, step.action)?;
    apply(&mut tx, &mut row, &step, to, &caller.username).await?;
    let case_id = row.case_id.clone();
    store_audit::append(
        &mut tx,
        &[entry(&caller.username, step.action.name(), "referral", &id, Some(&case_id), &["state", "note"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(Json(PacketView::new(&row)?))
}
