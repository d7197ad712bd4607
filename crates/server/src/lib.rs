//! Homeward's HTTP JSON API under `/api/v1/`, with its OpenAPI document generated from the code
//! at `/api/v1/openapi.json`.
//!
//! - [`http`]: one module per resource; each handler checks access, opens the transaction and
//!   decides whether it commits. SQL lives in `homeward-store`, rules in `homeward-domain`.
//! - [`auth`]: bearer tokens, passwords; [`audit`]: reads audited with group commit.
//! - [`extract`] and [`error`]: requests whose problems name the field, never a 500 for input.
//!
//! The server holds no state of its own beyond pools and caches of read-only data: several can
//! run behind a load balancer on one PostgreSQL.

pub mod audit;
pub mod auth;
pub mod error;
pub mod extract;
pub mod http;
pub mod openapi;
pub mod views;

use std::sync::Arc;

use axum::Router;
use homeward_domain::feasibility::FeasibilityGrid;
use homeward_domain::timing::TimingRules;
use homeward_rss::Scorer;
use homeward_store::Store;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub scorer: Arc<Scorer>,
    pub grid: Arc<FeasibilityGrid>,
    pub timing: Arc<TimingRules>,
    pub reads: audit::ReadAudit,
}

impl AppState {
    /// State on `store` with the bundled instrument, provisional profile, grid and timing rules.
    /// Starts the read-audit writer, so call it inside the runtime.
    pub fn new(store: Store, scorer: Scorer) -> AppState {
        AppState {
            reads: audit::ReadAudit::start(store.clone()),
            store,
            scorer: Arc::new(scorer),
            grid: Arc::new(FeasibilityGrid::builtin()),
            timing: Arc::new(TimingRules::builtin()),
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    http::routes().with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}
