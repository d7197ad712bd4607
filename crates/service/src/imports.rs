//! Importing RSS submissions exported from KoboToolbox or ODK Central, as explicit stages ending
//! in one report: the export read (`homeward_submissions`), the cases and earlier imports looked
//! up for every row at once (preheat), each row checked and scored (validate), then the new ones
//! stored (persist). Same permission, office scope and audit as recording a survey by hand; a
//! dry run stops before persisting and gives the report the real run would give.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::ids::{CaseId, SurveyId};
use homeward_domain::survey::{InterviewLocation, SurveyPhase};
use homeward_rss::{Status, Survey};
use homeward_store::frames::{CaseRow, ImportLine, ImportRecord, SurveyRow};
use homeward_store::query::{cases, surveys};
use homeward_store::{new_id, now, to_json};
use homeward_submissions::{RowProblem, Source, Submission};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored as a new survey (or would be, in a dry run).
    Created,
    /// Its instance was imported before with the same content: nothing stored.
    AlreadyImported,
    /// Its instance was imported before with other answers: reported, nothing stored.
    ChangedResubmission,
    /// Not stored: `column` and `reason` say why.
    Refused,
}

/// One row of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowReport {
    /// The row in the file (the header is row 1).
    pub row: usize,
    pub outcome: Outcome,
    pub instance_id: Option<String>,
    pub case_number: Option<String>,
    /// The scorer's status of a created survey (`scored`, `discarded`; a discarded one's
    /// `reason` says why, such as consent refused).
    #[schema(value_type = Option<String>)]
    pub status: Option<Status>,
    /// The column a refusal is about (empty for the row as a whole).
    pub column: Option<String>,
    pub reason: Option<String>,
    /// Something to know about a row imported: a derived question the form computed otherwise
    /// than Homeward (Homeward's value is the one kept).
    pub note: Option<String>,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// The import's entry in the log (none for a dry run).
    pub import_id: Option<String>,
    /// How many rows had each outcome: every row of the file is counted.
    pub counts: OutcomeCounts,
    /// The rows, in file order: every row, or from the command line only those worth reading
    /// (see [`Listed`]).
    pub rows: Vec<RowReport>,
}

/// How many rows of an import had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct OutcomeCounts {
    pub created: usize,
    pub already_imported: usize,
    pub changed_resubmission: usize,
    pub refused: usize,
}

/// Which rows an import's report lists; all are counted either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Every row (an upload, at most the size a request may have).
    Every,
    /// Only the rows someone should read ([`RowReport::worth_reading`]): a file of a million
    /// rows read from disk then keeps in memory what it must say, not a line per row stored.
    WorthReading,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::AlreadyImported => "already_imported",
            Outcome::ChangedResubmission => "changed_resubmission",
            Outcome::Refused => "refused",
        }
    }
}

impl RowReport {
    /// Whether someone should read this row: all but those simply stored and scored, or
    /// imported before.
    pub fn worth_reading(&self) -> bool {
        match self.outcome {
            Outcome::AlreadyImported => false,
            Outcome::Created => self.note.is_some() || self.reason.is_some(),
            Outcome::ChangedResubmission | Outcome::Refused => true,
        }
    }
}

impl ImportReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        let c = &self.counts;
        match outcome {
            Outcome::Created => c.created,
            Outcome::AlreadyImported => c.already_imported,
            Outcome::ChangedResubmission => c.changed_resubmission,
            Outcome::Refused => c.refused,
        }
    }
}

impl OutcomeCounts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::AlreadyImported => self.already_imported += 1,
            Outcome::ChangedResubmission => self.changed_resubmission += 1,
            Outcome::Refused => self.refused += 1,
        }
    }
}

/// How an export is sent to the API.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: store nothing, answer what the import would do.
    #[serde(default)]
    pub dry_run: bool,
}

