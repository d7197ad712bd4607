use crate::builtin::{PROVISIONAL_PROFILE_TOML, instrument, provisional_profile};
use crate::{CompositeMethod, Profile, ProfileError, ProfileStatus};

fn refused(edit: impl Fn(&str) -> String) -> String {
    Profile::from_toml(&edit(PROVISIONAL_PROFILE_TOML), &instrument())
        .expect_err("edited profile must be refused")
        .to_string()
}

fn assert_says(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should contain {p:?}");
    }
}

#[test]
fn provisional_profile_is_labelled_provisional_and_weighs_q2_q25_q30_double() {
    let inst = instrument();
    let p = provisional_profile(&inst);
    assert_eq!(p.name, "rss-provisional-1");
    assert_eq!(p.status, ProfileStatus::Provisional);
    assert!(p.source.contains("Not IOM's official"));
    assert_eq!(p.composite, CompositeMethod::WeightedItems);
    assert_eq!(p.low_accuracy_above, 7);
    assert_eq!((p.bands.intensive_below, p.bands.light_above), (0.33, 0.66));
    assert_eq!(p.non_unit_weights(&inst), [("Q2", 2.0), ("Q10", 0.0), ("Q25", 2.0), ("Q30", 2.0), ("Q32", 0.0)]);
    assert!(!p.is_scored(inst.question_index("Q10").unwrap()));
    assert!(p.is_scored(inst.question_index("Q21").unwrap()));
}

#[test]
fn an_unknown_question_is_refused() {
    let msg = refused(|t| format!("{t}\n[items.Q40]\nweight = 1\n"));
    assert_says(&msg, &["Q40", "unknown question"]);
}

#[test]
fn an_unknown_code_is_refused() {
    let msg = refused(|t| t.replace("very_satisfied = 1,", "very_satisfied = 1, thrilled = 1,"));
    assert_says(&msg, &["Q1", "unknown code 'thrilled'"]);
}

#[test]
fn a_value_outside_0_to_1_is_refused() {
    let msg = refused(|t| t.replace("very_satisfied = 1,", "very_satisfied = 1.5,"));
    assert_says(&msg, &["Q1", "value 1.5", "outside 0..1"]);
    let msg = refused(|t| t.replace("very_satisfied = 1,", "very_satisfied = -0.1,"));
    assert_says(&msg, &["Q1", "-0.1"]);
}

#[test]
fn a_negative_weight_is_refused() {
    let msg = refused(|t| t.replacen("[items.Q25]\nweight = 2", "[items.Q25]\nweight = -2", 1));
    assert_says(&msg, &["Q25", "weight -2"]);
}

#[test]
fn a_scored_item_without_a_value_is_refused() {
    let msg = refused(|t| t.replace(", debt_larger = 0,", ","));
    assert_says(&msg, &["Q5", "code 'debt_larger' has no value"]);
    let msg = refused(|t| t.replace("[items.Q21]\nweight = 1\n", ""));
    assert_says(&msg, &["Q21", "scored item"]);
}

#[test]
fn a_value_for_a_non_answer_is_refused() {
    let msg = refused(|t| t.replace("yes = 1, no = 0 }\n\n[items.Q4]", "yes = 1, no = 0, dk = 0.5 }\n\n[items.Q4]"));
    assert_says(&msg, &["Q3", "'dk' is a non-answer"]);
}

#[test]
fn an_unscored_question_cannot_be_scored_by_a_profile() {
    let msg = refused(|t| format!("{t}\n[items.Q32]\nweight = 1\n"));
    assert_says(&msg, &["Q32", "not scored"]);
}

#[test]
fn bands_must_be_ordered_within_0_to_1() {
    let msg = refused(|t| t.replace("intensive_below = 0.33", "intensive_below = 0.7"));
    assert_says(&msg, &["bands", "0.7"]);
}

#[test]
fn status_composite_and_instrument_are_checked() {
    assert_says(&refused(|t| t.replace("status = \"provisional\"", "status = \"final\"")), &["status", "'final'"]);
    assert_says(
        &refused(|t| t.replace("composite = \"weighted_items\"", "composite = \"median\"")),
        &["composite", "'median'"],
    );
    assert_says(
        &refused(|t| t.replace("instrument = \"iom-rss\"", "instrument = \"other\"")),
        &["instrument", "'other'"],
    );
}

#[test]
fn a_dimension_whose_weights_are_all_zero_is_refused() {
    let mut text = PROVISIONAL_PROFILE_TOML.to_string();
    for q in 11..=21 {
        text = text.replace(&format!("[items.Q{q}]\nweight = 1"), &format!("[items.Q{q}]\nweight = 0"));
    }
    let msg = Profile::from_toml(&text, &instrument()).unwrap_err().to_string();
    assert_says(&msg, &["social", "no item"]);
}

#[test]
fn with_weights_gives_a_custom_copy_and_checks_the_weights() {
    let inst = instrument();
    let p = provisional_profile(&inst);
    let heavier = p.with_weights(&inst, "w3", &[("Q2", 3.0), ("Q25", 3.0)]).unwrap();
    assert_eq!(heavier.status, ProfileStatus::Custom);
    assert_eq!(heavier.item(inst.question_index("Q2").unwrap()).weight, 3.0);
    assert!(
        matches!(p.with_weights(&inst, "x", &[("Q10", 2.0)]), Err(ProfileError::Item { ref item, .. }) if item == "Q10")
    );
    assert!(p.with_weights(&inst, "x", &[("Q2", f64::NAN)]).is_err());
}

#[test]
fn syntax_errors_are_reported_as_such() {
    let e = Profile::from_toml("name = ", &instrument()).unwrap_err();
    assert!(matches!(e, ProfileError::Syntax(_)));
}
