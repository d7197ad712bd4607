//! The process's log: to standard error, as text for a person or one JSON object a line for a log
//! collector, at the level `HOMEWARD_LOG` (or `--log`) sets. What is logged never holds a name
//! or case content (see `homeward_server::logging`).

use std::str::FromStr;

use anyhow::Context;
use clap::{Args, ValueEnum};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Args, Debug)]
pub struct LogArgs {
    /// What to log: a level (`error`, `warn`, `info`, `debug`, `trace`, `off`), optionally per
    /// module, e.g. `info,sqlx=warn`.
    #[arg(long = "log", global = true, env = "HOMEWARD_LOG", default_value = "info,sqlx=warn", value_name = "LEVEL")]
    pub level: String,
    /// `text` for a terminal, `json` for a log collector.
    #[arg(long, global = true, env = "HOMEWARD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Starts the log for this process.
pub fn init(args: &LogArgs) -> anyhow::Result<()> {
    let filter = Targets::from_str(&args.level)
        .with_context(|| format!("--log / HOMEWARD_LOG '{}' is not a log level such as info or debug", args.level))?;
    let registry = tracing_subscriber::registry().with(filter);
    let text = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false);
    match args.log_format {
        LogFormat::Text => registry.with(text).try_init(),
        LogFormat::Json => registry.with(text.json().flatten_event(true)).try_init(),
    }
    .context("cannot start the log")
}
