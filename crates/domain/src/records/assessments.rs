//! Counselling, the assessments of section 2.2 of the handbook, restricted notes and a case's
//! feasibility check of an intervention (docs/domain.md 2.5-2.7, 2.11).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseRecord, RecordKind};
use crate::access::Section;
use crate::feasibility::{Evaluation, FeasibilityGrid, GridError, Mark};
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// How a counselling session took place.
    pub enum CounsellingMode {
        InPerson = "in_person",
        Phone = "phone",
        Video = "video",
    }
}

/// One counselling session (docs/domain.md 7.5): confidential, so in the psychosocial section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounsellingSession {
    pub date: NaiveDate,
    pub mode: CounsellingMode,
    pub counsellor: String,
    #[serde(default)]
    pub interpreter_used: bool,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub immediate_needs: Option<String>,
    /// An urgent referral was needed (lines 1864-1866).
    #[serde(default)]
    pub urgent_referral: bool,
}

impl CaseRecord for CounsellingSession {
    const KIND: RecordKind = RecordKind::CounsellingSession;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.text("counsellor", &self.counsellor, SHORT_TEXT);
        p.optional_text("notes", self.notes.as_deref(), LONG_TEXT);
        p.optional_text("immediate_needs", self.immediate_needs.as_deref(), LONG_TEXT);
        p.into_result()
    }

    fn section(&self) -> Option<Section> {
        Some(Section::Psychosocial)
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

named_enum! {
    /// The screening tool used (line 2003).
    pub enum ScreeningTool {
        RapidVulnerabilityAssessment = "rapid_vulnerability_assessment",
        Mvvea = "mvvea",
        Other = "other",
    }
}

named_enum! {
    /// When the vulnerability assessment is made (lines 1982, 1857-1861).
    pub enum VulnerabilityPhase {
        PreDeparture = "pre_departure",
        OnArrival = "on_arrival",
        Reassessment = "reassessment",
    }
}

/// A vulnerability assessment (docs/domain.md 2.5): protection section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityAssessment {
    pub date: NaiveDate,
    pub tool: ScreeningTool,
    pub phase: VulnerabilityPhase,
    /// Trained staff who made it (line 2006).
    pub assessor: String,
    /// Vulnerabilities identified, in the assessor's words (health, VoT, violence, UASC, ...).
    #[serde(default)]
    pub vulnerabilities: Vec<String>,
    #[serde(default)]
    pub immediate_needs: Option<String>,
    #[serde(default)]
    pub urgent_referral: bool,
    /// Whether a risk assessment and security plan are needed (line 2075).
    #[serde(default)]
    pub risk_assessment_needed: bool,
    /// Health screening and the health transition plan: continue treatment, return, relocate
    /// (lines 2034-2050).
    #[serde(default)]
    pub health_transition_plan: Option<String>,
    /// The results were shared with the country of origin, which needs the returnee's consent
    /// (lines 2011-2013).
    #[serde(default)]
    pub shared_with_country_of_origin: bool,
    #[serde(default)]
    pub notes: Option<String>,
}

impl CaseRecord for VulnerabilityAssessment {
    const KIND: RecordKind = RecordKind::VulnerabilityAssessment;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.text("assessor", &self.assessor, SHORT_TEXT);
        list(&mut p, "vulnerabilities", &self.vulnerabilities);
        p.optional_text("immediate_needs", self.immediate_needs.as_deref(), LONG_TEXT);
        p.optional_text("health_transition_plan", self.health_transition_plan.as_deref(), LONG_TEXT);
        p.optional_text("notes", self.notes.as_deref(), LONG_TEXT);
        p.into_result()
    }

    /// Sharing the results with the country of origin needs the returnee's consent (lines 2011-2013).
    fn needs_consent(&self) -> Vec<(&'static str, crate::consent::ConsentPurpose)> {
        if self.shared_with_country_of_origin {
            vec![("shared_with_country_of_origin", crate::consent::ConsentPurpose::ShareWithCountryOfOrigin)]
        } else {
            vec![]
        }
    }

    fn section(&self) -> Option<Section> {
        Some(Section::GbvProtection)
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

/// A risk assessment with the individual security plan (docs/domain.md 2.6): protection section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessment {
    pub date: NaiveDate,
    pub assessor: String,
    pub risks: Vec<String>,
    pub mitigation: String,
    #[serde(default)]
    pub security_plan: Option<String>,
}

impl CaseRecord for RiskAssessment {
    const KIND: RecordKind = RecordKind::RiskAssessment;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.text("assessor", &self.assessor, SHORT_TEXT);
        if self.risks.is_empty() {
            p.add("risks", crate::problem!("risk_required", "name at least one risk"));
        }
        list(&mut p, "risks", &self.risks);
        p.text("mitigation", &self.mitigation, LONG_TEXT);
        p.optional_text("security_plan", self.security_plan.as_deref(), LONG_TEXT);
        p.into_result()
    }

    fn section(&self) -> Option<Section> {
        Some(Section::GbvProtection)
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

/// A skills assessment (docs/domain.md 2.7, Fig. 2.3 line 2122).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillsAssessment {
    pub date: NaiveDate,
    /// Skills and competencies: literacy, numeracy, digital, languages, trades...
    #[serde(default)]
    pub skills: Vec<String>,
    /// ISCED level 0-8.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 8)]
    pub education_isced: Option<u8>,
    #[serde(default)]
    pub qualifications: Vec<String>,
    #[serde(default)]
    pub employment_history: Option<String>,
    /// Work, business or training of interest, and why.
    #[serde(default)]
    pub interests: Option<String>,
    #[serde(default)]
    pub barriers: Option<String>,
    /// Referral for skills testing or recognition (RPL, TVET, employment services).
    #[serde(default)]
    pub skills_testing_referral: Option<String>,
}

