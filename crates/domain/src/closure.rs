//! Why a case is closed (docs/domain.md 3.5; handbook lines 4291-4320), and the closure record
//! (docs/domain.md 2.16).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// The fifteen reasons of the handbook for closing a case.
    pub enum ClosureReason {
        SupportDurationEnded = "support_duration_ended",
        NoLongerMeetsCriteria = "no_longer_meets_criteria",
        ReturneeChoseToStop = "returnee_chose_to_stop",
        LeftArea = "left_area",
        ReMigrated = "re_migrated",
        Deceased = "deceased",
        BarrierToAccess = "barrier_to_access",
        AssistanceNotSuitable = "assistance_not_suitable",
        AggressiveOrThreatening = "aggressive_or_threatening",
        NegativeRepercussionsStigma = "negative_repercussions_stigma",
        CostsOutweighBenefits = "costs_outweigh_benefits",
        FundingEnded = "funding_ended",
        SecurityContext = "security_context",
        NonComplianceParticipationBehaviour = "non_compliance_participation_behaviour",
        PlanCompleted = "plan_completed",
    }
}

named_enum! {
    /// Whether the returnee chose the closure (recorded by the case worker with the reason).
    pub enum ClosureChoice {
        Voluntary = "voluntary",
        Involuntary = "involuntary",
    }
}

named_enum! {
    /// Whether the closure was prepared (plan review, exit interview, onward referrals) or sudden.
    pub enum ClosureTiming {
        Planned = "planned",
        Abrupt = "abrupt",
    }
}

impl ClosureReason {
    /// The reason recorded when the returnee opts out (line 2451).
    pub const OPT_OUT: ClosureReason = ClosureReason::ReturneeChoseToStop;
}

/// Who was told of a returnee's death (lines 4335-4350).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeathRecord {
    pub date_of_death: Option<NaiveDate>,
    pub authorities_notified: bool,
    pub family_notified: bool,
    pub providers_notified: bool,
    /// A request for data from investigators, handled under an MoU.
    #[serde(default)]
    pub investigation_request: Option<String>,
}

/// The record of a case's closure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub date: NaiveDate,
    pub reason: ClosureReason,
    pub choice: ClosureChoice,
    pub timing: ClosureTiming,
    /// The plan was reviewed with the returnee (line 4328).
    #[serde(default)]
    pub plan_reviewed: bool,
    #[serde(default)]
    pub unmet_needs: Option<String>,
    /// Exit interview and closing assessment (lines 4330-4333).
    #[serde(default)]
    pub exit_interview: Option<String>,
    /// Onward referrals (warm hand-off), each with the returnee's explicit consent (line 4320).
    #[serde(default)]
    pub onward_referrals: Vec<String>,
    #[serde(default)]
    pub death: Option<DeathRecord>,
}

impl Closure {
    /// The consents the closure needs: onward referrals each carry the returnee's explicit
    /// consent (line 4320).
    pub fn needs_consent(&self) -> Vec<(&'static str, crate::consent::ConsentPurpose)> {
        if self.onward_referrals.is_empty() {
            vec![]
        } else {
            vec![("onward_referrals", crate::consent::ConsentPurpose::OnwardReferral)]
        }
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.optional_text("unmet_needs", self.unmet_needs.as_deref(), LONG_TEXT);
        p.optional_text("exit_interview", self.exit_interview.as_deref(), LONG_TEXT);
        for (i, r) in self.onward_referrals.iter().enumerate() {
            p.text(&format!("onward_referrals[{i}]"), r, SHORT_TEXT);
        }
        match (self.reason, &self.death) {
            (ClosureReason::Deceased, None) => {
                p.add("death", crate::problem!("death_required", "record who was notified of the death"))
            }
            (ClosureReason::Deceased, Some(d)) => {
                p.optional_text("death.investigation_request", d.investigation_request.as_deref(), LONG_TEXT)
            }
            (_, Some(_)) => p.add(
                "death",
                crate::problem!("death_only_deceased", "a death record goes only with the reason `deceased`"),
            ),
            (_, None) => {}
        }
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Named;

    #[test]
    fn there_are_the_fifteen_reasons_of_the_handbook_with_unique_names() {
        assert_eq!(ClosureReason::ALL.len(), 15);
        let mut names: Vec<&str> = ClosureReason::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 15);
        assert_eq!(ClosureReason::from_name("re_migrated"), Some(ClosureReason::ReMigrated));
        assert_eq!(ClosureReason::OPT_OUT.to_string(), "returnee_chose_to_stop");
    }
}
