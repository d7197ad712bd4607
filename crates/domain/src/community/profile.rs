//! A community profile (handbook 3.2.1, Table 3.1 line 4699): what is known of a community of
//! return, from where and when. The returnees whose community it is are found from their cases.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::reference::CountryCode;
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

/// A community profile as recorded; every part but its name, place, sources and date is optional,
/// as an assessment fills it in over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityProfile {
    /// The community's name, as returnees' cases give their community of return.
    pub name: String,
    /// The office that works with it; access follows it.
    pub office: String,
    #[schema(value_type = String, example = "SN")]
    pub country: CountryCode,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub population: Option<u32>,
    /// Who lives there: age, sex, households, groups.
    #[serde(default)]
    pub sociodemographics: Option<String>,
    /// The role of mobility, the drivers of migration (questions 1-5).
    #[serde(default)]
    pub migration_drivers: Option<String>,
    /// Resources and services, existing projects and referral mechanisms (questions 19-25).
    #[serde(default)]
    pub resources_and_services: Option<String>,
    /// The economic system and the labour market (questions 14-18).
    #[serde(default)]
    pub labour_market: Option<String>,
    /// How migration and returnees are perceived (questions 11-12).
    #[serde(default)]
    pub perception_of_returnees: Option<String>,
    /// How returnees and the community engage with each other (question 13).
    #[serde(default)]
    pub social_inclusion: Option<String>,
    /// Sources of tension and of social capital (questions 9-10).
    #[serde(default)]
    pub tension_indicators: Option<String>,
    /// Where the profile's information comes from (desk review, focus groups, surveys, ...).
    pub sources: String,
    pub assessed_on: NaiveDate,
}

impl CommunityProfile {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("name", &self.name, SHORT_TEXT);
        p.text("office", &self.office, SHORT_TEXT);
        p.optional_text("province", self.province.as_deref(), SHORT_TEXT);
        let texts = [
            ("sociodemographics", &self.sociodemographics),
            ("migration_drivers", &self.migration_drivers),
            ("resources_and_services", &self.resources_and_services),
            ("labour_market", &self.labour_market),
            ("perception_of_returnees", &self.perception_of_returnees),
            ("social_inclusion", &self.social_inclusion),
            ("tension_indicators", &self.tension_indicators),
        ];
        for (field, text) in texts {
            p.optional_text(field, text.as_deref(), LONG_TEXT);
        }
        p.text("sources", &self.sources, LONG_TEXT);
        p.plausible_date("assessed_on", self.assessed_on);
        p.into_result()
    }
}
