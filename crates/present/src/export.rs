//! An export written as the field's spreadsheets want it: CSV files in a zip (one per part) or
//! an XLSX workbook (one sheet per part), from the pages `homeward_service::exports` reads.
//!
//! Rows are flattened (an object's fields become `profile.province`, a list of values one cell
//! separated by `; `) and kept in a temporary file per part until the export ends, so the
//! columns are every field any row has (nothing is left off for being rare) and memory stays
//! flat whatever the size. A coded column (a status, a sex, a record's choice) is followed by
//! its label in the user's language. A CSV cell a spreadsheet would run as a formula (`=`, `+`,
//! `-`, `@`) is neutralised with a leading `'`; an XLSX cell is always written as text, which a
//! spreadsheet never runs. The workbook prints as a report (A4 landscape, one page wide, the
//! header on every page) and starts with an About sheet: who exported what, when, and what the
//! user's role left out.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};

use homeward_domain::records::RecordKind;
use homeward_service::exports::{ExportPage, ExportSummary, Part};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde_json::Value;

use crate::i18n::Catalogue;

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    CsvZip,
}

impl ExportFormat {
    /// `xlsx` or `zip` (CSV files), as a file's extension or a query names it.
    pub fn from_name(name: &str) -> Option<ExportFormat> {
        match name {
            "xlsx" => Some(ExportFormat::Xlsx),
            "zip" | "csv" => Some(ExportFormat::CsvZip),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::CsvZip => "zip",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::CsvZip => "application/zip",
        }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("export: {0}")]
    Io(#[from] std::io::Error),
    #[error("export: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("export: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("export: {0}")]
    Csv(#[from] csv::Error),
}

/// One part being gathered: its rows (flattened, one JSON object per line) and its columns in
/// the order first met.
struct Gathered {
    part: Part,
    rows: BufWriter<File>,
    path: std::path::PathBuf,
    columns: Vec<String>,
    known: HashMap<String, usize>,
    count: usize,
}

/// An export being gathered, page by page.
pub struct Export {
    _dir: tempfile::TempDir,
    parts: Vec<Gathered>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export").field("parts", &self.parts.len()).finish_non_exhaustive()
    }
}

impl Export {
    /// An export of `parts` (in this order), gathered in a temporary folder.
    pub fn new(parts: &[Part]) -> Result<Export, ExportError> {
        let dir = tempfile::tempdir()?;
        let mut gathered = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let path = dir.path().join(format!("{i}.jsonl"));
            let rows = BufWriter::new(File::create(&path)?);
            gathered.push(Gathered {
                part: part.clone(),
                rows,
                path,
                columns: Vec::new(),
                known: HashMap::new(),
                count: 0,
            });
        }
        Ok(Export { _dir: dir, parts: gathered })
    }

    /// Adds a page's rows to their parts.
    pub fn add(&mut self, page: ExportPage) -> Result<(), ExportError> {
        for (part, rows) in page.parts {
            let Some(g) = self.parts.iter_mut().find(|g| g.part == part) else { continue };
            let mut flat = Vec::new();
            let mut line: Vec<(usize, String)> = Vec::new();
            for row in rows {
                flat.clear();
                flatten("", &row, &mut flat);
                line.clear();
                // Kept as (column, cell) pairs: the column's number, not its name, on each line.
                for (key, cell) in flat.drain(..) {
                    let column = match g.known.get(&key) {
                        Some(c) => *c,
                        None => {
                            g.known.insert(key.clone(), g.columns.len());
                            g.columns.push(key);
                            g.columns.len() - 1
                        }
                    };
                    line.push((column, cell));
                }
                serde_json::to_writer(&mut g.rows, &line)?;
                g.rows.write_all(b"\n")?;
                g.count += 1;
            }
        }
        Ok(())
    }

