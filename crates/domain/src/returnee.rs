//! The returnee and their case as registered (docs/domain.md 2.1 and 2.3; handbook RSS profile block
//! lines 13110-13136, analysis variables lines 9170-9181).
//!
//! There is deliberately no field for sexual orientation or gender identity (docs/domain.md 6.14):
//! a voluntary disclosure goes only into a restricted note with explicit consent.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::reference::CountryCode;
use crate::validate::{FieldError, Problems};

named_enum! {
    /// Sex as asked by the RSS profile (line 13116).
    pub enum Sex {
        Female = "female",
        Male = "male",
    }
}

named_enum! {
    /// Whether the return was assisted or spontaneous (lines 334-350).
    pub enum ReturnAssistance {
        Assisted = "assisted",
        Spontaneous = "spontaneous",
    }
}

named_enum! {
    /// Whether the return was voluntary or forced (lines 334-350).
    pub enum ReturnType {
        Voluntary = "voluntary",
        Forced = "forced",
    }
}

named_enum! {
    /// The gender of staff the returnee prefers to work with (lines 1368-1370).
    pub enum StaffGender {
        Female = "female",
        Male = "male",
        NoPreference = "no_preference",
    }
}

/// Longest free text of a name or short field.
pub const SHORT_TEXT: usize = 200;
/// Longest free text of notes and descriptions.
pub const LONG_TEXT: usize = 10_000;

/// What a case worker registers to open a case: the returnee's identity and return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    pub date_of_return: NaiveDate,
    /// ISO 3166-1 alpha-2 code of the country returned to.
    #[schema(value_type = String, example = "SN")]
    pub country_of_origin: CountryCode,
    /// The office that manages the case; access to the case is scoped by it.
    pub office: String,
    /// Username of the case manager; default: the user who registers the case.
    #[serde(default)]
    pub case_manager: Option<String>,
    /// The timing schedule of follow-ups (`standard`, or `trafficking` for victims of
    /// trafficking); default `standard`.
    #[serde(default)]
    pub schedule: Option<String>,
    /// The rest of the profile, all optional.
    #[serde(default)]
    pub profile: ProfileDetails,
}

/// The optional part of a returnee's profile (docs/domain.md 2.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileDetails {
    /// ISO 3166-1 alpha-2 code of the country returned from.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "MA")]
    pub host_country: Option<CountryCode>,
    #[serde(default)]
    pub return_assistance: Option<ReturnAssistance>,
    #[serde(default)]
    pub return_type: Option<ReturnType>,
    /// Years spent abroad.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub years_abroad: Option<u32>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub community: Option<String>,
    /// Whether the community of return is the community of origin.
    #[serde(default)]
    pub returned_to_community_of_origin: Option<bool>,
    #[serde(default)]
    pub occupation: Option<String>,
    /// Languages spoken, in the returnee's words.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub interpreter_needed: Option<bool>,
    /// Phone numbers and other ways to reach the returnee.
    #[serde(default)]
    pub contacts: Vec<String>,
    #[serde(default)]
    pub preferred_staff_gender: Option<StaffGender>,
    /// Whether pre-departure information was received (lines 1772-1776).
    #[serde(default)]
    pub pre_departure_information: Option<bool>,
    /// In a situation of vulnerability (an analysis variable, lines 9170-9181); what it is goes in
    /// a vulnerability assessment, which needs the protection grant to read.
    #[serde(default)]
    pub in_vulnerable_situation: Option<bool>,
    /// The family's attitude to the return: support or burden (section 2.6.2, lines 4155-4218).
    #[serde(default)]
    pub family_attitude: Option<String>,
    /// Family counselling was requested, and whether the returnee takes part (lines 4165, 4199).
    #[serde(default)]
    pub family_counselling_requested: Option<bool>,
    /// The number of an identity document (passport, national ID card, travel document), to
    /// tell people apart and find a duplicate registration.
    #[serde(default)]
    pub id_document: Option<String>,
}

