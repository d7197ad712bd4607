//! Exporting case data from the web app: a page that says what an export holds for this user,
//! and the downloads (XLSX or CSV files in a zip), produced as the API's export is.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use homeward_present::export::{ExportFormat, produce};
use homeward_service::Services;
use homeward_service::exports::{ExportSummary, plan};

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::Session;

pub fn routes() -> Router<Services> {
    Router::new().route("/exports", get(show)).route("/exports/{file}", get(download))
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    /// What the user's export holds and leaves out.
    plan: ExportSummary,
}

/// `GET /exports`: what an export holds for this user, and the two downloads.
pub async fn show(session: Session) -> Response {
    let t = catalogue(&session.caller.language);
    render(ExportsPage { t, session: &session, plan: plan(&session.caller) }, StatusCode::OK)
}

/// `GET /exports/cases.xlsx`, `GET /exports/cases.zip`: the export, streamed.
pub async fn download(State(state): State<Services>, session: Session, Path(file): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let format = file.strip_prefix("cases.").and_then(ExportFormat::from_name);
    let Some(format) = format.filter(|f| file.ends_with(f.extension())) else {
        return crate::layout::refusal(t, homeward_service::ServiceError::NotFound);
    };
    match produce(&state, &session.caller, format, t).await {
        Ok((file, _)) => {
            let name = format!("homeward-export-{}.{}", chrono::Utc::now().format("%Y-%m-%d"), format.extension());
            homeward_server::download::file_response(file, format.content_type(), &name)
        }
        Err(e) => crate::layout::refusal(t, e),
    }
}
