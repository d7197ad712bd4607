//! Programme data a client needs to build forms and read a case's calendar: the feasibility grid
//! of Annex 5 and what falls due in a case under its timing schedule.

use chrono::NaiveDate;
use homeward_domain::access::Permission;
use homeward_domain::feasibility::{CriteriaLevel, Dimension};
use homeward_domain::timing::{Anchor, Anchors, DueKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::case_in_scope;
use crate::error::{Result, ServiceError};

#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionView {
    pub level: CriteriaLevel,
    pub text: String,
}

/// One intervention of the grid, with the criteria a feasibility check marks in this order.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterventionView {
    pub id: String,
    pub dimension: Dimension,
    pub name: String,
    pub useful_for: String,
    pub criteria: Vec<CriterionView>,
    /// The handbook line it comes from (0 for a programme's own).
    pub line: u32,
}

/// The feasibility grid: the interventions plan components and feasibility checks refer to.
pub async fn grid(state: &Services, caller: &Caller) -> Result<Vec<InterventionView>> {
    caller.require(Permission::ReadCases)?;
    Ok(state
        .grid
        .interventions
        .iter()
        .map(|i| InterventionView {
            id: i.id.clone(),
            dimension: i.dimension,
            name: i.name.clone(),
            useful_for: i.useful_for.clone(),
            criteria: i.criteria.iter().map(|c| CriterionView { level: c.level, text: c.text.clone() }).collect(),
            line: i.line,
        })
        .collect())
}

/// One thing due in a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueView {
    pub kind: DueKind,
    pub date: NaiveDate,
    /// The last day it may still be done.
    pub until: NaiveDate,
    /// Months after the anchor.
    pub months: u32,
    pub anchor: Anchor,
}

/// What falls due in the case under its schedule (plan, follow-ups, reports, RSS rounds),
/// counted from its return and, once agreed, its plan. Rules counted from the plan appear once
/// the plan is agreed.
pub async fn due_dates(state: &Services, caller: &Caller, id: &str) -> Result<Vec<DueView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let case = case_in_scope(&mut conn, caller, id).await?;
    drop(conn);
    let schedule = state.timing.schedule(&case.schedule).ok_or_else(|| {
        ServiceError::Internal(format!("case {id}: schedule '{}' is not in the timing rules", case.schedule))
    })?;
    let anchors = Anchors { returned: case.date_of_return, plan_agreed: case.plan_agreed_on };
    // The dates come from the case's return and plan: a read of case data, audited like any.
    state.reads.record(vec![entry(caller, "read", "due_dates", id, Some(id), &["return", "plan_agreed_on"])]).await?;
    Ok(schedule
        .due_dates(&anchors)
        .into_iter()
        .map(|d| DueView { kind: d.kind, date: d.date, until: d.until, months: d.months, anchor: d.anchor })
        .collect())
}

/// The RSS as an XLSForm for ODK Collect and KoboToolbox: every language of the instrument,
/// `language` first (the form's default) when it is one of them, Q21 computed with the server's
/// scoring profile. For those who take surveys.
pub fn rss_form(state: &Services, caller: &Caller, language: &str) -> Result<Vec<u8>> {
    caller.require(Permission::TakeSurvey)?;
    let instrument = state.scorer.instrument();
    let mut languages: Vec<&str> = instrument.languages.iter().map(String::as_str).collect();
    if let Some(i) = languages.iter().position(|l| *l == language) {
        languages[..=i].rotate_right(1);
    }
    let form = homeward_xlsform::rss_form(instrument, state.scorer.profile(), &languages)
        .map_err(|e| ServiceError::Internal(format!("the RSS form: {e}")))?;
    form.to_xlsx().map_err(|e| ServiceError::Internal(format!("the RSS form: {e}")))
}
