//! The audit key: where it is kept, and making it on first use.
//!
//! The key that seals the audit chain must live apart from the database (a database owner who
//! had it could rewrite the log and reseal it). It is read from `HOMEWARD_AUDIT_KEY` (the key
//! file's text, for containers and secret stores), or from the file `--audit-key` /
//! `HOMEWARD_AUDIT_KEY_FILE`, by default `PATH.audit-key` beside an SQLite database and
//! `homeward-audit.key` in the working directory for PostgreSQL. The first command that needs
//! it on a log with no keyed entries makes it (readable by its owner only); after that a
//! missing key is an error, never a new key.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use homeward_store::Store;
use homeward_store::audit::{self, AuditKey};

/// Where the key file is, for `url` unless `explicit` says.
pub fn key_path(url: &str, explicit: Option<&Path>) -> PathBuf {
    beside(url, explicit, "audit-key", "homeward-audit.key")
}

/// A key file's place: `explicit` if given, else `PATH.ending` beside an SQLite database, else
/// `otherwise` in the working directory (PostgreSQL).
pub(crate) fn beside(url: &str, explicit: Option<&Path>, ending: &str, otherwise: &str) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    match crate::database::sqlite_file(url) {
        Some(path) => PathBuf::from(format!("{}.{ending}", path.display())),
        None => PathBuf::from(otherwise),
    }
}

/// Whether a missing key may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMissing {
    Create,
    Fail,
}

/// The audit key for `store`.
pub async fn load(store: &Store, path: &Path, if_missing: IfMissing) -> anyhow::Result<AuditKey> {
    if let Ok(text) = std::env::var("HOMEWARD_AUDIT_KEY") {
        return AuditKey::parse(&text).map_err(|e| anyhow::anyhow!("HOMEWARD_AUDIT_KEY: {e}"));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => return AuditKey::parse(&text).map_err(|e| anyhow::anyhow!("audit key {}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read the audit key {}", path.display())),
    }
    let mut conn = store.read().await?;
    let keyed = audit::keyed_entries(&mut conn).await?;
    drop(conn);
    if keyed > 0 {
        bail!(
            "the audit key {} is missing, but the audit log has {keyed} entries sealed with a key: restore the key \
             file from where you keep it (or set HOMEWARD_AUDIT_KEY_FILE); a new key could not verify them",
            path.display()
        );
    }
    if if_missing == IfMissing::Fail {
        bail!(
            "there is no audit key at {} (it is made by the first `homeward admin`, `serve` or `demo`)",
            path.display()
        );
    }
    let key = AuditKey::generate().map_err(anyhow::Error::msg)?;
    if let Err(e) = write_new(path, &key.to_text()) {
        // Another process made it a moment ago (two servers starting at once): use theirs.
        if let Ok(text) = std::fs::read_to_string(path) {
            return AuditKey::parse(&text).map_err(|e| anyhow::anyhow!("audit key {}: {e}", path.display()));
        }
        return Err(e);
    }
    eprintln!(
        "Made the audit key {}: keep a copy apart from the database and its backups (README: the audit log).",
        path.display()
    );
    Ok(key)
}

/// Writes a key file that must not exist yet, readable by its owner only.
pub(crate) fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create the key file {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Replaces the key file by `key` (a rotation), atomically: the old file stays until the new
/// one is complete.
pub fn replace(path: &Path, key: &AuditKey) -> anyhow::Result<()> {
    replace_text(path, &key.to_text())
}

/// Replaces a key file by `text`, atomically.
pub(crate) fn replace_text(path: &Path, text: &str) -> anyhow::Result<()> {
    let next = path.with_extension("new");
    let _ = std::fs::remove_file(&next);
    write_new(&next, text)?;
    std::fs::rename(&next, path).with_context(|| format!("cannot replace the key file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_sits_beside_an_sqlite_database_unless_told() {
        assert_eq!(key_path("sqlite://data/hw.db", None), PathBuf::from("data/hw.db.audit-key"));
        assert_eq!(key_path("sqlite://hw.db?mode=rwc", None), PathBuf::from("hw.db.audit-key"));
        assert_eq!(key_path("postgres://u@h/db", None), PathBuf::from("homeward-audit.key"));
        assert_eq!(key_path("postgres://u@h/db", Some(Path::new("/etc/hw.key"))), PathBuf::from("/etc/hw.key"));
    }
}
