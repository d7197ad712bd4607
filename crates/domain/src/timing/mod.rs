//! When things are due in a case (docs/domain.md 3.4), from timing rules that are data
//! (`data/programme/timing-rules.toml`), so a programme can change them.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::Deserialize;

named_enum! {
    /// What falls due.
    pub enum DueKind {
        /// The reintegration plan (target: within a month of return).
        Plan = "plan",
        FollowUp = "follow_up",
        MidYearReport = "mid_year_report",
        FinalReport = "final_report",
        RssBaseline = "rss_baseline",
        RssIntermediate = "rss_intermediate",
        RssFinal = "rss_final",
    }
}

named_enum! {
    /// The date a rule counts from.
    pub enum Anchor {
        Return = "return",
        PlanAgreed = "plan_agreed",
    }
}

/// The dates of a case that rules count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchors {
    pub returned: NaiveDate,
    /// Rules counted from the plan give nothing until it is agreed.
    pub plan_agreed: Option<NaiveDate>,
}

/// One thing due on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub kind: DueKind,
    pub date: NaiveDate,
    /// The last day it may still be done (the due date when the rule has no window).
    pub until: NaiveDate,
    /// Months after the anchor.
    pub months: u32,
    pub anchor: Anchor,
}

/// A rule: `kind` is due at each of `months` after `anchor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub kind: DueKind,
    pub anchor: Anchor,
    /// Ascending.
    pub months: Vec<u32>,
    pub window_months: u32,
    /// Where the rule comes from (the handbook lines, or the programme's decision).
    pub source: String,
}

/// The rules for one group of returnees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub id: String,
    pub label: String,
    pub rules: Vec<Rule>,
    /// The sensitive section that being on this schedule reveals (the trafficking schedule
    /// reveals a victim of trafficking): the schedule's name is shown only with its grant.
    pub reveals: Option<crate::access::Section>,
}

/// Every schedule of a programme, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimingRules {
    pub schedules: BTreeMap<String, Schedule>,
}

/// Why a timing-rules file was refused; names the schedule and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimingError {
    #[error("timing rules file is not valid TOML for timing rules: {0}")]
    Syntax(String),
    #[error("timing rules, {place}: {message}")]
    Rule { place: String, message: String },
}

/// Follow-up is planned for at most this long; a longer rule is a typing error.
const MAX_MONTHS: u32 = 120;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: u32,
    schedules: BTreeMap<String, RawSchedule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    label: String,
    #[serde(default)]
    reveals: Option<String>,
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: String,
    anchor: String,
    at_months: Option<Vec<u32>>,
    every_months: Option<u32>,
    from_months: Option<u32>,
    until_months: Option<u32>,
    #[serde(default)]
    window_months: u32,
    source: String,
}

/// Text of `data/programme/timing-rules.toml`.
pub const BUILTIN_TOML: &str = include_str!("../../../../data/programme/timing-rules.toml");

impl TimingRules {
    /// The rules shipped with Homeward (validated by the tests).
    pub fn builtin() -> TimingRules {
        TimingRules::from_toml(BUILTIN_TOML).expect("bundled timing rules are valid (tested)")
    }

