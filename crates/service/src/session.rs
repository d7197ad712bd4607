//! Signing in with a password for a token, and out again; and finding who a token belongs to.
//!
//! Attempts are limited twice (the limits are [`crate::settings::Settings`]):
//! - per client address, in memory, before any password is hashed or row written, so a
//!   stranger cannot slow the service down; then again in the database, so the limit holds for
//!   the sum of attempts made through every app server;
//! - per username *and* address, in the database (so it holds across app servers), counted and
//!   checked in one statement so concurrent attempts cannot slip past it. A stranger guessing
//!   from their address locks only themselves out, never the real user at their own desk; an
//!   administrator can lift a lock at once (`homeward admin unlock USER`).
//!
//! Sessions end after an idle time and an absolute lifetime, and at once when the account's
//! password, role, office or grants change or it is disabled (see [`crate::users`]).

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

fn minutes(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

/// Checks a username and password as signing in does (the per-address and per-username limits,
/// the decoy hash for unknown users, a refusal audited); the user, and the transaction in which
/// to record what follows.
async fn verify(
    state: &Services,
    credentials: Credentials,
    client: &str,
) -> Result<(homeward_store::frames::UserRow, homeward_store::Tx)> {
    let limits = &state.settings;
    if let Err(wait) =
        state.throttle.attempt(client, limits.attempts_per_address, limits.attempt_window, std::time::Instant::now())
    {
        return Err(ServiceError::TooManyAttempts(wait));
    }
    let username = homeward_domain::account::username_key(&credentials.username)
        .map_err(|problem| ServiceError::problem("username", problem))?;
    let now = Utc::now();
    let since = instant(now - minutes(limits.attempt_window));
    let mut tx = state.store.begin().await?;
    // The same per-address limit, counted for all app servers together: behind a load balancer
    // each server's own count sees only its share of the attempts.
    if users::count_address_attempt(&mut tx, client, &instant(now), &since).await?
        > i64::from(limits.attempts_per_address)
    {
        homeward_store::commit(tx).await?;
        return Err(ServiceError::TooManyAttempts(limits.attempt_window.as_secs()));
    }
    let attempts = users::count_attempt(&mut tx, &username, client, &instant(now), &since).await?;
    let user = users::get(&mut tx, &username).await?.filter(|u| !u.disabled);
    homeward_store::commit(tx).await?;
    if attempts > limits.attempts_per_username {
        let anonymous = Caller::anonymous(&username, client);
        let mut e = entry(&anonymous, "denied", "user", &username, None, &[]);
        e.fields = "too many sign-in attempts".into();
        state.reads.record_soon(vec![e]);
        return Err(ServiceError::TooManyAttempts(limits.attempt_window.as_secs()));
    }
    let hash = user.as_ref().map_or(DECOY, |u| u.password_hash.as_str()).to_string();
    let password = credentials.password;
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut tx = state.store.begin().await?;
    let Some(user) = user.filter(|_| verified) else {
        let anonymous = Caller::anonymous(&username, client);
        let mut e = entry(&anonymous, "denied", "user", &username, None, &[]);
        e.fields = "wrong username or password".into();
        homeward_store::audit::append(&mut tx, &state.audit_key, &[e]).await?;
        homeward_store::commit(tx).await?;
        return Err(ServiceError::NotSignedIn);
    };
    Ok((user, tx))
}

/// Signs in from `client` (the request's address): a new token for the user, or 401 (the same
/// for an unknown user and a wrong password), or 429 after too many attempts.
pub async fn sign_in(state: &Services, credentials: Credentials, client: &str) -> Result<SessionView> {
    let (user, mut tx) = verify(state, credentials, client).await?;
    let caller = Caller::from_user(&user, client);
    let token = auth::new_token();
    users::add_token(&mut tx, &auth::token_hash(&token), &user.username).await?;
    users::clear_attempts(&mut tx, &user.username, Some(client)).await?;
    homeward_store::audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(&caller, "sign_in", "user", &user.username, None, &[])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(SessionView::of(&caller, Some(token)))
}

/// A device (ODK Collect) acting as the user whose username and password it sends with each
/// request (HTTP Basic): checked and limited as signing in is, without a session; a refusal is
/// audited, a success is the import's own entries.
pub async fn device(state: &Services, credentials: Credentials, client: &str) -> Result<Caller> {
    let (user, mut tx) = verify(state, credentials, client).await?;
    users::clear_attempts(&mut tx, &user.username, Some(client)).await?;
    homeward_store::commit(tx).await?;
    Ok(Caller::from_user(&user, client).recording_denials(state.reads.clone()))
}

/// Who the token belongs to.
pub fn current(caller: &Caller) -> SessionView {
    SessionView::of(caller, None)
}

/// The user a session token belongs to, acting from `client`; `NotSignedIn` for an unknown or
/// revoked token, or a session past its idle time or lifetime.
pub async fn authenticate(state: &Services, token: &str, client: &str) -> Result<Caller> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ServiceError::NotSignedIn);
    }
    let hash = auth::token_hash(token);
    let mut conn = state.store.read().await?;
    let session = users::by_token(&mut conn, &hash).await?.ok_or(ServiceError::NotSignedIn)?;
    drop(conn);
    let now = Utc::now();
    let began = homeward_store::column::parse_instant(&session.created_at, "token created_at")?;
    let seen = homeward_store::column::parse_instant(&session.last_seen_at, "token last_seen_at")?;
    let settings = &state.settings;
    if now - began > minutes(settings.session_lifetime) || now - seen > minutes(settings.session_idle) {
        let mut tx = state.store.begin().await?;
        users::remove_token(&mut tx, &hash).await?;
        homeward_store::commit(tx).await?;
        return Err(ServiceError::NotSignedIn);
    }
    // Noting every use would make every read a write: once a minute is precise enough for an
    // idle time counted in minutes.
    if now - seen > Duration::minutes(1) {
        let mut tx = state.store.begin().await?;
        users::touch_token(&mut tx, &hash, &instant(now)).await?;
        homeward_store::commit(tx).await?;
    }
    Ok(Caller::from_user(&session.user, client).recording_denials(state.reads.clone()))
}

/// Signs out: the token stops working.
pub async fn sign_out(state: &Services, caller: &Caller, token: &str) -> Result<()> {
    let mut tx = state.store.begin().await?;
    users::remove_token(&mut tx, &auth::token_hash(token)).await?;
    homeward_store::audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "sign_out", "user", &caller.username, None, &[])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(())
}

/// A new API token for an existing, enabled account, shown once (the command line's
/// `admin create-token`, for scripts and integrations). Audited: who issued a token for whom.
pub async fn issue_token(state: &Services, caller: &Caller, username: &str) -> Result<String> {
    caller.require(Permission::ManageUsers)?;
    let token = auth::new_token();
    let username = &homeward_domain::account::username_key(username)
        .map_err(|problem| ServiceError::problem("username", problem))?;
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
    homeward_store::audit::append(&mut tx, &state.audit_key, &[entry(caller, "create", "token", username, None, &[])])
        .await?;
    homeward_store::commit(tx).await?;
    Ok(token)
}
