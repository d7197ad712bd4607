//! Mentoring in the web app (seed 002): the office's mentors and mentorships, and on a case its
//! mentorships: the selection that starts one (the criteria of `data/programme/mentoring.toml`),
//! the notes of its sessions (their psychosocial part shown and asked only of users granted that
//! section), and its end. The comparison of mentored and non-mentored returnees is the
//! dashboard's.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use homeward_domain::access::{Permission, Section};
use homeward_domain::mentoring::{
    Mentor, MentoringCatalogue, MentoringSession, MentorshipStart, SelectionAnswer, SelectionCriterion,
};
use homeward_domain::validate::FieldError;
use homeward_service::Services;
use homeward_service::mentoring::{self, MentorView, MentorshipClosing, MentorshipLine, MentorshipView};
use homeward_service::views::CaseView;

use crate::communities::{FormBlock, again, block};
use crate::form_view::read;
use crate::forms::{self, Typed, value};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::{refusal, render};
use crate::session::{Posted, Session};

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/mentoring", get(show))
        .route("/mentors", post(add_mentor))
        .route("/cases/{id}/mentoring", get(of_case).post(start))
        .route("/cases/{id}/mentoring/{mentorship}/sessions", post(add_session))
        .route("/cases/{id}/mentoring/{mentorship}/end", post(end))
}

#[derive(Template)]
#[template(path = "mentoring.html")]
struct MentoringPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    mentors: Vec<MentorView>,
    /// The office's mentorships, for those who may read cases.
    mentorships: Option<Vec<MentorshipLine>>,
    form: Option<FormBlock>,
}

async fn page(state: &Services, session: &Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let caller = &session.caller;
    let mentors = match mentoring::mentors(state, caller).await {
        Ok(m) => m,
        Err(e) => return refusal(t, e),
    };
    let mentorships = if caller.access.may(Permission::ReadCases) {
        match mentoring::mentorships(state, caller).await {
            Ok(m) => Some(m),
            Err(e) => return refusal(t, e),
        }
    } else {
        None
    };
    let form = caller.access.may(Permission::ManageCommunity).then(|| {
        let mut form = block(t, session, "mentor", typed, &errors);
        if typed.is_none()
            && let (Some(office), Some(input)) =
                (&caller.access.office, form.inputs.iter_mut().find(|i| i.name == "office"))
        {
            input.value = office.clone();
        }
        form
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(MentoringPage { t, session, mentors, mentorships, form }, status)
}

/// `GET /mentoring`: the mentors and mentorships of the user's offices.
pub async fn show(State(state): State<Services>, session: Session) -> Response {
    page(&state, &session, None, vec![]).await
}

/// `POST /mentors`: adds a mentor.
pub async fn add_mentor(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let mentor = match read::<Mentor>(forms::named("mentor"), &typed) {
        Ok(m) => m,
        Err(errors) => return page(&state, &session, Some(&typed), errors).await,
    };
    match mentoring::create_mentor(&state, &session.caller, mentor).await {
        Ok(_) => Redirect::to("/mentoring#mentors").into_response(),
        Err(e) => again(e, |errors| page(&state, &session, Some(&typed), errors)).await,
    }
}

/// Which form of a case's mentoring page was sent and refused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sent {
    Nothing,
    Start,
    Session,
    End,
}

#[derive(Template)]
#[template(path = "case_mentoring.html")]
struct CasePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    mentorships: Vec<MentorshipView>,
    /// Mentors of the case's office taking mentees: id and name · place.
    mentors: Vec<(String, String)>,
    criteria: &'static [SelectionCriterion],
    /// What a refused form typed, and which form it was.
    typed: Vec<(String, String)>,
    which: Sent,
    problems: Vec<String>,
    session_form: Option<FormBlock>,
    may_start: bool,
    today: String,
}

impl CasePage<'_> {
    fn typed(&self, name: &str) -> &str {
        if self.which == Sent::Start { value(&self.typed, name) } else { "" }
    }

    fn criterion(&self, id: &str) -> String {
        self.criteria.iter().find(|k| k.id == id).map_or_else(|| id.to_string(), |k| k.text(&self.t.code).to_string())
    }

    fn open(&self) -> Option<&MentorshipView> {
        self.mentorships.iter().find(|m| m.ended_on.is_none())
    }

    fn score(&self, s: &Option<f64>) -> String {
        s.map(|v| self.t.number(&v, 2)).unwrap_or_default()
    }
}

