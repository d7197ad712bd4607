//! Capacity building (handbook 4.1.2, Tables 4.5-4.6): activities given to stakeholders of the
//! office's map, and each participant's questionnaire before and after, whose answer to the
//! indicator question feeds the structural indicator ("% of stakeholders declaring they are more
//! engaged in reintegration assistance, by type of support"). Kept within the caller's offices,
//! every change audited.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use homeward_domain::access::Permission;
use homeward_domain::ids::ActivityId;
use homeward_domain::problem;
use homeward_domain::structures::{CapacityActivity, Moment, Questionnaire, StructuresCatalogue};
use homeward_store::audit as store_audit;
use homeward_store::frames::{ActivityRow, AnswerRow};
use homeward_store::query::{communities, structures};
use homeward_store::{AnyConnection, from_json, new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// A participating stakeholder with its answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityParticipantView {
    pub stakeholder_id: String,
    pub name: String,
    pub pre: Option<Questionnaire>,
    pub post: Option<Questionnaire>,
}

/// A question's mean rating before and after, over the participants who answered both.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionChange {
    pub question: String,
    pub n: usize,
    pub mean_pre: Option<f64>,
    pub mean_post: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: String,
    pub activity: CapacityActivity,
    pub participants: Vec<ActivityParticipantView>,
    /// Per rated question, before and after.
    pub changes: Vec<QuestionChange>,
    /// Participants who answered after, and of them how many declare themselves more engaged.
    pub answered_after: usize,
    pub more_engaged: usize,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
}

/// A stakeholder to add to an activity's participants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActivityParticipant {
    pub stakeholder: String,
}

fn catalogue() -> &'static StructuresCatalogue {
    StructuresCatalogue::builtin()
}

/// The names of the stakeholders of `office` (every office's for `None`), by id: read once for
/// all the participants shown.
async fn stakeholder_names(conn: &mut AnyConnection, office: Option<&str>) -> Result<HashMap<String, String>> {
    Ok(communities::stakeholders(conn, office).await?.into_iter().map(|s| (s.id.to_string(), s.name)).collect())
}

async fn view(conn: &mut AnyConnection, row: &ActivityRow) -> Result<ActivityView> {
    let names = stakeholder_names(conn, Some(&row.office)).await?;
    view_with(conn, row, &names).await
}

async fn view_with(
    conn: &mut AnyConnection,
    row: &ActivityRow,
    names: &HashMap<String, String>,
) -> Result<ActivityView> {
    let activity: CapacityActivity = from_json("capacity activity", &row.activity)?;
    let answers = structures::answers(conn, &row.id).await?;
    let mut participants = vec![];
    for stakeholder_id in structures::participants(conn, &row.id).await? {
        let name = names.get(&stakeholder_id).cloned().unwrap_or_default();
        let of = |moment: Moment| -> Result<Option<Questionnaire>> {
            answers
                .iter()
                .find(|a| a.stakeholder_id == stakeholder_id && a.moment == moment)
                .map(|a| from_json("questionnaire", &a.questionnaire))
                .transpose()
                .map_err(ServiceError::from)
        };
        participants.push(ActivityParticipantView {
            pre: of(Moment::Pre)?,
            post: of(Moment::Post)?,
            stakeholder_id,
            name,
        });
    }
    let changes = catalogue()
        .asked(Moment::Pre)
        .filter(|q| q.answer == homeward_domain::structures::AnswerKind::Scale)
        .map(|q| {
            let pairs: Vec<(f64, f64)> = participants
                .iter()
                .filter_map(|p| {
                    let before = p.pre.as_ref()?.ratings.get(&q.id)?;
                    let after = p.post.as_ref()?.ratings.get(&q.id)?;
                    Some((f64::from(*before), f64::from(*after)))
                })
                .collect();
            let n = pairs.len();
            let mean = |pick: fn(&(f64, f64)) -> f64| (n > 0).then(|| pairs.iter().map(pick).sum::<f64>() / n as f64);
            QuestionChange { question: q.id.clone(), n, mean_pre: mean(|p| p.0), mean_post: mean(|p| p.1) }
        })
        .collect();
    let after: Vec<&Questionnaire> = participants.iter().filter_map(|p| p.post.as_ref()).collect();
    Ok(ActivityView {
        id: row.id.to_string(),
        activity,
        answered_after: after.len(),
        more_engaged: after.iter().filter(|q| q.more_engaged(catalogue()) == Some(true)).count(),
        participants,
        changes,
        version: row.version,
        updated_at: row.updated_at,
        created_by: row.created_by.clone(),
    })
}

