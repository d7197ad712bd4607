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
use homeward_store::frames::{CaseRow, SurveyRow};
use homeward_store::query::{cases, surveys};
use homeward_store::{new_id, now, to_json};
use homeward_submissions::{Export, Source, Submission};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Services;
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
    /// The scorer's status of a created survey (`scored`, `discarded`).
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
    pub rows: Vec<RowReport>,
}

impl ImportReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
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

/// Reads an export sent as a file (`csv` is `None` when the request was not sent as one) and imports
/// it ([`import_surveys`]). A file that cannot be read answers 422 saying which export to choose.
pub async fn import_csv(
    state: &Services,
    caller: &Caller,
    csv: Option<&[u8]>,
    query: ImportQuery,
) -> Result<ImportReport> {
    caller.require(Permission::TakeSurvey)?;
    let Some(bytes) = csv else {
        return Err(ServiceError::Unreadable(
            "send the export file as it is, as application/octet-stream or text/csv".into(),
            vec![],
        ));
    };
    let export = homeward_submissions::read_csv(bytes, state.scorer.instrument())
        .map_err(|e| ServiceError::invalid(vec![homeward_domain::validate::FieldError::new("file", e.to_string())]))?;
    import_surveys(state, caller, &export, query.dry_run).await
}

/// A row checked and scored, ready to store.
struct Ready<'a> {
    submission: &'a Submission,
    case: CaseRow,
    row: SurveyRow,
    outcome: homeward_rss::Outcome,
    content_hash: String,
}

/// Imports `export`'s submissions into the cases they name (or, with `dry_run`, reports what an
/// import would do and stores nothing).
pub async fn import_surveys(state: &Services, caller: &Caller, export: &Export, dry_run: bool) -> Result<ImportReport> {
    caller.require(Permission::TakeSurvey)?;
    let mut rows: Vec<RowReport> = export
        .problems
        .iter()
        .map(|p| RowReport {
            row: p.row,
            outcome: Outcome::Refused,
            instance_id: None,
            case_number: None,
            status: None,
            column: Some(p.column.clone()),
            reason: Some(p.problem.clone()),
            note: None,
        })
        .collect();

    // Preheat: every case and earlier import the rows name, read at once.
    let numbers: Vec<String> =
        export.submissions.iter().filter_map(|s| s.field("case_id")).map(|n| n.trim().to_uppercase()).collect();
    let ids: Vec<&str> = export.submissions.iter().map(|s| s.instance_id.as_str()).collect();
    let mut conn = state.store.read().await?;
    let number_refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let found: HashMap<String, CaseRow> = cases::by_numbers(&mut conn, &number_refs)
        .await?
        .into_iter()
        .filter(|c| caller.access.covers_office(&c.office))
        .map(|c| (c.case_number.clone(), c))
        .collect();
    let mut imported: HashMap<String, String> =
        surveys::submissions_among(&mut conn, &ids).await?.into_iter().collect();
    drop(conn);

    // Validate: each row on its own, in file order; a second row of one instance is as imported.
    let mut ready = Vec::new();
    for s in &export.submissions {
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
        let hash = content_hash(s);
        if let Some(earlier) = imported.get(&s.instance_id) {
            let outcome = if *earlier == hash { Outcome::AlreadyImported } else { Outcome::ChangedResubmission };
            rows.push(report(outcome, "", String::new()));
            continue;
        }
        match check(state, caller, s, &found) {
            Ok((case, row, outcome)) => {
                imported.insert(s.instance_id.clone(), hash.clone());
                let mut r = report(Outcome::Created, "", String::new());
                r.status = Some(outcome.status);
                r.note = derived_disagreement(state, s, &outcome);
                rows.push(r);
                ready.push(Ready { submission: s, case, row, outcome, content_hash: hash });
            }
            Err((column, reason)) => rows.push(report(Outcome::Refused, &column, reason)),
        }
    }
    rows.sort_by_key(|r| r.row);
    if dry_run || ready.is_empty() {
        return Ok(ImportReport { dry_run, rows });
    }

    // Persist: in chunks, each one transaction.
    let source = match export.source {
        Source::Kobo => "kobo",
        Source::OdkCentral => "odk_central",
    };
    for chunk in ready.chunks(500) {
        let mut tx = state.store.begin().await?;
        for r in chunk {
            let result = crate::surveys::result_row(state, &r.row.id, &r.outcome, r.row.created_at);
            crate::surveys::store(&mut tx, state, caller, &r.row, &result, "import").await?;
            let s = r.submission;
            let submission = homeward_store::frames::SubmissionRow {
                instance_id: s.instance_id.clone(),
                survey_id: r.row.id.to_string(),
                source: source.into(),
                content_hash: r.content_hash.clone(),
                device: s.field("deviceid").map(str::to_string),
                enumerator: s.field("username").map(str::to_string),
                started_at: s.field("start").map(str::to_string),
                ended_at: s.field("end").map(str::to_string),
                submitted_at: s.submitted_at.clone(),
                imported_by: caller.username.clone(),
            };
            surveys::insert_submission(&mut tx, &submission).await?;
        }
        // Each case's band follows its latest survey: set once per case, after its surveys.
        let mut refreshed: Vec<&str> = chunk.iter().map(|r| r.case.id.as_str()).collect();
        refreshed.sort_unstable();
        refreshed.dedup();
        for case in cases::by_ids(&mut tx, &refreshed).await? {
            crate::surveys::refresh_band(&mut tx, &case, &state.scorer.profile().name).await?;
        }
        homeward_store::commit(tx).await?;
    }
    Ok(ImportReport { dry_run, rows })
}

/// A row checked against its case and the instrument, and scored; or the column and the reason
/// it is refused.
fn check(
    state: &Services,
    caller: &Caller,
    s: &Submission,
    cases: &HashMap<String, CaseRow>,
) -> std::result::Result<(CaseRow, SurveyRow, homeward_rss::Outcome), (String, String)> {
    let refuse = |column: &str, reason: String| Err((column.to_string(), reason));
    let Some(number) = s.field("case_id") else { return refuse("case_id", "has no case number".into()) };
    // A case outside the caller's offices is unknown to them, as everywhere.
    let Some(case) = cases.get(&number.trim().to_uppercase()) else {
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
    Ok((case.clone(), row, outcome))
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
    let mut text = String::new();
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
