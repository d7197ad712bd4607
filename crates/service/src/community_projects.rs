//! Community-based reintegration projects (handbook 3.2.2-3.5): proposed in a community of the
//! caller's offices, screened against Table 3.2, approved (with a justification when a negative
//! criterion is met), run and closed through a checked lifecycle; their participants (a returnee
//! by case, in the caller's offices, or a member of the community) and their ledger, planned
//! against spent in exact amounts per currency. Every write is audited; a participant list that
//! names returnees is audited as a read of their cases.

use chrono::{DateTime, NaiveDate, Utc};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::community::{
    LedgerKind, LedgerLine, NewParticipant, PROJECT, ParticipantKind, ProjectAction, ProjectCatalogue, ProjectProposal,
    ProjectState, Screening, check_approval,
};
use homeward_domain::feasibility::Dimension;
use homeward_domain::ids::{CaseId, ProjectId};
use homeward_domain::reference::{Currency, Money};
use homeward_store::audit as store_audit;
use homeward_store::frames::{LedgerRow, ParticipantRow, ProjectRow};
use homeward_store::query::communities;
use homeward_store::{from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// A project as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: String,
    pub community_id: String,
    pub office: String,
    pub title: String,
    pub approach: String,
    pub activity: String,
    pub dimension: Dimension,
    pub state: ProjectState,
    pub allowed_actions: Vec<ProjectAction>,
    pub proposal: ProjectProposal,
    pub screening: Option<Screening>,
    /// The positive criteria met, of how many (once screened).
    pub positives_met: Option<CriteriaMet>,
    /// The negative criteria met (once screened).
    pub negatives_met: Vec<String>,
    pub justification: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// How many of the positive criteria a project meets.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct CriteriaMet {
    pub met: usize,
    pub of: usize,
}

fn view(row: &ProjectRow, catalogue: &ProjectCatalogue) -> Result<ProjectView> {
    let screening: Option<Screening> = row.screening.as_deref().map(|s| from_json("screening", s)).transpose()?;
    Ok(ProjectView {
        id: row.id.to_string(),
        community_id: row.community_id.to_string(),
        office: row.office.clone(),
        title: row.title.clone(),
        approach: row.approach.clone(),
        activity: row.activity.clone(),
        dimension: row.dimension,
        state: row.state,
        allowed_actions: PROJECT.allowed(row.state),
        proposal: from_json("project proposal", &row.proposal)?,
        positives_met: screening.as_ref().map(|s| {
            let (met, of) = s.positives(catalogue);
            CriteriaMet { met, of }
        }),
        negatives_met: screening
            .as_ref()
            .map(|s| s.negatives_met(catalogue).into_iter().map(str::to_string).collect())
            .unwrap_or_default(),
        screening,
        justification: row.justification.clone(),
        started_on: row.started_on,
        version: row.version,
        created_at: row.created_at,
        created_by: row.created_by.clone(),
        updated_at: row.updated_at,
    })
}

/// Proposes a project in a community of the caller's offices.
pub async fn propose(state: &Services, caller: &Caller, proposal: ProjectProposal) -> Result<ProjectView> {
    caller.require(Permission::ManageCommunity)?;
    let catalogue = ProjectCatalogue::builtin();
    proposal.validate(catalogue).map_err(ServiceError::invalid)?;
    let dimension = catalogue.activity(&proposal.activity).and_then(|a| a.dimension).unwrap_or(Dimension::Economic);
    let mut tx = state.store.begin().await?;
    let community = match crate::communities::in_scope(&mut tx, caller, proposal.community_id.trim()).await {
        Err(ServiceError::NotFound) => {
            let problem = homeward_domain::problem!("no_such_community", "is not a community of your offices");
            return Err(ServiceError::problem("community_id", problem));
        }
        other => other?,
    };
    let at = now();
    let row = ProjectRow {
        id: ProjectId::new(new_id()),
        community_id: community.id.clone(),
        office: community.office.clone(),
        title: proposal.title.trim().to_string(),
        approach: proposal.approach.clone(),
        activity: proposal.activity.clone(),
        dimension,
        state: ProjectState::Proposed,
        proposal: to_json(&proposal),
        screening: None,
        justification: None,
        started_on: None,
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    communities::insert_project(&mut tx, &row).await?;
    let e = entry(caller, "create", "community_project", &row.id, None, &["proposal"]);
    store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
    homeward_store::commit(tx).await?;
    view(&row, catalogue)
}

/// The projects of the caller's offices, newest first.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<ProjectView>> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let rows = communities::projects(&mut conn, caller.access.office.as_deref()).await?;
    let catalogue = ProjectCatalogue::builtin();
    rows.iter().filter(|r| caller.access.covers_office(&r.office)).map(|r| view(r, catalogue)).collect()
}

