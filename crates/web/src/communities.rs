//! The community level in the web app: the communities of the user's offices with their profiles
//! and returnees, and community-based projects: proposed from a community's page, screened
//! against Table 3.2 criterion by criterion, approved (with a justification when a negative
//! criterion is met), run and closed, with their participants and ledger. Every form is read as
//! the API reads its body and every problem is shown at its field, in the user's language.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::community::{
    CommunityProfile, CriterionAnswer, CriterionKind, LedgerLine, NewParticipant, ParticipantKind, ProjectAction,
    ProjectCatalogue, ProjectProposal, ProjectState, Screening,
};
use homeward_domain::validate::FieldError;
use homeward_service::communities::{self, CommunityView};
use homeward_service::community_projects::{self as projects, Ledger, Participants, ProjectView};
use homeward_service::{ServiceError, Services};

use crate::form_view::{Input, general_problems, inputs, problems, read};
use crate::forms::{self, Typed, value};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::{refusal, render};
use crate::session::{Posted, Session};

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/communities", get(list).post(create))
        .route("/communities/{id}", get(show))
        .route("/communities/{id}/projects", post(propose))
        .route("/community-projects/{id}", get(project))
        .route("/community-projects/{id}/screening", post(screen))
        .route("/community-projects/{id}/moves", post(step))
        .route("/community-projects/{id}/participants", post(add_participant))
        .route("/community-projects/{id}/ledger", post(add_line))
        .route("/community-projects/{id}/satisfaction", post(add_answer))
}

#[derive(Template)]
#[template(path = "communities.html")]
struct ListPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    communities: Vec<CommunityView>,
    projects: Vec<ProjectView>,
    /// The form that records a community, for those who may.
    form: Option<FormBlock>,
}

/// A form of `data/forms` as a page shows it: its inputs, its problems that belong to no input.
pub(crate) struct FormBlock {
    pub inputs: Vec<Input>,
    pub general: Vec<String>,
    pub has_errors: bool,
}

/// The form `name` as a page shows it, options of catalogues labelled in the user's language.
pub(crate) fn block(
    t: &Catalogue,
    session: &Session,
    name: &str,
    typed: Option<&Typed>,
    errors: &[FieldError],
) -> FormBlock {
    let def = forms::named(name);
    let mut inputs = inputs(t, session, def, typed, errors);
    // The project's approach and activity are labelled from their catalogue, in the user's language.
    let catalogue = ProjectCatalogue::builtin();
    let structures = homeward_domain::structures::StructuresCatalogue::builtin();
    for input in &mut inputs {
        for (code, label) in &mut input.options {
            let text = match input.name.as_str() {
                "approach" => catalogue.approach(code).map(|e| e.text(&t.code)),
                "activity" => catalogue.activity(code).map(|e| e.text(&t.code)),
                "support" => structures.support(code).map(|e| e.text(&t.code)),
                _ => None,
            };
            if let Some(text) = text {
                *label = text.to_string();
            }
        }
    }
    FormBlock { general: general_problems(t, def, errors), has_errors: !errors.is_empty(), inputs }
}

impl ListPage<'_> {
    fn community_name(&self, id: &str) -> String {
        self.communities.iter().find(|c| c.id == id).map(|c| c.profile.name.clone()).unwrap_or_default()
    }
}

