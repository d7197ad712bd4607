//! Change over time: each case's change in a score between two survey phases, the cohort's mean
//! change with a paired t test, and, for two groups (mentored or not, trained or not), the
//! difference in differences with its test and the effect sizes seed 002's Annex 4 reports:
//! Glass's Δ, Cohen's d and Hedges' g, each with a 95 % confidence interval.
//!
//! The difference in differences is the difference between the groups' mean changes; its test is
//! the least-squares regression of the change on the group (pooled variance), so it is exactly
//! what statsmodels or R give for `change ~ group`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::estimate::{Estimate, t_estimate};
use crate::frame::{Column, Frame, FrameError};
use crate::special::normal_quantile;
use crate::summary::{Suppressed, suppression};

/// The order of the RSS phases; other phase names sort after them, alphabetically.
const PHASE_ORDER: [&str; 3] = ["baseline", "intermediate", "final"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseChange {
    pub id: String,
    pub group: Option<String>,
    pub before: f64,
    pub after: f64,
    pub change: f64,
}

/// An effect size with its large-sample 95 % interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectSize {
    pub estimate: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// A group's figures; all but its name absent when the group is smaller than the minimum cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    pub group: String,
    pub n: Option<usize>,
    pub mean_before: Option<f64>,
    pub mean_after: Option<f64>,
    pub mean_change: Option<f64>,
    pub sd_change: Option<f64>,
    /// Why its figures are hidden: too small, or revealing a small group by subtraction.
    pub suppressed: Option<Suppressed>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The group compared against (the first level, or the one chosen).
    pub control: String,
    pub treated: String,
    pub difference_in_differences: Estimate,
    pub glass_delta: EffectSize,
    pub cohens_d: EffectSize,
    pub hedges_g: EffectSize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeReport {
    pub measure: String,
    pub from: String,
    pub to: String,
    pub cases: Vec<CaseChange>,
    /// The mean change of every case with both phases, tested against no change (paired t).
    pub mean_change: Option<Estimate>,
    /// Everyone with both phases (in a group, when groups are compared), as one group `all`.
    pub overall: GroupChange,
    pub groups: Vec<GroupChange>,
    pub comparison: Option<Comparison>,
    /// Why aggregate figures are missing: a group under the minimum cell size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("the measure `{0}` must be numeric, but some of its values are not numbers")]
    CategoricalMeasure(String),
    #[error("the file has fewer than two phases in `{0}`: there is no change to measure")]
    OnePhase(String),
    #[error("there is no phase `{phase}`; the phases are: {known}")]
    NoPhase { phase: String, known: String },
    #[error("case {id} has two rows for phase {phase} (rows {first} and {second})")]
    TwoRows { id: String, phase: String, first: usize, second: usize },
    #[error("case {id} is in group `{a}` on one row and `{b}` on another")]
    TwoGroups { id: String, a: String, b: String },
    #[error("comparing groups needs exactly two in `{column}`; it has: {levels}")]
    NotTwoGroups { column: String, levels: String },
}

/// A case's rows: the one of each phase compared, and its group.
#[derive(Default)]
struct CaseRows {
    before: Option<usize>,
    after: Option<usize>,
    group: Option<String>,
}

fn phase_rank(name: &str) -> (usize, String) {
    (PHASE_ORDER.iter().position(|p| *p == name).unwrap_or(PHASE_ORDER.len()), name.to_string())
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn variance(v: &[f64]) -> f64 {
    let m = mean(v);
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() as f64 - 1.0)
}

fn interval(estimate: f64, se: f64) -> EffectSize {
    let z = normal_quantile(0.975);
    EffectSize { estimate, conf_low: estimate - z * se, conf_high: estimate + z * se }
}

/// The two groups' effect sizes on the changes (Hedges & Olkin 1985, ch. 5).
fn effect_sizes(treated: &[f64], control: &[f64]) -> (EffectSize, EffectSize, EffectSize) {
    let (n1, n2) = (treated.len() as f64, control.len() as f64);
    let diff = mean(treated) - mean(control);
    let pooled = (((n1 - 1.0) * variance(treated) + (n2 - 1.0) * variance(control)) / (n1 + n2 - 2.0)).sqrt();
    let d = diff / pooled;
    let se_d = ((n1 + n2) / (n1 * n2) + d * d / (2.0 * (n1 + n2))).sqrt();
    // The small-sample correction J = 1 − 3 / (4(n₁ + n₂) − 9).
    let j = 1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0);
    let glass = diff / variance(control).sqrt();
    let se_glass = ((n1 + n2) / (n1 * n2) + glass * glass / (2.0 * (n2 - 1.0))).sqrt();
    (interval(glass, se_glass), interval(d, se_d), interval(j * d, j * se_d))
}

