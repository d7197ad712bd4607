//! The offices, with their staff and case counts.

use axum::extract::State;
use axum::response::Response;
use homeward_service::Services;
use homeward_service::users;

use super::*;
use crate::i18n::catalogue;
use crate::layout::refusal;
use crate::session::Session;

pub async fn offices(State(state): State<Services>, session: Session) -> Response {
    let t = catalogue(&session.caller.language);
    let offices = match users::offices(&state, &session.caller).await {
        Ok(o) => o,
        Err(e) => return refusal(t, e),
    };
    let headers = ["f_office", "accounts", "cases_total", "cases_open"].iter().map(|k| t.get(k).to_string()).collect();
    let rows = offices
        .iter()
        .map(|o| Row {
            link: None,
            cells: vec![o.office.clone(), o.users.join(", "), o.cases.to_string(), o.open_cases.to_string()],
        })
        .collect();
    list_page(&session, "offices", Some("offices_note"), Listing { headers, rows, pending: vec![] }, None, &[])
}
