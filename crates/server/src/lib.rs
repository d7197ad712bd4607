//! Homeward's HTTP JSON API under `/api/v1/`, with its OpenAPI document generated from the code
//! at `/api/v1/openapi.json`.
//!
//! - [`http`]: one module per resource; each handler reads the request, calls the operation in
//!   `homeward-service` (where access, validation, the transaction and audit are decided) and
//!   answers.
//! - [`extract`]: the bearer token, JSON bodies and query strings, whose problems name the field;
//!   [`error`]: each refusal as a status and a JSON body, never a 500 for input.
//!
//! The server holds no state of its own beyond pools and caches of read-only data: several can
//! run behind a load balancer on one PostgreSQL.

pub mod docs;
pub mod download;
pub mod error;
pub mod extract;
pub mod hardening;
pub mod http;
pub mod logging;
pub mod openapi;

use axum::Router;

/// The release of this build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit this build was made from, or `unknown` (see `build.rs`).
pub const COMMIT: &str = env!("HOMEWARD_COMMIT");
/// Both, as `--version` prints them: `0.1.0 (commit 1a2b3c4d5e6f)`.
pub const VERSION_AND_COMMIT: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("HOMEWARD_COMMIT"), ")");
pub use homeward_service::Services;

/// The API's routes, without the hardening layers (the web app adds them once around
/// everything it serves).
pub fn routes(state: Services) -> Router {
    http::routes().with_state(state)
}

/// The API alone, hardened (see [`hardening`]).
pub fn app(state: Services) -> Router {
    hardening::harden(routes(state), &hardening::Hardening::default())
}
