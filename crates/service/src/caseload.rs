//! Importing a caseload kept in a spreadsheet, as explicit stages ending in one report: each row
//! read as a registration (`homeward_caseload`), then a thousand rows at a time the possible
//! duplicates of the whole chunk looked up at once (preheat), each row checked as the registration
//! form checks it (validate), and the cases created (persist).
//!
//! All or nothing: a caseload with a refused row creates no case until the row is mended (or,
//! with `partial`, the good rows are kept); every row is checked before any case is created, and
//! the cases are then created twenty chunks to a transaction ([`import_streamed`]). The
//! real run makes the same report a dry run makes, on the same pass that writes, so it creates
//! only what its report says. A possible duplicate (of an existing case, or of an earlier row of
//! the file) is not created unless the user confirms, row by row, that it is another person, as
//! on the registration form; importing the same file twice therefore creates nothing the
//! second time.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::Datelike;
/// A caseload file's rows as registrations.
pub use homeward_caseload::Reader;
use homeward_caseload::{CaseloadError, CaseloadRow, Mapping};
use homeward_domain::access::Permission;
use homeward_domain::returnee::{Registration, case_number};
use homeward_domain::validate::FieldError;
use homeward_store::audit as store_audit;
use homeward_store::frames::CaseRow;
use homeward_store::query::cases;
use homeward_store::{new_id, now};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::duplicates::{self, PossibleDuplicate};
use crate::error::{Result, ServiceError};

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A case was created (or, in a dry run or an import that created nothing, would be).
    Created,
    /// Not created: it may be the person of an existing case or of an earlier row.
    PossibleDuplicate,
    /// Not created: `problems` say which columns and why.
    Refused,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::PossibleDuplicate => "possible_duplicate",
            Outcome::Refused => "refused",
        }
    }
}

/// One problem of a refused row: the column as the file heads it (empty for the row as a whole
/// or a value from the mapping file) and the problem, naming its field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CellReport {
    pub column: String,
    pub problem: FieldError,
}

/// One row of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowReport {
    /// The row in the file (the header is row 1).
    pub row: usize,
    pub outcome: Outcome,
    /// The returnee's name as the row gives it.
    pub name: Option<String>,
    /// The case created (none in a dry run).
    pub case_id: Option<String>,
    pub case_number: Option<String>,
    /// The existing cases it may be the person of.
    pub duplicates: Vec<PossibleDuplicate>,
    /// The earlier row of the file with the same names.
    pub same_as_row: Option<usize>,
    /// Created although possible duplicates were found: the user confirmed another person.
    pub confirmed_another_person: bool,
    pub problems: Vec<CellReport>,
}

/// Which field a column of the file gives.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ColumnMatch {
    pub header: String,
    /// The registration's field (`None`: the column is not used).
    pub field: Option<String>,
}

/// What an import of a caseload did (or, dry, would do), with every row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseloadReport {
    pub dry_run: bool,
    /// Keep the good rows when others are refused (otherwise nothing is created).
    pub partial: bool,
    /// Whether the cases of the `created` rows exist now: false for a dry run, and for an import
    /// with a refused row and without `partial`.
    pub stored: bool,
    pub columns: Vec<ColumnMatch>,
    pub counts: CaseloadCounts,
    pub rows: Vec<RowReport>,
}

impl CaseloadReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.counts.of(outcome)
    }
}

/// What an import did, without its rows: they went one by one to the caller
/// ([`import_streamed`]).
#[derive(Debug, Clone)]
pub struct CaseloadSummary {
    pub dry_run: bool,
    pub partial: bool,
    /// As [`CaseloadReport::stored`]: when false, the case ids the created rows were given do
    /// not exist.
    pub stored: bool,
    pub columns: Vec<ColumnMatch>,
    pub counts: CaseloadCounts,
}

/// How many rows of an import had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct CaseloadCounts {
    pub created: usize,
    pub possible_duplicate: usize,
    pub refused: usize,
}

