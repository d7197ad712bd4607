//! What users read, in their language, whichever way they reach Homeward (web pages, the JSON
//! API, the command line): the message catalogues (`i18n`, from `data/i18n`), the forms of the
//! records kept on a case as data (`forms`, from `data/forms`), whose fields and option labels
//! also head the columns of exports; and exports of case data as CSV or XLSX (`export`).

pub mod export;
pub mod forms;
pub mod i18n;
