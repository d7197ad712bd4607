//! The caseload: the cases the user may see, with their state, latest RSS band and next
//! follow-up, searched and filtered.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::case::CaseState;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::cases::{self, CaseQuery};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{encode, render};
use crate::session::Session;

/// One row of the caseload.
struct Row {
    id: String,
    case_number: String,
    name: String,
    office: String,
    status: &'static str,
    band: Option<String>,
    next_follow_up: Option<chrono::NaiveDate>,
    overdue: bool,
    /// No plan agreed a month after return (the handbook's target, lines 2286-2293).
    plan_overdue: bool,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    rows: Vec<Row>,
    q: String,
    status: String,
    band: String,
    statuses: Vec<&'static str>,
    bands: [&'static str; 3],
    next: Option<String>,
    message: Option<String>,
    may_register: bool,
    /// May take surveys, so may download the RSS form for offline collection.
    may_survey: bool,
    mine: bool,
    closed: bool,
    /// Each sortable column's header: (message key, the link that orders by it, `ascending`,
    /// `descending` or `none` for aria-sort).
    columns: Vec<(&'static str, String, &'static str)>,
    /// The work due on the user's cases (their own as a case manager), on the first page.
    work: Option<homeward_service::worklist::Worklist>,
    /// Its items by when they are due: (the heading's message key, the items).
    work_groups: Vec<(&'static str, Vec<homeward_service::worklist::WorkItemView>)>,
    /// For supervisors: referrals sent without consent in their offices, to review.
    overrides: Vec<homeward_service::referrals::OverrideView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseloadQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    band: String,
    #[serde(default)]
    cursor: Option<String>,
    /// Only the caller's own cases.
    #[serde(default)]
    mine: Option<String>,
    /// Closed and archived cases too.
    #[serde(default)]
    closed: Option<String>,
    /// The column the list is ordered by (`name`, `-next_follow_up`...).
    #[serde(default)]
    sort: String,
    /// The filter form was sent: its boxes say what they say (an unticked box is not sent, so
    /// without this the defaults apply).
    #[serde(default)]
    filtered: Option<String>,
}

impl CaseloadQuery {
    /// Only the user's own cases: as ticked, or by default for a case manager, whose home page
    /// is their own caseload.
    fn mine(&self, role: homeward_domain::access::Role) -> bool {
        if self.filtered.is_some() || self.cursor.is_some() {
            self.mine.is_some()
        } else {
            role == homeward_domain::access::Role::CaseManager
        }
    }
}

pub async fn caseload(State(state): State<Services>, session: Session, Query(query): Query<CaseloadQuery>) -> Response {
    // A partner has no caseload: its home is the packets sent to it.
    if !session.caller.access.may(Permission::ReadCases) && session.caller.access.may(Permission::HandleReferralPackets)
    {
        return Redirect::to("/packets").into_response();
    }
    // An outreach focal point has no caseload either: their home is the communities.
    if !session.caller.access.may(Permission::ReadCases) && session.caller.access.may(Permission::ReadCommunity) {
        return Redirect::to("/communities").into_response();
    }
    let t = catalogue(&session.caller.language);
    let status = CaseState::from_name(&query.status);
    let mine = query.mine(session.caller.access.role);
    // Closed and archived cases only when asked for, by the box or by choosing their status.
    let open = query.closed.is_none() && !matches!(status, Some(CaseState::Closed | CaseState::Archived));
    let api_query = CaseQuery {
        sort: Some(query.sort.clone()).filter(|s| !s.is_empty()),
        open: Some(open),
        cursor: query.cursor.clone(),
        limit: Some(50),
        status,
        office: None,
        case_manager: mine.then(|| session.caller.username.clone()),
        follow_up_due_by: None,
        band: Some(query.band.clone()).filter(|b| !b.is_empty()),
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
    };
    let today = homeward_store::today();
    let (rows, next, message) = match cases::list(&state, &session.caller, api_query).await {
        Ok(page) => {
            let rows = page
                .items
                .iter()
                .map(|c| Row {
                    id: c.id.clone(),
                    case_number: c.case_number.clone(),
                    name: match (&c.given_name, &c.family_name) {
                        (Some(g), Some(f)) => format!("{g} {f}"),
                        _ => "—".into(),
                    },
                    office: c.office.clone(),
                    status: c.status.name(),
                    band: c.latest_band.map(|b| b.as_str().to_string()),
                    next_follow_up: c.next_follow_up,
                    overdue: c.next_follow_up.is_some_and(|d| d < today),
                    plan_overdue: c.plan_agreed_on.is_none()
                        && matches!(c.status, CaseState::Intake | CaseState::Assessment | CaseState::Planning)
                        && c.date_of_return.checked_add_months(chrono::Months::new(1)).is_some_and(|due| due < today),
                })
                .collect();
            let next = page.next_cursor.map(|cursor| {
                format!(
                    "/?q={}&status={}&band={}{}{}&sort={}&filtered=1&cursor={}",
                    encode(&query.q),
                    encode(&query.status),
                    encode(&query.band),
                    if mine { "&mine=1" } else { "" },
                    if open { "" } else { "&closed=1" },
                    encode(&query.sort),
                    encode(&cursor),
                )
            });
            (rows, next, None)
        }
        Err(ServiceError::Forbidden(m) | ServiceError::Unreadable(m, _)) => (vec![], None, Some(m)),
        Err(e) => return crate::layout::failure(e),
    };
    let first_page = query.cursor.is_none() && query.q.trim().is_empty();
    let work = if first_page && session.caller.access.role.sees_identities() {
        homeward_service::worklist::worklist(&state, &session.caller).await.ok()
    } else {
        None
    };
    let overrides = if session.caller.access.may(Permission::ReviewOverrides) {
        homeward_service::referrals::overrides(&state, &session.caller).await.unwrap_or_default()
    } else {
        vec![]
    };
    let page = CaseloadPage {
        t,
        session: &session,
        rows,
        q: query.q.clone(),
        status: query.status.clone(),
        band: query.band.clone(),
        statuses: CaseState::ALL.iter().map(|s| s.name()).collect(),
        bands: ["intensive", "standard", "light"],
        next,
        message,
        may_register: session.caller.access.may(Permission::RegisterCase),
        may_survey: session.caller.access.may(Permission::TakeSurvey),
        columns: columns(&query, mine, open),
        mine,
        closed: !open,
        overrides,
        work_groups: work.as_ref().map(groups).unwrap_or_default(),
        work,
    };
    render(page, StatusCode::OK)
}

/// The worklist's items under their headings: overdue, today, this week (empty ones left out).
fn groups(
    w: &homeward_service::worklist::Worklist,
) -> Vec<(&'static str, Vec<homeward_service::worklist::WorkItemView>)> {
    use homeward_domain::worklist::WhenDue;
    [(WhenDue::Overdue, "when_overdue"), (WhenDue::Today, "when_today"), (WhenDue::ThisWeek, "when_this_week")]
        .into_iter()
        .map(|(when, key)| (key, w.items.iter().filter(|i| i.when == when).cloned().collect::<Vec<_>>()))
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// A case suggested while typing a search.
#[derive(Debug, serde::Serialize)]
pub struct Suggestion {
    id: String,
    case_number: String,
    name: String,
}

/// The first cases a search finds, as JSON for the search box's suggestions (the same search,
/// scope and audit as the caseload's).
pub async fn suggest(State(state): State<Services>, session: Session, Query(query): Query<SuggestQuery>) -> Response {
    let q = query.q.trim();
    if q.chars().count() < 2 {
        return axum::Json(Vec::<Suggestion>::new()).into_response();
    }
    let api_query = CaseQuery {
        cursor: None,
        limit: Some(8),
        status: None,
        office: None,
        case_manager: None,
        follow_up_due_by: None,
        band: None,
        q: Some(q.to_string()),
        open: Some(false),
        sort: None,
    };
    match cases::list(&state, &session.caller, api_query).await {
        Ok(page) => axum::Json(
            page.items
                .into_iter()
                .map(|c| Suggestion {
                    name: match (&c.given_name, &c.family_name) {
                        (Some(g), Some(f)) => format!("{g} {f}"),
                        _ => String::new(),
                    },
                    id: c.id,
                    case_number: c.case_number,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(_) => axum::Json(Vec::<Suggestion>::new()).into_response(),
    }
}

/// The caseload's column headers: each a link that orders the list by it (again: the other way).
fn columns(query: &CaseloadQuery, mine: bool, open: bool) -> Vec<(&'static str, String, &'static str)> {
    [
        ("case_number", "registered"),
        ("name", "name"),
        ("office", "office"),
        ("status", "status"),
        ("band", "band"),
        ("next_follow_up", "next_follow_up"),
    ]
    .into_iter()
    .map(|(label, sort)| {
        let current = query.sort.trim_start_matches('-') == sort || (query.sort.is_empty() && sort == "registered");
        let descending = query.sort.starts_with('-');
        let next = if current && !descending { format!("-{sort}") } else { sort.to_string() };
        let link = format!(
            "/?q={}&status={}&band={}{}{}&sort={next}&filtered=1",
            encode(&query.q),
            encode(&query.status),
            encode(&query.band),
            if mine { "&mine=1" } else { "" },
            if open { "" } else { "&closed=1" },
        );
        let state = match (current, descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        (label, link, state)
    })
    .collect()
}