/// Reads an export sent as a file, CSV or XLSX (`bytes` is `None` when the request was not sent
/// as one), and imports it ([`import_surveys`]). A file that cannot be read answers 422 saying
/// which export to choose.
pub async fn import_file(
    state: &Services,
    caller: &Caller,
    bytes: Option<&[u8]>,
    query: ImportQuery,
) -> Result<ImportReport> {
    caller.require(Permission::TakeSurvey)?;
    let Some(bytes) = bytes else {
        return Err(ServiceError::Unreadable(
            "send the export file as it is, as application/octet-stream or text/csv".into(),
            vec![],
        ));
    };
    let reader = homeward_submissions::open(bytes, state.scorer.instrument()).map_err(unreadable_file)?;
    let origin = Origin { source: reader.source(), file_name: None };
    import_surveys(state, caller, origin, reader, query.dry_run, Listed::Every).await
}

/// One submission sent by ODK Collect (its instance as XML), imported as a row of an export is:
/// the row's report says what became of it. An instance that cannot be read answers 422.
pub async fn receive_instance(state: &Services, caller: &Caller, xml: &[u8]) -> Result<RowReport> {
    caller.require(Permission::TakeSurvey)?;
    let submission = homeward_submissions::read_instance(xml, homeward_xlsform::FORM_ID, state.scorer.instrument())
        .map_err(unreadable_file)?;
    let origin = Origin { source: Source::OpenRosa, file_name: None };
    let report = import_surveys(state, caller, origin, std::iter::once(Ok(submission)), false, Listed::Every).await?;
    report.rows.into_iter().next().ok_or_else(|| ServiceError::Internal("an import without a report".into()))
}

/// Why a file is no export that can be imported, on its `file` field.
pub fn unreadable_file(e: homeward_submissions::ExportError) -> ServiceError {
    ServiceError::invalid(vec![homeward_domain::validate::FieldError::new("file", e.to_string())])
}

/// A row checked and scored, ready to store.
struct Ready {
    submission: Submission,
    row: SurveyRow,
    outcome: homeward_rss::Outcome,
    content_hash: String,
}

/// How many rows are checked, then stored in one transaction, at a time: the memory an import
/// needs stays flat however long the file.
const CHUNK: usize = 1000;

/// Imports the submissions read from an export (`rows`, one at a time) into the cases they name,
/// or with `dry_run` reports what an import would do and stores nothing.
pub async fn import_surveys(
    state: &Services,
    caller: &Caller,
    origin: Origin<'_>,
    rows: impl Iterator<Item = std::result::Result<Submission, RowProblem>> + Send,
    dry_run: bool,
    listed: Listed,
) -> Result<ImportReport> {
    caller.require(Permission::TakeSurvey)?;
    let source = origin.source;
    let mut import = Import {
        state,
        caller,
        cases: HashMap::new(),
        imported: HashMap::new(),
        would_create: HashMap::new(),
        listed,
        counts: OutcomeCounts::default(),
        report: Vec::new(),
    };
    // The log's entry, made first: an import cut short by a failure still shows what it stored.
    let mut record = (!dry_run).then(|| ImportRecord {
        id: new_id(),
        at: now(),
        actor: caller.username.clone(),
        source: source.name().to_string(),
        file_name: origin.file_name.map(str::to_string),
        created: 0,
        already_imported: 0,
        changed: 0,
        refused: 0,
    });
    if let Some(record) = &record {
        let mut tx = state.store.begin().await?;
        homeward_store::query::imports::start(&mut tx, record).await?;
        homeward_store::commit(tx).await?;
    }
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let first = import.report.len();
        let mut chunk = Vec::with_capacity(CHUNK);
        for item in rows.by_ref().take(CHUNK) {
            match item {
                Ok(s) => chunk.push(s),
                Err(p) => import.record(RowReport {
                    row: p.row,
                    outcome: Outcome::Refused,
                    instance_id: None,
                    case_number: None,
                    status: None,
                    column: Some(p.column),
                    reason: Some(p.problem),
                    note: None,
                }),
            }
        }
        import.preheat(&chunk).await?;
        let ready = import.validate(chunk);
        match &record {
            Some(record) => {
                let lines = import.lines(&record.id, &import.report[first..]);
                import.persist(source, ready, &lines).await?;
            }
            None => import.remember_dry(&ready),
        }
        // What the next chunk needs of this one is in the database now (or, dry, remembered
        // in short): the cases and instances read for it are let go.
        import.cases.clear();
        import.imported.clear();
    }
    let mut rows = import.report;
    rows.sort_by_key(|r| r.row);
    let counts = import.counts;
    let report = ImportReport { dry_run, import_id: record.as_ref().map(|r| r.id.clone()), counts, rows };
    if let Some(record) = &mut record {
        record.created = report.count(Outcome::Created) as i64;
        record.already_imported = report.count(Outcome::AlreadyImported) as i64;
        record.changed = report.count(Outcome::ChangedResubmission) as i64;
        record.refused = report.count(Outcome::Refused) as i64;
        let mut tx = state.store.begin().await?;
        homeward_store::query::imports::finish(&mut tx, record).await?;
        homeward_store::commit(tx).await?;
    }
    Ok(report)
}