impl CaseloadCounts {
    pub fn of(&self, outcome: Outcome) -> usize {
        match outcome {
            Outcome::Created => self.created,
            Outcome::PossibleDuplicate => self.possible_duplicate,
            Outcome::Refused => self.refused,
        }
    }

    /// Every row counted.
    pub fn rows(&self) -> usize {
        self.created + self.possible_duplicate + self.refused
    }

    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::PossibleDuplicate => self.possible_duplicate += 1,
            Outcome::Refused => self.refused += 1,
        }
    }
}

/// How the import goes.
#[derive(Debug, Clone, Default)]
pub struct CaseloadOptions {
    /// Store nothing: report what the import would do.
    pub dry_run: bool,
    /// Create the good rows even when others are refused.
    pub partial: bool,
    /// Rows shown as possible duplicates that the user confirmed are other people: created,
    /// and the confirmation audited against each case shown.
    pub another_person: BTreeSet<usize>,
}

/// Opens a caseload file with its mapping file (if any); the caller's office is every row's
/// office when the sheet has no office column. A file or mapping that cannot be used answers
/// 422 on its field, saying why.
pub fn open(caller: &Caller, table: homeward_tables::Table, mapping: Option<&str>) -> Result<Reader> {
    let invalid = |field: &str, why: String| ServiceError::invalid(vec![FieldError::new(field, why)]);
    let mapping = match mapping.map(str::trim).filter(|m| !m.is_empty()) {
        Some(text) => Mapping::parse(text).map_err(|e| invalid("mapping", e.to_string()))?,
        None => Mapping::default(),
    };
    let mapping = match &caller.access.office {
        Some(office) => mapping.with_default("office", office),
        None => mapping,
    };
    homeward_caseload::open(table, mapping).map_err(|e| match e {
        CaseloadError::Mapping(_) | CaseloadError::NoSuchColumn { .. } => invalid("mapping", e.to_string()),
        other => invalid("file", other.to_string()),
    })
}

/// Why a file cannot be read as a table, on its `file` field.
pub fn unreadable_file(e: homeward_tables::TableError) -> ServiceError {
    let why = match e {
        homeward_tables::TableError::OldExcel => "this is an old Excel file (.xls): save it as XLSX or CSV".to_string(),
        other => format!("{other}; save the spreadsheet as XLSX or CSV (UTF-8)"),
    };
    ServiceError::invalid(vec![FieldError::new("file", why)])
}

/// How many rows are checked, then created, at a time.
const CHUNK: usize = 1000;

/// How many chunks go in one transaction. One transaction for a file of a million rows grew
/// SQLite's write-ahead log past 3 GB, through which every page the import read was looked up:
/// time grew with the square of the rows. A transaction per chunk wrote the same index pages
/// again at every commit: 78 s for 100,000 rows where twenty chunks a transaction take 52 s and
/// one transaction for all 50 s (`scripts/bench-caseload`, same machine and data).
const COMMIT_EVERY: usize = 20;

/// A caseload file, opened anew for each pass over it: an import that keeps nothing unless
/// every row is good reads the file once to check every row, then again to create the cases.
pub type Source<'a> = &'a (dyn Fn() -> Result<Reader> + Send + Sync);

/// Imports the caseload `source` opens, or with `dry_run` reports what the import would do:
/// the report lists every row (an upload, at most the size a request may have).
pub async fn import(
    state: &Services,
    caller: &Caller,
    source: Source<'_>,
    options: &CaseloadOptions,
) -> Result<CaseloadReport> {
    let mut rows = Vec::new();
    let summary = import_streamed(state, caller, source, options, &mut |row| rows.push(row)).await?;
    let CaseloadSummary { dry_run, partial, stored, columns, counts } = summary;
    Ok(CaseloadReport { dry_run, partial, stored, columns, counts, rows })
}

