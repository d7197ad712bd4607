//! Cases: register a returnee, list and search, read, correct, move through the lifecycle.

use chrono::{Datelike, NaiveDate};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::case::{CASE, CaseAction, CaseState};
use homeward_domain::closure::Closure;
use homeward_domain::ids::CaseId;
use homeward_domain::plan::PlanState;
use homeward_domain::problem;
use homeward_domain::records::fixed_section;
use homeward_domain::returnee::{ProfileDetails, Registration, case_number};
use homeward_domain::search;
use homeward_rss::Band;
use homeward_store::audit as store_audit;
use homeward_store::frames::{CaseRow, CaseSummaryRow};
use homeward_store::query::{cases, plans, records, referrals, surveys};
use homeward_store::{new_id, now, to_json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Services;
use crate::audit::{entry, page_entries};
use crate::auth::Caller;
use crate::case_in_scope;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdempotencyKey;
use crate::views::{CasePage, CaseSummary, CaseView};

/// Registers a returnee and opens their case (in `pre_departure` when the return date is still
/// ahead, else `intake`).
pub async fn register(state: &Services, caller: &Caller, registration: Registration) -> Result<CaseView> {
    register_noting(state, caller, registration, &[], None).await
}

/// [`register`] named by an idempotency key: sent again (a retry on a poor link, a double
/// click, another app server), it answers the case made the first time.
pub async fn register_once(
    state: &Services,
    caller: &Caller,
    registration: Registration,
    key: Option<IdempotencyKey>,
) -> Result<CaseView> {
    register_noting(state, caller, registration, &[], key.as_ref()).await
}

/// The case `caller` already registered with `key`, if any: a form sent again goes to it before
/// anything else is checked (the first sending's case would otherwise be its own possible
/// duplicate).
pub async fn registered_with(
    state: &Services,
    caller: &Caller,
    key: Option<&IdempotencyKey>,
) -> Result<Option<String>> {
    let mut conn = state.store.read().await?;
    crate::idempotency::earlier(&mut conn, caller, key, "case").await
}

/// [`register_once`], recording in the same transaction that the user confirmed the cases
/// `not_duplicates` (shown as possible duplicates) are other people.
pub(crate) async fn register_noting(
    state: &Services,
    caller: &Caller,
    registration: Registration,
    not_duplicates: &[String],
    key: Option<&IdempotencyKey>,
) -> Result<CaseView> {
    caller.require(Permission::RegisterCase)?;
    let mut conn = state.store.read().await?;
    let offices = crate::offices::names(&mut conn).await?;
    drop(conn);
    let mut registration = registration;
    let (schedule, office) = check_registration(state, caller, &registration, &offices)?;
    registration.office = office;
    let mut tx = state.store.begin().await?;
    if let Some(id) = crate::idempotency::earlier(&mut tx, caller, key, "case").await? {
        drop(tx);
        return read(state, caller, &id).await;
    }
    let year = homeward_store::today().year();
    let sequence = cases::next_sequence(&mut tx, &format!("case_number:{year}")).await?;
    let row = new_case(caller, &registration, schedule, case_number(year, sequence), now());
    let id = row.id.to_string();
    cases::insert(&mut tx, &row, &search_terms(&row)).await?;
    crate::idempotency::remember(&mut tx, caller, key, "case", &id).await?;
    let mut entries = vec![entry(caller, "create", "case", &id, Some(&id), &["registration"])];
    for other in not_duplicates.iter().take(20) {
        entries.push(entry(caller, "confirm_not_duplicate", "case", other, Some(&id), &["registration"]));
    }
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(CaseView::new(&row, caller, &state.timing)?)
}

/// The case a registration opens: in `pre_departure` when the return date is still ahead, else
/// `intake`; managed by the user who registers it unless the registration names another.
pub(crate) fn new_case(
    caller: &Caller,
    registration: &Registration,
    schedule: String,
    case_number: String,
    at: chrono::DateTime<chrono::Utc>,
) -> CaseRow {
    let status =
        if registration.date_of_return > homeward_store::today() { CaseState::PreDeparture } else { CaseState::Intake };
    CaseRow {
        summary: CaseSummaryRow {
            id: CaseId::new(new_id()),
            case_number,
            office: registration.office.trim().to_string(),
            status,
            case_manager: registration.case_manager.clone().unwrap_or_else(|| caller.username.clone()),
            given_name: registration.given_name.trim().to_string(),
            family_name: registration.family_name.trim().to_string(),
            sex: registration.sex,
            date_of_birth: registration.date_of_birth,
            date_of_return: registration.date_of_return,
            country_of_origin: registration.country_of_origin.to_string(),
            schedule,
            plan_agreed_on: None,
            next_follow_up: None,
            latest_band: None,
            version: 1,
            created_at: at,
            updated_at: at,
        },
        profile: to_json(&registration.profile),
        closure: None,
        created_by: caller.username.clone(),
    }
}

/// Registers many synthetic returnees in one transaction: the demo's benchmark caseload, written
/// as rows with their search terms. Every case is audited as created, like a registration.
pub async fn register_synthetic(state: &Services, caller: &Caller, batch: &[(CaseRow, Vec<String>)]) -> Result<usize> {
    caller.require(Permission::RegisterCase)?;
    if let Some((row, _)) = batch.iter().find(|(row, _)| !caller.access.covers_office(&row.office)) {
        return Err(ServiceError::Forbidden(format!("you cannot register cases in '{}'", row.office)));
    }
    let mut tx = state.store.begin().await?;
    let mut entries = Vec::with_capacity(batch.len());
    for (row, terms) in batch {
        cases::insert(&mut tx, row, terms).await?;
        entries.push(entry(caller, "create", "case", &row.id, Some(&row.id), &["registration"]));
    }
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(batch.len())
}

/// Checks a registration beyond its own rules: the office is the caller's, the schedule exists.
/// A registration checked as the form checks it: its schedule and its office as recorded.
pub(crate) fn check_registration(
    state: &Services,
    caller: &Caller,
    r: &Registration,
    offices: &crate::offices::Names,
) -> Result<(String, String)> {
    r.validate().map_err(ServiceError::invalid)?;
    let office = offices.resolve(&r.office).map_err(|e| ServiceError::invalid(vec![e]))?;
    if !caller.access.covers_office(&office) {
        return Err(ServiceError::Forbidden(format!(
            "you work in office '{}' and cannot register cases in '{}'",
            caller.access.office.as_deref().unwrap_or(""),
            office
        )));
    }
    let schedule = r.schedule.as_deref().map(str::trim).unwrap_or("standard").to_string();
    if state.timing.schedule(&schedule).is_none() {
        let known: Vec<&str> = state.timing.schedules.keys().map(String::as_str).collect();
        let problem = problem!(
            "not_a_schedule",
            "'{schedule}' is not a schedule; schedules: {values}",
            schedule = schedule,
            values = known.join(", ")
        );
        return Err(ServiceError::problem("schedule", problem));
    }
    check_schedule_grant(state, caller, &schedule)?;
    Ok((schedule, office))
}

/// A schedule whose name reveals a section (trafficking) is set only by users granted it.
fn check_schedule_grant(state: &Services, caller: &Caller, schedule: &str) -> Result<()> {
    match state.timing.reveals(schedule) {
        Some(section) if !caller.access.may_read_section(section) => {
            caller.denied("case", schedule, None, "schedule reveals a section without its grant");
            let problem = problem!(
                "schedule_needs_grant",
                "the schedule '{schedule}' reveals the section {section}: only users granted it may set it",
                schedule = schedule,
                section = section.name()
            );
            Err(ServiceError::problem("schedule", problem))
        }
        _ => Ok(()),
    }
}

/// Search terms of a case: its folded names (also joined, and as they sound), its number and
/// its number's sequence (`#25`).
pub fn search_terms(row: &CaseRow) -> Vec<String> {
    let mut terms = search::terms(&[&row.given_name, &row.family_name]);
    terms.push(row.case_number.to_lowercase());
    terms.extend(search::sequence_term(&row.case_number));
    let profile: Option<ProfileDetails> = homeward_store::from_json("case profile", &row.profile).ok();
    if let Some(community) = profile.and_then(|p| p.community) {
        terms.push(community_term(&search::fold(&community)));
    }
    terms
}

/// The term that finds the cases of a community of return by its folded name (whole only).
pub(crate) fn community_term(folded: &str) -> String {
    format!("{}community {folded}", cases::WHOLE_ONLY)
}

/// The version of the search terms; cases indexed under an older one are indexed again at start.
/// 3: kept as keyed hashes, with the community of return. 4: the hashes as 8-byte integers
/// (migration 0023). 5: each row with its case's Bloom filter of prefixes (migration 0024).
const SEARCH_TERMS_VERSION: i64 = 5;

/// Re-indexes every case's search terms if they were made by an older version of the rules
/// (`homeward serve` and the other commands call it at start); returns how many cases it did.
pub async fn reindex_search(state: &Services) -> Result<usize> {
    if search_index_is_current(state).await? {
        return Ok(0);
    }
    rebuild_search(state).await
}

/// Whether every case's search terms were made under the current rules (if not, starting
/// reindexes them: about a minute per 100,000 cases, which a command says before it begins).
pub async fn search_index_is_current(state: &Services) -> Result<bool> {
    let mut conn = state.store.read().await?;
    Ok(cases::counter(&mut conn, "search_terms_version").await? >= SEARCH_TERMS_VERSION)
}

/// Makes every case's search terms again (after the rules or the search key changed).
pub async fn rebuild_search(state: &Services) -> Result<usize> {
    let mut done = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut conn = state.store.read().await?;
        // Whole cases: the community of return is in the profile.
        let page = cases::whole_page(&mut conn, None, cursor.as_deref(), 1000).await?;
        drop(conn);
        let terms: Vec<Vec<String>> = page.items.iter().map(search_terms).collect();
        let of_cases: Vec<(&str, &[String])> =
            page.items.iter().zip(&terms).map(|(row, terms)| (row.id.as_str(), terms.as_slice())).collect();
        let mut tx = state.store.begin().await?;
        cases::replace_terms(&mut tx, &of_cases).await?;
        homeward_store::commit(tx).await?;
        done += page.items.len();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut tx = state.store.begin().await?;
    cases::set_counter(&mut tx, "search_terms_version", SEARCH_TERMS_VERSION).await?;
    homeward_store::commit(tx).await?;
    Ok(done)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Cases per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    pub status: Option<CaseState>,
    pub office: Option<String>,
    pub case_manager: Option<String>,
    /// Cases whose next follow-up is due on or before this date (`YYYY-MM-DD`).
    pub follow_up_due_by: Option<NaiveDate>,
    /// Composite band of the latest survey: `intensive`, `standard` or `light`.
    pub band: Option<String>,
    /// A case number (`HW-2026-000042`, or its start) or words of the returnee's names (at most
    /// 12), in any case and with or without accents.
    pub q: Option<String>,
    /// `true`: only open cases, leaving out closed and archived ones.
    pub open: Option<bool>,
    /// The order: `registered` (the default), `name`, `status`, `next_follow_up`, `band` or
    /// `office`; a leading `-` for the largest first.
    pub sort: Option<String>,
}

/// The order a `sort` parameter asks for, or what it may be.
fn sort_of(text: Option<&str>) -> Result<(cases::CaseSort, bool)> {
    use cases::CaseSort as S;
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok((S::Registered, false)) };
    let (descending, name) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let sort = match name {
        "registered" => S::Registered,
        "name" => S::Name,
        "status" => S::Status,
        "next_follow_up" => S::NextFollowUp,
        "band" => S::Band,
        "office" => S::Office,
        _ => {
            return Err(ServiceError::Unreadable(
                format!(
                    "sort '{text}' is not one of: registered, name, status, next_follow_up, band, office (a leading - for the largest first)"
                ),
                vec![],
            ));
        }
    };
    Ok((sort, descending))
}

