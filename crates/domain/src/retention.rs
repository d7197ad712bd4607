//! How long a closed case's data is kept, as data (`data/programme/retention.toml`, or a
//! programme's own in its settings folder): each kind of record deleted after so many years from
//! the closure, or kept, and the identity anonymised after so many years. The kinds the
//! indicators and analyses count (vulnerability assessments, assistance, unmet needs) are kept:
//! deleting them would change the figures of past periods. Checked when loaded.

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::Named;
use crate::records::RecordKind;

named_enum! {
    /// What happens to a kind of record once its time is past.
    pub enum RetentionAction {
        Delete = "delete",
        Keep = "keep",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: String,
    action: RetentionAction,
    #[serde(default)]
    after_years: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    format: u32,
    source: String,
    identity_after_years: u32,
    record: Vec<RawRule>,
}

/// The retention policy: for each kind of record, after how many years it is deleted (none:
/// kept), and after how many the identity is anonymised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub source: String,
    pub identity_after_years: u32,
    /// The kinds deleted, in the file's order, with their years.
    pub delete_after_years: Vec<(RecordKind, u32)>,
}

/// Why a retention file cannot be used, naming the kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retention policy: {0}")]
pub struct RetentionError(pub String);

/// The kinds the indicators and analyses count: kept whatever the policy says would be refused.
pub const COUNTED: [RecordKind; 3] =
    [RecordKind::VulnerabilityAssessment, RecordKind::Assistance, RecordKind::UnmetNeed];

pub const BUILTIN_TOML: &str = include_str!("../../../data/programme/retention.toml");

impl RetentionPolicy {
    /// Reads and checks a policy: known format, every kind of record once, `delete` with its
    /// years (at least 1), `keep` without, the counted kinds kept, the identity kept at least as
    /// long as any record deleted (the records name the person until then).
    pub fn from_toml(text: &str) -> Result<RetentionPolicy, RetentionError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| RetentionError(e.to_string()))?;
        if raw.format != 1 {
            return Err(RetentionError(format!("format {} is not known (1 is)", raw.format)));
        }
        if raw.identity_after_years == 0 {
            return Err(RetentionError("identity_after_years: must be at least 1".into()));
        }
        let mut delete_after_years = Vec::new();
        let mut seen = Vec::new();
        for r in &raw.record {
            let bad = |message: &str| RetentionError(format!("record kind '{}': {message}", r.kind));
            let kind = RecordKind::from_name(&r.kind).ok_or_else(|| {
                let kinds: Vec<&str> = RecordKind::ALL.iter().map(|k| k.name()).collect();
                bad(&format!("is not a kind of record; they are: {}", kinds.join(", ")))
            })?;
            if seen.contains(&kind) {
                return Err(bad("is listed twice"));
            }
            seen.push(kind);
            match (r.action, r.after_years) {
                (RetentionAction::Delete, Some(years)) if years >= 1 => {
                    if COUNTED.contains(&kind) {
                        return Err(bad("is counted by the indicators: it is kept"));
                    }
                    if years > raw.identity_after_years {
                        return Err(bad("is kept longer than the identity it names (identity_after_years)"));
                    }
                    delete_after_years.push((kind, years));
                }
                (RetentionAction::Delete, _) => return Err(bad("`delete` needs after_years, at least 1")),
                (RetentionAction::Keep, None) => {}
                (RetentionAction::Keep, Some(_)) => return Err(bad("`keep` takes no after_years")),
            }
        }
        if let Some(missing) = RecordKind::ALL.iter().find(|k| !seen.contains(k)) {
            return Err(RetentionError(format!("record kind '{}': is not listed", missing.name())));
        }
        Ok(RetentionPolicy { source: raw.source, identity_after_years: raw.identity_after_years, delete_after_years })
    }

    pub fn builtin() -> RetentionPolicy {
        RetentionPolicy::from_toml(BUILTIN_TOML).expect("the bundled retention policy is valid (tested)")
    }

    /// Whether what is kept `years` after a closure on `closed_on` is past its time on `today`.
    pub fn past(closed_on: NaiveDate, years: u32, today: NaiveDate) -> bool {
        closed_on.checked_add_months(Months::new(years.saturating_mul(12))).is_some_and(|end| end <= today)
    }

    /// The kinds of record of a case closed on `closed_on` to delete on `today`.
    pub fn kinds_due(&self, closed_on: NaiveDate, today: NaiveDate) -> Vec<RecordKind> {
        self.delete_after_years
            .iter()
            .filter(|&&(_, years)| RetentionPolicy::past(closed_on, years, today))
            .map(|(k, _)| *k)
            .collect()
    }

    /// Whether the identity of a case closed on `closed_on` is to be anonymised on `today`.
    pub fn identity_due(&self, closed_on: NaiveDate, today: NaiveDate) -> bool {
        RetentionPolicy::past(closed_on, self.identity_after_years, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_bundled_policy_deletes_notes_first_and_keeps_what_the_indicators_count() {
        let p = RetentionPolicy::builtin();
        assert_eq!(p.kinds_due(day("2020-01-10"), day("2022-01-09")), []);
        assert_eq!(p.kinds_due(day("2020-01-10"), day("2022-01-10")), [RecordKind::SensitiveNote]);
        let after_five = p.kinds_due(day("2020-01-10"), day("2025-01-10"));
        assert!(after_five.contains(&RecordKind::CounsellingSession) && !after_five.contains(&RecordKind::Consent));
        assert!(!p.identity_due(day("2020-01-10"), day("2027-01-09")));
        assert!(p.identity_due(day("2020-01-10"), day("2027-01-10")));
        assert!(COUNTED.iter().all(|k| !p.kinds_due(day("2000-01-01"), day("2026-01-01")).contains(k)));
    }

    #[test]
    fn a_policy_that_would_lose_counted_data_or_forget_a_kind_is_refused_by_kind() {
        let delete_assistance = BUILTIN_TOML.replace(
            "kind = \"assistance\"\naction = \"keep\"",
            "kind = \"assistance\"\naction = \"delete\"\nafter_years = 3",
        );
        assert_eq!(
            RetentionPolicy::from_toml(&delete_assistance).unwrap_err().0,
            "record kind 'assistance': is counted by the indicators: it is kept"
        );
        let forgotten = BUILTIN_TOML.replace("kind = \"follow_up\"", "kind = \"sensitive_note\"");
        assert!(RetentionPolicy::from_toml(&forgotten).unwrap_err().0.contains("'sensitive_note': is listed twice"));
        let longer = BUILTIN_TOML.replace("after_years = 2", "after_years = 9");
        assert!(RetentionPolicy::from_toml(&longer).unwrap_err().0.contains("longer than the identity"));
        let unknown = BUILTIN_TOML.replace("kind = \"follow_up\"", "kind = \"visit\"");
        assert!(RetentionPolicy::from_toml(&unknown).unwrap_err().0.contains("'visit': is not a kind of record"));
    }
}