/// The project `id` in the caller's offices (404 outside them, recorded as a denial).
async fn in_scope(conn: &mut homeward_store::AnyConnection, caller: &Caller, id: &str) -> Result<ProjectRow> {
    let found = communities::project(conn, id).await?;
    crate::within_offices(caller, found, |p| &p.office, "community_project", id)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<ProjectView> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let row = in_scope(&mut conn, caller, id).await?;
    drop(conn);
    view(&row, ProjectCatalogue::builtin())
}

/// A screening with the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningInput {
    pub version: i64,
    pub screening: Screening,
}

/// A move of a project through its lifecycle (all but `screen`, which records a screening).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectStep {
    pub action: ProjectAction,
    pub version: i64,
    /// Why it is approved although it meets a negative criterion (required then, with `approve`).
    #[serde(default)]
    pub justification: Option<String>,
    /// The day it started (with `start`; default today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// Reads the project for a change: in scope, at the version last read.
async fn for_change(tx: &mut homeward_store::Tx, caller: &Caller, id: &str, version: i64) -> Result<ProjectRow> {
    let row = in_scope(tx, caller, id).await?;
    if row.version != version {
        return Err(ServiceError::Conflict(
            homeward_store::StoreError::Conflict { current: row.version }.to_string(),
            Some(row.version),
        ));
    }
    Ok(row)
}

/// Records the screening against Table 3.2 (again, until the project is approved).
pub async fn screen(state: &Services, caller: &Caller, id: &str, input: ScreeningInput) -> Result<ProjectView> {
    caller.require(Permission::ManageCommunity)?;
    let catalogue = ProjectCatalogue::builtin();
    input.screening.validate(catalogue).map_err(|e| ServiceError::invalid(crate::cases::prefixed("screening", e)))?;
    let mut tx = state.store.begin().await?;
    let mut row = for_change(&mut tx, caller, id, input.version).await?;
    row.state = PROJECT.next(row.state, ProjectAction::Screen)?;
    row.screening = Some(to_json(&input.screening));
    row.updated_at = now();
    row.version = communities::update_project(&mut tx, &row, input.version).await?;
    let e = entry(caller, "screen", "community_project", id, None, &["screening"]);
    store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
    homeward_store::commit(tx).await?;
    view(&row, catalogue)
}

/// Approves, starts, completes or abandons a project. Approving one that meets a negative
/// criterion needs a justification, recorded with it.
pub async fn step(state: &Services, caller: &Caller, id: &str, step: ProjectStep) -> Result<ProjectView> {
    caller.require(Permission::ManageCommunity)?;
    if step.action == ProjectAction::Screen {
        let problem = homeward_domain::problem!("screen_with_screening", "a screening is recorded with its answers");
        return Err(ServiceError::problem("action", problem));
    }
    let catalogue = ProjectCatalogue::builtin();
    let mut tx = state.store.begin().await?;
    let mut row = for_change(&mut tx, caller, id, step.version).await?;
    let to = PROJECT.next(row.state, step.action)?;
    let mut fields = vec!["state"];
    match step.action {
        ProjectAction::Approve => {
            let screening: Option<Screening> =
                row.screening.as_deref().map(|s| from_json("screening", s)).transpose()?;
            check_approval(screening.as_ref(), catalogue, step.justification.as_deref())
                .map_err(ServiceError::invalid)?;
            row.justification = step.justification.map(|j| j.trim().to_string()).filter(|j| !j.is_empty());
            if row.justification.is_some() {
                fields.push("justification");
            }
        }
        ProjectAction::Start => {
            let on = step.on.unwrap_or_else(homeward_store::today);
            crate::consents::not_after_today(&[("on", on)])?;
            row.started_on = Some(on);
            fields.push("started_on");
        }
        _ => {}
    }
    row.state = to;
    row.updated_at = now();
    row.version = communities::update_project(&mut tx, &row, step.version).await?;
    let e = entry(caller, step.action.name(), "community_project", id, None, &fields);
    store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
    homeward_store::commit(tx).await?;
    view(&row, catalogue)
}

