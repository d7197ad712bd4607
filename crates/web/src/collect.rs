//! Forms for collecting offline with ODK Collect or KoboToolbox: the RSS as an XLSForm, in every
//! language Homeward has, the user's first; with it, for a form made for an office, the office's
//! case list to attach.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_service::{Services, catalogue};
use serde::Deserialize;

use crate::i18n;
use crate::session::Session;

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    /// `1`: the case is chosen from the office's list attached to the form.
    #[serde(default)]
    cases: Option<String>,
}

/// `GET /forms/rss.xlsx`, for those who take surveys.
pub async fn rss_xlsform(State(state): State<Services>, session: Session, Query(q): Query<FormQuery>) -> Response {
    let case_list = q.cases.as_deref() == Some("1");
    let name = if case_list { "homeward-rss-case-list.xlsx" } else { "homeward-rss.xlsx" };
    match catalogue::rss_form(&state, &session.caller, &session.caller.language, case_list) {
        Ok(bytes) => crate::report::download(Ok(bytes), name),
        Err(e) => crate::layout::refusal(i18n::catalogue(&session.caller.language), e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseListQuery {
    #[serde(default)]
    office: Option<String>,
    /// `1`: labels carry the returnees' names (for roles that see them).
    #[serde(default)]
    names: Option<String>,
}

/// `GET /forms/cases.csv`: the office's open cases, to attach to the form as `cases.csv`.
pub async fn case_list(State(state): State<Services>, session: Session, Query(q): Query<CaseListQuery>) -> Response {
    let names = q.names.as_deref() == Some("1");
    match catalogue::case_list(&state, &session.caller, q.office.as_deref(), names).await {
        Ok(csv) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", catalogue::CASE_LIST_FILE)),
            ],
            csv,
        )
            .into_response(),
        Err(e) => crate::layout::refusal(i18n::catalogue(&session.caller.language), e),
    }
}