    /// Writes the export to `out` in `format`, labels in `t`'s language.
    pub fn finish(
        mut self,
        format: ExportFormat,
        t: &Catalogue,
        summary: &ExportSummary,
        about: &About,
        out: File,
    ) -> Result<(), ExportError> {
        for g in &mut self.parts {
            g.rows.flush()?;
        }
        match format {
            ExportFormat::CsvZip => self.write_zip(t, summary, about, out),
            ExportFormat::Xlsx => self.write_xlsx(t, summary, about, out, ROWS_PER_SHEET),
        }
    }

    fn write_zip(&self, t: &Catalogue, summary: &ExportSummary, about: &About, out: File) -> Result<(), ExportError> {
        let mut zip = zip::ZipWriter::new(BufWriter::new(out));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("README.txt", options)?;
        zip.write_all(about_lines(t, summary, about).join("\n").as_bytes())?;
        for g in &self.parts {
            zip.start_file(format!("{}.csv", g.part.name()), options)?;
            let mut csv = csv::WriterBuilder::new().from_writer(&mut zip);
            let columns = with_labels(&g.part, &g.columns);
            csv.write_record(columns.iter().map(|c| c.header.as_str()))?;
            for row in rows_of(g)? {
                let row = row?;
                csv.write_record(columns.iter().map(|c| neutralised(&c.cell(t, &row)).into_owned()))?;
            }
            csv.flush()?;
        }
        zip.finish()?;
        Ok(())
    }

    fn write_xlsx(
        &self,
        t: &Catalogue,
        summary: &ExportSummary,
        about: &About,
        out: File,
        rows_per_sheet: usize,
    ) -> Result<(), ExportError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold().set_text_wrap();
        let mut used = Vec::new();
        {
            let ws = book.add_worksheet_with_constant_memory()?;
            ws.set_name(sheet_name(t.get("export_about"), &mut used))?;
            ws.set_column_width(0, 110)?;
            for (r, line) in about_lines(t, summary, about).iter().enumerate() {
                ws.write_string(r as u32, 0, line)?;
            }
        }
        for g in &self.parts {
            let title = t.named("export", &g.part.name()).to_string();
            let columns = with_labels(&g.part, &g.columns);
            // A part longer than a sheet holds goes on in the next one ("Consents 2"), each
            // with its header.
            let mut sheet = None;
            for (r, row) in rows_of(g)?.enumerate() {
                let row = row?;
                let at = (r % rows_per_sheet) as u32 + 1;
                if at == 1 {
                    sheet = Some(part_sheet(&mut book, &title, &columns, t, &bold, &mut used)?);
                }
                let Some(index) = sheet else { continue };
                let ws = book.worksheet_from_index(index)?;
                for (c, column) in columns.iter().enumerate() {
                    let cell = column.cell(t, &row);
                    if !cell.is_empty() {
                        // Text, never a formula, whatever it starts with.
                        ws.write_string(at, c as u16, &cell)?;
                    }
                }
            }
            if sheet.is_none() {
                part_sheet(&mut book, &title, &columns, t, &bold, &mut used)?;
            }
        }
        print_setup(&mut book)?;
        book.save_to_writer(BufWriter::new(out))?;
        Ok(())
    }
}

/// The rows of a part a sheet holds under its header (Excel's limit is 1,048,576 rows).
const ROWS_PER_SHEET: usize = 1_048_575;

