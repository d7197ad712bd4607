//! The indicators of a period as an XLSX workbook for donors and programme managers: one sheet
//! for the indicators against their targets, one per breakdown table, and one that says what the
//! figures rest on (period, scoring profile, suppression rule). Numbers are written as numbers
//! with number formats, never as text; a suppressed figure is the word "suppressed".

use homeward_analytics::indicators::{Figure, IndicatorResult};
use homeward_service::indicators::IndicatorsView;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{about, header, profile_line, sheet_name};
use crate::i18n::Catalogue;

fn figure(
    ws: &mut Worksheet,
    t: &Catalogue,
    (row, col): (u32, u16),
    f: &Figure,
    unit: &str,
    share: &Format,
) -> Result<(), XlsxError> {
    match (f.value, &f.suppressed) {
        (Some(v), _) if unit == "share" => ws.write_number_with_format(row, col, v, share)?,
        (Some(v), _) => ws.write_number(row, col, v)?,
        (None, Some(_)) => ws.write_string(row, col, t.get("xlsx_suppressed"))?,
        (None, None) => ws.write_string(row, col, "")?,
    };
    if let Some(c) = f.count {
        ws.write_number(row, col + 1, c as f64)?;
    }
    if let Some(n) = f.of {
        ws.write_number(row, col + 2, n as f64)?;
    }
    Ok(())
}

/// The workbook in the language of `t`: sheet names, headers and groups as the user reads them.
pub fn workbook(view: &IndicatorsView, t: &Catalogue) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let share = Format::new().set_num_format("0.0%");
    let mut used = vec![t.get("xlsx_indicators").to_string(), t.get("xlsx_about").to_string()];
    let ws = book.add_worksheet();
    ws.set_name(t.get("xlsx_indicators"))?;
    let columns = [
        "xlsx_indicator",
        "xlsx_value",
        "xlsx_count",
        "xlsx_of",
        "xlsx_baseline",
        "xlsx_target",
        "xlsx_progress",
        "xlsx_outcome",
        "xlsx_source",
        "xlsx_frequency",
        "xlsx_responsible",
    ]
    .map(|k| t.get(k));
    header(ws, &columns, &bold)?;
    for (i, r) in view.indicators.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, format!("{}. {}", i + 1, r.indicator))?;
        figure(ws, t, (row, 1), &r.overall, r.unit, &share)?;
        for (col, v) in [(4, r.baseline), (5, r.target)] {
            if r.unit == "share" {
                ws.write_number_with_format(row, col, v, &share)?;
            } else {
                ws.write_number(row, col, v)?;
            }
        }
        if let Some(p) = r.progress {
            ws.write_number_with_format(row, 6, p, &share)?;
        }
        for (col, text) in [(7, &r.outcome), (8, &r.source), (9, &r.frequency), (10, &r.responsible)] {
            ws.write_string(row, col, text)?;
        }
    }
    for (i, r) in view.indicators.iter().enumerate() {
        breakdown_sheets(&mut book, t, (i + 1, r), &bold, &share, &mut used)?;
    }
    about(
        &mut book,
        t,
        &[
            (t.get("xlsx_period"), format!("{} – {}", t.date(&view.from), t.date(&view.to))),
            (t.get("xlsx_profile"), profile_line(&view.profile, view.profile_status)),
            (t.get("xlsx_suppression"), view.suppression.clone()),
        ],
        &bold,
    )?;
    super::print_setup(&mut book)?;
    book.save_to_buffer()
}

/// One sheet per breakdown of indicator `n`, named by its number and the breakdown
/// ("1. By sex"), each group by its label.
fn breakdown_sheets(
    book: &mut Workbook,
    t: &Catalogue,
    (n, r): (usize, &IndicatorResult),
    bold: &Format,
    share: &Format,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    for (by, figures) in &r.breakdowns {
        let ws = book.add_worksheet();
        let by_label = t.named("by", by);
        ws.set_name(sheet_name(&format!("{n}. {by_label}"), used))?;
        header(ws, &[by_label, t.get("xlsx_value"), t.get("xlsx_count"), t.get("xlsx_of")], bold)?;
        for (i, f) in figures.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, crate::indicators::group_label(t, by, &f.group))?;
            figure(ws, t, (i as u32 + 1, 1), f, r.unit, share)?;
        }
        ws.write_string(figures.len() as u32 + 2, 0, format!("{n}. {}", r.indicator))?;
    }
    Ok(())
}
