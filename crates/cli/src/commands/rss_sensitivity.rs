//! `homeward rss sensitivity`: how much the unknown official weights matter.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use homeward_rss_batch::{Options, SensitivityTable, sensitivity};

use crate::table;

/// The questions the handbook says weigh more (Annex 4.B, notes to Q2, Q25, Q30).
const HEAVIER: [&str; 3] = ["Q2", "Q25", "Q30"];
const WEIGHTS: [f64; 5] = [1.0, 1.5, 2.0, 2.5, 3.0];

pub fn run(input: &Path, profile: Option<&Path>) -> anyhow::Result<ExitCode> {
    let scorer = super::load_scorer(profile)?;
    let file = std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?;
    let result = sensitivity(&scorer, std::io::BufReader::new(file), &HEAVIER, &WEIGHTS, &Options::default())
        .with_context(|| format!("{} cannot be read as surveys", input.display()))?;
    let instrument = scorer.instrument();
    let current: Vec<f64> =
        HEAVIER.iter().filter_map(|q| instrument.question_index(q)).map(|i| scorer.profile().item(i).weight).collect();
    print!("{}", render(&result, &current));
    println!("{}", super::profile_line(scorer.profile()));
    Ok(ExitCode::SUCCESS)
}

fn render(t: &SensitivityTable, current: &[f64]) -> String {
    let share = |n: u64| {
        if t.scored == 0 { format!("{n}") } else { format!("{n} ({:.1}%)", n as f64 * 100.0 / t.scored as f64) }
    };
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let mark = if current.iter().all(|&w| w == r.weight) { " (profile)" } else { "" };
            let mut row = vec![format!("{}{mark}", r.weight)];
            row.extend(r.dimensions.iter().map(|&n| share(n)));
            row.push(share(r.composite));
            row
        })
        .collect();
    let mut header = vec!["weight"];
    header.extend(t.dimensions.iter().map(String::as_str));
    header.push("composite");
    format!(
        "Surveys that change band when {} weigh w instead of the profile's weight\n({} scored surveys, bands compared with profile {}):\n\n{}\n",
        t.questions.join(", "),
        t.scored,
        t.profile,
        table::render(&header, &rows)
    )
}