/// A new sheet for a part, named after it, with its header row; its index in the workbook.
fn part_sheet(
    book: &mut Workbook,
    title: &str,
    columns: &[Column],
    t: &Catalogue,
    bold: &Format,
    used: &mut Vec<String>,
) -> Result<usize, XlsxError> {
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet_name(title, used))?;
    for (c, column) in columns.iter().enumerate() {
        ws.set_column_width(c as u16, 16)?;
        ws.write_string_with_format(0, c as u16, column.title(t), bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(book.worksheets_mut().len() - 1)
}

/// Who exported what, when, and what was left out: the About sheet, the zip's README.
#[derive(Debug, Clone)]
pub struct About {
    pub exported_by: String,
    pub exported_at: String,
}

fn about_lines(t: &Catalogue, summary: &ExportSummary, about: &About) -> Vec<String> {
    let mut lines = vec![
        t.get("export_title").to_string(),
        format!("{}: {}", t.get("export_by"), about.exported_by),
        format!("{}: {}", t.get("export_at"), about.exported_at),
        format!("{}: {}", t.get("export_cases"), summary.cases),
        String::new(),
        t.get("export_parts").to_string(),
    ];
    for part in &summary.parts {
        lines.push(format!("  {} ({}.csv)", t.named("export", &part.name()), part.name()));
    }
    if !summary.left_out.is_empty() {
        lines.push(String::new());
        lines.push(t.get("export_left_out").to_string());
        lines.extend(summary.left_out.iter().map(|l| format!("  {}", t.problem(l))));
    }
    lines
}

/// A column written: a field of the rows, or the label of a coded field.
struct Column {
    field: String,
    /// The field's number among the part's gathered columns (`None`: no row has it).
    index: Option<usize>,
    header: String,
    /// For a label column: the messages' prefix (`status`, `sex`) of the codes it names, and the
    /// labels found so far by code.
    labels: Option<(String, std::cell::RefCell<HashMap<String, String>>)>,
}

impl Column {
    fn new(field: &str, index: Option<usize>, header: String, labels: Option<String>) -> Column {
        let labels = labels.map(|prefix| (prefix, std::cell::RefCell::new(HashMap::new())));
        Column { field: field.to_string(), index, header, labels }
    }

    fn cell(&self, t: &Catalogue, row: &[Option<String>]) -> String {
        let value = self.index.and_then(|i| row.get(i)).and_then(Option::as_deref).unwrap_or("");
        match &self.labels {
            Some((prefix, known)) if !value.is_empty() => known
                .borrow_mut()
                .entry(value.to_string())
                .or_insert_with(|| value.split("; ").map(|code| t.named(prefix, code)).collect::<Vec<_>>().join("; "))
                .clone(),
            Some(_) => String::new(),
            None => value.to_string(),
        }
    }

    /// The sheet's header: the field's label in the user's language, its code beside it.
    fn title(&self, t: &Catalogue) -> String {
        let key = format!("f_{}", self.field.replace('.', "_"));
        let label = if t.has(&key) { t.get(&key).to_string() } else { self.field.replace(['.', '_'], " ") };
        match &self.labels {
            Some(_) => format!("{label} ({})", t.get("export_label")),
            None => format!("{label}\n{}", self.field),
        }
    }
}

/// The columns that say which row it is, first (the others keep their order: by name).
const FIRST: &[&str] = &["id", "case_id", "case_number", "plan_id", "component", "given_name", "family_name"];

/// The fields' numbers in the order they are written.
fn ordered(fields: &[String]) -> Vec<usize> {
    let mut ordered: Vec<usize> = (0..fields.len()).collect();
    ordered.sort_by_key(|i| FIRST.iter().position(|first| *first == fields[*i]).unwrap_or(FIRST.len()));
    ordered
}

/// The part's columns, each coded one followed by its label column.
fn with_labels(part: &Part, fields: &[String]) -> Vec<Column> {
    let mut columns = Vec::with_capacity(fields.len() + 4);
    if fields.is_empty() {
        // No row: the columns that would name one, so an empty part still reads as a table.
        let names: &[&str] = if *part == Part::Cases { &["id"] } else { &["id", "case_id"] };
        return names.iter().map(|n| Column::new(n, None, n.to_string(), None)).collect();
    }
    for i in ordered(fields) {
        let field = &fields[i];
        columns.push(Column::new(field, Some(i), field.clone(), None));
        if let Some(prefix) = label_prefix(part, field) {
            columns.push(Column::new(field, Some(i), format!("{field}_label"), Some(prefix)));
        }
    }
    columns
}

/// The prefix of the messages that name a coded field's values, if it is coded.
fn label_prefix(part: &Part, field: &str) -> Option<String> {
    let fixed = match (part, field) {
        (Part::Cases, "status") | (Part::Packets, "case_status") => Some("status"),
        (Part::Cases, "sex") | (Part::Packets, "sex") => Some("sex"),
        (Part::Cases, "latest_band") => Some("band"),
        (Part::Surveys, band) if band.ends_with("_band") => Some("band"),
        (Part::Surveys, "phase") => Some("phase"),
        (Part::Records(RecordKind::Consent), "purpose") => Some("purpose"),
        (Part::Records(RecordKind::Consent), "method") => Some("method"),
        (Part::Records(RecordKind::FollowUp), "mode") => Some("mode"),
        (Part::Records(RecordKind::FollowUp), "kind") => Some("kind"),
        (Part::PlanComponents, "dimension") => Some("dimension"),
        (Part::PlanComponents, "level") => Some("level"),
        (Part::PlanComponents, "modality") => Some("plan_modality"),
        (Part::Referrals | Part::Packets, "state") => Some("referral_state"),
        (Part::Plans, "state") => Some("plan_state"),
        _ => None,
    };
    if let Some(prefix) = fixed {
        return Some(prefix.to_string());
    }
    let Part::Records(kind) = part else { return None };
    let form = crate::forms::all().iter().find(|f| f.kind() == Some(*kind))?;
    let def = form.fields.iter().find(|d| d.name == field)?;
    matches!(def.kind, crate::forms::FieldType::Choice | crate::forms::FieldType::Choices).then(|| def.labels.clone())
}

/// The gathered rows of a part, read back one at a time, each as its cells by column number.
fn rows_of(g: &Gathered) -> Result<impl Iterator<Item = Result<Vec<Option<String>>, ExportError>>, ExportError> {
    let width = g.columns.len();
    let lines = BufReader::new(File::open(&g.path)?).lines();
    Ok(lines.map(move |line| {
        let pairs: Vec<(usize, String)> = serde_json::from_str(&line?)?;
        let mut row = vec![None; width];
        for (column, cell) in pairs {
            if let Some(slot) = row.get_mut(column) {
                *slot = Some(cell);
            }
        }
        Ok(row)
    }))
}

/// `value` flattened into `out` as text cells: objects by dotted keys, a list of plain values
/// as one cell (`a; b`), a list of objects as its JSON.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            if !items.is_empty() {
                let cell: Vec<String> = items.iter().filter_map(text).collect();
                out.push((prefix.to_string(), cell.join("; ")));
            }
        }
        Value::Array(_) => out.push((prefix.to_string(), value.to_string())),
        plain => {
            if let Some(cell) = text(plain) {
                out.push((prefix.to_string(), cell));
            }
        }
    }
}

