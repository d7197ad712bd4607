//! Homeward's operations, one function per operation, for every caller: the JSON API
//! (`homeward-server`), the web pages (`homeward-web`), the command line and the importers.
//!
//! Each function takes the [`Services`] (store and programme data), the acting user
//! ([`Caller`]) and typed input, and returns typed output or a [`ServiceError`]. Inside it, and
//! only there: the permission and office-scope checks, validation, the transaction and the audit
//! entries. A caller cannot skip one by calling another layer: the store has no notion of who
//! acts, and adapters only translate.
//!
//! - [`cases`], [`duplicates`], [`merges`], [`records`], [`surveys`], [`plans`], [`referrals`],
//!   [`packets`]: the case and everything on it;
//! - [`providers`], [`users`], [`session`], [`catalogue`]: the directory, accounts, signing in,
//!   programme data;
//! - [`indicators`], [`analyses`]: M&E aggregates, office-scoped and suppressed;
//! - [`views`]: what operations answer with; [`audit`]: audited reads with group commit.

pub mod agreements;
pub mod analyses;
pub mod audit;
pub mod auth;
pub mod capacity;
pub mod caseload;
pub mod cases;
pub mod catalogue;
pub mod communities;
pub mod community_projects;
pub(crate) mod consents;
pub mod document_storage;
pub mod documents;
pub mod duplicates;
pub mod error;
pub mod exchange;
pub mod exports;
pub mod handovers;
pub mod idempotency;
pub mod imports;
pub mod indicators;
pub mod input;
pub mod installations;
pub mod mentoring;
pub mod merges;
pub mod offices;
pub mod own_file;
pub mod packets;
pub mod plans;
pub mod programme;
pub mod protection;
pub mod providers;
pub mod records;
pub mod referrals;
pub mod retention;
pub mod s3;
pub mod session;
pub mod settings;
pub mod stakeholders;
pub mod surveys;
pub mod throttle;
pub mod users;
pub mod views;
pub mod worklist;

use std::sync::Arc;

use homeward_domain::feasibility::FeasibilityGrid;
use homeward_domain::timing::TimingRules;
use homeward_rss::Scorer;
use homeward_store::audit::AuditKey;
use homeward_store::frames::CaseRow;
use homeward_store::query::cases as case_rows;
use homeward_store::{AnyConnection, Store};

pub use auth::Caller;
pub use error::{Result, ServiceError};

/// What every operation can reach: the store and the programme's read-only data.
#[derive(Debug, Clone)]
pub struct Services {
    pub store: Store,
    pub scorer: Arc<Scorer>,
    /// The bundled provisional profile, read once: the analyses may be asked for its results
    /// when another profile is in force.
    pub provisional: Arc<homeward_rss::Profile>,
    pub grid: Arc<FeasibilityGrid>,
    pub timing: Arc<TimingRules>,
    pub reads: audit::ReadAudit,
    /// Seals the audit chain; kept outside the database.
    pub audit_key: Arc<AuditKey>,
    pub settings: Arc<settings::Settings>,
    /// The results framework the indicators are computed against.
    pub framework: Arc<Vec<homeward_analytics::indicators::Indicator>>,
    /// How long closed cases' data is kept.
    pub retention: Arc<homeward_domain::retention::RetentionPolicy>,
    /// What each programme setting was loaded from, and its version (for administrators).
    pub programme: Arc<Vec<programme::ProgrammeFile>>,
    /// Sign-in attempts per client address, in this app server's memory.
    pub throttle: Arc<throttle::Throttle>,
    /// Where new documents' content is kept.
    pub documents: Arc<document_storage::DocumentStorage>,
    /// This installation's exchange key: handovers to and from partner installations.
    pub exchange: Arc<exchange::ExchangeKeys>,
}

impl Services {
    /// Services on `store` with the bundled instrument, provisional profile, grid and timing
    /// rules, the default settings, and `audit_key` sealing the audit log. Starts the
    /// read-audit writer, so call it inside the runtime.
    pub fn new(store: Store, scorer: Scorer, audit_key: AuditKey) -> Services {
        let audit_key = Arc::new(audit_key);
        let programme = Arc::new(programme::bundled_files(&scorer));
        let provisional = Arc::new(homeward_rss::builtin::provisional_profile(scorer.instrument()));
        Services {
            reads: audit::ReadAudit::start(store.clone(), audit_key.clone()),
            audit_key,
            store,
            scorer: Arc::new(scorer),
            provisional,
            grid: Arc::new(FeasibilityGrid::builtin()),
            timing: Arc::new(TimingRules::builtin()),
            settings: Arc::new(settings::Settings::default()),
            framework: Arc::new(indicators::bundled_framework()),
            programme,
            retention: Arc::new(homeward_domain::retention::RetentionPolicy::builtin()),
            throttle: Arc::new(throttle::Throttle::default()),
            documents: Arc::new(document_storage::DocumentStorage::Database),
            // A random key until the deployment's is given (`with_exchange`): the command line
            // always gives it; tests need no partner that knows them.
            exchange: Arc::new(exchange::ExchangeKeys::generate().expect("randomness for an exchange key")),
        }
    }

