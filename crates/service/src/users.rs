//! Staff accounts, managed by an administrator: list, create, change (role, office, provider,
//! grants, language, disabled, a new password). And each user's own language setting. Every
//! change is audited; passwords are stored only as argon2id hashes and never shown.
//!
//! Need-to-know holds for administrators too (docs/domain.md 6):
//! - an administrator gives no one an office, section or emergency grant beyond their own;
//! - nobody widens their own office or grants;
//! - a new sensitive section or emergency-sharing grant waits for a second administrator
//!   (four eyes): the rest of the change applies, the grant becomes a pending request that
//!   another administrator approves or refuses. The command line, run by whoever holds the
//!   server, applies grants at once (it is how the first administrator is made, and recovery);
//! - a new password, or a change of role, office, provider, grants or disabling ends every
//!   session of the account at once.

use homeward_domain::Named;
use homeward_domain::access::{Access, GrantRequestState, Permission, Role, Section};
use homeward_domain::account::{AccountSettings, LANGUAGES, NewAccount, check_password};
use homeward_domain::ids::ProviderId;
use homeward_domain::problem;
use homeward_domain::validate::Problems;
use homeward_store::column::instant_text;
use homeward_store::frames::{GrantRequestRow, UserRow};
use homeward_store::query::{grants, providers, users};
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
    pub emergency_sharing: bool,
    pub created_at: String,
    /// A grant asked for this account that waits for a second administrator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_grant: Option<GrantRequestView>,
}

impl UserView {
    fn new(row: &UserRow) -> Result<UserView> {
        Ok(UserView {
            username: row.username.clone(),
            role: row.role,
            office: row.office.clone(),
            provider: row.provider_id.as_ref().map(|p| p.to_string()),
            grants: row.sections.clone(),
            language: row.language.clone(),
            disabled: row.disabled,
            emergency_sharing: row.emergency_sharing,
            created_at: instant_text(&row.created_at),
            pending_grant: None,
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
            emergency_sharing: self.emergency_sharing,
        }
    }
}

/// Grants asked for an account, waiting for a second administrator.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantRequestView {
    pub id: String,
    pub username: String,
    /// The sections the account will hold once approved.
    pub sections: Vec<Section>,
    pub emergency_sharing: bool,
    pub requested_by: String,
    pub requested_at: String,
    pub state: GrantRequestState,
    pub decided_by: Option<String>,
}

