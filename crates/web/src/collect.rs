//! Forms for collecting offline with ODK Collect or KoboToolbox: the RSS as an XLSForm, in every
//! language Homeward has, the user's first.

use axum::extract::State;
use axum::response::Response;
use homeward_service::{Services, catalogue};

use crate::i18n;
use crate::session::Session;

/// `GET /forms/rss.xlsx`, for those who take surveys.
pub async fn rss_xlsform(State(state): State<Services>, session: Session) -> Response {
    match catalogue::rss_form(&state, &session.caller, &session.caller.language) {
        Ok(bytes) => crate::report::download(Ok(bytes), "homeward-rss.xlsx"),
        Err(e) => crate::layout::refusal(i18n::catalogue(&session.caller.language), e),
    }
}
