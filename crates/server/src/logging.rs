//! One log line per request: method, route template (`/api/v1/cases/{id}`, never the address
//! with its ids or query, which may hold a searched name), status, duration and the signed-in
//! user's account name. Never a returnee's name or any case content.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Who made the request, filled in by whichever extractor signs the user in (the API's bearer
/// token or the web app's session), read when the request is logged.
#[derive(Debug, Clone, Default)]
pub struct RequestUser(Arc<OnceLock<String>>);

impl RequestUser {
    /// Records the signed-in user of the request in `extensions`, if it is being logged.
    pub fn record(extensions: &axum::http::Extensions, username: &str) {
        if let Some(user) = extensions.get::<RequestUser>() {
            let _ = user.0.set(username.to_string());
        }
    }
}

/// Logs every request of `router` once it is answered.
pub fn with_request_log<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(axum::middleware::from_fn(log_request))
}

async fn log_request(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or("(no route)", |p| p.as_str()).to_string();
    let user = RequestUser::default();
    request.extensions_mut().insert(user.clone());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let user = user.0.get().map_or("-", String::as_str);
    tracing::info!(target: "homeward::request", %method, %route, status, duration_ms, user, "request");
    response
}
