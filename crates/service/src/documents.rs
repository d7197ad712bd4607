//! Documents kept with a case or one of its records (issue 17 §2): added from the web app (a
//! file, or a phone's camera) or the API, listed, viewed, downloaded and removed.
//!
//! Who may do what:
//! - add or remove one on a record: whoever may write that kind of record (a consent form on a
//!   consent: `record_assessment`; a receipt on an assistance payment: `record_assistance`); on
//!   the case itself: `edit_case`. The case must be open (closed and archived cases are read
//!   only) and in the caller's offices.
//! - read one: `read_cases` in the case's office, a role that sees identities (documents show
//!   names, faces and signatures: M&E officers and partners never read them), and the grant of
//!   the document's section: its record's (a counselling session's scan needs `psychosocial`) or
//!   the one chosen for a document of the case (a medical report: `health`).
//!   Others see that a restricted document exists, not its name or kind.
//!
//! Every addition, view, download and removal is in the audit log; listing records a read of
//! each document listed. A removed document keeps its row (who removed it, when, why), never its
//! content.

use homeward_domain::Named;
use homeward_domain::access::{Permission, Section};
use homeward_domain::document::{self, DocumentKind, FileType, Upload};
use homeward_domain::ids::{CaseId, DocumentId, RecordId};
use homeward_domain::problem;
use homeward_domain::records::{RecordKind, fixed_section};
use homeward_domain::validate::FieldError;
use homeward_store::column::instant_text;
use homeward_store::frames::{DocumentRow, RecordRow, Removal};
use homeward_store::query::{documents, records as record_rows};
use homeward_store::{audit as store_audit, new_id, now};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdempotencyKey;
use crate::{case_in_scope, case_to_change};

/// What the audit log calls a document.
const DOCUMENT: &str = "document";

/// A document as its reader sees it (never its content: that is fetched on its own).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub case_id: String,
    /// The record it is kept with; none for a document of the case itself.
    pub record_id: Option<String>,
    pub record_kind: Option<RecordKind>,
    pub kind: DocumentKind,
    /// The restricted section a reader must be granted, if any.
    pub section: Option<Section>,
    pub file_name: String,
    /// Its type, found from its content.
    pub file_type: FileType,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex, to compare a downloaded copy with.
    pub sha256: String,
    pub added_at: String,
    pub added_by: String,
    /// When, by whom and why it was removed; its content is gone.
    pub removed: Option<DocumentRemoval>,
}

/// A document's removal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentRemoval {
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// The documents of a case the caller may read, and how many others exist that need a section
/// the caller is not granted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentList {
    pub documents: Vec<DocumentView>,
    pub restricted: usize,
}

/// A document to add.
#[derive(Debug)]
pub struct NewDocument {
    pub kind: DocumentKind,
    /// The record of the case it belongs with.
    pub record_id: Option<String>,
    /// For a document of the case itself: the restricted section it belongs to (a medical
    /// report: `health`). A record's document takes its record's section.
    pub section: Option<Section>,
    pub file_name: String,
    /// The type its sender declared, checked against the content.
    pub declared_type: Option<String>,
    pub content: Vec<u8>,
}

/// Why a document is removed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveDocument {
    /// Why (a wrong file, the wrong returnee's document, asked by the returnee), kept with it.
    pub reason: String,
}

/// How the content is wanted: shown in the page or saved as a file (both audited, as such).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    View,
    Download,
}

impl Fetch {
    fn action(self) -> &'static str {
        match self {
            Fetch::View => "view",
            Fetch::Download => "download",
        }
    }
}

fn view(row: &DocumentRow, record_kind: Option<RecordKind>) -> DocumentView {
    DocumentView {
        id: row.id.to_string(),
        case_id: row.case_id.to_string(),
        record_id: row.record_id.as_ref().map(ToString::to_string),
        record_kind,
        kind: row.kind,
        section: row.section,
        file_name: row.file_name.clone(),
        file_type: row.file_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256.clone(),
        added_at: instant_text(&row.created_at),
        added_by: row.created_by.clone(),
        removed: row.removed.as_ref().map(|r| DocumentRemoval {
            at: instant_text(&r.at),
            by: r.by.clone(),
            reason: r.reason.clone(),
        }),
    }
}

/// The section of a record: its own (a sensitive note's) or its kind's.
fn record_section(record: &RecordRow) -> Option<Section> {
    record.section.or(fixed_section(record.kind))
}

