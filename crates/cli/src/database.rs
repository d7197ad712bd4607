//! The `--database URL` option shared by every command that uses the database, and the async
//! runtime those commands run on.

use anyhow::Context;
use clap::Args;
use homeward_store::Store;

#[derive(Args, Debug, Clone)]
pub struct DatabaseArg {
    /// `sqlite://PATH` (created if missing) or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    #[arg(
        long = "database",
        env = "HOMEWARD_DATABASE_URL",
        default_value = "sqlite://homeward.db",
        value_name = "URL"
    )]
    pub url: String,
    /// The file of keys that seal the audit log, kept apart from the database (default: beside
    /// an SQLite database, `PATH.audit-key`; `homeward-audit.key` for PostgreSQL).
    #[arg(long = "audit-key", env = "HOMEWARD_AUDIT_KEY_FILE", value_name = "FILE")]
    pub audit_key: Option<std::path::PathBuf>,
    /// Connections this process keeps to PostgreSQL (default: 4 per core, from 8 to 64); with
    /// several app servers, their sum must stay under PostgreSQL's `max_connections`.
    #[arg(long = "pool-size", env = "HOMEWARD_DATABASE_POOL_SIZE", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: Option<u32>,
    /// A folder of programme settings read at start-up (README: programme settings): any of
    /// `feasibility-grid.toml`, `timing-rules.toml`, `results-framework.toml`, `rss-profile.toml`,
    /// `settings.toml`; the bundled one for each file that is not there.
    #[arg(long = "settings", env = "HOMEWARD_SETTINGS", value_name = "DIR")]
    pub settings: Option<std::path::PathBuf>,
    /// Keep new documents' content as files in this directory (made if missing) rather than in
    /// the database; documents kept before stay where they are and are still read.
    #[arg(long = "documents-dir", env = "HOMEWARD_DOCUMENTS_DIR", value_name = "DIR", conflicts_with = "documents_s3")]
    pub documents: Option<std::path::PathBuf>,
    /// Keep new documents' content as objects in an S3-compatible store,
    /// `http://HOST:PORT/BUCKET` (made if missing), with `HOMEWARD_S3_ACCESS_KEY_ID`,
    /// `HOMEWARD_S3_SECRET_ACCESS_KEY` and `HOMEWARD_S3_REGION` (default `us-east-1`).
    #[arg(long = "documents-s3", env = "HOMEWARD_DOCUMENTS_S3", value_name = "URL")]
    pub documents_s3: Option<String>,
    /// The file of keys that seal names, notes and documents at rest, kept apart from the
    /// database and its backups (default: beside an SQLite database, `PATH.data-key`;
    /// `homeward-data.key` for PostgreSQL).
    #[arg(long = "data-key", env = "HOMEWARD_DATA_KEY_FILE", value_name = "FILE")]
    pub data_key: Option<std::path::PathBuf>,
    /// The file of this installation's exchange key, which signs and opens handovers with partner
    /// installations (default: beside an SQLite database, `PATH.exchange-key`;
    /// `homeward-exchange.key` for PostgreSQL).
    #[arg(long = "exchange-key", env = "HOMEWARD_EXCHANGE_KEY_FILE", value_name = "FILE")]
    pub exchange_key: Option<std::path::PathBuf>,
}

impl DatabaseArg {
    /// Opens the database, applying pending migrations, and loads its data keys (made on first
    /// use) for this process.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let store = Store::open_with(&self.url, &self.options())
            .await
            .with_context(|| format!("cannot open database {}", redact(&self.url)))?;
        crate::data_key::load(&store, &self.data_key_path()).await?;
        Ok(store)
    }

    /// Where the data keys are kept.
    pub fn data_key_path(&self) -> std::path::PathBuf {
        crate::data_key::key_path(&self.url, self.data_key.as_deref())
    }

    /// How to connect.
    pub fn options(&self) -> homeward_store::Options {
        homeward_store::Options { pool_size: self.pool_size }
    }

    /// Where the audit key is kept.
    pub fn key_path(&self) -> std::path::PathBuf {
        crate::audit_key::key_path(&self.url, self.audit_key.as_deref())
    }

    /// The operations on `store`, sealing the audit log with the deployment's key (made on
    /// first use) and under the deployment's settings.
    pub async fn services(&self, store: &Store) -> anyhow::Result<homeward_service::Services> {
        let key = crate::audit_key::load(store, &self.key_path(), crate::audit_key::IfMissing::Create).await?;
        let scorer = crate::commands::load_scorer(None)?;
        let programme = homeward_service::programme::Programme::load(self.settings.as_deref(), scorer.instrument())
            .context("the programme settings cannot be used")?;
        let settings = crate::deployment::settings(programme.settings.clone())?;
        let storage = match (&self.documents, &self.documents_s3) {
            (Some(dir), _) => homeward_service::document_storage::DocumentStorage::directory(dir)
                .with_context(|| format!("the documents directory {} cannot be used", dir.display()))?,
            (None, Some(url)) => {
                let var = |name: &str| std::env::var(name).unwrap_or_default();
                let region =
                    Some(var("HOMEWARD_S3_REGION")).filter(|r| !r.is_empty()).unwrap_or_else(|| "us-east-1".into());
                let config = homeward_service::s3::S3Config::new(
                    url,
                    &region,
                    &var("HOMEWARD_S3_ACCESS_KEY_ID"),
                    &var("HOMEWARD_S3_SECRET_ACCESS_KEY"),
                )
                .map_err(anyhow::Error::msg)?;
                config.ensure_bucket().await.context("the documents store cannot be used")?;
                homeward_service::document_storage::DocumentStorage::S3(config)
            }
            (None, None) => homeward_service::document_storage::DocumentStorage::Database,
        };
        let services = homeward_service::Services::new(store.clone(), scorer, key)
            .with_programme(programme)
            .with_settings(settings)
            .with_document_storage(storage)
            .with_exchange(crate::data_key::exchange(&crate::data_key::exchange_path(
                &self.url,
                self.exchange_key.as_deref(),
            ))?);
        if !homeward_service::cases::search_index_is_current(&services).await? && store.count_rows("cases").await? > 0 {
            eprintln!("Indexing every case for search under the current rules (about a minute per 100,000 cases)...");
        }
        let reindexed = homeward_service::cases::reindex_search(&services).await?;
        if reindexed > 0 {
            eprintln!("Indexed {reindexed} cases for search under the current rules.");
        }
        let sealed = homeward_service::protection::seal_clear_values(&services).await?;
        if sealed > 0 {
            eprintln!("Sealed {sealed} values written before sealing at rest began.");
        }
        Ok(services)
    }
}

/// The file of an `sqlite://PATH` URL (without its `?options`); `None` for another database.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url.strip_prefix("sqlite://")?;
    Some(std::path::PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Runs `future` on a multi-threaded runtime.
pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> anyhow::Result<T> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(super::redact("postgres://hw:secret@db:5432/hw"), "postgres://hw:***@db:5432/hw");
        assert_eq!(super::redact("sqlite://homeward.db"), "sqlite://homeward.db");
    }
}
