//! Cases: register a returnee, list and search, read, correct, move through the lifecycle.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Idempotency, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::returnee::Registration;
use homeward_service::Services;
use homeward_service::cases as svc;
use homeward_service::cases::*;
use homeward_service::views::*;

/// Registers a returnee and opens their case (in `pre_departure` when the return date is still
/// ahead, else `intake`).
#[utoipa::path(post, path = "/api/v1/cases", operation_id = "register_case", tag = "cases", request_body = Registration,
    params(("Idempotency-Key" = Option<String>, Header, description = "names this registration: sent again, to any app server, it answers the case made the first time")),
    responses((status = 201, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn register(
    State(state): State<Services>,
    Auth(caller): Auth,
    Idempotency(key): Idempotency,
    Body(registration): Body<Registration>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    Ok((StatusCode::CREATED, Json(svc::register_once(&state, &caller, registration, key).await?)))
}

/// Lists the cases in the caller's scope, filtered, a page at a time.
#[utoipa::path(get, path = "/api/v1/cases", operation_id = "list_cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = CasePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(query): Params<CaseQuery>,
) -> ApiResult<Json<CasePage>> {
    Ok(Json(svc::list(&state, &caller, query).await?))
}

/// Reads one case.
#[utoipa::path(get, path = "/api/v1/cases/{id}", operation_id = "read_case", tag = "cases", params(("id" = String, Path, description = "case id")),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(svc::read(&state, &caller, &id).await?))
}

/// Corrects the registration (names, dates, office, case manager, profile). 409 when someone
/// changed the case since `version` was read.
#[utoipa::path(put, path = "/api/v1/cases/{id}", operation_id = "correct_case", tag = "cases", params(("id" = String, Path)), request_body = CaseUpdate,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(update): Body<CaseUpdate>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(svc::update(&state, &caller, &id, update).await?))
}

/// Moves a case: an illegal move answers 409 naming the state and what it allows. Closing
/// (`close`, or `opt_out` at any time) records the closure.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", operation_id = "move_case", tag = "cases", params(("id" = String, Path)),
    request_body = CaseStep,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn transition(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(step): Body<CaseStep>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(svc::transition(&state, &caller, &id, step).await?))
}

/// Merges another case (the same person registered twice) into this one: every record, survey,
/// plan and referral moves here, and the other case is archived, pointing here. Supervisors and
/// administrators only; 409 when either case changed since read, is closed, or both have a plan.
#[utoipa::path(post, path = "/api/v1/cases/{id}/merge", operation_id = "merge_case", tag = "cases", params(("id" = String, Path)),
    request_body = homeward_service::merges::CaseMerge,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn merge(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(merge): Body<homeward_service::merges::CaseMerge>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(homeward_service::merges::merge(&state, &caller, &id, merge).await?))
}

/// The returnee's own file, produced on their request (a data-subject request, audited as
/// one): everything held about them as the caller may see it, with what is left out and why.
/// `medical=true` when the returnee asks for their medical records too. Not for roles that see
/// pseudonymised data.
#[utoipa::path(get, path = "/api/v1/cases/{id}/own-file", operation_id = "case_own_file", tag = "cases",
    params(("id" = String, Path), homeward_service::own_file::OwnFileQuery),
    responses((status = 200, body = homeward_service::own_file::OwnFile), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn own_file(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Params(query): Params<homeward_service::own_file::OwnFileQuery>,
) -> ApiResult<Json<homeward_service::own_file::OwnFile>> {
    Ok(Json(homeward_service::own_file::produce(&state, &caller, &id, query).await?))
}

/// Everything on a case in date order. Records of sections the caller is not granted are left
/// out.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", operation_id = "case_timeline", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<TimelineEntry>>> {
    Ok(Json(svc::timeline(&state, &caller, &id).await?))
}

/// Who read or changed the case, newest first (the last 500 entries). Admins only.
#[utoipa::path(get, path = "/api/v1/cases/{id}/audit", operation_id = "case_access_log", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Vec<AccessEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn access_log(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AccessEntry>>> {
    Ok(Json(svc::access_log(&state, &caller, &id).await?))
}

/// The caller's work: what falls due on their cases (a case manager's own, the office's for
/// others) today, this week, and overdue, each with the page where it is done, and counts per kind.
#[utoipa::path(get, path = "/api/v1/worklist", operation_id = "my_worklist", tag = "cases",
    responses((status = 200, body = homeward_service::worklist::Worklist), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn worklist(
    State(state): State<Services>,
    Auth(caller): Auth,
) -> ApiResult<Json<homeward_service::worklist::Worklist>> {
    Ok(Json(homeward_service::worklist::worklist(&state, &caller).await?))
}

/// The cases (in the caller's offices) that may be the person about to be registered: names that
/// sound the same, with what else matches. Call it before registering.
#[utoipa::path(post, path = "/api/v1/cases/duplicates", operation_id = "find_possible_duplicates", tag = "cases",
    request_body = Registration,
    responses((status = 200, body = Vec<homeward_service::duplicates::PossibleDuplicate>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn duplicates(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(registration): Body<Registration>,
) -> ApiResult<Json<Vec<homeward_service::duplicates::PossibleDuplicate>>> {
    Ok(Json(homeward_service::duplicates::possible_duplicates(&state, &caller, &registration).await?))
}

/// Registers a returnee the user confirmed is not any of the possible duplicates shown; the
/// confirmation is audited against each of them.
#[utoipa::path(post, path = "/api/v1/cases/confirmed", operation_id = "register_case_confirmed", tag = "cases",
    request_body = homeward_service::duplicates::ConfirmedRegistration,
    params(("Idempotency-Key" = Option<String>, Header, description = "names this registration: sent again, it answers the case made the first time")),
    responses((status = 201, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn register_confirmed(
    State(state): State<Services>,
    Auth(caller): Auth,
    Idempotency(key): Idempotency,
    Body(confirmed): Body<homeward_service::duplicates::ConfirmedRegistration>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    let case = homeward_service::duplicates::register_confirmed(&state, &caller, confirmed, key).await?;
    Ok((StatusCode::CREATED, Json(case)))
}