/// Documents identify the returnee: only roles that see identities read them.
fn check_reader(caller: &Caller) -> Result<()> {
    caller.require(Permission::ReadCases)?;
    if !caller.access.role.sees_identities() {
        return Err(ServiceError::Forbidden(
            "documents identify the returnee; your role sees pseudonymised data only".into(),
        ));
    }
    Ok(())
}

/// Whether the caller may read a document kept with `record` (or with the case).
fn readable(caller: &Caller, row: &DocumentRow, record: Option<&RecordRow>) -> bool {
    let sections = [row.section, record.and_then(record_section)];
    sections.into_iter().flatten().all(|s| caller.access.may_read_section(s))
}

/// Refuses a section not granted, recorded in the case's audit log against what was asked for.
fn require_section(caller: &Caller, section: Section, what: &str, case_id: &str) -> Result<()> {
    if caller.access.may_read_section(section) {
        return Ok(());
    }
    caller.denied(DOCUMENT, what, Some(case_id), &format!("section {} not granted", section.name()));
    Err(ServiceError::Forbidden(format!(
        "this is in the restricted section `{}`: it needs an explicit grant",
        section.name()
    )))
}

/// The permission that adds or removes a document kept with `record` (or with the case).
fn writer_permission(record: Option<&RecordRow>) -> Permission {
    record.map_or(Permission::EditCase, |r| crate::records::permission_of(r.kind))
}

/// Adds a document to a case or one of its records; once per idempotency `key` (a phone that
/// sends again after a lost answer gets the document stored the first time).
pub async fn add(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    new: NewDocument,
    key: Option<IdempotencyKey>,
) -> Result<DocumentView> {
    check_reader(caller)?;
    let mut tx = state.store.begin().await?;
    case_to_change(&mut tx, caller, case_id).await?;
    let record = match &new.record_id {
        Some(id) => Some(record_rows::find(&mut tx, case_id, id).await?.ok_or_else(|| {
            ServiceError::invalid(vec![FieldError::of(
                "record_id",
                problem!("no_such_record", "is not a record of this case"),
            )])
        })?),
        None => None,
    };
    caller.require(writer_permission(record.as_ref()))?;
    let section = match &record {
        Some(r) => {
            if new.section.is_some_and(|s| Some(s) != record_section(r)) {
                return Err(ServiceError::invalid(vec![FieldError::of(
                    "section",
                    problem!("section_of_record", "is the record's own: leave it empty for a record's document"),
                )]));
            }
            record_section(r)
        }
        None => new.section,
    };
    if let Some(section) = section {
        require_section(caller, section, new.record_id.as_deref().unwrap_or(case_id), case_id)?;
    }
    if let Some(id) = crate::idempotency::earlier(&mut tx, caller, key.as_ref(), DOCUMENT).await? {
        drop(tx);
        return read(state, caller, &id).await;
    }
    let upload = Upload { file_name: &new.file_name, declared: new.declared_type.as_deref(), bytes: &new.content };
    let file_type = document::check(&upload, state.settings.document_max_bytes).map_err(ServiceError::invalid)?;
    let row = DocumentRow {
        id: DocumentId::new(new_id()),
        case_id: CaseId::new(case_id),
        record_id: record.as_ref().map(|r| RecordId::new(r.id.as_str())),
        kind: new.kind,
        section,
        file_name: document::clean_name(&new.file_name, file_type),
        file_type,
        size_bytes: i64::try_from(new.content.len()).unwrap_or(i64::MAX),
        sha256: homeward_store::sha256_hex(&new.content),
        storage: state.documents.kind(),
        created_at: now(),
        created_by: caller.username.clone(),
        removed: None,
    };
    documents::insert(&mut tx, &row).await?;
    state.documents.write(&mut tx, &row.id, &new.content).await?;
    let kept = async {
        crate::idempotency::remember(&mut tx, caller, key.as_ref(), DOCUMENT, &row.id).await?;
        let entries = [entry(caller, "create", DOCUMENT, &row.id, Some(case_id), &[row.kind.name()])];
        store_audit::append(&mut tx, &state.audit_key, &entries).await?;
        homeward_store::commit(tx).await?;
        Ok::<_, ServiceError>(())
    }
    .await;
    if let Err(e) = kept {
        state.documents.abandon(&row.id).await;
        return Err(e);
    }
    tracing::info!(document = %row.id, size = row.size_bytes, "document added");
    Ok(view(&row, record.map(|r| r.kind)))
}

