//! The pages. Each calls the API's handler for what it shows, so a page sees exactly what the
//! same user would see through the API, audited the same way.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::case::{CaseAction, CaseState};
use homeward_domain::consent::{ConsentMethod, ConsentPurpose};
use homeward_domain::records::ConsentRecord;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::cases::{self, CaseQuery, TimelineEntry};
use homeward_service::session::{self as api_session, Credentials};
use homeward_service::views::{CaseView, RecordView};
use serde::Deserialize;

use crate::consents::ConsentForm;
use crate::i18n::{Catalogue, catalogue};
use crate::session::{CSRF_COOKIE, SESSION_COOKIE, Session, cookie, csrf_for, set_cookie};

/// Sessions last a working day.
const SESSION_SECONDS: u32 = 12 * 3600;

pub(crate) fn render(template: impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => failure(ServiceError::Internal(format!("template: {e}"))),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    t: &'a Catalogue,
    csrf: String,
    username: String,
    message: Option<&'a str>,
}

/// The language of a page before sign-in: the browser's first choice we have.
fn browser_language(headers: &HeaderMap) -> &'static Catalogue {
    let wanted = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let code = wanted
        .split(',')
        .map(|l| l.split(';').next().unwrap_or("").trim().get(..2).unwrap_or(""))
        .find(|c| crate::i18n::languages().any(|known| known == *c))
        .unwrap_or("en");
    catalogue(code)
}

pub async fn sign_in_form(headers: HeaderMap) -> Response {
    let csrf = homeward_service::auth::new_token()[3..35].to_string();
    let page = SignInPage { t: browser_language(&headers), csrf: csrf.clone(), username: String::new(), message: None };
    let mut response = render(page, StatusCode::OK);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, &csrf, 3600));
    response
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn sign_in(State(state): State<Services>, headers: HeaderMap, Form(form): Form<SignInForm>) -> Response {
    let t = browser_language(&headers);
    let expected = cookie(&headers, CSRF_COOKIE).unwrap_or("");
    let again = |message: &'static str, status: StatusCode| {
        let page = SignInPage {
            t,
            csrf: expected.to_string(),
            username: form.username.clone(),
            message: Some(t.get(message)),
        };
        render(page, status)
    };
    if expected.is_empty() || form.csrf != expected {
        return again("session_expired", StatusCode::FORBIDDEN);
    }
    let credentials = Credentials { username: form.username.clone(), password: form.password.clone() };
    match api_session::sign_in(&state, credentials).await {
        Ok(session) => {
            let token = session.token.clone().unwrap_or_default();
            let mut response = Redirect::to("/").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, &token, SESSION_SECONDS));
            response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, "", 0));
            response
        }
        Err(ServiceError::TooManyAttempts(_)) => again("sign_in_locked", StatusCode::TOO_MANY_REQUESTS),
        Err(ServiceError::NotSignedIn | ServiceError::Invalid(..)) => again("sign_in_failed", StatusCode::UNAUTHORIZED),
        Err(e) => crate::pages::failure(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(state): State<Services>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let Err(e) = api_session::sign_out(&state, &session.caller, &session.token).await {
        return crate::pages::failure(e);
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, "", 0));
    response
}

