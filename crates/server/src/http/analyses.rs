//! The M&E analyses on the database: group summaries of an RSS score over the surveys of a
//! period, by any combination of the returnees' attributes, computed by `homeward-analytics`
//! with small groups suppressed. Scoped to the caller's office, audited, aggregates only.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use homeward_analytics::frame::{Column, Frame};
use homeward_analytics::summary::{BandEdges, Summary, summarise};
use homeward_domain::access::Permission;
use homeward_store::query::facts;
use serde::Deserialize;
use utoipa::IntoParams;

use super::indicators::day;
use crate::AppState;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Params;

/// What a summary may group by.
pub const GROUPS: &[&str] = &["sex", "age_group", "country_of_origin", "office", "phase", "months_since_return"];
/// The scores a summary may describe.
pub const MEASURES: &[&str] = &["composite", "economic", "social", "psychosocial"];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// composite, economic, social or psychosocial.
    pub measure: String,
    /// Comma-separated: sex, age_group, country_of_origin, office, phase, months_since_return.
    #[serde(default)]
    pub by: Option<String>,
    /// Surveys dated from (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Surveys dated to, included.
    pub to: NaiveDate,
    /// The smallest group shown (default 5).
    pub min_cell: Option<u32>,
}

fn text_column(values: Vec<String>) -> Column {
    Column::from_text(values.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Summarises an RSS score over the scored surveys of a period.
#[utoipa::path(get, path = "/api/v1/analyses/summary", tag = "monitoring", params(SummaryQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<SummaryQuery>,
) -> ApiResult<Json<Summary>> {
    caller.require(Permission::ReadCases)?;
    if !MEASURES.contains(&q.measure.as_str()) {
        return Err(ApiError::field("measure", format!("must be one of {}", MEASURES.join(", "))));
    }
    let by: Vec<String> =
        q.by.as_deref().unwrap_or("").split(',').map(str::trim).filter(|b| !b.is_empty()).map(str::to_string).collect();
    if let Some(bad) = by.iter().find(|b| !GROUPS.contains(&b.as_str())) {
        return Err(ApiError::field("by", format!("`{bad}` is not a grouping; groupings: {}", GROUPS.join(", "))));
    }
    if q.to < q.from {
        return Err(ApiError::field("to", format!("{} is before from ({})", q.to, q.from)));
    }
    let mut conn = state.store.read().await?;
    let profile = state.scorer.profile();
    let rows: Vec<_> = facts::scored_with_cases(&mut conn, &profile.name, &q.from.to_string(), &q.to.to_string())
        .await?
        .into_iter()
        .filter(|r| caller.access.covers_office(&r.office))
        .collect();
    drop(conn);
    let score = |r: &facts::ScoredRow| match q.measure.as_str() {
        "economic" => r.economic,
        "social" => r.social,
        "psychosocial" => r.psychosocial,
        _ => r.composite,
    };
    let age = |r: &facts::ScoredRow| Some(f64::from(day(&r.date_of_return)?.years_since(day(&r.date_of_birth)?)?));
    let months = |r: &facts::ScoredRow| {
        let (back, asked) = (day(&r.date_of_return)?, day(&r.date)?);
        let m = (asked.signed_duration_since(back).num_days() as f64 / 30.4375).floor();
        (m >= 0.0).then_some(m)
    };
    let frame = Frame::from_columns(vec![
        (q.measure.clone(), Column::Numeric(rows.iter().map(score).collect())),
        ("sex".into(), text_column(rows.iter().map(|r| r.sex.clone()).collect())),
        ("age_group".into(), Column::Numeric(rows.iter().map(age).collect())),
        ("country_of_origin".into(), text_column(rows.iter().map(|r| r.country_of_origin.clone()).collect())),
        ("office".into(), text_column(rows.iter().map(|r| r.office.clone()).collect())),
        ("phase".into(), text_column(rows.iter().map(|r| r.phase.clone()).collect())),
        ("months_since_return".into(), Column::Numeric(rows.iter().map(months).collect())),
    ]);
    // Age at return and time since return in the bands the handbook's analyses use.
    let frame = frame
        .binned("age_group", &[18.0, 25.0, 35.0, 50.0])
        .and_then(|f| f.binned("months_since_return", &[3.0, 6.0, 12.0, 18.0]))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let edges = BandEdges { intensive_below: profile.bands.intensive_below, light_above: profile.bands.light_above };
    let min_cell = q.min_cell.unwrap_or(5).max(1) as usize;
    let result = summarise(&frame, &q.measure, &by, min_cell, edges).map_err(|e| ApiError::Internal(e.to_string()))?;
    let record = format!("{}:{}:{}..{}", q.measure, by.join("+"), q.from, q.to);
    state.reads.record(vec![entry(&caller.username, "read", "analysis", &record, None, &["aggregates"])]).await?;
    Ok(Json(result))
}
