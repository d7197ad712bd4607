//! The structural level in the web app: an office's coordination agreements (with those the user
//! must renew first) and its capacity-building activities, each activity with its participants
//! from the stakeholder map and their questionnaires before and after. Pages print as sheets.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::structures::{
    Agreement, AnswerKind, CapacityActivity, Moment, Question, Questionnaire, StructuresCatalogue,
};
use homeward_domain::validate::FieldError;
use homeward_service::Services;
use homeward_service::agreements::{self, AgreementCorrection, AgreementView};
use homeward_service::capacity::{self, ActivityView, NewActivityParticipant};
use homeward_service::providers::{self, ProviderQuery};
use homeward_service::stakeholders::{self, StakeholderView};

use crate::communities::{FormBlock, again, block};
use crate::form_view::read;
use crate::forms::{self, Typed, value};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::{refusal, render};
use crate::session::{Posted, Session};

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/structures", get(show))
        .route("/agreements", post(add_agreement))
        .route("/agreements/{id}", get(agreement).post(edit_agreement))
        .route("/capacity-activities", post(add_activity))
        .route("/capacity-activities/{id}", get(activity))
        .route("/capacity-activities/{id}/participants", post(add_participant))
        .route("/capacity-activities/{id}/questionnaires", post(answer))
}

#[derive(Template)]
#[template(path = "structures.html")]
struct StructuresPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    agreements: Vec<AgreementView>,
    activities: Vec<ActivityView>,
    agreement_form: Option<FormBlock>,
    activity_form: Option<FormBlock>,
}

impl StructuresPage<'_> {
    fn support(&self, id: &str) -> String {
        support_text(self.t, id)
    }

    /// The agreements the user is responsible for that need renewing.
    fn to_renew(&self) -> Vec<&AgreementView> {
        self.agreements
            .iter()
            .filter(|a| a.needs_renewal && a.agreement.responsible == self.session.caller.username)
            .collect()
    }
}

fn support_text(t: &Catalogue, id: &str) -> String {
    StructuresCatalogue::builtin().support(id).map_or_else(|| id.to_string(), |s| s.text(&t.code).to_string())
}

/// The agreement form, its provider chosen from the directory (a data-sharing agreement names
/// one); for a user who may not read the directory, without it.
async fn agreement_block(
    state: &Services,
    session: &Session,
    typed: Option<&Typed>,
    errors: &[FieldError],
) -> FormBlock {
    let t = catalogue(&session.caller.language);
    let mut form = block(t, session, "agreement", typed, errors);
    let query = ProviderQuery { country: None, place: None, service: None, dimension: None };
    match providers::list(state, &session.caller, query).await {
        Ok(directory) => {
            if let Some(input) = form.inputs.iter_mut().find(|i| i.name == "provider") {
                input.label = t.get("agreement_provider").to_string();
                input.kind = "choice";
                input.options = directory
                    .into_iter()
                    .map(|p| (p.id, format!("{} · {}", p.data.organisation, p.data.place)))
                    .collect();
            }
        }
        Err(_) => form.inputs.retain(|i| i.name != "provider"),
    }
    if typed.is_none()
        && let (Some(office), Some(input)) =
            (&session.caller.access.office, form.inputs.iter_mut().find(|i| i.name == "office"))
    {
        input.value = office.clone();
    }
    form
}

/// Which of the page's two forms was sent and refused (its typing and problems go back to it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sent {
    Nothing,
    Agreement,
    Activity,
}