/// One row of the caseload.
struct Row {
    id: String,
    case_number: String,
    name: String,
    office: String,
    status: &'static str,
    band: Option<String>,
    next_follow_up: Option<String>,
    overdue: bool,
    /// No plan agreed a month after return (the handbook's target, lines 2286-2293).
    plan_overdue: bool,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    rows: Vec<Row>,
    q: String,
    status: String,
    band: String,
    statuses: Vec<&'static str>,
    bands: [&'static str; 3],
    next: Option<String>,
    message: Option<String>,
    may_register: bool,
    mine: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseloadQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    band: String,
    #[serde(default)]
    cursor: Option<String>,
    /// Only the caller's own cases.
    #[serde(default)]
    mine: Option<String>,
}

pub async fn caseload(State(state): State<Services>, session: Session, Query(query): Query<CaseloadQuery>) -> Response {
    // A partner has no caseload: its home is the packets sent to it.
    if !session.caller.access.may(Permission::ReadCases) && session.caller.access.may(Permission::HandleReferralPackets)
    {
        return Redirect::to("/packets").into_response();
    }
    let t = catalogue(&session.caller.language);
    let status = CaseState::from_name(&query.status);
    let api_query = CaseQuery {
        cursor: query.cursor.clone(),
        limit: Some(50),
        status,
        office: None,
        case_manager: query.mine.as_ref().map(|_| session.caller.username.clone()),
        follow_up_due_by: None,
        band: Some(query.band.clone()).filter(|b| !b.is_empty()),
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
    };
    let today = homeward_store::today();
    let (rows, next, message) = match cases::list(&state, &session.caller, api_query).await {
        Ok(page) => {
            let rows = page
                .items
                .iter()
                .map(|c| Row {
                    id: c.id.clone(),
                    case_number: c.case_number.clone(),
                    name: match (&c.given_name, &c.family_name) {
                        (Some(g), Some(f)) => format!("{g} {f}"),
                        _ => "—".into(),
                    },
                    office: c.office.clone(),
                    status: c.status.name(),
                    band: c.latest_band.clone(),
                    next_follow_up: c.next_follow_up.map(|d| d.to_string()),
                    overdue: c.next_follow_up.is_some_and(|d| d < today),
                    plan_overdue: c.plan_agreed_on.is_none()
                        && matches!(c.status, CaseState::Intake | CaseState::Assessment | CaseState::Planning)
                        && c.date_of_return.checked_add_months(chrono::Months::new(1)).is_some_and(|due| due < today),
                })
                .collect();
            let next = page.next_cursor.map(|cursor| {
                format!(
                    "/?q={}&status={}&band={}&cursor={cursor}",
                    encode(&query.q),
                    encode(&query.status),
                    encode(&query.band)
                )
            });
            (rows, next, None)
        }
        Err(ServiceError::Forbidden(m) | ServiceError::Unreadable(m, _)) => (vec![], None, Some(m)),
        Err(e) => return crate::pages::failure(e),
    };
    let page = CaseloadPage {
        t,
        session: &session,
        rows,
        q: query.q.clone(),
        status: query.status.clone(),
        band: query.band.clone(),
        statuses: CaseState::ALL.iter().map(|s| s.name()).collect(),
        bands: ["intensive", "standard", "light"],
        next,
        message,
        may_register: session.caller.access.may(Permission::RegisterCase),
        mine: query.mine.is_some(),
    };
    render(page, StatusCode::OK)
}

/// Percent-encoding for a query value.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    name: Option<String>,
    status: &'static str,
    sex: &'static str,
    band: Option<String>,
    /// Moves offered as buttons (closing needs its own form, to come).
    moves: Vec<&'static str>,
    may_move: bool,
    timeline: Vec<TimelineEntry>,
    message: Option<String>,
    consents: Vec<RecordView<ConsentRecord>>,
    may_record: bool,
    may_survey: bool,
    progress: Option<crate::progress::Progress>,
    visits: Vec<RecordView<homeward_domain::records::FollowUp>>,
    may_follow_up: bool,
    modes: Vec<&'static str>,
    kinds: Vec<&'static str>,
    consent_form: ConsentForm,
    purposes: Vec<&'static str>,
    methods: Vec<&'static str>,
    /// The case's other pages: records, plan, referrals.
    menu: Vec<(&'static str, &'static str)>,
    may_close: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage<'a> {
    pub t: &'a Catalogue,
    pub message: &'a str,
}

/// A refusal as a page in the user's language: 403 and 404 say so in a sentence; any other
/// error answers as [`failure`] does.
pub(crate) fn refusal(t: &Catalogue, e: ServiceError) -> Response {
    match e {
        ServiceError::Forbidden(_) => render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN),
        ServiceError::NotFound => render(MessagePage { t, message: t.get("not_found") }, StatusCode::NOT_FOUND),
        other => failure(other),
    }
}

