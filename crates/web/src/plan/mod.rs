//! The reintegration plan builder, after the Annex 3 template: the returnee's plan in their words
//! per dimension, components chosen from the feasibility catalogue (with the grid's criteria as a
//! checklist, kept as feasibility checks), goods with their costs, referrals, baseline scores,
//! participants, then the attestations that agree it. Everything goes through the service's plan
//! operations, so drafting, editing, agreeing, revising and their rules are the API's.
//!
//! The editor is one plain form: each list shows its rows plus blank ones to fill in, and blank
//! rows are dropped when saved, so it works without JavaScript.
mod checklists;
mod editor;
mod print;
pub(crate) use print::print_catalogue;

pub use print::print;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::feasibility::{FeasibilityGrid, Mark};
use homeward_domain::plan::PlanAction;
use homeward_domain::plan_document::{Attestation, Level, Modality, PlanContent};
use homeward_domain::records::{CriterionMark, FeasibilityCheck};
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::plans::{self, PlanDraft, PlanEdit, PlanStep, PlanView};
use homeward_service::records;
use homeward_service::views::CaseView;

use crate::form_view::{Input, general_problems, inputs, read};
use crate::forms::{self, Typed, value};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

use checklists::{changed_checks, check_problems, checklists, typed_checks};
use editor::*;

/// One component row of the editor.
pub struct ComponentRow {
    pub index: usize,
    pub intervention: String,
    pub level: String,
    pub modality: String,
    pub description: String,
    pub beneficiary: String,
    pub needs_referral: bool,
    pub amount: String,
    pub currency: String,
    pub start: String,
    pub end: String,
    /// The community project a community or collective component takes part in (its id).
    pub community_project: String,
}

/// An intervention of the grid, with its criteria and the case's latest check of them.
pub struct Checklist {
    pub intervention: String,
    pub name: String,
    pub criteria: Vec<CheckItem>,
    /// "all criteria met", or how many are not (yet).
    pub summary: Option<String>,
}

pub struct CheckItem {
    pub index: usize,
    pub level: &'static str,
    pub text: String,
    pub mark: String,
    pub justification: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    plan: Option<PlanView>,
    editable: bool,
    may_plan: bool,
    /// The grid's interventions by dimension: (dimension, [(id, name)]).
    catalogue_groups: Vec<(&'static str, Vec<(String, String)>)>,
    levels: Vec<&'static str>,
    modalities: Vec<&'static str>,
    /// The community projects of the case's office still under way: (id, title).
    projects: Vec<(String, String)>,
    marks: Vec<&'static str>,
    components: Vec<ComponentRow>,
    goods: Vec<[String; 3]>,
    referrals: Vec<[String; 2]>,
    participants: Vec<(String, String, bool)>,
    text: BTreeMap<&'static str, String>,
    checklists: Vec<Checklist>,
    attestation: Vec<Input>,
    actions: Vec<&'static str>,
    errors: BTreeMap<String, String>,
    general: Vec<String>,
    /// The goods' total per currency.
    goods_total: Vec<String>,
    grid: std::sync::Arc<FeasibilityGrid>,
}

impl PlanPage<'_> {
    fn returnee_name(&self) -> String {
        case_name(&self.case)
    }

