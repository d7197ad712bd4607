//! Spreadsheets as the field keeps them, read one row at a time as text: the first stage of every
//! import (RSS submissions exported from KoboToolbox or ODK Central, a caseload kept in Excel).
//!
//! - CSV with `,` or `;` (as its header line uses), quoted or not, with or without a byte-order
//!   mark, with Unix or Windows line ends;
//! - XLSX: its first sheet, unzipped on a thread of its own as the rows are read (`xlsx.rs`);
//!   dates as ISO 8601, whole numbers without `.0`; a file that says it unzips past
//!   [`MAX_UNZIPPED_XLSX`] is refused before anything is unzipped;
//! - an old Excel file (`.xls`) is told apart and refused.
//!
//! Rows are numbered as a spreadsheet or an editor shows them: the header is row 1. A row that
//! cannot be read is a [`RowProblem`] and never stops the rows after it.

mod xlsx;

use csv::{ByteRecord, StringRecord};

/// A row that cannot be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    /// The column's header as the file has it (empty for the row as a whole).
    pub column: String,
    pub problem: String,
}

/// Why a file cannot be read as a table.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not text in UTF-8 (row {0})")]
    NotUtf8(usize),
    #[error("the file cannot be read as CSV: {0}")]
    Csv(String),
    #[error("this is an old Excel file (.xls)")]
    OldExcel,
    #[error("the spreadsheet cannot be read as XLSX: {0}")]
    Xlsx(String),
    #[error("the spreadsheet would unzip to more than 512 MB")]
    TooLarge,
}

/// The most an XLSX file may hold once unzipped: a spreadsheet that would unzip to more is
/// refused before it is read (a zip bomb would otherwise fill the memory).
pub const MAX_UNZIPPED_XLSX: u64 = 512 * 1024 * 1024;

/// A row: its number in the file and its cells, or why it cannot be read.
pub type Row = Result<(usize, StringRecord), RowProblem>;

/// A table being read: its header, then its rows one at a time (memory stays flat however many
/// rows the file has).
pub struct Table {
    pub header: Vec<String>,
    rows: Rows,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("header", &self.header).finish_non_exhaustive()
    }
}

/// Opens a CSV or XLSX table (told by its first bytes) held in memory.
pub fn open(bytes: impl Into<Vec<u8>>) -> Result<Table, TableError> {
    open_input(std::io::Cursor::new(bytes.into()))
}

/// Opens a CSV or XLSX table from a file, read as it is needed (a large file is never held in
/// memory).
pub fn open_file(file: std::fs::File) -> Result<Table, TableError> {
    open_input(file)
}

fn open_input<R>(mut input: R) -> Result<Table, TableError>
where
    R: std::io::Read + std::io::Seek + Send + 'static,
{
    let io = |e: std::io::Error| TableError::Csv(e.to_string());
    let mut magic = [0u8; 4];
    let read = read_up_to(&mut input, &mut magic).map_err(io)?;
    input.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    let (header, rows) = match &magic[..read] {
        b"PK\x03\x04" => {
            let (header, rows) = xlsx::open(input)?;
            (header, Rows::Xlsx(rows))
        }
        b"\xD0\xCF\x11\xE0" => return Err(TableError::OldExcel),
        _ => {
            let (header, rows) = csv_rows(Box::new(input))?;
            (header, Rows::Csv(Box::new(rows)))
        }
    };
    Ok(Table { header, rows })
}

impl Table {
    /// Takes back a row's cells once read, to read the next into (its buffers are kept: no
    /// allocation per row).
    pub fn recycle(&mut self, cells: StringRecord) {
        if let Rows::Csv(rows) = &mut self.rows {
            rows.record = cells.into_byte_record();
        }
    }
}

impl Iterator for Table {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        match &mut self.rows {
            Rows::Csv(rows) => rows.next(),
            Rows::Xlsx(rows) => rows.next(),
        }
    }
}

