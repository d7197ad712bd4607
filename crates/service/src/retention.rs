//! Retention of closed cases (docs/domain.md section 6, item 11): the purge removes each kind of
//! record past its time under the programme's policy (`data/programme/retention.toml` or the
//! settings folder's) and then anonymises the case, keeping what the indicators and analyses
//! count; a legal hold (an investigation after a death, handbook lines 4343-4350) stops it for a
//! case. Administrators only; the purge, each case it touches and each hold are audited. An
//! anonymised case keeps the records the indicators count and its referrals without their free
//! text.

use chrono::{Datelike, NaiveDate};
use homeward_domain::access::Permission;
use homeward_domain::closure::Closure;
use homeward_domain::returnee::ProfileDetails;
use homeward_domain::{Named, problem};
use homeward_store::query::{cases, retention};
use homeward_store::{from_json, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// What the purge removed from one case (or would, on a dry run).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PurgedCase {
    pub case_id: String,
    pub case_number: String,
    pub closed_on: NaiveDate,
    /// Records deleted, by kind: (kind, how many).
    pub records: Vec<RemovedRecords>,
    /// Its identity was anonymised now.
    pub anonymised: bool,
    /// Documents deleted: those kept with the records deleted, and every one once the identity
    /// is anonymised (documents identify the returnee).
    pub documents: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemovedRecords {
    pub kind: String,
    pub count: i64,
}

/// A purge's report: what it removed, and the cases a legal hold kept as they are.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PurgeReport {
    pub on: NaiveDate,
    /// Nothing was changed: the report says what a purge would remove.
    pub dry_run: bool,
    /// Where the policy comes from.
    pub policy: String,
    pub cases: Vec<PurgedCase>,
    /// Case numbers whose time is past but that are under a legal hold.
    pub held: Vec<String>,
}

/// A legal hold as asked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHold {
    /// Why: an investigation, a court order...
    pub reason: String,
}

/// A legal hold in force on a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LegalHoldView {
    pub reason: String,
    pub placed_by: String,
    pub placed_at: String,
}

/// Runs the purge on the server's today: each closed case not under a legal hold loses the
/// records past their time, then its identity once that is past too.
pub async fn purge(state: &Services, caller: &Caller, dry_run: bool) -> Result<PurgeReport> {
    caller.require(Permission::ManageUsers)?;
    let today = homeward_store::today();
    let policy = &state.retention;
    let mut conn = state.store.read().await?;
    let closed = retention::closed_cases(&mut conn).await?;
    // Every count in one query, not one per case and kind.
    let counts: std::collections::HashMap<(String, String), i64> = retention::closed_record_counts(&mut conn)
        .await?
        .into_iter()
        .map(|(case, kind, n)| ((case, kind), n))
        .collect();
    let mut documents: std::collections::HashMap<String, Vec<(Option<String>, i64)>> = Default::default();
    for (case, kind, n) in retention::closed_document_counts(&mut conn).await? {
        documents.entry(case).or_default().push((kind, n));
    }
    let mut report = PurgeReport { on: today, dry_run, policy: policy.source.clone(), cases: vec![], held: vec![] };
    let mut due = vec![];
    for c in closed {
        let closure: Closure = from_json("closure", &c.closure)?;
        let kinds = policy.kinds_due(closure.date, today);
        let identity = c.anonymised_on.is_none() && policy.identity_due(closure.date, today);
        let mut records = vec![];
        for kind in &kinds {
            if let Some(&count) = counts.get(&(c.case_id.clone(), kind.name().to_string())) {
                records.push(RemovedRecords { kind: kind.name().to_string(), count });
            }
        }
        let documents: i64 = documents
            .get(&c.case_id)
            .into_iter()
            .flatten()
            .filter(|(kind, _)| identity || kind.as_ref().is_some_and(|k| kinds.iter().any(|d| d.name() == k)))
            .map(|(_, n)| n)
            .sum();
        if records.is_empty() && !identity && documents == 0 {
            continue;
        }
        if c.legal_hold.is_some() {
            report.held.push(c.case_number);
            continue;
        }
        due.push((c.case_id.clone(), kinds));
        report.cases.push(PurgedCase {
            case_id: c.case_id,
            case_number: c.case_number,
            closed_on: closure.date,
            records,
            anonymised: identity,
            documents,
        });
    }
    drop(conn);
    if dry_run {
        return Ok(report);
    }
    for (purged, (case_id, kinds)) in report.cases.iter().zip(due) {
        let mut tx = state.store.begin().await?;
        let mut deleted = Vec::new();
        for kind in kinds {
            deleted.extend(homeward_store::query::documents::delete(&mut tx, &case_id, Some(kind.name())).await?);
            retention::delete_records(&mut tx, &case_id, kind.name()).await?;
        }
        if purged.anonymised {
            deleted.extend(homeward_store::query::documents::delete(&mut tx, &case_id, None).await?);
        }
        if purged.anonymised {
            let case = cases::get(&mut tx, &case_id).await?.ok_or(ServiceError::NotFound)?;
            let kept = anonymous_profile(&case.profile)?;
            retention::anonymise(&mut tx, &case_id, age_only(case.date_of_birth, case.date_of_return), &kept, today)
                .await?;
            strip_free_text(&mut tx, &case_id).await?;
        }
        let mut fields: Vec<&str> = purged.records.iter().map(|r| r.kind.as_str()).collect();
        if purged.anonymised {
            fields.push("identity");
        }
        if !deleted.is_empty() {
            fields.push("documents");
        }
        homeward_store::audit::append(
            &mut tx,
            &state.audit_key,
            &[entry(caller, "purge", "case", &case_id, Some(&case_id), &fields)],
        )
        .await?;
        homeward_store::commit(tx).await?;
        state.documents.erase(&deleted).await;
    }
    Ok(report)
}

