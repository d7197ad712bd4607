//! XLSForm export: the RSS as a form for ODK Collect and KoboToolbox.
//!
//! [`rss_form`] builds the form as plain sheets of text (easy to test); [`XlsForm::to_xlsx`] writes
//! the workbook. Choice names are the codebook codes, so submissions score without recoding.

mod rss;
mod sheet;
mod xlsx;

pub use rss::{CaseChoice, FORM_ID, ROUND_FIELD, case_list_csv, rss_form};
pub use sheet::{Sheet, XlsForm};

#[derive(Debug, thiserror::Error)]
pub enum XlsFormError {
    #[error("language '{0}' is not one of the instrument's languages ({1})")]
    UnknownLanguage(String, String),
    #[error("at least one language is needed")]
    NoLanguage,
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
