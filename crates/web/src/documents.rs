//! A case's documents in the web app: the list (what the user may read, and how many others are
//! restricted), adding one from a file or straight from a phone's camera, kept with the case or
//! one of its records; a document's page with its picture, its download and its removal. The
//! rules are the service's (`homeward_service::documents`); every view and download is audited.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::document::DocumentKind;
use homeward_domain::records::RecordKind;
use homeward_domain::validate::FieldError;
use homeward_service::documents::{self, DocumentList, DocumentView, Fetch, NewDocument, RemoveDocument};
use homeward_service::views::CaseView;
use homeward_service::{ServiceError, Services};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::{refusal, render};
use crate::session::{Session, csrf_for};

/// The largest body read; the service refuses a document over the deployment's limit with a
/// message that names the limit.
const MAX_BODY: usize = 101 << 20;

pub fn routes() -> Router<Services> {
    Router::new()
        .route("/cases/{id}/documents", get(show).post(add))
        .route("/documents/{id}", get(one))
        .route("/documents/{id}/view", get(view_content))
        .route("/documents/{id}/download", get(download))
        .route("/documents/{id}/removal", post(remove))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// A record a document may be kept with: its id and how the page names it.
struct RecordChoice {
    id: String,
    label: String,
}

#[derive(Template)]
#[template(path = "case_documents.html")]
struct CasePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    list: DocumentList,
    /// The form, for those who may add a document to this open case.
    may_add: bool,
    records: Vec<RecordChoice>,
    kinds: &'static [DocumentKind],
    sections: Vec<Section>,
    /// What a refused upload chose, to choose it again.
    chosen: Chosen,
    /// Each problem of a refused upload, naming its field.
    problems: Vec<String>,
    max_mb: u64,
}

#[derive(Default)]
struct Chosen {
    kind: String,
    record: String,
    section: String,
}

impl CasePage<'_> {
    fn record_label(&self, d: &DocumentView) -> String {
        match d.record_kind {
            Some(kind) => self.t.named("timeline_record", kind.name()).to_string(),
            None => self.t.get("document_of_case").to_string(),
        }
    }

    fn size(&self, bytes: &i64) -> String {
        size(self.t, *bytes)
    }
}

fn size(t: &Catalogue, bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} {}", t.number(&(bytes as f64 / (1024.0 * 1024.0)), 1), t.get("megabytes"))
    } else {
        format!("{} {}", (bytes + 1023) / 1024, t.get("kilobytes"))
    }
}