/// Someone taking part, as the caller may see them: a returnee's case and name only for those
/// who see names.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    pub id: String,
    pub kind: ParticipantKind,
    pub case_id: Option<String>,
    pub case_number: Option<String>,
    pub name: Option<String>,
    pub sex: Option<homeward_domain::returnee::Sex>,
    pub age_group: Option<homeward_domain::community::AgeGroup>,
    pub role: String,
    pub joined_on: NaiveDate,
}

/// A project's participants and their counts, as the screening and the indicators use them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Participants {
    pub returnees: usize,
    pub community_members: usize,
    pub women: usize,
    pub men: usize,
    pub participants: Vec<ParticipantView>,
}

/// Adds a participant to a project that is not over: a returnee by a case of the caller's
/// offices, or a member of the community.
pub async fn add_participant(
    state: &Services,
    caller: &Caller,
    project_id: &str,
    p: NewParticipant,
) -> Result<ParticipantView> {
    caller.require(Permission::ManageCommunity)?;
    if p.kind == ParticipantKind::Returnee {
        // A returnee is named by their case: only those who read cases may name one.
        caller.require(Permission::ReadCases)?;
    }
    p.validate().map_err(ServiceError::invalid)?;
    let mut tx = state.store.begin().await?;
    let project = in_scope(&mut tx, caller, project_id).await?;
    if PROJECT.is_final(project.state) {
        return Err(ServiceError::Conflict(
            format!("the project is {}: it takes no one new", project.state.name()),
            None,
        ));
    }
    let mut shown = p.clone();
    let mut case_number = None;
    if let Some(case_id) = p.case_id.as_deref().map(str::trim) {
        let case = match crate::case_in_scope(&mut tx, caller, case_id).await {
            Err(ServiceError::NotFound) => {
                let problem = homeward_domain::problem!("no_such_case", "is not a case of your offices");
                return Err(ServiceError::problem("case_id", problem));
            }
            other => other?,
        };
        shown.name = Some(format!("{} {}", case.given_name, case.family_name));
        shown.sex = Some(case.sex);
        case_number = Some(case.summary.case_number);
    }
    let row = ParticipantRow {
        id: new_id(),
        project_id: project.id.clone(),
        kind: p.kind,
        case_id: p.case_id.as_deref().map(|c| CaseId::new(c.trim())),
        participant: to_json(&p),
        joined_on: p.joined_on,
        created_at: now(),
        created_by: caller.username.clone(),
    };
    communities::insert_participant(&mut tx, &row).await?;
    let case = row.case_id.as_ref().map(|c| c.as_str());
    let e = entry(caller, "create", "project_participant", &row.id, case, &["participant"]);
    store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
    homeward_store::commit(tx).await?;
    Ok(ParticipantView {
        id: row.id,
        kind: p.kind,
        case_id: p.case_id,
        case_number,
        name: shown.name,
        sex: shown.sex,
        age_group: p.age_group,
        role: p.role,
        joined_on: p.joined_on,
    })
}

