//! What a partner organisation sees: the referral packets sent to it, nothing else, and the
//! steps it records on them (acknowledged, in service, completed, declined, no-show).

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use homeward_domain::referral::ReferralStep;
use homeward_service::Services;
use homeward_service::packets as svc;
use homeward_service::packets::*;

/// The packets sent to the caller's organisation.
#[utoipa::path(get, path = "/api/v1/referral-packets", operation_id = "list_referral_packets", tag = "partners",
    responses((status = 200, body = Vec<PacketView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<PacketView>>> {
    Ok(Json(svc::list(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/referral-packets/{referral_id}", operation_id = "read_referral_packet", tag = "partners", params(("referral_id" = String, Path)),
    responses((status = 200, body = PacketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PacketView>> {
    Ok(Json(svc::read(&state, &caller, &id).await?))
}

/// Records what happened with the referral, with feedback in `note`.
#[utoipa::path(post, path = "/api/v1/referral-packets/{referral_id}/transitions", operation_id = "move_referral_packet", tag = "partners",
    params(("referral_id" = String, Path)), request_body = ReferralStep,
    responses((status = 200, body = PacketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(step): Body<ReferralStep>,
) -> ApiResult<Json<PacketView>> {
    Ok(Json(svc::step(&state, &caller, &id, step).await?))
}
