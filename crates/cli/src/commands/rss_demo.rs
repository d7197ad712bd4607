//! `homeward rss demo`: the RSS scoring of the bundled sample surveys, with nothing to set up.
//! (`homeward demo` runs the whole app on a demo database.)

use std::process::ExitCode;

use homeward_rss::{Scorer, builtin};
use homeward_rss_batch::{Options, score_csv};

use crate::table;

/// `data/rss/samples/surveys.csv`: ten surveys of seven returnees, every status represented.
pub const SAMPLES: &str = include_str!("../../../../data/rss/samples/surveys.csv");

pub fn run() -> anyhow::Result<ExitCode> {
    let instrument = builtin::instrument();
    let profile = builtin::provisional_profile(&instrument);
    let scorer = Scorer::new(instrument, profile);
    let mut out = Vec::new();
    let summary = score_csv(&scorer, SAMPLES.as_bytes(), &mut out, &Options::default())?;
    println!("Homeward demo: the RSS scores of {} sample surveys (data/rss/samples/surveys.csv)", summary.rows);
    println!("{}\n", super::profile_line(scorer.profile()));
    print!("{}", render(&out)?);
    let bands = summary.composite_bands;
    println!(
        "\n{} surveys: {} scored ({} intensive, {} standard, {} light), {} discarded, {} invalid; {} with low accuracy.",
        summary.rows,
        summary.scored,
        bands[0],
        bands[1],
        bands[2],
        summary.discarded,
        summary.invalid,
        summary.low_accuracy
    );
    println!("Score your own file: homeward rss score --input surveys.csv --output scores.csv");
    Ok(ExitCode::SUCCESS)
}

/// The results as a table, scores rounded for reading (the CSV keeps full precision).
fn render(results: &[u8]) -> anyhow::Result<String> {
    let mut reader = csv::Reader::from_reader(results);
    let round = |s: &str| s.parse::<f64>().map_or(String::new(), |x| format!("{x:.2}"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record?;
        let note = if &r[12] == "true" { format!("low accuracy ({} dk/dwa)", &r[11]) } else { r[2].to_string() };
        rows.push(vec![
            r[0].to_string(),
            r[1].to_string(),
            round(&r[3]),
            round(&r[4]),
            round(&r[5]),
            round(&r[6]),
            r[10].to_string(),
            note,
        ]);
    }
    let header = ["survey", "status", "economic", "social", "psychosocial", "composite", "band", "note"];
    Ok(table::render(&header, &rows))
}
