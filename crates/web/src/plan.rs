//! The reintegration plan builder, after the Annex 3 template: the returnee's plan in their words
//! per dimension, components chosen from the feasibility catalogue (with the grid's criteria as a
//! checklist, kept as feasibility checks), goods with their costs, referrals, baseline scores,
//! participants, then the attestations that agree it. Everything goes through the API's plan
//! handlers, so drafting, editing, agreeing, revising and their rules are the API's.
//!
//! The editor is one plain form: each list shows its rows plus blank ones to fill in, and blank
//! rows are dropped when saved, so it works without JavaScript.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::feasibility::{FeasibilityGrid, Intervention, Mark};
use homeward_domain::plan::PlanAction;
use homeward_domain::plan_document::{Attestation, Level, Modality, PlanContent};
use homeward_domain::records::{CriterionMark, FeasibilityCheck};
use homeward_domain::reference::{Currency, Money};
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::plans::{self, PlanDraft, PlanEdit, PlanStep, PlanView};
use homeward_service::records;
use homeward_service::views::CaseView;
use serde_json::{Value, json};

use crate::form_view::{Input, general_problems, inputs, read};
use crate::forms::{self, Typed, value};
use crate::i18n::{Catalogue, catalogue};
use crate::pages::{MessagePage, render};
use crate::session::{Posted, Session};

/// Blank rows offered under each list.
const BLANK_ROWS: usize = 1;

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

/// What the editor holds: what was typed when a save was refused, else the plan's content.
struct Editor {
    components: Vec<ComponentRow>,
    goods: Vec<[String; 3]>,
    referrals: Vec<[String; 2]>,
    participants: Vec<(String, String, bool)>,
    text: BTreeMap<&'static str, String>,
}

