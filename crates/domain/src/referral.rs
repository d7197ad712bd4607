//! The lifecycle of a referral to a service provider (domain.md 3.3; handbook lines 2355-2366,
//! 7266-7300).

use crate::lifecycle::{Lifecycle, Transition};

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
