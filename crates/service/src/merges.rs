//! Merging a case registered twice into the other (the same returnee, two cases that drift
//! apart). A supervisor keeps one case; every record, survey, plan and referral of the other
//! moves to it; the other is archived and points to the kept one. Both cases show the merge, and
//! the audit log records it on both. Nothing is deleted: the merged case's own audit history and
//! case number stay, so a search for its number still leads to the person.

use homeward_domain::access::Permission;
use homeward_domain::case::CaseState;
use homeward_domain::problem;
use homeward_domain::validate::Problems;
use homeward_store::query::{cases, plans};
use homeward_store::{StoreError, audit as store_audit};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use crate::views::CaseView;

/// Why two cases are one person, at most this long.
const REASON_MAX: usize = 2000;

/// A merge of another case into this one (the kept case).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseMerge {
    /// The id of the case registered twice: its records move to the kept case, and it is
    /// archived, pointing to the kept case.
    pub merged_case: String,
    /// The version of the kept case last read.
    pub version: i64,
    /// The version of the merged case last read.
    pub merged_version: i64,
    /// Why the two cases are the same person (kept with the merge and shown on both cases).
    pub reason: String,
}

/// Merges `merge.merged_case` into case `kept_id`. Refused (409) when either case changed since
/// it was read, is closed or archived, or when both have a reintegration plan (plan versions
/// and the consents and referrals tied to them cannot be combined safely: keep the case whose
/// plan is in use, and correct the other's plan first).
pub async fn merge(state: &Services, caller: &Caller, kept_id: &str, merge: CaseMerge) -> Result<CaseView> {
    caller.require(Permission::MergeCases)?;
    let mut problems = Problems::default();
    problems.text("reason", &merge.reason, REASON_MAX);
    if merge.merged_case == kept_id {
        problems.add("merged_case", problem!("merge_itself", "is the case itself: choose the other registration"));
    }
    problems.into_result().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    // Both cases are changed: taken in one order, so two merges of the pair never wait on each other.
    cases::lock_to_change(&mut tx, &[kept_id, merge.merged_case.as_str()]).await?;
    for case in [kept_id, merge.merged_case.as_str()] {
        if let (Some(into), _) = cases::merges(&mut tx, case).await? {
            return Err(ServiceError::Conflict(format!("merged into {} already", into.case_number), None));
        }
    }
    let mut kept = crate::case_to_change(&mut tx, caller, kept_id).await?;
    let mut merged = match crate::case_to_change(&mut tx, caller, &merge.merged_case).await {
        Err(ServiceError::NotFound) => {
            let problem = problem!("no_such_case", "is not a case of your offices");
            return Err(ServiceError::problem("merged_case", problem));
        }
        other => other?,
    };
    for (case, expected) in [(&kept, merge.version), (&merged, merge.merged_version)] {
        if case.version != expected {
            return Err(ServiceError::Conflict(
                format!("{}: {}", case.case_number, StoreError::Conflict { current: case.version }),
                Some(case.version),
            ));
        }
    }
    let kept_plans = !plans::of_case(&mut tx, kept_id).await?.is_empty();
    if kept_plans && !plans::of_case(&mut tx, &merged.id).await?.is_empty() {
        return Err(ServiceError::Conflict(
            format!(
                "both {} and {} have a reintegration plan: keep the case whose plan is in use, and abandon the \
                 other plan first",
                kept.case_number, merged.case_number
            ),
            None,
        ));
    }
    cases::merge(&mut tx, &merged.id, kept_id, merge.reason.trim(), &caller.username).await?;
    kept.plan_agreed_on = kept.plan_agreed_on.or(merged.plan_agreed_on);
    let version = cases::update(&mut tx, &kept, merge.version, None).await?;
    kept.version = version;
    merged.status = CaseState::Archived;
    merged.next_follow_up = None;
    cases::update(&mut tx, &merged, merge.merged_version, None).await?;
    homeward_store::query::surveys::refresh_bands(&mut tx, &[kept_id], &state.scorer.profile().name).await?;
    let refreshed = cases::get(&mut tx, kept_id).await?.ok_or(ServiceError::NotFound)?;
    crate::records::refresh_follow_up(&mut tx, &refreshed).await?;
    let entries = [
        entry(caller, "merge", "case", kept_id, Some(kept_id), &["merged_from"]),
        entry(caller, "merge", "case", &merged.id, Some(&merged.id), &["merged_into"]),
    ];
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    let kept = cases::get(&mut tx, kept_id).await?.ok_or(ServiceError::NotFound)?;
    let links = cases::merges(&mut tx, kept_id).await?;
    homeward_store::commit(tx).await?;
    Ok(CaseView::new(&kept, caller, &state.timing)?.with_merges(links))
}
