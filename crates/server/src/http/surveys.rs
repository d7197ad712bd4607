//! RSS surveys taken in a case: scored when recorded, with the same status and score fields as
//! the batch output and the profile that produced them.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Idempotency};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_service::Services;
use homeward_service::surveys as svc;
use homeward_service::surveys::*;
use homeward_service::views::*;

/// Records and scores a survey. 201 for a `scored` or `discarded` survey (a discarded attempt
/// stays on the case's record, without scores); 422 for an `invalid` one, naming the question
/// and the value, and nothing is stored.
#[utoipa::path(post, path = "/api/v1/cases/{id}/surveys", operation_id = "record_survey", tag = "surveys", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "names this creation: sent again, it answers the survey stored the first time")),
    request_body = SurveyRequest,
    responses((status = 201, body = SurveyView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn take(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
    Idempotency(key): Idempotency,
    Body(request): Body<SurveyRequest>,
) -> ApiResult<(StatusCode, Json<SurveyView>)> {
    Ok((StatusCode::CREATED, Json(svc::take_once(&state, &caller, &case_id, request, key).await?)))
}

/// The case's surveys by date, each with its results: compare them to see progress.
#[utoipa::path(get, path = "/api/v1/cases/{id}/surveys", operation_id = "list_surveys", tag = "surveys", params(("id" = String, Path)),
    responses((status = 200, body = Vec<SurveyView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<Json<Vec<SurveyView>>> {
    Ok(Json(svc::list(&state, &caller, &case_id).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/surveys/{survey_id}", operation_id = "read_survey", tag = "surveys",
    params(("id" = String, Path), ("survey_id" = String, Path)),
    responses((status = 200, body = SurveyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, survey_id)): Path<(String, String)>,
) -> ApiResult<Json<SurveyView>> {
    Ok(Json(svc::read(&state, &caller, &case_id, &survey_id).await?))
}
