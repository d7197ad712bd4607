//! Monitoring and evaluation for Homeward as pure computation: no files, no database. The CLI,
//! the API and the web app hand it rows and get tables back.
//!
//! - [`frame`]: a table read from text cells; numeric or categorical columns.
//! - [`formula`]: `y ~ a + b` and the design matrix it makes (treatment coding, listwise deletion).
//! - [`ols`]: least squares by QR, classical and HC1 standard errors, tests and intervals.
//! - [`summary`]: group summaries of a score with small-cell suppression.
//! - [`change`]: change between phases per case, difference in differences, effect sizes.
//! - [`indicators`]: the results framework (data) and its indicators for a period.
//! - [`special`]: the t and F distributions those tests need.

pub mod change;
pub mod estimate;
pub mod formula;
pub mod frame;
pub mod indicators;
pub mod ols;
pub mod special;
pub mod summary;
