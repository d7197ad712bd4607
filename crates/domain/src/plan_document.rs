//! The content of one version of a reintegration plan, after the Annex 3 template (docs/domain.md 4.2;
//! handbook lines 12605-12754) and section 2.3.2 (lines 2324-2346).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::feasibility::{Dimension, FeasibilityGrid};
use crate::records::Amount;
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// Who a component is for (lines 12649-12652, 12705-12712).
    pub enum Level {
        Individual = "individual",
        Family = "family",
        Collective = "collective",
        Community = "community",
    }
}

named_enum! {
    pub enum Modality {
        Cash = "cash",
        InKind = "in_kind",
        Service = "service",
        Mixed = "mixed",
    }
}

/// Section 1 of the template: the returnee's plan in their words, per dimension.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    #[serde(default)]
    pub economic: String,
    #[serde(default)]
    pub social: String,
    #[serde(default)]
    pub psychosocial: String,
}

/// Section 2: one intervention of the plan, from the feasibility catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub dimension: Dimension,
    pub level: Level,
    /// The intervention's id in the feasibility grid.
    pub intervention: String,
    pub description: String,
    /// The returnee, or a family member by name (line 12668).
    #[serde(default)]
    pub beneficiary: Option<String>,
    #[serde(default)]
    pub needs_referral: bool,
    pub modality: Modality,
    #[serde(default)]
    pub estimated_cost: Option<Amount>,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// The community-based project a community or collective component takes part in
    /// (handbook 3.2.2), by its id.
    #[serde(default)]
    pub community_project: Option<String>,
}

/// Section 3: goods, equipment and services to buy with the grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Good {
    pub item: String,
    pub estimated_cost: Amount,
}

/// Section 4: a referral to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedReferral {
    pub agency: String,
    pub assistance: String,
}

/// Section 6: a participant of a community-level project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub name: String,
    pub role: String,
    /// A returnee (true) or a community member.
    pub returnee: bool,
}

/// Everything a plan version says. Section 5's baseline scores are taken from the case's
/// baseline survey by Homeward, not typed in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanContent {
    /// Header: region, city or village of return.
    #[serde(default)]
    pub place_of_return: String,
    #[serde(default)]
    pub summary: Summary,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub goods: Vec<Good>,
    #[serde(default)]
    pub referrals: Vec<PlannedReferral>,
    /// Section 5: expected improvement of well-being.
    #[serde(default)]
    pub expected_improvement: String,
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// How and when the plan is monitored (lines 2334-2338).
    #[serde(default)]
    pub monitoring_schedule: String,
    #[serde(default)]
    pub feedback_arrangements: String,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub estimated_duration_months: Option<u32>,
    /// Exit strategy and transition to mainstream services (lines 2341-2344).
    #[serde(default)]
    pub exit_strategy: String,
}

/// The signatures that agree a plan (footer of Annex 3, lines 12746-12754).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    pub date: NaiveDate,
    pub place: String,
    /// The returnee's name as signed.
    pub returnee_name: String,
    /// The returnee approved the plan.
    pub returnee_approved: bool,
    /// Staff member or referral partner who approved it.
    pub staff_name: String,
    pub staff_approved: bool,
}

