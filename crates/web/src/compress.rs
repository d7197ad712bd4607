//! Gzip for the web app's pages, stylesheet and script, when the browser accepts it: field
//! offices are on slow links, and HTML compresses five- to tenfold. Bodies are small (one page),
//! so they are compressed whole; the API's JSON is left as it is.

use std::io::Write;

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Bodies smaller than this gain nothing from compression.
const WORTH_IT: usize = 1024;
/// The largest body compressed (a page is far smaller).
const AT_MOST: usize = 8 << 20;

fn accepts_gzip(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused =
                parts.any(|p| matches!(p.trim().replace(' ', "").as_str(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn is_text(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("text/css") || t.starts_with("text/javascript"))
}

pub async fn gzip(request: Request, next: Next) -> Response {
    let wanted = accepts_gzip(&request);
    let response = next.run(request).await;
    if !wanted || !is_text(&response) || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, AT_MOST).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if bytes.len() < WORTH_IT {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::new(6));
    let compressed = encoder.write_all(&bytes).and_then(|()| encoder.finish());
    match compressed {
        Ok(compressed) => {
            parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(compressed))
        }
        // Compression cannot fail on memory; if it ever did, the page goes as it is.
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}