/// The most words a name search takes (a returnee's names, however many, are fewer).
const MAX_SEARCH_WORDS: usize = 12;

/// Lists the cases in the caller's scope, filtered, a page at a time.
pub async fn list(state: &Services, caller: &Caller, query: CaseQuery) -> Result<CasePage> {
    caller.require(Permission::ReadCases)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ServiceError::Unreadable("limit must be between 1 and 200".into(), vec![]));
    }
    if let Some(band) = query.band.as_deref().filter(|b| !Band::ALL.iter().any(|known| known.as_str() == *b)) {
        return Err(ServiceError::Unreadable(
            format!("band '{band}' is not one of: intensive, standard, light"),
            vec![],
        ));
    }
    let office = match (&caller.access.office, &query.office) {
        (Some(mine), Some(asked)) if mine != asked => return Ok(CasePage { items: vec![], next_cursor: None }),
        (Some(mine), _) => Some(mine.clone()),
        (None, asked) => asked.clone(),
    };
    let search = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        None => None,
        Some(q) if is_case_number(q) => Some(vec![q.to_lowercase()]),
        Some(q) if q.bytes().all(|b| b.is_ascii_digit()) => {
            let digits = q.trim_start_matches('0');
            Some(vec![format!("{}{}", search::SEQUENCE, if digits.is_empty() { "0" } else { digits })])
        }
        Some(q) => {
            if !caller.access.may(Permission::SearchByName) {
                return Err(ServiceError::Forbidden(
                    "your role sees pseudonymised data only: search by case number, not by name".into(),
                ));
            }
            // `N'Diaye` and `Ndiaye` are one name: apostrophes and hyphens join first.
            let words: Vec<String> =
                search::fold_joined(q).split(' ').map(str::to_string).filter(|w| !w.is_empty()).collect();
            if words.is_empty() {
                return Err(ServiceError::Unreadable("q has no letters or digits to search for".into(), vec![]));
            }
            // Each word is a lookup and a condition of the query: a page of words is no name.
            if words.len() > MAX_SEARCH_WORDS {
                return Err(ServiceError::Unreadable(
                    format!("q has {} words: search with at most {MAX_SEARCH_WORDS}", words.len()),
                    vec![],
                ));
            }
            Some(words)
        }
    };
    let (sort, descending) = sort_of(query.sort.as_deref())?;
    let mut filter = cases::CaseFilter {
        sort,
        descending,
        open_only: query.open.unwrap_or(false),
        office,
        status: query.status,
        case_manager: query.case_manager.clone(),
        follow_up_due_by: query.follow_up_due_by,
        band: query.band.as_deref().and_then(Band::from_name),
        search,
    };
    let mut conn = state.store.read().await?;
    let mut page = cases::list(&mut conn, &filter, query.cursor.as_deref(), limit).await?;
    // Names as staff type them: when the words joined find nothing, the words split at their
    // punctuation (`Ndiaye-Gueye`), then as they sound (`Kadija` finds `Khadija`).
    if page.items.is_empty() && query.cursor.is_none() {
        for fallback in name_fallbacks(query.q.as_deref().unwrap_or("")) {
            filter.search = Some(fallback);
            page = cases::list(&mut conn, &filter, None, limit).await?;
            if !page.items.is_empty() {
                break;
            }
        }
    }
    drop(conn);
    let items = page.items.iter().map(|c| CaseSummary::new(c, caller, &state.timing)).collect();
    let fields = CaseSummary::audited_fields(caller);
    state.reads.record(page_entries(caller, "list", page.items.iter().map(|c| c.id.as_str()), fields)).await?;
    Ok(CasePage { items, next_cursor: page.next_cursor })
}

