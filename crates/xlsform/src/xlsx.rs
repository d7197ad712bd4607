//! Writing an [`XlsForm`] as an .xlsx workbook.

use rust_xlsxwriter::{Format, Workbook};

use crate::{Sheet, XlsForm, XlsFormError};

impl XlsForm {
    /// The workbook's bytes.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsFormError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        for sheet in [&self.survey, &self.choices, &self.settings] {
            write_sheet(&mut book, sheet, &bold)?;
        }
        Ok(book.save_to_buffer()?)
    }
}

fn write_sheet(book: &mut Workbook, sheet: &Sheet, bold: &Format) -> Result<(), XlsFormError> {
    let ws = book.add_worksheet();
    ws.set_name(sheet.name)?;
    for (c, name) in sheet.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, name, bold)?;
        ws.set_column_width(c as u16, if name.starts_with("label") || name.starts_with("hint") { 48 } else { 16 })?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(r as u32 + 1, c as u16, value)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