async fn case_page(
    state: &Services,
    session: &Session,
    case_id: &str,
    chosen: Chosen,
    problems: Vec<String>,
    status: StatusCode,
) -> Response {
    let t = catalogue(&session.caller.language);
    let caller = &session.caller;
    let case = match crate::case_page::case_or_refusal(state, session, case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let list = match documents::list(state, caller, case_id).await {
        Ok(l) => l,
        Err(e) => return refusal(t, e),
    };
    // The records the user may add a document to: those they may write, as the timeline shows
    // them (without the sections they are not granted).
    let records: Vec<RecordChoice> = if case.is_open() {
        homeward_service::cases::timeline(state, caller, case_id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                let kind = RecordKind::from_name(&e.kind)?;
                caller.access.may(homeward_service::records::permission_of(kind)).then(|| {
                    let date = e.date.map(|d| t.date(&d)).unwrap_or_default();
                    RecordChoice { id: e.id, label: format!("{} · {date}", t.named("timeline_record", kind.name())) }
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let may_add = case.is_open() && (caller.access.may(Permission::EditCase) || !records.is_empty());
    let sections = Section::ALL.iter().copied().filter(|&s| caller.access.may_read_section(s)).collect();
    let max_mb = state.settings.document_max_bytes / (1024 * 1024);
    render(
        CasePage {
            t,
            session,
            case,
            list,
            may_add,
            records,
            kinds: DocumentKind::ALL,
            sections,
            chosen,
            problems,
            max_mb,
        },
        status,
    )
}

/// `GET /cases/{id}/documents`: the case's documents and the form to add one.
pub async fn show(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    case_page(&state, &session, &id, Chosen::default(), vec![], StatusCode::OK).await
}

/// `POST /cases/{id}/documents`: a file, or a photo taken with the camera, added.
pub async fn add(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let t = catalogue(&session.caller.language);
    let Ok(mut form) = crate::upload::read(multipart).await else {
        let problem =
            t.get("document_too_large").replace("{max_mb}", &(state.settings.document_max_bytes >> 20).to_string());
        return case_page(&state, &session, &id, Chosen::default(), vec![problem], StatusCode::PAYLOAD_TOO_LARGE).await;
    };
    if form.text("csrf") != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let chosen = Chosen { kind: form.text("kind"), record: form.text("record"), section: form.text("section") };
    let mut problems = Vec::new();
    let kind = DocumentKind::from_name(&chosen.kind);
    if kind.is_none() {
        problems.push(said(t, t.get("document_kind"), t.get("choose_one")));
    }
    let section = match chosen.section.as_str() {
        "" => Ok(None),
        name => Section::from_name(name).map(Some).ok_or(()),
    };
    if section.is_err() {
        problems.push(said(t, t.get("document_section"), t.get("choose_one")));
    }
    let file = form.file("file", "document").or_else(|| form.file("photo", "photo.jpg"));
    if file.is_none() {
        problems.push(said(t, t.get("document_file"), t.get("document_choose_file")));
    }
    let (Some(kind), Ok(section), Some((file_name, content)), true) = (kind, section, file, problems.is_empty()) else {
        return case_page(&state, &session, &id, chosen, problems, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let record_id = (!chosen.record.is_empty()).then(|| chosen.record.clone());
    // The browser's declared type is not sent: the content decides, and the name is checked.
    let new = NewDocument { kind, record_id, section, file_name, declared_type: None, content };
    match documents::add(&state, &session.caller, &id, new, None).await {
        Ok(added) => Redirect::to(&format!("/cases/{id}/documents#document-{}", added.id)).into_response(),
        Err(ServiceError::Invalid(_, fields)) => {
            let problems = fields.iter().map(|f| named_problem(t, f)).collect();
            case_page(&state, &session, &id, chosen, problems, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Conflict(..)) => {
            let problems = vec![t.get("case_read_only").to_string()];
            case_page(&state, &session, &id, chosen, problems, StatusCode::CONFLICT).await
        }
        Err(e) => refusal(t, e),
    }
}

/// "Field: problem", as the language writes it.
fn said(t: &Catalogue, field: &str, problem: &str) -> String {
    t.field_said(field, problem)
}

/// A problem with the field it is about, as the form names it.
fn named_problem(t: &Catalogue, f: &FieldError) -> String {
    let field = match f.field.as_str() {
        "file" => t.get("document_file"),
        "record_id" => t.get("document_record"),
        "section" => t.get("document_section"),
        "reason" => t.get("document_removal_reason"),
        other => other,
    };
    said(t, field, &t.field_problem(f))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    document: DocumentView,
    case_number: String,
    may_remove: bool,
    problems: Vec<String>,
    size: String,
}

async fn document_page(
    state: &Services,
    session: &Session,
    id: &str,
    problems: Vec<String>,
    status: StatusCode,
) -> Response {
    let t = catalogue(&session.caller.language);
    let document = match documents::read(state, &session.caller, id).await {
        Ok(d) => d,
        Err(e) => return refusal(t, e),
    };
    let case = match crate::case_page::case_or_refusal(state, session, &document.case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let writer = document.record_kind.map_or(Permission::EditCase, homeward_service::records::permission_of);
    let may_remove = document.removed.is_none() && case.is_open() && session.caller.access.may(writer);
    let size = size(t, document.size_bytes);
    render(
        DocumentPage { t, session, document, case_number: case.summary.case_number, may_remove, problems, size },
        status,
    )
}

/// `GET /documents/{id}`: a document's page.
pub async fn one(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    document_page(&state, &session, &id, vec![], StatusCode::OK).await
}

async fn content(state: &Services, session: &Session, id: &str, fetch: Fetch) -> Response {
    let t = catalogue(&session.caller.language);
    match documents::content(state, &session.caller, id, fetch).await {
        // Only pictures are shown in the page; anything else is always saved as a file.
        Ok((document, bytes)) => {
            let fetch = if document.file_type.shows_in_page() { fetch } else { Fetch::Download };
            homeward_server::download::document_response(&document, bytes, fetch)
        }
        Err(ServiceError::Conflict(..)) => {
            document_page(
                state,
                session,
                id,
                vec![t.get("document_removed_no_content").to_string()],
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => refusal(t, e),
    }
}

/// `GET /documents/{id}/view`: a picture shown in its page (audited as viewed).
pub async fn view_content(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    content(&state, &session, &id, Fetch::View).await
}

/// `GET /documents/{id}/download`: the document saved as a file (audited as downloaded).
pub async fn download(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    content(&state, &session, &id, Fetch::Download).await
}

#[derive(Debug, Deserialize)]
pub struct RemovalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /documents/{id}/removal`: the document removed, with why.
pub async fn remove(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RemovalForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    match documents::remove(&state, &session.caller, &id, RemoveDocument { reason: form.reason }).await {
        Ok(removed) => Redirect::to(&format!("/cases/{}/documents#document-{id}", removed.case_id)).into_response(),
        Err(ServiceError::Invalid(_, fields)) => {
            let problems = fields.iter().map(|f| named_problem(t, f)).collect();
            document_page(&state, &session, &id, problems, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Conflict(..)) => {
            let problems = vec![t.get("document_removed_already").to_string()];
            document_page(&state, &session, &id, problems, StatusCode::CONFLICT).await
        }
        Err(e) => refusal(t, e),
    }
}
