//! `homeward analyze`: the M&E analyses on a CSV file (a survey export, a database extract).
//! The file is read here; everything computed comes from `homeward-analytics`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use homeward_analytics::formula::{Design, Formula, parse_references};
use homeward_analytics::frame::{ColumnBuilder, Frame, fits_numeric, is_missing};
use homeward_analytics::ols::{self, Covariance, Fit};
use homeward_analytics::summary::{BandEdges, Suppressed, summarise};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

/// Reads the columns `wanted` of a CSV file (UTF-8, with a header) into a frame, without ever
/// holding the file as text. A column is taken as numeric when its first value is a number; if a
/// later value is not, that column alone is read again as categorical (a second pass that files
/// with clean columns never need).
pub fn read_frame(path: &Path, wanted: &[&str]) -> anyhow::Result<Frame> {
    let open = || {
        csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))
    };
    let mut reader = open()?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            bail!("{}: the column `{name}` appears twice in the header", path.display());
        }
    }
    let mut positions = vec![];
    for name in wanted {
        let Some(at) = header.iter().position(|h| h == name) else {
            bail!("there is no column `{name}`; the columns are: {}", header.join(", "));
        };
        if !positions.contains(&at) {
            positions.push(at);
        }
    }
    // None until a column's first value is seen; then its builder.
    let mut builders: Vec<Option<ColumnBuilder>> = positions.iter().map(|_| None).collect();
    // Missing cells before a column's first value.
    let mut pending: Vec<usize> = vec![0; positions.len()];
    let mut redo = vec![false; positions.len()];
    let mut record = csv::ByteRecord::new();
    let mut row = 1;
    fn cell<'r>(
        record: &'r csv::ByteRecord,
        at: usize,
        row: usize,
        path: &Path,
        name: &str,
    ) -> anyhow::Result<&'r str> {
        std::str::from_utf8(&record[at])
            .map_err(|_| anyhow::anyhow!("{}: row {row}, column {name}: not UTF-8", path.display()))
    }
    while reader
        .read_byte_record(&mut record)
        .with_context(|| format!("{}: row {} cannot be read", path.display(), row + 1))?
    {
        row += 1;
        if record.len() != header.len() {
            bail!("{}: row {row} has {} cells; the header has {}", path.display(), record.len(), header.len());
        }
        for (k, &at) in positions.iter().enumerate() {
            let text = cell(&record, at, row, path, &header[at])?;
            match &mut builders[k] {
                Some(b) => {
                    // A numeric column checks each cell as it parses it.
                    if !redo[k] && !b.push_checked(text) {
                        redo[k] = true;
                    }
                }
                None if is_missing(text) => pending[k] += 1,
                None => {
                    let mut b = ColumnBuilder::new(fits_numeric(text));
                    (0..pending[k]).for_each(|_| b.push(""));
                    b.push(text);
                    builders[k] = Some(b);
                }
            }
        }
    }
    if redo.iter().any(|r| *r) {
        let mut reader = open()?;
        for (k, r) in redo.iter().enumerate() {
            if *r {
                builders[k] = Some(ColumnBuilder::new(false));
            }
        }
        let mut row = 1;
        while reader.read_byte_record(&mut record)? {
            row += 1;
            for (k, &at) in positions.iter().enumerate().filter(|(k, _)| redo[*k]) {
                if let Some(b) = &mut builders[k] {
                    b.push(cell(&record, at, row, path, &header[at])?);
                }
            }
        }
    }
    let columns = positions
        .iter()
        .zip(builders)
        .enumerate()
        .map(|(k, (&at, b))| {
            let column = b.unwrap_or_else(|| {
                // Every cell missing: a numeric column of nothing.
                let mut b = ColumnBuilder::new(true);
                (0..pending[k]).for_each(|_| b.push(""));
                b
            });
            (header[at].clone(), column.finish())
        })
        .collect();
    Ok(Frame::from_columns(columns))
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
    let mut wanted = vec![formula.response.as_str()];
    wanted.extend(formula.terms.iter().map(String::as_str));
    let frame = read_frame(input, &wanted)?;
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
                format!("{:.6}", c.test.estimate),
                format!("{:.6}", c.test.std_error),
                format!("{:.3}", c.test.t_value),
                format!("{:.3e}", c.test.p_value),
                format!("{:.6}", c.test.conf_low),
                format!("{:.6}", c.test.conf_high),
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

/// Cuts the columns named in `bins` (`age=18,25,35,50`) into groups.
fn apply_bins(mut frame: Frame, bins: &[String]) -> anyhow::Result<Frame> {
    for spec in bins {
        let (name, edges) =
            spec.split_once('=').with_context(|| format!("--bins {spec}: needs the form column=edge,edge"))?;
        let edges = edges
            .split(',')
            .map(|e| e.trim().parse::<f64>().with_context(|| format!("--bins {spec}: `{e}` is not a number")))
            .collect::<anyhow::Result<Vec<f64>>>()?;
        frame = frame.binned(name.trim(), &edges)?;
    }
    Ok(frame)
}

