//! Reintegration plans after the Annex 3 template: drafted, edited while a draft, agreed with
//! the returnee's and staff's attestations, activated, revised into a new version (which needs
//! consent again), completed or abandoned.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_service::Services;
use homeward_service::plans as svc;
use homeward_service::plans::*;

/// Starts the case's first plan, or a new one after the last was completed or abandoned.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plans", operation_id = "draft_plan", tag = "plans", params(("id" = String, Path)), request_body = PlanDraft,
    responses((status = 201, body = PlanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn draft(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
    Body(draft): Body<PlanDraft>,
) -> ApiResult<(StatusCode, Json<PlanView>)> {
    Ok((StatusCode::CREATED, Json(svc::draft(&state, &caller, &case_id, draft).await?)))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/plans", operation_id = "list_plans", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PlanView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<Json<Vec<PlanView>>> {
    Ok(Json(svc::list(&state, &caller, &case_id).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/plans/{plan_id}", operation_id = "read_plan", tag = "plans",
    params(("id" = String, Path), ("plan_id" = String, Path)),
    responses((status = 200, body = PlanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, plan_id)): Path<(String, String)>,
) -> ApiResult<Json<PlanView>> {
    Ok(Json(svc::read(&state, &caller, &case_id, &plan_id).await?))
}

/// Edits a draft. Agreed plans are changed only by revising them into a new version.
#[utoipa::path(put, path = "/api/v1/cases/{id}/plans/{plan_id}", operation_id = "edit_plan", tag = "plans",
    params(("id" = String, Path), ("plan_id" = String, Path)), request_body = PlanEdit,
    responses((status = 200, body = PlanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, plan_id)): Path<(String, String)>,
    Body(edit): Body<PlanEdit>,
) -> ApiResult<Json<PlanView>> {
    Ok(Json(svc::edit(&state, &caller, &case_id, &plan_id, edit).await?))
}

/// Moves a plan version. `agree` needs the attestation and moves a case in `planning` to
/// `plan_agreed`; `revise` supersedes the version and answers with the new draft version.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plans/{plan_id}/transitions", operation_id = "move_plan", tag = "plans",
    params(("id" = String, Path), ("plan_id" = String, Path)), request_body = PlanStep,
    responses((status = 200, body = PlanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn transition(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, plan_id)): Path<(String, String)>,
    Body(step): Body<PlanStep>,
) -> ApiResult<Json<PlanView>> {
    Ok(Json(svc::transition(&state, &caller, &case_id, &plan_id, step).await?))
}