/// A project's participants with their counts. Returnees' names and cases only for those who see
/// names (each audited as read); community members' names also for those who run the project.
pub async fn participants(state: &Services, caller: &Caller, project_id: &str) -> Result<Participants> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    in_scope(&mut conn, caller, project_id).await?;
    let rows = communities::participants(&mut conn, project_id).await?;
    let ids: Vec<&str> = rows.iter().filter_map(|r| r.case_id.as_ref().map(|c| c.as_str())).collect();
    let cases = homeward_store::query::cases::by_ids(&mut conn, &ids).await?;
    drop(conn);
    let names = caller.access.role.sees_identities();
    // Members of the community are named to those who see names and to those who run the
    // project (the outreach focal point); returnees only to those who see names.
    let member_names = names || caller.access.may(Permission::ManageCommunity);
    let mut list = Vec::with_capacity(rows.len());
    let mut entries = Vec::new();
    for r in &rows {
        let p: NewParticipant = from_json("participant", &r.participant)?;
        let case = r.case_id.as_ref().and_then(|id| cases.iter().find(|c| c.id == *id));
        if let (Some(case), true) = (case, names) {
            entries.push(entry(caller, "read", "case", &case.id, Some(&case.id), &["project_participant"]));
        }
        list.push(ParticipantView {
            id: r.id.clone(),
            kind: r.kind,
            case_id: r.case_id.as_ref().filter(|_| names).map(|c| c.to_string()),
            case_number: case.filter(|_| names).map(|c| c.case_number.clone()),
            name: match case {
                Some(c) => names.then(|| format!("{} {}", c.given_name, c.family_name)),
                None => p.name.filter(|_| member_names),
            },
            sex: case.map(|c| c.sex).or(p.sex),
            age_group: p.age_group,
            role: p.role,
            joined_on: r.joined_on,
        });
    }
    state.reads.record(entries).await?;
    let count = |kind| list.iter().filter(|p| p.kind == kind).count();
    let sex = |s| list.iter().filter(|p| p.sex == Some(s)).count();
    Ok(Participants {
        returnees: count(ParticipantKind::Returnee),
        community_members: count(ParticipantKind::CommunityMember),
        women: sex(homeward_domain::returnee::Sex::Female),
        men: sex(homeward_domain::returnee::Sex::Male),
        participants: list,
    })
}

/// A line of a project's ledger as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerLineView {
    pub id: String,
    pub kind: LedgerKind,
    pub date: NaiveDate,
    /// The amount as its currency writes it (`1250.00`).
    pub amount: String,
    #[schema(value_type = String)]
    pub currency: Currency,
    pub description: String,
    pub created_by: String,
}

/// Planned against spent, in one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerTotal {
    #[schema(value_type = String)]
    pub currency: Currency,
    pub planned: String,
    pub spent: String,
    /// Planned minus spent (negative when overspent).
    pub remaining: String,
}

/// A project's ledger with its totals per currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ledger {
    pub lines: Vec<LedgerLineView>,
    pub totals: Vec<LedgerTotal>,
}

/// Adds a line to a project's ledger (the budget while it is prepared, spending once approved).
pub async fn add_ledger_line(state: &Services, caller: &Caller, project_id: &str, line: LedgerLine) -> Result<Ledger> {
    caller.require(Permission::ManageCommunity)?;
    line.validate().map_err(ServiceError::invalid)?;
    let money = line.amount.money().map_err(|e| ServiceError::problem("amount.amount", e.problem()))?;
    let mut tx = state.store.begin().await?;
    let project = in_scope(&mut tx, caller, project_id).await?;
    let spending_allowed = matches!(project.state, ProjectState::Approved | ProjectState::Running);
    if line.kind == LedgerKind::Spent && !spending_allowed {
        return Err(ServiceError::Conflict(
            format!(
                "the project is {}: money is spent once it is approved and before it is over",
                project.state.name()
            ),
            None,
        ));
    }
    if line.kind == LedgerKind::Spent && line.date > homeward_store::today() {
        let problem = homeward_domain::problem!(
            "payment_in_the_future",
            "{date} is after today: a payment is recorded once made",
            date = line.date
        );
        return Err(ServiceError::problem("date", problem));
    }
    let row = LedgerRow {
        id: new_id(),
        project_id: project.id.clone(),
        kind: line.kind,
        date: line.date,
        currency: money.currency.to_string(),
        amount_minor: money.minor,
        description: line.description.trim().to_string(),
        created_at: now(),
        created_by: caller.username.clone(),
    };
    communities::insert_ledger(&mut tx, &row).await?;
    let e = entry(caller, "create", "project_ledger", &row.id, None, &[line.kind.name()]);
    store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
    let rows = communities::ledger_lines(&mut tx, project_id).await?;
    homeward_store::commit(tx).await?;
    ledger_of(&rows)
}

/// A project's ledger and its totals per currency.
pub async fn ledger(state: &Services, caller: &Caller, project_id: &str) -> Result<Ledger> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    in_scope(&mut conn, caller, project_id).await?;
    let rows = communities::ledger_lines(&mut conn, project_id).await?;
    drop(conn);
    ledger_of(&rows)
}

