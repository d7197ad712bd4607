//! Follow-up visits on a case's page: recorded from a form, the next visit proposed from the
//! programme's timing rules when the case worker leaves it blank (the service's operation does that,
//! so the page and the API propose the same date).

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::records::FollowUp;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::records;
use homeward_service::views::RecordView;
use serde::Deserialize;

use crate::session::{Session, csrf_for};

/// The case's visits the caller may read, latest first.
pub async fn of_case(state: &Services, session: &Session, case_id: &str) -> Vec<RecordView<FollowUp>> {
    let mut visits = records::list::<FollowUp>(state, &session.caller, case_id).await.unwrap_or_default();
    visits.reverse();
    visits
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub next_due: String,
}

pub async fn record(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut json = serde_json::Map::new();
    for (key, value) in [
        ("date", &form.date),
        ("mode", &form.mode),
        ("kind", &form.kind),
        ("notes", &form.notes),
        ("next_due", &form.next_due),
    ] {
        if !value.trim().is_empty() {
            json.insert(key.into(), value.trim().into());
        }
    }
    let outcome = match homeward_service::input::from_json_value::<FollowUp>(serde_json::Value::Object(json)) {
        Ok(visit) => {
            let once = homeward_service::idempotency::IdempotencyKey::parse(&form.idempotency_key).ok();
            records::create_once::<FollowUp>(&state, &session.caller, &id, visit, once).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/cases/{id}#follow-ups")).into_response(),
        Err(ServiceError::Invalid(message, _) | ServiceError::Forbidden(message)) => {
            crate::case_page::case_page(state, session, id, Some(message), None).await
        }
        Err(e) => crate::layout::failure(e),
    }
}
