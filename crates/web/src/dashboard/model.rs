//! The dashboard's model: every analysis of a period run once on the surveys loaded once, each
//! figure or the reason the data cannot give it. Used by the page and the workbook alike.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use homeward_analytics::summary::{Row, Summary};
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::analyses::{
    self, ChangeQuery, ChangeView, GROUPS, MEASURES, RegressionQuery, RegressionView, SummaryQuery,
};
use homeward_service::indicators::{self as indicators_api, IndicatorsView, Period};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{MessagePage, render};
use crate::session::Session;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    formula: String,
    #[serde(default)]
    robust: String,
    #[serde(default)]
    from_phase: String,
    #[serde(default)]
    to_phase: String,
    /// The scoring profile whose results are shown (blank: the one in force).
    #[serde(default)]
    profile: String,
}

/// One stacked bar: a label and the shares intensive, standard, light (suppressed: none).
pub struct Stack {
    pub label: String,
    pub n: Option<usize>,
    pub shares: Option<[f64; 3]>,
}

/// Everything the dashboard shows, for the page and the workbook alike. An analysis the data
/// cannot give (too few people, one round only) carries its reason instead.
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub measure: String,
    pub by: String,
    pub formula: String,
    pub robust: bool,
    /// The rounds the change is measured between (blank: the first and last present).
    pub from_phase: String,
    pub to_phase: String,
    /// Per dimension and the composite: the overall figures.
    pub dimensions: Vec<(&'static str, Row)>,
    /// The composite's bands per round, in survey order.
    pub phases: Vec<Stack>,
    pub picked: Result<Summary, String>,
    pub change: Result<ChangeView, String>,
    pub regression: Result<RegressionView, String>,
    /// Mentored against non-mentored returnees (seed 002): each dimension, then the composite
    /// in each country of origin.
    pub mentoring: Vec<MentoringLine>,
    pub indicators: Result<IndicatorsView, String>,
    pub profile: String,
    pub profile_status: homeward_rss::ProfileStatus,
    /// The profiles the user may choose, with their status (more than one once surveys were
    /// rescored under the profile in force and kept their provisional results).
    pub profiles: Vec<(String, homeward_rss::ProfileStatus)>,
    pub suppression: String,
}

/// One comparison of mentored and non-mentored returnees, or why the data cannot give it.
pub struct MentoringLine {
    pub measure: &'static str,
    pub country: Option<String>,
    pub outcome: Result<ChangeView, String>,
}

/// The RSS rounds, in survey order.
pub(super) const PHASES: [&str; 3] = ["baseline", "intermediate", "final"];

/// Groupings compared in the change between rounds; the others describe a survey, not a person.
pub(super) fn compares_by(by: &str) -> bool {
    !matches!(by, "phase" | "time_since_return")
}

/// The default model: seed 002's regression, with the assistance received as the programme.
pub(super) fn default_formula(measure: &str) -> String {
    format!("{measure} ~ age + sex + months_since_return + assistance_type")
}

/// The reason an analysis gives no figures, in the user's language where the catalogue has it.
pub(super) fn reason(t: &Catalogue, e: &ServiceError) -> Option<String> {
    match e {
        ServiceError::Invalid(m, fields) => Some(fields.first().map_or_else(|| t.problem(m), |f| t.field_problem(f))),
        _ => None,
    }
}

