//! The service directory (Annex 8): who a case can be referred to, filtered by place and service.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::provider::ServiceProvider;
use homeward_service::Services;
use homeward_service::providers as svc;
use homeward_service::providers::*;

/// Adds a provider to the directory.
#[utoipa::path(post, path = "/api/v1/providers", operation_id = "add_provider", tag = "providers", request_body = ServiceProvider,
    responses((status = 201, body = ProviderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(provider): Body<ServiceProvider>,
) -> ApiResult<(StatusCode, Json<ProviderView>)> {
    Ok((StatusCode::CREATED, Json(svc::add(&state, &caller, provider).await?)))
}

/// The directory, for choosing where to refer. Every signed-in staff role may read it.
#[utoipa::path(get, path = "/api/v1/providers", operation_id = "list_providers", tag = "providers", params(ProviderQuery),
    responses((status = 200, body = Vec<ProviderView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(query): Params<ProviderQuery>,
) -> ApiResult<Json<Vec<ProviderView>>> {
    Ok(Json(svc::list(&state, &caller, query).await?))
}

#[utoipa::path(get, path = "/api/v1/providers/{provider_id}", operation_id = "read_provider", tag = "providers", params(("provider_id" = String, Path)),
    responses((status = 200, body = ProviderView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProviderView>> {
    Ok(Json(svc::read(&state, &caller, &id).await?))
}

/// Corrects or re-verifies a directory entry.
#[utoipa::path(put, path = "/api/v1/providers/{provider_id}", operation_id = "edit_provider", tag = "providers", params(("provider_id" = String, Path)),
    request_body = ProviderEdit,
    responses((status = 200, body = ProviderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(edit): Body<ProviderEdit>,
) -> ApiResult<Json<ProviderView>> {
    Ok(Json(svc::edit(&state, &caller, &id, edit).await?))
}
