//! A partner's page: the referral packets sent to its organisation, and nothing else, with
//! what it may record of each (acknowledged, service started, completed, declined, no show).
//! The API's handlers keep a partner to its own packets and audit every read.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::referral::{ReferralAction, ReferralStep};
use homeward_server::AppState;
use homeward_server::error::ApiError;
use homeward_server::extract::Body;
use homeward_server::http::packets::{self as api, PacketView};

use crate::forms::value;
use crate::i18n::{Catalogue, catalogue};
use crate::pages::render;
use crate::session::{Session, csrf_for};

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

async fn page(state: AppState, session: Session, message: Option<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let packets = match api::list(State(state), session.caller.clone()).await {
        Ok(p) => p.0,
        Err(ApiError::Forbidden(m)) => {
            let page = PacketsPage { t, session: &session, packets: vec![], message: Some(m), today: String::new() };
            return render(page, StatusCode::FORBIDDEN);
        }
        Err(e) => return e.into_response(),
    };
    let status = if message.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let page = PacketsPage { t, session: &session, packets, message, today: homeward_store::today().to_string() };
    render(page, status)
}

pub async fn show(State(state): State<AppState>, session: Session) -> Response {
    page(state, session, None).await
}

pub async fn step(
    State(state): State<AppState>,
    session: Session,
    Path(referral_id): Path<String>,
    Form(typed): Form<Vec<(String, String)>>,
) -> Response {
    if value(&typed, "csrf") != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(action) = ReferralAction::from_name(value(&typed, "action")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let step = ReferralStep {
        action,
        version: value(&typed, "version").parse().unwrap_or(0),
        date: value(&typed, "date").parse().unwrap_or_else(|_| homeward_store::today()),
        note: Some(value(&typed, "note").trim().to_string()).filter(|n| !n.is_empty()),
    };
    match api::step(State(state.clone()), session.caller.clone(), Path(referral_id), Body(step)).await {
        Ok(_) => Redirect::to("/packets").into_response(),
        Err(ApiError::Invalid(m, _) | ApiError::Conflict(m, _)) => page(state, session, Some(m)).await,
        Err(e) => e.into_response(),
    }
}
