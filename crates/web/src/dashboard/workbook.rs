//! The dashboard as a workbook: a sheet per table of the page (scores by dimension, bands by
//! round, the breakdown picked, change between rounds, mentored and not, indicators, regression) and the About
//! sheet. An analysis the data could not give leaves its reason on its sheet.

use homeward_analytics::estimate::Estimate;
use homeward_analytics::summary::Row;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::Dashboard;
use crate::report::{about, header, profile_line};

/// Number formats: scores to three places, shares as percentages.
/// The formats of the workbook's cells, and the language of its words.
struct Formats<'a> {
    bold: Format,
    score: Format,
    share: Format,
    t: &'a crate::i18n::Catalogue,
}

fn cell(ws: &mut Worksheet, row: u32, col: u16, value: Option<f64>, format: &Format) -> Result<(), XlsxError> {
    if let Some(v) = value.filter(|v| v.is_finite()) {
        ws.write_number_with_format(row, col, v, format)?;
    }
    Ok(())
}

/// A summary row from column `col` on: n, mean, sd, quartiles and the three band shares, or the
/// word "suppressed".
fn summary_row(ws: &mut Worksheet, row: u32, col: u16, r: &Row, f: &Formats) -> Result<(), XlsxError> {
    let Some(n) = r.n else {
        ws.write_string(row, col, "suppressed")?;
        return Ok(());
    };
    ws.write_number(row, col, n as f64)?;
    for (i, v) in [r.mean, r.sd, r.q1, r.median, r.q3].into_iter().enumerate() {
        cell(ws, row, col + 1 + i as u16, v, &f.score)?;
    }
    for (i, s) in r.bands.iter().flatten().enumerate() {
        cell(ws, row, col + 6 + i as u16, Some(*s), &f.share)?;
    }
    Ok(())
}

/// The summary's columns, as message keys.
const SUMMARY_COLUMNS: [&str; 9] =
    ["xlsx_n", "mean", "sd", "q1", "median", "q3", "band_intensive", "band_standard", "band_light"];

/// The summary's column headers in the workbook's language, after `first`.
fn summary_header<'a>(f: &'a Formats, first: &'a str) -> Vec<&'a str> {
    std::iter::once(first).chain(SUMMARY_COLUMNS.iter().map(|k| f.t.get(k))).collect()
}

/// A sheet that has no table: the reason the analysis gave none.
fn reason(ws: &mut Worksheet, why: &str, f: &Formats) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, f.t.get("xlsx_no_figures"), &f.bold)?;
    ws.write_string(1, 0, why)?;
    ws.set_column_width(0, 100)?;
    Ok(())
}

/// `label`, estimate, low, high, p on one line.
fn estimate_line(ws: &mut Worksheet, row: u32, label: &str, e: &Estimate, f: &Formats) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, label, &f.bold)?;
    for (i, v) in [e.estimate, e.conf_low, e.conf_high].into_iter().enumerate() {
        cell(ws, row, 1 + i as u16, Some(v), &f.score)?;
    }
    cell(ws, row, 4, Some(e.p_value), &Format::new().set_num_format("0.0000"))
}

fn change_sheet(ws: &mut Worksheet, d: &Dashboard, f: &Formats) -> Result<(), XlsxError> {
    let c = match &d.change {
        Ok(c) => c,
        Err(why) => return reason(ws, why, f),
    };
    let t = f.t;
    let group = c.group.as_deref().unwrap_or(t.get("all_returnees"));
    let columns = [group, t.get("xlsx_n"), &c.from_phase, &c.to_phase, t.get("mean_change"), t.get("xlsx_sd_change")];
    header(ws, &columns, &f.bold)?;
    let mut row = 1;
    for g in std::iter::once(&c.overall).chain(&c.groups) {
        ws.write_string(row, 0, if row == 1 { t.get("all_returnees") } else { &g.group })?;
        match g.n {
            None => {
                ws.write_string(row, 1, t.get("xlsx_suppressed"))?;
            }
            Some(n) => {
                ws.write_number(row, 1, n as f64)?;
                for (i, v) in [g.mean_before, g.mean_after, g.mean_change, g.sd_change].into_iter().enumerate() {
                    cell(ws, row, 2 + i as u16, v, &f.score)?;
                }
            }
        }
        row += 1;
    }
    row += 1;
    for (i, name) in ["", t.get("estimate"), "2.5 %", "97.5 %", "p"].iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *name, &f.bold)?;
    }
    row += 1;
    if let Some(m) = &c.mean_change {
        estimate_line(ws, row, t.get("xlsx_mean_change_paired"), m, f)?;
        row += 1;
    }
    if let Some(k) = &c.comparison {
        estimate_line(
            ws,
            row,
            &format!("{}: {} − {}", t.get("did"), k.treated, k.control),
            &k.difference_in_differences,
            f,
        )?;
        row += 1;
        for (label, e) in [("Glass's Δ", &k.glass_delta), ("Cohen's d", &k.cohens_d), ("Hedges' g", &k.hedges_g)] {
            ws.write_string_with_format(row, 0, label, &f.bold)?;
            for (i, v) in [e.estimate, e.conf_low, e.conf_high].into_iter().enumerate() {
                cell(ws, row, 1 + i as u16, Some(v), &f.score)?;
            }
            row += 1;
        }
    }
    if let Some(w) = &c.withheld {
        ws.write_string(row + 1, 0, w)?;
    }
    Ok(())
}