impl PlanContent {
    /// Every problem, each naming its field; components must come from `grid` and match the
    /// intervention's dimension.
    pub fn validate(&self, grid: &FeasibilityGrid) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.optional_text("place_of_return", Some(&self.place_of_return), SHORT_TEXT);
        for (field, text) in [
            ("summary.economic", &self.summary.economic),
            ("summary.social", &self.summary.social),
            ("summary.psychosocial", &self.summary.psychosocial),
            ("expected_improvement", &self.expected_improvement),
            ("monitoring_schedule", &self.monitoring_schedule),
            ("feedback_arrangements", &self.feedback_arrangements),
            ("exit_strategy", &self.exit_strategy),
        ] {
            p.optional_text(field, Some(text), LONG_TEXT);
        }
        if self.components.len() > 100 || self.goods.len() > 200 || self.participants.len() > 500 {
            p.add("components", crate::problem!("plan_too_long", "the plan has too many entries"));
        }
        for (i, c) in self.components.iter().enumerate() {
            let f = |name: &str| format!("components[{i}].{name}");
            match grid.intervention(&c.intervention) {
                None => p.add(
                    f("intervention"),
                    crate::problem!(
                        "not_in_grid",
                        "'{intervention}' is not in the feasibility grid",
                        intervention = c.intervention
                    ),
                ),
                Some(found) if found.dimension != c.dimension => p.add(
                    f("dimension"),
                    crate::problem!(
                        "other_dimension",
                        "'{intervention}' is an intervention of the {dimension} dimension",
                        intervention = c.intervention,
                        dimension = found.dimension
                    ),
                ),
                Some(_) => {}
            }
            p.text(&f("description"), &c.description, LONG_TEXT);
            p.optional_text(&f("beneficiary"), c.beneficiary.as_deref(), SHORT_TEXT);
            if c.community_project.is_some() && !matches!(c.level, Level::Community | Level::Collective) {
                let problem = crate::problem!(
                    "project_needs_community_level",
                    "a community project goes with a community or collective component"
                );
                p.add(f("community_project"), problem);
            }
            if let Some(cost) = &c.estimated_cost {
                cost.check(&mut p, &f("estimated_cost"));
            }
            if let (Some(start), Some(end)) = (c.start, c.end) {
                p.not_before(&f("end"), end, "start", start);
            }
        }
        for (i, g) in self.goods.iter().enumerate() {
            p.text(&format!("goods[{i}].item"), &g.item, SHORT_TEXT);
            g.estimated_cost.check(&mut p, &format!("goods[{i}].estimated_cost"));
        }
        for (i, r) in self.referrals.iter().enumerate() {
            p.text(&format!("referrals[{i}].agency"), &r.agency, SHORT_TEXT);
            p.text(&format!("referrals[{i}].assistance"), &r.assistance, LONG_TEXT);
        }
        for (i, x) in self.participants.iter().enumerate() {
            p.text(&format!("participants[{i}].name"), &x.name, SHORT_TEXT);
            p.text(&format!("participants[{i}].role"), &x.role, SHORT_TEXT);
        }
        if self.estimated_duration_months.is_some_and(|m| m == 0 || m > 60) {
            p.add(
                "estimated_duration_months",
                crate::problem!("between", "must be between {min} and {max}", min = 1, max = 60),
            );
        }
        p.into_result()
    }

    /// Whether the plan says enough to be signed: a summary for at least one dimension and at
    /// least one component.
    pub fn ready_to_agree(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        let s = &self.summary;
        if [&s.economic, &s.social, &s.psychosocial].iter().all(|t| t.trim().is_empty()) {
            p.add(
                "summary",
                crate::problem!("summary_required", "summarise the plan in at least one dimension before it is agreed"),
            );
        }
        if self.components.is_empty() {
            p.add(
                "components",
                crate::problem!("component_required", "choose at least one component before the plan is agreed"),
            );
        }
        p.into_result()
    }
}

impl Attestation {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.text("place", &self.place, SHORT_TEXT);
        p.text("returnee_name", &self.returnee_name, SHORT_TEXT);
        p.text("staff_name", &self.staff_name, SHORT_TEXT);
        if !self.returnee_approved {
            p.add(
                "returnee_approved",
                crate::problem!("returnee_approval", "the returnee must approve the plan for it to be agreed"),
            );
        }
        if !self.staff_approved {
            p.add(
                "staff_approved",
                crate::problem!("staff_approval", "staff or the referral partner must approve the plan"),
            );
        }
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> FeasibilityGrid {
        FeasibilityGrid::builtin()
    }

    fn component(intervention: &str, dimension: Dimension) -> Component {
        Component {
            dimension,
            level: Level::Individual,
            intervention: intervention.into(),
            description: "tailoring workshop".into(),
            beneficiary: None,
            needs_referral: false,
            modality: Modality::InKind,
            estimated_cost: None,
            start: None,
            end: None,
            community_project: None,
        }
    }

    #[test]
    fn only_a_community_or_collective_component_takes_part_in_a_community_project() {
        let g = grid();
        let first = &g.interventions[0];
        let mut c = component(&first.id, first.dimension);
        c.community_project = Some("p1".into());
        let mut content = PlanContent { components: vec![c], ..PlanContent::default() };
        let fields: Vec<String> = content.validate(&g).unwrap_err().into_iter().map(|e| e.field).collect();
        assert!(fields.contains(&"components[0].community_project".to_string()), "{fields:?}");
        content.components[0].level = Level::Community;
        let fields: Vec<String> = content.validate(&g).err().unwrap_or_default().into_iter().map(|e| e.field).collect();
        assert!(!fields.iter().any(|f| f.contains("community_project")), "{fields:?}");
    }

    #[test]
    fn components_come_from_the_grid_with_their_dimension() {
        let g = grid();
        let first = &g.interventions[0];
        let mut plan = PlanContent { components: vec![component(&first.id, first.dimension)], ..Default::default() };
        assert_eq!(plan.validate(&g), Ok(()));
        let other = Dimension::ALL.iter().copied().find(|d| *d != first.dimension).unwrap();
        plan.components.push(component(&first.id, other));
        plan.components.push(component("levitation", other));
        let fields: Vec<String> = plan.validate(&g).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["components[1].dimension", "components[2].intervention"]);
    }

    #[test]
    fn a_plan_is_agreed_only_with_content_and_both_approvals() {
        let empty = PlanContent::default();
        let fields: Vec<String> = empty.ready_to_agree().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["summary", "components"]);
        let attestation = Attestation {
            date: "2026-03-01".parse().unwrap(),
            place: "Dakar".into(),
            returnee_name: "Aminata Diallo".into(),
            returnee_approved: false,
            staff_name: "F. Sow".into(),
            staff_approved: true,
        };
        assert_eq!(attestation.validate().unwrap_err()[0].field, "returnee_approved");
    }
}