/// Other readings of a name search that found nothing: its words split where punctuation joins
/// them, then each word's phonetic key. Nothing for a case number or a number.
fn name_fallbacks(q: &str) -> Vec<Vec<String>> {
    let q = q.trim();
    if q.is_empty() || is_case_number(q) || q.bytes().all(|b| b.is_ascii_digit()) {
        return vec![];
    }
    let words =
        |text: String| -> Vec<String> { text.split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect() };
    let split = words(search::fold(q));
    let sounds: Vec<String> = split.iter().map(|w| format!("{}{}", search::PHONETIC, search::phonetic(w))).collect();
    [split, sounds].into_iter().filter(|w| !w.is_empty()).collect()
}

/// A case number or its beginning: `HW-`, then digits and dashes.
fn is_case_number(q: &str) -> bool {
    let upper = q.to_ascii_uppercase();
    upper.starts_with("HW-") && upper[3..].bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

/// Reads one case.
pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<CaseView> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let case = case_in_scope(&mut conn, caller, id).await?;
    let merges = cases::merges(&mut conn, id).await?;
    drop(conn);
    let view = CaseView::new(&case, caller, &state.timing)?.with_merges(merges);
    let fields = CaseView::audited_fields(caller);
    state.reads.record(vec![entry(caller, "read", "case", id, Some(id), fields)]).await?;
    Ok(view)
}

