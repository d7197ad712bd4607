//! The browser's session: a cookie holding an API token (HttpOnly, SameSite=Lax, Secure when the
//! page came over HTTPS), and CSRF protection on every form: a form carries a token derived from
//! the session (or, before sign-in, matching a cookie), which another site cannot read.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_service::Services;
use homeward_service::auth::Caller;

pub const SESSION_COOKIE: &str = "hw_session";
pub const CSRF_COOKIE: &str = "hw_csrf";

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the page was asked for over HTTPS (directly or through a proxy that says so).
fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: u32) -> HeaderValue {
    let secure = if is_https(headers) { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).expect("cookie values are ASCII tokens")
}

/// The form token of a session: derived from the session's token, so it needs no storage and
/// changes when the user signs in again.
pub fn csrf_for(session_token: &str) -> String {
    homeward_store::sha256_hex(format!("csrf:{session_token}").as_bytes())[..32].to_string()
}

/// A signed-in user of the web app.
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub token: String,
    pub csrf: String,
}

/// Where a request without a valid session goes.
#[derive(Debug)]
pub struct SignInFirst;

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to("/sign-in").into_response()
    }
}

impl FromRequestParts<Services> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Services) -> Result<Self, Response> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(|| SignInFirst.into_response())?.to_string();
        let client = homeward_server::hardening::client_of(&parts.extensions);
        let caller =
            homeward_service::session::authenticate(state, &token, &client).await.map_err(crate::layout::failure)?;
        homeward_server::logging::RequestUser::record(&parts.extensions, &caller.username);
        Ok(Session { csrf: csrf_for(&token), caller, token })
    }
}

/// The hidden field of a form that creates something: its idempotency key.
pub const ONCE: &str = "idempotency_key";

/// A fresh idempotency key for a form.
pub fn new_once() -> String {
    homeward_service::auth::new_token()[3..35].to_string()
}

/// The idempotency key a form was posted with; a malformed one (only tampering makes one) is
/// left out.
pub fn once_of(typed: &[(String, String)]) -> Option<homeward_service::idempotency::IdempotencyKey> {
    let (_, v) = typed.iter().find(|(k, _)| k == ONCE)?;
    homeward_service::idempotency::IdempotencyKey::parse(v).ok()
}

impl Session {
    /// A fresh idempotency key, for a form's hidden field.
    pub fn once(&self) -> String {
        new_once()
    }
}

/// A form posted by the signed-in user, its CSRF token checked: the fields as pairs, in the
/// order sent (a name repeats for ticked boxes). A form without the session's token is refused
/// with 403 before any handler sees it.
#[derive(Debug)]
pub struct Posted(pub Vec<(String, String)>);

impl FromRequest<Services> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &Services) -> Result<Self, Response> {
        let token = cookie(request.headers(), SESSION_COOKIE).map(csrf_for).unwrap_or_default();
        let Form(pairs) =
            Form::<Vec<(String, String)>>::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        let sent = pairs.iter().rev().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v.as_str());
        if token.is_empty() || sent != token {
            return Err(StatusCode::FORBIDDEN.into_response());
        }
        Ok(Posted(pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_and_set_http_only_same_site_and_secure_over_https() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; hw_session=tok; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&headers, "missing"), None);
        let plain = set_cookie(&headers, SESSION_COOKIE, "tok", 3600);
        assert_eq!(plain.to_str().unwrap(), "hw_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(set_cookie(&headers, SESSION_COOKIE, "tok", 3600).to_str().unwrap().ends_with("; Secure"));
    }

    #[test]
    fn the_form_token_follows_the_session() {
        assert_eq!(csrf_for("a"), csrf_for("a"));
        assert_ne!(csrf_for("a"), csrf_for("b"));
        assert_eq!(csrf_for("a").len(), 32);
    }
}
