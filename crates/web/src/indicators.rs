//! The programme's indicators for a period, against their targets: a table with a bar per
//! indicator (SVG drawn by the server, readable without JavaScript and printable) and each
//! breakdown as a table. Figures come from the API's handler, so scope, suppression and audit are
//! the API's.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use homeward_analytics::indicators::{Figure, IndicatorResult};
use homeward_server::AppState;
use homeward_server::error::ApiError;
use homeward_server::extract::Params;
use homeward_server::http::indicators::{self as api, IndicatorsView, Period};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::pages::{MessagePage, render};
use crate::session::Session;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    from: String,
    to: String,
    view: Option<IndicatorsView>,
    message: Option<String>,
}

impl IndicatorsPage<'_> {
    /// A figure as shown: a share as a percentage, a count as it is, a hidden one as a dot.
    fn shown(&self, r: &IndicatorResult, f: &Figure) -> String {
        match (f.value, r.unit) {
            (None, _) if f.suppressed.is_some() => self.t.get("suppressed").to_string(),
            (None, _) => "–".to_string(),
            (Some(v), "share") => format!("{} %", self.t.number(&(v * 100.0), 0)),
            (Some(v), _) => self.t.number(&v, 0),
        }
    }

    fn counts(&self, f: &Figure) -> String {
        match (f.count, f.of) {
            (Some(c), Some(n)) => format!("{c} / {n}"),
            (Some(c), None) => c.to_string(),
            _ => String::new(),
        }
    }

    fn target(&self, r: &IndicatorResult) -> String {
        if r.unit == "share" {
            format!("{} %", self.t.number(&(r.target * 100.0), 0))
        } else {
            self.t.number(&r.target, 0)
        }
    }

    /// The bar's width (of 200) for the value and the target's mark, for shares.
    fn bar(&self, r: &IndicatorResult) -> Option<(f64, f64)> {
        (r.unit == "share")
            .then(|| (r.overall.value.unwrap_or(0.0).clamp(0.0, 1.0) * 200.0, r.target.clamp(0.0, 1.0) * 200.0))
    }
}

pub async fn show(State(state): State<AppState>, session: Session, Query(q): Query<PeriodQuery>) -> Response {
    let t = catalogue(&session.caller.language);
    let today = homeward_store::today();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = if q.from.is_empty() { year_start.to_string() } else { q.from.clone() };
    let to = if q.to.is_empty() { today.to_string() } else { q.to.clone() };
    let (view, message) = match (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) {
        (Ok(f), Ok(e)) => {
            match api::list(State(state), session.caller.clone(), Params(Period { from: f, to: e, min_cell: None }))
                .await
            {
                Ok(v) => (Some(v.0), None),
                Err(ApiError::Forbidden(_)) => {
                    return render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN);
                }
                Err(ApiError::Invalid(m, _)) => (None, Some(t.problem(&m))),
                Err(e) => return e.into_response(),
            }
        }
        _ => (None, Some(t.problem("is not a date (YYYY-MM-DD)"))),
    };
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(IndicatorsPage { t, session: &session, from, to, view, message }, status)
}
