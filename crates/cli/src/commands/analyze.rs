//! `homeward analyze`: the M&E analyses on a CSV file (a survey export, a database extract).
//! The file is read here; everything computed comes from `homeward-analytics`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use homeward_analytics::formula::{Design, Formula, parse_references};
use homeward_analytics::frame::Frame;
use homeward_analytics::ols::{self, Covariance, Fit};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

/// Reads a CSV file (UTF-8, with a header) into a frame.
pub fn read_frame(path: &Path) -> anyhow::Result<Frame> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut rows = vec![];
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {} cannot be read", path.display(), i + 2))?;
        rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
    }
    Frame::from_rows(&header, &rows).with_context(|| path.display().to_string())
}

pub fn regress(
    input: &Path,
    formula: &str,
    reference: Option<&str>,
    robust: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let covariance = match robust {
        None => Covariance::Classical,
        Some(r) if r.eq_ignore_ascii_case("hc1") => Covariance::Hc1,
        Some(other) => bail!("--robust {other}: the estimator offered is hc1"),
    };
    let formula = Formula::parse(formula)?;
    let references = parse_references(reference.unwrap_or(""))?;
    let frame = read_frame(input)?;
    let design = Design::new(&frame, &formula, &references)?;
    let fit = ols::fit(&design, covariance)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&fit)?),
        Format::Table => print!("{}", regression_table(&formula, &fit)),
    }
    Ok(ExitCode::SUCCESS)
}

fn regression_table(formula: &Formula, fit: &Fit) -> String {
    let rows: Vec<Vec<String>> = fit
        .coefficients
        .iter()
        .map(|c| {
            vec![
                c.term.clone(),
                format!("{:.6}", c.estimate),
                format!("{:.6}", c.std_error),
                format!("{:.3}", c.t_value),
                format!("{:.3e}", c.p_value),
                format!("{:.6}", c.conf_low),
                format!("{:.6}", c.conf_high),
            ]
        })
        .collect();
    let table = crate::table::render(&["term", "estimate", "std.error", "t", "p", "2.5 %", "97.5 %"], &rows);
    let f = match (fit.f_statistic, fit.f_p_value) {
        (Some(f), Some(p)) => {
            format!("F = {f:.4} on {} and {} df, p = {p:.3e}", fit.coefficients.len() - 1, fit.df_resid)
        }
        _ => "no slopes: no F test".to_string(),
    };
    format!(
        "{} ~ {}   ({} standard errors)\nn = {}, residual df = {}\n\n{table}\nR² = {:.6}, adjusted R² = {:.6}, residual standard error = {:.6}\n{f}\n",
        formula.response,
        formula.terms.join(" + "),
        match fit.covariance {
            Covariance::Classical => "classical",
            Covariance::Hc1 => "HC1 robust",
        },
        fit.n,
        fit.df_resid,
        fit.r_squared,
        fit.adj_r_squared,
        fit.sigma
    )
}
