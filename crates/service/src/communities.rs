//! Community profiles (handbook 3.2.1, Table 3.1): what is known of a community of return, kept by
//! the office that works with it, and the returnees whose community of return it is (from their
//! cases, in the caller's offices; each one shown is audited as read).

use chrono::{DateTime, Utc};
use homeward_domain::access::Permission;
use homeward_domain::community::CommunityProfile;
use homeward_domain::ids::CommunityId;
use homeward_domain::returnee::ProfileDetails;
use homeward_domain::search::fold;
use homeward_store::frames::CommunityRow;
use homeward_store::query::{cases, communities};
use homeward_store::{from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::{entry, page_entries};
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use homeward_store::audit as store_audit;

/// A community as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityView {
    pub id: String,
    pub profile: CommunityProfile,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    /// The returnees whose community of return it is, in the caller's offices (read only:
    /// none for those who see no names).
    pub returnees: Vec<CommunityReturnee>,
}

/// A returnee of the community, as their case names them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityReturnee {
    pub case_id: String,
    pub case_number: String,
    pub name: String,
}

/// A corrected profile with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileCorrection {
    pub version: i64,
    pub profile: CommunityProfile,
}

fn view(row: &CommunityRow, returnees: Vec<CommunityReturnee>) -> Result<CommunityView> {
    Ok(CommunityView {
        id: row.id.to_string(),
        profile: from_json("community profile", &row.profile)?,
        version: row.version,
        created_at: row.created_at,
        created_by: row.created_by.clone(),
        updated_at: row.updated_at,
        returnees,
    })
}

fn check(caller: &Caller, profile: &CommunityProfile) -> Result<()> {
    profile.validate().map_err(ServiceError::invalid)?;
    if !caller.access.covers_office(profile.office.trim()) {
        return Err(ServiceError::Forbidden(format!("you cannot record communities of office '{}'", profile.office)));
    }
    Ok(())
}

/// Records a community's profile.
pub async fn create(state: &Services, caller: &Caller, profile: CommunityProfile) -> Result<CommunityView> {
    caller.require(Permission::ManageCommunity)?;
    check(caller, &profile)?;
    let at = now();
    let row = CommunityRow {
        id: CommunityId::new(new_id()),
        office: profile.office.trim().to_string(),
        name: profile.name.trim().to_string(),
        country: profile.country.to_string(),
        profile: to_json(&profile),
        assessed_on: profile.assessed_on,
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    let mut tx = state.store.begin().await?;
    communities::insert_community(&mut tx, &row).await?;
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "create", "community", &row.id, None, &["profile"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    view(&row, Vec::new())
}

/// The communities of the caller's offices, by name (without their returnees).
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<CommunityView>> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let rows = communities::communities(&mut conn, caller.access.office.as_deref()).await?;
    rows.iter().filter(|r| caller.access.covers_office(&r.office)).map(|r| view(r, Vec::new())).collect()
}

/// The community `id` in the caller's offices (404 outside them, recorded as a denial).
pub(crate) async fn in_scope(
    conn: &mut homeward_store::AnyConnection,
    caller: &Caller,
    id: &str,
) -> Result<CommunityRow> {
    let found = communities::community(conn, id).await?;
    crate::within_offices(caller, found, |c| &c.office, "community", id)
}

/// A community's profile and, for those who see names, its returnees (each audited as read).
pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<CommunityView> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let row = in_scope(&mut conn, caller, id).await?;
    let returnees = if caller.access.role.sees_identities() && caller.access.may(Permission::ReadCases) {
        let name = fold(&row.name);
        cases::with_term(&mut conn, &row.office, &crate::cases::community_term(&name))
            .await?
            .into_iter()
            .filter(|c| caller.access.covers_office(&c.office))
            .filter(|c| {
                let profile: Option<ProfileDetails> = from_json("case profile", &c.profile).ok();
                profile.and_then(|p| p.community).is_some_and(|community| fold(&community) == name)
            })
            .map(|c| CommunityReturnee {
                case_id: c.id.to_string(),
                case_number: c.case_number.clone(),
                name: format!("{} {}", c.given_name, c.family_name),
            })
            .collect()
    } else {
        Vec::new()
    };
    drop(conn);
    let mut entries = page_entries(caller, "read", returnees.iter().map(|r| r.case_id.as_str()), &["community"]);
    entries.push(entry(caller, "read", "community", id, None, &["profile"]));
    state.reads.record(entries).await?;
    view(&row, returnees)
}

/// Corrects a community's profile (it is reviewed as things change); every version audited.
pub async fn update(state: &Services, caller: &Caller, id: &str, c: ProfileCorrection) -> Result<CommunityView> {
    caller.require(Permission::ManageCommunity)?;
    check(caller, &c.profile)?;
    let mut tx = state.store.begin().await?;
    let mut row = in_scope(&mut tx, caller, id).await?;
    row.office = c.profile.office.trim().to_string();
    row.name = c.profile.name.trim().to_string();
    row.country = c.profile.country.to_string();
    row.profile = to_json(&c.profile);
    row.assessed_on = c.profile.assessed_on;
    row.updated_at = now();
    row.version = communities::update_community(&mut tx, &row, c.version).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "update", "community", id, None, &["profile"])])
        .await?;
    homeward_store::commit(tx).await?;
    view(&row, Vec::new())
}
