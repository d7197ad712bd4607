//! The batch file contract of `homeward rss score` (`docs/rss/SCORING.md`): a CSV of surveys in,
//! a CSV of results out, one row per input row, in input order.
//!
//! The input is read in chunks cut at exact record boundaries, scored on every core and written
//! back in order, so memory does not grow with the file (only the set of survey ids seen, which
//! the duplicate rule needs). Callers own the files: this crate reads a `Read` and writes a `Write`.

mod chunks;
mod format;
mod header;
mod pipeline;
mod records;
mod score;
mod sensitivity;

pub use format::runs_as_formula;
pub use header::{Header, OUTPUT_COLUMNS};
pub use pipeline::{Options, Progress};
pub use score::{Summary, score_csv};
pub use sensitivity::{SensitivityRow, SensitivityTable, sensitivity};

/// Why a file could not be processed at all (exit status 2: nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("cannot read the input: {0}")]
    Read(std::io::Error),
    #[error("cannot write the output: {0}")]
    Write(std::io::Error),
    #[error("the input is empty: a header row is needed")]
    Empty,
    #[error("row {row}: not UTF-8 text (column {column}); save the file as CSV UTF-8")]
    NotUtf8 { row: u64, column: usize },
    #[error("the header has no column '{0}' (columns are case-sensitive: survey_id, consent, Q1..Q32 except Q21)")]
    MissingColumn(String),
    #[error("the header has column '{name}' twice (columns {first} and {second})")]
    DuplicateColumn { name: String, first: usize, second: usize },
    #[error("cannot re-weigh the profile: {0}")]
    Weights(#[from] homeward_rss::ProfileError),
    #[error("internal error: {0}; nothing was written, please report this")]
    Internal(&'static str),
    #[error("a row after byte {offset} is longer than {limit} bytes; is this a CSV file?")]
    RowTooLong { offset: u64, limit: usize },
}