/// As [`import`], but each row goes to `each_row` in file order once its transaction is
/// committed, and is not kept: a file of a million rows read from disk holds at most one
/// transaction's rows in memory, not its report. What the import remembers of every row is
/// fixed-size: 16 bytes for its names (to find a later row of the same person) and 16 for the
/// case it created.
///
/// The cases are created twenty chunks to a transaction (`COMMIT_EVERY`), each committed
/// with its audit; the duplicates shown are audited after it. An import without `partial`
/// therefore first reads every row to check it (nothing looked up, nothing stored); with a
/// refused row it goes on as a dry run (`stored` false), so nothing is created until the file
/// is mended. Were it stopped half-way (a power cut), the file imported again
/// creates the rest: the cases already created are then its rows' possible duplicates.
pub async fn import_streamed(
    state: &Services,
    caller: &Caller,
    source: Source<'_>,
    options: &CaseloadOptions,
    each_row: &mut (dyn FnMut(RowReport) + Send),
) -> Result<CaseloadSummary> {
    caller.require(Permission::RegisterCase)?;
    let offices = {
        let mut conn = state.store.read().await?;
        crate::offices::names(&mut conn).await?
    };
    let store = !options.dry_run && (options.partial || every_row_passes(state, caller, source()?, &offices).await);
    let reader = source()?;
    let columns: Vec<ColumnMatch> = reader
        .columns()
        .into_iter()
        .map(|(header, field)| ColumnMatch { header, field: field.map(str::to_string) })
        .collect();
    let mut import = Import {
        state,
        caller,
        options,
        column_of: columns.iter().filter_map(|c| Some((c.field.clone()?, c.header.clone()))).collect(),
        names_seen: HashMap::new(),
        created: HashSet::new(),
        rows: Vec::new(),
        counts: CaseloadCounts::default(),
        offices,
    };
    let mut reader = reader.peekable();
    let (mut tx, mut chunks, mut shown) = (None, 0, Vec::new());
    while reader.peek().is_some() {
        let chunk: Vec<CaseloadRow> = reader.by_ref().take(CHUNK).collect();
        if store && tx.is_none() {
            tx = Some(state.store.begin().await?);
        }
        // Looked up through the import's own connection when it has one: SQLite's writer keeps
        // the index pages the import keeps reading (a reader's small cache read them again from
        // the file, and the import took three times as long).
        let found = match &mut tx {
            Some(tx) => import.preheat(&mut *tx, &chunk).await?,
            None => import.preheat(&mut *state.store.read().await?, &chunk).await?,
        };
        shown.extend(found.iter().flat_map(|cases| duplicates::audit_entries(caller, cases)));
        let ready = import.validate(chunk, found);
        if let Some(tx) = &mut tx {
            import.persist(tx, ready).await?;
        }
        chunks += 1;
        if chunks % COMMIT_EVERY != 0 && reader.peek().is_some() {
            continue;
        }
        if let Some(tx) = tx.take() {
            homeward_store::commit(tx).await?;
        }
        // Shown, so read: audited once no transaction of the import holds the log.
        state.reads.record(std::mem::take(&mut shown)).await?;
        // A row has a case only once its transaction is committed: none without one.
        import.rows.drain(..).for_each(&mut *each_row);
    }
    if store {
        let about = format!("rows:{} created:{}", import.counts.rows(), import.counts.created);
        let e = entry(caller, "import", "caseload", &new_id(), None, &["caseload", &about]);
        let mut tx = state.store.begin().await?;
        store_audit::append(&mut tx, &state.audit_key, &[e]).await?;
        homeward_store::commit(tx).await?;
    }
    let (dry_run, partial) = (options.dry_run, options.partial);
    Ok(CaseloadSummary { dry_run, partial, stored: store, columns, counts: import.counts })
}

/// Whether no row of the file is refused: each read and checked as the registration form
/// checks it, nothing looked up in the database. A chunk at a time, letting other requests run
/// between (an upload is checked on the server's own threads).
async fn every_row_passes(state: &Services, caller: &Caller, reader: Reader, offices: &crate::offices::Names) -> bool {
    for (i, row) in reader.enumerate() {
        let passes =
            row.registration.is_ok_and(|r| crate::cases::check_registration(state, caller, &r, offices).is_ok());
        if !passes {
            return false;
        }
        if i % CHUNK == CHUNK - 1 {
            tokio::task::yield_now().await;
        }
    }
    true
}

