//! Handovers in the web app: a case's handover page (its handovers, and the form that prepares
//! one to an office of the country of origin), the list of an office's handovers coming in and
//! going out, and one handover with its packet and the moves the user may make (send or
//! withdraw; accept, or decline saying why). The rules are the service's
//! (`homeward_service::handovers`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::handover::{HandoverAction, HandoverState};
use homeward_domain::office::OfficeRole;
use homeward_domain::validate::FieldError;
use homeward_service::handovers::{self, HandoverMove, HandoverRequest, HandoverView};
use homeward_service::offices::{self, OfficeView};
use homeward_service::views::CaseView;
use homeward_service::{ServiceError, Services};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{refusal, render};
use crate::session::{Session, csrf_for};

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/cases/{id}/handover", get(of_case).post(prepare))
        .route("/handovers", get(list))
        .route("/handovers/{id}", get(one))
        .route("/handovers/{id}/moves", post(step))
        .route("/handovers/{id}/file", get(download))
        .route("/handovers/files", post(take_in))
        .layer(axum::extract::DefaultBodyLimit::max(4 << 20))
}

/// "Field: problem" in the user's language.
fn said(t: &Catalogue, f: &FieldError) -> String {
    let field = match f.field.as_str() {
        "to_office" => t.get("handover_to_office"),
        "consent" => t.get("handover_consent"),
        "office" => t.get("f_office"),
        "reason" => t.get("handover_decline_reason"),
        "note" => t.get("handover_note"),
        other => other,
    };
    t.field_said(field, &t.field_problem(f))
}

/// What a refusal says on a page: each field's problem, or the conflict's sentence.
fn problems_of(t: &Catalogue, e: &ServiceError) -> Option<Vec<String>> {
    match e {
        ServiceError::Invalid(_, fields) => Some(fields.iter().map(|f| said(t, f)).collect()),
        ServiceError::Conflict(..) => Some(vec![t.get("handover_conflict").to_string()]),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "case_handover.html")]
struct CasePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    handovers: Vec<HandoverView>,
    /// The offices a handover may go to: of a country of origin or of transit, not the case's.
    offices: Vec<OfficeView>,
    may_prepare: bool,
    may_include_screening: bool,
    problems: Vec<String>,
    typed: PrepareForm,
}

#[derive(Debug, Default, Deserialize)]
pub struct PrepareForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to_office: String,
    #[serde(default)]
    include_vulnerability: Option<String>,
    #[serde(default)]
    include_plan: Option<String>,
    #[serde(default)]
    note: String,
}

async fn case_page(
    state: &Services,
    session: &Session,
    id: &str,
    typed: PrepareForm,
    problems: Vec<String>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(state, session, id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let handovers = match handovers::of_case(state, &session.caller, id).await {
        Ok(h) => h,
        Err(e) => return refusal(t, e),
    };
    let offices = offices::list(state, &session.caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|o| matches!(o.role, OfficeRole::Origin | OfficeRole::Transit) && o.name != case.office)
        .collect();
    let caller = &session.caller;
    let under_way = handovers.iter().any(|h| matches!(h.state, HandoverState::Prepared | HandoverState::Sent));
    let may_prepare = case.is_open() && caller.access.may(Permission::MoveCase) && !under_way;
    let may_include_screening = caller.access.may_read_section(Section::GbvProtection);
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(
        CasePage { t, session, case, handovers, offices, may_prepare, may_include_screening, problems, typed },
        status,
    )
}

/// `GET /cases/{id}/handover`: the case's handovers and the form that prepares one.
pub async fn of_case(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    let typed = PrepareForm { include_plan: Some("1".into()), ..PrepareForm::default() };
    case_page(&state, &session, &id, typed, vec![]).await
}

/// `POST /cases/{id}/handover`: a handover prepared; then its page.
pub async fn prepare(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<PrepareForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    let request = HandoverRequest {
        to_office: form.to_office.clone(),
        include_vulnerability: form.include_vulnerability.is_some(),
        include_plan: form.include_plan.is_some(),
        note: Some(form.note.clone()),
    };
    match handovers::prepare(&state, &session.caller, &id, request).await {
        Ok(made) => Redirect::to(&format!("/handovers/{}", made.id)).into_response(),
        Err(e) => match problems_of(t, &e) {
            Some(problems) => case_page(&state, &session, &id, form, problems).await,
            None => refusal(t, e),
        },
    }
}

#[derive(Template)]
#[template(path = "handovers.html")]
struct ListPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    incoming: Vec<HandoverView>,
    outgoing: Vec<HandoverView>,
    /// A file from a partner installation that was refused, and why.
    problems: Vec<String>,
}