/// A correction of a case's registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseUpdate {
    /// The version last read.
    pub version: i64,
    pub case: Registration,
}

/// Corrects the registration (names, dates, office, case manager, profile). 409 when someone
/// changed the case since `version` was read.
pub async fn update(state: &Services, caller: &Caller, id: &str, update: CaseUpdate) -> Result<CaseView> {
    caller.require(Permission::EditCase)?;
    let r = &update.case;
    // A schedule left out, or shown as restricted, stays as it is.
    let keep = r.schedule.as_deref().map(str::trim).is_none_or(|s| s == crate::views::RESTRICTED);
    let mut tx = state.store.begin().await?;
    let offices = crate::offices::names(&mut tx).await?;
    let (schedule, office) = if keep {
        let standard = Registration { schedule: Some("standard".into()), ..r.clone() };
        (None, check_registration(state, caller, &standard, &offices)?.1)
    } else {
        let (schedule, office) = check_registration(state, caller, r, &offices)?;
        (Some(schedule), office)
    };
    let mut case = crate::case_to_change(&mut tx, caller, id).await?;
    if let Some(new) = &schedule
        && *new != case.schedule
    {
        check_schedule_grant(state, caller, &case.schedule)?;
    }
    case.office = office;
    if let Some(manager) = &r.case_manager {
        case.case_manager = manager.clone();
    }
    case.given_name = r.given_name.trim().to_string();
    case.family_name = r.family_name.trim().to_string();
    case.sex = r.sex;
    case.date_of_birth = r.date_of_birth;
    case.date_of_return = r.date_of_return;
    case.country_of_origin = r.country_of_origin.to_string();
    case.profile = to_json(&r.profile);
    if let Some(schedule) = schedule {
        case.schedule = schedule;
    }
    let version = cases::update(&mut tx, &case, update.version, Some(&search_terms(&case))).await?;
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, "update", "case", id, Some(id), &["registration"])])
        .await?;
    homeward_store::commit(tx).await?;
    case.version = version;
    case.updated_at = now();
    Ok(CaseView::new(&case, caller, &state.timing)?)
}