/// Mentored against non-mentored returnees: a row per dimension, then per country of origin.
fn mentoring_sheet(ws: &mut Worksheet, d: &Dashboard, f: &Formats) -> Result<(), XlsxError> {
    let t = f.t;
    let mentored = t.get("mentored");
    let not = t.get("not_mentored");
    let columns = [
        String::new(),
        format!("{} ({mentored})", t.get("xlsx_n")),
        format!("{} ({mentored})", t.get("mean_change")),
        format!("{} ({not})", t.get("xlsx_n")),
        format!("{} ({not})", t.get("mean_change")),
        t.get("did").to_string(),
        "2.5 %".into(),
        "97.5 %".into(),
        "p".into(),
        "Glass's Δ".into(),
        "Cohen's d".into(),
        "Hedges' g".into(),
    ];
    header(ws, &columns.iter().map(String::as_str).collect::<Vec<_>>(), &f.bold)?;
    for (i, m) in d.mentoring.iter().enumerate() {
        let row = i as u32 + 1;
        let label = match &m.country {
            Some(c) => format!("{} · {c}", t.get(m.measure)),
            None => t.get(m.measure).to_string(),
        };
        ws.write_string_with_format(row, 0, &label, &f.bold)?;
        let c = match &m.outcome {
            Ok(c) => c,
            Err(why) => {
                ws.write_string(row, 1, why)?;
                continue;
            }
        };
        for (col, which) in [(1, "yes"), (3, "no")] {
            match c.groups.iter().find(|g| g.group == which) {
                Some(g) if g.n.is_some() => {
                    ws.write_number(row, col, g.n.unwrap_or_default() as f64)?;
                    cell(ws, row, col + 1, g.mean_change, &f.score)?;
                }
                Some(_) => {
                    ws.write_string(row, col, t.get("xlsx_suppressed"))?;
                }
                None => {
                    ws.write_number(row, col, 0.0)?;
                }
            }
        }
        if let Some(k) = &c.comparison {
            let e = &k.difference_in_differences;
            for (i, v) in [e.estimate, e.conf_low, e.conf_high].into_iter().enumerate() {
                cell(ws, row, 5 + i as u16, Some(v), &f.score)?;
            }
            cell(ws, row, 8, Some(e.p_value), &Format::new().set_num_format("0.0000"))?;
            for (i, v) in [k.glass_delta.estimate, k.cohens_d.estimate, k.hedges_g.estimate].into_iter().enumerate() {
                cell(ws, row, 9 + i as u16, Some(v), &f.score)?;
            }
        } else if let Some(w) = &c.withheld {
            ws.write_string(row, 5, t.problem(w))?;
        }
    }
    ws.set_column_width(0, 24)?;
    Ok(())
}

fn regression_sheet(ws: &mut Worksheet, d: &Dashboard, f: &Formats) -> Result<(), XlsxError> {
    let r = match &d.regression {
        Ok(r) => r,
        Err(why) => return reason(ws, why, f),
    };
    let t = f.t;
    header(ws, &[t.get("term"), t.get("estimate"), t.get("std_error"), "t", "p", "2.5 %", "97.5 %"], &f.bold)?;
    let p = Format::new().set_num_format("0.0000");
    for (i, k) in r.model.coefficients.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &k.term)?;
        let e = &k.test;
        for (col, v, format) in [
            (1, e.estimate, &f.score),
            (2, e.std_error, &f.score),
            (3, e.t_value, &f.score),
            (4, e.p_value, &p),
            (5, e.conf_low, &f.score),
            (6, e.conf_high, &f.score),
        ] {
            cell(ws, row, col, Some(v), format)?;
        }
    }
    let m = &r.model;
    let mut row = m.coefficients.len() as u32 + 2;
    ws.write_string_with_format(row, 0, t.get("xlsx_model"), &f.bold)?;
    ws.write_string(row, 1, &r.formula)?;
    let whole = Format::new();
    let figures = [
        (t.get("xlsx_n"), Some(m.n as f64), &whole),
        (t.get("xlsx_df_resid"), Some(m.df_resid as f64), &whole),
        ("R²", Some(m.r_squared), &f.score),
        (t.get("adj_r_squared"), Some(m.adj_r_squared), &f.score),
        (t.get("residual_se"), Some(m.sigma), &f.score),
        (t.get("xlsx_f_statistic"), m.f_statistic, &f.score),
        (t.get("xlsx_p_of_f"), m.f_p_value, &p),
    ];
    for (label, v, format) in figures {
        row += 1;
        ws.write_string_with_format(row, 0, label, &f.bold)?;
        cell(ws, row, 1, v, format)?;
    }
    row += 1;
    ws.write_string_with_format(row, 0, t.get("xlsx_standard_errors"), &f.bold)?;
    ws.write_string(row, 1, t.get(if d.robust { "xlsx_robust" } else { "xlsx_classical" }))?;
    Ok(())
}

