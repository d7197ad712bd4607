//! A partner's page: the referral packets sent to its organisation, and nothing else, with
//! what it may record of each (acknowledged, service started, completed, declined, no show).
//! The service's operations keep a partner to its own packets and audit every read.

use askama::Template;
use axum::extract::{Path, Query, State};
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
    filter: PacketFilter,
    states: Vec<&'static str>,
    /// One packet on its own page, to print.
    single: bool,
}

/// What the partner looks for: words of the case number, service or reason, and a state.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PacketFilter {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub state: String,
}

impl PacketFilter {
    fn keeps(&self, p: &PacketView) -> bool {
        let state = self.state.trim();
        if !state.is_empty() && p.state.name() != state {
            return false;
        }
        let words = homeward_domain::search::fold(&self.q);
        if words.is_empty() {
            return true;
        }
        let text = match &p.packet {
            Some(packet) => homeward_domain::search::fold(&format!(
                "{} {} {}",
                packet.case_number, packet.service_type, packet.reason
            )),
            None => String::new(),
        };
        words.split(' ').all(|w| text.contains(w))
    }
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

fn states() -> Vec<&'static str> {
    homeward_domain::referral::ReferralState::ALL.iter().map(|s| s.name()).collect()
}

async fn page(state: Services, session: Session, message: Option<String>, filter: PacketFilter) -> Response {
    let t = catalogue(&session.caller.language);
    let packets = match api::list(&state, &session.caller).await {
        Ok(p) => p,
        Err(ServiceError::Forbidden(m)) => {
            let page = PacketsPage {
                t,
                session: &session,
                packets: vec![],
                message: Some(m),
                today: String::new(),
                filter,
                states: states(),
                single: false,
            };
            return render(page, StatusCode::FORBIDDEN);
        }
        Err(e) => return crate::layout::failure(e),
    };
    // Newest first: what was sent last is what the partner acts on next.
    let mut packets: Vec<PacketView> = packets.into_iter().filter(|p| filter.keeps(p)).collect();
    packets.sort_by(|a, b| {
        let sent = |p: &PacketView| p.packet.as_ref().map(|x| x.sent_on);
        sent(b).cmp(&sent(a)).then_with(|| b.referral_id.cmp(&a.referral_id))
    });
    let status = if message.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let page = PacketsPage {
        t,
        session: &session,
        packets,
        message,
        today: homeward_store::today().to_string(),
        filter,
        states: states(),
        single: false,
    };
    render(page, status)
}

pub async fn show(State(state): State<Services>, session: Session, Query(filter): Query<PacketFilter>) -> Response {
    page(state, session, None, filter).await
}

/// One packet on a page of its own, to print or file.
pub async fn one(State(state): State<Services>, session: Session, Path(referral_id): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    match api::read(&state, &session.caller, &referral_id).await {
        Ok(packet) => render(
            PacketsPage {
                t,
                session: &session,
                packets: vec![packet],
                message: None,
                today: homeward_store::today().to_string(),
                filter: PacketFilter::default(),
                states: states(),
                single: true,
            },
            StatusCode::OK,
        ),
        Err(e) => crate::layout::refusal(t, e),
    }
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
        Err(ServiceError::Invalid(m, _) | ServiceError::Conflict(m, _)) => {
            page(state, session, Some(m), PacketFilter::default()).await
        }
        Err(e) => crate::layout::failure(e),
    }
}
