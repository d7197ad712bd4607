//! Handovers of cases from a host office to an office in the country of origin. Who may do and
//! read what is in `homeward_service::handovers`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_service::Services;
use homeward_service::handovers::{self, HandoverMove, HandoverRequest, HandoverView};
use homeward_service::installations::{self, InstallationView, NewInstallation};

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

/// A file exchanged with a partner installation.
#[derive(Debug, utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the bodies; the handlers read and write the bytes
pub struct ExchangeFile(Vec<u8>);

/// The file that carries a handover to its partner installation (once sent), or the receipt of
/// one received from a partner (once decided): signed here, sealed to the partner.
#[utoipa::path(get, path = "/api/v1/handovers/{id}/file", operation_id = "handover_file", tag = "handovers",
    params(("id" = String, Path)),
    responses((status = 200, description = "The file, named in Content-Disposition", content((ExchangeFile = "application/octet-stream"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn file(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    let (name, bytes) = handovers::file(&state, &caller, &id).await?;
    Ok(crate::download::bytes_response(bytes, "application/octet-stream", &name))
}

/// The largest exchange file taken.
const MAX_FILE: usize = 4 << 20;

/// Takes in a file from a partner installation: a handover for one of the caller's offices, or
/// the receipt of a handover sent from here. Refused (naming why) when it is for another
/// installation, from one not registered here, or changed on the way.
#[utoipa::path(post, path = "/api/v1/handovers/files", operation_id = "import_handover_file", tag = "handovers",
    request_body(content = ExchangeFile, content_type = "application/octet-stream"),
    responses((status = 200, body = HandoverView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<Services>,
    Auth(caller): Auth,
    request: axum::extract::Request,
) -> ApiResult<Json<HandoverView>> {
    let bytes = axum::body::to_bytes(request.into_body(), MAX_FILE)
        .await
        .map_err(|_| crate::error::ApiError::BadRequest(format!("the file is larger than {MAX_FILE} bytes"), vec![]))?;
    Ok(Json(handovers::import(&state, &caller, &bytes).await?))
}

/// This installation's public exchange key and its fingerprint, to give to a partner.
#[utoipa::path(get, path = "/api/v1/installation", operation_id = "read_installation", tag = "handovers",
    responses((status = 200, body = InstallationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn installation(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<InstallationView>> {
    Ok(Json(installations::own(&state, &caller)?))
}

/// The partner installations handovers are exchanged with.
#[utoipa::path(get, path = "/api/v1/installations", operation_id = "list_installations", tag = "handovers",
    responses((status = 200, body = Vec<InstallationView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn partners(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<InstallationView>>> {
    Ok(Json(installations::list(&state, &caller).await?))
}

/// Registers a partner installation's public key; answers its fingerprint, to compare with the
/// partner's administrator by phone.
#[utoipa::path(post, path = "/api/v1/installations", operation_id = "register_installation", tag = "handovers",
    request_body = NewInstallation,
    responses((status = 201, body = InstallationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn register_partner(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(new): Body<NewInstallation>,
) -> ApiResult<(StatusCode, Json<InstallationView>)> {
    Ok((StatusCode::CREATED, Json(installations::register(&state, &caller, new).await?)))
}
