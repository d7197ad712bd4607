//! Group summaries of an RSS score over the surveys of a period, by any combination of the
//! returnees' attributes.

use std::borrow::Cow;

use chrono::NaiveDate;
use homeward_analytics::summary::{BandEdges, Summary, summarise};
use serde::Deserialize;
use utoipa::IntoParams;

use super::variables::{self, GROUPS, Surveys, check_measure, cut, listed};
use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// composite, economic, social or psychosocial.
    pub measure: String,
    /// Comma-separated groupings: sex, age_group, return_type, return_assistance, host_country,
    /// country_of_origin, vulnerable, assistance_type, mentored, length_of_absence, community_of_origin,
    /// office, phase, time_since_return.
    #[serde(default)]
    pub by: Option<String>,
    /// Surveys dated from (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Surveys dated to, included.
    pub to: NaiveDate,
    /// The smallest group shown: at least the deployment's floor (default 5); a smaller value is raised to it.
    pub min_cell: Option<u32>,
    /// Other bins for the binned groupings, `group=edge,edge;group=edge`: e.g.
    /// `age_group=18,30,45` gives <18, 18-29, 30-44, 45+ (defaults: age_group 18,25,35,50;
    /// length_of_absence 1,3,5,10 years; time_since_return 3,6,12,18 months).
    pub bins: Option<String>,
    /// The scoring profile whose results are analysed (default: the one in force; the bundled
    /// provisional one may be chosen too).
    pub profile: Option<String>,
}

/// Summarises an RSS score over the scored surveys of a period.
pub async fn summary(state: &Services, caller: &Caller, q: SummaryQuery) -> Result<Summary> {
    let surveys = variables::surveys(state, caller, q.from, q.to, q.profile.as_deref()).await?;
    summary_of(state, caller, &surveys, &q).await
}

/// The summary asked, over surveys already loaded (their period counts, not the query's).
pub async fn summary_of(state: &Services, caller: &Caller, surveys: &Surveys, q: &SummaryQuery) -> Result<Summary> {
    check_measure(&q.measure)?;
    let by = listed("by", q.by.as_deref(), GROUPS, "a grouping")?;
    let bins = variables::bins(q.bins.as_deref())?;
    let frame =
        if bins.is_empty() { Cow::Borrowed(&surveys.frame) } else { Cow::Owned(cut(surveys.frame.clone(), &bins)?) };
    let bands = &surveys.profile.bands;
    let edges = BandEdges { intensive_below: bands.intensive_below, light_above: bands.light_above };
    let min_cell = state.settings.min_cell(q.min_cell) as usize;
    let result =
        summarise(&frame, &q.measure, &by, min_cell, edges).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let record = format!("{}:{}:{}..{}", q.measure, by.join("+"), surveys.from, surveys.to);
    state.reads.record(vec![entry(caller, "read", "analysis", &record, None, &["aggregates"])]).await?;
    Ok(result)
}
