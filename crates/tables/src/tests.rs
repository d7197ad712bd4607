//! Tables as spreadsheets and editors write them.

use super::*;

fn rows(bytes: &[u8]) -> (Vec<String>, Vec<Row>) {
    let table = open(bytes).unwrap();
    let header = table.header.clone();
    (header, table.collect())
}

fn cells(row: &Row) -> Vec<String> {
    row.as_ref().unwrap().1.iter().map(|c| c.trim().to_string()).collect()
}

#[test]
fn csv_rows_are_numbered_as_an_editor_shows_them_whatever_the_line_ends() {
    for text in ["a;b\n1;2\n\n3;4\n", "\u{feff}a;b\r\n1;2\r\n\r\n3;4\r\n"] {
        let (header, rows) = rows(text.as_bytes());
        assert_eq!(header, ["a", "b"], "the delimiter is the header line's, the byte-order mark dropped");
        let numbered: Vec<(usize, Vec<String>)> =
            rows.iter().map(|r| (r.as_ref().unwrap().0, cells(r))).filter(|(_, c)| c != &[""]).collect();
        assert_eq!(numbered, [(2, vec!["1".to_string(), "2".into()]), (4, vec!["3".into(), "4".into()])]);
    }
}

#[test]
fn a_cell_not_in_utf8_is_a_problem_of_its_row_and_column_and_the_next_rows_are_read() {
    let (_, rows) = rows(b"name,town\nA,\xe9\nB,Thi\xc3\xa8s\n");
    assert_eq!(rows[0], Err(RowProblem { row: 2, column: "town".into(), problem: "is not text in UTF-8".into() }));
    assert_eq!(cells(&rows[1]), ["B", "Thiès"]);
}

#[test]
fn an_xlsx_sheet_gives_dates_as_iso_and_whole_numbers_without_a_decimal_point() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "born").unwrap();
    sheet.write(0, 1, "years").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1994, 3, 12).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_datetime_with_format(1, 0, &date, &format).unwrap();
    sheet.write(1, 1, 7.0).unwrap();
    let (header, rows) = rows(&book.save_to_buffer().unwrap());
    assert_eq!(header, ["born", "years"]);
    assert_eq!(rows[0].as_ref().unwrap().0, 2);
    assert_eq!(cells(&rows[0]), ["1994-03-12", "7"]);
}

#[test]
fn old_excel_broken_and_empty_files_are_told_apart() {
    assert_eq!(open(b"".to_vec()).unwrap_err(), TableError::Empty);
    assert_eq!(open(b"\xD0\xCF\x11\xE0rest".to_vec()).unwrap_err(), TableError::OldExcel);
    assert!(matches!(open(b"PK\x03\x04not a zip".to_vec()).unwrap_err(), TableError::Xlsx(_)));
}