pub fn workbook(d: &Dashboard, t: &crate::i18n::Catalogue) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let f = Formats {
        bold: Format::new().set_bold(),
        score: Format::new().set_num_format("0.000"),
        share: Format::new().set_num_format("0.0%"),
        t,
    };

    let ws = book.add_worksheet().set_name(t.get("xlsx_scores_by_dimension"))?;
    header(ws, &summary_header(&f, t.get("dimension")), &f.bold)?;
    for (i, (name, r)) in d.dimensions.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *name)?;
        summary_row(ws, i as u32 + 1, 1, r, &f)?;
    }

    let ws = book.add_worksheet().set_name(t.get("xlsx_bands_by_round"))?;
    let columns = ["xlsx_round", "xlsx_n", "band_intensive", "band_standard", "band_light"].map(|k| t.get(k));
    header(ws, &columns, &f.bold)?;
    for (i, p) in d.phases.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &p.label)?;
        match (p.n, p.shares) {
            (Some(n), Some(shares)) => {
                ws.write_number(row, 1, n as f64)?;
                for (j, s) in shares.iter().enumerate() {
                    cell(ws, row, 2 + j as u16, Some(*s), &f.share)?;
                }
            }
            _ => {
                ws.write_string(row, 1, t.get("xlsx_suppressed"))?;
            }
        }
    }

    let ws = book.add_worksheet().set_name(t.get("xlsx_breakdown"))?;
    match &d.picked {
        Ok(s) => {
            header(ws, &summary_header(&f, t.named("group", &d.by)), &f.bold)?;
            for (i, r) in s.rows.iter().enumerate() {
                ws.write_string(i as u32 + 1, 0, r.group.join(" · "))?;
                summary_row(ws, i as u32 + 1, 1, r, &f)?;
            }
        }
        Err(why) => reason(ws, why, &f)?,
    }

    change_sheet(book.add_worksheet().set_name(t.get("xlsx_change"))?, d, &f)?;
    mentoring_sheet(book.add_worksheet().set_name(t.get("mentoring_comparison"))?, d, &f)?;

    let ws = book.add_worksheet().set_name(t.get("xlsx_indicators"))?;
    match &d.indicators {
        Ok(v) => {
            let columns = ["xlsx_indicator", "xlsx_value", "xlsx_target", "xlsx_progress"].map(|k| t.get(k));
            header(ws, &columns, &f.bold)?;
            for (i, r) in v.indicators.iter().enumerate() {
                let row = i as u32 + 1;
                let format = if r.unit == "share" { &f.share } else { &Format::new() };
                ws.write_string(row, 0, &r.indicator)?;
                match r.overall.value {
                    Some(value) => cell(ws, row, 1, Some(value), format)?,
                    None if r.overall.suppressed.is_some() => {
                        ws.write_string(row, 1, t.get("xlsx_suppressed"))?;
                    }
                    None => {}
                }
                cell(ws, row, 2, Some(r.target), format)?;
                cell(ws, row, 3, r.progress, &f.share)?;
            }
        }
        Err(why) => reason(ws, why, &f)?,
    }

    regression_sheet(book.add_worksheet().set_name(t.get("xlsx_regression"))?, d, &f)?;

    about(
        &mut book,
        t,
        &[
            (t.get("xlsx_period"), format!("{} – {}", d.from, d.to)),
            (t.get("xlsx_profile"), profile_line(&d.profile, d.profile_status)),
            (t.get("xlsx_suppression"), d.suppression.clone()),
            (t.get("xlsx_score"), d.measure.clone()),
            (t.get("xlsx_breakdown"), d.by.clone()),
            (
                t.get("xlsx_regression"),
                format!("{}; one row per returnee: their latest survey of the period", d.formula),
            ),
        ],
        &f.bold,
    )?;
    crate::report::print_setup(&mut book)?;
    book.save_to_buffer()
}
