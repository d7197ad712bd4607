//! Each user's own settings: the language of their pages.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::users::{self, LanguageChoice};

use crate::forms::value;
use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    languages: Vec<(&'static str, &'static str)>,
    saved: bool,
}

pub async fn settings(session: Session, axum::extract::RawQuery(query): axum::extract::RawQuery) -> Response {
    let t = catalogue(&session.caller.language);
    let languages = crate::i18n::languages().map(|c| (c, catalogue(c).language.as_str())).collect();
    let saved = query.is_some_and(|q| q.split('&').any(|p| p == "saved"));
    render(SettingsPage { t, session: &session, languages, saved }, StatusCode::OK)
}

pub async fn set_language(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let choice = LanguageChoice { language: value(&typed, "language").to_string() };
    match users::set_language(&state, &session.caller, choice).await {
        Ok(_) => Redirect::to("/settings?saved").into_response(),
        Err(ServiceError::Invalid(..)) => StatusCode::UNPROCESSABLE_ENTITY.into_response(),
        Err(e) => crate::layout::failure(e),
    }
}
