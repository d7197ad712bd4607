//! Signing in with a password for a token, and out again. Failed attempts are counted in the
//! database (so the limit holds across app servers): after five in fifteen minutes a username
//! is refused with 429 until the window has passed.

use chrono::{Duration, SecondsFormat, Utc};
use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::problem;
use homeward_store::query::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::{self, Caller};
use crate::error::{Result, ServiceError};

/// Failed attempts allowed per username within [`WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MINUTES: i64 = 15;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Who is signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub username: String,
    pub role: String,
    pub office: Option<String>,
    pub sections: Vec<Section>,
    pub language: String,
    /// Only when signing in: the bearer token for later requests, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl SessionView {
    pub(crate) fn of(caller: &Caller, token: Option<String>) -> SessionView {
        SessionView {
            username: caller.username.clone(),
            role: caller.access.role.name().to_string(),
            office: caller.access.office.clone(),
            sections: caller.access.sections.clone(),
            language: caller.language.clone(),
            token,
        }
    }
}

/// A valid argon2id hash of nothing anyone types, checked when the username is unknown, so the
/// answer takes as long as for a known one.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$8Oa1T7k6qSxWqgtqo1ZiMvmpUhVfJ8TIvcdmM8VhsXk";

fn instant(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Signs in: a new token for the user, or 401 (the same for an unknown user and a wrong
/// password), or 429 after too many failures.
pub async fn sign_in(state: &Services, credentials: Credentials) -> Result<SessionView> {
    let username = credentials.username.trim().to_string();
    if username.is_empty() || username.len() > 100 || username.contains('\0') {
        return Err(ServiceError::problem("username", problem!("required", "is required")));
    }
    let now = Utc::now();
    let since = instant(now - Duration::minutes(WINDOW_MINUTES));
    let mut conn = state.store.read().await?;
    if users::failures_since(&mut conn, &username, &since).await? >= MAX_FAILURES {
        return Err(ServiceError::TooManyAttempts((WINDOW_MINUTES * 60) as u64));
    }
    let user = users::get(&mut conn, &username).await?.filter(|u| !u.disabled);
    drop(conn);
    let hash = user.as_ref().map_or(DECOY, |u| u.password_hash.as_str()).to_string();
    let password = credentials.password;
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut tx = state.store.begin().await?;
    let Some(user) = user.filter(|_| verified) else {
        users::record_failure(&mut tx, &username, &instant(now)).await?;
        homeward_store::commit(tx).await?;
        return Err(ServiceError::NotSignedIn);
    };
    let caller = Caller::from_user(&user);
    let token = auth::new_token();
    users::add_token(&mut tx, &auth::token_hash(&token), &user.username).await?;
    users::clear_failures(&mut tx, &user.username).await?;
    homeward_store::audit::append(&mut tx, &[entry(&user.username, "sign_in", "user", &user.username, None, &[])])
        .await?;
    homeward_store::commit(tx).await?;
    Ok(SessionView::of(&caller, Some(token)))
}

/// Who the token belongs to.
pub fn current(caller: &Caller) -> SessionView {
    SessionView::of(caller, None)
}

/// The user a session token belongs to; `NotSignedIn` for an unknown or revoked token.
pub async fn authenticate(state: &Services, token: &str) -> Result<Caller> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ServiceError::NotSignedIn);
    }
    let mut conn = state.store.read().await?;
    let user = users::by_token(&mut conn, &auth::token_hash(token)).await?.ok_or(ServiceError::NotSignedIn)?;
    Ok(Caller::from_user(&user))
}

/// Signs out: the token stops working.
pub async fn sign_out(state: &Services, caller: &Caller, token: &str) -> Result<()> {
    let mut tx = state.store.begin().await?;
    users::remove_token(&mut tx, &auth::token_hash(token)).await?;
    homeward_store::audit::append(&mut tx, &[entry(&caller.username, "sign_out", "user", &caller.username, None, &[])])
        .await?;
    homeward_store::commit(tx).await?;
    Ok(())
}

/// A new API token for an existing, enabled account, shown once (the command line's
/// `admin create-token`, for scripts and integrations). Audited: who issued a token for whom.
pub async fn issue_token(state: &Services, caller: &Caller, username: &str) -> Result<String> {
    caller.require(Permission::ManageUsers)?;
    let token = auth::new_token();
    let mut tx = state.store.begin().await?;
    match users::get(&mut tx, username).await? {
        Some(user) if !user.disabled => {}
        Some(_) => {
            let problem = problem!("account_disabled", "the account '{username}' is disabled", username = username);
            return Err(ServiceError::problem("username", problem));
        }
        None => {
            let problem = problem!("no_such_account", "there is no account '{username}'", username = username);
            return Err(ServiceError::problem("username", problem));
        }
    }
    users::add_token(&mut tx, &auth::token_hash(&token), username).await?;
    homeward_store::audit::append(&mut tx, &[entry(&caller.username, "create", "token", username, None, &[])]).await?;
    homeward_store::commit(tx).await?;
    Ok(token)
}
