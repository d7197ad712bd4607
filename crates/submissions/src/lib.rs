//! RSS submissions exported from KoboToolbox or ODK Central, read into plain rows: the first
//! stage of an import (then: the cases looked up, each row checked and scored, stored). Reads an
//! export as the field gets it, without edits by hand:
//!
//! - CSV with `,` or `;`, quoted or not, with or without a byte-order mark; or XLSX (its first
//!   sheet, where Kobo puts the submissions), as `homeward_tables` reads them;
//! - headers with group paths (`economic/Q1` from Kobo, `economic-Q1` from ODK Central);
//! - a select_multiple as one space-separated column, as one 1/0 column per choice
//!   (`economic/Q8/land`), or both;
//! - the metadata columns of both (`_uuid`, `_submission_time`, `_id`, `__version__`, ...;
//!   `KEY`, `meta-instanceID`, `SubmissionDate`), an instance id counting the same with or
//!   without `uuid:`.
//!
//! A labels export (headers and answers as the questions' words) or a file that is no export of
//! the form is refused, saying which export to choose. Problems of a row name the row (the
//! header is row 1) and the column, and never stop the rows after it.

mod columns;
mod instance;

use std::collections::BTreeMap;

use homeward_rss::Instrument;
use homeward_rss::instrument::QuestionKind;

pub use columns::{Column, Columns, FIELDS, Source};
pub use homeward_tables::RowProblem;
use homeward_tables::{Table, TableError};
pub use instance::read_instance;

/// One submission of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Its row in the file (the header is row 1).
    pub row: usize,
    /// The instance id, without `uuid:`.
    pub instance_id: String,
    /// When the server received it, as the export writes it.
    pub submitted_at: Option<String>,
    /// The form's other fields that were filled in (`case_id`, `round`, `consent`, `start`, ...).
    pub fields: BTreeMap<String, String>,
    /// Each answered question's cell, by question id: a select_multiple's codes space-separated.
    pub answers: Vec<(String, String)>,
    /// What the form computed for a derived question (Q21), which Homeward computes again.
    pub calculated: Vec<(String, String)>,
}

impl Submission {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// What an export holds.
#[derive(Debug, Clone)]
pub struct Export {
    pub source: Source,
    pub submissions: Vec<Submission>,
    pub problems: Vec<RowProblem>,
}

impl Export {
    /// Its submissions and problems again, as [`Reader`] gives them.
    pub fn items(&self) -> impl Iterator<Item = Result<Submission, RowProblem>> + Send + '_ {
        self.submissions.iter().cloned().map(Ok).chain(self.problems.iter().cloned().map(Err))
    }
}

/// Why nothing could be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not text in UTF-8 (row {0}); export it again as CSV (UTF-8)")]
    NotUtf8(usize),
    #[error(
        "this is an export with labels: its headers are the questions' words. Export again with \"XML values and \
         headers\" (KoboToolbox) or as CSV from ODK Central"
    )]
    LabelsExport,
    #[error(
        "no column of the file is a question of the RSS form: this is not an export of Homeward's RSS form. Export \
         its submissions from KoboToolbox (CSV or XLS, \"XML values and headers\") or from ODK Central (CSV)"
    )]
    NotAnExport,
    #[error("the file cannot be read as CSV: {0}")]
    Csv(String),
    #[error("the submission cannot be read: {0}")]
    Instance(String),
    #[error("this is an old Excel file (.xls): export again as XLSX or CSV")]
    OldExcel,
    #[error("the spreadsheet cannot be read as XLSX: {0}; export it again as XLSX or CSV")]
    Xlsx(String),
    #[error("the spreadsheet would unzip to more than 512 MB: split the export (by date, for instance)")]
    TooLarge,
}

pub use homeward_tables::MAX_UNZIPPED_XLSX;

impl From<TableError> for ExportError {
    fn from(e: TableError) -> ExportError {
        match e {
            TableError::Empty => ExportError::Empty,
            TableError::NotUtf8(row) => ExportError::NotUtf8(row),
            TableError::Csv(why) => ExportError::Csv(why),
            TableError::OldExcel => ExportError::OldExcel,
            TableError::Xlsx(why) => ExportError::Xlsx(why),
            TableError::TooLarge => ExportError::TooLarge,
        }
    }
}

/// Reads an export of the RSS form, CSV or XLSX (told by its first bytes), all at once.
pub fn read(bytes: &[u8], instrument: &Instrument) -> Result<Export, ExportError> {
    let mut reader = open(bytes, instrument)?;
    let mut export = Export { source: reader.source(), submissions: Vec::new(), problems: Vec::new() };
    for item in &mut reader {
        match item {
            Ok(s) => export.submissions.push(s),
            Err(p) => export.problems.push(p),
        }
    }
    Ok(export)
}

