//! The indicators of a period as an XLSX workbook for donors and programme managers: one sheet
//! for the indicators against their targets, one per breakdown table, and one that says what the
//! figures rest on (period, scoring profile, suppression rule). Numbers are written as numbers
//! with number formats, never as text; a suppressed figure is the word "suppressed".

use homeward_analytics::indicators::{Figure, IndicatorResult};
use homeward_service::indicators::IndicatorsView;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{about, header, profile_line, sheet_name};

fn figure(ws: &mut Worksheet, row: u32, col: u16, f: &Figure, unit: &str, share: &Format) -> Result<(), XlsxError> {
    match (f.value, &f.suppressed) {
        (Some(v), _) if unit == "share" => ws.write_number_with_format(row, col, v, share)?,
        (Some(v), _) => ws.write_number(row, col, v)?,
        (None, Some(_)) => ws.write_string(row, col, "suppressed")?,
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

pub fn workbook(view: &IndicatorsView) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let share = Format::new().set_num_format("0.0%");
    let mut used = vec!["Indicators".to_string(), "About".to_string()];
    let ws = book.add_worksheet();
    ws.set_name("Indicators")?;
    header(
        ws,
        &[
            "Indicator",
            "Value",
            "Count",
            "Of",
            "Baseline",
            "Target",
            "Progress",
            "Outcome",
            "Source",
            "Frequency",
            "Responsible",
        ],
        &bold,
    )?;
    for (i, r) in view.indicators.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &r.indicator)?;
        figure(ws, row, 1, &r.overall, r.unit, &share)?;
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
    for r in &view.indicators {
        breakdown_sheets(&mut book, r, &bold, &share, &mut used)?;
    }
    about(
        &mut book,
        &[
            ("Period", format!("{} to {}", view.from, view.to)),
            ("RSS scoring profile", profile_line(&view.profile, view.profile_status)),
            ("Suppression", view.suppression.clone()),
        ],
        &bold,
    )?;
    book.save_to_buffer()
}

fn breakdown_sheets(
    book: &mut Workbook,
    r: &IndicatorResult,
    bold: &Format,
    share: &Format,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    for (by, figures) in &r.breakdowns {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&format!("{} by {by}", r.id), used))?;
        header(ws, &[by.as_str(), "Value", "Count", "Of"], bold)?;
        for (i, f) in figures.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, &f.group)?;
            figure(ws, i as u32 + 1, 1, f, r.unit, share)?;
        }
        ws.write_string(figures.len() as u32 + 2, 0, &r.indicator)?;
    }
    Ok(())
}