/// An import under way.
struct Import<'a> {
    state: &'a Services,
    caller: &'a Caller,
    options: &'a CaseloadOptions,
    /// The column that gives each field, to name it in a problem found after reading.
    column_of: HashMap<String, String>,
    /// The rows read so far by a 64-bit digest of the keys of their names: an earlier row of the
    /// same person. (A collision, a few chances in 10^8 at a million rows, shows a row as a
    /// possible duplicate of another row: it is not created unless confirmed, never lost.)
    names_seen: HashMap<u64, usize>,
    /// The cases created so far, by their ids (UUIDs, as [`new_id`] makes them).
    created: HashSet<u128>,
    /// The rows of the open transaction, until it is committed.
    rows: Vec<RowReport>,
    counts: CaseloadCounts,
    /// The offices a row may name, read once.
    offices: crate::offices::Names,
}

/// A UUID id as a number.
fn uuid_of(id: &str) -> Option<u128> {
    uuid::Uuid::try_parse(id).ok().map(|u| u.as_u128())
}

/// A row checked, ready to become a case.
struct Ready {
    report: usize,
    registration: Registration,
    schedule: String,
}

impl Import<'_> {
    /// Preheat: the possible duplicates of the chunk's registrations, looked up at once (in the
    /// import's own transaction, which sees the cases it created; those are left out, as their
    /// rows are found by name in the file).
    async fn preheat(
        &self,
        conn: &mut homeward_store::AnyConnection,
        chunk: &[CaseloadRow],
    ) -> Result<Vec<Vec<PossibleDuplicate>>> {
        let regs: Vec<&Registration> = chunk.iter().filter_map(|r| r.registration.as_ref().ok()).collect();
        let mut found = duplicates::candidates(conn, self.caller, &regs).await?;
        for cases in &mut found {
            cases.retain(|d| !uuid_of(&d.case_id).is_some_and(|id| self.created.contains(&id)));
        }
        Ok(found)
    }

    /// Validate: each row as the registration form checks it, in file order.
    fn validate(&mut self, chunk: Vec<CaseloadRow>, found: Vec<Vec<PossibleDuplicate>>) -> Vec<Ready> {
        let mut found = found.into_iter();
        let mut ready = Vec::new();
        for row in chunk {
            let mut report = RowReport {
                row: row.row,
                outcome: Outcome::Refused,
                name: None,
                case_id: None,
                case_number: None,
                duplicates: Vec::new(),
                same_as_row: None,
                confirmed_another_person: false,
                problems: Vec::new(),
            };
            let registration = match row.registration {
                Ok(r) => r,
                Err(problems) => {
                    report.problems =
                        problems.into_iter().map(|p| CellReport { column: p.column, problem: p.problem }).collect();
                    self.push(report);
                    continue;
                }
            };
            let duplicates = found.next().unwrap_or_default();
            report.name = Some(format!("{} {}", registration.given_name.trim(), registration.family_name.trim()));
            let mut registration = registration;
            match crate::cases::check_registration(self.state, self.caller, &registration, &self.offices) {
                Err(e) => report.problems = self.problems_of(e),
                Ok((schedule, office)) => {
                    registration.office = office;
                    if let Some((given, family)) = duplicates::name_keys(&registration) {
                        let keys = crate::imports::digest(&format!("{given}\n{family}"));
                        report.same_as_row = self.names_seen.get(&keys).copied();
                        self.names_seen.entry(keys).or_insert(row.row);
                    }
                    let alike = !duplicates.is_empty() || report.same_as_row.is_some();
                    report.duplicates = duplicates;
                    if alike && !self.options.another_person.contains(&row.row) {
                        report.outcome = Outcome::PossibleDuplicate;
                    } else {
                        report.outcome = Outcome::Created;
                        report.confirmed_another_person = alike;
                        ready.push(Ready { report: self.rows.len(), registration, schedule });
                    }
                }
            }
            self.push(report);
        }
        ready
    }

    /// Counts a row and keeps it until its chunk is done.
    fn push(&mut self, report: RowReport) {
        self.counts.add(report.outcome);
        self.rows.push(report);
    }

    /// A refusal of the checks beyond the row itself, at the columns of the fields it names.
    fn problems_of(&self, e: ServiceError) -> Vec<CellReport> {
        let at = |problem: FieldError| CellReport {
            column: self.column_of.get(&problem.field).cloned().unwrap_or_default(),
            problem,
        };
        match e {
            ServiceError::Invalid(_, fields) => fields.into_iter().map(at).collect(),
            other => vec![at(FieldError::new("office", other.to_string()))],
        }
    }

    /// Persist: the chunk's cases with their numbers, many rows per statement, each audited as
    /// created (and a confirmed other person against each case shown).
    async fn persist(&mut self, tx: &mut homeward_store::Tx, ready: Vec<Ready>) -> Result<()> {
        if ready.is_empty() {
            return Ok(());
        }
        let year = homeward_store::today().year();
        let first = cases::next_sequences(tx, &format!("case_number:{year}"), ready.len() as i64).await?;
        let at = now();
        let mut new_cases: Vec<(CaseRow, Vec<String>)> = Vec::with_capacity(ready.len());
        let mut audit = Vec::with_capacity(ready.len());
        for (i, r) in ready.into_iter().enumerate() {
            let number = case_number(year, first + i as i64);
            let row = crate::cases::new_case(self.caller, &r.registration, r.schedule, number, at);
            let id = row.id.to_string();
            let report = &mut self.rows[r.report];
            report.case_id = Some(id.clone());
            report.case_number = Some(row.case_number.clone());
            audit.push(entry(self.caller, "create", "case", &id, Some(&id), &["caseload_import"]));
            for other in report.duplicates.iter().filter(|_| report.confirmed_another_person) {
                let e = entry(
                    self.caller,
                    "confirm_not_duplicate",
                    "case",
                    &other.case_id,
                    Some(&id),
                    &["caseload_import"],
                );
                audit.push(e);
            }
            let terms = crate::cases::search_terms(&row);
            // Always a UUID (new_id); were it not, a later row would only also name this case
            // beside the row it repeats.
            self.created.extend(uuid_of(&id));
            new_cases.push((row, terms));
        }
        cases::insert_many(tx, &new_cases).await?;
        store_audit::append(tx, &self.state.audit_key, &audit).await?;
        Ok(())
    }
}

