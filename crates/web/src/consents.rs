//! Consents on a case's page: what the returnee agreed to, recorded from a form, withdrawn with a
//! button. The service's operations do the work, so the consent rules (written consent for medical care,
//! a partner and plan version for sharing) are the same, and so is the audit.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::records::ConsentRecord;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::records::{self, Correction};
use homeward_service::views::RecordView;
use serde::Deserialize;

use crate::session::{Posted, Session, csrf_for};

/// The consents of a case the caller may read (none for roles without identities).
pub async fn of_case(state: &Services, session: &Session, case_id: &str) -> Vec<RecordView<ConsentRecord>> {
    records::list::<ConsentRecord>(state, &session.caller, case_id).await.unwrap_or_default()
}

#[derive(Debug, Default, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub given_on: String,
    #[serde(default)]
    pub partner: String,
    #[serde(default)]
    pub plan_version: String,
    /// For sharing with a partner: the case fields the returnee agreed to share.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl ConsentForm {
    /// Whether a packet field was ticked.
    pub fn shares(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f == field)
    }

    fn of(typed: &[(String, String)]) -> ConsentForm {
        let one = |name: &str| crate::forms::value(typed, name).to_string();
        ConsentForm {
            purpose: one("purpose"),
            method: one("method"),
            given_on: one("given_on"),
            partner: one("partner"),
            plan_version: one("plan_version"),
            fields: typed.iter().filter(|(k, _)| k == "fields").map(|(_, v)| v.clone()).collect(),
        }
    }
}

/// Records a consent; problems come back on the case page, next to the form.
pub async fn record(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let form = ConsentForm::of(&typed);
    let mut json = serde_json::Map::new();
    for (key, value) in
        [("purpose", &form.purpose), ("method", &form.method), ("given_on", &form.given_on), ("partner", &form.partner)]
    {
        if !value.trim().is_empty() {
            json.insert(key.into(), value.trim().into());
        }
    }
    if let Ok(v) = form.plan_version.trim().parse::<u32>() {
        json.insert("plan_version".into(), v.into());
    }
    json.insert("fields".into(), form.fields.clone().into());
    // The form offers the partner, plan version and fields for every purpose (the plan version
    // filled in): they are meant only when sharing with a partner, so another purpose drops them.
    if form.purpose != "share_with_partner" {
        for key in ["partner", "plan_version", "fields"] {
            json.remove(key);
        }
    }
    let outcome = match homeward_service::input::from_json_value::<ConsentRecord>(serde_json::Value::Object(json)) {
        Ok(consent) => records::create_once::<ConsentRecord>(
            &state,
            &session.caller,
            &id,
            consent,
            crate::session::once_of(&typed),
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/cases/{id}#consents")).into_response(),
        Err(ServiceError::Invalid(message, _) | ServiceError::Forbidden(message)) => {
            crate::case_page::case_page(state, session, id, Some(message), Some(form)).await
        }
        Err(e) => crate::layout::failure(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    on: String,
}

/// Withdraws a consent on a date (today by default): the returnee may at any time.
pub async fn withdraw(
    State(state): State<Services>,
    session: Session,
    Path((id, consent_id)): Path<(String, String)>,
    Form(form): Form<WithdrawForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let current = of_case(&state, &session, &id).await.into_iter().find(|c| c.id == consent_id);
    let Some(current) = current else { return StatusCode::NOT_FOUND.into_response() };
    let on = form.on.parse().unwrap_or_else(|_| homeward_store::today());
    let data = ConsentRecord { withdrawn_on: Some(on), ..current.data };
    let correction = Correction { version: form.version, data };
    match records::update::<ConsentRecord>(&state, &session.caller, &id, &consent_id, correction).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#consents")).into_response(),
        Err(
            ServiceError::Invalid(message, _) | ServiceError::Conflict(message, _) | ServiceError::Forbidden(message),
        ) => crate::case_page::case_page(state, session, id, Some(message), None).await,
        Err(e) => crate::layout::failure(e),
    }
}