    /// The same services under a programme's settings (a settings folder, or the bundled ones):
    /// grid, timing rules, results framework, scoring profile and the deployment's numbers.
    pub fn with_programme(self, p: programme::Programme) -> Services {
        let scorer = Scorer::new(self.scorer.instrument().clone(), p.profile);
        Services {
            scorer: Arc::new(scorer),
            grid: Arc::new(p.grid),
            timing: Arc::new(p.timing),
            framework: Arc::new(p.framework),
            settings: Arc::new(p.settings),
            retention: Arc::new(p.retention),
            programme: Arc::new(p.files),
            ..self
        }
    }

    /// The same services keeping new documents' content in `storage`.
    pub fn with_document_storage(self, storage: document_storage::DocumentStorage) -> Services {
        Services { documents: Arc::new(storage), ..self }
    }

    /// The same services under the installation's exchange key.
    pub fn with_exchange(self, keys: exchange::ExchangeKeys) -> Services {
        Services { exchange: Arc::new(keys), ..self }
    }

    /// The same services under the deployment's `settings`.
    /// Moves the reads journaled so far into the audit chain, then closes the store: what a
    /// command does last, so the log it leaves is whole (a failure only leaves them in the
    /// journal, moved at the next start).
    pub async fn close(&self) {
        if let Err(e) = self.reads.settle().await {
            tracing::warn!(error = %e, "journaled reads stay in the journal until the next start");
        }
        self.store.close().await;
    }

    pub fn with_settings(self, settings: settings::Settings) -> Services {
        Services { settings: Arc::new(settings), ..self }
    }
}

/// The case `id` to change: in the caller's scope, and open. A closed or archived case is read
/// only until it is reopened (`Conflict`, saying so).
pub(crate) async fn case_to_change(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<CaseRow> {
    let case = case_to_change_even_closed(conn, caller, id).await?;
    writable(&case)?;
    Ok(case)
}

/// The case `id` to change, in the caller's scope, open or not (a consent can be withdrawn from
/// a closed case). Read to be changed (`get_to_change`): what is written from it was not changed
/// by another transaction meanwhile.
pub(crate) async fn case_to_change_even_closed(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<CaseRow> {
    in_scope(caller, case_rows::get_to_change(conn, id).await?)
}

/// Refuses a change to a closed or archived case.
pub(crate) fn writable(case: &CaseRow) -> Result<()> {
    use homeward_domain::case::CaseState;
    if matches!(case.status, CaseState::Closed | CaseState::Archived) {
        return Err(ServiceError::Conflict(
            format!("the case is {}: it is read only until it is reopened", homeward_domain::Named::name(case.status)),
            None,
        ));
    }
    Ok(())
}

/// What was `found` under `id` if it belongs to one of the caller's offices; otherwise
/// `NotFound`, recorded as a denial when it exists, so what lies outside one's offices cannot be
/// told from what does not exist (a community, a project, a stakeholder).
pub(crate) fn within_offices<T>(
    caller: &Caller,
    found: Option<T>,
    office: impl Fn(&T) -> &str,
    entity: &str,
    id: &str,
) -> Result<T> {
    match found {
        Some(t) if caller.access.covers_office(office(&t)) => Ok(t),
        Some(_) => {
            caller.denied(entity, id, None, "outside the caller's offices");
            Err(ServiceError::NotFound)
        }
        None => Err(ServiceError::NotFound),
    }
}

/// The case `id` if it exists and is in the caller's scope; otherwise `NotFound`, so a case
/// outside one's office cannot be told from one that does not exist.
pub(crate) async fn case_in_scope(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<CaseRow> {
    in_scope(caller, case_rows::get(conn, id).await?)
}

/// The case `found` if it is in the caller's offices (see [`case_in_scope`]).
fn in_scope(caller: &Caller, found: Option<CaseRow>) -> Result<CaseRow> {
    match found {
        Some(case) if caller.access.covers_office(&case.office) => Ok(case),
        Some(case) => {
            caller.denied("case", &case.id, Some(&case.id), "outside the caller's office");
            Err(ServiceError::NotFound)
        }
        None => Err(ServiceError::NotFound),
    }
}