/// Where an import's rows come from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub source: Source,
    /// The file's name, as its user knows it (none for a submission from a device).
    pub file_name: Option<&'a str>,
}

/// An import under way: what it knows of the cases and instances met so far, and its report.
struct Import<'a> {
    state: &'a Services,
    caller: &'a Caller,
    /// Cases by number, as read for the chunk's rows (`None`: not a case of the caller's offices).
    cases: HashMap<String, Option<CaseRow>>,
    /// The chunk's instances imported before (or earlier in the chunk), with their content's hash.
    imported: HashMap<String, String>,
    /// In a dry run, the instances earlier chunks would have created, found in no database:
    /// 64-bit digests of the instance id and of the content, 16 bytes a row (a collision, a few
    /// chances in 10^8 at a million rows, could only mislabel a row of a dry run's report).
    would_create: HashMap<u64, u64>,
    listed: Listed,
    counts: OutcomeCounts,
    /// The rows listed so far.
    report: Vec<RowReport>,
}

/// The first 64 bits of the SHA-256 of `text`.
pub(crate) fn digest(text: &str) -> u64 {
    u64::from_str_radix(&homeward_store::sha256_hex(text.as_bytes())[..16], 16).unwrap_or_default()
}

impl Import<'_> {
    /// Counts a row and lists it if the report lists it.
    fn record(&mut self, r: RowReport) {
        self.counts.add(r.outcome);
        if self.listed == Listed::Every || r.worth_reading() {
            self.report.push(r);
        }
    }

    /// In a dry run, what a chunk would have created, so that a later row of the same instance
    /// is reported as the real import would report it.
    fn remember_dry(&mut self, ready: &[Ready]) {
        for r in ready {
            self.would_create.insert(digest(&r.submission.instance_id), digest(&r.content_hash));
        }
    }

    /// Whether an instance met before (imported, earlier in the file, or by a dry run's earlier
    /// chunk) had the same content; `None` if it is new.
    fn earlier(&self, instance_id: &str, hash: &str) -> Option<bool> {
        match self.imported.get(instance_id) {
            Some(earlier) => Some(earlier == hash),
            // Digests only when a dry run has remembered any: not two hashes per row of every import.
            None if self.would_create.is_empty() => None,
            None => self.would_create.get(&digest(instance_id)).map(|d| *d == digest(hash)),
        }
    }

    /// Preheat: the cases and earlier imports of a chunk's rows, read at once.
    async fn preheat(&mut self, chunk: &[Submission]) -> Result<()> {
        let mut numbers: Vec<String> = chunk
            .iter()
            .filter_map(|s| s.field("case_id"))
            .map(case_key)
            .filter(|n| !self.cases.contains_key(n))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let ids: Vec<&str> =
            chunk.iter().map(|s| s.instance_id.as_str()).filter(|i| !self.imported.contains_key(*i)).collect();
        let mut conn = self.state.store.read().await?;
        let number_refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
        for case in cases::by_numbers(&mut conn, &number_refs).await? {
            // A case outside the caller's offices is unknown to them, as everywhere.
            if self.caller.access.covers_office(&case.office) {
                self.cases.insert(case.case_number.clone(), Some(case));
            }
        }
        for number in numbers {
            self.cases.entry(number).or_insert(None);
        }
        self.imported.extend(surveys::submissions_among(&mut conn, &ids).await?);
        Ok(())
    }

    /// Validate: each row on its own, in file order; a second row of one instance is as imported.
    fn validate(&mut self, chunk: Vec<Submission>) -> Vec<Ready> {
        let mut ready = Vec::new();
        for s in chunk {
            let report = |outcome, column: &str, reason: String| RowReport {
                row: s.row,
                outcome,
                instance_id: Some(s.instance_id.clone()),
                case_number: s.field("case_id").map(str::to_string),
                status: None,
                column: (!column.is_empty()).then(|| column.to_string()),
                reason: (!reason.is_empty()).then_some(reason),
                note: None,
            };
            let hash = content_hash(&s);
            if let Some(same) = self.earlier(&s.instance_id, &hash) {
                let outcome = if same { Outcome::AlreadyImported } else { Outcome::ChangedResubmission };
                self.record(report(outcome, "", String::new()));
                continue;
            }
            match check(self.state, self.caller, &s, &self.cases) {
                Ok((row, outcome)) => {
                    // Kept without scores (consent refused, a question unanswered): why, as
                    // the survey form says it.
                    let why = outcome.reason.as_ref().map(|w| w.to_string()).unwrap_or_default();
                    let mut r = report(Outcome::Created, "", why);
                    r.status = Some(outcome.status);
                    r.note = derived_disagreement(self.state, &s, &outcome);
                    self.record(r);
                    self.imported.insert(s.instance_id.clone(), hash.clone());
                    ready.push(Ready { submission: s, row, outcome, content_hash: hash });
                }
                Err((column, reason)) => self.record(report(Outcome::Refused, &column, reason)),
            }
        }
        ready
    }

    /// The rows of the log for these report rows: all but those simply stored or imported before.
    fn lines(&self, import_id: &str, rows: &[RowReport]) -> Vec<ImportLine> {
        rows.iter()
            .filter(|r| r.worth_reading())
            .map(|r| ImportLine {
                import_id: import_id.to_string(),
                row: r.row as i64,
                outcome: r.outcome.name().to_string(),
                instance_id: r.instance_id.clone(),
                case_number: r.case_number.clone(),
                case_id: r
                    .case_number
                    .as_deref()
                    .and_then(|n| self.cases.get(&case_key(n)))
                    .and_then(|c| c.as_ref().map(|c| c.id.to_string())),
                column: r.column.clone(),
                reason: r.reason.clone(),
                note: r.note.clone(),
            })
            .collect()
    }

    /// Persist: the chunk's surveys in one transaction, many rows per statement, their audit
    /// entries appended at once, each case's band set once after them, and the chunk's rows
    /// for the import log.
    async fn persist(&self, source: Source, ready: Vec<Ready>, lines: &[ImportLine]) -> Result<()> {
        if ready.is_empty() && lines.is_empty() {
            return Ok(());
        }
        let (state, caller) = (self.state, self.caller);
        let results: Vec<_> = ready
            .iter()
            .map(|r| crate::surveys::result_row(state.scorer.profile(), &r.row.id, &r.outcome, r.row.created_at))
            .collect();
        let submissions: Vec<_> = ready
            .iter()
            .map(|r| {
                let s = &r.submission;
                homeward_store::frames::SubmissionRow {
                    instance_id: s.instance_id.clone(),
                    survey_id: r.row.id.to_string(),
                    source: source.name().into(),
                    content_hash: r.content_hash.clone(),
                    device: s.field("deviceid").map(str::to_string),
                    enumerator: s.field("username").map(str::to_string),
                    started_at: s.field("start").map(str::to_string),
                    ended_at: s.field("end").map(str::to_string),
                    submitted_at: s.submitted_at.clone(),
                    imported_by: caller.username.clone(),
                }
            })
            .collect();
        let surveys_rows: Vec<SurveyRow> = ready.into_iter().map(|r| r.row).collect();
        let mut cases: Vec<&str> = surveys_rows.iter().map(|r| r.case_id.as_str()).collect();
        cases.sort_unstable();
        cases.dedup();

        let mut tx = state.store.begin().await?;
        let entries = crate::surveys::store(&mut tx, caller, &surveys_rows, &results, "import").await?;
        surveys::insert_submissions(&mut tx, &submissions).await?;
        surveys::refresh_bands(&mut tx, &cases, &state.scorer.profile().name).await?;
        homeward_store::query::imports::add_lines(&mut tx, lines).await?;
        homeward_store::audit::append(&mut tx, &state.audit_key, &entries).await?;
        homeward_store::commit(tx).await?;
        Ok(())
    }
}

