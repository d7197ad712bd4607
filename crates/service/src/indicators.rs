//! The programme's indicators for a period (the results framework of the handbook's Table 5.4,
//! `data/programme/results-framework.toml`), computed from the case records by
//! `homeward-analytics`, each with its target, progress and breakdowns, small groups suppressed.
//! Only aggregates leave: the endpoint suits an M&E officer, who sees no names.

use chrono::NaiveDate;
use homeward_analytics::indicators::{
    self, CaseFact, EngagementFact, Facts, Indicator, IndicatorResult, ReferralFact, SatisfactionFact, SurveyFact,
    UnmetNeedFact,
};
use std::collections::HashMap;

use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::problem;
use homeward_domain::referral::ReferralState;
use homeward_domain::returnee::Sex;
use homeward_store::query::facts::{self, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Services;
use crate::analyses::suppression_rule;
use crate::analyses::variables::vulnerable_cases;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

pub(crate) const FRAMEWORK: &str = include_str!("../../../data/programme/results-framework.toml");

/// The bundled results framework (a test keeps it valid); a deployment may set its own
/// (`programme`), which the services hold.
pub fn bundled_framework() -> Vec<Indicator> {
    indicators::load(FRAMEWORK).expect("the bundled results framework is valid (tested)")
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// First day of the period (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day of the period, included.
    pub to: NaiveDate,
    /// The smallest group shown: at least the deployment's floor (default 5); a smaller value is raised to it.
    pub min_cell: Option<u32>,
    /// The scoring profile whose results the score indicators count (default: the one in force;
    /// the bundled provisional one may be chosen too).
    pub profile: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The scoring profile of the RSS scores used, and whether it is official.
    pub profile: String,
    #[schema(value_type = String)]
    pub profile_status: homeward_rss::ProfileStatus,
    pub min_cell: u32,
    /// The suppression rule, in a sentence, for reports.
    pub suppression: String,
    #[schema(value_type = Vec<Object>)]
    pub indicators: Vec<IndicatorResult>,
}

/// The office and period an M&E figure of `caller` covers.
pub(crate) fn scope(caller: &Caller, from: NaiveDate, to: NaiveDate) -> Scope<'_> {
    Scope { office: caller.access.office.as_deref(), from, to }
}

/// The facts of the cases in the caller's scope for the period, filtered by the database. The
/// returnees with nothing to look at one by one come counted by attributes: the count of their
/// group less those read individually.
async fn facts_for(state: &Services, caller: &Caller, from: NaiveDate, to: NaiveDate, profile: &str) -> Result<Facts> {
    let scope = scope(caller, from, to);
    let mut conn = state.store.read().await?;
    let (cases, groups) = facts::cohort(&mut conn, &scope).await?;
    let vulnerable = vulnerable_cases(&mut conn, &scope).await?;
    let surveys = facts::scored_with_cases(&mut conn, profile, &scope).await?;
    let referrals = facts::referrals(&mut conn, &scope).await?;
    let unmet = facts::records_of_kind(&mut conn, "unmet_need", &scope, true).await?;
    let satisfaction = homeward_store::query::communities::satisfaction_in(&mut conn, scope.office, from, to).await?;
    let engagement = homeward_store::query::structures::engagement_in(&mut conn, scope.office, from, to).await?;
    drop(conn);
    let mut counted: HashMap<(Sex, u32, NaiveDate), usize> =
        groups.into_iter().map(|g| ((g.sex, g.age_at_return, g.date_of_return), g.count as usize)).collect();
    let mut case_facts = Vec::with_capacity(cases.len() + counted.len());
    for c in cases {
        if let Some(n) = counted.get_mut(&(c.sex, c.age_at_return, c.date_of_return)) {
            *n = n.saturating_sub(1);
        }
        case_facts.push(CaseFact {
            vulnerable: vulnerable.contains(&c.id),
            id: c.id,
            sex: c.sex.name().to_string(),
            age_at_return: c.age_at_return,
            date_of_return: c.date_of_return,
            plan_agreed_on: c.plan_agreed_on,
            count: 1,
            support_type: String::new(),
        });
    }
    case_facts.extend(counted.into_iter().filter(|(_, n)| *n > 0).map(|((sex, age, returned), count)| CaseFact {
        id: String::new(),
        sex: sex.name().to_string(),
        age_at_return: age,
        date_of_return: returned,
        plan_agreed_on: None,
        vulnerable: false,
        count,
        support_type: String::new(),
    }));
    Ok(Facts {
        cases: case_facts,
        surveys: surveys
            .into_iter()
            .map(|s| SurveyFact {
                date: s.date,
                case_id: s.case_id,
                economic: s.economic,
                social: s.social,
                psychosocial: s.psychosocial,
                composite: s.composite,
            })
            .collect(),
        referrals: referrals
            .into_iter()
            .map(|r| {
                // A request that no longer reads (it is validated on the way in) counts with no service.
                let request: serde_json::Value = serde_json::from_str(&r.request).unwrap_or_default();
                ReferralFact {
                    case_id: r.case_id,
                    date: r.made_on,
                    service: request["service_type"].as_str().unwrap_or("").to_string(),
                    category: request["category"].as_str().map(str::to_string),
                    completed: r.state == ReferralState::Completed.name(),
                }
            })
            .collect(),
        unmet_needs: unmet
            .into_iter()
            .filter_map(|(case_id, date, _)| Some(UnmetNeedFact { case_id, date: date? }))
            .collect(),
        // The community indicator counts the members of the community who answered.
        satisfaction: satisfaction
            .into_iter()
            .filter(|a| a.respondent == homeward_domain::community::ParticipantKind::CommunityMember)
            .map(|a| SatisfactionFact {
                date: a.answered_on,
                sex: a.sex.name().to_string(),
                age: a.age_group.representative_age(),
                satisfied: a.satisfied,
            })
            .collect(),
        engagement: engagement
            .into_iter()
            .map(|e| EngagementFact {
                date: e.answered_on,
                stakeholder: e.stakeholder_id,
                support_type: e.support,
                more_engaged: e.more_engaged,
            })
            .collect(),
    })
}

/// Every indicator of the results framework for a period.
pub async fn list(state: &Services, caller: &Caller, period: Period) -> Result<IndicatorsView> {
    caller.require(Permission::ReadCases)?;
    if period.to < period.from {
        let problem = problem!(
            "before",
            "{date} is before {other} ({other_date})",
            date = period.to,
            other = "from",
            other_date = period.from
        );
        return Err(ServiceError::problem("to", problem));
    }
    let min_cell = state.settings.min_cell(period.min_cell);
    let profile = crate::analyses::variables::known_profile(state, period.profile.as_deref())?;
    let facts = facts_for(state, caller, period.from, period.to, &profile.name).await?;
    let results = indicators::compute(&state.framework, &facts, period.from, period.to, min_cell as usize);
    let record = format!("{}..{}", period.from, period.to);
    state.reads.record(vec![entry(caller, "read", "indicators", &record, None, &["aggregates"])]).await?;
    Ok(IndicatorsView {
        from: period.from,
        to: period.to,
        profile: profile.name.clone(),
        profile_status: profile.status,
        min_cell,
        suppression: suppression_rule(min_cell),
        indicators: results,
    })
}