fn editor_from_content(content: &PlanContent) -> Editor {
    let money = |a: &Option<homeward_domain::records::Amount>| {
        a.as_ref().map_or((String::new(), String::new()), |a| (a.amount.clone(), a.currency.to_string()))
    };
    let components = content
        .components
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let (amount, currency) = money(&c.estimated_cost);
            ComponentRow {
                index,
                intervention: c.intervention.clone(),
                level: c.level.name().into(),
                modality: c.modality.name().into(),
                description: c.description.clone(),
                beneficiary: c.beneficiary.clone().unwrap_or_default(),
                needs_referral: c.needs_referral,
                amount,
                currency,
                start: c.start.map(|d| d.to_string()).unwrap_or_default(),
                end: c.end.map(|d| d.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let s = &content.summary;
    let text = TEXTS
        .into_iter()
        .zip([
            content.place_of_return.clone(),
            s.economic.clone(),
            s.social.clone(),
            s.psychosocial.clone(),
            content.expected_improvement.clone(),
            content.monitoring_schedule.clone(),
            content.feedback_arrangements.clone(),
            content.estimated_duration_months.map(|m| m.to_string()).unwrap_or_default(),
            content.exit_strategy.clone(),
        ])
        .collect();
    Editor {
        components,
        goods: content
            .goods
            .iter()
            .map(|g| [g.item.clone(), g.estimated_cost.amount.clone(), g.estimated_cost.currency.to_string()])
            .collect(),
        referrals: content.referrals.iter().map(|r| [r.agency.clone(), r.assistance.clone()]).collect(),
        participants: content.participants.iter().map(|p| (p.name.clone(), p.role.clone(), p.returnee)).collect(),
        text,
    }
}

/// The rows of a list typed in the form (`goods[3].item`): the indices present, in order.
fn rows(typed: &Typed, list: &str) -> Vec<usize> {
    let mut found: Vec<usize> = typed
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(list)?.strip_prefix('[')?.split(']').next()?.parse().ok())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

fn editor_from_typed(typed: &Typed) -> Editor {
    let v = |name: String| value(typed, &name).to_string();
    Editor {
        components: rows(typed, "components")
            .into_iter()
            .map(|i| {
                let f = |name: &str| v(format!("components[{i}].{name}"));
                ComponentRow {
                    index: i,
                    intervention: f("intervention"),
                    level: f("level"),
                    modality: f("modality"),
                    description: f("description"),
                    beneficiary: f("beneficiary"),
                    needs_referral: !f("needs_referral").is_empty(),
                    amount: f("estimated_cost.amount"),
                    currency: f("estimated_cost.currency"),
                    start: f("start"),
                    end: f("end"),
                }
            })
            .collect(),
        goods: rows(typed, "goods")
            .into_iter()
            .map(|i| {
                let f = |name: &str| v(format!("goods[{i}].{name}"));
                [f("item"), f("estimated_cost.amount"), f("estimated_cost.currency")]
            })
            .collect(),
        referrals: rows(typed, "referrals")
            .into_iter()
            .map(|i| [v(format!("referrals[{i}].agency")), v(format!("referrals[{i}].assistance"))])
            .collect(),
        participants: rows(typed, "participants")
            .into_iter()
            .map(|i| {
                let f = |name: &str| v(format!("participants[{i}].{name}"));
                (f("name"), f("role"), !f("returnee").is_empty())
            })
            .collect(),
        text: TEXTS.into_iter().map(|k| (k, v(k.to_string()))).collect(),
    }
}

/// The plan's content as the API's JSON, from the editor's rows (blank rows left out), with
/// the form's name of each row kept so the API's problems can be shown at the right input.
fn content_json(e: &Editor, grid: &FeasibilityGrid) -> (Value, BTreeMap<String, String>) {
    let mut renamed = BTreeMap::new();
    let trim = |s: &str| s.trim().to_string();
    let money = |amount: &str, currency: &str| {
        (!amount.trim().is_empty())
            .then(|| json!({"amount": amount.trim(), "currency": currency.trim().to_uppercase()}))
    };
    let mut components = vec![];
    for c in e.components.iter().filter(|c| !c.intervention.is_empty() || !c.description.trim().is_empty()) {
        renamed.insert(format!("components[{}]", components.len()), format!("components[{}]", c.index));
        let dimension = grid.intervention(&c.intervention).map_or("economic", |i| i.dimension.name());
        let mut row = json!({
            "dimension": dimension, "level": c.level, "intervention": c.intervention,
            "description": trim(&c.description), "needs_referral": c.needs_referral, "modality": c.modality,
        });
        if !c.beneficiary.trim().is_empty() {
            row["beneficiary"] = trim(&c.beneficiary).into();
        }
        if let Some(cost) = money(&c.amount, &c.currency) {
            row["estimated_cost"] = cost;
        }
        for (key, date) in [("start", &c.start), ("end", &c.end)] {
            if !date.trim().is_empty() {
                row[key] = trim(date).into();
            }
        }
        components.push(row);
    }
    let mut goods = vec![];
    for (i, [item, amount, currency]) in e.goods.iter().enumerate() {
        if item.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        renamed.insert(format!("goods[{}]", goods.len()), format!("goods[{i}]"));
        goods.push(json!({"item": trim(item), "estimated_cost": money(amount, currency).unwrap_or(json!({"amount": "", "currency": trim(currency)}))}));
    }
    let referrals: Vec<Value> = e
        .referrals
        .iter()
        .filter(|[a, s]| !a.trim().is_empty() || !s.trim().is_empty())
        .map(|[a, s]| json!({"agency": trim(a), "assistance": trim(s)}))
        .collect();
    let participants: Vec<Value> = e
        .participants
        .iter()
        .filter(|(n, r, _)| !n.trim().is_empty() || !r.trim().is_empty())
        .map(|(n, r, returnee)| json!({"name": trim(n), "role": trim(r), "returnee": returnee}))
        .collect();
    let text = |k: &str| e.text.get(k).map_or(String::new(), |t| trim(t));
    let mut content = json!({
        "place_of_return": text("place_of_return"),
        "summary": {"economic": text("summary.economic"), "social": text("summary.social"), "psychosocial": text("summary.psychosocial")},
        "components": components, "goods": goods, "referrals": referrals, "participants": participants,
        "expected_improvement": text("expected_improvement"), "monitoring_schedule": text("monitoring_schedule"),
        "feedback_arrangements": text("feedback_arrangements"), "exit_strategy": text("exit_strategy"),
    });
    let months = text("estimated_duration_months");
    if !months.is_empty() {
        content["estimated_duration_months"] = months.parse::<u32>().map_or(Value::String(months), Value::from);
    }
    (content, renamed)
}

/// The API's name of a problem's field (`content.components[0].description`) as the form's.
fn form_field(field: &str, renamed: &BTreeMap<String, String>) -> String {
    let field = field.strip_prefix("content.").unwrap_or(field);
    for (api, form) in renamed {
        if let Some(rest) = field.strip_prefix(api.as_str()) {
            return format!("{form}{rest}");
        }
    }
    field.to_string()
}

/// The sum of the goods' costs per currency (exact, in minor units).
fn totals(goods: &[[String; 3]]) -> Vec<String> {
    let mut sums: Vec<Money> = vec![];
    for [_, amount, currency] in goods {
        let Ok(currency) = currency.trim().to_uppercase().parse::<Currency>() else { continue };
        let Ok(money) = Money::parse(amount, currency) else { continue };
        match sums.iter_mut().find(|s| s.currency == money.currency) {
            Some(sum) => *sum = sum.checked_add(money).unwrap_or(*sum),
            None => sums.push(money),
        }
    }
    sums.iter().map(Money::to_string).collect()
}

/// The grid's criteria of each component's intervention, marked as the case's latest check.
fn checklists(
    t: &Catalogue,
    grid: &FeasibilityGrid,
    components: &[ComponentRow],
    checks: &[FeasibilityCheck],
) -> Vec<Checklist> {
    let mut seen = vec![];
    let mut lists = vec![];
    for c in components {
        let Some(intervention) = grid.intervention(&c.intervention) else { continue };
        if seen.contains(&intervention.id) {
            continue;
        }
        seen.push(intervention.id.clone());
        let latest = checks.iter().rev().find(|k| k.intervention == intervention.id);
        lists.push(checklist(t, intervention, latest));
    }
    lists
}

fn checklist(t: &Catalogue, intervention: &Intervention, latest: Option<&FeasibilityCheck>) -> Checklist {
    let criteria = intervention
        .criteria
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let mark = latest.and_then(|k| k.marks.get(index));
            CheckItem {
                index,
                level: c.level.name(),
                text: c.text.clone(),
                mark: mark.map_or("unknown".into(), |m| m.mark.name().into()),
                justification: mark.map_or(String::new(), |m| m.justification.clone()),
            }
        })
        .collect();
    let summary = latest.map(|k| {
        let open = k.marks.iter().filter(|m| matches!(m.mark, Mark::NotMet | Mark::Unknown)).count();
        if open == 0 {
            t.get("all_criteria_met").to_string()
        } else {
            t.get("criteria_open").replace("{n}", &open.to_string())
        }
    });
    Checklist { intervention: intervention.id.clone(), name: intervention.name.clone(), criteria, summary }
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
    let case = match crate::pages::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let plan = match current(&state, &session, &case_id).await {
        Ok(p) => p,
        Err(e) => return crate::pages::refusal(t, e),
    };
    let checks = records::list::<FeasibilityCheck>(&state, &session.caller, &case_id)
        .await
        .map_or(vec![], |l| l.into_iter().map(|v| v.data).collect::<Vec<_>>());
    let editable = plan.as_ref().is_some_and(|p| p.state.name() == "draft");
    let mut editor = match (typed, &plan) {
        (Some(typed), _) if typed.iter().any(|(k, _)| k == "place_of_return") => editor_from_typed(typed),
        (_, Some(p)) => editor_from_content(&p.content),
        _ => editor_from_content(&PlanContent::default()),
    };
    let grid = state.grid.clone();
    let lists = checklists(t, &grid, &editor.components, &checks);
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
        .map(|e| (form_field(&e.field, &renamed), t.problem(&e.message)))
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
    let page = PlanPage {
        t,
        session: &session,
        may_plan: session.caller.access.may(Permission::Plan),
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
        modalities: Modality::ALL.iter().map(|m| m.name()).collect(),
        marks: Mark::ALL.iter().map(|m| m.name()).collect(),
        goods_total: totals(&editor.goods),
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
            vec![FieldError { field: "plan".into(), message: m }]
        }
        other => return crate::pages::failure(other),
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
    let (json, renamed) = content_json(&editor_from_typed(&typed), &state.grid);
    let content = match homeward_service::input::from_json_value::<PlanContent>(json) {
        Ok(c) => c,
        Err(e) => return refused(state, session, case_id, &typed, e, renamed).await,
    };
    let edit = PlanEdit { version: value(&typed, "version").parse().unwrap_or(0), content };
    match plans::edit(&state, &session.caller, &case_id, &plan_id, edit).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/plan#components")).into_response(),
        Err(e) => refused(state, session, case_id, &typed, e, renamed).await,
    }
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
    match records::create::<FeasibilityCheck>(&state, &session.caller, &case_id, check).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/plan#checklists")).into_response(),
        Err(e) => refused(state, session, case_id, &typed, e, BTreeMap::new()).await,
    }
}

