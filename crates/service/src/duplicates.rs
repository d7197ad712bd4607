//! Possible duplicates of a registration: the same person registered twice gives two cases
//! that drift apart. Before a registration is saved, cases of the caller's offices whose names
//! sound the same (both names, in either order, by their phonetic keys: `Kadija Sow` and
//! `Khadija Sow`) are shown, with what else matches (date of birth, sex, country, identity
//! document). The user opens the existing case or confirms that this is another person, and that
//! confirmation is audited against each case shown.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use homeward_domain::access::Permission;
use homeward_domain::returnee::{ProfileDetails, Registration, Sex};
use homeward_domain::search;
use homeward_store::frames::CaseRow;
use homeward_store::from_json;
use homeward_store::query::cases;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::page_entries;
use crate::auth::Caller;
use crate::error::Result;

/// An existing case that may be the same person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PossibleDuplicate {
    pub case_id: String,
    pub case_number: String,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub office: String,
    /// What matches besides the names: `date_of_birth`, `sex`, `country_of_origin`, `id_document`.
    pub matches: Vec<String>,
}

/// Candidates shown at most.
const LIMIT: usize = 20;

/// The cases in the caller's scope that may be the person `r` registers, the most alike first.
/// Each case shown is audited as read for the duplicate check.
pub async fn possible_duplicates(
    state: &Services,
    caller: &Caller,
    r: &Registration,
) -> Result<Vec<PossibleDuplicate>> {
    caller.require(Permission::RegisterCase)?;
    let mut conn = state.store.read().await?;
    let found = candidates(&mut conn, caller, &[r]).await?.pop().unwrap_or_default();
    drop(conn);
    state.reads.record(audit_entries(caller, &found)).await?;
    Ok(found)
}

/// The read entries of the cases shown as possible duplicates.
pub(crate) fn audit_entries(caller: &Caller, shown: &[PossibleDuplicate]) -> Vec<homeward_store::audit::Entry> {
    page_entries(caller, "read", shown.iter().map(|d| d.case_id.as_str()), &["duplicate_check"])
}

/// The keys a registration is compared by: the spelling-independent keys of the first word of
/// each name (`Khadija` and `Kadija` are one key), as the cases' search terms hold them.
pub(crate) fn name_keys(r: &Registration) -> Option<(String, String)> {
    let key = |name: &str| -> Option<String> {
        search::fold(name)
            .split(' ')
            .find(|w| w.len() > 1)
            .map(|w| format!("{}{}", search::PHONETIC, search::phonetic(w)))
    };
    Some((key(&r.given_name)?, key(&r.family_name)?))
}

/// For each registration of `regs`, the cases in the caller's scope whose names sound the same
/// (both names, in either order), the most alike first: one query for all of them, so the
/// registration form asks about one and an import about a thousand rows at once. Cases merged
/// into another are left out (the kept one is the person's case now).
pub(crate) async fn candidates(
    conn: &mut homeward_store::AnyConnection,
    caller: &Caller,
    regs: &[&Registration],
) -> Result<Vec<Vec<PossibleDuplicate>>> {
    let keys: Vec<Option<(String, String)>> = regs.iter().map(|r| name_keys(r)).collect();
    let mut all: Vec<&str> = keys.iter().flatten().flat_map(|(g, f)| [g.as_str(), f.as_str()]).collect();
    all.sort_unstable();
    all.dedup();
    // Each term's cases in the caller's scope, and each case's terms among those asked.
    let mut cases_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut terms_of: HashMap<String, HashSet<String>> = HashMap::new();
    for (case_id, office, term) in cases::holding_terms(conn, &all).await? {
        if caller.access.covers_office(&office) {
            cases_of.entry(term.clone()).or_default().push(case_id.clone());
            terms_of.entry(case_id).or_default().insert(term);
        }
    }
    let none = Vec::new();
    let mut wanted: Vec<Vec<&str>> = keys
        .iter()
        .map(|k| {
            let Some((given, family)) = k else { return Vec::new() };
            // Driven from the rarer name, each of its cases checked for the other.
            let (of_given, of_family) = (cases_of.get(given).unwrap_or(&none), cases_of.get(family).unwrap_or(&none));
            let (drive, other) =
                if of_given.len() <= of_family.len() { (of_given, family) } else { (of_family, given) };
            let mut ids: Vec<&str> = drive
                .iter()
                .filter(|id| terms_of.get(*id).is_some_and(|terms| terms.contains(other)))
                .map(String::as_str)
                .collect();
            ids.sort_unstable();
            ids.truncate(LIMIT * 2);
            ids
        })
        .collect();
    let mut ids: Vec<&str> = wanted.iter().flatten().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(vec![Vec::new(); regs.len()]);
    }
    let merged: HashSet<String> = cases::merged_among(conn, &ids).await?.into_iter().collect();
    let rows: HashMap<String, CaseRow> =
        cases::by_ids(conn, &ids).await?.into_iter().map(|c| (c.id.to_string(), c)).collect();
    Ok(regs
        .iter()
        .zip(wanted.iter_mut())
        .map(|(r, ids)| {
            let mut found: Vec<PossibleDuplicate> = ids
                .iter()
                .filter(|id| !merged.contains(**id))
                .filter_map(|id| rows.get(*id))
                .map(|c| alike(r, c))
                .collect();
            found.sort_by_key(|d| std::cmp::Reverse(d.matches.len()));
            found.truncate(LIMIT);
            found
        })
        .collect())
}

/// The case `c` as a possible duplicate of `r`, with what else matches.
fn alike(r: &Registration, c: &CaseRow) -> PossibleDuplicate {
    let id_document = r.profile.id_document.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let mut matches = Vec::new();
    if c.date_of_birth == r.date_of_birth {
        matches.push("date_of_birth".to_string());
    }
    if c.sex == r.sex {
        matches.push("sex".to_string());
    }
    if c.country_of_origin == r.country_of_origin.to_string() {
        matches.push("country_of_origin".to_string());
    }
    let theirs: Option<ProfileDetails> = from_json("case profile", &c.profile).ok();
    if id_document.is_some() && theirs.and_then(|p| p.id_document).as_deref().map(str::trim) == id_document {
        matches.push("id_document".to_string());
    }
    PossibleDuplicate {
        case_id: c.id.to_string(),
        case_number: c.case_number.clone(),
        name: format!("{} {}", c.given_name, c.family_name),
        date_of_birth: c.date_of_birth,
        sex: c.sex,
        office: c.office.clone(),
        matches,
    }
}

/// A registration the user confirmed is another person than the possible duplicates shown.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedRegistration {
    pub registration: Registration,
    /// The cases shown as possible duplicates, which the user says are other people.
    #[serde(default)]
    pub not_duplicates: Vec<String>,
}

/// Registers, recording against each case shown that the user confirmed this is someone else.
/// Named by `key`, as [`crate::cases::register_once`] is.
pub async fn register_confirmed(
    state: &Services,
    caller: &Caller,
    confirmed: ConfirmedRegistration,
    key: Option<crate::idempotency::IdempotencyKey>,
) -> Result<crate::views::CaseView> {
    crate::cases::register_noting(state, caller, confirmed.registration, &confirmed.not_duplicates, key.as_ref()).await
}
