//! Data at rest (issue 17 §3): sealing what was written clear before sealing began, and a
//! rotation of the data keys, after which every value, document file and search term is sealed
//! or hashed under the new keys. The keys themselves are the command line's to keep
//! (`homeward_store::cipher`: loaded once per process).

use homeward_domain::access::Permission;
use homeward_domain::document::Storage;
use homeward_store::cipher::KeyRing;
use homeward_store::query::{cases, sealing};
use serde::Serialize;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::document_storage::DocumentStorage;
use crate::error::{Result, ServiceError};

/// The counter saying every value was sealed once (the first start after sealing began).
const SEALED_ONCE: &str = "sealed_at_rest_version";

/// What sealing again did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sealed {
    /// Values of the database sealed again.
    pub values: u64,
    /// Document files of the documents directory sealed again.
    pub files: u64,
    /// Cases whose search terms were hashed again.
    pub cases_indexed: usize,
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

/// At start: seals the values still clear (written before sealing began), once per database.
pub async fn seal_clear_values(state: &Services) -> Result<u64> {
    let mut conn = state.store.read().await?;
    if cases::counter(&mut conn, SEALED_ONCE).await? >= 1 {
        return Ok(0);
    }
    drop(conn);
    let ring = homeward_store::cipher::ring().map_err(internal)?;
    let values = sealing::reseal(&state.store, &ring).await?;
    let files = reseal_files(state, &ring).await?;
    let mut tx = state.store.begin().await?;
    cases::set_counter(&mut tx, SEALED_ONCE, 1).await?;
    homeward_store::commit(tx).await?;
    Ok(values + files)
}

/// After the key file holds `ring` (a new key that seals, the old ones that open): everything
/// sealed again under its new key and the search terms hashed with its new search key; the
/// process's keys are `ring` from now on. Administrators only; audited.
pub async fn rotate(state: &Services, caller: &Caller, ring: KeyRing) -> Result<Sealed> {
    caller.require(Permission::ManageUsers)?;
    homeward_store::cipher::install(ring.clone());
    let values = sealing::reseal(&state.store, &ring).await?;
    let files = reseal_files(state, &ring).await?;
    let cases_indexed = crate::cases::rebuild_search(state).await?;
    let mut tx = state.store.begin().await?;
    cases::set_counter(&mut tx, SEALED_ONCE, 1).await?;
    let entries = [entry(caller, "rotate_key", "data_key", ring.current(), None, &["sealed", "search_terms"])];
    homeward_store::audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    tracing::info!(key = ring.current(), values, files, cases_indexed, "data keys rotated");
    Ok(Sealed { values, files, cases_indexed })
}

/// Seals again the files of the documents directory (or the objects of the S3 store) not sealed
/// under the current key.
async fn reseal_files(state: &Services, ring: &KeyRing) -> Result<u64> {
    if let DocumentStorage::S3(store) = state.documents.as_ref() {
        let mut conn = state.store.read().await?;
        let ids = homeward_store::query::documents::kept_in(&mut conn, Storage::S3).await?;
        drop(conn);
        let mut done = 0;
        for id in ids {
            let Some(stored) = store.get(&id).await.map_err(internal)? else { continue };
            if ring.bytes_are_current(&stored) {
                continue;
            }
            let plain = ring.open_bytes(crate::document_storage::FILE, &stored).map_err(internal)?;
            store
                .put(&id, ring.seal_bytes(crate::document_storage::FILE, &plain).map_err(internal)?)
                .await
                .map_err(internal)?;
            done += 1;
        }
        return Ok(done);
    }
    let DocumentStorage::Directory(dir) = state.documents.as_ref() else { return Ok(0) };
    let mut conn = state.store.read().await?;
    let ids = homeward_store::query::documents::kept_in(&mut conn, Storage::Directory).await?;
    drop(conn);
    let mut done = 0;
    for id in ids {
        let path = dir.join(&id);
        let stored = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            // Removed documents have no file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(internal(format!("document {id}: {e}"))),
        };
        if ring.bytes_are_current(&stored) {
            continue;
        }
        let plain = ring.open_bytes(crate::document_storage::FILE, &stored).map_err(internal)?;
        let sealed = ring.seal_bytes(crate::document_storage::FILE, &plain).map_err(internal)?;
        let next = dir.join(format!(".{id}.reseal"));
        tokio::fs::write(&next, sealed).await.map_err(internal)?;
        tokio::fs::rename(&next, &path).await.map_err(internal)?;
        done += 1;
    }
    Ok(done)
}
