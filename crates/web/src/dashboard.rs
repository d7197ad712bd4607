//! The M&E dashboard of a period: how the RSS scores are distributed across the three
//! dimensions and the composite, how the bands move from one survey round to the next, the
//! breakdown the user picks, the change between rounds by that breakdown, the indicators against
//! their targets, and a regression of the score on the returnees' attributes. Charts are SVG
//! drawn here (readable without JavaScript, printable), each with its numbers in a table. The
//! same figures download as a workbook (`crate::report::dashboard`).
//!
//! Figures come from the API's handlers: scope, suppression and audit are the API's.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use homeward_analytics::change::GroupChange;
use homeward_analytics::estimate::Estimate;
use homeward_analytics::indicators::{Figure, IndicatorResult};
use homeward_analytics::summary::{Row, Summary};
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::analyses::{
    self, ChangeQuery, ChangeView, GROUPS, MEASURES, NUMBERS, RegressionQuery, RegressionView, SummaryQuery,
};
use homeward_service::indicators::{self as indicators_api, IndicatorsView, Period};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::pages::{MessagePage, render};
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
    pub indicators: Result<IndicatorsView, String>,
    pub profile: String,
    pub profile_status: String,
    pub suppression: String,
}

/// The RSS rounds, in survey order.
const PHASES: [&str; 3] = ["baseline", "intermediate", "final"];

/// Groupings compared in the change between rounds; the others describe a survey, not a person.
fn compares_by(by: &str) -> bool {
    !matches!(by, "phase" | "time_since_return")
}

/// The default model: seed 002's regression, with the assistance received as the programme.
fn default_formula(measure: &str) -> String {
    format!("{measure} ~ age + sex + months_since_return + assistance_type")
}

/// The reason an analysis gives no figures, in the user's language where the catalogue has it.
fn reason(t: &Catalogue, e: &ServiceError) -> Option<String> {
    match e {
        ServiceError::Invalid(m, fields) => {
            Some(fields.first().map_or_else(|| t.problem(m), |f| t.problem(&f.message)))
        }
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
        other => crate::pages::failure(other),
    };
    #[allow(clippy::result_large_err)] // one response per page, not a hot path
    let settle = |e: ServiceError| reason(t, &e).ok_or_else(|| fail(e));
    // The period's surveys, read once for every analysis of the page.
    let surveys = analyses::surveys(state, &session.caller, f, e).await.map_err(fail)?;
    let summary = async |measure: &str, by: Option<&str>| {
        let q = SummaryQuery {
            measure: measure.into(),
            by: by.map(str::to_string),
            from: f,
            to: e,
            min_cell: None,
            bins: None,
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
    };
    let regression = match analyses::regression_of(state, &session.caller, &surveys, &regression_query).await {
        Ok(r) => Ok(r),
        Err(e) => Err(settle(e)?),
    };
    let period = Period { from: f, to: e, min_cell: None };
    let indicators = match indicators_api::list(state, &session.caller, period).await {
        Ok(v) => Ok(v),
        Err(e) => Err(settle(e)?),
    };
    let profile = state.scorer.profile();
    let min_cell = analyses::DEFAULT_MIN_CELL;
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
        indicators,
        profile: profile.name.clone(),
        profile_status: profile.status.as_str().to_string(),
        suppression: analyses::suppression_rule(min_cell),
    })
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    d: Dashboard,
    measures: &'static [&'static str],
    groups: &'static [&'static str],
    phases: [&'static str; 3],
    variables: String,
}