/// A row checked against its case and the instrument, and scored; or the column and the reason
/// it is refused.
fn check(
    state: &Services,
    caller: &Caller,
    s: &Submission,
    cases: &HashMap<String, Option<CaseRow>>,
) -> std::result::Result<(SurveyRow, homeward_rss::Outcome), (String, String)> {
    let refuse = |column: &str, reason: String| Err((column.to_string(), reason));
    let Some(number) = s.field("case_id") else { return refuse("case_id", "has no case number".into()) };
    // A case outside the caller's offices is unknown to them, as everywhere.
    let Some(Some(case)) = cases.get(&case_key(number)) else {
        return refuse("case_id", format!("'{number}' is not a case number of your offices"));
    };
    if crate::writable(case).is_err() {
        return refuse("case_id", format!("case {number} is {}: reopen it to add a survey", case.status.name()));
    }
    let round = s.field("round").unwrap_or("");
    let Some(phase) = SurveyPhase::from_name(round) else {
        let rounds = SurveyPhase::ALL.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
        return refuse("round", format!("'{round}' is not a round; the rounds are: {rounds}"));
    };
    let Some(date) = interview_date(s) else {
        return refuse("interview_date", "the interview's date is missing or not a date (YYYY-MM-DD)".into());
    };
    let location = match s.field("interview_location") {
        None => InterviewLocation::Office,
        Some(code) => match InterviewLocation::from_name(code) {
            Some(l) => l,
            None => return refuse("interview_location", format!("'{code}' is not an interview location")),
        },
    };
    let consent = s.field("consent").unwrap_or("");
    let instrument = state.scorer.instrument();
    let survey = match Survey::from_pairs(instrument, consent, s.answers.iter().map(|(q, a)| (q.as_str(), a.as_str())))
    {
        Ok(survey) => survey,
        Err(q) => return refuse(&q, "is not a question of the RSS".into()),
    };
    let outcome = state.scorer.score(&survey);
    if outcome.status == Status::Invalid {
        let reason = outcome.reason.as_ref().map_or_else(|| "invalid".to_string(), |r| r.to_string());
        let column = outcome.reason.as_ref().and_then(|r| r.field()).unwrap_or("").to_string();
        return Err((column, reason));
    }
    let interviewer = s.field("username").map_or_else(|| caller.username.clone(), str::to_string);
    let answers: BTreeMap<&str, &str> = s.answers.iter().map(|(q, a)| (q.as_str(), a.as_str())).collect();
    let row = SurveyRow {
        id: SurveyId::new(new_id()),
        case_id: CaseId::new(case.id.as_str()),
        phase,
        survey_date: date,
        location,
        interviewer_is_case_manager: interviewer == case.case_manager,
        interviewer,
        consent: consent.to_string(),
        answers: to_json(&answers),
        created_at: now(),
        created_by: caller.username.clone(),
    };
    Ok((row, outcome))
}

