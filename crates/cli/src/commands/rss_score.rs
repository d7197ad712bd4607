//! `homeward rss score`: the batch file contract of docs/rss/SCORING.md.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use homeward_rss_batch::{Options, score_csv};

use crate::output::write_atomically;
use crate::progress::ProgressLine;

pub fn run(input: &Path, output: &Path, profile: Option<&Path>, threads: usize) -> anyhow::Result<ExitCode> {
    let scorer = super::load_scorer(profile)?;
    let file = std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = ProgressLine::for_terminal(size);
    let report = |p| {
        if let Some(line) = &progress {
            line.update(p);
        }
    };
    let opts = Options { threads, progress: Some(&report), ..Options::default() };
    let summary = write_atomically(output, |out| {
        score_csv(&scorer, std::io::BufReader::with_capacity(1 << 20, file), out, &opts)
            .with_context(|| format!("{} cannot be scored", input.display()))
    });
    if let Some(line) = &progress {
        line.finish();
    }
    let summary = summary?;
    eprintln!(
        "{} surveys: {} scored, {} discarded, {} invalid. {}",
        summary.rows,
        summary.scored,
        summary.discarded,
        summary.invalid,
        super::profile_line(scorer.profile())
    );
    if summary.invalid > 0 {
        eprintln!("Invalid rows are in {} with the reason for each (column `reason`).", output.display());
    }
    Ok(ExitCode::from(summary.exit_code() as u8))
}
