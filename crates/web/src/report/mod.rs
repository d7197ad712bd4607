//! Reports as XLSX workbooks for donors and programme managers: one sheet per table, numbers
//! written as numbers with number formats (never as text), a suppressed figure as the word
//! "suppressed", and an About sheet that says what the figures rest on (period, scoring
//! profile, suppression rule).

pub mod indicators;

use axum::http::{StatusCode, header as http_header};
use axum::response::{IntoResponse, Response};
use homeward_service::ServiceError;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

pub(crate) fn header(ws: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, bold)?;
        ws.set_column_width(c as u16, if c == 0 { 48 } else { 14 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub(crate) use homeward_present::export::{print_setup, sheet_name};

/// The scoring profile in a line, with the warning when its weights are provisional.
pub(crate) fn profile_line(profile: &str, status: homeward_rss::ProfileStatus) -> String {
    if status == homeward_rss::ProfileStatus::Provisional {
        format!("{profile} (PROVISIONAL weights: Homeward's assumptions, not IOM's official scoring)")
    } else {
        profile.to_string()
    }
}

/// The About sheet: what the figures rest on, one line each, and who made them.
pub(crate) fn about(
    book: &mut Workbook,
    t: &crate::i18n::Catalogue,
    lines: &[(&str, String)],
    bold: &Format,
) -> Result<(), XlsxError> {
    let ws = book.add_worksheet();
    ws.set_name(t.get("xlsx_about"))?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 100)?;
    let made_by = (t.get("xlsx_made_by"), t.get("xlsx_made_by_text").to_string());
    for (i, (k, v)) in lines.iter().chain([&made_by]).enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, bold)?;
        ws.write_string(i as u32, 1, v)?;
    }
    Ok(())
}

/// A workbook as a download, or the 500 of a workbook that could not be written.
pub(crate) fn download(workbook: Result<Vec<u8>, XlsxError>, filename: &str) -> Response {
    match workbook {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (
                    http_header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (http_header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => crate::layout::failure(ServiceError::Internal(format!("workbook: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_unique_and_without_forbidden_characters() {
        let mut used = vec![];
        assert_eq!(sheet_name("composite_at_least_half by vulnerability", &mut used), "composite_at_least_half by v");
        assert_eq!(sheet_name("composite_at_least_half by vulnerability", &mut used), "composite_at_least_half by v 2");
        assert_eq!(sheet_name("a/b[c]", &mut used), "abc");
    }
}
