//! Referrals to service providers. Data leaves only in a referral packet, with exactly the
//! fields chosen for it, and only with a current consent to share with that provider for the
//! plan version the referral serves (or on the urgent path, by a mental-health professional).

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::referral::{ReferralRequest, ReferralStep};
use homeward_service::Services;
use homeward_service::referrals as svc;
use homeward_service::referrals::*;

/// Proposes a referral (or, with `consent_override_reason`, by a user granted emergency sharing, starts it on the urgent path).
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", operation_id = "propose_referral", tag = "referrals", params(("id" = String, Path)),
    request_body = ReferralRequest,
    responses((status = 201, body = ReferralView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn propose(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
    Body(request): Body<ReferralRequest>,
) -> ApiResult<(StatusCode, Json<ReferralView>)> {
    Ok((StatusCode::CREATED, Json(svc::propose(&state, &caller, &case_id, request).await?)))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/referrals", operation_id = "list_referrals", tag = "referrals", params(("id" = String, Path)),
    responses((status = 200, body = Vec<ReferralView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<Json<Vec<ReferralView>>> {
    Ok(Json(svc::list(&state, &caller, &case_id).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/referrals/{referral_id}", operation_id = "read_referral", tag = "referrals",
    params(("id" = String, Path), ("referral_id" = String, Path)),
    responses((status = 200, body = ReferralView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, referral_id)): Path<(String, String)>,
) -> ApiResult<Json<ReferralView>> {
    Ok(Json(svc::read(&state, &caller, &case_id, &referral_id).await?))
}

/// Moves a referral. `consent` and `send` need a current consent to share with the provider for
/// the plan version (refused with 422 saying which consent is missing); `send` freezes the
/// packet the provider will see.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals/{referral_id}/transitions", operation_id = "move_referral", tag = "referrals",
    params(("id" = String, Path), ("referral_id" = String, Path)), request_body = ReferralStep,
    responses((status = 200, body = ReferralView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, referral_id)): Path<(String, String)>,
    Body(step): Body<ReferralStep>,
) -> ApiResult<Json<ReferralView>> {
    Ok(Json(svc::step(&state, &caller, &case_id, &referral_id, step).await?))
}

/// The referrals sent without consent (life at risk) in the caller's offices, newest first, for
/// a supervisor's review.
#[utoipa::path(get, path = "/api/v1/consent-overrides", operation_id = "list_consent_overrides", tag = "referrals",
    responses((status = 200, body = Vec<OverrideView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn overrides(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<OverrideView>>> {
    Ok(Json(svc::overrides(&state, &caller).await?))
}