/// A CSV cell a spreadsheet would run as a formula, made plain text with a leading `'` (OWASP's
/// advice for CSV injection). A plain negative number stays a number.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain_number = cell.starts_with('-') && cell[1..].parse::<f64>().is_ok();
    if starts_formula && !plain_number { format!("'{cell}").into() } else { cell.into() }
}

/// How every sheet prints, so that a printed or PDF-converted workbook reads as a report: A4
/// landscape, as wide as one page (as long as it takes), the first row (the header) on every
/// page, and the sheet's name and page numbers in the footer.
pub fn print_setup(book: &mut Workbook) -> Result<(), XlsxError> {
    for ws in book.worksheets_mut() {
        ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_footer("&L&A&R&P / &N");
        ws.set_repeat_rows(0, 0)?;
    }
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(text: &str, used: &mut Vec<String>) -> String {
    let clean: String = text.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    let mut name = clean.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{clean} {n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

/// Produces the caller's export in `format`, labels in `t`'s language: read through
/// `homeward_service::exports` (need-to-know and audit), gathered in temporary files, written
/// into an anonymous temporary file (gone once closed), rewound and returned with what it held.
pub async fn produce(
    state: &homeward_service::Services,
    caller: &homeward_service::Caller,
    format: ExportFormat,
    t: &'static Catalogue,
) -> homeward_service::Result<(File, ExportSummary)> {
    use std::io::Seek;
    let internal = |e: ExportError| homeward_service::ServiceError::Internal(e.to_string());
    let plan = homeward_service::exports::plan(caller);
    let mut export = Export::new(&plan.parts).map_err(internal)?;
    let summary =
        homeward_service::exports::export(state, caller, |page| export.add(page).map_err(|e| e.to_string())).await?;
    let about = About {
        exported_by: caller.username.clone(),
        exported_at: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
    };
    let written = summary.clone();
    // Writing a workbook of a whole caseload is long work for a CPU: off the async threads.
    let file = tokio::task::spawn_blocking(move || -> Result<File, ExportError> {
        let mut file = tempfile::tempfile()?;
        export.finish(format, t, &written, &about, file.try_clone()?)?;
        file.rewind()?;
        Ok(file)
    })
    .await
    .map_err(|e| homeward_service::ServiceError::Internal(format!("export: {e}")))?
    .map_err(internal)?;
    Ok((file, summary))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn rows_are_flattened_into_text_cells() {
        let mut out = Vec::new();
        let row = serde_json::json!({
            "id": "c1", "age": 31, "open": true, "gone": null,
            "profile": {"province": "Dakar", "languages": ["wolof", "français"]},
            "history": [{"state": "sent"}], "none": []
        });
        flatten("", &row, &mut out);
        let cells: BTreeMap<String, String> = out.into_iter().collect();
        let expected: BTreeMap<String, String> = [
            ("id", "c1"),
            ("age", "31"),
            ("open", "yes"),
            ("profile.province", "Dakar"),
            ("profile.languages", "wolof; français"),
            ("history", r#"[{"state":"sent"}]"#),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(cells, expected, "a null and an empty list are no cell");
    }

    #[test]
    fn the_columns_that_say_which_row_it_is_come_first() {
        let fields: Vec<String> =
            ["age", "case_id", "family_name", "id", "case_number", "status"].map(String::from).to_vec();
        let ordered: Vec<&str> = ordered(&fields).into_iter().map(|i| fields[i].as_str()).collect();
        assert_eq!(ordered, ["id", "case_id", "case_number", "family_name", "age", "status"]);
    }

    #[test]
    fn a_part_longer_than_a_sheet_goes_on_in_the_next_sheet_with_its_header() {
        let mut export = Export::new(&[Part::Cases]).unwrap();
        let rows = (0..5).map(|i| serde_json::json!({"id": format!("c{i}")})).collect();
        export.add(ExportPage { parts: vec![(Part::Cases, rows)] }).unwrap();
        for g in &mut export.parts {
            g.rows.flush().unwrap();
        }
        let t = crate::i18n::catalogue("fr");
        let summary = ExportSummary { cases: 5, parts: vec![Part::Cases], left_out: vec![] };
        let about = About { exported_by: "fatou".into(), exported_at: "now".into() };
        let mut file = tempfile::tempfile().unwrap();
        export.write_xlsx(t, &summary, &about, file.try_clone().unwrap(), 2).unwrap();
        use std::io::Seek;
        file.rewind().unwrap();
        let mut book = zip::ZipArchive::new(file).unwrap();
        let mut names = String::new();
        std::io::Read::read_to_string(&mut book.by_name("xl/workbook.xml").unwrap(), &mut names).unwrap();
        for sheet in ["À propos de cet export", "Dossiers", "Dossiers 2", "Dossiers 3"] {
            assert!(names.contains(&format!("name=\"{sheet}\"")), "{sheet}: {names}");
        }
        assert!(!names.contains("Dossiers 4"), "five rows, two a sheet: three sheets");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised_and_numbers_are_not() {
        assert_eq!(neutralised("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(neutralised("+221 77 000 00 00"), "'+221 77 000 00 00");
        assert_eq!(neutralised("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralised("-3.5"), "-3.5");
        assert_eq!(neutralised("-1+1"), "'-1+1");
        assert_eq!(neutralised("Aminata"), "Aminata");
    }
}
