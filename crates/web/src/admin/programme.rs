//! The programme's data, to read: the feasibility catalogue and the timing rules. They are
//! versioned data files (`data/programme`), changed there.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::Named;
use homeward_service::Services;

use super::*;
use crate::i18n::catalogue;
use crate::layout::{MessagePage, render};
use crate::session::Session;

/// Only for those who administer something: the pages are part of the admin screens.
fn admin_only(session: &Session) -> Option<Response> {
    let t = catalogue(&session.caller.language);
    tabs(session).is_empty().then(|| render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN))
}

pub async fn grid(State(state): State<Services>, session: Session) -> Response {
    if let Some(refusal) = admin_only(&session) {
        return refusal;
    }
    let t = catalogue(&session.caller.language);
    let headers = ["dimension", "intervention", "useful_for", "criteria_list", "source_line"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = state
        .grid
        .interventions
        .iter()
        .map(|i| Row {
            link: None,
            cells: vec![
                t.get(i.dimension.name()).to_string(),
                i.name.clone(),
                i.useful_for.clone(),
                i.criteria
                    .iter()
                    .map(|c| format!("{}: {}", t.named("criteria_level", c.level.name()), c.text))
                    .collect::<Vec<_>>()
                    .join(" · "),
                i.line.to_string(),
            ],
        })
        .collect();
    list_page(&session, "grid", Some("grid_note"), Listing { headers, rows, pending: vec![] }, None, &[])
}

pub async fn timing(State(state): State<Services>, session: Session) -> Response {
    if let Some(refusal) = admin_only(&session) {
        return refusal;
    }
    let t = catalogue(&session.caller.language);
    let headers = ["schedule", "due", "anchor", "months_column", "window", "source"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = state
        .timing
        .schedules
        .values()
        .flat_map(|s| {
            s.rules.iter().map(move |r| Row {
                link: None,
                cells: vec![
                    s.label.clone(),
                    t.named("due", r.kind.name()).to_string(),
                    t.named("anchor", r.anchor.name()).to_string(),
                    r.months.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                    r.window_months.to_string(),
                    r.source.clone(),
                ],
            })
        })
        .collect();
    list_page(&session, "timing", Some("timing_note"), Listing { headers, rows, pending: vec![] }, None, &[])
}

/// The settings in force: each file with where it came from and its version, the profile new
/// surveys are scored under, and the profiles stored surveys have results under.
#[derive(askama::Template)]
#[template(path = "admin_programme.html")]
struct ProgrammePage<'a> {
    t: &'a crate::i18n::Catalogue,
    session: &'a Session,
    tabs: Vec<(&'static str, &'static str)>,
    tab: &'static str,
    view: homeward_service::programme::ProgrammeView,
    /// What a rescore just added.
    report: Option<homeward_service::programme::RescoreReport>,
}

async fn programme_page(
    state: &Services,
    session: &Session,
    report: Option<homeward_service::programme::RescoreReport>,
) -> Response {
    let t = catalogue(&session.caller.language);
    match homeward_service::programme::view(state, &session.caller).await {
        Ok(view) => {
            render(ProgrammePage { t, session, tabs: tabs(session), tab: "programme", view, report }, StatusCode::OK)
        }
        Err(e) => crate::layout::refusal(t, e),
    }
}

/// `GET /admin/programme`: the programme settings in force.
pub async fn programme(State(state): State<Services>, session: Session) -> Response {
    programme_page(&state, &session, None).await
}

/// `POST /admin/programme/rescore`: gives every stored survey a result under the profile in
/// force (surveys scored before it was configured), keeping the results there are.
pub async fn rescore(
    State(state): State<Services>,
    session: Session,
    crate::session::Posted(_): crate::session::Posted,
) -> Response {
    match homeward_service::programme::rescore(&state, &session.caller, &state.scorer).await {
        Ok(report) => programme_page(&state, &session, Some(report)).await,
        Err(e) => crate::layout::refusal(catalogue(&session.caller.language), e),
    }
}
