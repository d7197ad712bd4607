//! `GET /healthz`: whether the server and its database answer, and which build answers (for
//! load balancers and whoever is on call). 503 when the database does not answer, so a load
//! balancer takes this server out of rotation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_service::Services;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// The release, e.g. `0.1.0`.
    pub version: &'static str,
    /// The commit the binary was built from (`unknown` when built outside a git checkout).
    pub commit: &'static str,
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/healthz", tag = "system", operation_id = "health",
    responses((status = 200, description = "the server and its database answer", body = Health),
        (status = 503, description = "the database does not answer", body = Health)))]
pub async fn healthz(State(state): State<Services>) -> (StatusCode, Json<Health>) {
    let database = match state.store.backend() {
        homeward_store::Backend::Sqlite => "sqlite",
        homeward_store::Backend::Postgres => "postgres",
    };
    let (status, word) = match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(cause) => {
            tracing::error!(%cause, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    };
    (status, Json(Health { status: word, database, version: crate::VERSION, commit: crate::COMMIT }))
}