/// An error that no page shows in place: the status the API gives it, and its sentence (an
/// internal error is logged and never described to the user). Without a session, the sign-in.
pub(crate) fn failure(e: ServiceError) -> Response {
    let status = match &e {
        ServiceError::NotSignedIn => return Redirect::to("/sign-in").into_response(),
        ServiceError::Unreadable(..) => StatusCode::BAD_REQUEST,
        ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::Conflict(..) => StatusCode::CONFLICT,
        ServiceError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::Internal(cause) => {
            tracing::error!(%cause, "a page failed");
            let message = "the server could not complete the request; nothing was changed";
            return (StatusCode::INTERNAL_SERVER_ERROR, message).into_response();
        }
    };
    (status, e.to_string()).into_response()
}

/// The case as the caller may see it (the API's read, audited), or the page that refuses it.
pub(crate) async fn case_or_refusal(state: &Services, session: &Session, id: &str) -> Result<CaseView, Response> {
    cases::read(state, &session.caller, id).await.map_err(|e| refusal(catalogue(&session.caller.language), e))
}

pub async fn case(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    case_page(state, session, id, None, None).await
}

/// A case's page; `message` is a refusal to show, `consent_form` what was typed in a refused
/// consent form.
pub(crate) async fn case_page(
    state: Services,
    session: Session,
    id: String,
    message: Option<String>,
    consent_form: Option<ConsentForm>,
) -> Response {
    let t = catalogue(&session.caller.language);
    match cases::read(&state, &session.caller, &id).await {
        Ok(case) => {
            // The timeline shows identifying records: roles that see pseudonymised data get none.
            let timeline = cases::timeline(&state, &session.caller, &id).await.unwrap_or_default();
            let consents = crate::consents::of_case(&state, &session, &id).await;
            let surveys = homeward_service::surveys::list(&state, &session.caller, &id).await.unwrap_or_default();
            let page = CasePage {
                t,
                session: &session,
                name: case.given_name.as_ref().zip(case.family_name.as_ref()).map(|(g, f)| format!("{g} {f}")),
                status: case.status.name(),
                sex: case.sex.name(),
                band: case.latest_band.clone(),
                moves: case
                    .allowed_actions
                    .iter()
                    .filter(|a| !matches!(a, CaseAction::Close | CaseAction::OptOut))
                    .map(|a| a.name())
                    .collect(),
                may_move: session.caller.access.may(Permission::MoveCase),
                timeline,
                message,
                consents,
                may_record: session.caller.access.may(Permission::RecordAssessment)
                    && session.caller.access.role.sees_identities(),
                may_survey: session.caller.access.may(Permission::TakeSurvey),
                progress: crate::progress::chart(&surveys),
                visits: crate::follow_ups::of_case(&state, &session, &id).await,
                may_follow_up: session.caller.access.may(Permission::FollowUp)
                    && session.caller.access.role.sees_identities(),
                modes: homeward_domain::records::FollowUpMode::ALL.iter().map(|m| m.name()).collect(),
                kinds: homeward_domain::records::FollowUpKind::ALL.iter().map(|k| k.name()).collect(),
                consent_form: consent_form.unwrap_or_default(),
                purposes: ConsentPurpose::ALL.iter().map(|p| p.name()).collect(),
                methods: ConsentMethod::ALL.iter().map(|m| m.name()).collect(),
                menu: crate::case_records::menu(&session),
                may_close: session.caller.access.may(Permission::MoveCase)
                    && case.allowed_actions.iter().any(|a| matches!(a, CaseAction::Close | CaseAction::OptOut)),
                case,
            };
            let status = if page.message.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
            render(page, status)
        }
        Err(ServiceError::NotFound) => render(MessagePage { t, message: t.get("not_found") }, StatusCode::NOT_FOUND),
        Err(ServiceError::Forbidden(_)) => {
            render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN)
        }
        Err(e) => crate::pages::failure(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: i64,
}

/// A move of the case's lifecycle from its page; a refusal is shown on the page.
pub async fn move_case(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(action) = CaseAction::from_name(&form.action) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let step = cases::CaseStep { action, version: form.version, closure: None };
    match cases::transition(&state, &session.caller, &id, step).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(
            ServiceError::Conflict(message, _) | ServiceError::Invalid(message, _) | ServiceError::Forbidden(message),
        ) => case_page(state, session, id, Some(message), None).await,
        Err(e) => crate::pages::failure(e),
    }
}
