use chrono::NaiveDate;

use super::*;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn dates(due: &[Due], kind: DueKind) -> Vec<String> {
    due.iter().filter(|d| d.kind == kind).map(|d| d.date.to_string()).collect()
}

fn refused(edit: impl Fn(&str) -> String) -> String {
    TimingRules::from_toml(&edit(BUILTIN_TOML)).expect_err("edited rules must be refused").to_string()
}

#[test]
fn the_standard_schedule_follows_the_handbook() {
    let rules = TimingRules::builtin();
    let standard = rules.schedule("standard").unwrap();
    let anchors = Anchors { returned: date("2026-01-15"), plan_agreed: Some(date("2026-02-10")) };
    let due = standard.due_dates(&anchors);
    assert_eq!(dates(&due, DueKind::Plan), ["2026-02-15"]);
    assert_eq!(
        dates(&due, DueKind::FollowUp),
        ["2026-05-10", "2026-08-10", "2026-11-10", "2027-02-10", "2027-05-10", "2027-08-10"]
    );
    assert_eq!(dates(&due, DueKind::MidYearReport), ["2026-08-10"]);
    assert_eq!(dates(&due, DueKind::FinalReport), ["2027-08-10"]);
    let rss: Vec<(String, String)> = due
        .iter()
        .filter(|d| matches!(d.kind, DueKind::RssBaseline | DueKind::RssIntermediate | DueKind::RssFinal))
        .map(|d| (d.date.to_string(), d.until.to_string()))
        .collect();
    let expected = [("2026-01-15", "2026-02-15"), ("2026-07-15", "2026-10-15"), ("2027-01-15", "2027-07-15")];
    assert_eq!(rss, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(due.windows(2).all(|w| w[0].date <= w[1].date), "in date order");
}

#[test]
fn victims_of_trafficking_are_seen_monthly_at_first() {
    let rules = TimingRules::builtin();
    let anchors = Anchors { returned: date("2026-03-01"), plan_agreed: None };
    let due = rules.schedule("trafficking").unwrap().due_dates(&anchors);
    assert_eq!(
        dates(&due, DueKind::FollowUp),
        ["2026-04-01", "2026-05-01", "2026-06-01", "2026-09-01", "2026-12-01", "2027-03-01"]
    );
}

#[test]
fn rules_counted_from_the_plan_wait_for_it() {
    let rules = TimingRules::builtin();
    let anchors = Anchors { returned: date("2026-01-15"), plan_agreed: None };
    let due = rules.schedule("standard").unwrap().due_dates(&anchors);
    assert!(due.iter().all(|d| d.anchor == Anchor::Return));
    assert_eq!(dates(&due, DueKind::Plan), ["2026-02-15"]);
    assert!(dates(&due, DueKind::FollowUp).is_empty());
}

#[test]
fn month_ends_are_kept_within_the_month() {
    let rules = TimingRules::builtin();
    let anchors = Anchors { returned: date("2026-01-31"), plan_agreed: None };
    let due = rules.schedule("standard").unwrap().due_dates(&anchors);
    assert_eq!(dates(&due, DueKind::Plan), ["2026-02-28"]);
}

#[test]
fn the_next_follow_up_after_a_visit_is_proposed_from_the_rules() {
    let rules = TimingRules::builtin();
    let standard = rules.schedule("standard").unwrap();
    let anchors = Anchors { returned: date("2026-01-15"), plan_agreed: Some(date("2026-02-10")) };
    let next = standard.next_due(DueKind::FollowUp, &anchors, date("2026-05-12")).unwrap();
    assert_eq!(next.date, date("2026-08-10"));
    assert_eq!(next.months, 6);
    assert_eq!(standard.next_due(DueKind::FollowUp, &anchors, date("2027-08-10")), None, "after the last one");
}

#[test]
fn a_programme_can_change_the_rules() {
    let text = BUILTIN_TOML.replacen("every_months = 3\nuntil_months = 18", "every_months = 2\nuntil_months = 6", 1);
    let rules = TimingRules::from_toml(&text).unwrap();
    let anchors = Anchors { returned: date("2026-01-15"), plan_agreed: Some(date("2026-02-10")) };
    let due = rules.schedule("standard").unwrap().due_dates(&anchors);
    assert_eq!(dates(&due, DueKind::FollowUp), ["2026-04-10", "2026-06-10", "2026-08-10"]);
}

#[test]
fn a_bad_rule_is_refused_naming_the_schedule_and_the_rule() {
    let msg = refused(|t| t.replacen("kind = \"follow_up\"", "kind = \"folow_up\"", 1));
    assert!(msg.contains("schedule 'standard', rule 3: kind 'folow_up' is not one of plan, follow_up"), "{msg}");
    let msg = refused(|t| t.replacen("anchor = \"plan_agreed\"", "anchor = \"departure\"", 1));
    assert!(msg.contains("schedule 'standard', rule 3: anchor 'departure'"), "{msg}");
    let msg = refused(|t| t.replacen("every_months = 3", "every_months = 0", 1));
    assert!(msg.contains("every_months must be 1 or more"), "{msg}");
    let msg = refused(|t| t.replacen("until_months = 18", "until_months = 1", 1));
    assert!(msg.contains("until_months (1) is before from_months (3)"), "{msg}");
    let msg = refused(|t| t.replacen("at_months = [6]", "at_months = [600]", 1));
    assert!(msg.contains("600 months"), "{msg}");
    let msg = refused(|t| t.replacen("at_months = [1]\n", "at_months = [1]\nevery_months = 2\n", 1));
    assert!(msg.contains("give either at_months, or every_months"), "{msg}");
    let msg = refused(|t| t.replacen("window_months = 1", "window_months = 1\ncolour = 1", 1));
    assert!(msg.contains("colour"), "{msg}");
}