/// The RSS bands of the bundled profile (handbook lines 2250-2253).
fn band_edges() -> BandEdges {
    let instrument = homeward_rss::builtin::instrument();
    let bands = homeward_rss::builtin::provisional_profile(&instrument).bands;
    BandEdges { intensive_below: bands.intensive_below, light_above: bands.light_above }
}

fn shown(x: Option<f64>) -> String {
    x.map_or_else(|| "·".to_string(), |v| format!("{v:.4}"))
}

pub fn summary(
    input: &Path,
    measure: &str,
    by: &[String],
    min_cell: usize,
    bins: &[String],
    format: Format,
) -> anyhow::Result<ExitCode> {
    let mut wanted = vec![measure];
    wanted.extend(by.iter().map(String::as_str));
    let frame = apply_bins(read_frame(input, &wanted)?, bins)?;
    let s = summarise(&frame, measure, by, min_cell, band_edges())?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&s)?),
        Format::Table => {
            let mut header: Vec<&str> = by.iter().map(String::as_str).collect();
            header.extend(["n", "mean", "sd", "q1", "median", "q3", "intensive", "standard", "light"]);
            let line = |r: &homeward_analytics::summary::Row, label: Vec<String>| {
                let mut cells = label;
                match r.suppressed {
                    Some(why) => {
                        let why = match why {
                            Suppressed::SmallCell => format!("suppressed: fewer than {min_cell}"),
                            Suppressed::Complementary => "suppressed: would reveal a small cell".to_string(),
                        };
                        cells.push(why);
                        cells.extend(std::iter::repeat_n(String::new(), 8));
                    }
                    None => {
                        cells.push(r.n.map_or_else(String::new, |n| n.to_string()));
                        cells.extend([r.mean, r.sd, r.q1, r.median, r.q3].map(shown));
                        cells.extend(r.bands.map_or([None; 3], |b| b.map(Some)).map(shown));
                    }
                }
                cells
            };
            let mut rows: Vec<Vec<String>> = s.rows.iter().map(|r| line(r, r.group.clone())).collect();
            let mut all = vec!["(all)".to_string()];
            all.extend(std::iter::repeat_n(String::new(), by.len().saturating_sub(1)));
            rows.push(line(&s.total, all));
            print!("{}", crate::table::render(&header, &rows));
            println!(
                "Cells of fewer than {min_cell} people, and cells that would reveal them, are suppressed. Bands: intensive below {}, light above {} (profile rss-provisional-1: PROVISIONAL weights).",
                s.bands.intensive_below, s.bands.light_above
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `analyze change` is asked.
#[derive(Debug)]
pub struct ChangeArgs<'a> {
    pub input: &'a Path,
    pub id: &'a str,
    pub phase: &'a str,
    pub measure: &'a str,
    pub group: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub control: Option<&'a str>,
    pub min_cell: usize,
    pub format: Format,
}

pub fn change(a: &ChangeArgs<'_>) -> anyhow::Result<ExitCode> {
    let mut wanted = vec![a.id, a.phase, a.measure];
    wanted.extend(a.group);
    let frame = read_frame(a.input, &wanted)?;
    let r = homeward_analytics::change::change(
        &frame, a.id, a.phase, a.measure, a.group, a.from, a.to, a.control, a.min_cell,
    )?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
        Format::Table => {
            println!("{}: change from {} to {} ({} cases with both)", r.measure, r.from, r.to, r.cases.len());
            if let Some(m) = &r.mean_change {
                println!(
                    "mean change {:.4} (95 % CI {:.4} to {:.4}), paired t = {:.3}, p = {:.3e}",
                    m.estimate, m.conf_low, m.conf_high, m.t_value, m.p_value
                );
            }
            let rows: Vec<Vec<String>> = r
                .groups
                .iter()
                .map(|g| {
                    let mut cells = vec![g.group.clone(), g.n.map_or_else(|| "suppressed".into(), |n| n.to_string())];
                    cells.extend([g.mean_before, g.mean_after, g.mean_change, g.sd_change].map(shown));
                    cells
                })
                .collect();
            if !rows.is_empty() {
                print!("{}", crate::table::render(&["group", "n", "before", "after", "change", "sd of change"], &rows));
            }
            if let Some(c) = &r.comparison {
                let did = &c.difference_in_differences;
                println!(
                    "difference in differences ({} − {}): {:.4} (95 % CI {:.4} to {:.4}), t = {:.3}, p = {:.3e}",
                    c.treated, c.control, did.estimate, did.conf_low, did.conf_high, did.t_value, did.p_value
                );
                for (name, e) in [("Glass's Δ", &c.glass_delta), ("Cohen's d", &c.cohens_d), ("Hedges' g", &c.hedges_g)]
                {
                    println!("{name}: {:.4} (95 % CI {:.4} to {:.4})", e.estimate, e.conf_low, e.conf_high);
                }
            }
            if let Some(why) = &r.withheld {
                println!("Some figures are withheld: {why}.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
