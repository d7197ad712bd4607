//! The programme's indicators for a period, against their targets: a table with a bar per
//! indicator (SVG drawn by the server, readable without JavaScript and printable) and each
//! breakdown as a table. Figures come from the service's indicators operation, so scope,
//! suppression and audit are the API's.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use homeward_analytics::indicators::{Figure, IndicatorResult};
use homeward_domain::problem;
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::indicators::{self as api, IndicatorsView, Period};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{MessagePage, render};
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
    fn group(&self, by: &str, group: &str) -> String {
        group_label(self.t, by, group)
    }

    fn shown(&self, r: &IndicatorResult, f: &Figure) -> String {
        shown(self.t, r, f)
    }

    fn counts(&self, f: &Figure) -> String {
        match (f.count, f.of) {
            (Some(c), Some(n)) => format!("{c} / {n}"),
            (Some(c), None) => c.to_string(),
            _ => String::new(),
        }
    }

    fn target(&self, r: &IndicatorResult) -> String {
        target(self.t, r)
    }

    fn bar(&self, r: &IndicatorResult) -> Option<(f64, f64)> {
        bar(r)
    }
}

/// A figure as shown: a share as a percentage, a count as it is, a hidden one as a dot.
/// A breakdown's group in words: a type of support from its catalogue, others from the messages
/// (`sex_female`), or as computed when there is none (`18-24`).
pub(crate) fn group_label(t: &Catalogue, by: &str, group: &str) -> String {
    match by {
        "support_type" => homeward_domain::structures::StructuresCatalogue::builtin()
            .support(group)
            .map_or_else(|| group.to_string(), |s| s.text(&t.code).to_string()),
        _ => t.named(by, group).to_string(),
    }
}

pub(crate) fn shown(t: &Catalogue, r: &IndicatorResult, f: &Figure) -> String {
    match (f.value, r.unit) {
        (None, _) if f.suppressed.is_some() => t.get("suppressed").to_string(),
        (None, _) => "–".to_string(),
        (Some(v), "share") => format!("{} %", t.number(&(v * 100.0), 0)),
        (Some(v), _) => t.number(&v, 0),
    }
}

pub(crate) fn target(t: &Catalogue, r: &IndicatorResult) -> String {
    if r.unit == "share" { format!("{} %", t.number(&(r.target * 100.0), 0)) } else { t.number(&r.target, 0) }
}

/// The bar's width (of 200) for the value and the target's mark, for shares.
pub(crate) fn bar(r: &IndicatorResult) -> Option<(f64, f64)> {
    (r.unit == "share")
        .then(|| (r.overall.value.unwrap_or(0.0).clamp(0.0, 1.0) * 200.0, r.target.clamp(0.0, 1.0) * 200.0))
}

/// The indicators of the period asked (this year to today by default), or the page's problem.
async fn period_view(
    state: Services,
    session: &Session,
    q: &PeriodQuery,
) -> Result<(String, String, Result<IndicatorsView, String>), Response> {
    let t = catalogue(&session.caller.language);
    let today = homeward_store::today();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = if q.from.is_empty() { year_start.to_string() } else { q.from.clone() };
    let to = if q.to.is_empty() { today.to_string() } else { q.to.clone() };
    let view = match (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) {
        (Ok(f), Ok(e)) => {
            match api::list(&state, &session.caller, Period { from: f, to: e, min_cell: None, profile: None }).await {
                Ok(v) => Ok(v),
                Err(ServiceError::Forbidden(_)) => {
                    return Err(render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN));
                }
                Err(ServiceError::Invalid(m, fields)) => {
                    Err(fields.first().map_or_else(|| t.problem(&m), |f| t.field_problem(f)))
                }
                Err(e) => return Err(crate::layout::failure(e)),
            }
        }
        _ => Err(t.field_problem(&FieldError::of("from", problem!("not_a_date", "is not a date (YYYY-MM-DD)")))),
    };
    Ok((from, to, view))
}

pub async fn show(State(state): State<Services>, session: Session, Query(q): Query<PeriodQuery>) -> Response {
    let t = catalogue(&session.caller.language);
    let (from, to, view) = match period_view(state, &session, &q).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let status = if view.is_err() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (view, message) = match view {
        Ok(v) => (Some(v), None),
        Err(m) => (None, Some(m)),
    };
    render(IndicatorsPage { t, session: &session, from, to, view, message }, status)
}

/// The same figures as an XLSX workbook (see `crate::report`).
pub async fn workbook(State(state): State<Services>, session: Session, Query(q): Query<PeriodQuery>) -> Response {
    let (from, to, view) = match period_view(state, &session, &q).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let view = match view {
        Ok(v) => v,
        Err(m) => return (StatusCode::UNPROCESSABLE_ENTITY, m).into_response(),
    };
    crate::report::download(
        crate::report::indicators::workbook(&view, crate::i18n::catalogue(&session.caller.language)),
        &format!("homeward-indicators-{from}-{to}.xlsx"),
    )
}