async fn list_page(state: &Services, session: &Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let (communities, projects) =
        match (communities::list(state, &session.caller).await, projects::list(state, &session.caller).await) {
            (Ok(c), Ok(p)) => (c, p),
            (Err(e), _) | (_, Err(e)) => return refusal(t, e),
        };
    let form = session.caller.access.may(Permission::ManageCommunity).then(|| {
        let mut form = block(t, session, "community", typed, &errors);
        if typed.is_none()
            && let (Some(office), Some(input)) =
                (&session.caller.access.office, form.inputs.iter_mut().find(|i| i.name == "office"))
        {
            input.value = office.clone();
        }
        form
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(ListPage { t, session, communities, projects, form }, status)
}

/// `GET /communities`: the communities and projects of the user's offices.
pub async fn list(State(state): State<Services>, session: Session) -> Response {
    list_page(&state, &session, None, vec![]).await
}

/// `POST /communities`: records a community's profile.
pub async fn create(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let profile = match read::<CommunityProfile>(forms::named("community"), &typed) {
        Ok(p) => p,
        Err(errors) => return list_page(&state, &session, Some(&typed), errors).await,
    };
    match communities::create(&state, &session.caller, profile).await {
        Ok(c) => Redirect::to(&format!("/communities/{}", c.id)).into_response(),
        Err(e) => again(e, |errors| list_page(&state, &session, Some(&typed), errors)).await,
    }
}

/// Shows a form again with the service's problems at their fields; other refusals as pages.
pub(crate) async fn again<F, Fut>(e: ServiceError, page: F) -> Response
where
    F: FnOnce(Vec<FieldError>) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    match e {
        ServiceError::Forbidden(why) => page(vec![FieldError::new("", why)]).await,
        ServiceError::Conflict(why, _) => page(vec![FieldError::new("", why)]).await,
        e => match problems(e) {
            Some(errors) => page(errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    community: CommunityView,
    /// The profile's parts, labelled, in the order of Table 3.1.
    facts: Vec<(String, String)>,
    projects: Vec<ProjectView>,
    form: Option<FormBlock>,
}

async fn community_page(
    state: &Services,
    session: &Session,
    id: &str,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let community = match communities::read(state, &session.caller, id).await {
        Ok(c) => c,
        Err(e) => return refusal(t, e),
    };
    let projects = projects::list(state, &session.caller).await.unwrap_or_default();
    let projects = projects.into_iter().filter(|p| p.community_id == community.id).collect();
    let p = &community.profile;
    let mut facts = vec![
        (t.get("f_office").to_string(), p.office.clone()),
        (t.get("f_country").to_string(), format!("{} ({})", p.country.name(), p.country)),
    ];
    let optional = [
        ("province", p.province.clone()),
        ("population", p.population.map(|n| n.to_string())),
        ("sociodemographics", p.sociodemographics.clone()),
        ("migration_drivers", p.migration_drivers.clone()),
        ("resources_and_services", p.resources_and_services.clone()),
        ("labour_market", p.labour_market.clone()),
        ("perception_of_returnees", p.perception_of_returnees.clone()),
        ("social_inclusion", p.social_inclusion.clone()),
        ("tension_indicators", p.tension_indicators.clone()),
        ("sources", Some(p.sources.clone())),
        ("assessed_on", Some(t.date(&p.assessed_on))),
    ];
    for (key, value) in optional {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            facts.push((t.get(&format!("f_{key}")).to_string(), v));
        }
    }
    let form = session
        .caller
        .access
        .may(Permission::ManageCommunity)
        .then(|| block(t, session, "community_project", typed, &errors));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(CommunityPage { t, session, community, facts, projects, form }, status)
}

/// `GET /communities/{id}`: a community's profile, its returnees and its projects.
pub async fn show(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    community_page(&state, &session, &id, None, vec![]).await
}

/// `POST /communities/{id}/projects`: proposes a project in the community.
pub async fn propose(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let mut with_community = typed.clone();
    with_community.push(("community_id".into(), id.clone()));
    let proposal = match read_with_community(&with_community) {
        Ok(p) => p,
        Err(errors) => return community_page(&state, &session, &id, Some(&typed), errors).await,
    };
    match projects::propose(&state, &session.caller, proposal).await {
        Ok(p) => Redirect::to(&format!("/community-projects/{}", p.id)).into_response(),
        Err(e) => again(e, |errors| community_page(&state, &session, &id, Some(&typed), errors)).await,
    }
}

/// The proposal form read with the community it was sent from.
fn read_with_community(typed: &Typed) -> Result<ProjectProposal, Vec<FieldError>> {
    let def = forms::named("community_project");
    let mut json = def.to_json(typed)?;
    json["community_id"] = value(typed, "community_id").into();
    homeward_service::input::from_json_value::<ProjectProposal>(json)
        .map_err(|e| problems(e).unwrap_or_else(|| vec![FieldError::new("form", "the form could not be read")]))
}

#[derive(Template)]
#[template(path = "community_project.html")]
struct ProjectPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    project: ProjectView,
    community: String,
    approach: String,
    activity: String,
    /// Each criterion of Table 3.2: id, text, negative or not, met, reason (as screened or typed).
    criteria: Vec<(String, String, bool, bool, String)>,
    participants: Participants,
    /// Returnees of the community who are not yet taking part: case id and name.
    returnees: Vec<(String, String)>,
    ledger: Ledger,
    satisfaction: projects::Satisfaction,
    member_form: Option<FormBlock>,
    ledger_form: Option<FormBlock>,
    /// Once the project runs: the satisfaction survey's form.
    satisfaction_form: Option<FormBlock>,
    /// Problems of the screening, the moves or a participant, said above the forms.
    problems: Vec<String>,
    may_manage: bool,
}

impl ProjectPage<'_> {
    fn may(&self, action: &str) -> bool {
        self.may_manage && self.project.allowed_actions.iter().any(|a| a.name() == action)
    }
}

/// What a refused form of the project page says, and which form's typing to show again.
#[derive(Default)]
struct Again<'a> {
    screening: Option<&'a Typed>,
    member: Option<&'a Typed>,
    ledger: Option<&'a Typed>,
    satisfaction: Option<&'a Typed>,
    errors: Vec<FieldError>,
}

