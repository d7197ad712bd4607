//! The grid's criteria of each chosen intervention as a checklist, marked with the case's latest
//! feasibility check, or with what was typed in the plan form (the checklists of a draft are
//! part of its one form: `checklist[n].intervention`, `.mark{i}`, `.why{i}`).

use homeward_domain::Named;
use homeward_domain::feasibility::{FeasibilityGrid, Intervention, Mark};
use homeward_domain::records::{CaseRecord, CriterionMark, FeasibilityCheck};
use homeward_domain::validate::FieldError;

use crate::forms::{Typed, value};
use crate::i18n::Catalogue;

use super::*;

/// The grid's criteria of each component's intervention, marked as typed in the form when it
/// was, else as the case's latest check.
pub(super) fn checklists(
    t: &Catalogue,
    grid: &FeasibilityGrid,
    components: &[ComponentRow],
    checks: &[FeasibilityCheck],
    typed: &[(String, FeasibilityCheck)],
) -> Vec<Checklist> {
    let mut seen = vec![];
    let mut lists = vec![];
    for c in components {
        let Some(intervention) = grid.intervention(&c.intervention) else { continue };
        if seen.contains(&intervention.id) {
            continue;
        }
        seen.push(intervention.id.clone());
        let latest = checks.iter().rev().find(|k| k.intervention == intervention.id);
        let shown = typed.iter().map(|(_, k)| k).find(|k| k.intervention == intervention.id).or(latest);
        lists.push(checklist(t, intervention, shown, latest));
    }
    lists
}

/// The checklists typed, each with the prefix of its inputs: `checklist[n].` in the plan's form,
/// none in a checklist's own form.
pub(super) fn typed_checks(typed: &Typed, grid: &FeasibilityGrid) -> Vec<(String, FeasibilityCheck)> {
    let mut prefixes: Vec<String> = rows(typed, "checklist").into_iter().map(|n| format!("checklist[{n}].")).collect();
    prefixes.push(String::new());
    prefixes
        .into_iter()
        .filter_map(|prefix| {
            let intervention = grid.intervention(value(typed, &format!("{prefix}intervention")))?;
            let marks = (0..intervention.criteria.len())
                .map(|i| CriterionMark {
                    mark: Mark::from_name(value(typed, &format!("{prefix}mark{i}"))).unwrap_or(Mark::Unknown),
                    justification: value(typed, &format!("{prefix}why{i}")).trim().to_string(),
                })
                .collect();
            let check =
                FeasibilityCheck { date: homeward_store::today(), intervention: intervention.id.clone(), marks };
            Some((prefix, check))
        })
        .collect()
}

/// The typed checks that say something new: marks other than the latest check's of their
/// intervention (or, when there is none, any criterion marked or explained).
pub(super) fn changed_checks(
    typed: Vec<(String, FeasibilityCheck)>,
    stored: &[FeasibilityCheck],
) -> Vec<(String, FeasibilityCheck)> {
    typed
        .into_iter()
        .filter(|(_, k)| match stored.iter().rev().find(|s| s.intervention == k.intervention) {
            Some(latest) => latest.marks != k.marks,
            None => k.marks.iter().any(|m| m.mark != Mark::Unknown || !m.justification.is_empty()),
        })
        .collect()
}

/// The problems of a typed check, each at its criterion's reason (`{prefix}why{i}`).
pub(super) fn check_problems(prefix: &str, check: &FeasibilityCheck) -> Vec<FieldError> {
    let Err(errors) = check.validate() else { return vec![] };
    errors
        .into_iter()
        .map(|e| {
            // A criterion not met without a reason is shown at that criterion's reason, next to
            // the criterion's own words instead of its number.
            if e.code == "criterion_unmet_why" {
                let i = e.params.get("number").and_then(|n| n.parse::<usize>().ok()).unwrap_or(1).saturating_sub(1);
                let problem = homeward_domain::problem!("unmet_needs_reason", "not met: say why");
                FieldError::of(format!("{prefix}why{i}"), problem)
            } else if let Some(rest) = e.field.strip_prefix("marks[") {
                let i = rest.split(']').next().unwrap_or("0");
                FieldError { field: format!("{prefix}why{i}"), ..e }
            } else {
                e
            }
        })
        .collect()
}

/// An intervention's checklist, marked as `shown`, summarised as the `latest` check recorded.
pub(super) fn checklist(
    t: &Catalogue,
    intervention: &Intervention,
    shown: Option<&FeasibilityCheck>,
    latest: Option<&FeasibilityCheck>,
) -> Checklist {
    let criteria = intervention
        .criteria
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let mark = shown.and_then(|k| k.marks.get(index));
            CheckItem {
                index,
                level: c.level.name(),
                text: c.text.clone(),
                mark: mark.map_or("unknown".into(), |m| m.mark.name().into()),
                justification: mark.map_or(String::new(), |m| m.justification.clone()),
            }
        })
        .collect();
    let summary = latest.map(|k| {
        let open = k.marks.iter().filter(|m| matches!(m.mark, Mark::NotMet | Mark::Unknown)).count();
        if open == 0 {
            t.get("all_criteria_met").to_string()
        } else {
            t.get("criteria_open").replace("{n}", &open.to_string())
        }
    });
    Checklist { intervention: intervention.id.clone(), name: intervention.name.clone(), criteria, summary }
}
