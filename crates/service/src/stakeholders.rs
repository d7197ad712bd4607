//! An office's stakeholder map (handbook Table 4.1, Annex 6): who takes part in reintegration,
//! their interest and influence, their stance, and how the programme engages them. Kept by those
//! who work at the community and structural levels, within their offices; every change audited.

use chrono::{DateTime, Utc};
use homeward_domain::access::Permission;
use homeward_domain::community::{Engagement, Stakeholder};
use homeward_domain::ids::StakeholderId;
use homeward_store::audit as store_audit;
use homeward_store::frames::StakeholderRow;
use homeward_store::query::communities;
use homeward_store::{from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// A stakeholder as the API shows it, with the engagement in force (chosen, or proposed by the
/// influence by interest grid).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StakeholderView {
    pub id: String,
    pub stakeholder: Stakeholder,
    pub engagement: Engagement,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
}

/// A corrected stakeholder with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StakeholderCorrection {
    pub version: i64,
    pub stakeholder: Stakeholder,
}

fn view(row: &StakeholderRow) -> Result<StakeholderView> {
    let stakeholder: Stakeholder = from_json("stakeholder", &row.stakeholder)?;
    Ok(StakeholderView {
        id: row.id.to_string(),
        engagement: stakeholder.engagement(),
        stakeholder,
        version: row.version,
        updated_at: row.updated_at,
        created_by: row.created_by.clone(),
    })
}

fn check(caller: &Caller, s: &Stakeholder) -> Result<()> {
    s.validate().map_err(ServiceError::invalid)?;
    if !caller.access.covers_office(s.office.trim()) {
        return Err(ServiceError::Forbidden(format!("you cannot map the stakeholders of office '{}'", s.office)));
    }
    Ok(())
}

fn row_of(id: StakeholderId, s: &Stakeholder, caller: &Caller) -> StakeholderRow {
    let at = now();
    StakeholderRow {
        id,
        office: s.office.trim().to_string(),
        name: s.name.trim().to_string(),
        category: s.category,
        interest: s.interest,
        influence: s.influence,
        stance: s.stance,
        stakeholder: to_json(s),
        mapped_on: s.mapped_on,
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    }
}

/// Adds a stakeholder to an office's map.
pub async fn create(state: &Services, caller: &Caller, s: Stakeholder) -> Result<StakeholderView> {
    caller.require(Permission::ManageCommunity)?;
    check(caller, &s)?;
    let row = row_of(StakeholderId::new(new_id()), &s, caller);
    let mut tx = state.store.begin().await?;
    communities::insert_stakeholder(&mut tx, &row).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "create", "stakeholder", &row.id, None, &["*"])])
        .await?;
    homeward_store::commit(tx).await?;
    view(&row)
}

/// The stakeholders of the caller's offices, by name.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<StakeholderView>> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let rows = communities::stakeholders(&mut conn, caller.access.office.as_deref()).await?;
    rows.iter().filter(|r| caller.access.covers_office(&r.office)).map(view).collect()
}

async fn in_scope(conn: &mut homeward_store::AnyConnection, caller: &Caller, id: &str) -> Result<StakeholderRow> {
    let found = communities::stakeholder_by_id(conn, id).await?;
    crate::within_offices(caller, found, |s| &s.office, "stakeholder", id)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<StakeholderView> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    view(&in_scope(&mut conn, caller, id).await?)
}

/// Corrects a stakeholder (the map is reviewed as things change), with the version last read.
pub async fn update(state: &Services, caller: &Caller, id: &str, c: StakeholderCorrection) -> Result<StakeholderView> {
    caller.require(Permission::ManageCommunity)?;
    check(caller, &c.stakeholder)?;
    let mut tx = state.store.begin().await?;
    let old = in_scope(&mut tx, caller, id).await?;
    let mut row = row_of(old.id.clone(), &c.stakeholder, caller);
    row.created_at = old.created_at;
    row.created_by = old.created_by;
    row.version = communities::update_stakeholder(&mut tx, &row, c.version).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "update", "stakeholder", id, None, &["*"])]).await?;
    homeward_store::commit(tx).await?;
    view(&row)
}
