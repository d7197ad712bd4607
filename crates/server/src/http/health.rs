//! `GET /healthz`: whether the server and its database answer (for load balancers).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use homeward_service::Services;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<Services>) -> ApiResult<Json<Health>> {
    state.store.ping().await?;
    let database = match state.store.backend() {
        homeward_store::Backend::Sqlite => "sqlite",
        homeward_store::Backend::Postgres => "postgres",
    };
    Ok(Json(Health { status: "ok", database }))
}