impl DashboardPage<'_> {
    fn number(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "·".to_string(), |x| self.t.number(&x, 2))
    }

    fn signed(&self, v: &f64) -> String {
        let shown = self.t.number(v, 3);
        if *v > 0.0 { format!("+{shown}") } else { shown }
    }

    fn percent(&self, v: &f64) -> String {
        format!("{} %", self.t.number(&(v * 100.0), 0))
    }

    fn p(&self, p: &f64) -> String {
        if *p < 0.001 { "< 0.001".to_string() } else { self.t.number(p, 3) }
    }

    /// An estimate with its 95 % interval: `+0.120 (0.050 to 0.190)`.
    fn interval(&self, e: &Estimate) -> String {
        format!("{} ({} … {})", self.signed(&e.estimate), self.t.number(&e.conf_low, 3), self.t.number(&e.conf_high, 3))
    }

    /// The x and width (of 300) of each band's part of a stacked bar.
    fn parts(&self, shares: &[f64; 3]) -> Vec<(f64, f64, &'static str)> {
        let mut x = 0.0;
        ["intensive", "standard", "light"]
            .iter()
            .zip(shares)
            .map(|(band, s)| {
                let part = (x, s * 300.0, *band);
                x += s * 300.0;
                part
            })
            .collect()
    }

    /// The query of this view, for the workbook's link.
    fn query(&self) -> String {
        let d = &self.d;
        let mut q = format!(
            "from={}&to={}&measure={}&by={}&formula={}",
            d.from,
            d.to,
            d.measure,
            d.by,
            crate::pages::encode(&d.formula)
        );
        for (key, value) in [("from_phase", &d.from_phase), ("to_phase", &d.to_phase)] {
            if !value.is_empty() {
                q.push_str(&format!("&{key}={value}"));
            }
        }
        if d.robust {
            q.push_str("&robust=hc1");
        }
        q
    }

    /// A coefficient to three decimals, or to three significant digits when smaller: an effect per
    /// year of age is small.
    fn coefficient(&self, v: &f64) -> String {
        let magnitude = if *v == 0.0 || !v.is_finite() { 0.0 } else { -v.abs().log10().floor() };
        self.t.number(v, (magnitude as usize + 2).clamp(3, 8))
    }

    /// The rows of the change chart and table: everyone, then each group.
    fn change_rows(&self) -> Vec<(String, &GroupChange)> {
        let Ok(c) = &self.d.change else { return vec![] };
        let all = (self.t.get("all_returnees").to_string(), &c.overall);
        std::iter::once(all).chain(c.groups.iter().map(|g| (self.value(&g.group), g))).collect()
    }

    /// A group's value in the user's language where it is a word (`forced`, `yes`, a modality);
    /// codes, bands of age and offices as they are.
    fn value(&self, v: &str) -> String {
        let t = self.t;
        match self.d.by.as_str() {
            "sex" | "phase" | "return_type" | "return_assistance" => t.named(&self.d.by, v).to_string(),
            "vulnerable" | "community_of_origin" => t.get(v).to_string(),
            "assistance_type" if v == "none" || v == "mixed" => t.named("assistance", v).to_string(),
            "assistance_type" => t.named("modality", v).to_string(),
            _ => v.to_string(),
        }
    }

    /// A score's place on the change chart's 0-1 scale (300 wide, after the 110 of labels).
    fn x(&self, score: &f64) -> f64 {
        110.0 + score.clamp(0.0, 1.0) * 300.0
    }

    fn shown(&self, r: &IndicatorResult, f: &Figure) -> String {
        crate::indicators::shown(self.t, r, f)
    }

    fn target(&self, r: &IndicatorResult) -> String {
        crate::indicators::target(self.t, r)
    }

    fn bar(&self, r: &IndicatorResult) -> Option<(f64, f64)> {
        crate::indicators::bar(r)
    }
}

pub async fn show(State(state): State<Services>, session: Session, Query(q): Query<DashboardQuery>) -> Response {
    let t = catalogue(&session.caller.language);
    let d = match gather(&state, &session, &q).await {
        Ok(d) => d,
        Err(response) => return response,
    };
    let variables = format!("{}, {}", NUMBERS.join(", "), GROUPS.join(", "));
    let page = DashboardPage { t, session: &session, d, measures: MEASURES, groups: GROUPS, phases: PHASES, variables };
    render(page, StatusCode::OK)
}

/// The dashboard's figures as an XLSX workbook.
pub async fn workbook(State(state): State<Services>, session: Session, Query(q): Query<DashboardQuery>) -> Response {
    let d = match gather(&state, &session, &q).await {
        Ok(d) => d,
        Err(response) => return response,
    };
    crate::report::download(
        crate::report::dashboard::workbook(&d),
        &format!("homeward-dashboard-{}-{}.xlsx", d.from, d.to),
    )
}
