//! The service directory (Annex 8): who a case can be referred to, filtered by place and service.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::access::Permission;
use homeward_domain::feasibility::Dimension;
use homeward_domain::provider::ServiceProvider;
use homeward_store::frames::ProviderRow;
use homeward_store::query::providers;
use homeward_store::{StoreError, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, Params};

/// Months after which a directory entry counts as stale and should be verified again.
const STALE_AFTER_MONTHS: u32 = 12;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderView {
    pub id: String,
    pub version: i64,
    /// Not verified within the last 12 months.
    pub stale: bool,
    pub data: ServiceProvider,
    pub created_at: String,
    pub updated_at: String,
}

impl ProviderView {
    fn new(row: &ProviderRow) -> Result<ProviderView, StoreError> {
        let data: ServiceProvider = from_json("provider", &row.data)?;
        Ok(ProviderView {
            id: row.id.clone(),
            version: row.version,
            stale: !data.is_current(homeward_store::today(), STALE_AFTER_MONTHS),
            data,
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
        })
    }
}

fn row_of(id: String, p: &ServiceProvider, version: i64) -> ProviderRow {
    let at = now();
    ProviderRow {
        id,
        organisation: p.organisation.trim().to_string(),
        country: p.country.to_string(),
        place: p.place.trim().to_string(),
        data: to_json(p),
        last_verified: p.last_verified.to_string(),
        version,
        created_at: at.clone(),
        updated_at: at,
    }
}

/// Adds a provider to the directory.
#[utoipa::path(post, path = "/api/v1/providers", tag = "providers", request_body = ServiceProvider,
    responses((status = 201, body = ProviderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    Body(provider): Body<ServiceProvider>,
) -> ApiResult<(StatusCode, Json<ProviderView>)> {
    caller.require(Permission::ManageProviders)?;
    provider.validate().map_err(ApiError::invalid)?;
    let row = row_of(new_id(), &provider, 1);
    let mut tx = state.store.begin().await?;
    providers::insert(&mut tx, &row).await?;
    homeward_store::commit(tx).await?;
    Ok((StatusCode::CREATED, Json(ProviderView::new(&row)?)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProviderQuery {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Town or district, exactly as in the directory.
    pub place: Option<String>,
    /// Words of a service type (`training` finds `vocational training`).
    pub service: Option<String>,
    pub dimension: Option<Dimension>,
}

/// The directory, for choosing where to refer. Every signed-in staff role may read it.
#[utoipa::path(get, path = "/api/v1/providers", tag = "providers", params(ProviderQuery),
    responses((status = 200, body = Vec<ProviderView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<ProviderQuery>,
) -> ApiResult<Json<Vec<ProviderView>>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let country = query.country.as_deref().map(str::to_ascii_uppercase);
    let rows = providers::list(&mut conn, country.as_deref(), query.place.as_deref()).await?;
    let service = query.service.as_deref().map(homeward_domain::search::fold);
    let mut out = Vec::new();
    for row in &rows {
        let view = ProviderView::new(row)?;
        let offers =
            |wanted: &str| view.data.services.iter().any(|s| homeward_domain::search::fold(s).contains(wanted));
        if service.as_deref().is_some_and(|s| !offers(s)) {
            continue;
        }
        if query.dimension.is_some_and(|d| !view.data.dimensions.contains(&d)) {
            continue;
        }
        out.push(view);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/providers/{provider_id}", tag = "providers", params(("provider_id" = String, Path)),
    responses((status = 200, body = ProviderView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ProviderView>> {
    let own = caller.access.provider.as_deref() == Some(id.as_str());
    if !own {
        caller.require(Permission::ReadCases)?;
    }
    let mut conn = state.store.read().await?;
    let row = providers::get(&mut conn, &id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(ProviderView::new(&row)?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderEdit {
    pub version: i64,
    pub data: ServiceProvider,
}

/// Corrects or re-verifies a directory entry.
#[utoipa::path(put, path = "/api/v1/providers/{provider_id}", tag = "providers", params(("provider_id" = String, Path)),
    request_body = ProviderEdit,
    responses((status = 200, body = ProviderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(edit): Body<ProviderEdit>,
) -> ApiResult<Json<ProviderView>> {
    caller.require(Permission::ManageProviders)?;
    edit.data.validate().map_err(ApiError::invalid)?;
    let mut tx = state.store.begin().await?;
    let old = providers::get(&mut tx, &id).await?.ok_or(ApiError::NotFound)?;
    let mut row = row_of(id, &edit.data, edit.version);
    row.created_at = old.created_at;
    row.version = providers::update(&mut tx, &row, edit.version).await?;
    homeward_store::commit(tx).await?;
    Ok(Json(ProviderView::new(&row)?))
}
