//! Retention: the purge of closed cases past their time, and legal holds that stop it.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_service::Services;
use homeward_service::retention::{self, LegalHold, LegalHoldView, PurgeReport};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PurgeQuery {
    /// Only say what would be removed (default: true; `false` removes it).
    pub dry_run: Option<bool>,
}

/// Removes what the retention policy says is past its time from closed cases not under a legal
/// hold, and anonymises them once their identity's time is past; the report says what.
#[utoipa::path(post, path = "/api/v1/retention/purge", operation_id = "purge", tag = "users",
    params(PurgeQuery),
    responses((status = 200, body = PurgeReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn purge(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(q): Params<PurgeQuery>,
) -> ApiResult<Json<PurgeReport>> {
    Ok(Json(retention::purge(&state, &caller, q.dry_run.unwrap_or(true)).await?))
}

/// The legal hold on a case (404 when there is none).
#[utoipa::path(get, path = "/api/v1/cases/{case_id}/legal-hold", operation_id = "read_legal_hold", tag = "cases",
    params(("case_id" = String, Path)),
    responses((status = 200, body = LegalHoldView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_hold(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<Json<LegalHoldView>> {
    let hold = retention::hold_of(&state, &caller, &case_id).await?;
    Ok(Json(hold.ok_or(homeward_service::ServiceError::NotFound)?))
}

/// Places a legal hold on a case: the purge leaves it whole.
#[utoipa::path(put, path = "/api/v1/cases/{case_id}/legal-hold", operation_id = "place_legal_hold", tag = "cases",
    params(("case_id" = String, Path)), request_body = LegalHold,
    responses((status = 200, body = LegalHoldView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn place_hold(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
    Body(hold): Body<LegalHold>,
) -> ApiResult<Json<LegalHoldView>> {
    Ok(Json(retention::hold(&state, &caller, &case_id, hold).await?))
}

/// Lifts a case's legal hold.
#[utoipa::path(delete, path = "/api/v1/cases/{case_id}/legal-hold", operation_id = "lift_legal_hold", tag = "cases",
    params(("case_id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn lift_hold(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<StatusCode> {
    retention::release(&state, &caller, &case_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