impl GrantRequestView {
    fn new(row: &GrantRequestRow) -> GrantRequestView {
        GrantRequestView {
            id: row.id.clone(),
            username: row.username.clone(),
            sections: row.sections.clone(),
            emergency_sharing: row.emergency_sharing,
            requested_by: row.requested_by.clone(),
            requested_at: instant_text(&row.requested_at),
            state: row.state,
            decided_by: row.decided_by.clone(),
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
    pub emergency_sharing: bool,
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
            emergency_sharing: self.emergency_sharing,
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
        emergency_sharing: settings.emergency_sharing,
    }
}

fn access_of(row: &UserRow) -> Access {
    Access {
        role: row.role,
        office: row.office.clone(),
        sections: row.sections.clone(),
        provider: row.provider_id.as_ref().map(|p| p.to_string()),
        emergency_sharing: row.emergency_sharing,
    }
}

/// Refuses an account reaching beyond the administrator's own office and grants. This also
/// keeps anyone from widening their own: what they would give themselves is beyond what they hold.
fn check_reach(caller: &Caller, username: &str, new: &UserRow) -> Result<()> {
    if access_of(new).within(&caller.access) {
        return Ok(());
    }
    caller.denied("user", username, None, "grant beyond the administrator's own reach");
    let problem = problem!(
        "grant_beyond_own",
        "you can give only offices and grants you hold yourself: your office and your own sections"
    );
    Err(ServiceError::problem("grants", problem))
}

/// What of `new` needs a second administrator: sections or emergency sharing `old` lacked.
/// Returns the row to save now (without them) and the request to make, if any.
fn hold_new_grants(caller: &Caller, old: Option<&UserRow>, mut new: UserRow) -> (UserRow, Option<GrantRequestRow>) {
    let had_sections = old.map(|o| o.sections.clone()).unwrap_or_default();
    let had_emergency = old.is_some_and(|o| o.emergency_sharing);
    let widens = new.sections.iter().any(|s| !had_sections.contains(s)) || (new.emergency_sharing && !had_emergency);
    if !widens || caller.username.starts_with(crate::auth::COMMAND_LINE) {
        return (new, None);
    }
    let request = GrantRequestRow {
        id: homeward_store::new_id(),
        username: new.username.clone(),
        sections: new.sections.clone(),
        emergency_sharing: new.emergency_sharing,
        requested_by: caller.username.clone(),
        requested_at: now(),
        state: GrantRequestState::Pending,
        decided_by: None,
        decided_at: None,
    };
    // Until approved, the account keeps what it had (less what this change removes).
    new.sections.retain(|s| had_sections.contains(s));
    new.emergency_sharing = new.emergency_sharing && had_emergency;
    (new, Some(request))
}

/// Whether the change ends the account's sessions: what it may do or see changed.
fn ends_sessions(old: &UserRow, new: &UserRow) -> bool {
    old.password_hash != new.password_hash
        || old.role != new.role
        || old.office != new.office
        || old.provider_id != new.provider_id
        || old.sections != new.sections
        || old.emergency_sharing != new.emergency_sharing
        || (new.disabled && !old.disabled)
}

/// Saves `row` (and the grant request held back from it), ends sessions if needed, audits.
async fn store_account(
    state: &Services,
    caller: &Caller,
    old: Option<&UserRow>,
    row: UserRow,
    fields: &[&str],
) -> Result<UserView> {
    check_reach(caller, &row.username, &row)?;
    let (row, request) = hold_new_grants(caller, old, row);
    let mut tx = state.store.begin().await?;
    let mut entries = Vec::new();
    users::upsert(&mut tx, &row).await?;
    let action = if old.is_some() { "update" } else { "create" };
    entries.push(entry(caller, action, "user", &row.username, None, fields));
    if old.is_some_and(|old| ends_sessions(old, &row)) {
        users::remove_tokens_of(&mut tx, &row.username).await?;
        entries.push(entry(caller, "end_sessions", "user", &row.username, None, &[]));
    }
    if let Some(request) = &request {
        grants::supersede(&mut tx, &row.username, &caller.username, &instant_text(&now())).await?;
        grants::insert(&mut tx, request).await?;
        entries.push(entry(caller, "request", "grant", &request.id, None, &["sections", "emergency_sharing"]));
    }
    homeward_store::audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    let mut view = UserView::new(&row)?;
    view.pending_grant = request.as_ref().map(GrantRequestView::new);
    Ok(view)
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
    let username = homeward_domain::account::username_key(&account.username)
        .map_err(|problem| ServiceError::problem("username", problem))?;
    let hash = hashed(account.password.clone()).await?;
    let settings = account.settings();
    let mut conn = state.store.read().await?;
    check_provider(&mut conn, &settings).await?;
    let existing = users::get(&mut conn, &username).await?;
    drop(conn);
    if existing.is_some() && !replace {
        return Err(ServiceError::Conflict(format!("an account named '{username}' exists already"), None));
    }
    let fields: &[&str] = if existing.is_some() { &["settings", "password"] } else { &["*"] };
    let row = row_of(&username, &settings, hash, existing.as_ref().map_or_else(now, |old| old.created_at));
    store_account(state, caller, existing.as_ref(), row, fields).await
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
    let mut conn = state.store.read().await?;
    check_provider(&mut conn, &settings).await?;
    let old = users::get(&mut conn, username).await?.ok_or(ServiceError::NotFound)?;
    drop(conn);
    let row = row_of(username, &settings, new_hash.unwrap_or(old.password_hash.clone()), old.created_at);
    let fields: &[&str] = if change.password.is_some() { &["settings", "password"] } else { &["settings"] };
    store_account(state, caller, Some(&old), row, fields).await
}

/// The grants waiting for a second administrator.
pub async fn pending_grants(state: &Services, caller: &Caller) -> Result<Vec<GrantRequestView>> {
    caller.require(Permission::ManageUsers)?;
    let mut conn = state.store.read().await?;
    let rows = grants::pending(&mut conn).await?;
    drop(conn);
    let entries = rows.iter().map(|r| entry(caller, "read", "grant", &r.id, None, &["*"])).collect();
    state.reads.record(entries).await?;
    Ok(rows.iter().map(GrantRequestView::new).collect())
}

/// A second administrator's decision on a grant request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantDecision {
    pub approve: bool,
}