async fn project_page(state: &Services, session: &Session, id: &str, again: Again<'_>) -> Response {
    let t = catalogue(&session.caller.language);
    let caller = &session.caller;
    let (project, participants, ledger, satisfaction) = match (
        projects::read(state, caller, id).await,
        projects::participants(state, caller, id).await,
        projects::ledger(state, caller, id).await,
        projects::satisfaction(state, caller, id).await,
    ) {
        (Ok(p), Ok(people), Ok(l), Ok(s)) => (p, people, l, s),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return refusal(t, e),
    };
    let community = communities::read(state, caller, &project.community_id).await.ok();
    let catalogue = ProjectCatalogue::builtin();
    let criteria = catalogue
        .criteria
        .iter()
        .map(|c| {
            let screened = project.screening.as_ref().and_then(|s| s.answers.iter().find(|a| a.criterion == c.id));
            let (met, reason) = match again.screening {
                Some(typed) => (
                    !value(typed, &format!("met_{}", c.id)).is_empty(),
                    value(typed, &format!("reason_{}", c.id)).to_string(),
                ),
                None => (screened.is_some_and(|a| a.met), screened.map(|a| a.reason.clone()).unwrap_or_default()),
            };
            (c.id.clone(), c.text(&t.code).to_string(), c.kind == Some(CriterionKind::Negative), met, reason)
        })
        .collect();
    let taking_part: Vec<&str> = participants.participants.iter().filter_map(|p| p.case_id.as_deref()).collect();
    let returnees = community
        .as_ref()
        .map(|c| {
            c.returnees
                .iter()
                .filter(|r| !taking_part.contains(&r.case_id.as_str()))
                .map(|r| (r.case_id.clone(), format!("{} · {}", r.case_number, r.name)))
                .collect()
        })
        .unwrap_or_default();
    let may_manage = caller.access.may(Permission::ManageCommunity);
    let open = !matches!(project.state, ProjectState::Completed | ProjectState::Abandoned);
    let errors = &again.errors;
    let page = ProjectPage {
        t,
        session,
        community: community.map(|c| c.profile.name).unwrap_or_default(),
        approach: catalogue.approach(&project.approach).map(|e| e.text(&t.code).to_string()).unwrap_or_default(),
        activity: catalogue.activity(&project.activity).map(|e| e.text(&t.code).to_string()).unwrap_or_default(),
        criteria,
        participants,
        returnees,
        ledger,
        member_form: (may_manage && open).then(|| block(t, session, "project_member", again.member, errors)),
        ledger_form: (may_manage && open).then(|| block(t, session, "project_ledger", again.ledger, errors)),
        satisfaction_form: (may_manage && project.started_on.is_some())
            .then(|| block(t, session, "project_satisfaction", again.satisfaction, errors)),
        satisfaction,
        problems: if again.member.is_some() || again.ledger.is_some() || again.satisfaction.is_some() {
            Vec::new()
        } else {
            errors.iter().map(|e| t.field_problem(e)).collect()
        },
        may_manage,
        project,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(page, status)
}

/// `GET /community-projects/{id}`: a project, its screening, its people and its money.
pub async fn project(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    project_page(&state, &session, &id, Again::default()).await
}

/// `POST /community-projects/{id}/screening`: each criterion ticked if met, with its reason.
pub async fn screen(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let answers = ProjectCatalogue::builtin()
        .criteria
        .iter()
        .map(|c| CriterionAnswer {
            criterion: c.id.clone(),
            met: !value(&typed, &format!("met_{}", c.id)).is_empty(),
            reason: value(&typed, &format!("reason_{}", c.id)).trim().to_string(),
        })
        .collect();
    let input = projects::ScreeningInput {
        version: value(&typed, "version").parse().unwrap_or(0),
        screening: Screening { answers },
    };
    match projects::screen(&state, &session.caller, &id, input).await {
        Ok(_) => Redirect::to(&format!("/community-projects/{id}")).into_response(),
        Err(e) => {
            again(e, |errors| {
                project_page(&state, &session, &id, Again { screening: Some(&typed), errors, ..Again::default() })
            })
            .await
        }
    }
}

/// `POST /community-projects/{id}/moves`: approve (with a justification if need be), start,
/// complete or abandon.
pub async fn step(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let t = catalogue(&session.caller.language);
    let Some(action) = ProjectAction::from_name(value(&typed, "action")) else {
        return refusal(t, ServiceError::NotFound);
    };
    let justification = Some(value(&typed, "justification").trim().to_string()).filter(|j| !j.is_empty());
    let step = projects::ProjectStep {
        action,
        version: value(&typed, "version").parse().unwrap_or(0),
        justification,
        on: value(&typed, "on").parse().ok(),
    };
    match projects::step(&state, &session.caller, &id, step).await {
        Ok(_) => Redirect::to(&format!("/community-projects/{id}")).into_response(),
        Err(e) => again(e, |errors| project_page(&state, &session, &id, Again { errors, ..Again::default() })).await,
    }
}

/// `POST /community-projects/{id}/participants`: a returnee of the community by their case, or a
/// member of the community from the form.
pub async fn add_participant(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let case_id = value(&typed, "case_id").trim().to_string();
    let participant = if case_id.is_empty() {
        let mut member = match read::<serde_json::Value>(forms::named("project_member"), &typed) {
            Ok(v) => v,
            Err(errors) => {
                return project_page(&state, &session, &id, Again { member: Some(&typed), errors, ..Again::default() })
                    .await;
            }
        };
        member["kind"] = ParticipantKind::CommunityMember.name().into();
        homeward_service::input::from_json_value::<NewParticipant>(member)
    } else {
        let returnee = serde_json::json!({"kind": ParticipantKind::Returnee.name(), "case_id": case_id,
            "role": value(&typed, "returnee_role").trim(), "joined_on": homeward_store::today()});
        homeward_service::input::from_json_value::<NewParticipant>(returnee)
    };
    let result = match participant {
        Ok(p) => projects::add_participant(&state, &session.caller, &id, p).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/community-projects/{id}#participants")).into_response(),
        Err(e) => {
            let member = case_id.is_empty().then_some(typed.as_slice());
            again(e, |errors| project_page(&state, &session, &id, Again { member, errors, ..Again::default() })).await
        }
    }
}

/// `POST /community-projects/{id}/ledger`: a line planned or spent.
pub async fn add_line(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let line = match read::<LedgerLine>(forms::named("project_ledger"), &typed) {
        Ok(l) => l,
        Err(errors) => {
            return project_page(&state, &session, &id, Again { ledger: Some(&typed), errors, ..Again::default() })
                .await;
        }
    };
    match projects::add_ledger_line(&state, &session.caller, &id, line).await {
        Ok(_) => Redirect::to(&format!("/community-projects/{id}#ledger")).into_response(),
        Err(e) => {
            again(e, |errors| {
                project_page(&state, &session, &id, Again { ledger: Some(&typed), errors, ..Again::default() })
            })
            .await
        }
    }
}

/// `POST /community-projects/{id}/satisfaction`: an answer to the participant satisfaction survey.
pub async fn add_answer(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let answer =
        match read::<homeward_domain::community::SatisfactionAnswer>(forms::named("project_satisfaction"), &typed) {
            Ok(a) => a,
            Err(errors) => {
                let again = Again { satisfaction: Some(&typed), errors, ..Again::default() };
                return project_page(&state, &session, &id, again).await;
            }
        };
    match projects::record_satisfaction(&state, &session.caller, &id, answer).await {
        Ok(_) => Redirect::to(&format!("/community-projects/{id}#satisfaction")).into_response(),
        Err(e) => {
            again(e, |errors| {
                project_page(&state, &session, &id, Again { satisfaction: Some(&typed), errors, ..Again::default() })
            })
            .await
        }
    }
}