impl CaseRecord for SkillsAssessment {
    const KIND: RecordKind = RecordKind::SkillsAssessment;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        list(&mut p, "skills", &self.skills);
        list(&mut p, "qualifications", &self.qualifications);
        if self.education_isced.is_some_and(|l| l > 8) {
            p.add("education_isced", crate::problem!("isced_range", "ISCED levels run from 0 to 8"));
        }
        for (field, value) in [
            ("employment_history", &self.employment_history),
            ("interests", &self.interests),
            ("barriers", &self.barriers),
            ("skills_testing_referral", &self.skills_testing_referral),
        ] {
            p.optional_text(field, value.as_deref(), LONG_TEXT);
        }
        p.into_result()
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

/// Restricted free text in one sensitive section: health, GBV, trafficking, or a voluntary
/// SOGIESC disclosure (recorded only with explicit consent; never asked, docs/domain.md 6.14).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitiveNote {
    pub section: Section,
    pub date: NaiveDate,
    pub text: String,
}

impl CaseRecord for SensitiveNote {
    const KIND: RecordKind = RecordKind::SensitiveNote;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.text("text", &self.text, LONG_TEXT);
        p.into_result()
    }

    fn section(&self) -> Option<Section> {
        Some(self.section)
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }

    fn check_update(&self, old: &Self) -> Result<(), Vec<FieldError>> {
        if self.section == old.section {
            Ok(())
        } else {
            Err(vec![FieldError::of("section", crate::problem!("note_keeps_section", "a note stays in its section"))])
        }
    }
}

/// One criterion's mark in a feasibility check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionMark {
    pub mark: Mark,
    #[serde(default)]
    pub justification: String,
}

/// A case's check of one intervention of the feasibility grid (docs/domain.md 2.11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeasibilityCheck {
    pub date: NaiveDate,
    /// The intervention's id in the grid.
    pub intervention: String,
    /// One mark per criterion of the intervention, in the grid's order.
    pub marks: Vec<CriterionMark>,
}

impl FeasibilityCheck {
    /// Checks the marks against the grid's criteria for the intervention.
    pub fn evaluate(&self, grid: &FeasibilityGrid) -> Result<Evaluation, Vec<FieldError>> {
        let Some(intervention) = grid.intervention(&self.intervention) else {
            let problem = crate::problem!(
                "not_an_intervention",
                "'{intervention}' is not an intervention of the feasibility grid",
                intervention = self.intervention
            );
            return Err(vec![FieldError::of("intervention", problem)]);
        };
        let marks = self.marks.iter().map(|m| (m.mark, m.justification.clone())).collect();
        Evaluation::new(intervention, marks).map_err(|e| match e {
            GridError::Marks { problem, .. } => vec![FieldError::of("marks", problem)],
            other => vec![FieldError::new("marks", other.to_string())],
        })
    }
}

impl CaseRecord for FeasibilityCheck {
    const KIND: RecordKind = RecordKind::FeasibilityCheck;

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        for (i, m) in self.marks.iter().enumerate() {
            p.optional_text(&format!("marks[{i}].justification"), Some(&m.justification), LONG_TEXT);
        }
        p.into_result()?;
        self.evaluate(&crate::feasibility::FeasibilityGrid::builtin()).map(|_| ())
    }

    fn date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

fn list(p: &mut Problems, field: &str, values: &[String]) {
    if values.len() > 50 {
        p.add(field, crate::problem!("too_many_entries", "has more than {max} entries", max = 50));
    }
    for (i, v) in values.iter().enumerate() {
        p.text(&format!("{field}[{i}]"), v, SHORT_TEXT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protection_and_counselling_records_sit_in_their_sections() {
        let v: VulnerabilityAssessment = serde_json::from_value(serde_json::json!({
            "date": "2026-02-02", "tool": "mvvea", "phase": "on_arrival", "assessor": "F. Sow"
        }))
        .unwrap();
        assert_eq!(v.section(), Some(Section::GbvProtection));
        let note = SensitiveNote { section: Section::Health, date: v.date, text: "diabetes".into() };
        assert_eq!(note.section(), Some(Section::Health));
        let moved = SensitiveNote { section: Section::Sogiesc, ..note.clone() };
        assert!(moved.check_update(&note).is_err(), "a note cannot leak into another section");
    }

    #[test]
    fn a_feasibility_check_follows_the_grid() {
        let grid = FeasibilityGrid::builtin();
        let intervention = &grid.interventions[0];
        let marks: Vec<CriterionMark> = intervention
            .criteria
            .iter()
            .map(|_| CriterionMark { mark: Mark::Met, justification: String::new() })
            .collect();
        let date = "2026-02-02".parse().unwrap();
        let check = FeasibilityCheck { date, intervention: intervention.id.clone(), marks: marks.clone() };
        assert_eq!(check.validate(), Ok(()));
        let short = FeasibilityCheck { marks: marks[1..].to_vec(), ..check.clone() };
        assert_eq!(short.validate().unwrap_err()[0].field, "marks");
        let unknown = FeasibilityCheck { intervention: "teleportation".into(), ..check };
        assert_eq!(
            unknown.validate().unwrap_err()[0].message,
            "'teleportation' is not an intervention of the feasibility grid"
        );
    }
}
