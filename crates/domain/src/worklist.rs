//! A case worker's work: what falls due on their cases today, this week and what is overdue
//! (handbook Module 2, Figure 2.1; docs/domain.md 3.4). Pure: the facts of each case in, the
//! items of work out; the service loads the facts and the pages show the items.

use chrono::{Days, NaiveDate};

use crate::timing::{Due, DueKind};

named_enum! {
    /// A kind of work that falls due.
    pub enum WorkKind {
        /// A follow-up visit (the case's next one, from the timing rules or the last visit).
        FollowUpVisit = "follow_up_visit",
        /// An RSS round: baseline, intermediate or final, from the timing rules.
        RssRound = "rss_round",
        /// The reintegration plan, due a month after return (line 2286).
        Plan = "plan",
        /// A referral sent whose provider has not reported back by its follow-up date.
        ReferralFeedback = "referral_feedback",
        /// A consent to share given for an older plan version: the plan was revised (line 2346).
        ConsentRenewal = "consent_renewal",
        /// A payment of the agreed plan not yet made in full, from its component's start.
        Payment = "payment",
    }
}

named_enum! {
    /// How urgent an item is, from its date and today.
    pub enum WhenDue {
        Overdue = "overdue",
        Today = "today",
        ThisWeek = "this_week",
    }
}

/// The facts of one case the work is computed from.
#[derive(Debug, Clone, Default)]
pub struct CaseFacts {
    pub next_follow_up: Option<NaiveDate>,
    pub plan_agreed: bool,
    /// Every date the case's schedule puts a plan or an RSS round at.
    pub due: Vec<Due>,
    /// How many surveys of each round the case has: baseline, intermediate, final.
    pub surveys: [usize; 3],
    /// Referrals sent and not yet finished, with their follow-up date (referral id, date).
    pub referrals_awaiting: Vec<(String, NaiveDate)>,
    /// Partners with a current consent to share only for an older plan version than the one
    /// agreed now.
    pub consents_to_renew: Vec<String>,
    /// Components of the agreed plan with an amount not yet paid in full: (component, from when).
    pub payments_due: Vec<(u32, NaiveDate)>,
}

/// One item of work on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub kind: WorkKind,
    pub due: NaiveDate,
    pub when: WhenDue,
    /// For an RSS round, which one; for a referral, its id; for a consent, the partner.
    pub detail: Option<String>,
}

/// Items due up to a week ahead.
const HORIZON_DAYS: u64 = 7;

fn urgency(due: NaiveDate, today: NaiveDate) -> Option<WhenDue> {
    let horizon = today.checked_add_days(Days::new(HORIZON_DAYS))?;
    match due {
        d if d < today => Some(WhenDue::Overdue),
        d if d == today => Some(WhenDue::Today),
        d if d <= horizon => Some(WhenDue::ThisWeek),
        _ => None,
    }
}

/// The work on a case due by a week from `today`, most urgent first.
pub fn work(facts: &CaseFacts, today: NaiveDate) -> Vec<WorkItem> {
    let mut items = Vec::new();
    let mut push = |kind, due, detail: Option<String>| {
        if let Some(urgency) = urgency(due, today) {
            items.push(WorkItem { kind, due, when: urgency, detail });
        }
    };
    if let Some(d) = facts.next_follow_up {
        push(WorkKind::FollowUpVisit, d, None);
    }
    if !facts.plan_agreed
        && let Some(plan) = facts.due.iter().find(|d| d.kind == DueKind::Plan)
    {
        push(WorkKind::Plan, plan.date, None);
    }
    // The k-th round of a kind is done once the case has more than k surveys of that round.
    for (round, kind) in [DueKind::RssBaseline, DueKind::RssIntermediate, DueKind::RssFinal].into_iter().enumerate() {
        let rounds = facts.due.iter().filter(|d| d.kind == kind);
        for due in rounds.skip(facts.surveys[round]).take(1) {
            push(WorkKind::RssRound, due.date, Some(crate::Named::name(kind).to_string()));
        }
    }
    for (referral, date) in &facts.referrals_awaiting {
        push(WorkKind::ReferralFeedback, *date, Some(referral.clone()));
    }
    for partner in &facts.consents_to_renew {
        push(WorkKind::ConsentRenewal, today, Some(partner.clone()));
    }
    for (component, from) in &facts.payments_due {
        push(WorkKind::Payment, *from, Some(component.to_string()));
    }
    items.sort_by_key(|i| i.due);
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timing::Anchor;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn due(kind: DueKind, date: &str) -> Due {
        Due { kind, date: day(date), until: day(date), months: 0, anchor: Anchor::Return }
    }

    #[test]
    fn work_is_what_falls_due_within_a_week_or_is_overdue() {
        let today = day("2026-06-10");
        let facts = CaseFacts {
            next_follow_up: Some(day("2026-06-10")),
            plan_agreed: false,
            due: vec![
                due(DueKind::Plan, "2026-05-01"),
                due(DueKind::RssBaseline, "2026-04-15"),
                due(DueKind::RssIntermediate, "2026-06-15"),
                due(DueKind::RssIntermediate, "2026-09-15"),
                due(DueKind::RssFinal, "2027-04-01"),
            ],
            surveys: [1, 0, 0],
            referrals_awaiting: vec![("r1".into(), day("2026-06-01")), ("r2".into(), day("2026-07-01"))],
            consents_to_renew: vec!["p1".into()],
            payments_due: vec![(0, day("2026-06-12")), (1, day("2026-08-01"))],
        };
        let items = work(&facts, today);
        let summary: Vec<(WorkKind, WhenDue)> = items.iter().map(|i| (i.kind, i.when)).collect();
        assert_eq!(
            summary,
            [
                (WorkKind::Plan, WhenDue::Overdue),
                (WorkKind::ReferralFeedback, WhenDue::Overdue),
                (WorkKind::FollowUpVisit, WhenDue::Today),
                (WorkKind::ConsentRenewal, WhenDue::Today),
                (WorkKind::Payment, WhenDue::ThisWeek),
                (WorkKind::RssRound, WhenDue::ThisWeek),
            ]
        );
        assert_eq!(
            items[5].detail.as_deref(),
            Some("rss_intermediate"),
            "the baseline was taken; the next round is due"
        );
    }

    #[test]
    fn an_agreed_plan_and_taken_rounds_leave_nothing_due() {
        let facts = CaseFacts {
            plan_agreed: true,
            due: vec![due(DueKind::Plan, "2026-05-01"), due(DueKind::RssBaseline, "2026-04-15")],
            surveys: [1, 0, 0],
            ..CaseFacts::default()
        };
        assert!(work(&facts, day("2026-06-10")).is_empty());
    }
}
