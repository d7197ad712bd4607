//! Importing surveys collected in KoboToolbox or ODK Central, from the web app: the user uploads
//! the export (CSV or XLSX), sees what the import would do row by row (nothing stored yet), then
//! imports it; and the log of imports, each with the rows not stored and why. The upload waits
//! in the database between the preview and the import, so any app server can answer either.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use homeward_domain::access::Permission;
use homeward_service::imports::{self, ImportReport, Outcome, RowReport};
use homeward_service::{ServiceError, Services};
use homeward_store::frames::{ImportLine, ImportRecord};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Session, csrf_for};

/// The largest file accepted (a bigger one goes through `homeward import surveys`).
const MAX_UPLOAD: usize = 16 << 20;

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/imports", get(show).post(upload))
        .route("/imports/uploads/{id}", post(confirm))
        .route("/imports/log/{id}", get(entry))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD + 64 * 1024))
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    may_import: bool,
    imports: Vec<ImportRecord>,
    /// A file that cannot be imported, said above the form.
    problem: Option<String>,
    /// After an upload: its id, its name and what importing it would do.
    preview: Option<(String, String, ImportReport)>,
}

impl ImportsPage<'_> {
    /// The rows a user must look at: all but those that will simply be stored.
    fn worth_reading(report: &ImportReport) -> Vec<&RowReport> {
        report.rows.iter().filter(|r| r.outcome != Outcome::AlreadyImported && r.worth_reading()).collect()
    }
}

#[derive(Template)]
#[template(path = "import_entry.html")]
struct EntryPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    import: ImportRecord,
    lines: Vec<ImportLine>,
}

async fn page(
    state: &Services,
    session: &Session,
    problem: Option<String>,
    preview: Option<(String, String, ImportReport)>,
    status: StatusCode,
) -> Response {
    let t = catalogue(&session.caller.language);
    let may_import = session.caller.access.may(Permission::TakeSurvey);
    match imports::log(state, &session.caller).await {
        Ok(imports) => render(ImportsPage { t, session, may_import, imports, problem, preview }, status),
        Err(e) => crate::layout::refusal(t, e),
    }
}

/// `GET /imports`: the upload form and the log.
pub async fn show(State(state): State<Services>, session: Session) -> Response {
    page(&state, &session, None, None, StatusCode::OK).await
}

/// `POST /imports`: the file uploaded, kept, and what importing it would do.
pub async fn upload(State(state): State<Services>, session: Session, multipart: Multipart) -> Response {
    let t = catalogue(&session.caller.language);
    let Ok(mut form) = crate::upload::read(multipart).await else { return too_large(&state, &session, t).await };
    if form.text("csrf") != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some((name, bytes)) = form.file("file", "export") else {
        let problem = Some(t.get("import_choose_file").to_string());
        return page(&state, &session, problem, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let staged = imports::stage_upload(&state, &session.caller, &name, bytes).await;
    let preview = match staged {
        Ok(id) => imports::import_upload(&state, &session.caller, &id, true).await.map(|(name, r)| (id, name, r)),
        Err(e) => Err(e),
    };
    match preview {
        Ok(preview) => page(&state, &session, None, Some(preview), StatusCode::OK).await,
        Err(e) => refused(&state, &session, t, e).await,
    }
}

async fn too_large(state: &Services, session: &Session, t: &Catalogue) -> Response {
    let problem = Some(t.get("import_too_large").to_string());
    page(state, session, problem, None, StatusCode::PAYLOAD_TOO_LARGE).await
}

async fn refused(state: &Services, session: &Session, t: &Catalogue, e: ServiceError) -> Response {
    match e {
        ServiceError::Invalid(_, fields) => {
            let said: Vec<String> = fields.iter().map(|f| t.problem(&f.message)).collect();
            page(state, session, Some(said.join(" ")), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        ServiceError::NotFound => {
            page(state, session, Some(t.get("import_upload_gone").to_string()), None, StatusCode::NOT_FOUND).await
        }
        e => crate::layout::refusal(t, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /imports/uploads/{id}`: the previewed file imported; then its entry in the log.
pub async fn confirm(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    match imports::import_upload(&state, &session.caller, &id, false).await {
        Ok((_, report)) => match report.import_id {
            Some(import) => Redirect::to(&format!("/imports/log/{import}")).into_response(),
            None => Redirect::to("/imports").into_response(),
        },
        Err(e) => refused(&state, &session, t, e).await,
    }
}

/// `GET /imports/log/{id}`: one import, its counts and the rows not stored with why.
pub async fn entry(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    match imports::log_entry(&state, &session.caller, &id).await {
        Ok((import, lines)) => render(EntryPage { t, session: &session, import, lines }, StatusCode::OK),
        Err(e) => crate::layout::refusal(t, e),
    }
}
