//! A table of observations, column by column, read from text cells (a CSV file, a database
//! export). A column is numeric when every cell that is not missing reads as a finite number;
//! any other value makes it categorical, as the issue's `analyze` commands promise.

use std::collections::BTreeMap;

/// Cells that mean "no value". Unlike pandas' defaults, `None` and `null` are not among them:
/// `None` is a programme type ("no assistance") that analyses take as a reference level.
pub const MISSING: &[&str] = &["", "NA", "N/A", "n/a", "NaN", "nan", "#N/A"];

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Numeric(Vec<Option<f64>>),
    /// Each cell an index into `levels` (sorted, as a default reference level is the first).
    Categorical {
        codes: Vec<Option<u32>>,
        levels: Vec<String>,
    },
}

/// Whether a cell means "no value".
pub fn is_missing(cell: &str) -> bool {
    MISSING.contains(&cell.trim())
}

/// Whether a cell can sit in a numeric column (a finite number, or missing).
pub fn fits_numeric(cell: &str) -> bool {
    is_missing(cell) || cell.trim().parse::<f64>().is_ok_and(f64::is_finite)
}

/// Builds a column cell by cell, for files too large to hold as text: a first pass decides with
/// [`fits_numeric`] which columns are numeric, a second pushes the cells here.
#[derive(Debug)]
pub enum ColumnBuilder {
    Numeric(Vec<Option<f64>>),
    Categorical { codes: Vec<Option<u32>>, index: std::collections::HashMap<String, u32>, levels: Vec<String> },
}

impl ColumnBuilder {
    pub fn new(numeric: bool) -> ColumnBuilder {
        if numeric {
            ColumnBuilder::Numeric(vec![])
        } else {
            ColumnBuilder::Categorical { codes: vec![], index: Default::default(), levels: vec![] }
        }
    }

    /// Pushes a cell; `false` (and nothing pushed) when a numeric column meets a cell that is
    /// not a number, so the caller can read that column again as categorical.
    pub fn push_checked(&mut self, cell: &str) -> bool {
        if let ColumnBuilder::Numeric(v) = self {
            let cell = cell.trim();
            if is_missing(cell) {
                v.push(None);
                return true;
            }
            return match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    v.push(Some(x));
                    true
                }
                _ => false,
            };
        }
        self.push(cell);
        true
    }

    pub fn push(&mut self, cell: &str) {
        let cell = cell.trim();
        match self {
            ColumnBuilder::Numeric(v) => v.push(if is_missing(cell) { None } else { cell.parse().ok() }),
            ColumnBuilder::Categorical { codes, index, levels } => {
                if is_missing(cell) {
                    codes.push(None);
                    return;
                }
                // Few levels (sex, phase, country): comparing them beats hashing the cell.
                let known = if levels.len() <= 16 {
                    levels.iter().position(|l| l == cell).map(|c| c as u32)
                } else {
                    index.get(cell).copied()
                };
                let code = match known {
                    Some(c) => c,
                    None => {
                        let c = levels.len() as u32;
                        index.insert(cell.to_string(), c);
                        levels.push(cell.to_string());
                        c
                    }
                };
                codes.push(Some(code));
            }
        }
    }

    /// The column, its levels in sorted order.
    pub fn finish(self) -> Column {
        match self {
            ColumnBuilder::Numeric(v) => Column::Numeric(v),
            ColumnBuilder::Categorical { codes, levels, .. } => {
                let mut order: Vec<usize> = (0..levels.len()).collect();
                order.sort_by(|a, b| levels[*a].cmp(&levels[*b]));
                let mut rank = vec![0u32; levels.len()];
                for (r, &old) in order.iter().enumerate() {
                    rank[old] = r as u32;
                }
                let sorted = order.iter().map(|&i| levels[i].clone()).collect();
                Column::Categorical {
                    codes: codes.into_iter().map(|c| c.map(|c| rank[c as usize])).collect(),
                    levels: sorted,
                }
            }
        }
    }
}

