//! A returnee's own file: everything Homeward holds about them, produced on their request by a
//! case manager (handbook L2452, L3752; domain.md section 6): the profile, household, consents
//! given and withdrawn, counselling and assessments, the plan, referrals made and to whom,
//! assistance received, follow-ups and surveys with their scores. It is gathered through the
//! same operations as the case's pages, so need-to-know applies to every part: a sensitive
//! section the producer may not read is left out and the file says so. Medical records come
//! only when the returnee asks for them. Produced as a data-subject request, audited as one.

use chrono::{DateTime, Utc};
use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::records::{
    Assistance, ConsentRecord, CounsellingSession, FollowUp, HouseholdMember, RiskAssessment, SensitiveNote,
    SkillsAssessment, UnmetNeed, VulnerabilityAssessment,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use crate::plans::PlanView;
use crate::referrals::ReferralView;
use crate::views::{CaseView, RecordView, SurveyView};
use crate::{Services, cases, plans, records, referrals, surveys};

/// What the returnee asked for.
#[derive(Debug, Default, Clone, Copy, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OwnFileQuery {
    /// `true` when the returnee asks for their medical records too (health notes).
    #[serde(default)]
    pub medical: bool,
}

/// Everything held about one returnee, as the producer may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnFile {
    pub produced_at: DateTime<Utc>,
    pub produced_by: String,
    pub case: CaseView,
    #[schema(value_type = Vec<Object>)]
    pub household: Vec<RecordView<HouseholdMember>>,
    #[schema(value_type = Vec<Object>)]
    pub consents: Vec<RecordView<ConsentRecord>>,
    #[schema(value_type = Vec<Object>)]
    pub counselling: Vec<RecordView<CounsellingSession>>,
    #[schema(value_type = Vec<Object>)]
    pub vulnerability_assessments: Vec<RecordView<VulnerabilityAssessment>>,
    #[schema(value_type = Vec<Object>)]
    pub risk_assessments: Vec<RecordView<RiskAssessment>>,
    #[schema(value_type = Vec<Object>)]
    pub skills_assessments: Vec<RecordView<SkillsAssessment>>,
    pub plans: Vec<PlanView>,
    pub referrals: Vec<ReferralView>,
    #[schema(value_type = Vec<Object>)]
    pub assistance: Vec<RecordView<Assistance>>,
    #[schema(value_type = Vec<Object>)]
    pub follow_ups: Vec<RecordView<FollowUp>>,
    #[schema(value_type = Vec<Object>)]
    pub unmet_needs: Vec<RecordView<UnmetNeed>>,
    pub surveys: Vec<SurveyView>,
    /// Sensitive notes the producer may read; health notes only when the returnee asked.
    #[schema(value_type = Vec<Object>)]
    pub sensitive_notes: Vec<RecordView<SensitiveNote>>,
    /// What is not in the file, and why (a section the producer has no grant for, medical
    /// records not asked for): said, so nobody takes the file for all there is.
    pub left_out: Vec<String>,
    /// The organisations the referrals went to, by their id in the directory: to whom.
    pub providers: std::collections::BTreeMap<String, String>,
}

/// Produces the returnee's file. For roles that see identities and read cases (not the M&E
/// officer, not a partner): a pseudonymised file would not answer the returnee's request.
pub async fn produce(state: &Services, caller: &Caller, case_id: &str, query: OwnFileQuery) -> Result<OwnFile> {
    caller.require(Permission::ReadCases)?;
    if !caller.access.role.sees_identities() {
        return Err(ServiceError::Forbidden(format!(
            "your role ({}) sees pseudonymised data: a returnee's own file is produced by their case manager",
            caller.access.role.name()
        )));
    }
    let case = cases::read(state, caller, case_id).await?;
    let mut left_out = Vec::new();
    // A part the producer's role may not read is left out and said, never an error for the whole.
    macro_rules! part {
        ($call:expr, $what:expr) => {
            match $call.await {
                Ok(items) => items,
                Err(ServiceError::Forbidden(_)) => {
                    left_out.push(format!("{}: your role may not read them", $what));
                    Vec::new()
                }
                Err(e) => return Err(e),
            }
        };
    }
    let household = part!(records::list::<HouseholdMember>(state, caller, case_id), "household");
    let consents = part!(records::list::<ConsentRecord>(state, caller, case_id), "consents");
    let counselling = part!(records::list::<CounsellingSession>(state, caller, case_id), "counselling sessions");
    let vulnerability_assessments =
        part!(records::list::<VulnerabilityAssessment>(state, caller, case_id), "vulnerability assessments");
    let risk_assessments = part!(records::list::<RiskAssessment>(state, caller, case_id), "risk assessments");
    let skills_assessments = part!(records::list::<SkillsAssessment>(state, caller, case_id), "skills assessments");
    let plans = part!(plans::list(state, caller, case_id), "reintegration plans");
    let referrals = part!(referrals::list(state, caller, case_id), "referrals");
    let assistance = part!(records::list::<Assistance>(state, caller, case_id), "assistance");
    let follow_ups = part!(records::list::<FollowUp>(state, caller, case_id), "follow-ups");
    let unmet_needs = part!(records::list::<UnmetNeed>(state, caller, case_id), "unmet needs");
    let surveys = part!(surveys::list(state, caller, case_id), "surveys");
    let mut sensitive_notes = part!(records::list::<SensitiveNote>(state, caller, case_id), "sensitive notes");
    if !query.medical {
        let before = sensitive_notes.len();
        sensitive_notes.retain(|n| n.data.section != Section::Health);
        if sensitive_notes.len() < before {
            left_out.push("health notes: the returnee did not ask for their medical records".into());
        }
    }
    for section in Section::ALL {
        if !caller.access.may_read_section(*section) {
            left_out.push(format!("{} section: your role has no grant for it (need-to-know)", section.name()));
        }
    }
    let mut parts = vec!["profile", "household", "consents", "plans", "referrals", "assistance", "surveys"];
    if query.medical {
        parts.push("medical");
    }
    let mut providers = std::collections::BTreeMap::new();
    let mut conn = state.store.read().await?;
    for r in &referrals {
        if !providers.contains_key(&r.provider_id)
            && let Some(p) = homeward_store::query::providers::get(&mut conn, &r.provider_id).await?
        {
            providers.insert(r.provider_id.clone(), p.organisation);
        }
    }
    drop(conn);
    let e = entry(caller, "subject_access", "case", case_id, Some(case_id), &parts);
    state.reads.record(vec![e]).await?;
    Ok(OwnFile {
        produced_at: Utc::now(),
        produced_by: caller.username.clone(),
        case,
        household,
        consents,
        counselling,
        vulnerability_assessments,
        risk_assessments,
        skills_assessments,
        plans,
        referrals,
        assistance,
        follow_ups,
        unmet_needs,
        surveys,
        sensitive_notes,
        left_out,
        providers,
    })
}