#[derive(Template)]
#[template(path = "plan_print.html")]
struct PrintPage<'a> {
    t: &'a Catalogue,
    case: CaseView,
    p: PlanView,
    goods_total: Vec<String>,
    grid: std::sync::Arc<FeasibilityGrid>,
    /// Every language the plan can be printed in: (code, the language's name).
    languages: Vec<(&'static str, &'static str)>,
}

impl PrintPage<'_> {
    fn returnee_name(&self) -> String {
        case_name(&self.case)
    }

    fn intervention_name(&self, id: &str) -> String {
        intervention_name(&self.grid, id)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// The language to print for a returnee: the first of their languages a catalogue has, named
/// by its code (`fr`) or its name (`French`, `Français`).
fn returnee_language(languages: &[String]) -> Option<&'static str> {
    const ENGLISH_NAMES: &[(&str, &str)] = &[("en", "english"), ("fr", "french"), ("ar", "arabic")];
    languages.iter().find_map(|spoken| {
        let spoken = spoken.trim().to_lowercase();
        crate::i18n::languages().find(|code| {
            spoken == *code
                || spoken == catalogue(code).language.to_lowercase()
                || ENGLISH_NAMES.iter().any(|(c, name)| c == code && spoken == *name)
        })
    })
}

/// The printable plan, laid out like the Annex 3 template, in the returnee's language unless
/// another is asked for; the print stylesheet leaves out the app's bars.
pub async fn print(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<PrintQuery>,
) -> Response {
    let own = catalogue(&session.caller.language);
    let case = match crate::pages::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let plan = match current(&state, &session, &case_id).await {
        Ok(Some(p)) => p,
        Ok(None) => return render(MessagePage { t: own, message: own.get("no_plan") }, StatusCode::NOT_FOUND),
        Err(ServiceError::Forbidden(_)) => {
            return render(MessagePage { t: own, message: own.get("forbidden") }, StatusCode::FORBIDDEN);
        }
        Err(e) => return crate::pages::failure(e),
    };
    let code = query
        .lang
        .as_deref()
        .filter(|l| crate::i18n::languages().any(|c| c == *l))
        .or_else(|| returnee_language(&case.profile.languages))
        .unwrap_or(&session.caller.language);
    let t = catalogue(code);
    let goods: Vec<[String; 3]> = plan
        .content
        .goods
        .iter()
        .map(|g| [g.item.clone(), g.estimated_cost.amount.clone(), g.estimated_cost.currency.to_string()])
        .collect();
    let page = PrintPage {
        t,
        case,
        goods_total: totals(&goods),
        p: plan,
        grid: state.grid.clone(),
        languages: crate::i18n::languages().map(|c| (c, catalogue(c).language.as_str())).collect(),
    };
    render(page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn blank_rows_are_dropped_and_problems_find_their_rows_again() {
        let grid = FeasibilityGrid::builtin();
        let id = grid.interventions[0].id.clone();
        let editor = editor_from_typed(&typed(&[
            ("place_of_return", "Thiès"),
            ("components[0].intervention", ""),
            ("components[0].description", ""),
            ("components[1].intervention", &id),
            ("components[1].level", "individual"),
            ("components[1].modality", "cash"),
            ("components[1].description", "tailoring shop"),
            ("goods[0].item", "sewing machine"),
            ("goods[0].estimated_cost.amount", "150000"),
            ("goods[0].estimated_cost.currency", "xof"),
            ("goods[1].item", ""),
        ]));
        let (json, renamed) = content_json(&editor, &grid);
        assert_eq!(json["components"].as_array().unwrap().len(), 1);
        assert_eq!(json["components"][0]["dimension"], grid.interventions[0].dimension.name());
        assert_eq!(json["goods"][0]["estimated_cost"], json!({"amount": "150000", "currency": "XOF"}));
        assert_eq!(form_field("content.components[0].description", &renamed), "components[1].description");
        assert_eq!(form_field("content.summary", &renamed), "summary");
        let content: PlanContent = serde_json::from_value(json).unwrap();
        content.validate(&grid).unwrap();
    }

    #[test]
    fn the_plan_is_printed_in_the_first_language_of_the_returnee_that_homeward_has() {
        let spoken = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(returnee_language(&spoken(&["Wolof", "Français"])), Some("fr"));
        assert_eq!(returnee_language(&spoken(&["wolof", "French", "English"])), Some("fr"));
        assert_eq!(returnee_language(&spoken(&["en"])), Some("en"));
        assert_eq!(returnee_language(&spoken(&["Wolof"])), None);
    }

    #[test]
    fn goods_are_totalled_exactly_per_currency() {
        let goods = [
            ["a".into(), "0.10".into(), "EUR".into()],
            ["b".into(), "0.20".into(), "eur".into()],
            ["c".into(), "5000".into(), "XOF".into()],
            ["d".into(), "oops".into(), "EUR".into()],
        ];
        assert_eq!(totals(&goods), ["0.30 EUR", "5000 XOF"]);
    }
}