async fn case_page(
    state: &Services,
    session: &Session,
    case_id: &str,
    typed: Option<&Typed>,
    which: Sent,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(state, session, case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let mentorships = match mentoring::of_case(state, &session.caller, case_id).await {
        Ok(m) => m,
        Err(e) => return refusal(t, e),
    };
    let mentors = mentoring::mentors(state, &session.caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.mentor.office == case.office && m.mentor.active)
        .map(|m| (m.id, format!("{} · {}", m.mentor.name, m.mentor.place)))
        .collect();
    let caller = &session.caller;
    let open = case.is_open();
    let may_record = open && caller.access.may(Permission::FollowUp);
    let session_form = may_record.then(|| {
        let none: &[FieldError] = &[];
        let mut form = block(
            t,
            session,
            "mentoring_session",
            typed.filter(|_| which == Sent::Session),
            if which == Sent::Session { &errors } else { none },
        );
        // The psychosocial part is asked only of those who may read it.
        if !caller.access.may_read_section(Section::Psychosocial) {
            form.inputs.retain(|i| i.name != "psychosocial");
        }
        form
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CasePage {
        t,
        session,
        mentorships,
        mentors,
        criteria: &MentoringCatalogue::builtin().criteria,
        typed: typed.map(<[_]>::to_vec).unwrap_or_default(),
        which,
        problems: if which == Sent::Session { vec![] } else { errors.iter().map(|e| t.field_problem(e)).collect() },
        session_form,
        may_start: open && caller.access.may(Permission::Plan),
        today: homeward_store::today().to_string(),
        case,
    };
    render(page, status)
}

/// `GET /cases/{id}/mentoring`: the case's mentorships and their sessions.
pub async fn of_case(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    case_page(&state, &session, &id, None, Sent::Nothing, vec![]).await
}

/// The selection as ticked: every criterion of the catalogue, met when its box is ticked.
fn selection(typed: &Typed) -> Vec<SelectionAnswer> {
    MentoringCatalogue::builtin()
        .criteria
        .iter()
        .map(|k| SelectionAnswer {
            criterion: k.id.clone(),
            met: !value(typed, &format!("met_{}", k.id)).is_empty(),
            note: Some(value(typed, &format!("note_{}", k.id)).trim().to_string()).filter(|n| !n.is_empty()),
        })
        .collect()
}

/// `POST /cases/{id}/mentoring`: starts a mentorship after the selection.
pub async fn start(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let Ok(started_on) = value(&typed, "started_on").parse() else {
        let problem = homeward_domain::problem!("not_a_date", "is not a date (YYYY-MM-DD)");
        return case_page(
            &state,
            &session,
            &id,
            Some(&typed),
            Sent::Start,
            vec![FieldError::of("started_on", problem)],
        )
        .await;
    };
    let s = MentorshipStart { mentor: value(&typed, "mentor").to_string(), started_on, selection: selection(&typed) };
    match mentoring::start(&state, &session.caller, &id, s).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/mentoring")).into_response(),
        Err(e) => again(e, |errors| case_page(&state, &session, &id, Some(&typed), Sent::Start, errors)).await,
    }
}

/// `POST /cases/{id}/mentoring/{mentorship}/sessions`: a session's notes.
pub async fn add_session(
    State(state): State<Services>,
    session: Session,
    Path((id, mentorship)): Path<(String, String)>,
    Posted(typed): Posted,
) -> Response {
    let s = match read::<MentoringSession>(forms::named("mentoring_session"), &typed) {
        Ok(s) => s,
        Err(errors) => return case_page(&state, &session, &id, Some(&typed), Sent::Session, errors).await,
    };
    match mentoring::add_session(&state, &session.caller, &id, &mentorship, s).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/mentoring#sessions")).into_response(),
        Err(e) => again(e, |errors| case_page(&state, &session, &id, Some(&typed), Sent::Session, errors)).await,
    }
}

/// `POST /cases/{id}/mentoring/{mentorship}/end`: ends the mentorship.
pub async fn end(
    State(state): State<Services>,
    session: Session,
    Path((id, mentorship)): Path<(String, String)>,
    Posted(typed): Posted,
) -> Response {
    let Ok(ended_on) = value(&typed, "ended_on").parse() else {
        let problem = homeward_domain::problem!("not_a_date", "is not a date (YYYY-MM-DD)");
        return case_page(&state, &session, &id, Some(&typed), Sent::End, vec![FieldError::of("ended_on", problem)])
            .await;
    };
    let closing = MentorshipClosing {
        version: value(&typed, "version").parse().unwrap_or(0),
        ended_on,
        reason: Some(value(&typed, "reason").trim().to_string()).filter(|r| !r.is_empty()),
    };
    match mentoring::end(&state, &session.caller, &id, &mentorship, closing).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/mentoring")).into_response(),
        Err(e) => again(e, |errors| case_page(&state, &session, &id, Some(&typed), Sent::End, errors)).await,
    }
}