/// A move of a case through its lifecycle.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStep {
    pub action: CaseAction,
    /// The version last read.
    pub version: i64,
    /// Required with `close` and `opt_out`.
    #[serde(default)]
    pub closure: Option<Closure>,
}

/// Moves a case: an illegal move answers 409 naming the state and what it allows. Closing
/// (`close`, or `opt_out` at any time) records the closure.
pub async fn transition(state: &Services, caller: &Caller, id: &str, step: CaseStep) -> Result<CaseView> {
    caller.require(Permission::MoveCase)?;
    let closing = matches!(step.action, CaseAction::Close | CaseAction::OptOut);
    match (&step.closure, closing) {
        (None, true) => {
            return Err(ServiceError::problem(
                "closure",
                problem!("closure_required", "record the closure: date, reason, choice and timing"),
            ));
        }
        (Some(_), false) => {
            return Err(ServiceError::problem(
                "closure",
                problem!("closure_only_closing", "a closure goes only with `close` or `opt_out`"),
            ));
        }
        (Some(c), true) => c.validate().map_err(|e| ServiceError::invalid(prefixed("closure", e)))?,
        (None, false) => {}
    }
    let mut tx = state.store.begin().await?;
    let mut case = case_in_scope(&mut tx, caller, id).await?;
    if case.version != step.version {
        return Err(ServiceError::Conflict(
            homeward_store::StoreError::Conflict { current: case.version }.to_string(),
            Some(case.version),
        ));
    }
    let to = CASE.next(case.status, step.action)?;
    if step.action == CaseAction::AgreePlan {
        let agreed =
            plans::of_case(&mut tx, id).await?.iter().any(|p| matches!(p.state, PlanState::Agreed | PlanState::Active));
        if !agreed {
            return Err(ServiceError::Conflict("no plan version is agreed yet: agree the plan first".into(), None));
        }
    }
    case.status = to;
    if let Some(closure) = &step.closure {
        for (field, purpose) in closure.needs_consent() {
            let field = format!("closure.{field}");
            crate::consents::require(&mut tx, id, homeward_domain::consent::DataUse::Purpose(purpose), &field).await?;
        }
        case.closure = Some(to_json(closure));
        case.next_follow_up = None;
    }
    let version = cases::update(&mut tx, &case, step.version, None).await?;
    let fields: &[&str] = if closing { &["status", "closure"] } else { &["status"] };
    store_audit::append(&mut tx, &state.audit_key, &[entry(caller, step.action.name(), "case", id, Some(id), fields)])
        .await?;
    homeward_store::commit(tx).await?;
    case.version = version;
    Ok(CaseView::new(&case, caller, &state.timing)?)
}

