//! Signing in with a password for a token, and out again. Attempts are limited per client
//! address and per username from an address (see `homeward_service::session`).

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Client};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use homeward_service::Services;
use homeward_service::session as svc;
use homeward_service::session::*;

/// Signs in: a new token for the user, or 401 (the same for an unknown user and a wrong
/// password), or 429 after too many attempts.
#[utoipa::path(post, path = "/api/v1/session", operation_id = "sign_in", tag = "session", request_body = Credentials,
    responses((status = 201, body = SessionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<Services>,
    Client(client): Client,
    Body(credentials): Body<Credentials>,
) -> ApiResult<(StatusCode, Json<SessionView>)> {
    Ok((StatusCode::CREATED, Json(svc::sign_in(&state, credentials, &client).await?)))
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/session", operation_id = "current_session", tag = "session",
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn current(Auth(caller): Auth) -> Json<SessionView> {
    Json(svc::current(&caller))
}

/// Signs out: the token stops working.
#[utoipa::path(delete, path = "/api/v1/session", operation_id = "sign_out", tag = "session",
    responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn sign_out(State(state): State<Services>, Auth(caller): Auth, headers: HeaderMap) -> ApiResult<StatusCode> {
    let token = crate::extract::bearer(&headers).ok_or(ApiError::Unauthenticated)?;
    svc::sign_out(&state, &caller, token).await?;
    Ok(StatusCode::NO_CONTENT)
}
