//! A handover (issue 17 §1): a case prepared in a host office before departure passes to an
//! office in the country of origin, only with the returnee's consent to share with it (handbook
//! L1715-1725, L2011-2013, L1567). The packet carries the minimum necessary: who the returnee
//! is, when they were counselled (not what was said: that is the psychosocial section's),
//! the pre-departure vulnerability screening when the preparer includes it, the draft plan, and
//! the case's history as dates and kinds of what was recorded. The case keeps its number.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::lifecycle::{Lifecycle, Transition};
use crate::plan_document::PlanContent;
use crate::records::{CounsellingMode, VulnerabilityAssessment};
use crate::returnee::{ProfileDetails, Sex};

named_enum! {
    /// Where a handover stands.
    pub enum HandoverState {
        /// Its packet made, not yet sent: the host office may still look it over or withdraw it.
        Prepared = "prepared",
        /// Sent: the origin office reads the packet and accepts or declines.
        Sent = "sent",
        /// The origin office took the case over.
        Accepted = "accepted",
        /// The origin office declined it, saying why; the case stays with the host office.
        Declined = "declined",
        /// The host office withdrew it before it was accepted.
        Withdrawn = "withdrawn",
    }
}

named_enum! {
    /// What moves a handover.
    pub enum HandoverAction {
        Send = "send",
        Accept = "accept",
        Decline = "decline",
        Withdraw = "withdraw",
    }
}

use HandoverAction as A;
use HandoverState as S;

pub const HANDOVER: Lifecycle<HandoverState, HandoverAction> = Lifecycle {
    entity: "handover",
    initial: &[S::Prepared],
    transitions: &[
        Transition { action: A::Send, from: &[S::Prepared], to: S::Sent },
        Transition { action: A::Accept, from: &[S::Sent], to: S::Accepted },
        Transition { action: A::Decline, from: &[S::Sent], to: S::Declined },
        Transition { action: A::Withdraw, from: &[S::Prepared, S::Sent], to: S::Withdrawn },
    ],
};

/// When the returnee was counselled before departure, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounsellingSummary {
    pub date: NaiveDate,
    pub mode: CounsellingMode,
}

/// One line of the case's history: a date and what was recorded (a record kind, a survey, a
/// plan), never its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryLine {
    pub date: Option<NaiveDate>,
    pub what: String,
}

/// What a handover passes to the origin office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverPacket {
    pub case_number: String,
    pub from_office: String,
    pub to_office: String,
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    pub date_of_return: NaiveDate,
    #[schema(value_type = String, example = "SN")]
    pub country_of_origin: String,
    pub profile: ProfileDetails,
    /// The consent to share with the country of origin the handover rests on: the day it was given.
    pub consent_given_on: NaiveDate,
    pub counselling: Vec<CounsellingSummary>,
    /// The counselling dates were left out: the preparer is not granted the psychosocial
    /// section they belong to.
    #[serde(default)]
    pub counselling_withheld: bool,
    /// The pre-departure vulnerability screening, when the preparer included it.
    pub vulnerability: Vec<VulnerabilityAssessment>,
    /// The latest draft of the plan, when the preparer included it.
    pub draft_plan: Option<PlanContent>,
    pub history: Vec<HistoryLine>,
    /// What the host office wants the origin office to know first (at most 2,000 characters).
    pub note: Option<String>,
    pub prepared_by: String,
    pub prepared_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::check_table;

    #[test]
    fn the_handover_table_is_well_formed() {
        check_table(&HANDOVER, HandoverState::ALL);
    }

    #[test]
    fn a_handover_is_sent_before_it_is_accepted_and_is_final_once_decided() {
        assert_eq!(HANDOVER.next(S::Prepared, A::Send), Ok(S::Sent));
        assert!(HANDOVER.next(S::Prepared, A::Accept).is_err());
        assert_eq!(HANDOVER.next(S::Sent, A::Decline), Ok(S::Declined));
        for done in [S::Accepted, S::Declined, S::Withdrawn] {
            assert!(HANDOVER.is_final(done));
        }
    }
}
