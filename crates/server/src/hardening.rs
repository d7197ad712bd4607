//! What every answer and connection gets, pages and API alike:
//! - the client's address ([`ClientAddress`]), for the audit log and the sign-in throttle (from
//!   the connection, or from `X-Forwarded-For` only when the connection is a trusted proxy);
//! - security headers: a content security policy that allows only Homeward's own files and no
//!   framing, `nosniff`, no referrer, and `Cache-Control: no-store` unless a handler said
//!   otherwise (only the vendored stylesheets and scripts do), so no case data stays in a
//!   shared browser's cache;
//! - time limits: on reading a request's headers (which also ends idle kept-alive connections)
//!   and its body, so stalled clients cannot hold connections forever.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The limits and trust of a deployment.
#[derive(Debug, Clone)]
pub struct Hardening {
    /// Proxies (load balancers) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Time to send a request's headers; also how long a kept-alive connection may sit idle.
    pub header_timeout: Duration,
    /// Time to send a request's body.
    pub body_timeout: Duration,
}

impl Default for Hardening {
    fn default() -> Hardening {
        Hardening {
            trusted_proxies: vec![],
            header_timeout: Duration::from_secs(30),
            // A megabyte over a poor mobile link takes a few minutes; nothing legitimate is slower.
            body_timeout: Duration::from_secs(300),
        }
    }
}

/// The address a request came from, as the audit log records it.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

/// The client address of a request, `unknown` when the server was not told (tests).
pub fn client_of(extensions: &axum::http::Extensions) -> String {
    extensions.get::<ClientAddress>().map_or_else(|| "unknown".to_string(), |c| c.0.clone())
}

/// The content security policy: Homeward's own files only, no inline script or style, no
/// framing (clickjacking), forms posted only to Homeward.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `router` with the client address, security headers and the body time limit.
pub fn harden(router: Router, hardening: &Hardening) -> Router {
    let trusted = hardening.trusted_proxies.clone();
    let body_timeout = hardening.body_timeout;
    router.layer(axum::middleware::from_fn(security_headers)).layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let trusted = trusted.clone();
            async move { with_body_deadline(client_address(request, &trusted), next, body_timeout).await }
        },
    ))
}

fn client_address(mut request: Request, trusted: &[IpAddr]) -> Request {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let address = match peer {
        Some(ip) if trusted.contains(&ip) => forwarded_for(&request, trusted).unwrap_or(ip),
        Some(ip) => ip,
        None => {
            request.extensions_mut().insert(ClientAddress("unknown".into()));
            return request;
        }
    };
    request.extensions_mut().insert(ClientAddress(address.to_string()));
    request
}

/// The nearest address in `X-Forwarded-For` that is not one of our proxies: the client as the
/// outermost trusted proxy saw it (anything further left the client could have written).
fn forwarded_for(request: &Request, trusted: &[IpAddr]) -> Option<IpAddr> {
    let header = request.headers().get_all("x-forwarded-for");
    let hops: Vec<IpAddr> = header
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.into_iter().rev().find(|ip| !trusted.contains(ip))
}

/// Reads the body within `limit`, or answers 408: a client that stalls mid-body does not hold a
/// handler (and its database connection) open.
async fn with_body_deadline(request: Request, next: Next, limit: Duration) -> Response {
    let (parts, body) = request.into_parts();
    // Larger than any form or JSON body Homeward accepts; the extractors apply their own limits.
    const MAX: usize = 16 << 20;
    match tokio::time::timeout(limit, axum::body::to_bytes(body, MAX)).await {
        Ok(Ok(bytes)) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Ok(Err(_)) => {
            ApiError::BadRequest(format!("the body is larger than {MAX} bytes or was cut off"), vec![]).into_response()
        }
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "the request body took too long to arrive; please try again",
        )
            .into_response(),
    }
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A handler may set a stricter policy of its own (a document's content: a sandbox).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Serves `app` on `listener` until `shutdown` completes, with the header time limit on every
/// connection (axum's own `serve` sets none) and each request told its peer address.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    hardening: &Hardening,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Too many open files and the like pass; keep serving the others.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        let header_timeout = hardening.header_timeout;
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move { tower::ServiceExt::oneshot(app, request.map(Body::new)).await }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> Request {
        let mut r = Request::new(Body::empty());
        r.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        if let Some(f) = forwarded {
            r.headers_mut().insert("x-forwarded-for", f.parse().unwrap());
        }
        r
    }

    fn address(r: &Request) -> String {
        client_of(r.extensions())
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let direct = client_address(request("203.0.113.7:5000", Some("198.51.100.1")), &[proxy]);
        assert_eq!(address(&direct), "203.0.113.7", "a client cannot claim another address");
        let proxied = client_address(request("10.0.0.2:5000", Some("6.6.6.6, 198.51.100.1")), &[proxy]);
        assert_eq!(address(&proxied), "198.51.100.1", "the hop the proxy saw, not what the client wrote");
        let unsure = client_address(request("10.0.0.2:5000", None), &[proxy]);
        assert_eq!(address(&unsure), "10.0.0.2");
    }
}