fn ledger_of(rows: &[LedgerRow]) -> Result<Ledger> {
    let corrupt = |what: &str| ServiceError::Internal(format!("ledger: {what}"));
    let mut lines = Vec::with_capacity(rows.len());
    let mut totals: Vec<(Currency, Money, Money)> = Vec::new();
    for r in rows {
        let currency: Currency = r.currency.parse().map_err(|_| corrupt("currency"))?;
        let money = Money { minor: r.amount_minor, currency };
        let i = match totals.iter().position(|(c, _, _)| *c == currency) {
            Some(i) => i,
            None => {
                totals.push((currency, Money { minor: 0, currency }, Money { minor: 0, currency }));
                totals.len() - 1
            }
        };
        let slot = if r.kind == LedgerKind::Planned { &mut totals[i].1 } else { &mut totals[i].2 };
        *slot = slot.checked_add(money).map_err(|_| corrupt("a sum too large"))?;
        lines.push(LedgerLineView {
            id: r.id.clone(),
            kind: r.kind,
            date: r.date,
            amount: money.amount_text(),
            currency,
            description: r.description.clone(),
            created_by: r.created_by.clone(),
        });
    }
    let totals = totals
        .into_iter()
        .map(|(currency, planned, spent)| LedgerTotal {
            currency,
            planned: planned.amount_text(),
            spent: spent.amount_text(),
            remaining: Money { minor: planned.minor - spent.minor, currency }.amount_text(),
        })
        .collect();
    Ok(Ledger { lines, totals })
}

/// A project's participant satisfaction survey: its answers and how many are satisfied.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Satisfaction {
    pub answers: Vec<homeward_domain::community::SatisfactionAnswer>,
    /// Community members who answered, and of them the satisfied (the community indicator's
    /// count); returnees' answers are kept but not in these counts.
    pub community_members: usize,
    pub satisfied: usize,
}

/// Records an answer to a project's participant satisfaction survey (4 to 6 months after it
/// starts, handbook lines 8930-8975); not before the project started, nor ahead of today.
pub async fn record_satisfaction(
    state: &Services,
    caller: &Caller,
    project_id: &str,
    answer: homeward_domain::community::SatisfactionAnswer,
) -> Result<Satisfaction> {
    caller.require(Permission::ManageCommunity)?;
    let mut tx = state.store.begin().await?;
    let project = in_scope(&mut tx, caller, project_id).await?;
    answer.validate(project.started_on).map_err(ServiceError::invalid)?;
    crate::consents::not_after_today(&[("date", answer.date)])?;
    let row = homeward_store::frames::SatisfactionRow {
        id: new_id(),
        project_id: project.id.clone(),
        respondent: answer.respondent,
        sex: answer.sex,
        age_group: answer.age_group,
        answered_on: answer.date,
        satisfied: answer.satisfied,
        comment: answer.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string),
        created_at: now(),
        created_by: caller.username.clone(),
    };
    communities::insert_satisfaction(&mut tx, &row).await?;
    let e = entry(caller, "create", "project_satisfaction", &row.id, None, &["satisfied"]);
    store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
    let rows = communities::satisfaction_of(&mut tx, project_id).await?;
    homeward_store::commit(tx).await?;
    Ok(satisfaction_of(rows))
}

/// A project's participant satisfaction survey.
pub async fn satisfaction(state: &Services, caller: &Caller, project_id: &str) -> Result<Satisfaction> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    in_scope(&mut conn, caller, project_id).await?;
    let rows = communities::satisfaction_of(&mut conn, project_id).await?;
    Ok(satisfaction_of(rows))
}

fn satisfaction_of(rows: Vec<homeward_store::frames::SatisfactionRow>) -> Satisfaction {
    let members = || rows.iter().filter(|r| r.respondent == ParticipantKind::CommunityMember);
    Satisfaction {
        community_members: members().count(),
        satisfied: members().filter(|r| r.satisfied).count(),
        answers: rows
            .iter()
            .map(|r| homeward_domain::community::SatisfactionAnswer {
                respondent: r.respondent,
                sex: r.sex,
                age_group: r.age_group,
                date: r.answered_on,
                satisfied: r.satisfied,
                comment: r.comment.clone(),
            })
            .collect(),
    }
}
