//! The scoring rules of docs/rss/SCORING.md, one test each, then properties that must hold for any survey.

use proptest::prelude::*;

use super::*;
use crate::builtin::{PROVISIONAL_PROFILE_TOML, instrument, provisional_profile};
use crate::profile::BandThresholds;

fn scorer() -> Scorer {
    let inst = instrument();
    let profile = provisional_profile(&inst);
    Scorer::new(inst, profile)
}

fn scorer_with(edit: impl Fn(&str) -> String) -> Scorer {
    let inst = instrument();
    let profile = Profile::from_toml(&edit(PROVISIONAL_PROFILE_TOML), &inst).unwrap();
    Scorer::new(inst, profile)
}

/// Best answer to every question (Q10 and Q31 skipped).
use homeward_test_support::BEST_ANSWERS as BEST;

/// Worst answer to every question (Q10 and Q31 asked).
const WORST: [(&str, &str); 31] = [
    ("Q1", "very_dissatisfied"),
    ("Q2", "very_often"),
    ("Q3", "no"),
    ("Q4", "very_often"),
    ("Q5", "debt_larger"),
    ("Q6", "very_poor"),
    ("Q7", "no"),
    ("Q8", "no"),
    ("Q9", "yes"),
    ("Q10", "unemployed"),
    ("Q11", "very_poor"),
    ("Q12", "very_poor"),
    ("Q13", "very_poor"),
    ("Q14", "none"),
    ("Q15", "very_poor"),
    ("Q16", "no"),
    ("Q17", "very_poor"),
    ("Q18", "very_poor"),
    ("Q19", "very_poor"),
    ("Q20", "very_bad"),
    ("Q22", "never"),
    ("Q23", "very_bad"),
    ("Q24", "disagree"),
    ("Q25", "very_unsafe"),
    ("Q26", "very_often"),
    ("Q27", "very_often"),
    ("Q28", "very_often"),
    ("Q29", "yes"),
    ("Q30", "no"),
    ("Q31", "need"),
    ("Q32", "no_one"),
];

/// The worked example below, answer by answer, with each item's provisional value.
const MIXED: [(&str, &str); 31] = [
    // economic: Σwv = .5 + 2×.5 + .75 + .75 + 0 + 1 + 0 = 4, Σw = 8  → 0.5
    ("Q1", "ok"),
    ("Q2", "sometimes"),
    ("Q3", "dk"),
    ("Q4", "rarely"),
    ("Q5", "na"),
    ("Q6", "good"),
    ("Q7", "no"),
    ("Q8", "land animals"),
    ("Q9", "yes"),
    ("Q10", "unemployed other"),
    // social: Q21 = mean(1, .25, .5) = 7/12; Σwv = 4.75 + 7/12 = 16/3, Σw = 9 → 16/27
    ("Q11", "fair"),
    ("Q12", "good"),
    ("Q13", "very_good"),
    ("Q14", "some"),
    ("Q15", "dwa"),
    ("Q16", "yes"),
    ("Q17", "poor"),
    ("Q18", "dk"),
    ("Q19", "fair"),
    ("Q20", "bad"),
    // psychosocial: Σwv = .25+.5+.75+2×.25+.25+.5+.75+0+2×0+1 = 4.5, Σw = 12 → 0.375
    ("Q22", "rarely"),
    ("Q23", "fair"),
    ("Q24", "somewhat_agree"),
    ("Q25", "unsafe"),
    ("Q26", "often"),
    ("Q27", "sometimes"),
    ("Q28", "rarely"),
    ("Q29", "yes"),
    ("Q30", "no"),
    ("Q31", "wish"),
    ("Q32", "family friends"),
];

fn survey(pairs: &[(&str, &str)]) -> Survey {
    Survey::from_pairs(&instrument(), "yes", pairs.iter().copied()).unwrap()
}

