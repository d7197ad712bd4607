//! Staff accounts, managed by an administrator: list, create, change (role, office, provider,
//! grants, language, disabled, a new password). And each user's own language setting. Every
//! change is audited; passwords are stored only as argon2id hashes and never shown.

use homeward_domain::access::{Permission, Role};
use homeward_domain::account::{AccountSettings, LANGUAGES, NewAccount, check_password};
use homeward_domain::ids::ProviderId;
use homeward_domain::problem;
use homeward_domain::validate::Problems;
use homeward_store::column::instant_text;
use homeward_store::frames::UserRow;
use homeward_store::query::{cases, providers, users};
use homeward_store::{AnyConnection, now};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::{self, Caller};
use crate::error::{Result, ServiceError};
use crate::session::SessionView;

/// An account as an administrator sees it (never its password).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub username: String,
    pub role: Role,
    pub office: Option<String>,
    pub provider: Option<String>,
    pub grants: Vec<homeward_domain::access::Section>,
    pub language: String,
    pub disabled: bool,
    pub created_at: String,
}

impl UserView {
    fn new(row: &UserRow) -> Result<UserView> {
        let caller = Caller::from_user(row);
        Ok(UserView {
            username: row.username.clone(),
            role: caller.access.role,
            office: row.office.clone(),
            provider: row.provider_id.as_ref().map(|p| p.to_string()),
            grants: caller.access.sections,
            language: row.language.clone(),
            disabled: row.disabled,
            created_at: instant_text(&row.created_at),
        })
    }

    /// The account's settings, as a form edits them.
    pub fn settings(&self) -> AccountSettings {
        AccountSettings {
            role: self.role,
            office: self.office.clone(),
            provider: self.provider.clone(),
            grants: self.grants.clone(),
            language: self.language.clone(),
            disabled: self.disabled,
        }
    }
}

/// A change of an account; `password`, when given, replaces the old one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    pub role: Role,
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub grants: Vec<homeward_domain::access::Section>,
    #[schema(example = "fr")]
    pub language: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub password: Option<String>,
}

impl AccountChange {
    pub fn settings(&self) -> AccountSettings {
        AccountSettings {
            role: self.role,
            office: self.office.clone(),
            provider: self.provider.clone(),
            grants: self.grants.clone(),
            language: self.language.clone(),
            disabled: self.disabled,
        }
    }
}

/// The provider a partner is linked to must be in the directory.
async fn check_provider(conn: &mut AnyConnection, settings: &AccountSettings) -> Result<()> {
    if let Some(id) = &settings.provider
        && providers::get(conn, id).await?.is_none()
    {
        return Err(ServiceError::problem(
            "provider",
            problem!("not_in_directory", "'{provider}' is not in the service directory", provider = id),
        ));
    }
    Ok(())
}

async fn hashed(password: String) -> Result<String> {
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(ServiceError::Internal)
}

fn row_of(
    username: &str,
    settings: &AccountSettings,
    password_hash: String,
    created_at: chrono::DateTime<chrono::Utc>,
) -> UserRow {
    UserRow {
        username: username.to_string(),
        role: settings.role,
        office: settings.office.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_string),
        provider_id: settings.provider.clone().map(ProviderId::new),
        sections: settings.grants.clone(),
        language: settings.language.clone(),
        password_hash,
        disabled: settings.disabled,
        created_at,
    }
}

/// Every account.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<UserView>> {
    caller.require(Permission::ManageUsers)?;
    let mut conn = state.store.read().await?;
    let rows = users::list(&mut conn).await?;
    rows.iter().map(UserView::new).collect::<Result<Vec<_>>>()
}

/// Creates an account.
pub async fn create(state: &Services, caller: &Caller, account: NewAccount) -> Result<UserView> {
    save(state, caller, account, false).await
}

/// Creates the account, or gives an existing one these settings and password: what
/// `homeward admin create-user` does, so it also sets a forgotten administrator's password.
/// Audited as a creation or an update.
pub async fn create_or_replace(state: &Services, caller: &Caller, account: NewAccount) -> Result<UserView> {
    save(state, caller, account, true).await
}