/// Keeps a caseload uploaded in the web app until it is imported ([`import_upload`]): the
/// preview and the import read the same bytes, whichever app server answers. Only a file that
/// opens as a caseload (with `mapping`) is kept; the upload's id is returned.
pub async fn stage_upload(
    state: &Services,
    caller: &Caller,
    file_name: &str,
    bytes: Vec<u8>,
    mapping: Option<&str>,
) -> Result<String> {
    caller.require(Permission::RegisterCase)?;
    open(caller, homeward_tables::open(bytes.as_slice()).map_err(unreadable_file)?, mapping)?;
    crate::imports::keep_upload(state, caller, file_name, bytes).await
}

/// Imports (or, with `dry_run`, previews) a caseload the caller uploaded, read with `mapping`;
/// once its cases are created the upload is dropped, so confirming twice creates them once.
/// The upload's file name with the report.
pub async fn import_upload(
    state: &Services,
    caller: &Caller,
    upload_id: &str,
    mapping: Option<&str>,
    options: CaseloadOptions,
) -> Result<(String, CaseloadReport)> {
    caller.require(Permission::RegisterCase)?;
    let upload = crate::imports::own_upload(state, caller, upload_id).await?;
    let content = upload.content.as_slice();
    let source = || open(caller, homeward_tables::open(content).map_err(unreadable_file)?, mapping);
    let report = import(state, caller, &source, &options).await?;
    if report.stored {
        crate::imports::forget_upload(state, upload_id).await?;
    }
    Ok((upload.file_name, report))
}
