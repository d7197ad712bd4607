//! Coordination mechanisms and agreements (handbook 4.1.3): SOPs, MoUs, data-sharing agreements
//! and coordination bodies, kept by those who work at the structural level within their offices,
//! every change audited. A data-sharing agreement with a directory provider is what referrals
//! read before sending that provider data, so only those who keep the directory may record or
//! change one. Those responsible see their agreements as the end nears.

use chrono::{DateTime, NaiveDate, Utc};
use homeward_domain::access::Permission;
use homeward_domain::ids::AgreementId;
use homeward_domain::problem;
use homeward_domain::structures::{Agreement, AgreementKind, AgreementStatus};
use homeward_store::audit as store_audit;
use homeward_store::frames::AgreementRow;
use homeward_store::query::{providers, structures};
use homeward_store::{AnyConnection, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// An agreement as the API shows it, with where it stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementView {
    pub id: String,
    pub agreement: Agreement,
    pub status: AgreementStatus,
    /// The day its responsible is told to renew it (its end less the notice).
    pub renew_by: Option<NaiveDate>,
    /// Near its end or ended within the year, not renewed.
    pub needs_renewal: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
}

/// A corrected or renewed agreement with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementCorrection {
    pub version: i64,
    pub agreement: Agreement,
}

fn view(row: &AgreementRow, today: NaiveDate) -> Result<AgreementView> {
    let agreement: Agreement = from_json("agreement", &row.agreement)?;
    Ok(AgreementView {
        id: row.id.to_string(),
        status: agreement.status(today),
        renew_by: agreement.renew_by(),
        needs_renewal: agreement.needs_renewal(today),
        agreement,
        version: row.version,
        updated_at: row.updated_at,
        created_by: row.created_by.clone(),
    })
}

/// The checks of a new or changed agreement: valid, in the caller's offices, a data-sharing
/// agreement only by those who keep the directory, its provider in the directory.
async fn check(conn: &mut AnyConnection, caller: &Caller, a: &Agreement) -> Result<()> {
    a.validate().map_err(ServiceError::invalid)?;
    if !caller.access.covers_office(a.office.trim()) {
        return Err(ServiceError::Forbidden(format!("you cannot keep the agreements of office '{}'", a.office)));
    }
    if a.kind == AgreementKind::DataSharing {
        caller.require(Permission::ManageProviders)?;
    }
    if let Some(provider) = &a.provider
        && providers::get(conn, provider).await?.is_none()
    {
        let problem = problem!("unknown_provider", "'{provider}' is not in the service directory", provider = provider);
        return Err(ServiceError::problem("provider", problem));
    }
    Ok(())
}

fn row_of(id: AgreementId, a: &Agreement, caller: &Caller) -> AgreementRow {
    let at = now();
    AgreementRow {
        id,
        office: a.office.trim().to_string(),
        kind: a.kind,
        title: a.title.trim().to_string(),
        provider_id: a.provider.clone(),
        responsible: a.responsible.trim().to_string(),
        signed_on: a.signed_on,
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        agreement: to_json(a),
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    }
}

/// Records an agreement.
pub async fn create(state: &Services, caller: &Caller, a: Agreement) -> Result<AgreementView> {
    caller.require(Permission::ManageCommunity)?;
    let mut tx = state.store.begin().await?;
    check(&mut tx, caller, &a).await?;
    let row = row_of(AgreementId::new(new_id()), &a, caller);
    structures::insert_agreement(&mut tx, &row).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "create", "agreement", &row.id, None, &["*"])])
        .await?;
    homeward_store::commit(tx).await?;
    view(&row, homeward_store::today())
}

/// The agreements of the caller's offices, latest start first.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<AgreementView>> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let rows = structures::agreements(&mut conn, caller.access.office.as_deref()).await?;
    let today = homeward_store::today();
    rows.iter().filter(|r| caller.access.covers_office(&r.office)).map(|r| view(r, today)).collect()
}

/// The agreements the caller is responsible for that need renewing: their worklist's.
pub async fn to_renew(state: &Services, caller: &Caller) -> Result<Vec<AgreementView>> {
    Ok(list(state, caller)
        .await?
        .into_iter()
        .filter(|a| a.needs_renewal && a.agreement.responsible == caller.username)
        .collect())
}

async fn in_scope(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<AgreementRow> {
    let found = structures::agreement_by_id(conn, id).await?;
    crate::within_offices(caller, found, |a| &a.office, "agreement", id)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<AgreementView> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    view(&in_scope(&mut conn, caller, id).await?, homeward_store::today())
}

/// Corrects or renews an agreement, with the version last read. Changing a data-sharing
/// agreement, or making one, takes the directory's keepers.
pub async fn update(state: &Services, caller: &Caller, id: &str, c: AgreementCorrection) -> Result<AgreementView> {
    caller.require(Permission::ManageCommunity)?;
    let mut tx = state.store.begin().await?;
    let old = in_scope(&mut tx, caller, id).await?;
    if old.kind == AgreementKind::DataSharing {
        caller.require(Permission::ManageProviders)?;
    }
    check(&mut tx, caller, &c.agreement).await?;
    let mut row = row_of(old.id.clone(), &c.agreement, caller);
    row.created_at = old.created_at;
    row.created_by = old.created_by;
    row.version = structures::update_agreement(&mut tx, &row, c.version).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "update", "agreement", id, None, &["*"])]).await?;
    homeward_store::commit(tx).await?;
    view(&row, homeward_store::today())
}

/// Refuses to send a provider data without a data-sharing agreement with it in force on `day`
/// (handbook lines 7266-7271, 8359-8361): the referral consent rules read it from here.
pub(crate) async fn require_sharing(conn: &mut AnyConnection, provider: &str, day: NaiveDate) -> Result<()> {
    if structures::sharing_agreements_in_force(conn, provider, day).await?.is_empty() {
        return Err(ServiceError::problem(
            "provider",
            problem!(
                "no_data_sharing_agreement",
                "'{provider}' has no data-sharing agreement in force on record: no data is sent to it",
                provider = provider
            ),
        ));
    }
    Ok(())
}
