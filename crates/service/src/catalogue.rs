//! Programme data a client needs to build forms and read a case's calendar: the feasibility grid
//! of Annex 5 and what falls due in a case under its timing schedule.

use chrono::NaiveDate;
use homeward_domain::access::Permission;
use homeward_domain::feasibility::{CriteriaLevel, Dimension};
use homeward_domain::timing::{Anchor, Anchors, DueKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::{entry, page_entries};
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

/// The file name a form made for an office expects its case list under.
pub const CASE_LIST_FILE: &str = "cases.csv";

/// The RSS as an XLSForm for ODK Collect and KoboToolbox: every language of the instrument,
/// `language` first (the form's default) when it is one of them, Q21 computed with the server's
/// scoring profile. The case is typed as its number, or, with `case_list`, chosen from the list
/// attached to the form ([`case_list`]). For those who take surveys.
pub fn rss_form(state: &Services, caller: &Caller, language: &str, case_list: bool) -> Result<Vec<u8>> {
    caller.require(Permission::TakeSurvey)?;
    let instrument = state.scorer.instrument();
    let mut languages: Vec<&str> = instrument.languages.iter().map(String::as_str).collect();
    if let Some(i) = languages.iter().position(|l| *l == language) {
        languages[..=i].rotate_right(1);
    }
    let case = if case_list {
        homeward_xlsform::CaseChoice::FromFile(CASE_LIST_FILE)
    } else {
        homeward_xlsform::CaseChoice::Number
    };
    let form = homeward_xlsform::rss_form(instrument, state.scorer.profile(), &languages, case)
        .map_err(|e| ServiceError::Internal(format!("the RSS form: {e}")))?;
    form.to_xlsx().map_err(|e| ServiceError::Internal(format!("the RSS form: {e}")))
}

/// The id of the RSS form, in its XLSForm, its XForm and the OpenRosa form list.
pub const RSS_FORM_ID: &str = homeward_xlsform::FORM_ID;

/// The XForm ODK Collect downloads, with what the form list says of it.
#[derive(Debug, Clone)]
pub struct RssXForm {
    pub xml: String,
    pub title: String,
    pub version: String,
}

/// The RSS as the XForm ODK Collect downloads from Homeward (the case typed as its number), in
/// every language of the instrument. For those who take surveys.
pub fn rss_xform(state: &Services, caller: &Caller) -> Result<RssXForm> {
    caller.require(Permission::TakeSurvey)?;
    let instrument = state.scorer.instrument();
    let languages: Vec<&str> = instrument.languages.iter().map(String::as_str).collect();
    let form = homeward_xlsform::rss_form(
        instrument,
        state.scorer.profile(),
        &languages,
        homeward_xlsform::CaseChoice::Number,
    )
    .map_err(|e| ServiceError::Internal(format!("the RSS form: {e}")))?;
    let xml = form.to_xform().map_err(|e| ServiceError::Internal(format!("the RSS XForm: {e}")))?;
    let title = form.setting("form_title").unwrap_or(RSS_FORM_ID).to_string();
    let version = form.setting("version").unwrap_or_default().to_string();
    Ok(RssXForm { xml, title, version })
}

/// The open cases of an office as the CSV attached to a form made with a case list: each case's
/// number, and a label that identifies it without a name (number, sex, age at return, return
/// date), or with the returnee's name when `names` is asked by a role that sees names. The office
/// is the caller's, or the one asked by a user of every office. Each case listed is audited: the
/// list leaves Homeward for the devices.
pub async fn case_list(state: &Services, caller: &Caller, office: Option<&str>, names: bool) -> Result<String> {
    caller.require(Permission::TakeSurvey)?;
    caller.require(Permission::ReadCases)?;
    let office = match (&caller.access.office, office.map(str::trim).filter(|o| !o.is_empty())) {
        (Some(mine), _) => mine.clone(),
        (None, Some(asked)) => asked.to_string(),
        (None, None) => {
            let problem = homeward_domain::problem!("required", "is required");
            return Err(ServiceError::problem("office", problem));
        }
    };
    let names = names && caller.access.role.sees_identities();
    let filter =
        homeward_store::query::cases::CaseFilter { office: Some(office), open_only: true, ..Default::default() };
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    let mut conn = state.store.read().await?;
    loop {
        let page = homeward_store::query::cases::list(&mut conn, &filter, cursor.as_deref(), 500).await?;
        rows.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    drop(conn);
    let fields: &[&str] = if names {
        &["case_number", "names", "sex", "age_at_return", "return"]
    } else {
        &["case_number", "sex", "age_at_return", "return"]
    };
    state.reads.record(page_entries(caller, "list", rows.iter().map(|c| c.id.as_str()), fields)).await?;
    let cases: Vec<(String, String)> = rows
        .iter()
        .map(|c| {
            let age = homeward_domain::returnee::age_on(c.date_of_birth, c.date_of_return);
            let sex = if c.sex == homeward_domain::returnee::Sex::Female { "F" } else { "M" };
            let label = if names {
                format!("{} · {} {}", c.case_number, c.given_name, c.family_name)
            } else {
                format!("{} · {sex} · {age} · {}", c.case_number, c.date_of_return)
            };
            (c.case_number.clone(), label)
        })
        .collect();
    Ok(homeward_xlsform::case_list_csv(&cases))
}
