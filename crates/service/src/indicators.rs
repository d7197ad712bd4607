//! The programme's indicators for a period (the results framework of the handbook's Table 5.4,
//! `data/programme/results-framework.toml`), computed from the case records by
//! `homeward-analytics`, each with its target, progress and breakdowns, small groups suppressed.
//! Only aggregates leave: the endpoint suits an M&E officer, who sees no names.

use std::sync::OnceLock;

use chrono::NaiveDate;
use homeward_analytics::indicators::{
    self, CaseFact, Facts, Indicator, IndicatorResult, ReferralFact, SurveyFact, UnmetNeedFact,
};
use homeward_domain::access::Permission;
use homeward_store::query::facts;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Services;
use crate::analyses::suppression_rule;
use crate::analyses::variables::vulnerable_cases;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

const FRAMEWORK: &str = include_str!("../../../data/programme/results-framework.toml");

/// The bundled results framework (a test keeps it valid).
pub fn framework() -> &'static [Indicator] {
    static LOADED: OnceLock<Vec<Indicator>> = OnceLock::new();
    LOADED.get_or_init(|| indicators::load(FRAMEWORK).expect("the bundled results framework is valid (tested)"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// First day of the period (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day of the period, included.
    pub to: NaiveDate,
    /// The smallest group shown (default 5).
    pub min_cell: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The scoring profile of the RSS scores used, and whether it is official.
    pub profile: String,
    pub profile_status: String,
    pub min_cell: u32,
    /// The suppression rule, in a sentence, for reports.
    pub suppression: String,
    #[schema(value_type = Vec<Object>)]
    pub indicators: Vec<IndicatorResult>,
}

/// The date at the start of an ISO date or timestamp.
pub(crate) fn day(text: &str) -> Option<NaiveDate> {
    text.get(..10)?.parse().ok()
}

/// The facts of the cases in the caller's scope.
async fn facts_for(state: &Services, caller: &Caller, from: NaiveDate, to: NaiveDate) -> Result<Facts> {
    let mut conn = state.store.read().await?;
    let cases: Vec<_> =
        facts::cases(&mut conn).await?.into_iter().filter(|c| caller.access.covers_office(&c.office)).collect();
    let in_scope: std::collections::HashSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let vulnerable = vulnerable_cases(&mut conn).await?;
    let profile = state.scorer.profile().name.clone();
    let surveys = facts::scored_with_cases(&mut conn, &profile, &from.to_string(), &to.to_string()).await?;
    let referrals = facts::referrals(&mut conn).await?;
    let unmet = facts::records_of_kind(&mut conn, "unmet_need").await?;
    drop(conn);
    Ok(Facts {
        cases: cases
            .iter()
            .filter_map(|c| {
                let born = day(&c.date_of_birth)?;
                let returned = day(&c.date_of_return)?;
                Some(CaseFact {
                    id: c.id.clone(),
                    sex: c.sex.clone(),
                    age_at_return: returned.years_since(born).unwrap_or(0),
                    date_of_return: returned,
                    plan_agreed_on: c.plan_agreed_on.as_deref().and_then(day),
                    vulnerable: vulnerable.contains(&c.id),
                })
            })
            .collect(),
        surveys: surveys
            .into_iter()
            .filter(|s| in_scope.contains(s.case_id.as_str()))
            .filter_map(|s| {
                Some(SurveyFact {
                    date: day(&s.date)?,
                    case_id: s.case_id,
                    economic: s.economic,
                    social: s.social,
                    psychosocial: s.psychosocial,
                    composite: s.composite,
                })
            })
            .collect(),
        referrals: referrals
            .into_iter()
            .filter(|(case, ..)| in_scope.contains(case.as_str()))
            .filter_map(|(case_id, created, request, state)| {
                let request: serde_json::Value = serde_json::from_str(&request).ok()?;
                Some(ReferralFact {
                    case_id,
                    date: day(&created)?,
                    service: request["service_type"].as_str().unwrap_or("").to_string(),
                    category: request["category"].as_str().map(str::to_string),
                    completed: state == "completed",
                })
            })
            .collect(),
        unmet_needs: unmet
            .into_iter()
            .filter(|(case, ..)| in_scope.contains(case.as_str()))
            .filter_map(|(case_id, date, _)| Some(UnmetNeedFact { case_id, date: day(date.as_deref()?)? }))
            .collect(),
    })
}

/// Every indicator of the results framework for a period.
pub async fn list(state: &Services, caller: &Caller, period: Period) -> Result<IndicatorsView> {
    caller.require(Permission::ReadCases)?;
    if period.to < period.from {
        return Err(ServiceError::field("to", format!("{} is before from ({})", period.to, period.from)));
    }
    let min_cell = period.min_cell.unwrap_or(crate::analyses::DEFAULT_MIN_CELL).max(1);
    let facts = facts_for(state, caller, period.from, period.to).await?;
    let results = indicators::compute(framework(), &facts, period.from, period.to, min_cell as usize);
    let record = format!("{}..{}", period.from, period.to);
    state.reads.record(vec![entry(&caller.username, "read", "indicators", &record, None, &["aggregates"])]).await?;
    let profile = state.scorer.profile();
    Ok(IndicatorsView {
        from: period.from,
        to: period.to,
        profile: profile.name.clone(),
        profile_status: profile.status.as_str().to_string(),
        min_cell,
        suppression: suppression_rule(min_cell),
        indicators: results,
    })
}
