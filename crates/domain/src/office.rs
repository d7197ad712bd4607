//! Offices as records (issue 17 §1): where cases are managed, in which country, and what part the
//! office plays in a return: a host office counsels before departure and hands the case over, an
//! origin office receives it and runs the reintegration, a transit office may do either (handbook
//! L1715-1725). Office names are unique whatever their case: `Dakar` and `dakar` are one office.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem;
use crate::reference::CountryCode;
use crate::validate::Problems;

named_enum! {
    /// What part an office plays in a return.
    pub enum OfficeRole {
        /// In the host country: pre-departure counselling, screening, a draft plan, the handover.
        Host = "host",
        Transit = "transit",
        /// In the country of origin: receives handovers and runs the reintegration.
        Origin = "origin",
    }
}

/// The longest office name.
pub const MAX_NAME: usize = 60;

/// An office as recorded and corrected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// How cases and accounts name it (`dakar`, `Tripoli`): unique whatever its case.
    pub name: String,
    #[schema(value_type = String, example = "SN")]
    pub country: CountryCode,
    pub role: OfficeRole,
    /// Languages spoken with returnees there (ISO 639 codes: `fr`, `wo`, `ar`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// How to reach it: a phone number, an address, a person.
    #[serde(default)]
    pub contact: String,
    /// The partner installation it belongs to (another Homeward server, which handovers to it
    /// reach as signed files); none for this installation's own offices.
    #[serde(default)]
    pub installation: Option<String>,
}

impl Office {
    /// Every problem, each naming its field.
    pub fn validate(&self) -> Result<(), Vec<crate::validate::FieldError>> {
        let mut p = Problems::default();
        p.text("name", &self.name, MAX_NAME);
        if self.name.trim() != self.name {
            p.add("name", problem!("surrounding_spaces", "begins or ends with a space"));
        }
        for (i, language) in self.languages.iter().enumerate() {
            let ok = (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
            if !ok {
                p.add(
                    format!("languages[{i}]"),
                    problem!(
                        "not_a_language_code",
                        "`{value}` is not a language code (two or three small letters: fr, wo)",
                        value = language
                    ),
                );
            }
        }
        p.optional_text("contact", Some(&self.contact), 300);
        p.into_result()
    }

    /// The key that makes names unique whatever their case.
    pub fn key(name: &str) -> String {
        name.trim().to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(name: &str) -> Office {
        Office {
            name: name.into(),
            country: "SN".parse().unwrap(),
            role: OfficeRole::Origin,
            languages: vec!["fr".into(), "wo".into()],
            contact: "+221 33 000 00 00".into(),
            installation: None,
        }
    }

    #[test]
    fn an_office_names_itself_and_its_languages_by_code() {
        assert_eq!(office("Dakar").validate(), Ok(()));
        let errors = office(" ").validate().unwrap_err();
        assert_eq!(errors[0].field, "name");
        let mut bad = office("Dakar");
        bad.languages = vec!["French".into()];
        assert_eq!(bad.validate().unwrap_err()[0].field, "languages[0]");
        assert_eq!(office(" Dakar").validate().unwrap_err()[0].code, "surrounding_spaces");
    }

    #[test]
    fn names_are_one_whatever_their_case() {
        assert_eq!(Office::key("Dakar"), Office::key("dakar"));
        assert_eq!(Office::key("SAINT-LOUIS"), "saint-louis");
    }
}
