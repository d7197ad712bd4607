//! This installation's exchange key and its partner installations (issue 17 §1): administrators
//! read this installation's public key and its fingerprint, register a partner's (comparing the
//! fingerprints by phone), and only files from registered partners are opened.

use homeward_domain::access::Permission;
use homeward_domain::problem;
use homeward_domain::validate::FieldError;
use homeward_store::column::instant_text;
use homeward_store::query::offices::{self, InstallationRow};
use homeward_store::{audit as store_audit, now};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use crate::exchange::PublicIdentity;

/// An installation's public exchange key and its fingerprint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstallationView {
    /// Empty for this installation.
    pub name: String,
    pub public_key: String,
    /// What two administrators read to each other on the phone before registering a key.
    pub fingerprint: String,
    pub added_at: Option<String>,
    pub added_by: Option<String>,
}

/// A partner installation to register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInstallation {
    /// How offices name it (`IOM Senegal`).
    pub name: String,
    /// Its public exchange key (`hwx1:...`), as its administrator reads it from their server.
    pub public_key: String,
}

/// This installation's public key.
pub fn own(state: &Services, caller: &Caller) -> Result<InstallationView> {
    caller.require(Permission::ManageUsers)?;
    let public = state.exchange.public();
    Ok(InstallationView {
        name: String::new(),
        public_key: public.to_text(),
        fingerprint: public.fingerprint(),
        added_at: None,
        added_by: None,
    })
}

fn view(row: &InstallationRow) -> InstallationView {
    let fingerprint = PublicIdentity::parse(&row.public_key).map(|p| p.fingerprint()).unwrap_or_default();
    InstallationView {
        name: row.name.clone(),
        public_key: row.public_key.clone(),
        fingerprint,
        added_at: Some(instant_text(&row.added_at)),
        added_by: Some(row.added_by.clone()),
    }
}

/// The partner installations.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<InstallationView>> {
    caller.require(Permission::ManageUsers)?;
    let mut conn = state.store.read().await?;
    Ok(offices::installations(&mut conn).await?.iter().map(view).collect())
}

/// Registers a partner installation's public key; answers its fingerprint to compare.
pub async fn register(state: &Services, caller: &Caller, new: NewInstallation) -> Result<InstallationView> {
    caller.require(Permission::ManageUsers)?;
    let mut problems = homeward_domain::validate::Problems::default();
    problems.text("name", &new.name, 80);
    problems.into_result().map_err(ServiceError::invalid)?;
    let public = PublicIdentity::parse(&new.public_key).map_err(|_| {
        let problem = problem!("not_a_public_key", "is not an installation's public key (hwx1:...)");
        ServiceError::invalid(vec![FieldError::of("public_key", problem)])
    })?;
    if public == state.exchange.public() {
        let problem = problem!("own_public_key", "is this installation's own key, not a partner's");
        return Err(ServiceError::invalid(vec![FieldError::of("public_key", problem)]));
    }
    let row = InstallationRow {
        name: new.name.trim().to_string(),
        public_key: public.to_text(),
        added_at: now(),
        added_by: caller.username.clone(),
    };
    let mut tx = state.store.begin().await?;
    if !offices::add_installation(&mut tx, &row).await? {
        let problem = problem!("installation_exists", "this name or this key is registered already");
        return Err(ServiceError::invalid(vec![FieldError::of("name", problem)]));
    }
    let entries = [entry(caller, "create", "installation", &row.name, None, &["public_key"])];
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(view(&row))
}
