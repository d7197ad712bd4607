//! Household and family members (docs/domain.md 2.2; handbook 2.2.3 lines 2096-2105, 2.6.2 lines
//! 4155-4218).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseRecord, RecordKind};
use crate::returnee::{SHORT_TEXT, Sex};
use crate::validate::{FieldError, Problems};

/// One member of the returnee's household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdMember {
    /// The member's name.
    pub name: String,
    /// How they are related to the returnee, in the case worker's words (`daughter`, `mother`).
    pub relation: String,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 130)]
    pub age: Option<u32>,
    /// Whether a child attends school (RSS Q14, line 13456).
    #[serde(default)]
    pub attends_school: Option<bool>,
    /// Whether they returned together with the returnee or stayed behind.
    #[serde(default)]
    pub returned_together: Option<bool>,
    /// A co-beneficiary of medical or education support (line 12668).
    #[serde(default)]
    pub co_beneficiary: bool,
    #[serde(default)]
    pub notes: Option<String>,
    /// The day the member was recorded.
    pub recorded_on: NaiveDate,
}

impl CaseRecord for HouseholdMember {
    const KIND: RecordKind = RecordKind::HouseholdMember;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("name", &self.name, SHORT_TEXT);
        p.text("relation", &self.relation, SHORT_TEXT);
        p.optional_text("notes", self.notes.as_deref(), crate::returnee::LONG_TEXT);
        if self.age.is_some_and(|a| a > 130) {
            p.add("age", crate::problem!("more_than", "is more than {max}", max = 130));
        }
        p.plausible_date("recorded_on", self.recorded_on);
        p.into_result()
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.recorded_on)
    }
}
