//! The registration's fields as a spreadsheet gives them: what kind of cell each is, and the
//! headers and words a field office's sheet uses for them (`data/imports/caseload-columns.toml`).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use homeward_domain::search::fold;
use serde::Deserialize;

/// What a cell of a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    Country,
    /// One of the codes of an enumeration (`female`), or a word the data file gives for it.
    Choice,
    YesNo,
    WholeNumber,
    /// Several values in one cell, separated by `;` or `,`.
    List,
}

/// A field of the registration a column can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its name in the registration (`date_of_birth`); profile fields without `profile.`.
    pub name: &'static str,
    pub kind: Kind,
    /// Part of the profile (`profile.address`), not of the registration itself.
    pub in_profile: bool,
    /// A case cannot be registered without it.
    pub required: bool,
}

const fn field(name: &'static str, kind: Kind, in_profile: bool, required: bool) -> Field {
    Field { name, kind, in_profile, required }
}

/// Every field of `homeward_domain::returnee::Registration` and its profile.
pub const FIELDS: &[Field] = &[
    field("given_name", Kind::Text, false, true),
    field("family_name", Kind::Text, false, true),
    field("sex", Kind::Choice, false, true),
    field("date_of_birth", Kind::Date, false, true),
    field("date_of_return", Kind::Date, false, true),
    field("country_of_origin", Kind::Country, false, true),
    field("office", Kind::Text, false, true),
    field("case_manager", Kind::Text, false, false),
    field("schedule", Kind::Text, false, false),
    field("host_country", Kind::Country, true, false),
    field("return_assistance", Kind::Choice, true, false),
    field("return_type", Kind::Choice, true, false),
    field("years_abroad", Kind::WholeNumber, true, false),
    field("address", Kind::Text, true, false),
    field("province", Kind::Text, true, false),
    field("community", Kind::Text, true, false),
    field("returned_to_community_of_origin", Kind::YesNo, true, false),
    field("occupation", Kind::Text, true, false),
    field("languages", Kind::List, true, false),
    field("interpreter_needed", Kind::YesNo, true, false),
    field("contacts", Kind::List, true, false),
    field("preferred_staff_gender", Kind::Choice, true, false),
    field("pre_departure_information", Kind::YesNo, true, false),
    field("in_vulnerable_situation", Kind::YesNo, true, false),
    field("family_attitude", Kind::Text, true, false),
    field("family_counselling_requested", Kind::YesNo, true, false),
    field("id_document", Kind::Text, true, false),
];

/// The field named `name`.
pub fn named(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

const COLUMNS_TOML: &str = include_str!("../../../data/imports/caseload-columns.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    headers: Vec<String>,
    #[serde(default)]
    values: BTreeMap<String, Vec<String>>,
}

/// The data file, folded for lookups.
#[derive(Debug)]
pub(crate) struct Known {
    /// Folded header → field.
    pub headers: HashMap<String, &'static Field>,
    /// Field → folded word → code.
    pub values: HashMap<&'static str, HashMap<String, String>>,
}

/// The data file, read and checked once (a test reads it at build time of the tests).
pub(crate) fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| load(COLUMNS_TOML).expect("data/imports/caseload-columns.toml is valid (tested)"))
}

fn load(text: &str) -> Result<Known, String> {
    let entries: BTreeMap<String, Entry> = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut known = Known { headers: HashMap::new(), values: HashMap::new() };
    for f in FIELDS {
        known.headers.insert(fold(f.name), f);
    }
    for (name, entry) in entries {
        let f = named(&name).ok_or_else(|| format!("[{name}] is no field of the registration"))?;
        for header in &entry.headers {
            if let Some(other) = known.headers.insert(fold(header), f).filter(|o| o.name != f.name) {
                return Err(format!("'{header}' is a header of both {} and {}", other.name, f.name));
            }
        }
        if !entry.values.is_empty() && f.kind != Kind::Choice {
            return Err(format!("[{name}] has values but no choices"));
        }
        let words = known.values.entry(f.name).or_default();
        for (code, list) in entry.values {
            crate::cells::check_code(f, &code).map_err(|e| format!("[{name}] {e}"))?;
            words.insert(fold(&code), code.clone());
            for word in list {
                words.insert(fold(&word), code.clone());
            }
        }
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_names_only_fields_headers_once_and_codes_of_the_choices() {
        let known = load(COLUMNS_TOML).unwrap();
        for f in FIELDS {
            assert!(known.headers.values().filter(|g| g.name == f.name).count() > 1, "{} has headers", f.name);
        }
        assert_eq!(known.headers["prenom"].name, "given_name");
        assert_eq!(known.headers["date de naissance"].name, "date_of_birth");
        assert_eq!(known.values["sex"]["femme"], "female");
        assert!(load("[nickname]\nheaders = [\"alias\"]").unwrap_err().contains("no field"));
        assert!(load("[sex]\nheaders = [\"s\"]\nvalues.other = [\"x\"]").unwrap_err().contains("other"));
        assert!(load("[sex]\nheaders = [\"nom\"]\n[family_name]\nheaders = [\"nom\"]").is_err());
    }
}