/// Opens an export of the RSS form, CSV or XLSX, to read its submissions one at a time: memory
/// stays flat however many rows the file has. Fails when the file is no export of the form.
pub fn open<'a>(bytes: impl Into<Vec<u8>>, instrument: &'a Instrument) -> Result<Reader<'a>, ExportError> {
    // Owned (a borrowed file is copied): the rows are read on as the import goes, and an XLSX on
    // a thread of its own.
    reader(homeward_tables::open(bytes)?, instrument)
}

/// Opens an export from a file, read as it is needed (a large export is never held in memory).
pub fn open_file(file: std::fs::File, instrument: &Instrument) -> Result<Reader<'_>, ExportError> {
    reader(homeward_tables::open_file(file)?, instrument)
}

fn reader(table: Table, instrument: &Instrument) -> Result<Reader<'_>, ExportError> {
    let names: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let Some(columns) = Columns::of(&names, instrument) else {
        return Err(if is_labels_export(&names, instrument) {
            ExportError::LabelsExport
        } else {
            ExportError::NotAnExport
        });
    };
    Ok(Reader { columns, instrument, table })
}

/// The submissions of an export, one at a time, with the problems of rows that cannot be read.
pub struct Reader<'a> {
    columns: Columns,
    instrument: &'a Instrument,
    table: Table,
}

impl std::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("source", &self.columns.source).field("header", &self.table.header).finish()
    }
}

impl Reader<'_> {
    pub fn source(&self) -> Source {
        self.columns.source
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Submission, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (row, cells) = match self.table.next()? {
                Ok(r) => r,
                Err(p) => return Some(Err(p)),
            };
            if cells.iter().all(|c| c.trim().is_empty()) {
                self.table.recycle(cells);
                continue;
            }
            let texts: Vec<&str> = cells.iter().map(str::trim).collect();
            let item = submission(row, &texts, &self.columns, &self.table.header, self.instrument);
            self.table.recycle(cells);
            return Some(item);
        }
    }
}

/// One row as a submission.
fn submission(
    row: usize,
    cells: &[&str],
    columns: &Columns,
    header: &[String],
    instrument: &Instrument,
) -> Result<Submission, RowProblem> {
    let mut instance_id = None;
    let mut submitted_at = None;
    let mut fields = BTreeMap::new();
    let mut whole: BTreeMap<usize, String> = BTreeMap::new();
    let mut ticked: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (c, column) in columns.columns.iter().enumerate() {
        let cell = cells.get(c).copied().unwrap_or("");
        match column {
            Column::InstanceId if !cell.is_empty() && instance_id.is_none() => {
                instance_id = Some(cell.strip_prefix("uuid:").unwrap_or(cell).to_string());
            }
            Column::SubmittedAt if !cell.is_empty() => submitted_at = Some(cell.to_string()),
            Column::Field(name) if !cell.is_empty() => {
                fields.entry(name.clone()).or_insert_with(|| cell.to_string());
            }
            Column::Question(q) if !cell.is_empty() => {
                whole.insert(*q, cell.to_string());
            }
            Column::Choice(q, code) => match cell {
                "1" | "1.0" | "True" | "true" => ticked.entry(*q).or_default().push(code.clone()),
                "" | "0" | "0.0" | "False" | "false" => {
                    ticked.entry(*q).or_default();
                }
                other => {
                    return Err(RowProblem {
                        row,
                        column: header[c].clone(),
                        problem: format!("'{other}' is neither 1 (chosen) nor 0"),
                    });
                }
            },
            _ => {}
        }
    }
    let Some(instance_id) = instance_id else {
        return Err(RowProblem { row, column: String::new(), problem: "has no instance id".into() });
    };
    // A select_multiple given only as 1/0 columns answers with the codes chosen, in the form's
    // order of choices; its whole column wins when the export has both.
    for (q, codes) in ticked {
        if !whole.contains_key(&q) && !codes.is_empty() {
            let order = &instrument.questions[q].choices;
            let mut codes = codes;
            codes.sort_by_key(|code| order.iter().position(|c| &c.code == code));
            whole.insert(q, codes.join(" "));
        }
    }
    let mut answers = Vec::with_capacity(whole.len());
    let mut calculated = Vec::new();
    for (q, cell) in whole {
        let question = &instrument.questions[q];
        if matches!(question.kind, QuestionKind::Derived { .. }) {
            calculated.push((question.id.clone(), cell));
        } else {
            answers.push((question.id.clone(), cell));
        }
    }
    Ok(Submission { row, instance_id, submitted_at, fields, answers, calculated })
}

/// Whether the headers are the questions' labels (in a language of the instrument).
fn is_labels_export(header: &[&str], instrument: &Instrument) -> bool {
    header.iter().any(|h| {
        let h = h.trim();
        // Kobo writes a group's label before the question's, joined by `/`.
        instrument.questions.iter().any(|q| {
            instrument
                .languages
                .iter()
                .filter_map(|l| q.label.get(l))
                .any(|label| h == label || h.strip_suffix(label).is_some_and(|group| group.ends_with('/')))
        })
    })
}

#[cfg(test)]
mod tests;
