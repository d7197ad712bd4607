//! Offices as records (issue 17 §1): whoever works on cases reads them (forms offer them);
//! administrators record and correct them. Cases name an existing office, whatever the case of
//! its name: a registration in `Dakar` belongs to the office `dakar`.

use std::collections::HashMap;

use homeward_domain::access::Permission;
use homeward_domain::office::{Office, OfficeRole};
use homeward_domain::problem;
use homeward_domain::validate::FieldError;
use homeward_store::column::instant_text;
use homeward_store::frames::OfficeRow;
use homeward_store::query::{cases, offices, users};
use homeward_store::{AnyConnection, audit as store_audit, now};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// An office as its reader sees it; its staff and case counts for administrators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficeView {
    pub name: String,
    /// Empty for an office named before offices were records, until an administrator completes it.
    pub country: String,
    pub role: OfficeRole,
    pub languages: Vec<String>,
    pub contact: String,
    /// The partner installation it belongs to; none for this installation's own.
    pub installation: Option<String>,
    pub version: i64,
    pub updated_at: String,
    /// The accounts attached to it (administrators only).
    pub users: Option<Vec<String>>,
    /// The cases it holds, and of them the open ones (administrators only).
    pub cases: Option<i64>,
    pub open_cases: Option<i64>,
}

/// A correction of an office, with the version last read (its name stays).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeUpdate {
    pub version: i64,
    pub office: Office,
}

fn view(row: &OfficeRow) -> OfficeView {
    OfficeView {
        name: row.name.clone(),
        country: row.country.clone(),
        role: row.role,
        languages: row.languages.clone(),
        contact: row.contact.clone(),
        installation: row.installation.clone(),
        version: row.version,
        updated_at: instant_text(&row.updated_at),
        users: None,
        cases: None,
        open_cases: None,
    }
}

/// Every office; with its staff and case counts for administrators. For those who work on cases.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<OfficeView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let rows = offices::list(&mut conn).await?;
    let mut views: Vec<OfficeView> = rows.iter().map(view).collect();
    if caller.access.may(Permission::ManageUsers) {
        let counts = cases::count_by_office(&mut conn).await?;
        let accounts = users::list(&mut conn).await?;
        for v in &mut views {
            let (all, open) = counts.iter().find(|(o, _, _)| *o == v.name).map_or((0, 0), |(_, c, o)| (*c, *o));
            v.cases = Some(all);
            v.open_cases = Some(open);
            let staff = accounts.iter().filter(|u| u.office.as_deref() == Some(v.name.as_str()));
            v.users = Some(staff.map(|u| u.username.clone()).collect());
        }
    }
    Ok(views)
}

/// Refuses an office of a partner installation that is not registered, naming those that are.
async fn check_installation(conn: &mut AnyConnection, office: &Office) -> Result<()> {
    let Some(name) = &office.installation else { return Ok(()) };
    let known = offices::installations(conn).await?;
    if known.iter().any(|i| &i.name == name) {
        return Ok(());
    }
    let names: Vec<&str> = known.iter().map(|i| i.name.as_str()).collect();
    let problem = problem!(
        "unknown_installation",
        "`{value}` is not a registered partner installation; they are: {values}",
        value = name,
        values = names.join(", ")
    );
    Err(ServiceError::invalid(vec![FieldError::of("installation", problem)]))
}

/// Records an office. A name already taken (whatever its case) is refused, naming the office.
pub async fn create(state: &Services, caller: &Caller, office: Office) -> Result<OfficeView> {
    caller.require(Permission::ManageUsers)?;
    office.validate().map_err(ServiceError::invalid)?;
    let at = now();
    let row = OfficeRow {
        name: office.name.clone(),
        country: office.country.to_string(),
        role: office.role,
        languages: office.languages.clone(),
        contact: office.contact.trim().to_string(),
        installation: office.installation.clone(),
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    let mut tx = state.store.begin().await?;
    check_installation(&mut tx, &office).await?;
    if !offices::insert(&mut tx, &row).await? {
        let existing = offices::find(&mut tx, &office.name).await?.map(|o| o.name).unwrap_or_default();
        let problem = problem!("office_exists", "an office named {name} exists already", name = existing);
        return Err(ServiceError::invalid(vec![FieldError::of("name", problem)]));
    }
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "create", "office", &row.name, None, &["*"])])
        .await?;
    homeward_store::commit(tx).await?;
    Ok(view(&row))
}

/// Records those of `wanted` not recorded yet (a demo's, a test's offices); how many.
pub async fn create_missing(state: &Services, caller: &Caller, wanted: Vec<Office>) -> Result<usize> {
    let mut conn = state.store.read().await?;
    let known = names(&mut conn).await?;
    drop(conn);
    let mut made = 0;
    for office in wanted {
        if known.resolve(&office.name).is_err() {
            create(state, caller, office).await?;
            made += 1;
        }
    }
    Ok(made)
}

/// Corrects an office's country, role, languages and contact.
pub async fn update(state: &Services, caller: &Caller, name: &str, update: OfficeUpdate) -> Result<OfficeView> {
    caller.require(Permission::ManageUsers)?;
    update.office.validate().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    let mut row = offices::find(&mut tx, name).await?.ok_or(ServiceError::NotFound)?;
    check_installation(&mut tx, &update.office).await?;
    if Office::key(&update.office.name) != Office::key(&row.name) {
        let problem =
            problem!("office_renamed", "stays {name}: cases and accounts are filed under it", name = row.name);
        return Err(ServiceError::invalid(vec![FieldError::of("name", problem)]));
    }
    row.country = update.office.country.to_string();
    row.role = update.office.role;
    row.languages = update.office.languages;
    row.contact = update.office.contact.trim().to_string();
    row.installation = update.office.installation;
    row.version = offices::update(&mut tx, &row, update.version).await?;
    row.updated_at = now();
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "update", "office", &row.name, None, &["*"])])
        .await?;
    homeward_store::commit(tx).await?;
    Ok(view(&row))
}

/// The offices' names by their key: what a registration's office is resolved against.
#[derive(Debug, Clone, Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    /// The office named `name` (whatever its case), or the problem naming the offices there are.
    pub fn resolve(&self, name: &str) -> std::result::Result<String, FieldError> {
        self.0.get(&Office::key(name)).cloned().ok_or_else(|| {
            let mut known: Vec<&str> = self.0.values().map(String::as_str).collect();
            known.sort_unstable_by_key(|n| n.to_lowercase());
            FieldError::of(
                "office",
                problem!(
                    "unknown_office",
                    "`{value}` is not an office; offices: {values}",
                    value = name.trim(),
                    values = known.join(", ")
                ),
            )
        })
    }
}

/// The offices' names, read once for an operation.
pub(crate) async fn names(conn: &mut AnyConnection) -> Result<Names> {
    let rows = offices::list(conn).await?;
    Ok(Names(rows.into_iter().map(|o| (Office::key(&o.name), o.name)).collect()))
}