/// Records a capacity-building activity.
pub async fn create(state: &Services, caller: &Caller, a: CapacityActivity) -> Result<ActivityView> {
    caller.require(Permission::ManageCommunity)?;
    a.validate(catalogue()).map_err(ServiceError::invalid)?;
    if !caller.access.covers_office(a.office.trim()) {
        return Err(ServiceError::Forbidden(format!("you cannot record the activities of office '{}'", a.office)));
    }
    let at = now();
    let row = ActivityRow {
        id: ActivityId::new(new_id()),
        office: a.office.trim().to_string(),
        title: a.title.trim().to_string(),
        support: a.support.clone(),
        held_on: a.held_on,
        activity: to_json(&a),
        version: 1,
        created_at: at,
        created_by: caller.username.clone(),
        updated_at: at,
    };
    let mut tx = state.store.begin().await?;
    structures::insert_activity(&mut tx, &row).await?;
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "create", "capacity_activity", &row.id, None, &["*"])],
    )
    .await?;
    let v = view(&mut tx, &row).await?;
    homeward_store::commit(tx).await?;
    Ok(v)
}

/// The activities of the caller's offices, latest first, each with its participants and answers.
pub async fn list(state: &Services, caller: &Caller) -> Result<Vec<ActivityView>> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let rows = structures::activities(&mut conn, caller.access.office.as_deref()).await?;
    let names = stakeholder_names(&mut conn, caller.access.office.as_deref()).await?;
    let mut out = vec![];
    for row in rows.iter().filter(|r| caller.access.covers_office(&r.office)) {
        out.push(view_with(&mut conn, row, &names).await?);
    }
    Ok(out)
}

async fn in_scope(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<ActivityRow> {
    let found = structures::activity_by_id(conn, id).await?;
    crate::within_offices(caller, found, |a| &a.office, "capacity_activity", id)
}

pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<ActivityView> {
    caller.require(Permission::ReadCommunity)?;
    let mut conn = state.store.read().await?;
    let row = in_scope(&mut conn, caller, id).await?;
    view(&mut conn, &row).await
}

/// Adds a stakeholder of the activity's office's map to its participants (once).
pub async fn add_participant(
    state: &Services,
    caller: &Caller,
    id: &str,
    p: NewActivityParticipant,
) -> Result<ActivityView> {
    caller.require(Permission::ManageCommunity)?;
    let mut tx = state.store.begin().await?;
    let row = in_scope(&mut tx, caller, id).await?;
    let found = communities::stakeholder_by_id(&mut tx, &p.stakeholder).await?;
    let stakeholder = match found.filter(|s| s.office == row.office) {
        Some(s) => s,
        None => {
            let problem = problem!(
                "not_on_the_map",
                "'{stakeholder}' is not a stakeholder of this office's map",
                stakeholder = p.stakeholder
            );
            return Err(ServiceError::problem("stakeholder", problem));
        }
    };
    if !structures::add_participant(&mut tx, &row.id, &stakeholder.id, &caller.username).await? {
        let problem = problem!("already_participant", "{name} already takes part", name = stakeholder.name);
        return Err(ServiceError::problem("stakeholder", problem));
    }
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, "update", "capacity_activity", &row.id, None, &["participants"])],
    )
    .await?;
    let v = view(&mut tx, &row).await?;
    homeward_store::commit(tx).await?;
    Ok(v)
}

/// Records a participant's questionnaire before or after the activity (a second one of the same
/// moment corrects the first).
pub async fn answer(
    state: &Services,
    caller: &Caller,
    id: &str,
    stakeholder: &str,
    q: Questionnaire,
) -> Result<ActivityView> {
    caller.require(Permission::ManageCommunity)?;
    let mut tx = state.store.begin().await?;
    let row = in_scope(&mut tx, caller, id).await?;
    if !structures::participants(&mut tx, &row.id).await?.iter().any(|s| s == stakeholder) {
        return Err(ServiceError::NotFound);
    }
    q.validate(catalogue(), row.held_on).map_err(ServiceError::invalid)?;
    let answer = AnswerRow {
        activity_id: row.id.to_string(),
        stakeholder_id: stakeholder.to_string(),
        moment: q.moment,
        answered_on: q.answered_on,
        more_engaged: q.more_engaged(catalogue()),
        questionnaire: to_json(&q),
        recorded_at: now(),
        recorded_by: caller.username.clone(),
    };
    let replaced = structures::put_answer(&mut tx, &answer).await?;
    let field = format!("questionnaire_{}", homeward_domain::Named::name(q.moment));
    let action = if replaced { "update" } else { "create" };
    store_audit::append(
        &mut tx,
        &state.audit_key,
        &[entry(caller, action, "capacity_activity", &row.id, None, &[&field])],
    )
    .await?;
    let v = view(&mut tx, &row).await?;
    homeward_store::commit(tx).await?;
    Ok(v)
}