async fn page(
    state: &Services,
    session: &Session,
    typed: Option<&Typed>,
    which: Sent,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let caller = &session.caller;
    let (agreements, activities) = match (agreements::list(state, caller).await, capacity::list(state, caller).await) {
        (Ok(a), Ok(c)) => (a, c),
        (Err(e), _) | (_, Err(e)) => return refusal(t, e),
    };
    let may = caller.access.may(Permission::ManageCommunity);
    let none: &[FieldError] = &[];
    let (agreement_errors, activity_errors) =
        if which == Sent::Agreement { (&errors[..], none) } else { (none, &errors[..]) };
    let agreement_form = if may {
        Some(agreement_block(state, session, typed.filter(|_| which == Sent::Agreement), agreement_errors).await)
    } else {
        None
    };
    let activity_form = may.then(|| {
        let mut form =
            block(t, session, "capacity_activity", typed.filter(|_| which == Sent::Activity), activity_errors);
        // The agreement's form above has a title and an office too.
        crate::form_view::prefixed(&mut form.inputs, "activity-");
        if which != Sent::Activity
            && let (Some(office), Some(input)) =
                (&caller.access.office, form.inputs.iter_mut().find(|i| i.name == "office"))
        {
            input.value = office.clone();
        }
        form
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(StructuresPage { t, session, agreements, activities, agreement_form, activity_form }, status)
}

/// `GET /structures`: the office's agreements and capacity-building activities.
pub async fn show(State(state): State<Services>, session: Session) -> Response {
    page(&state, &session, None, Sent::Nothing, vec![]).await
}

/// `POST /agreements`: records an agreement.
pub async fn add_agreement(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let agreement = match read::<Agreement>(forms::named("agreement"), &typed) {
        Ok(a) => a,
        Err(errors) => return page(&state, &session, Some(&typed), Sent::Agreement, errors).await,
    };
    match agreements::create(&state, &session.caller, agreement).await {
        Ok(a) => Redirect::to(&format!("/agreements/{}", a.id)).into_response(),
        Err(e) => again(e, |errors| page(&state, &session, Some(&typed), Sent::Agreement, errors)).await,
    }
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    view: AgreementView,
    form: Option<FormBlock>,
}

async fn agreement_page(
    state: &Services,
    session: &Session,
    id: &str,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let view = match agreements::read(state, &session.caller, id).await {
        Ok(v) => v,
        Err(e) => return refusal(t, e),
    };
    let form = if session.caller.access.may(Permission::ManageCommunity) {
        let stored = forms::typed_from_json(
            forms::named("agreement"),
            &serde_json::to_value(&view.agreement).unwrap_or_default(),
        );
        Some(agreement_block(state, session, Some(typed.unwrap_or(&stored)), &errors).await)
    } else {
        None
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(AgreementPage { t, session, view, form }, status)
}

/// `GET /agreements/{id}`: an agreement, where it stands, and its form to correct or renew it.
pub async fn agreement(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    agreement_page(&state, &session, &id, None, vec![]).await
}

/// `POST /agreements/{id}`: corrects or renews it, with the version the form was read at.
pub async fn edit_agreement(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let agreement = match read::<Agreement>(forms::named("agreement"), &typed) {
        Ok(a) => a,
        Err(errors) => return agreement_page(&state, &session, &id, Some(&typed), errors).await,
    };
    let version = value(&typed, "version").parse().unwrap_or(0);
    match agreements::update(&state, &session.caller, &id, AgreementCorrection { version, agreement }).await {
        Ok(_) => Redirect::to(&format!("/agreements/{id}")).into_response(),
        Err(e) => again(e, |errors| agreement_page(&state, &session, &id, Some(&typed), errors)).await,
    }
}

/// `POST /capacity-activities`: records an activity.
pub async fn add_activity(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let activity = match read::<CapacityActivity>(forms::named("capacity_activity"), &typed) {
        Ok(a) => a,
        Err(errors) => return page(&state, &session, Some(&typed), Sent::Activity, errors).await,
    };
    match capacity::create(&state, &session.caller, activity).await {
        Ok(a) => Redirect::to(&format!("/capacity-activities/{}", a.id)).into_response(),
        Err(e) => again(e, |errors| page(&state, &session, Some(&typed), Sent::Activity, errors)).await,
    }
}

#[derive(Template)]
#[template(path = "capacity_activity.html")]
struct ActivityPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    view: ActivityView,
    support: String,
    /// Stakeholders of the office's map not yet taking part: id and name.
    others: Vec<(String, String)>,
    questions: Vec<&'static Question>,
    /// What the questionnaire form typed, when refused.
    typed: Vec<(String, String)>,
    problems: Vec<String>,
    may_manage: bool,
}

impl ActivityPage<'_> {
    fn question(&self, id: &str) -> String {
        self.questions.iter().find(|q| q.id == id).map_or_else(|| id.to_string(), |q| q.text(&self.t.code).to_string())
    }

    fn typed(&self, name: &str) -> &str {
        value(&self.typed, name)
    }

    fn scale(&self, q: &Question) -> bool {
        q.answer == AnswerKind::Scale
    }

    fn mean(&self, m: &Option<f64>) -> String {
        m.map(|v| self.t.number(&v, 1)).unwrap_or_default()
    }

    /// A participant's answers at a moment, in words.
    fn answers(&self, q: &Option<Questionnaire>) -> String {
        let Some(q) = q else { return String::new() };
        let mut parts: Vec<String> = q.ratings.iter().map(|(k, v)| format!("{}: {v}", self.question(k))).collect();
        parts.extend(
            q.yes_no
                .iter()
                .map(|(k, v)| format!("{}: {}", self.question(k), self.t.get(if *v { "yes" } else { "no" }))),
        );
        format!("{} · {}", self.t.date(&q.answered_on), parts.join(" · "))
    }
}

async fn activity_page(
    state: &Services,
    session: &Session,
    id: &str,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let view = match capacity::read(state, &session.caller, id).await {
        Ok(v) => v,
        Err(e) => return refusal(t, e),
    };
    let map: Vec<StakeholderView> = stakeholders::list(state, &session.caller).await.unwrap_or_default();
    let others = map
        .into_iter()
        .filter(|s| {
            s.stakeholder.office == view.activity.office && !view.participants.iter().any(|p| p.stakeholder_id == s.id)
        })
        .map(|s| (s.id, s.stakeholder.name))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ActivityPage {
        t,
        session,
        support: support_text(t, &view.activity.support),
        view,
        others,
        questions: StructuresCatalogue::builtin().questions.iter().collect(),
        typed: typed.map(<[_]>::to_vec).unwrap_or_default(),
        problems: errors.iter().map(|e| t.field_problem(e)).collect(),
        may_manage: session.caller.access.may(Permission::ManageCommunity),
    };
    render(page, status)
}

/// `GET /capacity-activities/{id}`: an activity, its participants and their questionnaires.
pub async fn activity(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    activity_page(&state, &session, &id, None, vec![]).await
}

/// `POST /capacity-activities/{id}/participants`: a stakeholder of the map takes part.
pub async fn add_participant(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let p = NewActivityParticipant { stakeholder: value(&typed, "stakeholder").trim().to_string() };
    match capacity::add_participant(&state, &session.caller, &id, p).await {
        Ok(_) => Redirect::to(&format!("/capacity-activities/{id}#participants")).into_response(),
        Err(e) => again(e, |errors| activity_page(&state, &session, &id, None, errors)).await,
    }
}

/// The questionnaire as typed: each question of the catalogue asked at the moment chosen, a
/// rating `q_<id>` of 1 to 5 or a `yes`/`no`. What cannot be read is named by its question.
fn questionnaire(typed: &Typed) -> Result<(String, Questionnaire), Vec<FieldError>> {
    let mut errors = vec![];
    let moment = Moment::from_name(value(typed, "moment")).unwrap_or_else(|| {
        errors.push(FieldError::of("moment", homeward_domain::problem!("required", "is required")));
        Moment::Pre
    });
    let answered_on = value(typed, "answered_on").parse().unwrap_or_else(|_| {
        errors
            .push(FieldError::of("answered_on", homeward_domain::problem!("not_a_date", "is not a date (YYYY-MM-DD)")));
        chrono::NaiveDate::MIN
    });
    let mut q = Questionnaire {
        moment,
        answered_on,
        respondent: Some(value(typed, "respondent").trim().to_string()).filter(|r| !r.is_empty()),
        ratings: Default::default(),
        yes_no: Default::default(),
    };
    for question in StructuresCatalogue::builtin().asked(moment) {
        let text = value(typed, &format!("q_{}", question.id)).trim();
        match (question.answer, text) {
            (_, "") => {}
            (AnswerKind::Scale, t) => match t.parse::<u8>() {
                Ok(r) => {
                    q.ratings.insert(question.id.clone(), r);
                }
                Err(_) => errors.push(FieldError::of(
                    format!("ratings.{}", question.id),
                    homeward_domain::problem!("between", "must be between {min} and {max}", min = 1, max = 5),
                )),
            },
            (AnswerKind::YesNo, t) => {
                q.yes_no.insert(question.id.clone(), t == "yes");
            }
        }
    }
    if errors.is_empty() { Ok((value(typed, "stakeholder").trim().to_string(), q)) } else { Err(errors) }
}

/// `POST /capacity-activities/{id}/questionnaires`: a participant's answers before or after.
pub async fn answer(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let (stakeholder, q) = match questionnaire(&typed) {
        Ok(read) => read,
        Err(errors) => return activity_page(&state, &session, &id, Some(&typed), errors).await,
    };
    match capacity::answer(&state, &session.caller, &id, &stakeholder, q).await {
        Ok(_) => Redirect::to(&format!("/capacity-activities/{id}#results")).into_response(),
        Err(homeward_service::ServiceError::NotFound) => {
            let problem = homeward_domain::problem!("not_a_participant", "choose a stakeholder taking part");
            activity_page(&state, &session, &id, Some(&typed), vec![FieldError::of("stakeholder", problem)]).await
        }
        Err(e) => again(e, |errors| activity_page(&state, &session, &id, Some(&typed), errors)).await,
    }
}
