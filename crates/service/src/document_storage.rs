//! Where documents' content is kept: in the database beside the document's row (the default,
//! backed up with it), as files in a directory the deployment names, or as objects in an
//! S3-compatible store (for large volumes, `crate::s3`). Each
//! document remembers where its content went, so a deployment that moves to a directory still
//! reads the documents kept in the database before. Content is checked against its SHA-256 when
//! read back: a file changed on disk is refused, not served. Either way the content is sealed
//! (`homeward_store::cipher`): a copy of the directory shows no document.

use std::io::Write;
use std::path::{Path, PathBuf};

use homeward_domain::document::Storage;
use homeward_store::frames::DocumentRow;
use homeward_store::query::documents;
use homeward_store::{AnyConnection, Tx};

use crate::error::{Result, ServiceError};

/// What a document's file is sealed for (its content sealed as the database's is).
pub(crate) const FILE: &str = "documents.file";

/// The deployment's choice for new documents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DocumentStorage {
    #[default]
    Database,
    /// Files named by the document's id in this directory.
    Directory(PathBuf),
    /// Objects named by the document's id in an S3-compatible store.
    S3(crate::s3::S3Config),
}

impl DocumentStorage {
    /// A directory for documents, made if missing and checked writable now rather than at the
    /// first upload.
    pub fn directory(path: &Path) -> std::io::Result<DocumentStorage> {
        std::fs::create_dir_all(path)?;
        let probe = path.join(".homeward-write-check");
        std::fs::write(&probe, b"")?;
        std::fs::remove_file(&probe)?;
        Ok(DocumentStorage::Directory(path.to_path_buf()))
    }

    pub fn kind(&self) -> Storage {
        match self {
            DocumentStorage::Database => Storage::Database,
            DocumentStorage::Directory(_) => Storage::Directory,
            DocumentStorage::S3(_) => Storage::S3,
        }
    }

    /// Keeps a new document's content: in the transaction that adds its row, or as a file
    /// written whole (a temporary name, synced, then renamed) before the row is committed, so a
    /// row never points at a missing or half-written file.
    pub(crate) async fn write(&self, tx: &mut Tx, id: &str, content: &[u8]) -> Result<()> {
        match self {
            DocumentStorage::Database => Ok(documents::put_content(tx, id, content).await?),
            DocumentStorage::Directory(dir) => {
                let sealed = homeward_store::cipher::ring()
                    .and_then(|ring| ring.seal_bytes(FILE, content))
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let (dir, id, content) = (dir.clone(), id.to_string(), sealed);
                tokio::task::spawn_blocking(move || write_file(&dir, &id, &content))
                    .await
                    .map_err(|e| ServiceError::Internal(e.to_string()))?
                    .map_err(|e| ServiceError::Internal(format!("cannot write the document's file: {e}")))
            }
            DocumentStorage::S3(store) => {
                let sealed = homeward_store::cipher::ring()
                    .and_then(|ring| ring.seal_bytes(FILE, content))
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                store.put(id, sealed).await.map_err(|e| ServiceError::Internal(e.to_string()))
            }
        }
    }

    /// A document's content, checked against its SHA-256.
    pub(crate) async fn read(&self, conn: &mut AnyConnection, row: &DocumentRow) -> Result<Vec<u8>> {
        let content = match row.storage {
            Storage::Database => documents::content(conn, &row.id).await?,
            Storage::Directory => {
                let DocumentStorage::Directory(dir) = self else {
                    return Err(ServiceError::Internal(format!(
                        "document {} is kept in a directory and this server has no documents directory",
                        row.id
                    )));
                };
                let path = dir.join(row.id.as_str());
                match tokio::fs::read(&path).await {
                    Ok(bytes) => Some(
                        homeward_store::cipher::ring()
                            .and_then(|ring| ring.open_bytes(FILE, &bytes))
                            .map_err(|e| ServiceError::Internal(format!("document {}: {e}", row.id)))?,
                    ),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => return Err(ServiceError::Internal(format!("cannot read document {}: {e}", row.id))),
                }
            }
            Storage::S3 => {
                let DocumentStorage::S3(store) = self else {
                    return Err(ServiceError::Internal(format!(
                        "document {} is kept in an S3 store and this server has none",
                        row.id
                    )));
                };
                match store.get(&row.id).await.map_err(|e| ServiceError::Internal(e.to_string()))? {
                    Some(bytes) => Some(
                        homeward_store::cipher::ring()
                            .and_then(|ring| ring.open_bytes(FILE, &bytes))
                            .map_err(|e| ServiceError::Internal(format!("document {}: {e}", row.id)))?,
                    ),
                    None => None,
                }
            }
        };
        let content =
            content.ok_or_else(|| ServiceError::Internal(format!("the content of document {} is missing", row.id)))?;
        if homeward_store::sha256_hex(&content) != row.sha256 {
            return Err(ServiceError::Internal(format!(
                "the content of document {} does not match its checksum",
                row.id
            )));
        }
        Ok(content)
    }

    /// Deletes the files of documents whose rows were removed or deleted (after the commit;
    /// content kept in the database went with its transaction).
    pub(crate) async fn erase(&self, rows: &[DocumentRow]) {
        if let DocumentStorage::S3(store) = self {
            for row in rows.iter().filter(|r| r.storage == Storage::S3) {
                if let Err(e) = store.delete(&row.id).await {
                    tracing::error!(document = %row.id, error = %e, "a removed document's object could not be deleted");
                }
            }
            return;
        }
        let DocumentStorage::Directory(dir) = self else { return };
        for row in rows.iter().filter(|r| r.storage == Storage::Directory) {
            if let Err(e) = tokio::fs::remove_file(dir.join(row.id.as_str())).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::error!(document = %row.id, error = %e, "a removed document's file could not be deleted");
            }
        }
    }

    /// Deletes a file written for a document whose transaction then failed.
    pub(crate) async fn abandon(&self, id: &str) {
        match self {
            DocumentStorage::Directory(dir) => {
                let _ = tokio::fs::remove_file(dir.join(id)).await;
            }
            DocumentStorage::S3(store) => {
                let _ = store.delete(id).await;
            }
            DocumentStorage::Database => {}
        }
    }
}

fn write_file(dir: &Path, id: &str, content: &[u8]) -> std::io::Result<()> {
    let temporary = dir.join(format!(".{id}.part"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    file.write_all(content)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, dir.join(id))?;
    Ok(())
}
