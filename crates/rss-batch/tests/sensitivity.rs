//! `homeward rss sensitivity`: band changes when the heavier weights take other values.

mod common;

use common::*;
use homeward_rss_batch::{Options, sensitivity};

const WEIGHTS: [f64; 5] = [1.0, 1.5, 2.0, 2.5, 3.0];

#[test]
fn counts_surveys_whose_band_moves_under_each_weight() {
    let cols = columns();
    // Economic = 6.25 / (8 + w) with Q2 at 0: light (0.694) at w = 1, standard from w = 1.5 on.
    let edge = [("Q1", "ok"), ("Q2", "very_often"), ("Q6", "good"), ("Q9", "yes"), ("Q10", "unemployed")];
    let input = file(&[
        row(&cols, "edge", "yes", &edge),
        row(&cols, "best", "yes", &[]),
        row(&cols, "refused", "no", &[]),
        row(&cols, "edge", "yes", &edge),
    ]);
    let table = sensitivity(&scorer(), input.as_bytes(), &["Q2", "Q25", "Q30"], &WEIGHTS, &Options::default()).unwrap();
    assert_eq!(table.profile, "rss-provisional-1");
    assert_eq!(table.scored, 2, "the discarded row and the repeated id are not scored");
    assert_eq!(table.dimensions, ["economic", "social", "psychosocial"]);
    let economic: Vec<u64> = table.rows.iter().map(|r| r.dimensions[0]).collect();
    assert_eq!(economic, [1, 0, 0, 0, 0]);
    for r in &table.rows {
        assert_eq!((r.dimensions[1], r.dimensions[2], r.composite), (0, 0, 0), "weight {}", r.weight);
    }
}

#[test]
fn the_profiles_own_weight_changes_nothing() {
    let cols = columns();
    let rows: Vec<String> = (0..50)
        .map(|i| {
            let changes: &[(&str, &str)] = match i % 4 {
                0 => &[("Q2", "often"), ("Q25", "unsafe")],
                1 => &[("Q30", "no"), ("Q31", "need"), ("Q22", "never")],
                2 => &[("Q1", "very_dissatisfied"), ("Q2", "sometimes"), ("Q3", "no")],
                _ => &[],
            };
            row(&cols, &format!("S{i}"), "yes", changes)
        })
        .collect();
    let table =
        sensitivity(&scorer(), file(&rows).as_bytes(), &["Q2", "Q25", "Q30"], &[2.0], &Options::default()).unwrap();
    assert_eq!(table.scored, 50);
    assert_eq!(table.rows[0].dimensions, [0, 0, 0]);
    assert_eq!(table.rows[0].composite, 0);
}

#[test]
fn a_question_that_is_not_scored_cannot_be_reweighed() {
    let err = sensitivity(&scorer(), file(&[]).as_bytes(), &["Q10"], &WEIGHTS, &Options::default()).unwrap_err();
    assert!(err.to_string().contains("Q10"), "{err}");
}
