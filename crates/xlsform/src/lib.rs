//! XLSForm export: the RSS as a form for ODK Collect and KoboToolbox.
//!
//! [`rss_form`] builds the form as plain sheets of text (easy to test); [`XlsForm::to_xlsx`] writes
//! the workbook, and [`XlsForm::to_xform`] the XForm ODK Collect downloads from Homeward itself. Choice names are the codebook codes, so submissions score without recoding.

mod rss;
mod sheet;
mod xform;
mod xlsx;

pub use rss::{CaseChoice, FORM_ID, ROUND_FIELD, case_list_csv, rss_form};
pub use sheet::{Sheet, XlsForm};

#[derive(Debug, thiserror::Error)]
pub enum XlsFormError {
    #[error("language '{0}' is not one of the instrument's languages ({1})")]
    UnknownLanguage(String, String),
    #[error("at least one language is needed")]
    NoLanguage,
    #[error("the XForm cannot say this: {0}")]
    Unsupported(String),
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