/// What an anonymised case keeps of the records the indicators count, and of its referrals,
/// without their free text (which may name people or places): the codes, dates and amounts stay.
async fn strip_free_text(tx: &mut homeward_store::Tx, case_id: &str) -> Result<()> {
    use homeward_domain::records::{Assistance, RecordKind, UnmetNeed, VulnerabilityAssessment};
    const GONE: &str = "[anonymised]";
    for kind in homeward_domain::retention::COUNTED {
        for (id, data) in retention::records_of(tx, case_id, kind.name()).await? {
            let stripped = match kind {
                RecordKind::Assistance => {
                    let a: Assistance = from_json("assistance", &data)?;
                    to_json(&Assistance { description: None, exception_reason: None, ..a })
                }
                RecordKind::UnmetNeed => {
                    let u: UnmetNeed = from_json("unmet need", &data)?;
                    to_json(&UnmetNeed { need: GONE.into(), mitigation: None, ..u })
                }
                RecordKind::VulnerabilityAssessment => {
                    let v: VulnerabilityAssessment = from_json("vulnerability assessment", &data)?;
                    to_json(&VulnerabilityAssessment {
                        immediate_needs: None,
                        health_transition_plan: None,
                        notes: None,
                        ..v
                    })
                }
                _ => continue,
            };
            retention::set_record_data(tx, &id, &stripped).await?;
        }
    }
    for (id, request) in retention::referral_requests(tx, case_id).await? {
        let r: homeward_domain::referral::ReferralRequest = from_json("referral request", &request)?;
        let stripped = homeward_domain::referral::ReferralRequest {
            reason: GONE.into(),
            consent_override_reason: r.consent_override_reason.as_ref().map(|_| GONE.to_string()),
            ..r
        };
        retention::set_referral_request(tx, &id, &to_json(&stripped)).await?;
    }
    Ok(())
}

/// The profile's fields the analyses read (where the returnee came back from, how, how long
/// away, to their community or not); the rest (address, contacts, languages, free text) goes.
fn anonymous_profile(profile: &str) -> Result<String> {
    let p: ProfileDetails = from_json("case profile", profile)?;
    Ok(to_json(&ProfileDetails {
        host_country: p.host_country,
        return_assistance: p.return_assistance,
        return_type: p.return_type,
        years_abroad: p.years_abroad,
        returned_to_community_of_origin: p.returned_to_community_of_origin,
        ..ProfileDetails::default()
    }))
}

/// A date of birth that keeps only the age at return: that many years before the return.
fn age_only(born: NaiveDate, returned: NaiveDate) -> NaiveDate {
    let age = returned.years_since(born).unwrap_or(0) as i32;
    returned
        .with_year(returned.year() - age)
        .or_else(|| NaiveDate::from_ymd_opt(returned.year() - age, 3, 1))
        .unwrap_or(born)
}

/// Places a legal hold on a case: the purge leaves it whole until the hold is lifted.
pub async fn hold(state: &Services, caller: &Caller, case_id: &str, h: LegalHold) -> Result<LegalHoldView> {
    caller.require(Permission::ManageUsers)?;
    let mut p = homeward_domain::validate::Problems::default();
    p.text("reason", &h.reason, homeward_domain::returnee::LONG_TEXT);
    p.into_result().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    let case = crate::case_in_scope(&mut tx, caller, case_id).await?;
    retention::set_hold(&mut tx, &case.id, Some(h.reason.trim()), &caller.username).await?;
    homeward_store::audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "hold", "case", &case.id, Some(&case.id), &["legal_hold"])],
    )
    .await?;
    let view = retention::hold_of(&mut tx, &case.id).await?;
    homeward_store::commit(tx).await?;
    let (reason, placed_by, placed_at) = view.ok_or(ServiceError::NotFound)?;
    Ok(LegalHoldView { reason, placed_by, placed_at })
}

/// Lifts a case's legal hold.
pub async fn release(state: &Services, caller: &Caller, case_id: &str) -> Result<()> {
    caller.require(Permission::ManageUsers)?;
    let mut tx = state.store.begin().await?;
    let case = crate::case_in_scope(&mut tx, caller, case_id).await?;
    if retention::hold_of(&mut tx, &case.id).await?.is_none() {
        let problem = problem!("no_legal_hold", "the case is under no legal hold");
        return Err(ServiceError::problem("case", problem));
    }
    retention::set_hold(&mut tx, &case.id, None, &caller.username).await?;
    homeward_store::audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "release", "case", &case.id, Some(&case.id), &["legal_hold"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(())
}

/// The legal hold on a case, if any.
pub async fn hold_of(state: &Services, caller: &Caller, case_id: &str) -> Result<Option<LegalHoldView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let case = crate::case_in_scope(&mut conn, caller, case_id).await?;
    Ok(retention::hold_of(&mut conn, &case.id).await?.map(|(reason, placed_by, placed_at)| LegalHoldView {
        reason,
        placed_by,
        placed_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anonymised_date_of_birth_keeps_the_age_at_return_only() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let returned = day("2016-05-20");
        let kept = age_only(day("1990-11-02"), returned);
        assert_eq!(kept, day("1991-05-20"));
        assert_eq!(returned.years_since(kept), returned.years_since(day("1990-11-02")));
        assert_eq!(age_only(day("1992-02-29"), day("2020-02-29")), day("1992-02-29"));
    }
}
