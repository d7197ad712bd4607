//! A caseload kept in a spreadsheet, read into registrations one row at a time: the first stage of
//! importing it (then, in `homeward_service::caseload`: possible duplicates looked up, the office
//! and schedule checked, the cases created).
//!
//! Columns are matched to the registration's fields by their headers, in English or French
//! (`data/imports/caseload-columns.toml`), or by a [`Mapping`] file; dates are read in the forms
//! spreadsheets write (`cells.rs`); countries by code or name. Every problem of a row names its
//! row (the header is row 1) and its column, and never stops the rows after it.

mod cells;
mod fields;
mod mapping;

use std::collections::BTreeMap;

use homeward_domain::problem;
use homeward_domain::returnee::Registration;
use homeward_domain::search::fold;
use homeward_domain::validate::FieldError;
use homeward_tables::{Table, TableError};
use serde_json::{Map, Value};

pub use cells::{DateOrder, date};
pub use fields::{FIELDS, Field, Kind};
pub use mapping::{Mapping, MappingError};

/// One row of the caseload: the registration it gives, or every problem with it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseloadRow {
    /// Its row in the file (the header is row 1).
    pub row: usize,
    pub registration: Result<Registration, Vec<CellProblem>>,
}

/// A problem with one cell: the column as the file heads it (empty for the row as a whole, or
/// for a value the mapping file gives every row), and the problem naming its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub column: String,
    pub problem: FieldError,
}

/// Why a file cannot be read as a caseload.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CaseloadError {
    #[error("{0}")]
    Table(#[from] TableError),
    #[error("{0}")]
    Mapping(#[from] MappingError),
    #[error("no column gives {fields}: name the column in a mapping file, or give every row a value in it")]
    MissingColumns { fields: String },
    #[error("the columns '{first}' and '{second}' both give {field}: say which in a mapping file")]
    TwoColumns { first: String, second: String, field: String },
    #[error("the mapping file names the column '{column}', which the file does not have")]
    NoSuchColumn { column: String },
}

/// The rows of a caseload file, read one at a time (memory stays flat however long the file).
pub struct Reader {
    table: Table,
    /// The field each column gives (`None`: not used).
    columns: Vec<Option<&'static Field>>,
    mapping: Mapping,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("columns", &self.columns()).finish_non_exhaustive()
    }
}

/// Opens a caseload table: matches its columns to fields, by the mapping file first, then by the
/// headers Homeward knows. Fails when a required field has neither a column nor a value given
/// every row, when two columns give one field, or when the mapping names a column the file lacks.
pub fn open(table: Table, mapping: Mapping) -> Result<Reader, CaseloadError> {
    let known = &fields::known().headers;
    let mut columns: Vec<Option<&'static Field>> = Vec::with_capacity(table.header.len());
    let mut given: BTreeMap<&'static str, &str> = BTreeMap::new();
    for header in &table.header {
        let field = match mapping.column(header) {
            Some(mapped) => mapped,
            None => known.get(&fold(header)).copied(),
        };
        if let Some(f) = field
            && let Some(first) = given.insert(f.name, header)
        {
            return Err(CaseloadError::TwoColumns {
                first: first.to_string(),
                second: header.clone(),
                field: f.name.to_string(),
            });
        }
        columns.push(field);
    }
    if let Some(column) = mapping.columns_named().find(|c| !table.header.iter().any(|h| fold(h) == fold(c))) {
        return Err(CaseloadError::NoSuchColumn { column: column.to_string() });
    }
    let missing: Vec<&str> = FIELDS
        .iter()
        .filter(|f| f.required && !given.contains_key(f.name) && mapping.default_of(f.name).is_none())
        .map(|f| f.name)
        .collect();
    if !missing.is_empty() {
        return Err(CaseloadError::MissingColumns { fields: missing.join(", ") });
    }
    Ok(Reader { table, columns, mapping })
}

impl Reader {
    /// Each column's header and the field it gives (`None`: not used), as a preview shows them.
    pub fn columns(&self) -> Vec<(String, Option<&'static str>)> {
        self.table.header.iter().cloned().zip(self.columns.iter().map(|f| f.map(|f| f.name))).collect()
    }

    /// The row's registration, or every problem of its cells.
    fn registration(&self, cells: &[&str]) -> Result<Registration, Vec<CellProblem>> {
        let mut problems = Vec::new();
        let mut top = Map::new();
        let mut profile = Map::new();
        let mut column_of: BTreeMap<&str, &str> = BTreeMap::new();
        for f in FIELDS {
            let position = self.columns.iter().position(|c| c.is_some_and(|c| c.name == f.name));
            let cell = position.map(|p| cells.get(p).copied().unwrap_or("")).filter(|c| !c.is_empty());
            let column = position.map_or("", |p| self.table.header[p].as_str());
            column_of.insert(f.name, column);
            let value = match (cell, self.mapping.default_of(f.name)) {
                (Some(cell), _) => cells::read(f, cell, self.mapping.date_order, self.mapping.words(f.name)),
                (None, Some(value)) => Ok(value.clone()),
                (None, None) if f.required => Err(problem!("required", "is required")),
                (None, None) => continue,
            };
            match value {
                Ok(value) => {
                    let _ = if f.in_profile { &mut profile } else { &mut top }.insert(f.name.to_string(), value);
                }
                Err(p) => problems.push(CellProblem { column: column.to_string(), problem: FieldError::of(f.name, p) }),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        top.insert("profile".into(), Value::Object(profile));
        let registration: Registration = serde_json::from_value(Value::Object(top))
            .map_err(|e| vec![CellProblem { column: String::new(), problem: FieldError::new("", e.to_string()) }])?;
        registration.validate().map_err(|errors| {
            errors
                .into_iter()
                .map(|mut problem| {
                    // `profile.contacts[1]` is the column of `contacts`.
                    let name = problem.field.trim_start_matches("profile.").split('[').next().unwrap_or("").to_string();
                    let column = column_of.get(name.as_str()).copied().unwrap_or("").to_string();
                    problem.field = name;
                    CellProblem { column, problem }
                })
                .collect::<Vec<_>>()
        })?;
        Ok(registration)
    }
}

impl Iterator for Reader {
    type Item = CaseloadRow;

    fn next(&mut self) -> Option<CaseloadRow> {
        loop {
            let (row, cells) = match self.table.next()? {
                Ok(r) => r,
                Err(p) => {
                    let problem = FieldError::new("", p.problem);
                    return Some(CaseloadRow {
                        row: p.row,
                        registration: Err(vec![CellProblem { column: p.column, problem }]),
                    });
                }
            };
            if cells.iter().all(|c| c.trim().is_empty()) {
                self.table.recycle(cells);
                continue;
            }
            let texts: Vec<&str> = cells.iter().map(str::trim).collect();
            let registration = self.registration(&texts);
            self.table.recycle(cells);
            return Some(CaseloadRow { row, registration });
        }
    }
}

#[cfg(test)]
mod tests;