/// A group's figures, or none when `mark` hides it.
fn group_change(name: &str, cases: &[&CaseChange], mark: Option<Suppressed>) -> GroupChange {
    let shown = mark.is_none() && !cases.is_empty();
    let of = |pick: fn(&CaseChange) -> f64| cases.iter().map(|c| pick(c)).collect::<Vec<f64>>();
    let changes = of(|c| c.change);
    GroupChange {
        group: name.to_string(),
        n: shown.then_some(cases.len()),
        mean_before: shown.then(|| mean(&of(|c| c.before))),
        mean_after: shown.then(|| mean(&of(|c| c.after))),
        mean_change: shown.then(|| mean(&changes)),
        sd_change: (shown && changes.len() > 1).then(|| variance(&changes).sqrt()),
        suppressed: mark,
    }
}

/// Each case's change in `measure` from phase `from` to phase `to` (default: the first and last
/// phases present, RSS phases in survey order), and the comparison of two groups when `group`
/// names a column with exactly two groups (`control` chooses the group compared against; with more
/// groups and no `control`, each group is summarised and none compared).
#[allow(clippy::too_many_arguments)]
pub fn change(
    frame: &Frame,
    id: &str,
    phase: &str,
    measure: &str,
    group: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    control: Option<&str>,
    min_cell: usize,
) -> Result<ChangeReport, ChangeError> {
    let values = match frame.column(measure)? {
        Column::Numeric(v) => v,
        Column::Categorical { .. } => return Err(ChangeError::CategoricalMeasure(measure.to_string())),
    };
    let ids = frame.column(id)?;
    let phases = frame.column(phase)?;
    let groups = group.map(|g| frame.column(g)).transpose()?;
    let mut present: Vec<String> = (0..frame.rows()).filter_map(|i| phases.text(i)).collect();
    present.sort_by_key(|p| phase_rank(p));
    present.dedup();
    if present.len() < 2 {
        return Err(ChangeError::OnePhase(phase.to_string()));
    }
    let pick = |wanted: Option<&str>, default: &String| match wanted {
        Some(w) if present.iter().any(|p| p == w) => Ok(w.to_string()),
        Some(w) => Err(ChangeError::NoPhase { phase: w.to_string(), known: present.join(", ") }),
        None => Ok(default.clone()),
    };
    let from = pick(from, &present[0])?;
    let to = pick(to, &present[present.len() - 1])?;
    let mut per_case: BTreeMap<String, CaseRows> = BTreeMap::new();
    for i in 0..frame.rows() {
        let (Some(case), Some(p)) = (ids.text(i), phases.text(i)) else { continue };
        let entry = per_case.entry(case.clone()).or_default();
        if let Some(g) = groups.and_then(|g| g.text(i)) {
            match &entry.group {
                Some(old) if *old != g => return Err(ChangeError::TwoGroups { id: case, a: old.clone(), b: g }),
                _ => entry.group = Some(g),
            }
        }
        let slot = if p == from {
            &mut entry.before
        } else if p == to {
            &mut entry.after
        } else {
            continue;
        };
        if let Some(first) = slot {
            return Err(ChangeError::TwoRows { id: case, phase: p, first: *first + 2, second: i + 2 });
        }
        *slot = Some(i);
    }
    let cases: Vec<CaseChange> = per_case
        .into_iter()
        .filter_map(|(id, rows)| {
            let (before, after) = (values[rows.before?]?, values[rows.after?]?);
            Some(CaseChange { id, group: rows.group, before, after, change: after - before })
        })
        .filter(|c| groups.is_none() || c.group.is_some())
        .collect();
    let changes: Vec<f64> = cases.iter().map(|c| c.change).collect();
    let mut withheld = None;
    if changes.len() < min_cell {
        withheld = Some(format!("fewer than {min_cell} cases have both phases"));
    }
    let mean_change = (changes.len() > 1 && changes.len() >= min_cell).then(|| {
        let n = changes.len() as f64;
        t_estimate(mean(&changes), (variance(&changes) / n).sqrt(), n - 1.0)
    });
    let mut by_group: BTreeMap<String, Vec<&CaseChange>> = BTreeMap::new();
    for c in &cases {
        if let Some(g) = &c.group {
            by_group.entry(g.clone()).or_default().push(c);
        }
    }
    // Hidden as in summaries: the small groups, and any group that would give one away by
    // subtraction from the whole.
    let names: Vec<Vec<String>> = by_group.keys().map(|g| vec![g.clone()]).collect();
    let sizes: Vec<usize> = by_group.values().map(Vec::len).collect();
    let marks = suppression(&names, &sizes, min_cell);
    let summary: Vec<GroupChange> =
        by_group.iter().zip(marks).map(|((g, cs), mark)| group_change(g, cs, mark)).collect();
    let everyone: Vec<&CaseChange> = cases.iter().collect();
    let overall = group_change("all", &everyone, (cases.len() < min_cell).then_some(Suppressed::SmallCell));
    // The comparison needs exactly two groups; with more, each group is still summarised.
    let comparison = match group {
        Some(column) if by_group.len() == 2 || control.is_some() => {
            let levels: Vec<&String> = by_group.keys().collect();
            let listed = || levels.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            if levels.len() != 2 {
                return Err(ChangeError::NotTwoGroups { column: column.to_string(), levels: listed() });
            }
            let control = match control {
                Some(c) if levels.iter().any(|l| *l == c) => c.to_string(),
                Some(c) => {
                    return Err(ChangeError::NotTwoGroups {
                        column: format!("{column} (no group `{c}`)"),
                        levels: listed(),
                    });
                }
                None => levels[0].clone(),
            };
            let treated = levels.iter().find(|l| ***l != control).map(|l| (*l).clone()).unwrap_or_default();
            let of = |g: &str| by_group[g].iter().map(|c| c.change).collect::<Vec<f64>>();
            let (t, c) = (of(&treated), of(&control));
            if t.len() < min_cell.max(2) || c.len() < min_cell.max(2) {
                // A group of one has no variance: no test, no effect size.
                withheld = Some(format!("a group has fewer than {} cases with both phases", min_cell.max(2)));
                None
            } else {
                let (n1, n2) = (t.len() as f64, c.len() as f64);
                let pooled = ((n1 - 1.0) * variance(&t) + (n2 - 1.0) * variance(&c)) / (n1 + n2 - 2.0);
                let did = t_estimate(mean(&t) - mean(&c), (pooled * (1.0 / n1 + 1.0 / n2)).sqrt(), n1 + n2 - 2.0);
                let (glass_delta, cohens_d, hedges_g) = effect_sizes(&t, &c);
                Some(Comparison { control, treated, difference_in_differences: did, glass_delta, cohens_d, hedges_g })
            }
        }
        _ => None,
    };
    Ok(ChangeReport {
        measure: measure.to_string(),
        from,
        to,
        cases,
        mean_change,
        overall,
        groups: summary,
        comparison,
        withheld,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: &[(&str, &str, &str, &str)]) -> Frame {
        let header = ["case", "phase", "score", "mentored"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> =
            rows.iter().map(|(a, b, c, d)| vec![a.to_string(), b.to_string(), c.to_string(), d.to_string()]).collect();
        Frame::from_rows(&header, &rows).unwrap()
    }

    fn panel() -> Frame {
        frame(&[
            ("1", "baseline", "0.40", "yes"),
            ("1", "final", "0.60", "yes"),
            ("2", "baseline", "0.50", "yes"),
            ("2", "final", "0.80", "yes"),
            ("3", "baseline", "0.30", "no"),
            ("3", "final", "0.40", "no"),
            ("4", "intermediate", "0.45", "no"),
            ("4", "final", "0.50", "no"),
            ("4", "baseline", "0.50", "no"),
            ("5", "baseline", "0.60", "no"),
        ])
    }

    #[test]
    fn each_case_changes_from_its_first_to_its_last_phase() {
        let r = change(&panel(), "case", "phase", "score", None, None, None, None, 1).unwrap();
        assert_eq!((r.from.as_str(), r.to.as_str()), ("baseline", "final"), "in survey order, not alphabetical");
        let changes: Vec<(&str, f64)> =
            r.cases.iter().map(|c| (c.id.as_str(), (c.change * 100.0).round() / 100.0)).collect();
        assert_eq!(changes, [("1", 0.2), ("2", 0.3), ("3", 0.1), ("4", 0.0)], "case 5 has no final survey");
        assert!((r.mean_change.unwrap().estimate - 0.15).abs() < 1e-12);
        assert_eq!(r.overall.n, Some(4));
        assert!((r.overall.mean_before.unwrap() - 0.425).abs() < 1e-12, "everyone's mean before");
    }

    #[test]
    fn two_groups_give_the_difference_in_differences_and_its_effect_sizes() {
        let r = change(&panel(), "case", "phase", "score", Some("mentored"), None, None, None, 1).unwrap();
        let c = r.comparison.unwrap();
        assert_eq!((c.control.as_str(), c.treated.as_str()), ("no", "yes"));
        // Mentored changes 0.2, 0.3 (mean 0.25); others 0.1, 0.0 (mean 0.05): DiD 0.2.
        assert!((c.difference_in_differences.estimate - 0.2).abs() < 1e-12);
        // Both groups' SD is √0.005, so d = Δ = 0.2/√0.005 and g = d·(1 − 3/7).
        let d = 0.2 / 0.005f64.sqrt();
        assert!((c.cohens_d.estimate - d).abs() < 1e-9 && (c.glass_delta.estimate - d).abs() < 1e-9);
        assert!((c.hedges_g.estimate - d * (1.0 - 3.0 / 7.0)).abs() < 1e-9);
        assert!(c.cohens_d.conf_low < d && d < c.cohens_d.conf_high);
    }

    #[test]
    fn groups_under_the_minimum_cell_show_no_figures_and_no_comparison() {
        let r = change(&panel(), "case", "phase", "score", Some("mentored"), None, None, None, 3).unwrap();
        assert!(r.groups.iter().all(|g| g.suppressed.is_some() && g.n.is_none() && g.mean_change.is_none()));
        assert!(r.comparison.is_none() && r.mean_change.is_some(), "four cases in all may be shown");
        assert_eq!(r.withheld.as_deref(), Some("a group has fewer than 3 cases with both phases"));
    }

    #[test]
    fn more_than_two_groups_are_each_summarised_and_not_compared() {
        let three = frame(&[
            ("1", "baseline", "0.4", "a"),
            ("1", "final", "0.6", "a"),
            ("2", "baseline", "0.4", "b"),
            ("2", "final", "0.5", "b"),
            ("3", "baseline", "0.4", "c"),
            ("3", "final", "0.3", "c"),
        ]);
        let r = change(&three, "case", "phase", "score", Some("mentored"), None, None, None, 1).unwrap();
        let groups: Vec<(&str, f64)> =
            r.groups.iter().map(|g| (g.group.as_str(), (g.mean_change.unwrap() * 100.0).round() / 100.0)).collect();
        assert_eq!(groups, [("a", 0.2), ("b", 0.1), ("c", -0.1)]);
        assert!(r.comparison.is_none() && r.withheld.is_none());
        let err = change(&three, "case", "phase", "score", Some("mentored"), None, None, Some("a"), 1).unwrap_err();
        assert_eq!(err.to_string(), "comparing groups needs exactly two in `mentored`; it has: a, b, c");
    }

    #[test]
    fn a_group_that_would_reveal_a_small_one_by_subtraction_is_hidden_too() {
        let mut rows = vec![];
        for (case, group) in [("1", "a"), ("2", "a"), ("3", "a"), ("4", "b")] {
            rows.push((case, "baseline", "0.4", group));
            rows.push((case, "final", "0.6", group));
        }
        let r = change(&frame(&rows), "case", "phase", "score", Some("mentored"), None, None, None, 2).unwrap();
        let marks: Vec<Option<Suppressed>> = r.groups.iter().map(|g| g.suppressed).collect();
        assert_eq!(marks, [Some(Suppressed::Complementary), Some(Suppressed::SmallCell)]);
        assert!(r.groups[0].mean_change.is_none(), "the whole minus a would give b away");
    }

    #[test]
    fn refusals_name_the_case_row_or_phase() {
        let twice = frame(&[("1", "baseline", "0.4", "a"), ("1", "baseline", "0.5", "a"), ("1", "final", "0.5", "a")]);
        assert_eq!(
            change(&twice, "case", "phase", "score", None, None, None, None, 1).unwrap_err().to_string(),
            "case 1 has two rows for phase baseline (rows 2 and 3)"
        );
        assert_eq!(
            change(&panel(), "case", "phase", "score", None, Some("exit"), None, None, 1).unwrap_err().to_string(),
            "there is no phase `exit`; the phases are: baseline, intermediate, final"
        );
        let moved = frame(&[("1", "baseline", "0.4", "a"), ("1", "final", "0.5", "b")]);
        assert!(matches!(
            change(&moved, "case", "phase", "score", Some("mentored"), None, None, None, 1),
            Err(ChangeError::TwoGroups { .. })
        ));
    }
}
