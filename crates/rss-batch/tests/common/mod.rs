//! Building survey CSV files for the tests.
#![allow(dead_code)]

use homeward_rss::{Scorer, builtin};
use homeward_rss_batch::{BatchError, Options, Summary, score_csv};

pub use homeward_test_support::BEST_ANSWERS as BEST;

pub fn scorer() -> Scorer {
    let inst = builtin::instrument();
    let profile = builtin::provisional_profile(&inst);
    Scorer::new(inst, profile)
}

/// Input columns in the usual order.
pub fn columns() -> Vec<String> {
    let mut cols = vec!["survey_id".to_string(), "consent".to_string()];
    cols.extend((1..=32).filter(|&n| n != 21).map(|n| format!("Q{n}")));
    cols
}

/// A CSV row for `columns`, from the best answers with some changed.
pub fn row(columns: &[String], id: &str, consent: &str, changes: &[(&str, &str)]) -> String {
    columns
        .iter()
        .map(|c| match c.as_str() {
            "survey_id" => id.to_string(),
            "consent" => consent.to_string(),
            q => changes.iter().chain(BEST.iter()).find(|(k, _)| *k == q).map_or(String::new(), |(_, v)| v.to_string()),
        })
        .map(|cell| if cell.contains([',', '"', '\n']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell })
        .collect::<Vec<_>>()
        .join(",")
}

pub fn run(input: &str) -> Result<(String, Summary), BatchError> {
    run_with(input, &Options::default())
}

pub fn run_with(input: &str, opts: &Options<'_>) -> Result<(String, Summary), BatchError> {
    let mut out = Vec::new();
    let summary = score_csv(&scorer(), input.as_bytes(), &mut out, opts)?;
    Ok((String::from_utf8(out).unwrap(), summary))
}

pub fn file(rows: &[String]) -> String {
    let mut text = columns().join(",");
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    text
}