async fn save(state: &Services, caller: &Caller, account: NewAccount, replace: bool) -> Result<UserView> {
    caller.require(Permission::ManageUsers)?;
    account.validate().map_err(ServiceError::invalid)?;
    let username = account.username.trim().to_string();
    let hash = hashed(account.password.clone()).await?;
    let mut tx = state.store.begin().await?;
    let settings = account.settings();
    check_provider(&mut tx, &settings).await?;
    let existing = users::get(&mut tx, &username).await?;
    if existing.is_some() && !replace {
        return Err(ServiceError::Conflict(format!("an account named '{username}' exists already"), None));
    }
    let (action, fields): (&str, &[&str]) =
        if existing.is_some() { ("update", &["settings", "password"]) } else { ("create", &["*"]) };
    let row = row_of(&username, &settings, hash, existing.map_or_else(now, |old| old.created_at));
    users::upsert(&mut tx, &row).await?;
    homeward_store::audit::append(&mut tx, &[entry(&caller.username, action, "user", &username, None, fields)]).await?;
    homeward_store::commit(tx).await?;
    UserView::new(&row)
}

/// Changes an account. An administrator cannot lock themselves out (disable or demote their own
/// account), so there is always someone to manage the others.
pub async fn update(state: &Services, caller: &Caller, username: &str, change: AccountChange) -> Result<UserView> {
    caller.require(Permission::ManageUsers)?;
    let mut p = Problems::default();
    if let Some(password) = &change.password {
        check_password(&mut p, password);
    }
    let settings = change.settings();
    if username == caller.username && (settings.disabled || settings.role != Role::Admin) {
        let problem = problem!("keep_own_admin", "you cannot disable your own account or give up its administration");
        p.add("role", problem);
    }
    p.into_result().map_err(ServiceError::invalid)?;
    settings.validate().map_err(ServiceError::invalid)?;
    let new_hash = match change.password.clone() {
        Some(password) => Some(hashed(password).await?),
        None => None,
    };
    let mut tx = state.store.begin().await?;
    check_provider(&mut tx, &settings).await?;
    let old = users::get(&mut tx, username).await?.ok_or(ServiceError::NotFound)?;
    let row = row_of(username, &settings, new_hash.unwrap_or(old.password_hash), old.created_at);
    users::upsert(&mut tx, &row).await?;
    let fields: &[&str] = if change.password.is_some() { &["settings", "password"] } else { &["settings"] };
    homeward_store::audit::append(&mut tx, &[entry(&caller.username, "update", "user", username, None, fields)])
        .await?;
    homeward_store::commit(tx).await?;
    UserView::new(&row)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageChoice {
    #[schema(example = "fr")]
    pub language: String,
}

/// Sets the language of the signed-in user's pages.
pub async fn set_language(state: &Services, caller: &Caller, choice: LanguageChoice) -> Result<SessionView> {
    if !LANGUAGES.contains(&choice.language.as_str()) {
        return Err(ServiceError::problem(
            "language",
            problem!("one_of", "must be one of {values}", values = LANGUAGES.join(", ")),
        ));
    }
    let mut tx = state.store.begin().await?;
    let mut row = users::get(&mut tx, &caller.username).await?.ok_or(ServiceError::NotSignedIn)?;
    row.language = choice.language.clone();
    users::upsert(&mut tx, &row).await?;
    homeward_store::audit::append(
        &mut tx,
        &[entry(&caller.username, "update", "user", &caller.username, None, &["language"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    let caller = Caller { language: choice.language, ..caller.clone() };
    Ok(SessionView::of(&caller, None))
}

/// An office: the staff attached to it and the cases it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeView {
    pub office: String,
    pub users: Vec<String>,
    pub cases: i64,
    pub open_cases: i64,
}

/// The offices, as named on accounts and cases (an office is a name, not a separate record).
pub async fn offices(state: &Services, caller: &Caller) -> Result<Vec<OfficeView>> {
    caller.require(Permission::ManageUsers)?;
    let mut conn = state.store.read().await?;
    let counts = cases::count_by_office(&mut conn).await?;
    let accounts = users::list(&mut conn).await?;
    let mut names: Vec<String> = counts.iter().map(|(o, _, _)| o.clone()).collect();
    names.extend(accounts.iter().filter_map(|u| u.office.clone()));
    names.sort();
    names.dedup();
    Ok(names
        .into_iter()
        .map(|office| {
            let (cases, open_cases) =
                counts.iter().find(|(o, _, _)| *o == office).map_or((0, 0), |(_, c, open)| (*c, *open));
            let users = accounts
                .iter()
                .filter(|u| u.office.as_deref() == Some(office.as_str()))
                .map(|u| u.username.clone())
                .collect();
            OfficeView { office, users, cases, open_cases }
        })
        .collect())
}