/// A case number as the cases met so far are kept: as stored, whatever case or spaces a device
/// typed.
fn case_key(number: &str) -> String {
    number.trim().to_uppercase()
}

/// A derived question (Q21) the form computed otherwise than Homeward: said, not fatal.
fn derived_disagreement(state: &Services, s: &Submission, outcome: &homeward_rss::Outcome) -> Option<String> {
    let instrument = state.scorer.instrument();
    let notes: Vec<String> = s
        .calculated
        .iter()
        .filter_map(|(q, cell)| {
            let ours = outcome.item_values.get(instrument.question_index(q)?).copied().flatten();
            let theirs = cell.trim().parse::<f64>().ok();
            let agree = match (ours, theirs) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-6,
                (None, None) => true,
                _ => false,
            };
            let show = |v: Option<f64>| v.map_or_else(|| "nothing".to_string(), |v| format!("{v:.4}"));
            (!agree).then(|| {
                format!("{q}: the form computed {}, Homeward computes {} (Homeward's counts)", show(theirs), show(ours))
            })
        })
        .collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The interview's date: the form's `interview_date`, else the device's `today`, else the day
/// the interview started.
fn interview_date(s: &Submission) -> Option<NaiveDate> {
    let text = s.field("interview_date").or(s.field("today")).or(s.field("start").and_then(|t| t.get(..10)))?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// What a submission says, hashed: its case, round, consent and answers.
fn content_hash(s: &Submission) -> String {
    let mut text = String::with_capacity(1024);
    for field in ["case_id", "round", "consent"] {
        text.push_str(s.field(field).unwrap_or(""));
        text.push('\u{1f}');
    }
    for (q, a) in &s.answers {
        text.push_str(q);
        text.push('=');
        text.push_str(a);
        text.push('\u{1f}');
    }
    homeward_store::sha256_hex(text.as_bytes())
}

/// The latest imports (a hundred): the caller's own, or everyone's for those who read the
/// audit. For those who take surveys or read the audit.
pub async fn log(state: &Services, caller: &Caller) -> Result<Vec<ImportRecord>> {
    let everyone = caller.access.may(Permission::ReadAudit);
    if !everyone {
        caller.require(Permission::TakeSurvey)?;
    }
    let mut conn = state.store.read().await?;
    let actor = (!everyone).then_some(caller.username.as_str());
    Ok(homeward_store::query::imports::list(&mut conn, actor, 100).await?)
}

/// One import and its rows not simply stored, with why; the caller's own import, or anyone's for
/// those who read the audit. The reading is audited: the rows name cases.
pub async fn log_entry(state: &Services, caller: &Caller, id: &str) -> Result<(ImportRecord, Vec<ImportLine>)> {
    let everyone = caller.access.may(Permission::ReadAudit);
    if !everyone {
        caller.require(Permission::TakeSurvey)?;
    }
    let mut conn = state.store.read().await?;
    let record = homeward_store::query::imports::get(&mut conn, id).await?.ok_or(ServiceError::NotFound)?;
    if !everyone && record.actor != caller.username {
        caller.denied("import", id, None, "another user's import");
        return Err(ServiceError::NotFound);
    }
    let lines = homeward_store::query::imports::lines(&mut conn, id).await?;
    drop(conn);
    state.reads.record(vec![entry(caller, "read", "import", id, None, &["rows"])]).await?;
    Ok((record, lines))
}

/// What came to a case from the field: its surveys' submissions (device, enumerator, times),
/// and the rows of imports that named it without being stored, with why. For those who read
/// the case; audited as a read of the case's submissions.
#[derive(Debug, Clone, Default)]
pub struct CaseSubmissions {
    pub submissions: Vec<homeward_store::frames::SubmissionRow>,
    pub refused: Vec<(ImportRecord, ImportLine)>,
}

pub async fn of_case(state: &Services, caller: &Caller, case_id: &str) -> Result<CaseSubmissions> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    crate::case_in_scope(&mut conn, caller, case_id).await?;
    let submissions = homeward_store::query::imports::submissions_of_case(&mut conn, case_id).await?;
    let refused = homeward_store::query::imports::lines_of_case(&mut conn, case_id).await?;
    drop(conn);
    if !submissions.is_empty() || !refused.is_empty() {
        let e = entry(caller, "read", "submissions", case_id, Some(case_id), &["submissions"]);
        state.reads.record(vec![e]).await?;
    }
    Ok(CaseSubmissions { submissions, refused })
}

