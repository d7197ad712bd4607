//! A form as sheets of text cells, before it becomes a workbook.

/// One sheet: named columns and rows of cells (empty cells are empty strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub(crate) fn new(name: &'static str, columns: Vec<String>) -> Self {
        Sheet { name, columns, rows: Vec::new() }
    }

    /// Adds a row from `(column, value)` pairs; columns not named stay empty.
    pub(crate) fn push(&mut self, cells: &[(&str, &str)]) {
        let mut row = vec![String::new(); self.columns.len()];
        for (column, value) in cells {
            let at = self.column(column).unwrap_or_else(|| panic!("sheet {} has no column {column}", self.name));
            row[at] = (*value).to_string();
        }
        self.rows.push(row);
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The row whose `name` column is `name`, as `(column, value)` pairs that are not empty.
    pub fn row_named(&self, name: &str) -> Option<Vec<(&str, &str)>> {
        let at = self.column("name")?;
        let row = self.rows.iter().find(|r| r[at] == name)?;
        Some(
            self.columns
                .iter()
                .zip(row)
                .filter(|(_, v)| !v.is_empty())
                .map(|(c, v)| (c.as_str(), v.as_str()))
                .collect(),
        )
    }
}

/// An XLSForm: the `survey`, `choices` and `settings` sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlsForm {
    pub survey: Sheet,
    pub choices: Sheet,
    pub settings: Sheet,
}

impl XlsForm {
    /// A setting of the form (`form_id`, `form_title`, `version`, ...), when it has one.
    pub fn setting(&self, name: &str) -> Option<&str> {
        let at = self.settings.column(name)?;
        self.settings.rows.first().map(|r| r[at].as_str()).filter(|v| !v.is_empty())
    }
}