/// The documents of a case the caller may read (removed ones too, without content), and how
/// many are restricted from them.
pub async fn list(state: &Services, caller: &Caller, case_id: &str) -> Result<DocumentList> {
    check_reader(caller)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let rows = documents::of_case(&mut conn, case_id).await?;
    let records = if rows.iter().any(|r| r.record_id.is_some()) {
        record_rows::all_of_case(&mut conn, case_id).await?
    } else {
        Vec::new()
    };
    drop(conn);
    let mut list = DocumentList { documents: Vec::new(), restricted: 0 };
    let mut entries = Vec::new();
    for row in &rows {
        let record = row.record_id.as_ref().and_then(|id| records.iter().find(|r| r.id == *id));
        if readable(caller, row, record) {
            entries.push(entry(caller, "read", DOCUMENT, &row.id, Some(case_id), &["metadata"]));
            list.documents.push(view(row, record.map(|r| r.kind)));
        } else {
            list.restricted += 1;
        }
    }
    state.reads.record(entries).await?;
    Ok(list)
}

/// A document the caller may read, with its record: `NotFound` outside the caller's offices,
/// `Forbidden` (recorded) without its section's grant.
async fn readable_document(
    conn: &mut homeward_store::AnyConnection,
    caller: &Caller,
    id: &str,
) -> Result<(DocumentRow, Option<RecordRow>)> {
    check_reader(caller)?;
    let row = documents::get(conn, id).await?.ok_or(ServiceError::NotFound)?;
    case_in_scope(conn, caller, &row.case_id).await?;
    let record = match &row.record_id {
        Some(r) => record_rows::find(conn, &row.case_id, r).await?,
        None => None,
    };
    for section in [row.section, record.as_ref().and_then(record_section)].into_iter().flatten() {
        require_section(caller, section, &row.id, &row.case_id)?;
    }
    Ok((row, record))
}

/// One document's description.
pub async fn read(state: &Services, caller: &Caller, id: &str) -> Result<DocumentView> {
    let mut conn = state.store.read().await?;
    let (row, record) = readable_document(&mut conn, caller, id).await?;
    drop(conn);
    state.reads.record(vec![entry(caller, "read", DOCUMENT, id, Some(&row.case_id), &["metadata"])]).await?;
    Ok(view(&row, record.map(|r| r.kind)))
}

/// A document's content, to show or to download; the view or download is in the audit log
/// before the content leaves.
pub async fn content(state: &Services, caller: &Caller, id: &str, fetch: Fetch) -> Result<(DocumentView, Vec<u8>)> {
    let mut conn = state.store.read().await?;
    let (row, record) = readable_document(&mut conn, caller, id).await?;
    if row.removed.is_some() {
        return Err(ServiceError::Conflict("the document was removed: its content is no longer kept".into(), None));
    }
    let content = state.documents.read(&mut conn, &row).await?;
    drop(conn);
    state.reads.record(vec![entry(caller, fetch.action(), DOCUMENT, id, Some(&row.case_id), &["content"])]).await?;
    Ok((view(&row, record.map(|r| r.kind)), content))
}

/// Removes a document: its content is erased, its row keeps who removed it, when and why.
pub async fn remove(state: &Services, caller: &Caller, id: &str, removal: RemoveDocument) -> Result<DocumentView> {
    let reason = removal.reason.trim().to_string();
    if reason.is_empty() {
        return Err(ServiceError::invalid(vec![FieldError::of("reason", problem!("required", "is required"))]));
    }
    if reason.chars().count() > 500 {
        return Err(ServiceError::invalid(vec![FieldError::of(
            "reason",
            problem!("too_long", "is longer than {max} characters", max = 500),
        )]));
    }
    let mut tx = state.store.begin().await?;
    let (mut row, record) = readable_document(&mut tx, caller, id).await?;
    caller.require(writer_permission(record.as_ref()))?;
    case_to_change(&mut tx, caller, &row.case_id).await?;
    if row.removed.is_some() {
        return Err(ServiceError::Conflict("the document was removed already".into(), None));
    }
    let removal = Removal { at: now(), by: caller.username.clone(), reason };
    documents::remove(&mut tx, id, &removal).await?;
    let entries = [entry(caller, "remove", DOCUMENT, id, Some(&row.case_id), &["content"])];
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    state.documents.erase(std::slice::from_ref(&row)).await;
    row.removed = Some(removal);
    Ok(view(&row, record.map(|r| r.kind)))
}
