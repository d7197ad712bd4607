//! The grid's criteria of each chosen intervention as a checklist, marked with the case's latest
//! feasibility check.

use homeward_domain::Named;
use homeward_domain::feasibility::{FeasibilityGrid, Intervention, Mark};
use homeward_domain::records::FeasibilityCheck;

use crate::i18n::Catalogue;

use super::*;

/// The grid's criteria of each component's intervention, marked as the case's latest check.
pub(super) fn checklists(
    t: &Catalogue,
    grid: &FeasibilityGrid,
    components: &[ComponentRow],
    checks: &[FeasibilityCheck],
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
        lists.push(checklist(t, intervention, latest));
    }
    lists
}

pub(super) fn checklist(t: &Catalogue, intervention: &Intervention, latest: Option<&FeasibilityCheck>) -> Checklist {
    let criteria = intervention
        .criteria
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let mark = latest.and_then(|k| k.marks.get(index));
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
