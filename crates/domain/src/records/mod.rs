//! The records kept on a case (docs/domain.md 2.2-2.7, 2.11, 2.14, 2.15): each a plain typed value,
//! validated as a whole, with its kind's stable name and, for sensitive kinds, the section a
//! reader must be granted. Storage keeps them as they are here; nothing is added by callbacks.

mod assessments;
mod assistance;
mod consent;
mod follow_up;
mod household;
mod unmet_need;

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use assessments::{
    CounsellingMode, CounsellingSession, CriterionMark, FeasibilityCheck, RiskAssessment, ScreeningTool, SensitiveNote,
    SkillsAssessment, VulnerabilityAssessment, VulnerabilityPhase,
};
pub use assistance::exceptions as payment_exceptions;
pub use assistance::{Amount, Assistance, AssistanceModality, Conditionality, Payee};
pub use consent::ConsentRecord;
pub use follow_up::{FollowUp, FollowUpKind, FollowUpMode};
pub use household::HouseholdMember;
pub use unmet_need::{UnmetBecause, UnmetNeed};

use crate::access::Section;
use crate::validate::FieldError;

named_enum! {
    /// Every kind of record kept on a case, by its stable name (storage and URLs use the plural
    /// form given by [`RecordKind::path`]).
    pub enum RecordKind {
        HouseholdMember = "household_member",
        Consent = "consent",
        CounsellingSession = "counselling_session",
        VulnerabilityAssessment = "vulnerability_assessment",
        RiskAssessment = "risk_assessment",
        SkillsAssessment = "skills_assessment",
        FeasibilityCheck = "feasibility_check",
        Assistance = "assistance",
        FollowUp = "follow_up",
        SensitiveNote = "sensitive_note",
        UnmetNeed = "unmet_need",
    }
}

impl RecordKind {
    /// The collection's name in URLs: `/cases/{id}/household-members`.
    pub fn path(self) -> &'static str {
        match self {
            RecordKind::HouseholdMember => "household-members",
            RecordKind::Consent => "consents",
            RecordKind::CounsellingSession => "counselling-sessions",
            RecordKind::VulnerabilityAssessment => "vulnerability-assessments",
            RecordKind::RiskAssessment => "risk-assessments",
            RecordKind::SkillsAssessment => "skills-assessments",
            RecordKind::FeasibilityCheck => "feasibility-checks",
            RecordKind::Assistance => "assistance",
            RecordKind::FollowUp => "follow-ups",
            RecordKind::SensitiveNote => "sensitive-notes",
            RecordKind::UnmetNeed => "unmet-needs",
        }
    }
}

/// A record kept on a case.
pub trait CaseRecord: Serialize + DeserializeOwned + utoipa::ToSchema + Clone + Send + Sync + 'static {
    const KIND: RecordKind;

    /// Every problem with the record, each naming its field.
    fn validate(&self) -> Result<(), Vec<FieldError>>;

    /// The sensitive section whose grant is needed to read or write this record, if any.
    fn section(&self) -> Option<Section> {
        None
    }

    /// The day the record is about (a session, a visit, a payment), for ordering and timelines.
    fn date(&self) -> Option<NaiveDate>;

    /// Whether `self` may replace `old`. Most records may be corrected freely (every version is
    /// audited); some, like a consent, only change in set ways.
    fn check_update(&self, _old: &Self) -> Result<(), Vec<FieldError>> {
        Ok(())
    }

    /// The consents this record's content needs, by the field that says so: a record saying
    /// data was shared (with the country of origin, say) is refused without a current consent.
    fn needs_consent(&self) -> Vec<(&'static str, crate::consent::ConsentPurpose)> {
        vec![]
    }

    /// Dates that cannot lie after the server's today (a consent, its withdrawal).
    fn not_after_today(&self) -> Vec<(&'static str, NaiveDate)> {
        vec![]
    }
}

/// The sensitive section a kind always belongs to, for kinds that have one whatever their
/// content. (A [`SensitiveNote`] names its own.)
pub fn fixed_section(kind: RecordKind) -> Option<Section> {
    match kind {
        RecordKind::VulnerabilityAssessment | RecordKind::RiskAssessment => Some(Section::GbvProtection),
        RecordKind::CounsellingSession => Some(Section::Psychosocial),
        _ => None,
    }
}
