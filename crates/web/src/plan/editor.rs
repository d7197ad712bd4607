//! The plan editor's model: what the form holds (typed values, or a stored plan's content), and
//! the plan content it makes, each row keeping its form name so a refusal is shown at its input.
//! Pure: no I/O, no HTTP.

use std::collections::BTreeMap;

use homeward_domain::Named;
use homeward_domain::feasibility::FeasibilityGrid;
use homeward_domain::plan_document::PlanContent;
use homeward_domain::reference::{Currency, Money};
use serde_json::{Value, json};

use crate::forms::{Typed, value};

use super::*;

/// Blank rows offered under each list.
pub(super) const BLANK_ROWS: usize = 1;

/// What the editor holds: what was typed when a save was refused, else the plan's content.
pub(super) struct Editor {
    pub(super) components: Vec<ComponentRow>,
    pub(super) goods: Vec<[String; 3]>,
    pub(super) referrals: Vec<[String; 2]>,
    pub(super) participants: Vec<(String, String, bool)>,
    pub(super) text: BTreeMap<&'static str, String>,
}

pub(super) fn editor_from_content(content: &PlanContent) -> Editor {
    let money = |a: &Option<homeward_domain::records::Amount>| {
        a.as_ref().map_or((String::new(), String::new()), |a| (a.amount.clone(), a.currency.to_string()))
    };
    let components = content
        .components
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let (amount, currency) = money(&c.estimated_cost);
            ComponentRow {
                index,
                intervention: c.intervention.clone(),
                level: c.level.name().into(),
                modality: c.modality.name().into(),
                description: c.description.clone(),
                beneficiary: c.beneficiary.clone().unwrap_or_default(),
                needs_referral: c.needs_referral,
                amount,
                currency,
                start: c.start.map(|d| d.to_string()).unwrap_or_default(),
                end: c.end.map(|d| d.to_string()).unwrap_or_default(),
                community_project: c.community_project.clone().unwrap_or_default(),
            }
        })
        .collect();
    let s = &content.summary;
    let text = TEXTS
        .into_iter()
        .zip([
            content.place_of_return.clone(),
            s.economic.clone(),
            s.social.clone(),
            s.psychosocial.clone(),
            content.expected_improvement.clone(),
            content.monitoring_schedule.clone(),
            content.feedback_arrangements.clone(),
            content.estimated_duration_months.map(|m| m.to_string()).unwrap_or_default(),
            content.exit_strategy.clone(),
        ])
        .collect();
    Editor {
        components,
        goods: content
            .goods
            .iter()
            .map(|g| [g.item.clone(), g.estimated_cost.amount.clone(), g.estimated_cost.currency.to_string()])
            .collect(),
        referrals: content.referrals.iter().map(|r| [r.agency.clone(), r.assistance.clone()]).collect(),
        participants: content.participants.iter().map(|p| (p.name.clone(), p.role.clone(), p.returnee)).collect(),
        text,
    }
}

/// The rows of a list typed in the form (`goods[3].item`): the indices present, in order.
pub(super) fn rows(typed: &Typed, list: &str) -> Vec<usize> {
    let mut found: Vec<usize> = typed
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(list)?.strip_prefix('[')?.split(']').next()?.parse().ok())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

pub(super) fn editor_from_typed(typed: &Typed) -> Editor {
    let v = |name: String| value(typed, &name).to_string();
    Editor {
        components: rows(typed, "components")
            .into_iter()
            .map(|i| {
                let f = |name: &str| v(format!("components[{i}].{name}"));
                ComponentRow {
                    index: i,
                    intervention: f("intervention"),
                    level: f("level"),
                    modality: f("modality"),
                    description: f("description"),
                    beneficiary: f("beneficiary"),
                    needs_referral: !f("needs_referral").is_empty(),
                    amount: f("estimated_cost.amount"),
                    currency: f("estimated_cost.currency"),
                    start: f("start"),
                    end: f("end"),
                    community_project: f("community_project"),
                }
            })
            .collect(),
        goods: rows(typed, "goods")
            .into_iter()
            .map(|i| {
                let f = |name: &str| v(format!("goods[{i}].{name}"));
                [f("item"), f("estimated_cost.amount"), f("estimated_cost.currency")]
            })
            .collect(),
        referrals: rows(typed, "referrals")
            .into_iter()
            .map(|i| [v(format!("referrals[{i}].agency")), v(format!("referrals[{i}].assistance"))])
            .collect(),
        participants: rows(typed, "participants")
            .into_iter()
            .map(|i| {
                let f = |name: &str| v(format!("participants[{i}].{name}"));
                (f("name"), f("role"), !f("returnee").is_empty())
            })
            .collect(),
        text: TEXTS.into_iter().map(|k| (k, v(k.to_string()))).collect(),
    }
}

