//! The import log: imports that stored, their rows not simply stored, and uploads waiting
//! between their preview and their import.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::AnyQuery;
use crate::column::{instant, instant_text};
use crate::frames::{ImportLine, ImportRecord, SubmissionRow, UploadRow};
use crate::{Result, Tx};

const IMPORT: &str = "id, at, actor, source, file_name, created, already_imported, changed, refused";
const LINE: &str = "import_id, row_number, outcome, instance_id, case_number, case_id, column_name, reason, note";

fn import(r: &AnyRow) -> Result<ImportRecord> {
    Ok(ImportRecord {
        id: r.try_get(0)?,
        at: instant(r, 1, "imports.at")?,
        actor: r.try_get(2)?,
        source: r.try_get(3)?,
        file_name: r.try_get(4)?,
        created: r.try_get(5)?,
        already_imported: r.try_get(6)?,
        changed: r.try_get(7)?,
        refused: r.try_get(8)?,
    })
}

fn line(r: &AnyRow) -> Result<ImportLine> {
    line_at(r, 0)
}

/// A line read from the row's columns from `at` on (after an import's, when joined).
fn line_at(r: &AnyRow, at: usize) -> Result<ImportLine> {
    Ok(ImportLine {
        import_id: r.try_get(at)?,
        row: r.try_get(at + 1)?,
        outcome: r.try_get(at + 2)?,
        instance_id: r.try_get(at + 3)?,
        case_number: r.try_get(at + 4)?,
        case_id: r.try_get(at + 5)?,
        column: r.try_get(at + 6)?,
        reason: r.try_get(at + 7)?,
        note: r.try_get(at + 8)?,
    })
}

/// Records an import as it begins (its counts set when it ends, [`finish`]).
pub async fn start(tx: &mut Tx, i: &ImportRecord) -> Result<()> {
    sqlx::query(safe!("INSERT INTO imports ({IMPORT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(&i.id)
        .bind(instant_text(&i.at))
        .bind(&i.actor)
        .bind(&i.source)
        .bind(i.file_name.as_deref())
        .bind(i.created)
        .bind(i.already_imported)
        .bind(i.changed)
        .bind(i.refused)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What an import did, once it has.
pub async fn finish(tx: &mut Tx, i: &ImportRecord) -> Result<()> {
    sqlx::query("UPDATE imports SET created = $1, already_imported = $2, changed = $3, refused = $4 WHERE id = $5")
        .bind(i.created)
        .bind(i.already_imported)
        .bind(i.changed)
        .bind(i.refused)
        .bind(&i.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds rows to an import's log.
pub async fn add_lines(tx: &mut Tx, lines: &[ImportLine]) -> Result<()> {
    super::insert_rows(tx, &format!("import_rows ({LINE})"), 9, lines, bind_line).await
}

fn bind_line<'q>(q: AnyQuery<'q>, l: &'q ImportLine) -> AnyQuery<'q> {
    q.bind(&l.import_id)
        .bind(l.row)
        .bind(&l.outcome)
        .bind(l.instance_id.as_deref())
        .bind(l.case_number.as_deref())
        .bind(l.case_id.as_deref())
        .bind(l.column.as_deref())
        .bind(l.reason.as_deref())
        .bind(l.note.as_deref())
}

/// The latest imports, newest first: everyone's, or `actor`'s only.
pub async fn list(conn: &mut AnyConnection, actor: Option<&str>, limit: i64) -> Result<Vec<ImportRecord>> {
    let rows = match actor {
        Some(actor) => {
            sqlx::query(safe!("SELECT {IMPORT} FROM imports WHERE actor = $1 ORDER BY at DESC, id DESC LIMIT $2"))
                .bind(actor)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query(safe!("SELECT {IMPORT} FROM imports ORDER BY at DESC, id DESC LIMIT $1"))
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    rows.iter().map(import).collect()
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<ImportRecord>> {
    let row = sqlx::query(safe!("SELECT {IMPORT} FROM imports WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(import).transpose()
}

/// An import's logged rows, in file order.
pub async fn lines(conn: &mut AnyConnection, id: &str) -> Result<Vec<ImportLine>> {
    let rows = sqlx::query(safe!("SELECT {LINE} FROM import_rows WHERE import_id = $1 ORDER BY row_number"))
        .bind(id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(line).collect()
}

/// The logged rows that named a case, newest import first, each with its import.
pub async fn lines_of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<(ImportRecord, ImportLine)>> {
    let columns = IMPORT.split(", ").map(|c| format!("i.{c}")).chain(LINE.split(", ").map(|c| format!("r.{c}")));
    let rows = sqlx::query(safe!(
        "SELECT {} FROM import_rows r JOIN imports i ON i.id = r.import_id WHERE r.case_id = $1 \
         ORDER BY i.at DESC, r.row_number LIMIT 200",
        columns.collect::<Vec<_>>().join(", ")
    ))
    .bind(case_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((import(r)?, line_at(r, 9)?))).collect()
}

/// Where the case's surveys came from, for those that came from the field: (survey id,
/// submission), newest first.
pub async fn submissions_of_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<SubmissionRow>> {
    let rows = sqlx::query(
        "SELECT m.instance_id, m.survey_id, m.source, m.content_hash, m.device, m.enumerator, m.started_at, \
         m.ended_at, m.submitted_at, m.imported_by FROM survey_submissions m JOIN surveys s ON s.id = m.survey_id \
         WHERE s.case_id = $1 ORDER BY m.imported_at DESC LIMIT 200",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SubmissionRow {
                instance_id: r.try_get(0)?,
                survey_id: r.try_get(1)?,
                source: r.try_get(2)?,
                content_hash: r.try_get(3)?,
                device: r.try_get(4)?,
                enumerator: r.try_get(5)?,
                started_at: r.try_get(6)?,
                ended_at: r.try_get(7)?,
                submitted_at: r.try_get(8)?,
                imported_by: r.try_get(9)?,
            })
        })
        .collect()
}

/// Keeps an uploaded file until it is imported or dropped; uploads older than a day are dropped
/// on the way (a preview never confirmed).
pub async fn stage(tx: &mut Tx, u: &UploadRow) -> Result<()> {
    let day_ago = instant_text(&(u.uploaded_at - chrono::Duration::days(1)));
    sqlx::query("DELETE FROM import_uploads WHERE uploaded_at < $1").bind(day_ago).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO import_uploads (id, actor, file_name, content, uploaded_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&u.id)
        .bind(&u.actor)
        .bind(&u.file_name)
        .bind(crate::cipher::ring()?.seal_bytes("import_uploads.content", &u.content)?)
        .bind(instant_text(&u.uploaded_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn upload(conn: &mut AnyConnection, id: &str) -> Result<Option<UploadRow>> {
    let row = sqlx::query("SELECT id, actor, file_name, content, uploaded_at FROM import_uploads WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        let stored: Vec<u8> = r.try_get(3)?;
        Ok(UploadRow {
            id: r.try_get(0)?,
            actor: r.try_get(1)?,
            file_name: r.try_get(2)?,
            content: crate::cipher::ring()?.open_bytes("import_uploads.content", &stored)?,
            uploaded_at: instant(&r, 4, "import_uploads.uploaded_at")?,
        })
    })
    .transpose()
}

pub async fn drop_upload(tx: &mut Tx, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM import_uploads WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}