async fn list_page(state: &Services, session: &Session, problems: Vec<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let all = match handovers::list(state, &session.caller).await {
        Ok(h) => h,
        Err(e) => return refusal(t, e),
    };
    let access = &session.caller.access;
    let (incoming, outgoing) = all
        .into_iter()
        .partition(|h| h.received || access.covers_office(&h.to_office) && h.remote_installation.is_none());
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(ListPage { t, session, incoming, outgoing, problems }, status)
}

/// `GET /handovers`: the handovers coming to and going from the user's offices, and the form that
/// takes in a file from a partner installation.
pub async fn list(State(state): State<Services>, session: Session) -> Response {
    list_page(&state, &session, vec![]).await
}

/// `GET /handovers/{id}/file`: the file for the partner installation (a handover sent, or the
/// receipt of one decided).
pub async fn download(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    match handovers::file(&state, &session.caller, &id).await {
        Ok((name, bytes)) => homeward_server::download::bytes_response(bytes, "application/octet-stream", &name),
        Err(e) => refusal(t, e),
    }
}

/// `POST /handovers/files`: a file from a partner installation taken in (a handover, or the
/// receipt of one sent from here); then the handover's page.
pub async fn take_in(State(state): State<Services>, session: Session, multipart: axum::extract::Multipart) -> Response {
    let t = catalogue(&session.caller.language);
    let Ok(mut form) = crate::upload::read(multipart).await else {
        return list_page(&state, &session, vec![t.get("handover_file_too_large").to_string()]).await;
    };
    if form.text("csrf") != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some((_, bytes)) = form.file("file", "handover.hwx") else {
        let problem = t.field_said(t.get("handover_file"), t.get("document_choose_file"));
        return list_page(&state, &session, vec![problem]).await;
    };
    match handovers::import(&state, &session.caller, &bytes).await {
        Ok(h) => Redirect::to(&format!("/handovers/{}", h.id)).into_response(),
        Err(ServiceError::Invalid(_, fields)) => {
            let said = fields.iter().map(|f| t.field_said(t.get("handover_file"), &t.field_problem(f))).collect();
            list_page(&state, &session, said).await
        }
        Err(e) => refusal(t, e),
    }
}

#[derive(Template)]
#[template(path = "handover.html")]
struct OnePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    handover: HandoverView,
    problems: Vec<String>,
}

async fn one_page(state: &Services, session: &Session, id: &str, problems: Vec<String>) -> Response {
    let t = catalogue(&session.caller.language);
    match handovers::read(state, &session.caller, id).await {
        Ok(handover) => {
            let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            render(OnePage { t, session, handover, problems }, status)
        }
        Err(e) => refusal(t, e),
    }
}

/// `GET /handovers/{id}`: one handover, its packet as the user may read it, its moves.
pub async fn one(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    one_page(&state, &session, &id, vec![]).await
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    action: String,
    version: i64,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /handovers/{id}/moves`: send, withdraw, accept or decline.
pub async fn step(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    let Some(action) = HandoverAction::from_name(&form.action) else { return StatusCode::BAD_REQUEST.into_response() };
    let step = HandoverMove { action, version: form.version, reason: form.reason };
    match handovers::step(&state, &session.caller, &id, step).await {
        // Accepted, the case is the user's: its page. Otherwise the handover's.
        Ok(HandoverView { state: HandoverState::Accepted, case_id: Some(case), .. }) => {
            Redirect::to(&format!("/cases/{case}")).into_response()
        }
        Ok(_) => Redirect::to(&format!("/handovers/{id}")).into_response(),
        Err(e) => match problems_of(t, &e) {
            Some(problems) => one_page(&state, &session, &id, problems).await,
            None => refusal(t, e),
        },
    }
}

impl OnePage<'_> {
    fn may(&self, action: &str) -> bool {
        self.handover.allowed_actions.iter().any(|a| a.name() == action)
    }
}
