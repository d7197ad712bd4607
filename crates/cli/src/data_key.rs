//! The data keys: where they are kept, and making them on first use (issue 17 §3).
//!
//! The keys that seal names, notes and documents at rest (`homeward_store::cipher`) must live
//! apart from the database and its backups, like the audit key. They are read from
//! `HOMEWARD_DATA_KEY` (the key file's text, for containers and secret stores), or from the file
//! `--data-key` / `HOMEWARD_DATA_KEY_FILE`, by default `PATH.data-key` beside an SQLite database and
//! `homeward-data.key` in the working directory for PostgreSQL. The first command on a database
//! with nothing sealed makes them (readable by the owner only); after that a missing key file is
//! an error, never new keys, which could open nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use homeward_store::Store;
use homeward_store::cipher::KeyRing;

/// Where the key file is, for `url` unless `explicit` says.
pub fn key_path(url: &str, explicit: Option<&Path>) -> PathBuf {
    crate::audit_key::beside(url, explicit, "data-key", "homeward-data.key")
}

/// The data keys for `store`, made if the database has nothing sealed yet, and installed for
/// this process.
pub async fn load(store: &Store, path: &Path) -> anyhow::Result<KeyRing> {
    let ring = read_or_make(store, path).await?;
    homeward_store::cipher::install(ring.clone());
    Ok(ring)
}

async fn read_or_make(store: &Store, path: &Path) -> anyhow::Result<KeyRing> {
    if let Ok(text) = std::env::var("HOMEWARD_DATA_KEY") {
        return KeyRing::parse(&text).map_err(|e| anyhow::anyhow!("HOMEWARD_DATA_KEY: {e}"));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => return KeyRing::parse(&text).map_err(|e| anyhow::anyhow!("data key {}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read the data key {}", path.display())),
    }
    if store.has_sealed_values().await? {
        bail!(
            "the data key {} is missing, but the database holds values sealed with it: restore the key file from \
             where you keep it (or set HOMEWARD_DATA_KEY_FILE); new keys could open none of them",
            path.display()
        );
    }
    let ring = KeyRing::generate()?;
    if let Err(e) = crate::audit_key::write_new(path, &ring.to_text()) {
        // Another process made it a moment ago (two servers starting at once): use theirs.
        if let Ok(text) = std::fs::read_to_string(path) {
            return KeyRing::parse(&text).map_err(|e| anyhow::anyhow!("data key {}: {e}", path.display()));
        }
        return Err(e);
    }
    eprintln!(
        "Made the data key {}: keep a copy apart from the database and its backups (README: data at rest). \
         Without it, names, notes and documents cannot be read.",
        path.display()
    );
    Ok(ring)
}

/// Where the exchange key is, for `url` unless `explicit` says: beside an SQLite database,
/// `PATH.exchange-key`; `homeward-exchange.key` for PostgreSQL.
pub fn exchange_path(url: &str, explicit: Option<&Path>) -> PathBuf {
    crate::audit_key::beside(url, explicit, "exchange-key", "homeward-exchange.key")
}

/// The installation's exchange key (handovers with partner installations), made on first use.
/// Partners registered its public half: a new one means they register it again.
pub fn exchange(path: &Path) -> anyhow::Result<homeward_service::exchange::ExchangeKeys> {
    use homeward_service::exchange::ExchangeKeys;
    match std::fs::read_to_string(path) {
        Ok(text) => {
            return ExchangeKeys::parse(&text).map_err(|e| anyhow::anyhow!("exchange key {}: {e}", path.display()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read the exchange key {}", path.display())),
    }
    let keys = ExchangeKeys::generate()?;
    if let Err(e) = crate::audit_key::write_new(path, &keys.to_text()) {
        if let Ok(text) = std::fs::read_to_string(path) {
            return ExchangeKeys::parse(&text).map_err(|e| anyhow::anyhow!("exchange key {}: {e}", path.display()));
        }
        return Err(e);
    }
    Ok(keys)
}

/// Replaces the key file by `ring` (a rotation), atomically.
pub fn replace(path: &Path, ring: &KeyRing) -> anyhow::Result<()> {
    crate::audit_key::replace_text(path, &ring.to_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_sits_beside_an_sqlite_database_unless_told() {
        assert_eq!(key_path("sqlite://data/hw.db", None), PathBuf::from("data/hw.db.data-key"));
        assert_eq!(key_path("postgres://u@h/db", None), PathBuf::from("homeward-data.key"));
        assert_eq!(key_path("postgres://u@h/db", Some(Path::new("/etc/hw.data"))), PathBuf::from("/etc/hw.data"));
    }
}