impl Registration {
    /// Every problem with the registration, each naming its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("given_name", &self.given_name, SHORT_TEXT);
        p.text("family_name", &self.family_name, SHORT_TEXT);
        p.text("office", &self.office, SHORT_TEXT);
        p.optional_text("case_manager", self.case_manager.as_deref(), SHORT_TEXT);
        p.plausible_date("date_of_birth", self.date_of_birth);
        p.plausible_date("date_of_return", self.date_of_return);
        p.not_before("date_of_return", self.date_of_return, "date_of_birth", self.date_of_birth);
        self.profile.check(&mut p);
        p.into_result()
    }

    /// Age in whole years on the day of return (an analysis variable, lines 9170-9181).
    pub fn age_at_return(&self) -> u32 {
        age_on(self.date_of_birth, self.date_of_return)
    }
}

impl ProfileDetails {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        self.check(&mut p);
        p.into_result()
    }

    fn check(&self, p: &mut Problems) {
        let texts = [
            ("profile.address", &self.address),
            ("profile.province", &self.province),
            ("profile.community", &self.community),
            ("profile.occupation", &self.occupation),
            ("profile.family_attitude", &self.family_attitude),
            ("profile.id_document", &self.id_document),
        ];
        for (field, value) in texts {
            p.optional_text(field, value.as_deref(), SHORT_TEXT);
        }
        for (list, values) in [("profile.languages", &self.languages), ("profile.contacts", &self.contacts)] {
            if values.len() > 20 {
                p.add(list, crate::problem!("too_many_entries", "has more than {max} entries", max = 20));
            }
            for (i, value) in values.iter().enumerate() {
                p.text(&format!("{list}[{i}]"), value, SHORT_TEXT);
            }
        }
        if self.years_abroad.is_some_and(|y| y > 100) {
            p.add("profile.years_abroad", crate::problem!("too_many_years", "is more than {max} years", max = 100));
        }
    }
}

/// Whole years from `born` to `on`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The human case number: office-independent, short, sortable by registration order, e.g.
/// `HW-2026-000042`. The sequence number is the store's, per year of registration.
pub fn case_number(year: i32, sequence: i64) -> String {
    format!("HW-{year}-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> Registration {
        serde_json::from_value(serde_json::json!({
            "given_name": "Aminata", "family_name": "Diallo", "sex": "female",
            "date_of_birth": "1994-03-12", "date_of_return": "2026-02-01",
            "country_of_origin": "SN", "office": "dakar"
        }))
        .unwrap()
    }

    #[test]
    fn a_registration_with_the_required_fields_is_valid() {
        let r = registration();
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.age_at_return(), 31);
        assert_eq!(r.country_of_origin.as_str(), "SN");
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut r = registration();
        r.given_name = " ".into();
        r.date_of_return = "1990-01-01".parse().unwrap();
        r.profile.contacts = vec!["".into()];
        let fields: Vec<String> = r.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["given_name", "date_of_return", "profile.contacts[0]"]);
    }

    #[test]
    fn unknown_fields_and_codes_are_refused_when_read() {
        let bad_sex = serde_json::json!({
            "given_name": "A", "family_name": "B", "sex": "F", "date_of_birth": "1994-03-12",
            "date_of_return": "2026-02-01", "country_of_origin": "SN", "office": "dakar"
        });
        let err = serde_json::from_value::<Registration>(bad_sex).unwrap_err().to_string();
        assert!(err.contains("`F` is not one of: female, male"), "{err}");
        let mut extra = serde_json::to_value(registration()).unwrap();
        extra["sexual_orientation"] = "x".into();
        assert!(serde_json::from_value::<Registration>(extra).is_err(), "no such field exists");
        let mut country = serde_json::to_value(registration()).unwrap();
        country["country_of_origin"] = "XX".into();
        assert!(serde_json::from_value::<Registration>(country).is_err());
    }

    #[test]
    fn ages_count_whole_years_and_case_numbers_sort() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(age_on(d("2000-06-15"), d("2026-06-14")), 25);
        assert_eq!(age_on(d("2000-06-15"), d("2026-06-15")), 26);
        assert_eq!(case_number(2026, 42), "HW-2026-000042");
        assert!(case_number(2026, 9) < case_number(2026, 10));
    }
}
