//! A partner's page: the referral packets sent to its organisation, and nothing else, with
//! what it may record of each (acknowledged, service started, completed, declined, no show).
//! The service's operations keep a partner to its own packets and audit every read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::packets::{self as api, PacketView};

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

#[derive(Template)]
#[template(path = "packets.html")]
struct PacketsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    packets: Vec<PacketView>,
    message: Option<String>,
    today: String,
}

impl PacketsPage<'_> {
    /// A packet field's value as text.
    fn shown(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        }
    }
}

async fn page(state: Services, session: Session, message: Option<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let packets = match api::list(&state, &session.caller).await {
        Ok(p) => p,
        Err(ServiceError::Forbidden(m)) => {
            let page = PacketsPage { t, session: &session, packets: vec![], message: Some(m), today: String::new() };
            return render(page, StatusCode::FORBIDDEN);
        }
        Err(e) => return crate::layout::failure(e),
    };
    let status = if message.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let page = PacketsPage { t, session: &session, packets, message, today: homeward_store::today().to_string() };
    render(page, status)
}

pub async fn show(State(state): State<Services>, session: Session) -> Response {
    page(state, session, None).await
}

pub async fn step(
    State(state): State<Services>,
    session: Session,
    Path(referral_id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let Some(step) = crate::referrals::step_of(&typed) else { return StatusCode::BAD_REQUEST.into_response() };
    match api::step(&state, &session.caller, &referral_id, step).await {
        Ok(_) => Redirect::to("/packets").into_response(),
        Err(ServiceError::Invalid(m, _) | ServiceError::Conflict(m, _)) => page(state, session, Some(m)).await,
        Err(e) => crate::layout::failure(e),
    }
}