pub(crate) fn prefixed(
    prefix: &str,
    errors: Vec<homeward_domain::validate::FieldError>,
) -> Vec<homeward_domain::validate::FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            e.field = format!("{prefix}.{}", e.field);
            e
        })
        .collect()
}

/// One thing that happened on a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub date: Option<NaiveDate>,
    /// `registered`, a record kind, `survey`, `plan`, `referral`, `closed`.
    pub kind: String,
    pub id: String,
    /// A short description in English: the survey's phase and status, the plan's version and
    /// state, ... (pages compose theirs from the fields below, in the user's language).
    pub summary: String,
    /// The record kind, survey phase, or closure reason: a stable name.
    pub what: Option<String>,
    /// The state or status reached: a stable name.
    pub state: Option<String>,
    /// The plan's version.
    pub number: Option<i64>,
}

/// Everything on a case in date order. Records of sections the caller is not granted are left
/// out.
pub async fn timeline(state: &Services, caller: &Caller, id: &str) -> Result<Vec<TimelineEntry>> {
    caller.require(Permission::ReadCases)?;
    if !caller.access.role.sees_identities() {
        return Err(ServiceError::Forbidden(
            "the timeline shows identifying records; your role sees pseudonymised data only".into(),
        ));
    }
    let mut conn = state.store.read().await?;
    let case = case_in_scope(&mut conn, caller, id).await?;
    let mut out = vec![TimelineEntry {
        date: Some(case.created_at.date_naive()),
        kind: "registered".into(),
        id: case.id.to_string(),
        summary: format!("case {} opened in office {}", case.case_number, case.office),
        what: Some(case.office.clone()),
        state: None,
        number: None,
    }];
    for r in records::all_of_case(&mut conn, id).await? {
        let hidden = r.section.or(fixed_section(r.kind)).is_some_and(|s| !caller.access.may_read_section(s));
        if !hidden {
            out.push(TimelineEntry {
                date: r.record_date,
                kind: r.kind.name().to_string(),
                id: r.id.to_string(),
                summary: r.kind.name().replace('_', " "),
                what: Some(r.kind.name().to_string()),
                state: None,
                number: None,
            });
        }
    }
    for (s, results) in surveys::of_case(&mut conn, id).await? {
        let status = results.last().map_or("", |r| r.status.as_str());
        out.push(TimelineEntry {
            date: Some(s.survey_date),
            kind: "survey".into(),
            id: s.id.to_string(),
            summary: format!("RSS {} survey: {status}", s.phase.name()),
            what: Some(s.phase.name().to_string()),
            state: Some(status.to_string()),
            number: None,
        });
    }
    for p in plans::of_case(&mut conn, id).await? {
        out.push(TimelineEntry {
            date: Some(p.updated_at.date_naive()),
            kind: "plan".into(),
            id: p.id.to_string(),
            summary: format!("plan version {}: {}", p.plan_version, p.state.name()),
            what: None,
            state: Some(p.state.name().to_string()),
            number: Some(p.plan_version),
        });
    }
    for r in referrals::of_case(&mut conn, id).await? {
        out.push(TimelineEntry {
            date: Some(r.updated_at.date_naive()),
            kind: "referral".into(),
            id: r.id.to_string(),
            summary: format!("referral: {}", r.state.name()),
            what: None,
            state: Some(r.state.name().to_string()),
            number: None,
        });
    }
    if let Some(closure) = &case.closure {
        let c: Closure = homeward_store::from_json("closure", closure)?;
        out.push(TimelineEntry {
            date: Some(c.date),
            kind: "closed".into(),
            id: case.id.to_string(),
            summary: format!("closed: {}", c.reason),
            what: Some(c.reason.to_string()),
            state: None,
            number: None,
        });
    }
    drop(conn);
    out.sort_by_key(|a| a.date);
    state.reads.record(vec![entry(caller, "read", "timeline", id, Some(id), &["timeline"])]).await?;
    Ok(out)
}

