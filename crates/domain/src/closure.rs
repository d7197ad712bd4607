//! Why a case is closed (domain.md 3.5; handbook lines 4291-4320).

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
