//! Signing in and out of the web app: the form, the session cookie, the CSRF token before a
//! session exists.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::session::{self as api_session, Credentials};
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{CSRF_COOKIE, SESSION_COOKIE, Session, cookie, csrf_for, set_cookie};
use homeward_server::extract::Client;

/// Sessions last a working day.
const SESSION_SECONDS: u32 = 12 * 3600;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    t: &'a Catalogue,
    csrf: String,
    username: String,
    message: Option<&'a str>,
    /// The language chosen on this page, if one was: the account's language from now on.
    chosen: String,
    /// Every language, as (code, its own name), to choose from before signing in.
    languages: Vec<(&'static str, &'static str)>,
}

/// Every language by its own name (a French speaker finds "Français" in an English page).
fn languages() -> Vec<(&'static str, &'static str)> {
    crate::i18n::languages().map(|code| (code, catalogue(code).named("language", code))).collect()
}

/// The language the page asks for (`?lang=fr`, or the form's choice), if it is one we have.
fn chosen(asked: &str) -> Option<&'static str> {
    crate::i18n::languages().find(|known| *known == asked)
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    lang: String,
}

/// The language of a page before sign-in: the browser's first choice we have.
fn browser_language(headers: &HeaderMap) -> &'static Catalogue {
    let wanted = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let code = wanted
        .split(',')
        .map(|l| l.split(';').next().unwrap_or("").trim().get(..2).unwrap_or(""))
        .find(|c| crate::i18n::languages().any(|known| known == *c))
        .unwrap_or("en");
    catalogue(code)
}

pub async fn sign_in_form(headers: HeaderMap, Query(query): Query<SignInQuery>) -> Response {
    let csrf = homeward_service::auth::new_token()[3..35].to_string();
    let lang = chosen(&query.lang);
    let page = SignInPage {
        t: lang.map_or_else(|| browser_language(&headers), catalogue),
        csrf: csrf.clone(),
        username: String::new(),
        message: None,
        chosen: lang.unwrap_or("").to_string(),
        languages: languages(),
    };
    let mut response = render(page, StatusCode::OK);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, &csrf, 3600));
    response
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    language: String,
}

pub async fn sign_in(
    State(state): State<Services>,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = chosen(&form.language);
    let t = lang.map_or_else(|| browser_language(&headers), catalogue);
    let expected = cookie(&headers, CSRF_COOKIE).unwrap_or("");
    let again = |message: &'static str, status: StatusCode| {
        let page = SignInPage {
            t,
            csrf: expected.to_string(),
            username: form.username.clone(),
            message: Some(t.get(message)),
            chosen: lang.unwrap_or("").to_string(),
            languages: languages(),
        };
        render(page, status)
    };
    if expected.is_empty() || form.csrf != expected {
        return again("session_expired", StatusCode::FORBIDDEN);
    }
    let credentials = Credentials { username: form.username.clone(), password: form.password.clone() };
    match api_session::sign_in(&state, credentials, &client).await {
        Ok(session) => {
            let token = session.token.clone().unwrap_or_default();
            // A language chosen on the sign-in page becomes the account's.
            if let Some(language) = lang.filter(|l| *l != session.language)
                && let Ok(caller) = api_session::authenticate(&state, &token, &client).await
            {
                let choice = homeward_service::users::LanguageChoice { language: language.to_string() };
                if let Err(e) = homeward_service::users::set_language(&state, &caller, choice).await {
                    return crate::layout::failure(e);
                }
            }
            let mut response = Redirect::to("/").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, &token, SESSION_SECONDS));
            response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, "", 0));
            response
        }
        Err(ServiceError::TooManyAttempts(_)) => again("sign_in_locked", StatusCode::TOO_MANY_REQUESTS),
        Err(ServiceError::NotSignedIn | ServiceError::Invalid(..)) => again("sign_in_failed", StatusCode::UNAUTHORIZED),
        Err(e) => crate::layout::failure(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(state): State<Services>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let Err(e) = api_session::sign_out(&state, &session.caller, &session.token).await {
        return crate::layout::failure(e);
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, "", 0));
    response
}
