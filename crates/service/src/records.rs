//! The records kept on a case: the same four generic operations for every kind: add, list,
//! read, correct (with the version last read).
//!
//! Each kind says which permission writes it ([`Kind::permission`]) and may complete itself
//! from the case before it is stored (a follow-up's next due date from the timing rules).

use chrono::NaiveDate;
use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::case::CaseAction;
use homeward_domain::ids::{CaseId, RecordId};
use homeward_domain::records::*;
use homeward_domain::timing::{Anchors, DueKind};
use homeward_store::frames::{CaseRow, RecordRow};
use homeward_store::query::{cases, records};
use homeward_store::{Tx, audit as store_audit, from_json, new_id, now, to_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::case_in_scope;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdempotencyKey;
use crate::views::RecordView;

/// How the server treats a kind of record.
pub trait Kind: CaseRecord {
    /// The permission needed to add or correct one.
    fn permission() -> Permission;

    /// Fills in what Homeward proposes, from the case (before validation).
    fn complete(&mut self, _state: &Services, _case: &CaseRow) {}

    /// Whether writing one changes the case's next follow-up date.
    const MOVES_FOLLOW_UP: bool = false;

    /// The moves of the case that recording one makes, as far as the case's state allows (the
    /// status follows the work, `cases::follow_work`).
    const ADVANCES: &'static [CaseAction] = &[];

    /// Checks a record against the rest of the case, in the transaction that writes it;
    /// `replacing` is the record a correction replaces (its id and what it held). `Ok(true)`
    /// when an exception to a rule was accepted (by a supervisor, with a reason), which the
    /// audit log then records.
    fn check_in_case(
        &self,
        _caller: &Caller,
        _tx: &mut Tx,
        _case: &CaseRow,
        _replacing: Option<(&str, &Self)>,
    ) -> impl std::future::Future<Output = Result<bool>> + Send {
        async { Ok(false) }
    }
}

macro_rules! plain_kinds {
    ($($ty:ident => $permission:ident),+) => {$(
        impl Kind for $ty {
            fn permission() -> Permission {
                Permission::$permission
            }
        }
    )+};
}

plain_kinds!(
    HouseholdMember => RecordAssessment,
    ConsentRecord => RecordAssessment,
    CounsellingSession => RecordAssessment,
    SensitiveNote => RecordAssessment,
    FeasibilityCheck => Plan,
    UnmetNeed => RecordAssessment
);

/// The permission that writes records of `kind` (and adds documents to them).
pub fn permission_of(kind: RecordKind) -> Permission {
    match kind {
        RecordKind::HouseholdMember => HouseholdMember::permission(),
        RecordKind::Consent => ConsentRecord::permission(),
        RecordKind::CounsellingSession => CounsellingSession::permission(),
        RecordKind::VulnerabilityAssessment => VulnerabilityAssessment::permission(),
        RecordKind::RiskAssessment => RiskAssessment::permission(),
        RecordKind::SkillsAssessment => SkillsAssessment::permission(),
        RecordKind::FeasibilityCheck => FeasibilityCheck::permission(),
        RecordKind::Assistance => Assistance::permission(),
        RecordKind::FollowUp => FollowUp::permission(),
        RecordKind::SensitiveNote => SensitiveNote::permission(),
        RecordKind::UnmetNeed => UnmetNeed::permission(),
    }
}

/// Kinds whose recording moves the case: assessments start the assessment stage (from intake),
/// the first assistance starts the assistance stage (from an agreed plan).
macro_rules! advancing_kinds {
    ($($ty:ident => $permission:ident, [$($action:ident),+]),+) => {$(
        impl Kind for $ty {
            fn permission() -> Permission {
                Permission::$permission
            }
            const ADVANCES: &'static [CaseAction] = &[$(CaseAction::$action),+];
        }
    )+};
}

advancing_kinds!(
    VulnerabilityAssessment => RecordAssessment, [StartAssessment],
    RiskAssessment => RecordAssessment, [StartAssessment],
    SkillsAssessment => RecordAssessment, [StartAssessment]
);

impl Kind for Assistance {
    fn permission() -> Permission {
        Permission::RecordAssistance
    }

    /// The first assistance starts the assistance stage.
    const ADVANCES: &'static [CaseAction] = &[CaseAction::StartAssistance];

    /// Payments follow the agreed plan: one dated ahead, beyond the component's planned amount
    /// or out of instalment order is refused, unless a supervisor accepts it with a reason. A
    /// correction is checked the same way against the other payments; one that keeps an
    /// exception a supervisor accepted (same reason, no new exception) needs no supervisor again.
    async fn check_in_case(
        &self,
        caller: &Caller,
        tx: &mut Tx,
        case: &CaseRow,
        replacing: Option<(&str, &Self)>,
    ) -> Result<bool> {
        let planned = match (self.plan_version, self.component) {
            (Some(version), Some(component)) => {
                let plans = homeward_store::query::plans::of_case(tx, &case.id).await?;
                match plans.iter().find(|p| p.plan_version == i64::from(version)) {
                    Some(plan) => {
                        let content: homeward_domain::plan_document::PlanContent =
                            from_json("plan content", &plan.content)?;
                        content.components.get(component as usize).and_then(|c| c.estimated_cost.clone())
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let prior: Vec<Assistance> = records::list(tx, &case.id, RecordKind::Assistance)
            .await?
            .iter()
            .filter(|r| replacing.is_none_or(|(id, _)| r.id.as_str() != id))
            .map(|r| from_json::<Assistance>("assistance", &r.data))
            .collect::<Result<_, _>>()?;
        let exceptions = |payment: &Assistance| {
            homeward_domain::records::payment_exceptions(payment, homeward_store::today(), planned.as_ref(), &prior)
        };
        let found = exceptions(self);
        if found.is_empty() {
            return Ok(false);
        }
        let reason = self.exception_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if let Some((_, old)) = replacing {
            let accepted_before = exceptions(old);
            let old_reason = old.exception_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            if old_reason.is_some()
                && old_reason == reason
                && found.iter().all(|f| accepted_before.iter().any(|a| a.code == f.code))
            {
                return Ok(false);
            }
        }
        if reason.is_some() && caller.access.may(Permission::ReviewOverrides) {
            return Ok(true);
        }
        let mut problems = found;
        if reason.is_some() {
            caller.denied("assistance", &case.id, Some(&case.id), "payment exception without a supervisor");
            problems.push(homeward_domain::validate::FieldError::of(
                "exception_reason",
                homeward_domain::problem!(
                    "exception_needs_supervisor",
                    "only a supervisor accepts a payment the plan does not foresee"
                ),
            ));
        }
        Err(ServiceError::invalid(problems))
    }
}

impl Kind for FollowUp {
    fn permission() -> Permission {
        Permission::FollowUp
    }

    /// Proposes the next visit from the case's timing schedule when none is given.
    fn complete(&mut self, state: &Services, case: &CaseRow) {
        if self.next_due.is_none() {
            self.next_due = next_follow_up_after(state, case, self.date);
        }
    }

    const MOVES_FOLLOW_UP: bool = true;

    /// A visit after assistance began starts the monitoring.
    const ADVANCES: &'static [CaseAction] = &[CaseAction::StartMonitoring];
}

/// The first follow-up the case's schedule puts after `after`.
pub(crate) fn next_follow_up_after(state: &Services, case: &CaseRow, after: NaiveDate) -> Option<NaiveDate> {
    let schedule = state.timing.schedule(&case.schedule)?;
    let anchors = Anchors { returned: case.date_of_return, plan_agreed: case.plan_agreed_on };
    schedule.next_due(DueKind::FollowUp, &anchors, after).map(|d| d.date)
}

/// The case's next follow-up: the next due date of its latest visit.
pub(crate) async fn refresh_follow_up(tx: &mut Tx, case: &CaseRow) -> Result<()> {
    let visits = records::list(tx, &case.id, RecordKind::FollowUp).await?;
    let mut latest: Option<FollowUp> = None;
    for v in &visits {
        let f: FollowUp = from_json("follow_up", &v.data)?;
        if latest.as_ref().is_none_or(|l| f.date >= l.date) {
            latest = Some(f);
        }
    }
    let next = latest.and_then(|f| f.next_due).or(case.next_follow_up);
    cases::set_derived(tx, &case.id, case.latest_band, next).await?;
    Ok(())
}

fn check_reader<T: Kind>(caller: &Caller) -> Result<()> {
    caller.require(Permission::ReadCases)?;
    if !caller.access.role.sees_identities() {
        return Err(ServiceError::Forbidden(format!(
            "{} records identify the returnee; your role sees pseudonymised data only",
            T::KIND.name()
        )));
    }
    if let Some(section) = fixed_section(T::KIND) {
        caller.require_section(section)?;
    }
    Ok(())
}

fn section_of<T: Kind>(record: &T) -> Option<Section> {
    record.section().or(fixed_section(T::KIND))
}

pub async fn create<T: Kind>(state: &Services, caller: &Caller, case_id: &str, record: T) -> Result<RecordView<T>> {
    create_once(state, caller, case_id, record, None).await
}

/// [`create`], once per idempotency `key`: the same submission again answers the record stored
/// the first time.
pub async fn create_once<T: Kind>(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    mut record: T,
    key: Option<IdempotencyKey>,
) -> Result<RecordView<T>> {
    caller.require(T::permission())?;
    check_reader::<T>(caller)?;
    if let Some(section) = section_of(&record) {
        caller.require_section(section)?;
    }
    let mut tx = state.store.begin().await?;
    let mut case = crate::case_to_change(&mut tx, caller, case_id).await?;
    if let Some(id) = crate::idempotency::earlier(&mut tx, caller, key.as_ref(), T::KIND.name()).await? {
        drop(tx);
        return read(state, caller, case_id, &id).await;
    }
    record.complete(state, &case);
    record.validate().map_err(ServiceError::invalid)?;
    crate::consents::check_record(&mut tx, case_id, &record, None).await?;
    let exception_accepted = record.check_in_case(caller, &mut tx, &case, None).await?;
    let at = now();
    let row = RecordRow {
        id: RecordId::new(new_id()),
        case_id: CaseId::new(case_id),
        kind: T::KIND,
        section: record.section(),
        record_date: record.date(),
        data: to_json(&record),
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    records::insert(&mut tx, &row).await?;
    crate::idempotency::remember(&mut tx, caller, key.as_ref(), T::KIND.name(), &row.id).await?;
    let mut entries = crate::cases::follow_work(&mut tx, caller, &mut case, T::ADVANCES).await?;
    if T::MOVES_FOLLOW_UP {
        refresh_follow_up(&mut tx, &case).await?;
    }
    entries.push(entry(caller, "create", T::KIND.name(), &row.id, Some(case_id), &["*"]));
    if exception_accepted {
        entries.push(entry(caller, "accept_exception", T::KIND.name(), &row.id, Some(case_id), &["exception_reason"]));
    }
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(RecordView::new(&row)?)
}

pub async fn list<T: Kind>(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<RecordView<T>>> {
    check_reader::<T>(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let rows = records::list(&mut conn, case_id, T::KIND).await?;
    drop(conn);
    let mut views = Vec::new();
    let mut entries = Vec::new();
    for row in &rows {
        let view: RecordView<T> = RecordView::new(row)?;
        if section_of(&view.data).is_some_and(|s| !caller.access.may_read_section(s)) {
            continue;
        }
        entries.push(entry(caller, "read", T::KIND.name(), &row.id, Some(case_id), &["*"]));
        views.push(view);
    }
    state.reads.record(entries).await?;
    Ok(views)
}

pub async fn read<T: Kind>(state: &Services, caller: &Caller, case_id: &str, id: &str) -> Result<RecordView<T>> {
    check_reader::<T>(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let row = records::get(&mut conn, case_id, T::KIND, id).await?.ok_or(ServiceError::NotFound)?;
    drop(conn);
    let view: RecordView<T> = RecordView::new(&row)?;
    if let Some(section) = section_of(&view.data) {
        caller.require_section(section)?;
    }
    state.reads.record(vec![entry(caller, "read", T::KIND.name(), id, Some(case_id), &["*"])]).await?;
    Ok(view)
}

/// A corrected record with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction<T> {
    pub version: i64,
    pub data: T,
}

pub async fn update<T: Kind>(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    id: &str,
    correction: Correction<T>,
) -> Result<RecordView<T>> {
    caller.require(T::permission())?;
    check_reader::<T>(caller)?;
    let mut record = correction.data;
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change_even_closed(&mut tx, caller, case_id).await?;
    // A returnee may withdraw a consent at any time, the case closed or not (handbook L1812-1816).
    if T::KIND != RecordKind::Consent {
        crate::writable(&case)?;
    }
    let mut row = records::get(&mut tx, case_id, T::KIND, id).await?.ok_or(ServiceError::NotFound)?;
    if row.version != correction.version {
        return Err(homeward_store::StoreError::Conflict { current: row.version }.into());
    }
    let old: T = from_json(T::KIND.name(), &row.data)?;
    for section in [section_of(&old), section_of(&record)].into_iter().flatten() {
        caller.require_section(section)?;
    }
    record.complete(state, &case);
    record.validate().map_err(ServiceError::invalid)?;
    record.check_update(&old).map_err(ServiceError::invalid)?;
    crate::consents::check_record(&mut tx, case_id, &record, Some(&old)).await?;
    let exception_accepted = record.check_in_case(caller, &mut tx, &case, Some((id, &old))).await?;
    row.section = record.section();
    row.record_date = record.date();
    row.data = to_json(&record);
    row.version = records::update(&mut tx, &row, correction.version).await?;
    row.updated_at = now();
    if T::MOVES_FOLLOW_UP {
        refresh_follow_up(&mut tx, &case).await?;
    }
    let mut entries = vec![entry(caller, "update", T::KIND.name(), id, Some(case_id), &["*"])];
    if exception_accepted {
        entries.push(entry(caller, "accept_exception", T::KIND.name(), id, Some(case_id), &["exception_reason"]));
    }
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(RecordView::new(&row)?)
}
