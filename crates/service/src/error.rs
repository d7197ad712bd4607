//! What an operation can refuse, in terms of the operation, not of a transport: the JSON API
//! turns each into a status code, the web pages into a message in the user's language, the
//! command line into an exit.

use homeward_domain::TransitionError;
use homeward_domain::validate::FieldError;
use homeward_store::StoreError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ServiceError {
    /// The input cannot be read as the operation's input (an out-of-range page size, a
    /// filter that names nothing): nothing to validate yet.
    #[error("{0}")]
    Unreadable(String, Vec<FieldError>),
    /// Who is acting is not known: bad credentials, an expired session.
    #[error("not signed in")]
    NotSignedIn,
    /// The actor's role, grants or office do not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// Does not exist, or is outside the actor's scope (which is not disclosed).
    #[error("not found")]
    NotFound,
    /// A stale version, or a state that does not allow the action; with the current version
    /// when the record moved on.
    #[error("{0}")]
    Conflict(String, Option<i64>),
    /// Readable, but not valid: each bad field with its problem.
    #[error("{0}")]
    Invalid(String, Vec<FieldError>),
    /// Too many failed sign-ins for a user: try again after this many seconds.
    #[error("too many failed sign-ins: try again in {0} seconds")]
    TooManyAttempts(u64),
    /// The database or the machine failed; nothing half-done is kept.
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

impl ServiceError {
    /// Every problem of an input, with a one-sentence summary.
    pub fn invalid(fields: Vec<FieldError>) -> ServiceError {
        let error = match fields.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields are not valid", fields.len()),
        };
        ServiceError::Invalid(error, fields)
    }

    /// One field's problem said only in words (code `other`): the analyses' refusals.
    pub fn field(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::invalid(vec![FieldError::new(field, message)])
    }

    /// One field's problem, with its code and parameters.
    pub fn problem(field: &str, problem: homeward_domain::validate::Problem) -> ServiceError {
        ServiceError::invalid(vec![FieldError::of(field, problem)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> ServiceError {
        match e {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::Conflict { current } => ServiceError::Conflict(e.to_string(), Some(current)),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<TransitionError> for ServiceError {
    fn from(e: TransitionError) -> ServiceError {
        ServiceError::Conflict(e.to_string(), None)
    }
}