/// Approves or refuses a pending grant. The administrator who asked for it cannot decide it,
/// nor can its subject; an approver gives only what they hold themselves. Approving ends the
/// account's sessions, so the new grants apply from its next sign-in.
pub async fn decide_grant(state: &Services, caller: &Caller, id: &str, decision: GrantDecision) -> Result<UserView> {
    caller.require(Permission::ManageUsers)?;
    let mut tx = state.store.begin().await?;
    let request = grants::get(&mut tx, id).await?.ok_or(ServiceError::NotFound)?;
    if request.state != GrantRequestState::Pending {
        return Err(ServiceError::Conflict(format!("this grant was already {}", request.state), None));
    }
    if request.requested_by == caller.username || request.username == caller.username {
        caller.denied("grant", id, None, "four eyes: own request or own account");
        let problem = problem!(
            "four_eyes",
            "a grant is decided by a second administrator, neither the one who asked for it nor its holder"
        );
        return Err(ServiceError::problem("approve", problem));
    }
    let mut row = users::get(&mut tx, &request.username).await?.ok_or(ServiceError::NotFound)?;
    let state_now = if decision.approve { GrantRequestState::Approved } else { GrantRequestState::Refused };
    let mut entries = vec![entry(caller, state_now.name(), "grant", id, None, &["sections", "emergency_sharing"])];
    if decision.approve {
        let wanted = Access {
            sections: request.sections.clone(),
            emergency_sharing: request.emergency_sharing,
            ..access_of(&row)
        };
        if !wanted.within(&caller.access) {
            caller.denied("grant", id, None, "grant beyond the approver's own reach");
            let problem = problem!(
                "grant_beyond_own",
                "you can give only offices and grants you hold yourself: your office and your own sections"
            );
            return Err(ServiceError::problem("approve", problem));
        }
        row.sections = request.sections.clone();
        row.emergency_sharing = request.emergency_sharing;
        users::upsert(&mut tx, &row).await?;
        users::remove_tokens_of(&mut tx, &row.username).await?;
        entries.push(entry(caller, "update", "user", &row.username, None, &["grants"]));
        entries.push(entry(caller, "end_sessions", "user", &row.username, None, &[]));
    }
    if !grants::decide(&mut tx, id, state_now, &caller.username, &instant_text(&now())).await? {
        return Err(ServiceError::Conflict("this grant was decided meanwhile".into(), None));
    }
    homeward_store::audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    UserView::new(&row)
}

/// Lifts the sign-in lock of an account (every address), the recovery path when someone was
/// locked out. Audited.
pub async fn unlock(state: &Services, caller: &Caller, username: &str) -> Result<u64> {
    caller.require(Permission::ManageUsers)?;
    let username = homeward_domain::account::username_key(username)
        .map_err(|problem| ServiceError::problem("username", problem))?;
    let mut tx = state.store.begin().await?;
    users::get(&mut tx, &username).await?.ok_or(ServiceError::NotFound)?;
    let cleared = users::clear_attempts(&mut tx, &username, None).await?;
    homeward_store::audit::append(&mut tx, &state.audit_key, &[entry(caller, "unlock", "user", &username, None, &[])])
        .await?;
    homeward_store::commit(tx).await?;
    Ok(cleared)
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
        &state.audit_key,
        &[entry(caller, "update", "user", &caller.username, None, &["language"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    let caller = Caller { language: choice.language, ..caller.clone() };
    Ok(SessionView::of(&caller, None))
}
