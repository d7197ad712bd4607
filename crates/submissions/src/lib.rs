//! RSS submissions exported from KoboToolbox or ODK Central, read into plain rows: the first
//! stage of an import (then: the cases looked up, each row checked and scored, stored). Reads an
//! export as the field gets it, without edits by hand:
//!
//! - CSV with `,` or `;`, quoted or not, with or without a byte-order mark;
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

use std::collections::BTreeMap;

use homeward_rss::Instrument;
use homeward_rss::instrument::QuestionKind;

pub use columns::{Column, Columns, FIELDS, Source};

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

/// A row that cannot be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    /// The column's header as the file has it (empty for the row as a whole).
    pub column: String,
    pub problem: String,
}

/// What an export holds.
#[derive(Debug, Clone)]
pub struct Export {
    pub source: Source,
    pub submissions: Vec<Submission>,
    pub problems: Vec<RowProblem>,
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
    #[error("no column of the file is a question of the RSS form: this is not an export of Homeward's RSS form")]
    NotAnExport,
    #[error("the file cannot be read as CSV: {0}")]
    Csv(String),
}

/// Reads a CSV export of the RSS form.
pub fn read_csv(bytes: &[u8], instrument: &Instrument) -> Result<Export, ExportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Err(ExportError::Empty),
        Some(Err(e)) => return Err(ExportError::Csv(e.to_string())),
        Some(Ok(h)) => h,
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8(h.to_vec()).map_err(|_| ExportError::NotUtf8(1)))
        .collect::<Result<_, _>>()?;
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    let Some(columns) = Columns::of(&names, instrument) else {
        return Err(if is_labels_export(&names, instrument) {
            ExportError::LabelsExport
        } else {
            ExportError::NotAnExport
        });
    };
    let mut export = Export { source: columns.source, submissions: Vec::new(), problems: Vec::new() };
    for (i, record) in records.enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                export.problems.push(RowProblem { row, column: String::new(), problem: e.to_string() });
                continue;
            }
        };
        let mut cells = Vec::with_capacity(record.len());
        let mut bad = None;
        for (c, cell) in record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(text) => cells.push(text.trim()),
                Err(_) => {
                    bad = Some(c);
                    break;
                }
            }
        }
        if let Some(c) = bad {
            let column = header.get(c).cloned().unwrap_or_default();
            export.problems.push(RowProblem { row, column, problem: "is not text in UTF-8".into() });
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        match submission(row, &cells, &columns, &header, instrument) {
            Ok(s) => export.submissions.push(s),
            Err(p) => export.problems.push(p),
        }
    }
    Ok(export)
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
    let mut answers = Vec::new();
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
