//! Closing a case: the closure form (reason, the returnee's choice, timing, exit interview,
//! onward referrals, and who was told when the returnee died), sent with the `close` or
//! `opt_out` move through the service's operation, which checks the lifecycle and the closure.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::case::CaseAction;
use homeward_domain::closure::Closure;
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::cases;

use crate::form_view::{Input, general_problems, inputs, read};
use crate::forms::{self, Typed};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

#[derive(Template)]
#[template(path = "close.html")]
struct ClosePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case_id: String,
    case_number: String,
    version: i64,
    /// `close` and/or `opt_out`, as the case's state allows.
    actions: Vec<&'static str>,
    inputs: Vec<Input>,
    has_errors: bool,
    general: Vec<String>,
}

async fn page(
    state: Services,
    session: Session,
    case_id: String,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let form = forms::named("closure");
    let actions: Vec<&'static str> = case
        .allowed_actions
        .iter()
        .filter(|a| matches!(a, CaseAction::Close | CaseAction::OptOut))
        .map(|a| a.name())
        .collect();
    let has_errors = !errors.is_empty();
    let page = ClosePage {
        t,
        session: &session,
        case_id,
        case_number: case.summary.case_number,
        version: case.summary.version,
        actions,
        inputs: inputs(t, &session, form, typed, &errors),
        general: general_problems(t, form, &errors),
        has_errors,
    };
    render(page, if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK })
}

pub async fn form(State(state): State<Services>, session: Session, Path(case_id): Path<String>) -> Response {
    page(state, session, case_id, None, vec![]).await
}

pub async fn close(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let Some(action) = CaseAction::from_name(forms::value(&typed, "action")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let version = forms::value(&typed, "version").parse().unwrap_or(0);
    let closure = match read::<Closure>(forms::named("closure"), &typed) {
        Ok(c) => c,
        Err(errors) => return page(state, session, case_id, Some(&typed), errors).await,
    };
    let step = cases::CaseStep { action, version, closure: Some(closure) };
    match cases::transition(&state, &session.caller, &case_id, step).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}")).into_response(),
        Err(ServiceError::Invalid(_, errors)) => {
            // The API names the closure's fields `closure.reason`; the form names them `reason`.
            let errors = errors
                .into_iter()
                .map(|e| FieldError { field: e.field.strip_prefix("closure.").unwrap_or(&e.field).to_string(), ..e })
                .collect();
            page(state, session, case_id, Some(&typed), errors).await
        }
        Err(ServiceError::Conflict(message, _) | ServiceError::Forbidden(message)) => {
            let mut response =
                page(state, session, case_id, Some(&typed), vec![FieldError::new("case", message)]).await;
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Err(e) => crate::layout::failure(e),
    }
}
