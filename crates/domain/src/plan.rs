//! The lifecycle of one version of a reintegration plan (docs/domain.md 3.2; handbook Annex 3,
//! lines 12605-12754, and section 2.3).

use crate::lifecycle::{Lifecycle, Transition};

named_enum! {
    /// Where one version of a plan stands. A revision supersedes the version and starts a new
    /// one as a draft, which needs the returnee's consent and signatures again (line 2346).
    pub enum PlanState {
        Draft = "draft",
        /// Signed by the returnee and by staff (and a partner, if any) (lines 12746-12754).
        Agreed = "agreed",
        Active = "active",
        /// Superseded by a newer version.
        Revised = "revised",
        Completed = "completed",
        Abandoned = "abandoned",
    }
}

named_enum! {
    pub enum PlanAction {
        Agree = "agree",
        Activate = "activate",
        Revise = "revise",
        Complete = "complete",
        Abandon = "abandon",
    }
}

use PlanAction as A;
use PlanState as S;

pub const PLAN: Lifecycle<PlanState, PlanAction> = Lifecycle {
    entity: "plan",
    initial: &[S::Draft],
    transitions: &[
        Transition { action: A::Agree, from: &[S::Draft], to: S::Agreed },
        Transition { action: A::Activate, from: &[S::Agreed], to: S::Active },
        Transition { action: A::Revise, from: &[S::Agreed, S::Active], to: S::Revised },
        Transition { action: A::Complete, from: &[S::Active], to: S::Completed },
        Transition { action: A::Abandon, from: &[S::Draft, S::Agreed, S::Active], to: S::Abandoned },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::check_table;

    #[test]
    fn the_table_is_well_formed() {
        check_table(&PLAN, PlanState::ALL);
    }

    #[test]
    fn a_draft_cannot_be_revised_or_completed_before_it_is_agreed() {
        assert!(PLAN.next(S::Draft, A::Revise).is_err());
        assert!(PLAN.next(S::Draft, A::Complete).is_err());
        assert_eq!(PLAN.next(S::Draft, A::Agree), Ok(S::Agreed));
    }

    #[test]
    fn a_revised_version_is_final() {
        assert_eq!(PLAN.next(S::Active, A::Revise), Ok(S::Revised));
        assert!(PLAN.is_final(S::Revised));
        assert!(PLAN.is_final(S::Completed) && PLAN.is_final(S::Abandoned));
    }
}