/// Runs every analysis of the dashboard, or answers with the page's refusal.
pub async fn gather(state: &Services, session: &Session, q: &DashboardQuery) -> Result<Dashboard, Response> {
    let t = catalogue(&session.caller.language);
    let today = homeward_store::today();
    let from = if q.from.is_empty() {
        NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today).to_string()
    } else {
        q.from.clone()
    };
    let to = if q.to.is_empty() { today.to_string() } else { q.to.clone() };
    let measure = if MEASURES.contains(&q.measure.as_str()) { q.measure.clone() } else { "composite".to_string() };
    let by = if GROUPS.contains(&q.by.as_str()) { q.by.clone() } else { "sex".to_string() };
    let formula = if q.formula.trim().is_empty() { default_formula(&measure) } else { q.formula.trim().to_string() };
    let robust = q.robust == "hc1";
    let round = |p: &str| PHASES.contains(&p).then(|| p.to_string());
    let (Ok(f), Ok(e)) = (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) else {
        return Err(render(MessagePage { t, message: t.get("bad_period") }, StatusCode::UNPROCESSABLE_ENTITY));
    };
    if e < f {
        return Err(render(MessagePage { t, message: t.get("period_backwards") }, StatusCode::UNPROCESSABLE_ENTITY));
    }
    // Forbidden or failing: the whole page answers so; refused: the analysis says why.
    let fail = |e: ServiceError| match e {
        ServiceError::Forbidden(_) => render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN),
        other => crate::layout::failure(other),
    };
    #[allow(clippy::result_large_err)] // one response per page, not a hot path
    let settle = |e: ServiceError| reason(t, &e).ok_or_else(|| fail(e));
    // The profile asked must be one the server scores with; the period's surveys under it, read
    // once for every analysis of the page.
    let chosen = Some(q.profile.trim()).filter(|p| !p.is_empty());
    if let Err(e) = analyses::variables::known_profile(state, chosen) {
        let message = reason(t, &e).unwrap_or_default();
        return Err(render(MessagePage { t, message: &message }, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let surveys = analyses::surveys(state, &session.caller, f, e, chosen).await.map_err(fail)?;
    let profiles = analyses::variables::profiles(state, &session.caller).await.map_err(fail)?;
    let profile_name = Some(surveys.profile.name.clone());
    let summary = async |measure: &str, by: Option<&str>| {
        let q = SummaryQuery {
            measure: measure.into(),
            by: by.map(str::to_string),
            from: f,
            to: e,
            min_cell: None,
            bins: None,
            profile: profile_name.clone(),
        };
        analyses::summary_of(state, &session.caller, &surveys, &q).await
    };
    let mut dimensions = vec![];
    for m in ["economic", "social", "psychosocial", "composite"] {
        match summary(m, None).await {
            Ok(s) => dimensions.push((m, s.total)),
            Err(e) => return Err(fail(e)),
        }
    }
    let phases = match summary("composite", Some("phase")).await {
        Ok(s) => {
            let mut rows = s.rows;
            let order = |p: &str| PHASES.iter().position(|x| *x == p).unwrap_or(PHASES.len());
            rows.sort_by_key(|r| order(&r.group[0]));
            rows.into_iter()
                .map(|r| Stack { label: t.named("phase", &r.group[0]).to_string(), n: r.n, shares: r.bands })
                .collect()
        }
        Err(e) => return Err(fail(e)),
    };
    let picked = match summary(&measure, Some(&by)).await {
        Ok(s) => Ok(s),
        Err(e) => Err(settle(e)?),
    };
    let change_query = ChangeQuery {
        measure: measure.clone(),
        from: f,
        to: e,
        from_phase: round(&q.from_phase),
        to_phase: round(&q.to_phase),
        group: compares_by(&by).then(|| by.clone()),
        control: None,
        min_cell: None,
        profile: profile_name.clone(),
    };
    let change = match analyses::change_of(state, &session.caller, &surveys, &change_query).await {
        Ok(c) => Ok(c),
        Err(e) => Err(settle(e)?),
    };
    let regression_query = RegressionQuery {
        formula: formula.clone(),
        reference: None,
        robust: robust.then(|| "hc1".to_string()),
        from: f,
        to: e,
        phase: None,
        min_cell: None,
        profile: profile_name.clone(),
    };
    let regression = match analyses::regression_of(state, &session.caller, &surveys, &regression_query).await {
        Ok(r) => Ok(r),
        Err(e) => Err(settle(e)?),
    };
    let mentoring = analyses::mentoring_of(state, &session.caller, &surveys, round(&q.from_phase), round(&q.to_phase))
        .await
        .map_err(fail)?
        .into_iter()
        .map(|row| MentoringLine {
            measure: row.measure,
            country: row.country,
            outcome: row.outcome.map_err(|e| reason(t, &e).unwrap_or_default()),
        })
        .collect();
    let period = Period { from: f, to: e, min_cell: None, profile: profile_name };
    let indicators = match indicators_api::list(state, &session.caller, period).await {
        Ok(v) => Ok(v),
        Err(e) => Err(settle(e)?),
    };
    let profile = &surveys.profile;
    let min_cell = state.settings.min_cell(None);
    Ok(Dashboard {
        from,
        to,
        measure,
        by,
        formula,
        robust,
        from_phase: round(&q.from_phase).unwrap_or_default(),
        to_phase: round(&q.to_phase).unwrap_or_default(),
        dimensions,
        phases,
        picked,
        change,
        regression,
        mentoring,
        indicators,
        profile: profile.name.clone(),
        profile_status: profile.status,
        profiles,
        suppression: analyses::suppression_rule(min_cell),
    })
}
