//! Change over time on the database: each returnee's change in a score between two survey rounds
//! (seed 002, Annex 4), the cohort's mean change, the mean change of each group, and for two
//! groups the difference in differences with Glass's Δ, Cohen's d and Hedges' g.
//!
//! Only aggregates leave; a returnee's own scores round by round are on their case.

use std::collections::HashMap;

use chrono::NaiveDate;
use homeward_analytics::change::{self as engine, ChangeError, Comparison, GroupChange};
use homeward_analytics::estimate::Estimate;
use homeward_analytics::frame::{Column, Frame};
use homeward_domain::problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::suppression_rule;
use super::variables::{self, GROUPS, Surveys, check_measure, latest_rows, listed};
use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// composite, economic, social or psychosocial.
    pub measure: String,
    /// Surveys dated from (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Surveys dated to, included.
    pub to: NaiveDate,
    /// The round compared from (default: the first present, e.g. baseline).
    pub from_phase: Option<String>,
    /// The round compared to (default: the last present, e.g. final).
    pub to_phase: Option<String>,
    /// A grouping to compare: each group's mean change, and with two groups the difference in
    /// differences. Survey-round groupings (phase, time_since_return) are not case attributes.
    pub group: Option<String>,
    /// With two groups, the one compared against (default: the first in sorted order).
    pub control: Option<String>,
    /// The smallest group shown: at least the deployment's floor (default 5); a smaller value is raised to it.
    pub min_cell: Option<u32>,
    /// The scoring profile whose results are analysed (default: the one in force; the bundled
    /// provisional one may be chosen too).
    pub profile: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub measure: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub from_phase: String,
    pub to_phase: String,
    pub group: Option<String>,
    /// Returnees surveyed in both rounds (absent when fewer than the minimum cell).
    pub cases: Option<usize>,
    /// Their mean change, tested against no change (paired t).
    #[schema(value_type = Option<Object>)]
    pub mean_change: Option<Estimate>,
    /// Everyone compared, as one group.
    #[schema(value_type = Object)]
    pub overall: GroupChange,
    #[schema(value_type = Vec<Object>)]
    pub groups: Vec<GroupChange>,
    #[schema(value_type = Option<Object>)]
    pub comparison: Option<Comparison>,
    /// Why figures are missing: a group under the minimum cell.
    pub withheld: Option<String>,
    pub profile: String,
    #[schema(value_type = String)]
    pub profile_status: homeward_rss::ProfileStatus,
    pub min_cell: u32,
    pub suppression: String,
}

/// Groupings that describe a survey, not a returnee: they change between the two rounds.
const NOT_CASE_ATTRIBUTES: [&str; 2] = ["phase", "time_since_return"];

/// Each case's group as of its latest survey compared: a case whose assistance changed between
/// rounds is compared by what it had received at the end.
fn group_at_latest(column: &Column, cases: &[String], dates: &[NaiveDate]) -> Column {
    let latest: HashMap<&str, usize> =
        latest_rows(dates, cases.iter().map(String::as_str).enumerate().map(|(i, c)| (c, i)))
            .into_iter()
            .map(|i| (cases[i].as_str(), i))
            .collect();
    let values: Vec<Option<String>> = cases.iter().map(|c| column.text(latest[c.as_str()])).collect();
    Column::categorical(&values)
}

/// The engine's refusal as the field of the query it is about, with its code and parameters.
fn refusal(e: ChangeError, q: &ChangeQuery) -> ServiceError {
    match e {
        ChangeError::NoPhase { phase, known } => {
            let field = if q.to_phase.as_deref() == Some(phase.as_str()) { "to_phase" } else { "from_phase" };
            let problem = problem!(
                "no_phase",
                "there is no phase `{phase}`; the phases are: {values}",
                phase = phase,
                values = known
            );
            ServiceError::problem(field, problem)
        }
        ChangeError::NotTwoGroups { column, levels } => {
            let field = if column.contains("(no group") { "control" } else { "group" };
            let problem = problem!(
                "not_two_groups",
                "comparing groups needs exactly two in `{column}`; it has: {values}",
                column = column,
                values = levels
            );
            ServiceError::problem(field, problem)
        }
        // The engine speaks of a file; here it is the period's surveys.
        ChangeError::OnePhase(_) => ServiceError::problem(
            "from",
            problem!(
                "one_round",
                "the period's scored surveys are all of one round (or none): there is no change to measure"
            ),
        ),
        // The service builds the frame itself (one row per returnee and round, numeric scores, a
        // returnee's group taken at their latest survey), so what remains should not happen; if
        // it does, it is still a refusal of this query, in words.
        other => ServiceError::field("measure", other.to_string()),
    }
}

/// The change of an RSS score between two survey rounds, overall and by group.
pub async fn change(state: &Services, caller: &Caller, q: ChangeQuery) -> Result<ChangeView> {
    let surveys = variables::surveys(state, caller, q.from, q.to, q.profile.as_deref()).await?;
    change_of(state, caller, &surveys, &q).await
}

/// The change asked, over surveys already loaded (their period counts, not the query's).
pub async fn change_of(state: &Services, caller: &Caller, surveys: &Surveys, q: &ChangeQuery) -> Result<ChangeView> {
    check_measure(&q.measure)?;
    let group = listed("group", q.group.as_deref(), GROUPS, "a grouping")?;
    if group.len() > 1 {
        return Err(ServiceError::problem("group", problem!("one_grouping", "name one grouping")));
    }
    let group = group.into_iter().next();
    if let Some(g) = group.as_deref().filter(|g| NOT_CASE_ATTRIBUTES.contains(g)) {
        let problem = problem!(
            "not_an_attribute",
            "`{value}` changes from one survey to the next; compare by an attribute of the returnee",
            value = g
        );
        return Err(ServiceError::problem("group", problem));
    }
    // Only the columns the comparison reads, not the whole frame.
    let column = |name: &str| surveys.frame.column(name).cloned().map_err(|e| ServiceError::Internal(e.to_string()));
    let mut columns = vec![
        ("case_id".to_string(), column("case_id")?),
        ("phase".to_string(), column("phase")?),
        (q.measure.clone(), column(&q.measure)?),
    ];
    if let Some(g) = &group {
        columns.push((g.clone(), group_at_latest(&column(g)?, &surveys.cases, &surveys.dates)));
    }
    let frame = Frame::from_columns(columns);
    let min_cell = state.settings.min_cell(q.min_cell);
    let report = engine::change(
        &frame,
        "case_id",
        "phase",
        &q.measure,
        group.as_deref(),
        q.from_phase.as_deref(),
        q.to_phase.as_deref(),
        q.control.as_deref(),
        min_cell as usize,
    )
    .map_err(|e| refusal(e, q))?;
    let record = format!(
        "change:{}:{}:{}..{}:{}..{}",
        q.measure,
        group.as_deref().unwrap_or(""),
        report.from,
        report.to,
        surveys.from,
        surveys.to
    );
    state.reads.record(vec![entry(caller, "read", "analysis", &record, None, &["aggregates"])]).await?;
    let profile = &surveys.profile;
    let compared = report.cases.len();
    Ok(ChangeView {
        measure: report.measure,
        from: surveys.from,
        to: surveys.to,
        from_phase: report.from,
        to_phase: report.to,
        group,
        cases: (compared >= min_cell as usize).then_some(compared),
        mean_change: report.mean_change,
        overall: report.overall,
        groups: report.groups,
        comparison: report.comparison,
        withheld: report.withheld,
        profile: profile.name.clone(),
        profile_status: profile.status,
        min_cell,
        suppression: suppression_rule(min_cell),
    })
}
