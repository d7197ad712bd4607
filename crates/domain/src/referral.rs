//! The lifecycle of a referral to a service provider (docs/domain.md 3.3; handbook lines 2355-2366,
//! 7266-7300).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::lifecycle::{Lifecycle, Transition};
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

named_enum! {
    pub enum ReferralState {
        Proposed = "proposed",
        /// Only a mental-health professional may refer without consent, when life is at risk
        /// (line 7328): such a referral starts here and may be sent at once.
        Urgent = "urgent",
        /// The returnee consented to sharing the minimum data with the provider.
        Consented = "consented",
        Sent = "sent",
        /// The provider acknowledged it or made first contact.
        Acknowledged = "acknowledged",
        InService = "in_service",
        Completed = "completed",
        Declined = "declined",
        NoShow = "no_show",
        /// The service does not exist or cannot be had: an unmet need to record (line 2425).
        ServiceUnavailable = "service_unavailable",
        /// Withdrawn before it was sent (design choice: the handbook does not name this state).
        Cancelled = "cancelled",
    }
}

named_enum! {
    pub enum ReferralAction {
        Consent = "consent",
        Send = "send",
        Acknowledge = "acknowledge",
        StartService = "start_service",
        Complete = "complete",
        Decline = "decline",
        RecordNoShow = "record_no_show",
        ReportUnavailable = "report_unavailable",
        Cancel = "cancel",
    }
}

use ReferralAction as A;
use ReferralState as S;

pub const REFERRAL: Lifecycle<ReferralState, ReferralAction> = Lifecycle {
    entity: "referral",
    initial: &[S::Proposed, S::Urgent],
    transitions: &[
        Transition { action: A::Consent, from: &[S::Proposed], to: S::Consented },
        // Data leaves the organisation only with consent, or on the urgent path.
        Transition { action: A::Send, from: &[S::Consented, S::Urgent], to: S::Sent },
        Transition { action: A::Acknowledge, from: &[S::Sent], to: S::Acknowledged },
        Transition { action: A::StartService, from: &[S::Sent, S::Acknowledged], to: S::InService },
        Transition { action: A::Complete, from: &[S::InService], to: S::Completed },
        Transition { action: A::Decline, from: &[S::Sent, S::Acknowledged], to: S::Declined },
        Transition { action: A::RecordNoShow, from: &[S::Acknowledged, S::InService], to: S::NoShow },
        Transition {
            action: A::ReportUnavailable,
            from: &[S::Proposed, S::Consented, S::Sent, S::Acknowledged],
            to: S::ServiceUnavailable,
        },
        Transition { action: A::Cancel, from: &[S::Proposed, S::Consented, S::Urgent], to: S::Cancelled },
    ],
};

named_enum! {
    /// For mental health and psychosocial support (lines 4233-4236).
    pub enum MhpssCategory {
        ImmediateLifeSaving = "immediate_life_saving",
        PsychologicalCounselling = "psychological_counselling",
        GenericPsychosocial = "generic_psychosocial",
    }
}

named_enum! {
    pub enum Urgency {
        Routine = "routine",
        Urgent = "urgent",
    }
}

named_enum! {
    /// What a referral packet may carry: the minimum needed, chosen per referral (lines 7270-7273).
    /// Names of fields of the case; nothing from the sensitive sections.
    pub enum PacketField {
        Name = "name",
        Sex = "sex",
        Age = "age",
        Contacts = "contacts",
        Address = "address",
        Languages = "languages",
        CountryOfOrigin = "country_of_origin",
        DateOfReturn = "date_of_return",
    }
}

/// A referral as a case worker proposes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    /// The service provider's id in the directory.
    pub provider: String,
    pub service_type: String,
    #[serde(default)]
    pub category: Option<MhpssCategory>,
    #[serde(default = "routine")]
    pub urgency: Urgency,
    /// Why the returnee is referred and what is asked of the provider (goes in the packet).
    pub reason: String,
    /// The plan version and component the referral serves, if any.
    #[serde(default)]
    pub plan_version: Option<u32>,
    #[serde(default)]
    pub component: Option<u32>,
    /// The case fields the packet will carry.
    #[serde(default)]
    pub data_shared: Vec<PacketField>,
    /// Life at risk: a user granted emergency sharing (a mental-health professional) refers
    /// without consent, saying why (lines 7328-7330). The override is theirs: audited, shown on
    /// the case and listed for supervisors.
    #[serde(default)]
    pub consent_override_reason: Option<String>,
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
}

fn routine() -> Urgency {
    Urgency::Routine
}

impl ReferralRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("provider", &self.provider, SHORT_TEXT);
        p.text("service_type", &self.service_type, SHORT_TEXT);
        p.text("reason", &self.reason, LONG_TEXT);
        p.optional_text("consent_override_reason", self.consent_override_reason.as_deref(), LONG_TEXT);
        if self.consent_override_reason.is_some() && self.urgency != Urgency::Urgent {
            p.add(
                "consent_override_reason",
                crate::problem!(
                    "override_only_urgent",
                    "consent may be overridden only for an urgent referral (life at risk)"
                ),
            );
        }
        let mut seen = Vec::new();
        for (i, f) in self.data_shared.iter().enumerate() {
            if seen.contains(f) {
                p.add(
                    format!("data_shared[{i}]"),
                    crate::problem!("listed_twice", "`{value}` is listed twice", value = f),
                );
            }
            seen.push(*f);
        }
        if let Some(d) = self.follow_up_on {
            p.plausible_date("follow_up_on", d);
        }
        p.into_result()
    }

    /// Where the referral starts: on the urgent path when consent is overridden.
    pub fn initial_state(&self) -> ReferralState {
        if self.consent_override_reason.is_some() { ReferralState::Urgent } else { ReferralState::Proposed }
    }
}

/// A move of a referral, with what was learnt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralStep {
    pub action: ReferralAction,
    /// The referral's version as last read (optimistic concurrency).
    pub version: i64,
    pub date: NaiveDate,
    /// Outcome or the provider's feedback.
    #[serde(default)]
    pub note: Option<String>,
}

impl ReferralStep {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.optional_text("note", self.note.as_deref(), LONG_TEXT);
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::check_table;

    #[test]
    fn the_table_is_well_formed() {
        check_table(&REFERRAL, ReferralState::ALL);
    }

    #[test]
    fn nothing_is_sent_without_consent_except_on_the_urgent_path() {
        let err = REFERRAL.next(S::Proposed, A::Send).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a referral in state `proposed` cannot `send`; from there it can: consent, report_unavailable, cancel"
        );
        assert_eq!(REFERRAL.next(S::Consented, A::Send), Ok(S::Sent));
        assert_eq!(REFERRAL.next(S::Urgent, A::Send), Ok(S::Sent));
    }

    #[test]
    fn a_sent_referral_cannot_be_cancelled_but_can_end_in_each_outcome() {
        assert!(REFERRAL.next(S::Sent, A::Cancel).is_err());
        assert_eq!(REFERRAL.next(S::Acknowledged, A::Decline), Ok(S::Declined));
        assert_eq!(REFERRAL.next(S::InService, A::RecordNoShow), Ok(S::NoShow));
        assert_eq!(REFERRAL.next(S::Sent, A::ReportUnavailable), Ok(S::ServiceUnavailable));
        assert_eq!(REFERRAL.next(S::InService, A::Complete), Ok(S::Completed));
        for end in [S::Completed, S::Declined, S::NoShow, S::ServiceUnavailable, S::Cancelled] {
            assert!(REFERRAL.is_final(end), "{end}");
        }
    }
}