/// Keeps a file uploaded in the web app until it is imported ([`import_upload`]): the preview and
/// the import read the same bytes, whichever app server answers. Only what can be read as an
/// export is kept; the upload's id is returned.
pub async fn stage_upload(state: &Services, caller: &Caller, file_name: &str, bytes: Vec<u8>) -> Result<String> {
    caller.require(Permission::TakeSurvey)?;
    homeward_submissions::open(bytes.as_slice(), state.scorer.instrument()).map_err(unreadable_file)?;
    keep_upload(state, caller, file_name, bytes).await
}

/// Keeps an uploaded file for its user, for a day at most; its id.
pub(crate) async fn keep_upload(state: &Services, caller: &Caller, file_name: &str, bytes: Vec<u8>) -> Result<String> {
    let upload = homeward_store::frames::UploadRow {
        id: new_id(),
        actor: caller.username.clone(),
        file_name: file_name.chars().filter(|c| !c.is_control()).take(200).collect(),
        content: bytes,
        uploaded_at: now(),
    };
    let mut tx = state.store.begin().await?;
    homeward_store::query::imports::stage(&mut tx, &upload).await?;
    homeward_store::commit(tx).await?;
    Ok(upload.id)
}

/// The upload `id` if the caller made it (another user's is not found).
pub(crate) async fn own_upload(
    state: &Services,
    caller: &Caller,
    id: &str,
) -> Result<homeward_store::frames::UploadRow> {
    let mut conn = state.store.read().await?;
    let upload = homeward_store::query::imports::upload(&mut conn, id).await?;
    drop(conn);
    upload.filter(|u| u.actor == caller.username).ok_or(ServiceError::NotFound)
}

/// Drops an upload once imported.
pub(crate) async fn forget_upload(state: &Services, id: &str) -> Result<()> {
    let mut tx = state.store.begin().await?;
    homeward_store::query::imports::drop_upload(&mut tx, id).await?;
    homeward_store::commit(tx).await?;
    Ok(())
}

/// Imports (or with `dry_run`, previews) a file the caller uploaded; after a real import the
/// upload is dropped, so confirming twice imports once. The upload's file name with the report.
pub async fn import_upload(
    state: &Services,
    caller: &Caller,
    upload_id: &str,
    dry_run: bool,
) -> Result<(String, ImportReport)> {
    caller.require(Permission::TakeSurvey)?;
    let upload = own_upload(state, caller, upload_id).await?;
    let reader = homeward_submissions::open(upload.content, state.scorer.instrument()).map_err(unreadable_file)?;
    let origin = Origin { source: reader.source(), file_name: Some(&upload.file_name) };
    let report = import_surveys(state, caller, origin, reader, dry_run, Listed::Every).await?;
    if !dry_run {
        forget_upload(state, upload_id).await?;
    }
    Ok((upload.file_name, report))
}
