//! Documents kept with a case or its records, and the content of those kept in the database.

use homeward_domain::ids::{CaseId, DocumentId, RecordId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::column::{Stored, instant, instant_text, named, optional_named, parse_instant};
use crate::frames::{DocumentRow, Removal};
use crate::{Result, Tx};

const COLUMNS: &str = "id, case_id, record_id, kind, section, file_name, file_type, size_bytes, sha256, storage, \
                       created_at, created_by, removed_at, removed_by, removed_reason";

fn row(r: &AnyRow) -> Result<DocumentRow> {
    let removed_at: Option<String> = r.try_get(12)?;
    let removed = match removed_at {
        Some(at) => Some(Removal {
            at: parse_instant(&at, "removed_at")?,
            by: r.try_get::<Option<String>, _>(13)?.unwrap_or_default(),
            reason: r.try_get::<Option<String>, _>(14)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(DocumentRow {
        id: DocumentId::new(r.try_get::<String, _>(0)?),
        case_id: CaseId::new(r.try_get::<String, _>(1)?),
        record_id: r.try_get::<Option<String>, _>(2)?.map(RecordId::new),
        kind: named(r, 3, "document kind")?,
        section: optional_named(r, 4, "document section")?,
        file_name: crate::column::opened(r, 5, "documents.file_name")?,
        file_type: named(r, 6, "file type")?,
        size_bytes: r.try_get(7)?,
        sha256: r.try_get(8)?,
        storage: named(r, 9, "document storage")?,
        created_at: instant(r, 10, "created_at")?,
        created_by: r.try_get(11)?,
        removed,
    })
}

/// Adds a document's row (its content is written apart, before).
pub async fn insert(tx: &mut Tx, d: &DocumentRow) -> Result<()> {
    sqlx::query(safe!(
        "INSERT INTO documents ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL)"
    ))
    .bind(d.id.as_str())
    .bind(d.case_id.as_str())
    .bind(d.record_id.as_ref().map(|r| r.as_str().to_string()))
    .bind(d.kind.stored())
    .bind(d.section.map(Stored::stored))
    .bind(crate::column::sealed("documents.file_name", &d.file_name)?)
    .bind(d.file_type.stored())
    .bind(d.size_bytes)
    .bind(&d.sha256)
    .bind(d.storage.stored())
    .bind(instant_text(&d.created_at))
    .bind(&d.created_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keeps a document's content in the database, sealed.
pub async fn put_content(tx: &mut Tx, id: &str, content: &[u8]) -> Result<()> {
    sqlx::query("INSERT INTO document_contents (document_id, content) VALUES ($1, $2)")
        .bind(id)
        .bind(crate::cipher::ring()?.seal_bytes(CONTENT, content)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The column documents' content is sealed for.
const CONTENT: &str = "document_contents.content";

/// The content of a document kept in the database, opened.
pub async fn content(conn: &mut AnyConnection, id: &str) -> Result<Option<Vec<u8>>> {
    let r = sqlx::query("SELECT content FROM document_contents WHERE document_id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let Some(r) = r else { return Ok(None) };
    let stored: Vec<u8> = r.try_get(0)?;
    Ok(Some(crate::cipher::ring()?.open_bytes(CONTENT, &stored)?))
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<DocumentRow>> {
    let r = sqlx::query(safe!("SELECT {COLUMNS} FROM documents WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    r.as_ref().map(row).transpose()
}

/// Every document of a case (removed ones too), oldest first.
pub async fn of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<DocumentRow>> {
    let rows = sqlx::query(safe!("SELECT {COLUMNS} FROM documents WHERE case_id = $1 ORDER BY created_at, id"))
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(row).collect()
}

/// The ids of the documents whose content is kept in `storage` (removed ones included).
pub async fn kept_in(conn: &mut AnyConnection, storage: homeward_domain::document::Storage) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT id FROM documents WHERE storage = $1 ORDER BY id")
        .bind(storage.stored())
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Marks a document removed and erases its content kept in the database.
pub async fn remove(tx: &mut Tx, id: &str, removal: &Removal) -> Result<()> {
    sqlx::query("UPDATE documents SET removed_at = $2, removed_by = $3, removed_reason = $4 WHERE id = $1")
        .bind(id)
        .bind(instant_text(&removal.at))
        .bind(&removal.by)
        .bind(&removal.reason)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM document_contents WHERE document_id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Moves every document of `from` to the case `to` (a merge).
pub async fn move_to_case(tx: &mut Tx, from: &str, to: &str) -> Result<u64> {
    Ok(sqlx::query("UPDATE documents SET case_id = $2 WHERE case_id = $1")
        .bind(from)
        .bind(to)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Deletes documents and their content for good (the purge): those of a case's records of
/// `kind`, or with `kind` none, every document of the case. Answers the rows deleted, so content
/// kept outside the database can be deleted too.
pub async fn delete(tx: &mut Tx, case_id: &str, record_kind: Option<&str>) -> Result<Vec<DocumentRow>> {
    let rows = match record_kind {
        Some(kind) => {
            sqlx::query(safe!(
                "SELECT {COLUMNS} FROM documents WHERE case_id = $1 AND record_id IN \
                 (SELECT id FROM case_records WHERE case_id = $1 AND kind = $2)"
            ))
            .bind(case_id)
            .bind(kind)
            .fetch_all(&mut **tx)
            .await?
        }
        None => {
            sqlx::query(safe!("SELECT {COLUMNS} FROM documents WHERE case_id = $1"))
                .bind(case_id)
                .fetch_all(&mut **tx)
                .await?
        }
    };
    let deleted: Vec<DocumentRow> = rows.iter().map(row).collect::<Result<_>>()?;
    for d in &deleted {
        sqlx::query("DELETE FROM document_contents WHERE document_id = $1")
            .bind(d.id.as_str())
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM documents WHERE id = $1").bind(d.id.as_str()).execute(&mut **tx).await?;
    }
    Ok(deleted)
}
