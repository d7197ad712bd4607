//! Importing a caseload kept in a spreadsheet, from the web app: the user uploads the sheet (and,
//! if its headers are not ones Homeward knows, a mapping file), sees how its columns were read
//! and what the import would do row by row (nothing stored yet), ticks the possible duplicates
//! that are other people, then creates the cases. The upload waits in the database between the
//! preview and the import, so any app server can answer either.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use homeward_service::caseload::{self, CaseloadOptions, CaseloadReport, Outcome, RowReport};
use homeward_service::{ServiceError, Services};

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Session, csrf_for};

/// The largest file accepted (a bigger one goes through `homeward import cases`).
const MAX_UPLOAD: usize = 16 << 20;

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/imports/cases", get(show).post(upload))
        .route("/imports/cases/{id}", post(confirm))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD + 128 * 1024))
}

/// A report shown: before importing (with the form that imports it) or after.
struct Shown {
    upload: String,
    file_name: String,
    mapping: String,
    report: CaseloadReport,
}

#[derive(Template)]
#[template(path = "caseload_import.html")]
struct CaseloadImportPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    problem: Option<String>,
    shown: Option<Shown>,
}

impl CaseloadImportPage<'_> {
    /// The rows a user must look at: those not simply created.
    fn worth_reading(report: &CaseloadReport) -> Vec<&RowReport> {
        report.rows.iter().filter(|r| r.outcome != Outcome::Created || r.confirmed_another_person).collect()
    }

    fn created(report: &CaseloadReport) -> Vec<&RowReport> {
        report.rows.iter().filter(|r| r.case_id.is_some()).collect()
    }

    /// A field's label, or "not used".
    fn field_label(&self, field: &Option<String>) -> String {
        match field {
            Some(f) => crate::own_file::label(self.t, f),
            None => self.t.get("caseload_column_unused").to_string(),
        }
    }
}

fn page(session: &Session, problem: Option<String>, shown: Option<Shown>, status: StatusCode) -> Response {
    let t = catalogue(&session.caller.language);
    render(CaseloadImportPage { t, session, problem, shown }, status)
}

/// `GET /imports/cases`: the upload form.
pub async fn show(session: Session) -> Response {
    if let Err(e) = session.caller.require(homeward_domain::access::Permission::RegisterCase) {
        return crate::layout::refusal(catalogue(&session.caller.language), e);
    }
    page(&session, None, None, StatusCode::OK)
}

/// `POST /imports/cases`: the sheet uploaded, kept, and what importing it would do.
pub async fn upload(State(state): State<Services>, session: Session, multipart: Multipart) -> Response {
    let t = catalogue(&session.caller.language);
    let Ok(mut form) = crate::upload::read(multipart).await else { return too_large(&session, t) };
    if form.text("csrf") != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mapping = form.text("mapping");
    let Some((name, bytes)) = form.file("file", "caseload") else {
        let problem = Some(t.get("caseload_choose_file").to_string());
        return page(&session, problem, None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let mapping_text = Some(mapping.as_str()).filter(|m| !m.trim().is_empty());
    let previewed = async {
        let upload = caseload::stage_upload(&state, &session.caller, &name, bytes, mapping_text).await?;
        let options = CaseloadOptions { dry_run: true, ..Default::default() };
        let (file_name, report) =
            caseload::import_upload(&state, &session.caller, &upload, mapping_text, options).await?;
        Ok::<_, ServiceError>(Shown { upload, file_name, mapping: mapping.clone(), report })
    };
    match previewed.await {
        Ok(shown) => page(&session, None, Some(shown), StatusCode::OK),
        Err(e) => refused(&session, t, e),
    }
}

fn too_large(session: &Session, t: &Catalogue) -> Response {
    page(session, Some(t.get("caseload_too_large").to_string()), None, StatusCode::PAYLOAD_TOO_LARGE)
}

fn refused(session: &Session, t: &Catalogue, e: ServiceError) -> Response {
    match e {
        ServiceError::Invalid(_, fields) => {
            let said: Vec<String> = fields.iter().map(|f| t.problem(&f.message)).collect();
            page(session, Some(said.join(" ")), None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        ServiceError::NotFound => {
            page(session, Some(t.get("import_upload_gone").to_string()), None, StatusCode::NOT_FOUND)
        }
        e => crate::layout::refusal(t, e),
    }
}

/// `POST /imports/cases/{id}`: the previewed sheet imported, with the rows confirmed as other
/// people and, if asked, the good rows kept despite refused ones; then what became of each row.
/// The form's fields come as pairs: `another_person` once per row ticked.
pub async fn confirm(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if value("csrf") != Some(csrf_for(&session.token).as_str()) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    let another_person: BTreeSet<usize> =
        fields.iter().filter(|(k, _)| k == "another_person").filter_map(|(_, v)| v.parse().ok()).collect();
    let options = CaseloadOptions { partial: value("partial").is_some(), another_person, ..Default::default() };
    let mapping = value("mapping").unwrap_or("").to_string();
    let mapping_text = Some(mapping.as_str()).filter(|m| !m.trim().is_empty());
    match caseload::import_upload(&state, &session.caller, &id, mapping_text, options).await {
        Ok((file_name, report)) => {
            let shown = Shown { upload: id, file_name, mapping, report };
            page(&session, None, Some(shown), StatusCode::OK)
        }
        Err(e) => refused(&session, t, e),
    }
}