/// `pairs` with `id` answered `cell` (or unanswered when `cell` is empty).
fn with(pairs: &[(&str, &str)], id: &'static str, cell: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = pairs.iter().copied().filter(|(q, _)| *q != id).collect();
    if !cell.is_empty() {
        v.push((id, cell));
    }
    v.into_iter().map(|(q, c)| (leak(q), leak(c))).collect()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

fn reason(out: &Outcome) -> String {
    out.reason.as_ref().map(ToString::to_string).unwrap_or_default()
}

// ------------------------------------------------------------ worked examples

#[test]
fn best_answers_score_1_and_are_light() {
    let out = scorer().score(&survey(&BEST));
    assert_eq!(out.status, Status::Scored, "{}", reason(&out));
    assert_eq!(out.dimensions, [Some(1.0); 3]);
    assert_eq!(out.composite, Some(1.0));
    assert_eq!(out.dimension_bands, [Some(Band::Light); 3]);
    assert_eq!(out.composite_band, Some(Band::Light));
    assert_eq!((out.dk_dwa_count, out.low_accuracy), (0, false));
}

#[test]
fn worst_answers_score_0_and_are_intensive() {
    let out = scorer().score(&survey(&WORST));
    assert_eq!(out.status, Status::Scored, "{}", reason(&out));
    assert_eq!(out.dimensions, [Some(0.0); 3]);
    assert_eq!(out.composite, Some(0.0));
    assert_eq!(out.composite_band, Some(Band::Intensive));
}

#[test]
fn worked_example_gives_the_hand_computed_scores() {
    let out = scorer().score(&survey(&MIXED));
    assert_eq!(out.status, Status::Scored, "{}", reason(&out));
    assert!(close(out.dimensions[0], 0.5));
    assert!(close(out.dimensions[1], 16.0 / 27.0));
    assert!(close(out.dimensions[2], 0.375));
    // Composite: (4 + 16/3 + 4.5) / (8 + 9 + 12) = 83/174.
    assert!(close(out.composite, 83.0 / 174.0), "{:?}", out.composite);
    assert_eq!(out.dimension_bands, [Some(Band::Standard); 3]);
    // Q3 dk, Q15 dwa, Q18 dk; Q5 `na` is missing but not counted.
    assert_eq!(out.dk_dwa_count, 3);
    let q21 = instrument().question_index("Q21").unwrap();
    assert!(close(out.item_values[q21], 7.0 / 12.0));
}

#[test]
fn composite_can_be_the_mean_of_dimension_scores() {
    let s = scorer_with(|t| t.replace("composite = \"weighted_items\"", "composite = \"mean_of_dimensions\""));
    let out = s.score(&survey(&MIXED));
    assert!(close(out.composite, (0.5 + 16.0 / 27.0 + 0.375) / 3.0));
}

#[test]
fn q2_q25_q30_weigh_double() {
    // Economic items of BEST: Q1-Q9 (Q10 skipped), weights 1 + 2 + 7 × 1 = 10.
    // Only Q2 at its worst: (8 × 1 + 2 × 0) / 10 = 0.8, not 8/9 as with weight 1.
    let out = scorer().score(&survey(&with(&BEST, "Q2", "very_often")));
    assert!(close(out.dimensions[0], 0.8), "{:?}", out.dimensions);
    // Psychosocial: Q22-Q30 weigh 7 × 1 + 2 + 2 = 11. Q30 at its worst asks Q31 (`wish` = 1):
    // (9 + 2 × 0 + 1) / 12.
    let pairs = with(&with(&BEST, "Q30", "no"), "Q31", "wish");
    let out = scorer().score(&survey(&pairs));
    assert!(close(out.dimensions[2], 10.0 / 12.0), "{:?}", out.dimensions);
}

// ------------------------------------------------------------ skip logic

#[test]
fn q10_is_asked_only_when_q9_is_yes() {
    // Q9 = no: Q10 is skipped and must be empty.
    let out = scorer().score(&survey(&with(&BEST, "Q10", "unemployed")));
    assert_eq!(out.status, Status::Invalid);
    assert_eq!(reason(&out), "Q10: answered 'unemployed' but Q10 is asked only when Q9 is 'yes'");
    // Q9 = yes: Q10 is asked and must be answered, but is not scored.
    let asked = with(&BEST, "Q9", "yes");
    let out = scorer().score(&survey(&asked));
    assert_eq!(
        (out.status, reason(&out)),
        (Status::Discarded, "Q10: no answer (a survey must be answered in full)".into())
    );
    let out = scorer().score(&survey(&with(&asked, "Q10", "unhappy_salary other")));
    assert_eq!(out.status, Status::Scored);
    assert!(close(out.dimensions[0], 9.0 / 10.0), "Q9 yes = 0, Q10 unscored");
}

#[test]
fn q31_is_asked_only_when_q30_is_no() {
    let out = scorer().score(&survey(&with(&BEST, "Q31", "need")));
    assert_eq!(reason(&out), "Q31: answered 'need' but Q31 is asked only when Q30 is 'no'");
    let out = scorer().score(&survey(&with(&BEST, "Q30", "dk")));
    assert_eq!(out.status, Status::Scored, "Q30 dk: Q31 not asked");
    let out = scorer().score(&survey(&with(&BEST, "Q30", "no")));
    assert_eq!(reason(&out), "Q31: no answer (a survey must be answered in full)");
}

#[test]
fn an_answer_to_a_skipped_question_is_invalid_even_when_its_gate_is_unanswered() {
    let pairs = with(&with(&BEST, "Q9", ""), "Q10", "other");
    let out = scorer().score(&survey(&pairs));
    assert_eq!(out.status, Status::Invalid);
    assert_eq!(out.reason.unwrap().field(), Some("Q10"));
}

// ------------------------------------------------------------ Q8 and Q21

#[test]
fn q8_is_1_for_any_asset_0_for_no_and_missing_for_dwa() {
    let q8 = instrument().question_index("Q8").unwrap();
    let value = |cell: &'static str| scorer().score(&survey(&with(&BEST, "Q8", cell))).item_values[q8];
    assert_eq!(value("land"), Some(1.0));
    assert_eq!(value("trees vehicles other"), Some(1.0));
    assert_eq!(value("no"), Some(0.0));
    assert_eq!(value("dwa"), None);
    let out = scorer().score(&survey(&with(&BEST, "Q8", "dwa")));
    assert_eq!(out.dk_dwa_count, 1);
}

#[test]
fn q21_is_the_mean_of_its_inputs_that_are_not_missing_and_missing_when_all_are() {
    let q21 = instrument().question_index("Q21").unwrap();
    let mut pairs = with(&BEST, "Q13", "poor");
    pairs = with(&pairs, "Q15", "dk");
    let out = scorer().score(&survey(&pairs));
    assert!(close(out.item_values[q21], (0.25 + 1.0 + 1.0 + 1.0) / 4.0));
    for (q, code) in [("Q13", "dk"), ("Q15", "dwa"), ("Q17", "dk"), ("Q18", "dwa"), ("Q19", "dwa")] {
        pairs = with(&pairs, q, code);
    }
    let out = scorer().score(&survey(&pairs));
    assert_eq!(out.item_values[q21], None);
    // Social then rests on Q11, Q12, Q14, Q16 and Q20 (all best): still 1.
    assert_eq!(out.dimensions[1], Some(1.0));
}

#[test]
fn q21_counts_as_one_social_item_beside_its_inputs() {
    // Q13 at 0, the other inputs at 1: Q21 = 0.8. Social has 11 items of weight 1
    // (Q11-Q20 and Q21): (9 × 1 + 0 + 0.8) / 11.
    let out = scorer().score(&survey(&with(&BEST, "Q13", "very_poor")));
    assert!(close(out.dimensions[1], (9.0 + 0.8) / 11.0), "{:?}", out.dimensions[1]);
}

#[test]
fn a_dimension_with_every_item_missing_has_no_score_and_no_band() {
    let mut pairs: Vec<(&str, &str)> = BEST.to_vec();
    for q in ["Q1", "Q2", "Q4", "Q7", "Q9"] {
        pairs = with(&pairs, leak(q), "dwa");
    }
    for (q, code) in [("Q3", "dk"), ("Q5", "na"), ("Q6", "dk"), ("Q8", "dwa")] {
        pairs = with(&pairs, q, code);
    }
    let out = scorer().score(&survey(&pairs));
    assert_eq!(out.status, Status::Scored);
    assert_eq!((out.dimensions[0], out.dimension_bands[0]), (None, None));
    assert_eq!(out.composite, Some(1.0), "composite over the items that remain");
    assert_eq!(out.dk_dwa_count, 8);
}

// ------------------------------------------------------------ bands and accuracy

#[test]
fn bands_split_at_0_33_and_0_66_on_the_unrounded_score() {
    let t = BandThresholds { intensive_below: 0.33, light_above: 0.66 };
    assert_eq!(Band::of(0.0, &t), Band::Intensive);
    assert_eq!(Band::of(0.329_999_999, &t), Band::Intensive);
    assert_eq!(Band::of(0.33, &t), Band::Standard);
    assert_eq!(Band::of(0.66, &t), Band::Standard);
    assert_eq!(Band::of(0.660_000_001, &t), Band::Light);
    assert_eq!(Band::of(1.0, &t), Band::Light);
}

#[test]
fn band_thresholds_come_from_the_profile() {
    // Composite of the worked example is 83/174 ≈ 0.477: standard, but light above 0.45.
    let s = scorer_with(|t| t.replace("light_above = 0.66", "light_above = 0.45"));
    assert_eq!(s.score(&survey(&MIXED)).composite_band, Some(Band::Light));
}

#[test]
fn more_than_seven_dk_or_dwa_answers_flag_low_accuracy() {
    let dk_answers = [
        ("Q3", "dk"),
        ("Q6", "dk"),
        ("Q11", "dk"),
        ("Q13", "dwa"),
        ("Q15", "dk"),
        ("Q16", "dk"),
        ("Q17", "dwa"),
        ("Q18", "dk"),
    ];
    let mut pairs: Vec<(&str, &str)> = BEST.to_vec();
    for (q, code) in &dk_answers[..7] {
        pairs = with(&pairs, q, code);
    }
    let out = scorer().score(&survey(&pairs));
    assert_eq!((out.dk_dwa_count, out.low_accuracy), (7, false));
    let (q, code) = dk_answers[7];
    let out = scorer().score(&survey(&with(&pairs, q, code)));
    assert_eq!((out.dk_dwa_count, out.low_accuracy), (8, true));
    // `na` is not counted.
    let out = scorer().score(&survey(&with(&pairs, "Q7", "na")));
    assert_eq!(out.dk_dwa_count, 7);
}

// ------------------------------------------------------------ discarded

#[test]
fn without_consent_a_survey_is_discarded() {
    let s = scorer();
    for (consent, msg) in
        [("no", "consent: 'no' is not 'yes'"), ("", "consent: no answer"), ("Yes", "consent: 'Yes' is not 'yes'")]
    {
        let mut sv = survey(&BEST);
        sv.consent = consent.into();
        let out = s.score(&sv);
        assert_eq!((out.status, reason(&out).as_str()), (Status::Discarded, msg));
        assert_eq!(out.composite, None);
    }
}

#[test]
fn a_survey_not_answered_in_full_is_discarded_naming_the_first_gap() {
    let pairs = with(&with(&BEST, "Q5", ""), "Q20", "");
    let out = scorer().score(&survey(&pairs));
    assert_eq!(out.status, Status::Discarded);
    assert_eq!(reason(&out), "Q5: no answer (a survey must be answered in full)");
    assert_eq!((out.composite, out.dk_dwa_count), (None, 0));
}

#[test]
fn surrounding_white_space_is_ignored_and_codes_are_case_sensitive() {
    let mut sv = survey(&with(&with(&BEST, "Q8", "  land \t animals "), "Q1", " very_satisfied "));
    sv.consent = " yes ".into();
    assert_eq!(scorer().score(&sv).status, Status::Scored);
    let out = scorer().score(&survey(&with(&BEST, "Q3", "Yes")));
    assert_eq!(reason(&out), "Q3: 'Yes' is not an answer code");
}

// ------------------------------------------------------------ invalid

#[test]
fn each_kind_of_wrong_data_makes_the_survey_invalid_naming_question_and_value() {
    let cases: [(&'static str, &'static str, &str, &str); 8] = [
        ("Q1", "thrilled", "unknown_code", "Q1: 'thrilled' is not an answer code"),
        ("Q1", "yes", "code_of_another_question", "Q1: 'yes' is a code of another question, not of Q1"),
        ("Q3", "yes no", "several_answers", "Q3: 'yes no' gives several answers but Q3 takes one"),
        ("Q8", "land no", "not_stand_alone", "Q8: 'no' stands alone but 'land no' combines it with other answers"),
        ("Q8", "dwa trees", "not_stand_alone", "Q8: 'dwa' stands alone but 'dwa trees' combines it with other answers"),
        (
            "Q32",
            "family no_one",
            "not_stand_alone",
            "Q32: 'no_one' stands alone but 'family no_one' combines it with other answers",
        ),
        ("Q8", "land land", "repeated_code", "Q8: 'land' is given twice in 'land land'"),
        (
            "Q21",
            "0.5",
            "derived_answered",
            "Q21: '0.5' given, but Q21 is computed from other answers and must be empty",
        ),
    ];
    for (q, cell, kind, msg) in cases {
        let out = scorer().score(&survey(&with(&BEST, q, cell)));
        assert_eq!(out.status, Status::Invalid, "{q}={cell}");
        let r = out.reason.unwrap();
        assert_eq!((r.kind(), r.to_string().as_str(), r.field()), (kind, msg, Some(q)));
        assert_eq!(out.composite, None);
    }
}

#[test]
fn invalid_takes_precedence_over_discarded() {
    let mut sv = survey(&with(&with(&BEST, "Q2", ""), "Q20", "splendid"));
    sv.consent = "no".into();
    let out = scorer().score(&sv);
    assert_eq!(out.status, Status::Invalid);
    assert_eq!(reason(&out), "Q20: 'splendid' is not an answer code");
}

#[test]
fn the_first_problem_in_question_order_is_reported() {
    let pairs = with(&with(&BEST, "Q25", "bad"), "Q4", "nope");
    assert_eq!(scorer().score(&survey(&pairs)).reason.unwrap().field(), Some("Q4"));
}

#[test]
fn long_values_are_shortened_in_reasons() {
    let long = leak(&"x".repeat(500));
    let msg = reason(&scorer().score(&survey(&with(&BEST, "Q1", long))));
    assert!(msg.len() < 100 && msg.contains("...'"), "{msg}");
}

#[test]
fn reusing_an_outcome_leaves_nothing_of_the_previous_survey() {
    let s = scorer();
    let mut out = Outcome::default();
    s.score_into(&survey(&MIXED), &mut out);
    s.score_into(&survey(&with(&BEST, "Q1", "bad")), &mut out);
    let fresh = s.score(&survey(&with(&BEST, "Q1", "bad")));
    assert_eq!(out, fresh);
}

// ------------------------------------------------------------ properties

/// A random survey that is neither invalid nor discarded: every asked question answered with one
/// of its codes, select_multiple answers respecting stand-alone codes.
fn any_complete_survey() -> impl Strategy<Value = Survey> {
    let inst = instrument();
    let n = inst.questions.len();
    proptest::collection::vec((any::<u64>(), any::<u8>()), n).prop_map(move |picks| {
        let mut answers = vec![String::new(); n];
        let mut chosen = vec![None; n];
        for (i, q) in inst.questions.iter().enumerate() {
            if q.is_derived() {
                continue;
            }
            if let Some(r) = q.relevant
                && chosen[r.question] != Some(r.choice)
            {
                continue;
            }
            let (bits, pick) = picks[i];
            let k = q.choices.len();
            answers[i] = match q.kind {
                QuestionKind::SelectOne => {
                    chosen[i] = Some(pick as usize % k);
                    q.choices[pick as usize % k].code.clone()
                }
                _ => {
                    let exclusive: Vec<usize> = (0..k).filter(|&c| q.choices[c].exclusive).collect();
                    if !exclusive.is_empty() && pick % 3 == 0 {
                        q.choices[exclusive[pick as usize % exclusive.len()]].code.clone()
                    } else {
                        let codes: Vec<&str> = (0..k)
                            .filter(|&c| !q.choices[c].exclusive && bits & (1 << c) != 0)
                            .map(|c| q.choices[c].code.as_str())
                            .collect();
                        if codes.is_empty() { q.choices[0].code.clone() } else { codes.join(" ") }
                    }
                }
            };
        }
        Survey { consent: "yes".into(), answers }
    })
}

fn all_scores(out: &Outcome) -> Vec<Option<f64>> {
    let mut v = out.dimensions.clone();
    v.push(out.composite);
    v
}

proptest! {
    #[test]
    fn every_complete_survey_is_scored_within_0_and_1(sv in any_complete_survey()) {
        for s in [scorer(), scorer_with(|t| t.replace("\"weighted_items\"", "\"mean_of_dimensions\""))] {
            let out = s.score(&sv);
            prop_assert_eq!(out.status, Status::Scored, "{}", reason(&out));
            for score in all_scores(&out).into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&score), "{}", score);
            }
            prop_assert_eq!(out.low_accuracy, out.dk_dwa_count > 7);
        }
    }

    #[test]
    fn improving_one_answer_never_lowers_any_score(sv in any_complete_survey(), q in 0usize..32, up in 1usize..5) {
        let s = scorer();
        let inst = s.instrument();
        let question = &inst.questions[q];
        let values = &s.profile().item(q).values;
        let Some(current) = question.choice_index(sv.answers[q].as_str()) else { return Ok(()) };
        let Some(v) = values.get(current).copied().flatten() else { return Ok(()) };
        // A better code of the same question, if there is one.
        let mut better: Vec<usize> = (0..values.len()).filter(|&c| values[c].is_some_and(|b| b > v)).collect();
        if better.is_empty() { return Ok(()) }
        better.sort_by(|a, b| values[*a].partial_cmp(&values[*b]).unwrap());
        let pick = better[(up - 1) % better.len()];
        let mut improved = sv.clone();
        improved.answers[q] = question.choices[pick].code.clone();
        // A question this one gates is no longer asked (e.g. Q30 no -> yes drops Q31).
        for (j, other) in inst.questions.iter().enumerate() {
            if other.relevant.is_some_and(|r| r.question == q && r.choice != pick) {
                improved.answers[j].clear();
            }
        }
        let before = s.score(&sv);
        let after = s.score(&improved);
        prop_assert_eq!(after.status, Status::Scored, "{}", reason(&after));
        for (b, a) in all_scores(&before).into_iter().zip(all_scores(&after)) {
            if let (Some(b), Some(a)) = (b, a) {
                prop_assert!(a >= b - 1e-12, "{} improved {:?} -> {:?}: {} fell to {}", question.id, sv.answers[q], improved.answers[q], b, a);
            }
        }
    }

    #[test]
    fn any_text_in_any_cell_gives_a_status_and_never_panics(cells in proptest::collection::vec("[a-z_ ]{0,12}|yes|no|dk|dwa|land no", 32), consent in "yes|no|") {
        let sv = Survey { consent, answers: cells };
        let out = scorer().score(&sv);
        prop_assert_eq!(out.reason.is_some(), out.status != Status::Scored);
    }
}