    fn intervention_name(&self, id: &str) -> String {
        intervention_name(&self.grid, id)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    fn text(&self, field: &str) -> &str {
        self.text.get(field).map_or("", String::as_str)
    }
}

const TEXTS: [&str; 9] = [
    "place_of_return",
    "summary.economic",
    "summary.social",
    "summary.psychosocial",
    "expected_improvement",
    "monitoring_schedule",
    "feedback_arrangements",
    "estimated_duration_months",
    "exit_strategy",
];

/// The case's current plan: the latest version.
async fn current(state: &Services, session: &Session, case_id: &str) -> Result<Option<PlanView>, ServiceError> {
    let all = plans::list(state, &session.caller, case_id).await?;
    Ok(all.into_iter().max_by_key(|p| p.plan_version))
}

async fn page(
    state: Services,
    session: Session,
    case_id: String,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
    renamed: BTreeMap<String, String>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let plan = match current(&state, &session, &case_id).await {
        Ok(p) => p,
        Err(e) => return crate::layout::refusal(t, e),
    };
    let checks = records::list::<FeasibilityCheck>(&state, &session.caller, &case_id)
        .await
        .map_or(vec![], |l| l.into_iter().map(|v| v.data).collect::<Vec<_>>());
    let editable = plan.as_ref().is_some_and(|p| p.state == homeward_domain::plan::PlanState::Draft);
    let mut editor = match (typed, &plan) {
        (Some(typed), _) if typed.iter().any(|(k, _)| k == "place_of_return") => editor_from_typed(typed),
        (_, Some(p)) => editor_from_content(&p.content),
        _ => editor_from_content(&PlanContent::default()),
    };
    let grid = state.grid.clone();
    let typed_checks = typed.map_or(vec![], |typed| typed_checks(typed, &grid));
    let lists = checklists(t, &grid, &editor.components, &checks, &typed_checks);
    if editable {
        let next = editor.components.iter().map(|c| c.index + 1).max().unwrap_or(0);
        for index in next..next + BLANK_ROWS {
            editor.components.push(ComponentRow {
                index,
                intervention: String::new(),
                level: "individual".into(),
                modality: "cash".into(),
                description: String::new(),
                beneficiary: String::new(),
                needs_referral: false,
                amount: String::new(),
                currency: String::new(),
                start: String::new(),
                end: String::new(),
                community_project: String::new(),
            });
        }
        editor.goods.extend((0..BLANK_ROWS + 1).map(|_| Default::default()));
        editor.referrals.extend((0..BLANK_ROWS).map(|_| Default::default()));
        editor.participants.extend((0..BLANK_ROWS).map(|_| Default::default()));
    }
    let attestation_form = forms::named("attestation");
    let attestation_typed = typed.filter(|t| t.iter().any(|(k, _)| k == "returnee_name"));
    let field_errors: BTreeMap<String, String> = errors
        .iter()
        .map(|e| (form_field(&e.field, &renamed), t.field_problem(e)))
        .fold(BTreeMap::new(), |mut map, (field, message)| {
            map.entry(field).and_modify(|m: &mut String| *m = format!("{m}; {message}")).or_insert(message);
            map
        });
    // Problems at no input of the editor or the attestation: shown at the top.
    let mut general = general_problems(t, attestation_form, &errors);
    general.retain(|m| !field_errors.iter().any(|(f, fm)| fm == m && (f.contains('[') || TEXTS.contains(&f.as_str()))));
    let catalogue_groups = ["economic", "social", "psychosocial"]
        .into_iter()
        .map(|d| {
            let items = grid
                .interventions
                .iter()
                .filter(|i| i.dimension.name() == d)
                .map(|i| (i.id.clone(), i.name.clone()))
                .collect();
            (d, items)
        })
        .collect();
    let has_errors = !errors.is_empty();
    let projects = if session.caller.access.may(Permission::ReadCommunity) {
        homeward_service::community_projects::list(&state, &session.caller)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.office == case.office && !homeward_domain::community::PROJECT.is_final(p.state))
            .map(|p| (p.id, p.title))
            .collect()
    } else {
        Vec::new()
    };
    let page = PlanPage {
        t,
        session: &session,
        may_plan: session.caller.access.may(Permission::Plan) && case.is_open(),
        actions: plan.as_ref().map_or(vec![], |p| {
            p.allowed_actions.iter().filter(|a| **a != PlanAction::Agree).map(|a| a.name()).collect()
        }),
        attestation: if plan.as_ref().is_some_and(|p| p.allowed_actions.contains(&PlanAction::Agree)) {
            let mut defaults = vec![("returnee_name".to_string(), case_name(&case))];
            defaults.push(("staff_name".into(), session.caller.username.clone()));
            defaults.push(("date".into(), homeward_store::today().to_string()));
            defaults.push(("place".into(), case.office.clone()));
            inputs(t, &session, attestation_form, Some(attestation_typed.unwrap_or(&defaults)), &errors)
        } else {
            vec![]
        },
        case,
        editable,
        catalogue_groups,
        levels: Level::ALL.iter().map(|l| l.name()).collect(),
        projects,
        modalities: Modality::ALL.iter().map(|m| m.name()).collect(),
        marks: Mark::ALL.iter().map(|m| m.name()).collect(),
        goods_total: totals(t, &editor.goods),
        components: editor.components,
        goods: editor.goods,
        referrals: editor.referrals,
        participants: editor.participants,
        text: editor.text,
        checklists: lists,
        plan,
        errors: field_errors,
        general,
        grid,
    };
    render(page, if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK })
}

fn intervention_name(grid: &FeasibilityGrid, id: &str) -> String {
    grid.intervention(id).map_or_else(|| id.to_string(), |i| i.name.clone())
}

fn case_name(case: &CaseView) -> String {
    match (&case.given_name, &case.family_name) {
        (Some(g), Some(f)) => format!("{g} {f}"),
        _ => String::new(),
    }
}

pub async fn show(State(state): State<Services>, session: Session, Path(case_id): Path<String>) -> Response {
    page(state, session, case_id, None, vec![], BTreeMap::new()).await
}

/// Refusals shown on the plan page: problems at their inputs, conflicts at the top.
async fn refused(
    state: Services,
    session: Session,
    case_id: String,
    typed: &Typed,
    e: ServiceError,
    renamed: BTreeMap<String, String>,
) -> Response {
    let errors = match e {
        ServiceError::Invalid(_, fields) => fields,
        ServiceError::Conflict(m, _) | ServiceError::Forbidden(m) => {
            vec![FieldError::new("plan", m)]
        }
        other => return crate::layout::failure(other),
    };
    page(state, session, case_id, Some(typed), errors, renamed).await
}