    pub fn from_toml(text: &str) -> Result<TimingRules, TimingError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| TimingError::Syntax(e.to_string()))?;
        if raw.format != 1 {
            return Err(rule_error(
                "format",
                format!("format {} is not supported (this Homeward reads format 1)", raw.format),
            ));
        }
        if raw.schedules.is_empty() {
            return Err(rule_error("schedules", "at least one schedule is needed"));
        }
        let mut schedules = BTreeMap::new();
        for (id, s) in raw.schedules {
            let rules = s
                .rules
                .into_iter()
                .enumerate()
                .map(|(n, r)| r.validate(&format!("schedule '{id}', rule {}", n + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            let reveals = s
                .reveals
                .map(|name| {
                    crate::access::Section::from_name(&name).ok_or_else(|| {
                        rule_error(&format!("schedule '{id}'"), format!("reveals '{name}', which is not a section"))
                    })
                })
                .transpose()?;
            schedules.insert(id.clone(), Schedule { id, label: s.label, rules, reveals });
        }
        Ok(TimingRules { schedules })
    }

    pub fn schedule(&self, id: &str) -> Option<&Schedule> {
        self.schedules.get(id)
    }

    /// The section a schedule's name reveals, if any.
    pub fn reveals(&self, id: &str) -> Option<crate::access::Section> {
        self.schedules.get(id).and_then(|s| s.reveals)
    }
}

fn rule_error(place: &str, message: impl Into<String>) -> TimingError {
    TimingError::Rule { place: place.to_string(), message: message.into() }
}

impl RawRule {
    fn validate(self, place: &str) -> Result<Rule, TimingError> {
        let err = |m: String| rule_error(place, m);
        let names = |all: &[&str]| all.join(", ");
        let kind = DueKind::from_name(&self.kind).ok_or_else(|| {
            let all: Vec<&str> = DueKind::ALL.iter().map(|k| crate::Named::name(*k)).collect();
            err(format!("kind '{}' is not one of {}", self.kind, names(&all)))
        })?;
        let anchor = Anchor::from_name(&self.anchor)
            .ok_or_else(|| err(format!("anchor '{}' is not one of return, plan_agreed", self.anchor)))?;
        let months = match (self.at_months, self.every_months) {
            (Some(at), None) if self.from_months.is_none() && self.until_months.is_none() => {
                let mut at = at;
                at.sort_unstable();
                at.dedup();
                at
            }
            (None, Some(0)) => return Err(err("every_months must be 1 or more".into())),
            (None, Some(every)) => {
                let from = self.from_months.unwrap_or(every);
                let until = self.until_months.ok_or_else(|| err("every_months needs until_months".into()))?;
                if until < from {
                    return Err(err(format!("until_months ({until}) is before from_months ({from})")));
                }
                (from..=until).step_by(every as usize).collect()
            }
            _ => {
                return Err(err(
                    "give either at_months, or every_months with until_months (and from_months if needed)".into(),
                ));
            }
        };
        if months.is_empty() {
            return Err(err("the rule gives no month".into()));
        }
        let longest = months.iter().copied().chain([self.window_months]).max().unwrap_or(0);
        if longest > MAX_MONTHS {
            return Err(err(format!("{longest} months is longer than follow-up ever lasts ({MAX_MONTHS})")));
        }
        Ok(Rule { kind, anchor, months, window_months: self.window_months, source: self.source })
    }
}

impl Schedule {
    /// Everything due in a case, by date (ties in rule order). Rules counted from the plan give
    /// nothing until it is agreed.
    pub fn due_dates(&self, anchors: &Anchors) -> Vec<Due> {
        let mut due: Vec<Due> = self
            .rules
            .iter()
            .flat_map(|rule| {
                let start = match rule.anchor {
                    Anchor::Return => Some(anchors.returned),
                    Anchor::PlanAgreed => anchors.plan_agreed,
                };
                rule.months.iter().filter_map(move |&months| {
                    // `None` only past the year 262,000: such dates are refused where they are entered.
                    let date = start?.checked_add_months(Months::new(months))?;
                    let until = date.checked_add_months(Months::new(rule.window_months))?;
                    Some(Due { kind: rule.kind, date, until, months, anchor: rule.anchor })
                })
            })
            .collect();
        due.sort_by_key(|d| d.date);
        due
    }

    /// The first `kind` due strictly after `after` (e.g. the next follow-up after a visit).
    pub fn next_due(&self, kind: DueKind, anchors: &Anchors, after: NaiveDate) -> Option<Due> {
        self.due_dates(anchors).into_iter().find(|d| d.kind == kind && d.date > after)
    }
}

#[cfg(test)]
mod tests;