/// Reads into `buf` until it is full or the input ends; how many bytes were read.
fn read_up_to(input: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The rows under the header, as text, each with its row number in the file.
enum Rows {
    Csv(Box<CsvRows>),
    Xlsx(xlsx::Rows),
}

/// A CSV file's rows, `,` or `;` as its header line uses.
struct CsvRows {
    reader: csv::Reader<Input>,
    header: Vec<String>,
    record: ByteRecord,
    lines: Lines,
    /// Bytes before the reader's first (a byte-order mark).
    skipped: u64,
}

type Input = std::io::BufReader<LineEnds>;

/// Counts the lines of a CSV file as it is read. The csv reader skips blank lines without
/// counting them, and dates a record from where its reading began (before the blank lines it
/// skipped), so its line numbers drift after a blank row. The line a record starts on is instead
/// the number of line ends before its first byte, blank lines included.
#[derive(Debug, Default)]
struct LineCount {
    /// The line ends read but not yet counted (a buffer's worth at most): where each is, and
    /// whether the line it ends is blank.
    pending: std::collections::VecDeque<(u64, bool)>,
    /// Line ends before the last record asked about.
    counted: usize,
}

type Lines = std::sync::Arc<std::sync::Mutex<LineCount>>;

impl LineCount {
    /// The line (from 1) of the first cell of a record whose reading began at `offset`, the start
    /// of a line; offsets are asked in increasing order.
    fn line_at(lines: &Lines, offset: u64) -> usize {
        let mut count = lines.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // The lines before it, then the blank lines the reader skipped.
        while let Some(&(end, blank)) = count.pending.front() {
            if end >= offset && !blank {
                break;
            }
            count.pending.pop_front();
            count.counted += 1;
        }
        count.counted + 1
    }
}

/// The file under the CSV reader, noting where each line end is as the bytes go by.
struct LineEnds {
    input: Box<dyn std::io::Read + Send>,
    offset: u64,
    /// Whether the line being read has anything but a `\r` so far.
    line_has_text: bool,
    lines: Lines,
}

impl std::io::Read for LineEnds {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.input.read(buf)?;
        let mut count = self.lines.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (i, byte) in buf[..n].iter().enumerate() {
            match byte {
                b'\n' => {
                    count.pending.push_back((self.offset + i as u64, !self.line_has_text));
                    self.line_has_text = false;
                }
                b'\r' => {}
                _ => self.line_has_text = true,
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn csv_rows(input: Box<dyn std::io::Read + Send>) -> Result<(Vec<String>, CsvRows), TableError> {
    use std::io::BufRead;
    let lines = Lines::default();
    let input = LineEnds { input, offset: 0, line_has_text: false, lines: lines.clone() };
    // The header line decides the delimiter: enough of the file is buffered to hold it.
    let mut input = std::io::BufReader::with_capacity(256 * 1024, input);
    let buffered = input.fill_buf().map_err(|e| TableError::Csv(e.to_string()))?;
    let bom = buffered.starts_with(b"\xEF\xBB\xBF");
    let start = if bom { 3 } else { 0 };
    let first_line = buffered[start..].split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    input.consume(start);
    // Records end at `\n`, the `\r` of a Windows line end left to the trimming of cells: with
    // `\r\n` as one terminator the reader dates each record from the line before (its `\n` is
    // read as the record's start), so every row of a Kobo or Excel CSV was named one too low.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(false) => return Err(TableError::Empty),
        Err(e) => return Err(TableError::Csv(e.to_string())),
        Ok(true) => {}
    }
    let header: Vec<String> = record
        .iter()
        .map(|h| String::from_utf8(h.to_vec()).map(|h| h.trim().to_string()).map_err(|_| TableError::NotUtf8(1)))
        .collect::<Result<_, _>>()?;
    Ok((header.clone(), CsvRows { reader, header, record, lines, skipped: start as u64 }))
}

impl Iterator for CsvRows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        let next = self.reader.position().byte();
        let line_at = |position: Option<&csv::Position>| {
            LineCount::line_at(&self.lines, self.skipped + position.map_or(next, |p| p.byte()))
        };
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            // The line a record starts on is its row: what an editor shows (and a spreadsheet,
            // unless a cell holds a line break).
            Err(e) => {
                let problem = e.to_string();
                // The reader stops at an error in the file's structure; one bad row should not.
                Some(Err(RowProblem { row: line_at(e.position()), column: String::new(), problem }))
            }
            Ok(true) => {
                let row = line_at(self.record.position());
                match StringRecord::from_byte_record(std::mem::take(&mut self.record)) {
                    Ok(cells) => Some(Ok((row, cells))),
                    Err(e) => {
                        let column = e.utf8_error().field();
                        let column = self.header.get(column).cloned().unwrap_or_default();
                        Some(Err(RowProblem { row, column, problem: "is not text in UTF-8".into() }))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