/// One audit entry about a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub record_id: String,
    pub fields: String,
    /// The address the request came from.
    pub client: String,
}

/// Who read or changed the case, newest first (the last 500 entries). Admins only. Reading the
/// log is itself recorded in it.
pub async fn access_log(state: &Services, caller: &Caller, id: &str) -> Result<Vec<AccessEntry>> {
    caller.require(Permission::ReadAudit)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, id).await?;
    drop(conn);
    state.reads.settle().await?;
    let mut conn = state.store.read().await?;
    let mut entries = store_audit::for_case(&mut conn, id, 500).await?;
    drop(conn);
    // By time: a read joins the chain a moment after it is recorded, so after a write made
    // in between (see `homeward_store::read_journal`).
    entries.sort_by(|a, b| b.at.cmp(&a.at));
    state.reads.record(vec![entry(caller, "read", "audit_log", id, Some(id), &["*"])]).await?;
    Ok(entries
        .into_iter()
        .map(|s| AccessEntry {
            seq: s.seq,
            at: s.at,
            actor: s.entry.actor,
            action: s.entry.action,
            entity: s.entry.entity,
            // An entry for a page of cases is, on this case's history, about this case.
            record_id: if s.entry.case_ids.is_empty() { s.entry.record_id } else { id.to_string() },
            fields: s.entry.fields,
            client: s.entry.client,
        })
        .collect())
}

/// Moves the case along `path` as far as its lifecycle allows from where it stands: the status
/// follows the work (a first assessment starts the assessment, an agreed plan, the first
/// assistance, the first follow-up visit after it...). Each move is saved with the case's
/// version check and audited as the caller's, the field `status` marked as following the work.
/// A move the case is past, or not yet at, is skipped. Gives the moves' audit entries, for the
/// caller to append with its own, last (see `homeward_store::audit::append`).
pub(crate) async fn follow_work(
    tx: &mut homeward_store::Tx,
    caller: &Caller,
    case: &mut CaseRow,
    path: &[CaseAction],
) -> Result<Vec<store_audit::Entry>> {
    let expected = case.version;
    let mut entries = Vec::new();
    for &action in path {
        if let Ok(to) = CASE.next(case.status, action) {
            case.status = to;
            entries.push(entry(caller, action.name(), "case", &case.id, Some(&case.id), &["status", "follows_work"]));
        }
    }
    if !entries.is_empty() {
        case.version = cases::update(tx, case, expected, None).await?;
    }
    Ok(entries)
}
