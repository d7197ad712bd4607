//! Staff accounts, managed by an administrator: list, create, change (role, office, provider,
//! grants, language, disabled, a new password). And each user's own language setting. Every
//! change is audited; passwords are stored only as argon2id hashes and never shown.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::account::NewAccount;
use homeward_domain::office::Office;
use homeward_service::Services;
use homeward_service::offices::{OfficeUpdate, OfficeView};
use homeward_service::session::SessionView;
use homeward_service::users as svc;
use homeward_service::users::*;

/// Every account.
#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users",
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(svc::list(&state, &caller).await?))
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", tag = "users", request_body = NewAccount,
    responses((status = 201, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(account): Body<NewAccount>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    Ok((StatusCode::CREATED, Json(svc::create(&state, &caller, account).await?)))
}

/// Changes an account. An administrator cannot lock themselves out (disable or demote their own
/// account), so there is always someone to manage the others.
#[utoipa::path(put, path = "/api/v1/users/{username}", operation_id = "change_user", tag = "users", params(("username" = String, Path)),
    request_body = AccountChange,
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(username): Path<String>,
    Body(change): Body<AccountChange>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(svc::update(&state, &caller, &username, change).await?))
}

/// Sets the language of the signed-in user's pages.
#[utoipa::path(put, path = "/api/v1/session/language", operation_id = "set_my_language", tag = "session", request_body = LanguageChoice,
    responses((status = 200, body = SessionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_language(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(choice): Body<LanguageChoice>,
) -> ApiResult<Json<SessionView>> {
    Ok(Json(svc::set_language(&state, &caller, choice).await?))
}

/// Every office; with its staff and case counts for administrators.
#[utoipa::path(get, path = "/api/v1/offices", operation_id = "list_offices", tag = "users",
    responses((status = 200, body = Vec<OfficeView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn offices(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<OfficeView>>> {
    Ok(Json(homeward_service::offices::list(&state, &caller).await?))
}

/// Records an office: its name (unique whatever its case), country, role in a return, languages
/// and contact.
#[utoipa::path(post, path = "/api/v1/offices", operation_id = "create_office", tag = "users",
    request_body = Office,
    responses((status = 201, body = OfficeView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_office(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(office): Body<Office>,
) -> ApiResult<(StatusCode, Json<OfficeView>)> {
    Ok((StatusCode::CREATED, Json(homeward_service::offices::create(&state, &caller, office).await?)))
}

/// Corrects an office's country, role, languages and contact (its name stays).
#[utoipa::path(put, path = "/api/v1/offices/{name}", operation_id = "update_office", tag = "users",
    params(("name" = String, Path)), request_body = OfficeUpdate,
    responses((status = 200, body = OfficeView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_office(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(name): Path<String>,
    Body(update): Body<OfficeUpdate>,
) -> ApiResult<Json<OfficeView>> {
    Ok(Json(homeward_service::offices::update(&state, &caller, &name, update).await?))
}

/// The grants of sensitive sections or emergency sharing waiting for a second administrator.
#[utoipa::path(get, path = "/api/v1/grant-requests", operation_id = "list_grant_requests", tag = "users",
    responses((status = 200, body = Vec<GrantRequestView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn pending_grants(
    State(state): State<Services>,
    Auth(caller): Auth,
) -> ApiResult<Json<Vec<GrantRequestView>>> {
    Ok(Json(svc::pending_grants(&state, &caller).await?))
}

/// A second administrator approves or refuses a grant (four eyes): neither the administrator
/// who asked for it nor its holder may.
#[utoipa::path(post, path = "/api/v1/grant-requests/{id}/decision", operation_id = "decide_grant_request", tag = "users",
    params(("id" = String, Path)), request_body = GrantDecision,
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide_grant(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(decision): Body<GrantDecision>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(svc::decide_grant(&state, &caller, &id, decision).await?))
}

/// Lifts the sign-in lock of an account after too many failed attempts, from every address.
#[utoipa::path(post, path = "/api/v1/users/{username}/unlock", operation_id = "unlock_user", tag = "users",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unlock(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    svc::unlock(&state, &caller, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The programme settings in force (from the settings folder or bundled, with their versions)
/// and the scoring profiles stored surveys have results under. Administrators only.
#[utoipa::path(get, path = "/api/v1/programme", operation_id = "read_programme", tag = "users",
    responses((status = 200, body = homeward_service::programme::ProgrammeView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn programme(
    State(state): State<Services>,
    Auth(caller): Auth,
) -> ApiResult<Json<homeward_service::programme::ProgrammeView>> {
    Ok(Json(homeward_service::programme::view(&state, &caller).await?))
}

/// Gives every stored survey a result under the profile in force, keeping every result there
/// is (surveys taken before the profile was configured). Administrators only.
#[utoipa::path(post, path = "/api/v1/programme/rescore", operation_id = "rescore_surveys", tag = "users",
    responses((status = 200, body = homeward_service::programme::RescoreReport), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn rescore(
    State(state): State<Services>,
    Auth(caller): Auth,
) -> ApiResult<Json<homeward_service::programme::RescoreReport>> {
    Ok(Json(homeward_service::programme::rescore(&state, &caller, &state.scorer).await?))
}
