//! The M&E dashboard: how the RSS scores of a period are distributed across the three dimensions
//! and the composite, how the bands move from one phase to the next, and the breakdown the user
//! picks. Charts are SVG drawn here (readable without JavaScript, printable), each with its
//! numbers in a table. Figures come from the API's summary handler: scope, suppression and audit
//! are the API's.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use homeward_analytics::summary::{Row, Summary};
use homeward_server::AppState;
use homeward_server::error::ApiError;
use homeward_server::extract::Params;
use homeward_server::http::analyses::{self, GROUPS, MEASURES, SummaryQuery};
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
}

/// One stacked bar: a label and the shares intensive, standard, light (suppressed: none).
pub struct Stack {
    pub label: String,
    pub n: Option<usize>,
    pub shares: Option<[f64; 3]>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    from: String,
    to: String,
    measure: String,
    by: String,
    measures: &'static [&'static str],
    groups: &'static [&'static str],
    /// Per dimension and the composite: the overall figures.
    dimensions: Vec<(&'static str, Row)>,
    /// The composite's bands per phase.
    phases: Vec<Stack>,
    picked: Option<Summary>,
    suppression: String,
    message: Option<String>,
}

impl DashboardPage<'_> {
    fn number(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "·".to_string(), |x| self.t.number(&x, 2))
    }

    fn percent(&self, v: &f64) -> String {
        format!("{} %", self.t.number(&(v * 100.0), 0))
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
}

async fn summary(state: &AppState, session: &Session, q: SummaryQuery) -> Result<Summary, ApiError> {
    analyses::summary(State(state.clone()), session.caller.clone(), Params(q)).await.map(|j| j.0)
}

pub async fn show(State(state): State<AppState>, session: Session, Query(q): Query<DashboardQuery>) -> Response {
    let t = catalogue(&session.caller.language);
    let today = homeward_store::today();
    let from = if q.from.is_empty() {
        NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today).to_string()
    } else {
        q.from.clone()
    };
    let to = if q.to.is_empty() { today.to_string() } else { q.to.clone() };
    let measure = if MEASURES.contains(&q.measure.as_str()) { q.measure.clone() } else { "composite".to_string() };
    let by = if q.by.is_empty() { "sex".to_string() } else { q.by.clone() };
    let (Ok(f), Ok(e)) = (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) else {
        return render(MessagePage { t, message: t.get("bad_period") }, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let query = |measure: &str, by: Option<&str>| SummaryQuery {
        measure: measure.to_string(),
        by: by.map(str::to_string),
        from: f,
        to: e,
        min_cell: None,
    };
    let mut dimensions = vec![];
    let mut suppression = String::new();
    for m in ["economic", "social", "psychosocial", "composite"] {
        match summary(&state, &session, query(m, None)).await {
            Ok(s) => {
                suppression = format!("{} {}", s.min_cell, t.get("suppression_rule"));
                dimensions.push((m, s.total));
            }
            Err(ApiError::Forbidden(_)) => {
                return render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN);
            }
            Err(ApiError::Invalid(m, _)) => {
                return render(MessagePage { t, message: &t.problem(&m) }, StatusCode::UNPROCESSABLE_ENTITY);
            }
            Err(other) => return other.into_response(),
        }
    }
    let phases = match summary(&state, &session, query("composite", Some("phase"))).await {
        Ok(s) => {
            let mut rows = s.rows;
            let order = |p: &str| ["baseline", "intermediate", "final"].iter().position(|x| *x == p).unwrap_or(3);
            rows.sort_by_key(|r| order(&r.group[0]));
            rows.into_iter()
                .map(|r| Stack { label: t.named("phase", &r.group[0]).to_string(), n: r.n, shares: r.bands })
                .collect()
        }
        Err(e) => return e.into_response(),
    };
    let (picked, message) = match summary(&state, &session, query(&measure, Some(&by))).await {
        Ok(s) => (Some(s), None),
        Err(ApiError::Invalid(m, _)) => (None, Some(t.problem(&m))),
        Err(e) => return e.into_response(),
    };
    let page = DashboardPage {
        t,
        session: &session,
        from,
        to,
        measure,
        by,
        measures: MEASURES,
        groups: GROUPS,
        dimensions,
        phases,
        picked,
        suppression,
        message,
    };
    render(page, StatusCode::OK)
}
