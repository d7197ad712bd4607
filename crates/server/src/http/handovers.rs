//! Handovers of cases from a host office to an office in the country of origin. Who may do and
//! read what is in `homeward_service::handovers`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_service::Services;
use homeward_service::handovers::{self, HandoverMove, HandoverRequest, HandoverView};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};

/// Prepares the handover of a case to an office of the country of origin: the packet of the
/// minimum necessary. Refused without a current consent to share with the country of origin.
#[utoipa::path(post, path = "/api/v1/cases/{id}/handovers", operation_id = "prepare_handover", tag = "handovers",
    params(("id" = String, Path)), request_body = HandoverRequest,
    responses((status = 201, body = HandoverView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn prepare(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(request): Body<HandoverRequest>,
) -> ApiResult<(StatusCode, Json<HandoverView>)> {
    Ok((StatusCode::CREATED, Json(handovers::prepare(&state, &caller, &id, request).await?)))
}

/// The handovers from or to the caller's offices, latest first.
#[utoipa::path(get, path = "/api/v1/handovers", operation_id = "list_handovers", tag = "handovers",
    responses((status = 200, body = Vec<HandoverView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<HandoverView>>> {
    Ok(Json(handovers::list(&state, &caller).await?))
}

/// One handover.
#[utoipa::path(get, path = "/api/v1/handovers/{id}", operation_id = "read_handover", tag = "handovers",
    params(("id" = String, Path)),
    responses((status = 200, body = HandoverView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<HandoverView>> {
    Ok(Json(handovers::read(&state, &caller, &id).await?))
}

/// Sends or withdraws a handover (the host office), accepts or declines it (the receiving
/// office; a decline says why).
#[utoipa::path(post, path = "/api/v1/handovers/{id}/moves", operation_id = "move_handover", tag = "handovers",
    params(("id" = String, Path)), request_body = HandoverMove,
    responses((status = 200, body = HandoverView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(step): Body<HandoverMove>,
) -> ApiResult<Json<HandoverView>> {
    Ok(Json(handovers::step(&state, &caller, &id, step).await?))
}
