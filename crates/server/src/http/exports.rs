//! Exports of case data: everything the caller may see of the cases of their offices, as an XLSX
//! workbook or CSV files in a zip, labels in their language; streamed from a temporary file.

use axum::extract::State;
use axum::response::Response;
use homeward_present::export::{ExportFormat, produce};
use homeward_service::Services;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Params};

/// How an export is asked for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (one sheet per part, the default) or `zip` (one CSV file per part).
    #[serde(default)]
    #[param(inline)]
    pub format: Option<FormatName>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormatName {
    Xlsx,
    Zip,
}

/// The file of an export.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the response; the handler streams the file itself
pub struct ExportDownload(Vec<u8>);

/// Everything the caller may see of the cases of their offices: cases, records, surveys with
/// their scores, plans and components, referrals (a partner: its referral packets), codes and
/// labels in the caller's language. Pseudonymised for the M&E officer; a sensitive section's
/// records only with its grant; what is left out is said in the file. Every case exported is
/// audited as exported.
#[utoipa::path(get, path = "/api/v1/exports/cases", operation_id = "export_cases", tag = "cases",
    params(ExportQuery),
    responses((status = 200, description = "The export as a file (an XLSX workbook or a zip of CSV files, as asked), named \
            in Content-Disposition", content((ExportDownload = "application/octet-stream"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cases(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(query): Params<ExportQuery>,
) -> ApiResult<Response> {
    let format = match query.format.unwrap_or(FormatName::Xlsx) {
        FormatName::Xlsx => ExportFormat::Xlsx,
        FormatName::Zip => ExportFormat::CsvZip,
    };
    let t = homeward_present::i18n::catalogue(&caller.language);
    let (file, _) = produce(&state, &caller, format, t).await?;
    let name = format!("homeward-export-{}.{}", chrono::Utc::now().format("%Y-%m-%d"), format.extension());
    // Sent as bytes: API clients generated from the document handle `application/octet-stream`;
    // the file's name says what it is.
    Ok(crate::download::file_response(file, "application/octet-stream", &name))
}
