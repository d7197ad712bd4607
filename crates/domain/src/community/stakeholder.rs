//! Stakeholder mapping (handbook 1.4.2 lines 940-1044, Annex 6; Table 4.1 line 6387): who takes
//! part in reintegration around an office, how much they care and can weigh, whether they support
//! it, and how the programme engages them. The matrix is read as a table and as an influence by
//! interest grid.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// The kinds of stakeholder of Table 4.1.
    pub enum StakeholderCategory {
        LineMinistry = "line_ministry",
        LocalAuthority = "local_authority",
        CsoNgo = "cso_ngo",
        PrivateSector = "private_sector",
        InternationalOrganisation = "international_organisation",
        Diaspora = "diaspora",
        CommunityLeader = "community_leader",
        Academia = "academia",
    }
}

named_enum! {
    /// Where a stakeholder acts.
    pub enum StakeholderLevel {
        Local = "local",
        National = "national",
        International = "international",
    }
}

named_enum! {
    /// A stakeholder's interest, influence or willingness, as the matrix rates them.
    pub enum Degree {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

named_enum! {
    /// Whether a stakeholder supports reintegration or stands in its way.
    pub enum Stance {
        Supporter = "supporter",
        Neutral = "neutral",
        Obstructor = "obstructor",
    }
}

named_enum! {
    /// How the programme engages a stakeholder (the influence by interest grid's quadrants).
    pub enum Engagement {
        Monitor = "monitor",
        KeepInformed = "keep_informed",
        KeepSatisfied = "keep_satisfied",
        ManageClosely = "manage_closely",
    }
}

impl Engagement {
    /// What the grid proposes for an influence and an interest: the high ones closely managed,
    /// the influential kept satisfied, the interested kept informed, the others monitored.
    pub fn proposed(influence: Degree, interest: Degree) -> Engagement {
        match (influence == Degree::High, interest == Degree::High) {
            (true, true) => Engagement::ManageClosely,
            (true, false) => Engagement::KeepSatisfied,
            (false, true) => Engagement::KeepInformed,
            (false, false) => Engagement::Monitor,
        }
    }
}

/// A stakeholder as mapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    pub name: String,
    /// The office whose map it is; access follows it.
    pub office: String,
    pub category: StakeholderCategory,
    pub level: StakeholderLevel,
    /// Its role and functions in reintegration.
    pub role_and_functions: String,
    pub interest: Degree,
    pub influence: Degree,
    pub willingness: Degree,
    pub stance: Stance,
    /// How the programme engages it (default: what the grid proposes).
    #[serde(default)]
    pub engagement: Option<Engagement>,
    /// Its capacity, and the support it would need.
    #[serde(default)]
    pub capacity: Option<String>,
    #[serde(default)]
    pub support_needed: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    pub mapped_on: NaiveDate,
}

impl Stakeholder {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("name", &self.name, SHORT_TEXT);
        p.text("office", &self.office, SHORT_TEXT);
        p.text("role_and_functions", &self.role_and_functions, LONG_TEXT);
        p.optional_text("capacity", self.capacity.as_deref(), LONG_TEXT);
        p.optional_text("support_needed", self.support_needed.as_deref(), LONG_TEXT);
        p.optional_text("contact", self.contact.as_deref(), SHORT_TEXT);
        p.plausible_date("mapped_on", self.mapped_on);
        p.into_result()
    }

    /// The engagement chosen, or the one the grid proposes.
    pub fn engagement(&self) -> Engagement {
        self.engagement.unwrap_or_else(|| Engagement::proposed(self.influence, self.interest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_proposes_an_engagement_from_influence_and_interest() {
        assert_eq!(Engagement::proposed(Degree::High, Degree::High), Engagement::ManageClosely);
        assert_eq!(Engagement::proposed(Degree::High, Degree::Low), Engagement::KeepSatisfied);
        assert_eq!(Engagement::proposed(Degree::Medium, Degree::High), Engagement::KeepInformed);
        assert_eq!(Engagement::proposed(Degree::Low, Degree::Medium), Engagement::Monitor);
    }
}