impl Column {
    /// Reads text cells: numeric if every present cell is a finite number, else categorical.
    pub fn from_text<'a>(cells: impl IntoIterator<Item = &'a str> + Clone) -> Column {
        let present = |c: &str| !MISSING.contains(&c.trim());
        let numeric =
            cells.clone().into_iter().filter(|c| present(c)).all(|c| c.trim().parse::<f64>().is_ok_and(f64::is_finite));
        if numeric {
            return Column::Numeric(
                cells.into_iter().map(|c| if present(c) { c.trim().parse().ok() } else { None }).collect(),
            );
        }
        let mut levels: Vec<String> =
            cells.clone().into_iter().filter(|c| present(c)).map(|c| c.trim().to_string()).collect();
        levels.sort();
        levels.dedup();
        let index: BTreeMap<&str, u32> = levels.iter().enumerate().map(|(i, l)| (l.as_str(), i as u32)).collect();
        let codes = cells.into_iter().map(|c| index.get(c.trim()).copied()).collect();
        Column::Categorical { codes, levels }
    }

    /// A categorical column from names taken as they are (so `NA`, Namibia, is a level, not a
    /// missing value); `None` is missing. Levels in sorted order.
    pub fn categorical<S: AsRef<str>>(values: &[Option<S>]) -> Column {
        let mut levels: Vec<String> = values.iter().flatten().map(|v| v.as_ref().to_string()).collect();
        levels.sort();
        levels.dedup();
        let index: BTreeMap<&str, u32> = levels.iter().enumerate().map(|(i, l)| (l.as_str(), i as u32)).collect();
        let codes = values.iter().map(|v| v.as_ref().map(|v| index[v.as_ref()])).collect();
        Column::Categorical { codes, levels }
    }

    /// The cells of `rows`, in that order.
    fn select(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(rows.iter().map(|&i| v[i]).collect()),
            Column::Categorical { codes, levels } => {
                Column::Categorical { codes: rows.iter().map(|&i| codes[i]).collect(), levels: levels.clone() }
            }
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `i` has a value.
    pub fn present(&self, i: usize) -> bool {
        match self {
            Column::Numeric(v) => v[i].is_some(),
            Column::Categorical { codes, .. } => codes[i].is_some(),
        }
    }

    /// Row `i` as text (a category's name, a number as read back), `None` when missing.
    pub fn text(&self, i: usize) -> Option<String> {
        match self {
            Column::Numeric(v) => v[i].map(|x| x.to_string()),
            Column::Categorical { codes, levels } => codes[i].map(|c| levels[c as usize].clone()),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frame {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

/// A problem with the table itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("row {row} has {found} cells; the header has {expected}")]
    Ragged { row: usize, expected: usize, found: usize },
    #[error("the column `{0}` appears twice in the header")]
    DuplicateColumn(String),
    #[error("there is no column `{name}`; the columns are: {known}")]
    NoColumn { name: String, known: String },
    #[error("`{0}` is not numeric, so it cannot be cut into bins")]
    NotNumeric(String),
    #[error("the bins of `{0}` need at least one edge, in increasing order")]
    BadEdges(String),
}

impl Frame {
    /// A frame from a header and rows of text cells (row numbers in errors count the header as 1).
    pub fn from_rows(header: &[String], rows: &[Vec<String>]) -> Result<Frame, FrameError> {
        for (i, name) in header.iter().enumerate() {
            if header[..i].contains(name) {
                return Err(FrameError::DuplicateColumn(name.clone()));
            }
        }
        for (i, row) in rows.iter().enumerate() {
            if row.len() != header.len() {
                return Err(FrameError::Ragged { row: i + 2, expected: header.len(), found: row.len() });
            }
        }
        let columns =
            (0..header.len()).map(|c| Column::from_text(rows.iter().map(move |r| r[c].as_str()))).collect::<Vec<_>>();
        Ok(Frame { names: header.to_vec(), columns, rows: rows.len() })
    }

    /// A frame from columns built elsewhere (all the same length).
    pub fn from_columns(columns: Vec<(String, Column)>) -> Frame {
        let rows = columns.first().map_or(0, |(_, c)| c.len());
        let (names, columns) = columns.into_iter().unzip();
        Frame { names, columns, rows }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The frame of `rows` only, in that order (levels kept, so codes still mean the same).
    pub fn select(&self, rows: &[usize]) -> Frame {
        Frame {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.select(rows)).collect(),
            rows: rows.len(),
        }
    }

    /// The frame with column `name` replaced by `column` (of the same length), or added.
    pub fn with_column(mut self, name: &str, column: Column) -> Frame {
        assert_eq!(column.len(), self.rows, "a column of {} cells for a frame of {} rows", column.len(), self.rows);
        match self.names.iter().position(|n| n == name) {
            Some(at) => self.columns[at] = column,
            None => {
                self.names.push(name.to_string());
                self.columns.push(column);
            }
        }
        self
    }

    /// The column called `name`, or an error listing the columns there are.
    pub fn column(&self, name: &str) -> Result<&Column, FrameError> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
            .ok_or_else(|| FrameError::NoColumn { name: name.to_string(), known: self.names.join(", ") })
    }
}

impl Frame {
    /// The frame with numeric column `name` cut at `edges` into groups named `<18`, `18-24`,
    /// ..., `50+` (each from one edge up to the next, excluded), in that order. Takes the frame,
    /// so only the one column is rebuilt, not every other copied.
    pub fn binned(mut self, name: &str, edges: &[f64]) -> Result<Frame, FrameError> {
        let Column::Numeric(values) = self.column(name)? else { return Err(FrameError::NotNumeric(name.to_string())) };
        if edges.is_empty() || edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(FrameError::BadEdges(name.to_string()));
        }
        let show = |x: f64| if x.fract() == 0.0 { format!("{x:.0}") } else { x.to_string() };
        let mut levels = vec![format!("<{}", show(edges[0]))];
        for w in edges.windows(2) {
            // Whole-number edges read as ages and months do: 18-24 for [18, 25).
            let upper = if w[0].fract() == 0.0 && w[1].fract() == 0.0 { show(w[1] - 1.0) } else { show(w[1]) };
            levels.push(format!("{}-{upper}", show(w[0])));
        }
        levels.push(format!("{}+", show(edges[edges.len() - 1])));
        let codes = values.iter().map(|v| v.map(|x| edges.iter().filter(|e| x >= **e).count() as u32)).collect();
        let at = self.names.iter().position(|n| n == name).expect("found above");
        self.columns[at] = Column::Categorical { codes, levels };
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_given_as_they_are_keep_na_as_a_country_and_a_selection_keeps_the_levels() {
        let countries = Column::categorical(&[Some("SN"), Some("NA"), None, Some("SN")]);
        assert_eq!(
            countries,
            Column::Categorical {
                codes: vec![Some(1), Some(0), None, Some(1)],
                levels: vec!["NA".into(), "SN".into()]
            }
        );
        let frame = Frame::from_columns(vec![
            ("country".into(), countries),
            ("x".into(), Column::Numeric(vec![Some(1.0), None, Some(3.0), Some(4.0)])),
        ]);
        let picked = frame.select(&[3, 0]);
        assert_eq!(picked.rows(), 2);
        assert_eq!(picked.column("country").unwrap().text(0).as_deref(), Some("SN"));
        assert_eq!(picked.column("x").unwrap(), &Column::Numeric(vec![Some(4.0), Some(1.0)]));
    }

    #[test]
    fn one_word_among_numbers_makes_a_column_categorical_and_missing_cells_stay_missing() {
        assert_eq!(Column::from_text(["1", " 2.5", "", "NA"]), Column::Numeric(vec![Some(1.0), Some(2.5), None, None]));
        assert_eq!(
            Column::from_text(["b", "1", "", "a", "b"]),
            Column::Categorical {
                codes: vec![Some(2), Some(0), None, Some(1), Some(2)],
                levels: vec!["1".into(), "a".into(), "b".into()]
            }
        );
        assert!(matches!(Column::from_text(["1", "inf"]), Column::Categorical { .. }), "infinity is not a score");
    }

    #[test]
    fn numbers_are_cut_into_named_bins_in_their_order() {
        let header = vec!["age".to_string()];
        let rows: Vec<Vec<String>> =
            ["12", "18", "24", "25", "49", "50", "80", ""].iter().map(|v| vec![v.to_string()]).collect();
        let f = Frame::from_rows(&header, &rows).unwrap().binned("age", &[18.0, 25.0, 50.0]).unwrap();
        let column = f.column("age").unwrap();
        let labels: Vec<Option<String>> = (0..8).map(|i| column.text(i)).collect();
        let l = |s: &str| Some(s.to_string());
        assert_eq!(labels, [l("<18"), l("18-24"), l("18-24"), l("25-49"), l("25-49"), l("50+"), l("50+"), None]);
        assert_eq!(f.binned("age", &[]).unwrap_err(), FrameError::NotNumeric("age".into()), "already cut");
        let raw = Frame::from_rows(&header, &rows).unwrap();
        assert_eq!(raw.binned("age", &[30.0, 20.0]).unwrap_err(), FrameError::BadEdges("age".into()));
    }

    #[test]
    fn a_column_built_cell_by_cell_equals_one_read_whole() {
        let cells = ["b", "1", "", "a", "b", "NA"];
        let numeric = cells.iter().all(|c| fits_numeric(c));
        let mut builder = ColumnBuilder::new(numeric);
        for c in cells {
            builder.push(c);
        }
        assert_eq!(builder.finish(), Column::from_text(cells));
        let numbers = ["1", " 2", "NA"];
        let mut builder = ColumnBuilder::new(numbers.iter().all(|c| fits_numeric(c)));
        numbers.iter().for_each(|c| builder.push(c));
        assert_eq!(builder.finish(), Column::from_text(numbers));
    }

    #[test]
    fn ragged_rows_and_unknown_columns_are_named() {
        let header = vec!["a".to_string(), "b".to_string()];
        let e = Frame::from_rows(&header, &[vec!["1".into(), "2".into()], vec!["3".into()]]).unwrap_err();
        assert_eq!(e.to_string(), "row 3 has 1 cells; the header has 2");
        let frame = Frame::from_rows(&header, &[vec!["1".into(), "x".into()]]).unwrap();
        assert_eq!(frame.column("c").unwrap_err().to_string(), "there is no column `c`; the columns are: a, b");
        let twice = vec!["a".to_string(), "a".to_string()];
        assert_eq!(Frame::from_rows(&twice, &[]).unwrap_err(), FrameError::DuplicateColumn("a".into()));
    }
}
