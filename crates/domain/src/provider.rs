//! The service directory: providers a case can be referred to (docs/domain.md 2.13; handbook Annex 8
//! lines 15302-15546, Annex 7 lines 15153-15300). Service maps go stale, so each entry carries
//! the date it was last verified (lines 1089-1095).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::feasibility::Dimension;
use crate::reference::CountryCode;
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceProvider {
    pub organisation: String,
    /// Service types offered, in the directory's words (`vocational training`, `mental health`).
    pub services: Vec<String>,
    pub dimensions: Vec<Dimension>,
    #[schema(value_type = String, example = "SN")]
    pub country: CountryCode,
    /// Town or district, used to filter the directory by place.
    pub place: String,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub opening_times: Option<String>,
    #[serde(default)]
    pub typical_wait: Option<String>,
    #[serde(default)]
    pub eligibility: Option<String>,
    #[serde(default)]
    pub cost: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// Accessibility, safety of the location, directions.
    #[serde(default)]
    pub access: Option<String>,
    /// Quality, experience with returnees, local trust (Annex 7 ratings).
    #[serde(default)]
    pub quality: Option<String>,
    pub last_verified: NaiveDate,
}

impl ServiceProvider {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("organisation", &self.organisation, SHORT_TEXT);
        p.text("place", &self.place, SHORT_TEXT);
        if self.services.is_empty() {
            p.add("services", crate::problem!("service_required", "name at least one service"));
        }
        for (i, s) in self.services.iter().chain(&self.languages).enumerate() {
            let field = if i < self.services.len() {
                format!("services[{i}]")
            } else {
                format!("languages[{}]", i - self.services.len())
            };
            p.text(&field, s, SHORT_TEXT);
        }
        if self.dimensions.is_empty() {
            p.add("dimensions", crate::problem!("dimension_required", "name at least one dimension"));
        }
        for (field, value) in [
            ("contact", &self.contact),
            ("address", &self.address),
            ("opening_times", &self.opening_times),
            ("typical_wait", &self.typical_wait),
            ("eligibility", &self.eligibility),
            ("cost", &self.cost),
            ("access", &self.access),
            ("quality", &self.quality),
        ] {
            p.optional_text(field, value.as_deref(), LONG_TEXT);
        }
        p.plausible_date("last_verified", self.last_verified);
        p.into_result()
    }

    /// Whether the entry was verified within `months` of `today`.
    pub fn is_current(&self, today: NaiveDate, months: u32) -> bool {
        self.last_verified.checked_add_months(chrono::Months::new(months)).is_some_and(|d| d >= today)
    }
}
