//! The service directory (Annex 8): who a case can be referred to, filtered by place and service.

use homeward_domain::access::Permission;
use homeward_domain::feasibility::Dimension;
use homeward_domain::ids::ProviderId;
use homeward_domain::provider::ServiceProvider;
use homeward_store::column::instant_text;
use homeward_store::frames::ProviderRow;
use homeward_store::query::{providers, structures};
use homeward_store::{StoreError, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Services;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// Months after which a directory entry counts as stale and should be verified again.
const STALE_AFTER_MONTHS: u32 = 12;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderView {
    pub id: String,
    pub version: i64,
    /// Not verified within the last 12 months.
    pub stale: bool,
    /// A data-sharing agreement with it is in force today (the agreements kept at the
    /// structural level): referrals may send it data.
    pub data_sharing_agreement: bool,
    pub data: ServiceProvider,
    pub created_at: String,
    pub updated_at: String,
}

impl ProviderView {
    fn new(row: &ProviderRow, sharing: &[String]) -> Result<ProviderView, StoreError> {
        let data: ServiceProvider = from_json("provider", &row.data)?;
        Ok(ProviderView {
            data_sharing_agreement: sharing.iter().any(|p| p == row.id.as_str()),
            id: row.id.to_string(),
            version: row.version,
            stale: !data.is_current(homeward_store::today(), STALE_AFTER_MONTHS),
            data,
            created_at: instant_text(&row.created_at),
            updated_at: instant_text(&row.updated_at),
        })
    }
}

fn row_of(id: String, p: &ServiceProvider, version: i64) -> ProviderRow {
    let at = now();
    ProviderRow {
        id: ProviderId::new(id),
        organisation: p.organisation.trim().to_string(),
        country: p.country.to_string(),
        place: p.place.trim().to_string(),
        data: to_json(p),
        last_verified: p.last_verified,
        version,
        created_at: at,
        updated_at: at,
    }
}

/// Adds a provider to the directory.
pub async fn add(state: &Services, caller: &Caller, provider: ServiceProvider) -> Result<ProviderView> {
    caller.require(Permission::ManageProviders)?;
    provider.validate().map_err(ServiceError::invalid)?;
    let row = row_of(new_id(), &provider, 1);
    let mut tx = state.store.begin().await?;
    providers::insert(&mut tx, &row).await?;
    homeward_store::commit(tx).await?;
    Ok(ProviderView::new(&row, &[])?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProviderQuery {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Town or district, exactly as in the directory.
    pub place: Option<String>,
    /// Words of a service type (`training` finds `vocational training`).
    pub service: Option<String>,
    pub dimension: Option<Dimension>,
}

/// The directory, for choosing where to refer. Every signed-in staff role may read it.
pub async fn list(state: &Services, caller: &Caller, query: ProviderQuery) -> Result<Vec<ProviderView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let country = query.country.as_deref().map(str::to_ascii_uppercase);
    let rows = providers::list(&mut conn, country.as_deref(), query.place.as_deref()).await?;
    let sharing = structures::providers_sharing_on(&mut conn, homeward_store::today()).await?;
    let service = query.service.as_deref().map(homeward_domain::search::fold);
    let mut out = Vec::new();
    for row in &rows {
        let view = ProviderView::new(row, &sharing)?;
        let offers =
            |wanted: &str| view.data.services.iter().any(|s| homeward_domain::search::fold(s).contains(wanted));
        if service.as_deref().is_some_and(|s| !offers(s)) {
            continue;
        }
        if query.dimension.is_some_and(|d| !view.data.dimensions.contains(&d)) {
            continue;
        }
        out.push(view);
    }
    Ok(out)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<ProviderView> {
    let own = caller.access.provider.as_deref() == Some(id);
    if !own {
        caller.require(Permission::ReadCases)?;
    }
    let mut conn = state.store.read().await?;
    let row = providers::get(&mut conn, id).await?.ok_or(ServiceError::NotFound)?;
    let sharing = structures::providers_sharing_on(&mut conn, homeward_store::today()).await?;
    Ok(ProviderView::new(&row, &sharing)?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderEdit {
    pub version: i64,
    pub data: ServiceProvider,
}

/// Corrects or re-verifies a directory entry.
pub async fn edit(state: &Services, caller: &Caller, id: &str, edit: ProviderEdit) -> Result<ProviderView> {
    caller.require(Permission::ManageProviders)?;
    edit.data.validate().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    let old = providers::get(&mut tx, id).await?.ok_or(ServiceError::NotFound)?;
    let mut row = row_of(id.to_string(), &edit.data, edit.version);
    row.created_at = old.created_at;
    row.version = providers::update(&mut tx, &row, edit.version).await?;
    let sharing = structures::providers_sharing_on(&mut tx, homeward_store::today()).await?;
    homeward_store::commit(tx).await?;
    Ok(ProviderView::new(&row, &sharing)?)
}