/// The plan's content as the API's JSON, from the editor's rows (blank rows left out), with
/// the form's name of each row kept so the API's problems can be shown at the right input.
pub(super) fn content_json(e: &Editor, grid: &FeasibilityGrid) -> (Value, BTreeMap<String, String>) {
    let mut renamed = BTreeMap::new();
    let trim = |s: &str| s.trim().to_string();
    let money = |amount: &str, currency: &str| {
        (!amount.trim().is_empty())
            .then(|| json!({"amount": amount.trim(), "currency": currency.trim().to_uppercase()}))
    };
    let mut components = vec![];
    for c in e.components.iter().filter(|c| !c.intervention.is_empty() || !c.description.trim().is_empty()) {
        renamed.insert(format!("components[{}]", components.len()), format!("components[{}]", c.index));
        let dimension = grid.intervention(&c.intervention).map_or("economic", |i| i.dimension.name());
        let mut row = json!({
            "dimension": dimension, "level": c.level, "intervention": c.intervention,
            "description": trim(&c.description), "needs_referral": c.needs_referral, "modality": c.modality,
        });
        if !c.beneficiary.trim().is_empty() {
            row["beneficiary"] = trim(&c.beneficiary).into();
        }
        if let Some(cost) = money(&c.amount, &c.currency) {
            row["estimated_cost"] = cost;
        }
        for (key, text) in [("start", &c.start), ("end", &c.end), ("community_project", &c.community_project)] {
            if !text.trim().is_empty() {
                row[key] = trim(text).into();
            }
        }
        components.push(row);
    }
    let mut goods = vec![];
    for (i, [item, amount, currency]) in e.goods.iter().enumerate() {
        if item.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        renamed.insert(format!("goods[{}]", goods.len()), format!("goods[{i}]"));
        goods.push(json!({"item": trim(item), "estimated_cost": money(amount, currency).unwrap_or(json!({"amount": "", "currency": trim(currency)}))}));
    }
    let referrals: Vec<Value> = e
        .referrals
        .iter()
        .filter(|[a, s]| !a.trim().is_empty() || !s.trim().is_empty())
        .map(|[a, s]| json!({"agency": trim(a), "assistance": trim(s)}))
        .collect();
    let participants: Vec<Value> = e
        .participants
        .iter()
        .filter(|(n, r, _)| !n.trim().is_empty() || !r.trim().is_empty())
        .map(|(n, r, returnee)| json!({"name": trim(n), "role": trim(r), "returnee": returnee}))
        .collect();
    let text = |k: &str| e.text.get(k).map_or(String::new(), |t| trim(t));
    let mut content = json!({
        "place_of_return": text("place_of_return"),
        "summary": {"economic": text("summary.economic"), "social": text("summary.social"), "psychosocial": text("summary.psychosocial")},
        "components": components, "goods": goods, "referrals": referrals, "participants": participants,
        "expected_improvement": text("expected_improvement"), "monitoring_schedule": text("monitoring_schedule"),
        "feedback_arrangements": text("feedback_arrangements"), "exit_strategy": text("exit_strategy"),
    });
    let months = text("estimated_duration_months");
    if !months.is_empty() {
        content["estimated_duration_months"] = months.parse::<u32>().map_or(Value::String(months), Value::from);
    }
    (content, renamed)
}

/// The API's name of a problem's field (`content.components[0].description`) as the form's.
pub(super) fn form_field(field: &str, renamed: &BTreeMap<String, String>) -> String {
    let field = field.strip_prefix("content.").unwrap_or(field);
    for (api, form) in renamed {
        if let Some(rest) = field.strip_prefix(api.as_str()) {
            return format!("{form}{rest}");
        }
    }
    field.to_string()
}

/// The sum of the goods' costs per currency (exact, in minor units); a total too large to add up
/// says so in the user's language instead of showing a wrong figure.
pub(super) fn totals(t: &Catalogue, goods: &[[String; 3]]) -> Vec<String> {
    let amounts = goods.iter().filter_map(|[_, amount, currency]| {
        let currency = currency.trim().to_uppercase().parse::<Currency>().ok()?;
        Money::parse(amount, currency).ok()
    });
    crate::layout::totals_text(t, amounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn blank_rows_are_dropped_and_problems_find_their_rows_again() {
        let grid = FeasibilityGrid::builtin();
        let id = grid.interventions[0].id.clone();
        let editor = editor_from_typed(&typed(&[
            ("place_of_return", "Thiès"),
            ("components[0].intervention", ""),
            ("components[0].description", ""),
            ("components[1].intervention", &id),
            ("components[1].level", "individual"),
            ("components[1].modality", "cash"),
            ("components[1].description", "tailoring shop"),
            ("goods[0].item", "sewing machine"),
            ("goods[0].estimated_cost.amount", "150000"),
            ("goods[0].estimated_cost.currency", "xof"),
            ("goods[1].item", ""),
        ]));
        let (json, renamed) = content_json(&editor, &grid);
        assert_eq!(json["components"].as_array().unwrap().len(), 1);
        assert_eq!(json["components"][0]["dimension"], grid.interventions[0].dimension.name());
        assert_eq!(json["goods"][0]["estimated_cost"], json!({"amount": "150000", "currency": "XOF"}));
        assert_eq!(form_field("content.components[0].description", &renamed), "components[1].description");
        assert_eq!(form_field("content.summary", &renamed), "summary");
        let content: PlanContent = serde_json::from_value(json).unwrap();
        content.validate(&grid).unwrap();
    }

    #[test]
    fn goods_are_totalled_exactly_per_currency() {
        let goods = [
            ["a".into(), "0.10".into(), "EUR".into()],
            ["b".into(), "0.20".into(), "eur".into()],
            ["c".into(), "5000".into(), "XOF".into()],
            ["d".into(), "oops".into(), "EUR".into()],
        ];
        assert_eq!(totals(crate::i18n::catalogue("en"), &goods), ["0.30 EUR", "5000 XOF"]);
    }
}
