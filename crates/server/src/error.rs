//! Every error the API answers with: a status and a JSON body that says what is wrong, naming
//! each bad field. A user's input never causes a 500; a 500 means the database failed.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in a sentence.
    pub error: String,
    /// Each bad field with its problem (for 400 and 422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// The record's current version (for 409).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request cannot be read (bad JSON, bad query parameter).
    BadRequest(String, Vec<FieldError>),
    /// 401: no valid token.
    Unauthenticated,
    /// 403: signed in, but the role or grants do not allow it.
    Forbidden(String),
    /// 404: does not exist, or is outside the user's scope (which is not disclosed).
    NotFound,
    /// 409: stale version, or a state that does not allow the action.
    Conflict(String, Option<i64>),
    /// 415: the body is not JSON.
    UnsupportedMediaType,
    /// 422: readable, but not valid.
    Invalid(String, Vec<FieldError>),
    /// 429: too many failed sign-ins; try again after this many seconds.
    TooManyAttempts(u64),
    /// 500: the database failed; logged, and nothing half-written is kept.
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> ApiError {
        match e {
            ServiceError::Unreadable(message, fields) => ApiError::BadRequest(message, fields),
            ServiceError::NotSignedIn => ApiError::Unauthenticated,
            ServiceError::Forbidden(message) => ApiError::Forbidden(message),
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Conflict(message, version) => ApiError::Conflict(message, version),
            ServiceError::Invalid(message, fields) => ApiError::Invalid(message, fields),
            ServiceError::TooManyAttempts(seconds) => ApiError::TooManyAttempts(seconds),
            ServiceError::Internal(message) => ApiError::Internal(message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, fields, current_version) = match self {
            ApiError::BadRequest(e, f) => (StatusCode::BAD_REQUEST, e, f, None),
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "sign in: send `Authorization: Bearer TOKEN` (tokens come from `homeward admin create-token`)".into(),
                vec![],
                None,
            ),
            ApiError::Forbidden(e) => (StatusCode::FORBIDDEN, e, vec![], None),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not found".into(), vec![], None),
            ApiError::Conflict(e, v) => (StatusCode::CONFLICT, e, vec![], v),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the body as application/json".into(), vec![], None)
            }
            ApiError::Invalid(e, f) => (StatusCode::UNPROCESSABLE_ENTITY, e, f, None),
            ApiError::TooManyAttempts(seconds) => {
                let error =
                    format!("too many failed sign-ins for this user: try again in {} minutes", seconds.div_ceil(60));
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, Json(ErrorBody { error, fields: vec![], current_version: None }))
                        .into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                return response;
            }
            ApiError::Internal(e) => {
                tracing::error!(cause = %e, "request failed; nothing was changed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server could not complete the request; nothing was changed".into(),
                    vec![],
                    None,
                )
            }
        };
        let unauthenticated = status == StatusCode::UNAUTHORIZED;
        let mut response = (status, Json(ErrorBody { error, fields, current_version })).into_response();
        if unauthenticated {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
