//! The M&E analyses on the database, computed by `homeward-analytics` over the scored surveys of
//! a period, limited to the caller's offices, audited, and small groups suppressed: only
//! aggregates leave.
//!
//! Each endpoint loads the period's surveys (`variables::surveys`, which checks the caller may
//! read cases) and runs its analysis on them (`summary_of`, `change_of`, `regression_of`, each
//! audited); a page that runs several analyses on one period loads once and runs each.
//!
//! - `summary`: n, mean, sd, median and band shares of a score by any grouping;
//! - `change`: the change of a score between two survey rounds, by group, with the difference
//!   in differences and effect sizes of two groups;
//! - `regression`: least squares of a score on the returnees' attributes;
//! - `mentoring`: the change of mentored against non-mentored returnees, per dimension and
//!   country (seed 002's evaluation).

pub mod change;
pub mod mentoring;
pub mod regression;
pub mod summary;
pub mod variables;

pub use change::{ChangeQuery, ChangeView, change, change_of};
pub use mentoring::{MentoringRow, mentoring_of};
pub use regression::{RegressionQuery, RegressionView, regression, regression_of};
pub use summary::{SummaryQuery, summary, summary_of};
pub use variables::{GROUPS, MEASURES, NUMBERS, Surveys, surveys};

/// The suppression rule in a sentence, for reports.
pub fn suppression_rule(min_cell: u32) -> String {
    format!(
        "Groups of fewer than {min_cell} returnees are suppressed, and so is the smallest other group of any breakdown in which exactly one is hidden."
    )
}
