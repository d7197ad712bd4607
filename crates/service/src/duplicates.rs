//! Possible duplicates of a registration: the same person registered twice gives two cases
//! that drift apart. Before a registration is saved, cases of the caller's offices whose names
//! sound the same (both names, in either order, by their phonetic keys: `Kadija Sow` and
//! `Khadija Sow`) are shown, with what else matches (date of birth, sex, country, identity
//! document). The user opens the existing case or confirms that this is another person, and that
//! confirmation is audited against each case shown.

use chrono::NaiveDate;
use homeward_domain::access::Permission;
use homeward_domain::returnee::{ProfileDetails, Registration, Sex};
use homeward_domain::search;
use homeward_store::from_json;
use homeward_store::query::cases;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
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

/// Candidates read at most.
const LIMIT: i64 = 20;

/// The cases in the caller's scope that may be the person `r` registers, the most alike first.
pub async fn possible_duplicates(
    state: &Services,
    caller: &Caller,
    r: &Registration,
) -> Result<Vec<PossibleDuplicate>> {
    caller.require(Permission::RegisterCase)?;
    let keys = |name: &str| -> Vec<String> {
        search::fold(name)
            .split(' ')
            .filter(|w| w.len() > 1)
            .map(|w| format!("{}{}", search::PHONETIC, search::phonetic(w)))
            .collect()
    };
    let (given, family) = (keys(&r.given_name), keys(&r.family_name));
    let (Some(first_given), Some(first_family)) = (given.first(), family.first()) else { return Ok(vec![]) };
    let filter = cases::CaseFilter {
        office: caller.access.office.clone(),
        search: Some(vec![first_given.clone(), first_family.clone()]),
        ..Default::default()
    };
    let mut conn = state.store.read().await?;
    let page = cases::list(&mut conn, &filter, None, LIMIT).await?;
    // A case merged into another is that other case now: only the kept one is offered.
    let merged = cases::merged_among(&mut conn, &page.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>()).await?;
    drop(conn);
    let id_document = r.profile.id_document.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let mut found: Vec<PossibleDuplicate> = page
        .items
        .iter()
        .filter(|c| caller.access.covers_office(&c.office) && !merged.iter().any(|m| m == c.id.as_str()))
        .map(|c| {
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
        })
        .collect();
    found.sort_by_key(|d| std::cmp::Reverse(d.matches.len()));
    let entries = found
        .iter()
        .map(|d| entry(caller, "read", "case", &d.case_id, Some(&d.case_id), &["duplicate_check"]))
        .collect();
    state.reads.record(entries).await?;
    Ok(found)
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
pub async fn register_confirmed(
    state: &Services,
    caller: &Caller,
    confirmed: ConfirmedRegistration,
) -> Result<crate::views::CaseView> {
    crate::cases::register_noting(state, caller, confirmed.registration, &confirmed.not_duplicates).await
}