/// A complete survey whose scored answers all have the profile's `extreme` value (1 or 0), with
/// unscored answers and some non-answers picked at random. Skip logic follows the answers.
///
/// The first question of each dimension always gets a real answer, so no dimension is left
/// without a score.
fn any_extreme_survey(extreme: f64) -> impl Strategy<Value = Survey> {
    let s = scorer();
    let first_of_dimension = {
        let inst = s.instrument().clone();
        move |i: usize| inst.questions.iter().position(|q| q.dimension == inst.questions[i].dimension) == Some(i)
    };
    proptest::collection::vec((any::<u64>(), any::<u8>(), any::<bool>()), 32).prop_map(move |picks| {
        let inst = s.instrument();
        let mut answers = vec![String::new(); inst.questions.len()];
        let mut chosen: Vec<Option<usize>> = vec![None; inst.questions.len()];
        for (i, q) in inst.questions.iter().enumerate() {
            if q.is_derived() || q.relevant.is_some_and(|r| chosen[r.question] != Some(r.choice)) {
                continue;
            }
            let (bits, pick, non_answer) = picks[i];
            let values = &s.profile().item(i).values;
            let extremes: Vec<usize> =
                (0..q.choices.len()).filter(|&c| values.get(c) == Some(&Some(extreme))).collect();
            let non_answers: Vec<usize> = (0..q.choices.len()).filter(|&c| q.choices[c].non_answer.is_some()).collect();
            let candidates = if !s.profile().is_scored(i) {
                (0..q.choices.len()).filter(|&c| !q.choices[c].exclusive).collect()
            } else if non_answer && !non_answers.is_empty() && pick % 4 == 0 && !first_of_dimension(i) {
                non_answers
            } else {
                extremes
            };
            let c = candidates[pick as usize % candidates.len()];
            chosen[i] = Some(c);
            answers[i] = q.choices[c].code.clone();
            // Several codes of the same (non-exclusive, extreme) kind in a select_multiple.
            if q.kind == QuestionKind::SelectMultiple && !q.choices[c].exclusive {
                for &other in candidates.iter().filter(|&&o| o != c && !q.choices[o].exclusive && bits & (1 << o) != 0)
                {
                    answers[i].push(' ');
                    answers[i].push_str(&q.choices[other].code);
                }
            }
        }
        Survey { consent: "yes".into(), answers }
    })
}

proptest! {
    #[test]
    fn surveys_of_best_answers_score_1_everywhere(sv in any_extreme_survey(1.0)) {
        let out = scorer().score(&sv);
        prop_assert_eq!(out.status, Status::Scored, "{}", reason(&out));
        for score in all_scores(&out) {
            prop_assert_eq!(score, Some(1.0));
        }
    }

    #[test]
    fn surveys_of_worst_answers_score_0_everywhere(sv in any_extreme_survey(0.0)) {
        let out = scorer().score(&sv);
        prop_assert_eq!(out.status, Status::Scored, "{}", reason(&out));
        for score in all_scores(&out) {
            prop_assert_eq!(score, Some(0.0));
        }
    }
}
