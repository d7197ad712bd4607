//! Reading requests: who is calling (the bearer token), JSON bodies and query strings whose
//! errors name the field at fault.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use homeward_domain::validate::FieldError;
use homeward_service::{Caller, Services};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest body accepted: a plan with all its components is far smaller.
const MAX_BODY: usize = 1 << 20;

/// A JSON body. Syntax errors answer 400; a wrong or missing field answers 422 naming it
/// (`components[2].dimension`), as serde_path_to_error locates it.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| ApiError::BadRequest(e.body_text(), vec![]))?;
        if bytes.len() > MAX_BODY {
            return Err(ApiError::BadRequest(format!("the body is larger than {MAX_BODY} bytes"), vec![]));
        }
        parse(&bytes).map(Body)
    }
}

/// Parses a JSON body, naming the field of the first problem.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    Ok(homeward_service::input::from_json_text(bytes)?)
}

/// A query string, read with serde: unknown parameters are refused, so a typo in a filter does
/// not silently return everything.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Params).map_err(|e| {
            let field = e.path().to_string();
            let message = e.into_inner().to_string();
            let field = if field == "." { message.split('`').nth(1).unwrap_or("query").to_string() } else { field };
            let problem = format!("query parameter {field}: {message}");
            ApiError::BadRequest(problem, vec![FieldError::new(field, message)])
        })
    }
}

/// The token of `Authorization: Bearer TOKEN`, if the request has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The signed-in user of a request, from its bearer token; 401 without a valid one.
#[derive(Debug)]
pub struct Auth(pub Caller);

impl FromRequestParts<Services> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Services) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let client = crate::hardening::client_of(&parts.extensions);
        let caller = homeward_service::session::authenticate(state, token, &client).await?;
        crate::logging::RequestUser::record(&parts.extensions, &caller.username);
        Ok(Auth(caller))
    }
}

/// The client's address (see [`crate::hardening`]), for operations that run before anyone is
/// signed in.
#[derive(Debug)]
pub struct Client(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(crate::hardening::client_of(&parts.extensions)))
    }
}

/// The `Idempotency-Key` header of a creation, if sent: the same key again answers what the
/// first request created (see `homeward_service::idempotency`). A malformed key answers 422.
#[derive(Debug)]
pub struct Idempotency(pub Option<homeward_service::idempotency::IdempotencyKey>);

impl<S: Send + Sync> FromRequestParts<S> for Idempotency {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else { return Ok(Idempotency(None)) };
        let text = value.to_str().unwrap_or("\u{0}");
        Ok(Idempotency(Some(homeward_service::idempotency::IdempotencyKey::parse(text)?)))
    }
}
