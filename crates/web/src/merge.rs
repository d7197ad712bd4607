//! Merging a duplicate registration into a case, for supervisors: the user names the other
//! case by its number, sees both side by side, says why they are the same person and confirms.
//! The service moves the records and archives the other case, pointing here.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_service::cases::{self, CaseQuery};
use homeward_service::merges::{self, CaseMerge};
use homeward_service::views::{CaseSummary, CaseView};
use homeward_service::{ServiceError, Services};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{MessagePage, render};
use crate::session::{Session, csrf_for};

#[derive(Template)]
#[template(path = "merge.html")]
struct MergePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    kept: CaseView,
    /// The case number typed.
    other_number: String,
    /// The case to merge, once found.
    other: Option<CaseSummary>,
    reason: String,
    /// A problem with the reason, shown next to it.
    reason_error: Option<String>,
    /// A problem to show above the form: with the number, or the merge refused.
    problem: Option<String>,
}

impl MergePage<'_> {
    fn name(case: &CaseSummary) -> String {
        format!("{} {}", case.given_name.as_deref().unwrap_or(""), case.family_name.as_deref().unwrap_or(""))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MergeQuery {
    #[serde(default)]
    other: String,
}

/// The case whose number is `number` exactly, among the caller's offices.
async fn by_number(state: &Services, session: &Session, number: &str) -> Option<CaseSummary> {
    let number = number.trim();
    if number.is_empty() {
        return None;
    }
    let query = CaseQuery { q: Some(number.to_string()), limit: Some(5), ..Default::default() };
    let page = cases::list(state, &session.caller, query).await.ok()?;
    page.items.into_iter().find(|c| c.case_number.eq_ignore_ascii_case(number))
}

async fn page(
    state: &Services,
    session: &Session,
    kept_id: &str,
    other_number: String,
    reason: String,
    (reason_error, problem): (Option<String>, Option<String>),
    status: StatusCode,
) -> Response {
    let t = catalogue(&session.caller.language);
    if !session.caller.access.may(Permission::MergeCases) {
        return render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN);
    }
    let kept = match crate::case_page::case_or_refusal(state, session, kept_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let other = by_number(state, session, &other_number).await.filter(|o| o.id != kept.id);
    let (problem, status) = match (&other, problem) {
        (_, Some(p)) => (Some(p), status),
        (None, None) if !other_number.trim().is_empty() => {
            (Some(t.get("merge_no_such_case").to_string()), StatusCode::UNPROCESSABLE_ENTITY)
        }
        (_, None) => (None, status),
    };
    render(MergePage { t, session, kept, other_number, other, reason, reason_error, problem }, status)
}

/// The review: both cases side by side, and the reason to give.
pub async fn review(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<MergeQuery>,
) -> Response {
    page(&state, &session, &id, query.other, String::new(), (None, None), StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    other: String,
    #[serde(default)]
    merged_case: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    merged_version: i64,
    #[serde(default)]
    reason: String,
}

pub async fn merge(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<MergeForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    let request = CaseMerge {
        merged_case: form.merged_case,
        version: form.version,
        merged_version: form.merged_version,
        reason: form.reason.clone(),
    };
    let (problems, status) = match merges::merge(&state, &session.caller, &id, request).await {
        Ok(_) => return Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(ServiceError::Invalid(_, errors)) => {
            // The reason's problem goes next to it; the other case's (not found, the case
            // itself) above the form, where its number was typed.
            let of = |field: &str| {
                let found: Vec<String> =
                    errors.iter().filter(|e| e.field == field).map(|e| t.field_problem(e)).collect();
                (!found.is_empty()).then(|| found.join(" "))
            };
            let other = of("merged_case").map(|p| format!("{} — {p}", t.get("merge_other_number")));
            ((of("reason"), other), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ServiceError::Conflict(message, _) | ServiceError::Forbidden(message)) => {
            ((None, Some(t.problem(&message))), StatusCode::CONFLICT)
        }
        Err(ServiceError::NotFound) => ((None, Some(t.get("not_found").to_string())), StatusCode::NOT_FOUND),
        Err(e) => return crate::layout::failure(e),
    };
    page(&state, &session, &id, form.other, form.reason, problems, status).await
}
