//! RSS surveys taken in a case: scored when recorded, with the same status and score fields as
//! the batch output and the profile that produced them.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Idempotency, Params};
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

/// An export file as sent: its bytes.
#[derive(Debug, utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the request body; the handler reads the bytes itself
pub struct ExportFile(Vec<u8>);

const XLSX_MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Largest export accepted through the API (a bigger one goes through `homeward import surveys`).
const MAX_EXPORT: usize = 16 << 20;

/// Imports RSS submissions exported from KoboToolbox or ODK Central (CSV or XLSX, "XML values
/// and headers") into the cases they name: each row attached by case number and round, scored,
/// stored once per instance id. The report names every row not imported, with its column and
/// reason. `dry_run=true` stores nothing and answers what the import would do. Send the file as
/// it is, as `application/octet-stream`, `text/csv` or the XLSX media type.
#[utoipa::path(post, path = "/api/v1/surveys/imports", operation_id = "import_surveys", tag = "surveys",
    params(homeward_service::imports::ImportQuery),
    request_body(content = ExportFile, content_type = "application/octet-stream"),
    responses((status = 200, body = homeward_service::imports::ImportReport), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(query): Params<homeward_service::imports::ImportQuery>,
    request: axum::extract::Request,
) -> ApiResult<Json<homeward_service::imports::ImportReport>> {
    let is_file =
        request.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.split(';').next().is_some_and(|m| {
                let m = m.trim();
                ["text/csv", "application/octet-stream", XLSX_MEDIA_TYPE].iter().any(|t| m.eq_ignore_ascii_case(t))
            })
        });
    let bytes = axum::body::to_bytes(request.into_body(), MAX_EXPORT).await.map_err(|_| {
        crate::error::ApiError::BadRequest(format!("the export is larger than {MAX_EXPORT} bytes"), vec![])
    })?;
    let file = is_file.then_some(&bytes[..]);
    Ok(Json(homeward_service::imports::import_file(&state, &caller, file, query).await?))
}