/// Starts a draft (an empty plan, written in the editor next).
pub async fn start(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let draft = PlanDraft { content: PlanContent::default() };
    match plans::draft(&state, &session.caller, &case_id, draft).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/plan")).into_response(),
        Err(e) => refused(state, session, case_id, &typed, e, BTreeMap::new()).await,
    }
}

/// Saves the draft from the editor.
pub async fn save(
    State(state): State<Services>,
    session: Session,
    Path((case_id, plan_id)): Path<(String, String)>,
    Posted(typed): Posted,
) -> Response {
    // Adding or removing a component changes the form, not the plan: shown again with every
    // value kept (and a new blank row, or without the row), nothing saved yet.
    match value(&typed, "go") {
        "add_component" => return page(state, session, case_id, Some(&typed), vec![], BTreeMap::new()).await,
        go if go.starts_with("remove-") => {
            let prefix = format!("components[{}].", go.trim_start_matches("remove-"));
            let kept: Vec<(String, String)> =
                typed.iter().filter(|(k, _)| !k.starts_with(&prefix) && k != "go").cloned().collect();
            return page(state, session, case_id, Some(&kept), vec![], BTreeMap::new()).await;
        }
        _ => {}
    }
    let (json, renamed) = content_json(&editor_from_typed(&typed), &state.grid);
    let content = match homeward_service::input::from_json_value::<PlanContent>(json) {
        Ok(c) => c,
        Err(e) => return refused(state, session, case_id, &typed, e, renamed).await,
    };
    // The checklists are part of the form: checked before anything is saved, so a refusal of
    // either keeps both as typed; recorded (as feasibility checks) once the plan is saved.
    let stored = records::list::<FeasibilityCheck>(&state, &session.caller, &case_id)
        .await
        .map_or(vec![], |l| l.into_iter().map(|v| v.data).collect::<Vec<_>>());
    let checks = changed_checks(typed_checks(&typed, &state.grid), &stored);
    let problems: Vec<FieldError> = checks.iter().flat_map(|(prefix, check)| check_problems(prefix, check)).collect();
    if !problems.is_empty() {
        return page(state, session, case_id, Some(&typed), problems, renamed).await;
    }
    let edit = PlanEdit { version: value(&typed, "version").parse().unwrap_or(0), content };
    if let Err(e) = plans::edit(&state, &session.caller, &case_id, &plan_id, edit).await {
        return refused(state, session, case_id, &typed, e, renamed).await;
    }
    for (_, check) in checks {
        if let Err(e) = records::create::<FeasibilityCheck>(&state, &session.caller, &case_id, check).await {
            return refused(state, session, case_id, &typed, e, renamed).await;
        }
    }
    Redirect::to(&format!("/cases/{case_id}/plan#components")).into_response()
}

/// Agrees the plan with the attestation, or moves it (activate, revise, complete, abandon).
pub async fn step(
    State(state): State<Services>,
    session: Session,
    Path((case_id, plan_id)): Path<(String, String)>,
    Posted(typed): Posted,
) -> Response {
    let Some(action) = PlanAction::from_name(value(&typed, "action")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let attestation = if action == PlanAction::Agree {
        match read::<Attestation>(forms::named("attestation"), &typed) {
            Ok(a) => Some(a),
            Err(errors) => return page(state, session, case_id, Some(&typed), errors, BTreeMap::new()).await,
        }
    } else {
        None
    };
    let step = PlanStep { action, version: value(&typed, "version").parse().unwrap_or(0), attestation };
    match plans::transition(&state, &session.caller, &case_id, &plan_id, step).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/plan")).into_response(),
        Err(ServiceError::Invalid(m, fields)) => {
            // The attestation's problems are named `attestation.x`; the form names them `x`.
            let fields = fields
                .into_iter()
                .map(|e| FieldError {
                    field: e.field.strip_prefix("attestation.").unwrap_or(&e.field).to_string(),
                    ..e
                })
                .collect();
            refused(state, session, case_id, &typed, ServiceError::Invalid(m, fields), BTreeMap::new()).await
        }
        Err(e) => refused(state, session, case_id, &typed, e, BTreeMap::new()).await,
    }
}

/// Records the checklist of one intervention as a feasibility check: every criterion marked,
/// with a reason for each not met.
pub async fn check(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let intervention = value(&typed, "intervention").to_string();
    let count = state.grid.intervention(&intervention).map_or(0, |i| i.criteria.len());
    let marks = (0..count)
        .map(|i| CriterionMark {
            mark: Mark::from_name(value(&typed, &format!("mark{i}"))).unwrap_or(Mark::Unknown),
            justification: value(&typed, &format!("why{i}")).trim().to_string(),
        })
        .collect();
    let check = FeasibilityCheck { date: homeward_store::today(), intervention, marks };
    let problems = check_problems("", &check);
    if !problems.is_empty() {
        return page(state, session, case_id, Some(&typed), problems, BTreeMap::new()).await;
    }
    match records::create::<FeasibilityCheck>(&state, &session.caller, &case_id, check).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/plan#checklists")).into_response(),
        Err(e) => refused(state, session, case_id, &typed, e, BTreeMap::new()).await,
    }
}
