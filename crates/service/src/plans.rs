//! Reintegration plans after the Annex 3 template: drafted, edited while a draft, agreed with
//! the returnee's and staff's attestations, activated, revised into a new version (which needs
//! consent again), completed or abandoned.

use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::case::CaseAction;
use homeward_domain::ids::{CaseId, PlanId};
use homeward_domain::plan::{PLAN, PlanAction, PlanState};
use homeward_domain::plan_document::{Attestation, PlanContent};
use homeward_domain::problem;
use homeward_domain::survey::SurveyPhase;
use homeward_rss::Status;
use homeward_store::column::instant_text;
use homeward_store::frames::{CaseRow, PlanRow};
use homeward_store::query::{cases, plans, surveys};
use homeward_store::{AnyConnection, StoreError, audit as store_audit, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::case_in_scope;
use crate::cases::prefixed;
use crate::error::{Result, ServiceError};

/// Section 5 of the template: the scores of the case's latest scored baseline survey.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BaselineScores {
    pub survey_id: String,
    pub economic: Option<f64>,
    pub social: Option<f64>,
    pub psychosocial: Option<f64>,
    pub composite: Option<f64>,
    pub profile: String,
    #[schema(value_type = String)]
    pub profile_status: homeward_rss::ProfileStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    pub case_id: String,
    /// 1 for the first plan, +1 for each revision.
    pub plan_version: i64,
    pub state: PlanState,
    pub allowed_actions: Vec<PlanAction>,
    pub content: PlanContent,
    pub baseline: Option<BaselineScores>,
    pub attestation: Option<Attestation>,
    /// The record's version for optimistic concurrency.
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

impl PlanView {
    pub(crate) fn new(row: &PlanRow) -> Result<PlanView, StoreError> {
        let state = row.state;
        Ok(PlanView {
            id: row.id.to_string(),
            case_id: row.case_id.to_string(),
            plan_version: row.plan_version,
            state,
            allowed_actions: PLAN.allowed(state),
            content: from_json("plan content", &row.content)?,
            baseline: row.baseline.as_deref().map(|b| from_json("plan baseline", b)).transpose()?,
            attestation: row.attestation.as_deref().map(|a| from_json("plan attestation", a)).transpose()?,
            version: row.version,
            created_at: instant_text(&row.created_at),
            created_by: row.created_by.clone(),
            updated_at: instant_text(&row.updated_at),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDraft {
    pub content: PlanContent,
}

fn check_reader(caller: &Caller) -> Result<()> {
    caller.require(Permission::ReadCases)?;
    if caller.access.role.sees_identities() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("plans identify the returnee; your role sees pseudonymised data only".into()))
    }
}

async fn baseline(conn: &mut AnyConnection, case_id: &str, profile: &str) -> Result<Option<BaselineScores>> {
    let all = surveys::of_case(conn, case_id).await?;
    Ok(all
        .iter()
        .rev()
        .filter(|(s, _)| s.phase == SurveyPhase::Baseline)
        .find_map(|(s, results)| {
            results.iter().find(|r| r.profile == profile && r.status == Status::Scored).map(|r| (s, r))
        })
        .map(|(s, r)| BaselineScores {
            survey_id: s.id.to_string(),
            economic: r.economic,
            social: r.social,
            psychosocial: r.psychosocial,
            composite: r.composite,
            profile: r.profile.clone(),
            profile_status: r.profile_status,
        }))
}

/// A component's community project is one of the case's office, not over.
async fn check_projects(
    tx: &mut homeward_store::Tx,
    case: &homeward_store::frames::CaseRow,
    content: &homeward_domain::plan_document::PlanContent,
) -> Result<()> {
    for (i, c) in content.components.iter().enumerate() {
        let Some(id) = c.community_project.as_deref() else { continue };
        let project = homeward_store::query::communities::project(tx, id).await?;
        let usable =
            project.is_some_and(|p| p.office == case.office && !homeward_domain::community::PROJECT.is_final(p.state));
        if !usable {
            let problem = homeward_domain::problem!(
                "no_such_project",
                "is not a community project of the case's office still under way"
            );
            return Err(ServiceError::problem(&format!("content.components[{i}].community_project"), problem));
        }
    }
    Ok(())
}

/// Starts the case's first plan, or a new one after the last was completed or abandoned.
pub async fn draft(state: &Services, caller: &Caller, case_id: &str, draft: PlanDraft) -> Result<PlanView> {
    caller.require(Permission::Plan)?;
    draft.content.validate(&state.grid).map_err(|e| ServiceError::invalid(prefixed("content", e)))?;
    let mut tx = state.store.begin().await?;
    let mut case = crate::case_to_change(&mut tx, caller, case_id).await?;
    check_projects(&mut tx, &case, &draft.content).await?;
    let existing = plans::of_case(&mut tx, case_id).await?;
    if let Some(open) =
        existing.iter().find(|p| matches!(p.state, PlanState::Draft | PlanState::Agreed | PlanState::Active))
    {
        return Err(ServiceError::Conflict(
            format!("plan version {} is {}: edit it while a draft, or revise it", open.plan_version, open.state),
            None,
        ));
    }
    let at = now();
    let row = PlanRow {
        id: PlanId::new(new_id()),
        case_id: CaseId::new(case_id),
        plan_version: existing.last().map_or(1, |p| p.plan_version + 1),
        state: PlanState::Draft,
        content: to_json(&draft.content),
        baseline: baseline(&mut tx, case_id, &state.scorer.profile().name).await?.map(|b| to_json(&b)),
        attestation: None,
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    plans::insert(&mut tx, &row).await?;
    // Drafting the plan is planning: a case still in intake or assessment moves on.
    let path = [CaseAction::StartAssessment, CaseAction::StartPlanning];
    let mut entries = crate::cases::follow_work(&mut tx, caller, &mut case, &path).await?;
    entries.push(entry(caller, "create", "plan", &row.id, Some(case_id), &["content"]));
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(PlanView::new(&row)?)
}

pub async fn list(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<PlanView>> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let rows = plans::of_case(&mut conn, case_id).await?;
    drop(conn);
    let views = rows.iter().map(PlanView::new).collect::<Result<Vec<_>, _>>()?;
    let entries = rows.iter().map(|p| entry(caller, "read", "plan", &p.id, Some(case_id), &["*"])).collect();
    state.reads.record(entries).await?;
    Ok(views)
}

pub async fn read(state: &Services, caller: &Caller, case_id: &str, plan_id: &str) -> Result<PlanView> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let row = plans::get(&mut conn, case_id, plan_id).await?.ok_or(ServiceError::NotFound)?;
    drop(conn);
    state.reads.record(vec![entry(caller, "read", "plan", plan_id, Some(case_id), &["*"])]).await?;
    Ok(PlanView::new(&row)?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanEdit {
    pub version: i64,
    pub content: PlanContent,
}

/// Edits a draft. Agreed plans are changed only by revising them into a new version.
pub async fn edit(state: &Services, caller: &Caller, case_id: &str, plan_id: &str, edit: PlanEdit) -> Result<PlanView> {
    caller.require(Permission::Plan)?;
    edit.content.validate(&state.grid).map_err(|e| ServiceError::invalid(prefixed("content", e)))?;
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    check_projects(&mut tx, &case, &edit.content).await?;
    let mut row = plans::get(&mut tx, case_id, plan_id).await?.ok_or(ServiceError::NotFound)?;
    if row.state != PlanState::Draft {
        return Err(ServiceError::Conflict(
            format!(
                "plan version {} is {}: only a draft is edited; revise it to change it",
                row.plan_version, row.state
            ),
            None,
        ));
    }
    row.content = to_json(&edit.content);
    row.version = plans::update(&mut tx, &row, edit.version).await?;
    row.updated_at = now();
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "update", "plan", plan_id, Some(case_id), &["content"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(PlanView::new(&row)?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    pub action: PlanAction,
    pub version: i64,
    /// Required with `agree`: the returnee's and staff's approval.
    #[serde(default)]
    pub attestation: Option<Attestation>,
}

/// Moves a plan version. `agree` needs the attestation and moves a case in `planning` to
/// `plan_agreed`; `revise` supersedes the version and answers with the new draft version.
pub async fn transition(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    plan_id: &str,
    step: PlanStep,
) -> Result<PlanView> {
    caller.require(Permission::Plan)?;
    match (&step.attestation, step.action) {
        (None, PlanAction::Agree) => {
            return Err(ServiceError::problem(
                "attestation",
                problem!("attestation_required", "the returnee and staff must approve the plan"),
            ));
        }
        (Some(a), PlanAction::Agree) => a.validate().map_err(|e| ServiceError::invalid(prefixed("attestation", e)))?,
        (Some(_), _) => {
            return Err(ServiceError::problem(
                "attestation",
                problem!("attestation_only_agree", "an attestation goes only with `agree`"),
            ));
        }
        (None, _) => {}
    }
    let mut tx = state.store.begin().await?;
    let mut case = crate::case_to_change(&mut tx, caller, case_id).await?;
    let mut row = plans::get(&mut tx, case_id, plan_id).await?.ok_or(ServiceError::NotFound)?;
    if row.version != step.version {
        return Err(StoreError::Conflict { current: row.version }.into());
    }
    let to = PLAN.next(row.state, step.action)?;
    if step.action == PlanAction::Agree {
        let content: PlanContent = from_json("plan content", &row.content)?;
        content.ready_to_agree().map_err(|e| ServiceError::invalid(prefixed("content", e)))?;
        row.attestation = step.attestation.as_ref().map(to_json);
    }
    row.state = to;
    row.version = plans::update(&mut tx, &row, step.version).await?;
    row.updated_at = now();
    let mut answer = row.clone();
    if step.action == PlanAction::Revise {
        answer = PlanRow {
            id: PlanId::new(new_id()),
            plan_version: row.plan_version + 1,
            state: PlanState::Draft,
            attestation: None,
            version: 1,
            created_at: now(),
            created_by: caller.username.clone(),
            updated_at: now(),
            ..row.clone()
        };
        plans::insert(&mut tx, &answer).await?;
    }
    let mut entries = Vec::new();
    if step.action == PlanAction::Agree {
        agree_case(state, &mut tx, &mut case, step.attestation.as_ref().map(|a| a.date)).await?;
        let path = [CaseAction::StartAssessment, CaseAction::StartPlanning, CaseAction::AgreePlan];
        entries = crate::cases::follow_work(&mut tx, caller, &mut case, &path).await?;
    }
    entries.push(entry(caller, step.action.name(), "plan", plan_id, Some(case_id), &["state"]));
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(PlanView::new(&answer)?)
}

/// A first agreed plan anchors the follow-up schedule (the case's status then follows, see
/// `cases::follow_work`).
async fn agree_case(
    state: &Services,
    tx: &mut homeward_store::Tx,
    case: &mut CaseRow,
    on: Option<chrono::NaiveDate>,
) -> Result<()> {
    let Some(on) = on else { return Ok(()) };
    let expected = case.version;
    let mut changed = false;
    if case.plan_agreed_on.is_none() {
        case.plan_agreed_on = Some(on);
        if case.next_follow_up.is_none() {
            case.next_follow_up = crate::records::next_follow_up_after(state, case, on);
        }
        changed = true;
    }
    if changed {
        case.version = cases::update(tx, case, expected, None).await?;
    }
    Ok(())
}
