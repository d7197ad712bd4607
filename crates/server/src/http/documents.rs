//! Documents kept with a case or its records: added as the file's bytes (its type checked from
//! its content), listed, described, fetched and removed. Who may do what is in
//! `homeward_service::documents`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use homeward_domain::access::Section;
use homeward_domain::document::DocumentKind;
use homeward_service::Services;
use homeward_service::documents::{self, DocumentList, DocumentView, Fetch, NewDocument, RemoveDocument};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Body as JsonBody, Idempotency, Params};

/// What a document is, given beside its bytes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    #[param(inline)]
    pub kind: DocumentKind,
    /// The file's name as the user knows it (its folders are dropped).
    pub file_name: String,
    /// The record of the case it is kept with (a consent, an assistance payment...).
    pub record_id: Option<String>,
    /// For a document of the case itself: the restricted section it belongs to.
    #[param(inline)]
    pub section: Option<Section>,
}

/// A document's bytes.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the request and response bodies; the handlers read and write bytes
pub struct DocumentFile(Vec<u8>);

/// The largest body read; the operation refuses anything over the deployment's limit with a
/// message naming it, so this only stops a body no deployment would take.
const MAX_BODY: usize = 101 << 20;

/// Adds a document to a case (or to one of its records, with `record_id`). Send the file's
/// bytes as they are; `Content-Type` may say its type (it must then agree with the content) or
/// be `application/octet-stream`. PDF, JPEG, PNG, WebP and HEIC are taken, found from the
/// content whatever the name says. `Idempotency-Key` makes a retry answer the first upload.
#[utoipa::path(post, path = "/api/v1/cases/{id}/documents", operation_id = "add_document", tag = "documents",
    params(("id" = String, Path), DocumentQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "The same key again answers the first upload")),
    request_body(content = DocumentFile, content_type = "application/octet-stream",
        description = "The file's bytes; `Content-Type` may also be the file's own type (`application/pdf`, `image/jpeg`...)"),
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
    Params(query): Params<DocumentQuery>,
    Idempotency(key): Idempotency,
    request: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    let declared = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|_| ApiError::BadRequest(format!("the document is larger than {MAX_BODY} bytes"), vec![]))?;
    let new = NewDocument {
        kind: query.kind,
        record_id: query.record_id,
        section: query.section,
        file_name: query.file_name,
        declared_type: declared,
        content: bytes.to_vec(),
    };
    Ok((StatusCode::CREATED, Json(documents::add(&state, &caller, &case_id, new, key).await?)))
}

/// The documents of a case the caller may read, and how many others need a section the caller
/// is not granted.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents", operation_id = "list_documents", tag = "documents",
    params(("id" = String, Path)),
    responses((status = 200, body = DocumentList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<Json<DocumentList>> {
    Ok(Json(documents::list(&state, &caller, &case_id).await?))
}

/// A document's description.
#[utoipa::path(get, path = "/api/v1/documents/{id}", operation_id = "read_document", tag = "documents",
    params(("id" = String, Path)),
    responses((status = 200, body = DocumentView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentView>> {
    Ok(Json(documents::read(&state, &caller, &id).await?))
}

/// A document's content, as a download (audited as one).
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", operation_id = "download_document", tag = "documents",
    params(("id" = String, Path)),
    responses((status = 200, description = "The document's bytes, its type in Content-Type, its name in Content-Disposition",
            content((DocumentFile = "application/octet-stream"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn content(State(state): State<Services>, Auth(caller): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let (document, bytes) = documents::content(&state, &caller, &id, Fetch::Download).await?;
    Ok(crate::download::document_response(&document, bytes, Fetch::Download))
}

/// Removes a document: its content is erased; who removed it, when and why are kept.
#[utoipa::path(post, path = "/api/v1/documents/{id}/removal", operation_id = "remove_document", tag = "documents",
    params(("id" = String, Path)), request_body = RemoveDocument,
    responses((status = 200, body = DocumentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    JsonBody(removal): JsonBody<RemoveDocument>,
) -> ApiResult<Json<DocumentView>> {
    Ok(Json(documents::remove(&state, &caller, &id, removal).await?))
}
