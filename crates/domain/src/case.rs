//! The lifecycle of a case (docs/domain.md 3.1; handbook Fig. 2.1 line 1771, sections 2.1-2.3 and 2.7).

use crate::lifecycle::{Lifecycle, Transition};

named_enum! {
    /// Where a returnee's case stands.
    pub enum CaseState {
        /// Optional: counselling and screening in the host country, before return (line 1715).
        PreDeparture = "pre_departure",
        /// First counselling after arrival: trust, the process explained, consent (lines 1772-1891).
        Intake = "intake",
        /// Vulnerability, risk, family and skills assessments; RSS baseline.
        Assessment = "assessment",
        /// Feasibility grid and draft plan; target within a month of return (line 2286).
        Planning = "planning",
        /// The plan is signed by the returnee and staff.
        PlanAgreed = "plan_agreed",
        /// Referrals, disbursements, accompaniment (lines 2443-2449).
        InAssistance = "in_assistance",
        /// Periodic follow-ups; plan revisions make new plan versions.
        Monitoring = "monitoring",
        /// Plan review, exit interview, closing assessment, onward referrals (lines 4321-4333).
        Closing = "closing",
        Closed = "closed",
        /// Closed, then taken up again as a new case (design choice of docs/domain.md: the handbook
        /// does not cover re-opening).
        Reopened = "reopened",
        Archived = "archived",
    }
}

named_enum! {
    /// What a case worker does that moves a case.
    pub enum CaseAction {
        Arrive = "arrive",
        StartAssessment = "start_assessment",
        StartPlanning = "start_planning",
        AgreePlan = "agree_plan",
        StartAssistance = "start_assistance",
        StartMonitoring = "start_monitoring",
        ResumeAssistance = "resume_assistance",
        BeginClosure = "begin_closure",
        Close = "close",
        /// The returnee may opt out at any time (line 2451): the case closes at once.
        OptOut = "opt_out",
        Reopen = "reopen",
        Archive = "archive",
    }
}

use CaseAction as A;
use CaseState as S;

/// Every state in which the case is still open.
const OPEN: &[CaseState] = &[
    S::PreDeparture,
    S::Intake,
    S::Assessment,
    S::Planning,
    S::PlanAgreed,
    S::InAssistance,
    S::Monitoring,
    S::Closing,
    S::Reopened,
];

/// The case lifecycle. An urgent referral is possible in any state and does not move the case.
pub const CASE: Lifecycle<CaseState, CaseAction> = Lifecycle {
    entity: "case",
    initial: &[S::PreDeparture, S::Intake],
    transitions: &[
        Transition { action: A::Arrive, from: &[S::PreDeparture], to: S::Intake },
        // A reopened case goes back to work where it is needed: new assessments, assistance
        // resumed, monitoring, or closing again.
        Transition { action: A::StartAssessment, from: &[S::Intake, S::Reopened], to: S::Assessment },
        Transition { action: A::StartPlanning, from: &[S::Assessment], to: S::Planning },
        Transition { action: A::AgreePlan, from: &[S::Planning], to: S::PlanAgreed },
        Transition { action: A::StartAssistance, from: &[S::PlanAgreed], to: S::InAssistance },
        Transition { action: A::StartMonitoring, from: &[S::InAssistance, S::Reopened], to: S::Monitoring },
        Transition { action: A::ResumeAssistance, from: &[S::Monitoring, S::Reopened], to: S::InAssistance },
        Transition { action: A::BeginClosure, from: &[S::InAssistance, S::Monitoring, S::Reopened], to: S::Closing },
        Transition { action: A::Close, from: &[S::Closing], to: S::Closed },
        Transition { action: A::OptOut, from: OPEN, to: S::Closed },
        Transition { action: A::Reopen, from: &[S::Closed], to: S::Reopened },
        Transition { action: A::Archive, from: &[S::Closed, S::Reopened], to: S::Archived },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{Named, check_table};

    #[test]
    fn the_table_is_well_formed() {
        check_table(&CASE, CaseState::ALL);
    }

    #[test]
    fn a_case_goes_from_intake_to_archive_along_the_handbook_path() {
        let path = [
            (A::StartAssessment, S::Assessment),
            (A::StartPlanning, S::Planning),
            (A::AgreePlan, S::PlanAgreed),
            (A::StartAssistance, S::InAssistance),
            (A::StartMonitoring, S::Monitoring),
            (A::ResumeAssistance, S::InAssistance),
            (A::StartMonitoring, S::Monitoring),
            (A::BeginClosure, S::Closing),
            (A::Close, S::Closed),
            (A::Archive, S::Archived),
        ];
        let mut state = S::Intake;
        for (action, expected) in path {
            state = CASE.next(state, action).unwrap();
            assert_eq!(state, expected);
        }
        assert!(CASE.is_final(state));
    }

    #[test]
    fn the_returnee_can_opt_out_of_any_open_case() {
        for &state in OPEN {
            assert_eq!(CASE.next(state, A::OptOut), Ok(S::Closed), "{state}");
        }
        for state in [S::Closed, S::Archived] {
            assert!(CASE.next(state, A::OptOut).is_err(), "{state}");
        }
    }

    #[test]
    fn a_reopened_case_goes_back_to_work() {
        let reopened = CASE.next(S::Closed, A::Reopen).unwrap();
        assert_eq!(CASE.next(reopened, A::StartAssessment), Ok(S::Assessment));
        assert_eq!(CASE.next(reopened, A::ResumeAssistance), Ok(S::InAssistance));
        assert_eq!(CASE.next(reopened, A::StartMonitoring), Ok(S::Monitoring));
        assert_eq!(CASE.next(reopened, A::OptOut), Ok(S::Closed));
    }

    #[test]
    fn an_illegal_move_names_the_state_the_action_and_what_is_allowed() {
        let err = CASE.next(S::Planning, A::Close).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a case in state `planning` cannot `close`; from there it can: agree_plan, opt_out"
        );
        let err = CASE.next(S::Archived, A::Reopen).unwrap_err();
        assert_eq!(err.to_string(), "a case in state `archived` cannot `reopen`; nothing can change it any more");
    }

    #[test]
    fn a_plan_is_agreed_before_any_assistance() {
        for state in [S::Intake, S::Assessment, S::Planning] {
            assert!(CASE.next(state, A::StartAssistance).is_err(), "{state}");
        }
    }

    #[test]
    fn names_read_back() {
        for &s in CaseState::ALL {
            assert_eq!(CaseState::from_name(s.name()), Some(s));
        }
        assert_eq!(CaseAction::from_name("opt_out"), Some(A::OptOut));
        assert_eq!(CaseAction::from_name("Opt_Out"), None);
    }
}
