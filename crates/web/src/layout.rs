//! What every page shares: rendering a template, the page that says a sentence (a refusal, a
//! message), and what a page answers when an operation fails in a way it does not show in place.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use homeward_service::ServiceError;

use crate::i18n::Catalogue;

pub(crate) fn render(template: impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => failure(ServiceError::Internal(format!("template: {e}"))),
    }
}

/// Percent-encoding for a query value.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage<'a> {
    pub t: &'a Catalogue,
    pub message: &'a str,
}

/// A refusal as a page in the user's language: 403 and 404 say so in a sentence; any other
/// error answers as [`failure`] does.
pub(crate) fn refusal(t: &Catalogue, e: ServiceError) -> Response {
    match e {
        ServiceError::Forbidden(_) => render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN),
        ServiceError::NotFound => render(MessagePage { t, message: t.get("not_found") }, StatusCode::NOT_FOUND),
        other => failure(other),
    }
}

/// An error that no page shows in place: the status the API gives it, and its sentence (an
/// internal error is logged and never described to the user). Without a session, the sign-in.
pub(crate) fn failure(e: ServiceError) -> Response {
    let status = match &e {
        ServiceError::NotSignedIn => return Redirect::to("/sign-in").into_response(),
        ServiceError::Unreadable(..) => StatusCode::BAD_REQUEST,
        ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::Conflict(..) => StatusCode::CONFLICT,
        ServiceError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::Internal(cause) => {
            tracing::error!(%cause, "a page failed");
            let message = "the server could not complete the request; nothing was changed";
            return (StatusCode::INTERNAL_SERVER_ERROR, message).into_response();
        }
    };
    (status, e.to_string()).into_response()
}

/// Each currency's exact total as text (`0.30 EUR`); one too large to add up says so, naming its
/// currency, rather than showing a wrong figure.
pub(crate) fn totals_text(
    t: &Catalogue,
    amounts: impl IntoIterator<Item = homeward_domain::reference::Money>,
) -> Vec<String> {
    homeward_domain::reference::totals(amounts)
        .into_iter()
        .map(|(currency, sum)| match sum {
            Some(money) => money.to_string(),
            None => format!("{currency}: {}", t.get("total_too_large")),
        })
        .collect()
}

#[cfg(test)]
mod rtl_tests {
    use crate::i18n::Catalogue;

    #[test]
    fn a_right_to_left_catalogue_turns_the_pages_around() {
        use askama::Template;
        // What adding an Arabic catalogue does: the same messages, direction `rtl`.
        let text = include_str!("../../../data/i18n/en.toml").replace("direction = \"ltr\"", "direction = \"rtl\"");
        let mut arabic: Catalogue = toml::from_str(&text).unwrap();
        arabic.code = "ar".into();
        let html = super::MessagePage { t: &arabic, message: "x" }.render().unwrap();
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
        // The stylesheet leans on logical properties only, so it needs no mirror image.
        let css = include_str!("../static/homeward.css");
        for physical in ["left", "right"] {
            let uses: Vec<&str> =
                css.lines().filter(|l| l.contains(physical) && !l.trim_start().starts_with("Logical")).collect();
            assert!(uses.is_empty(), "physical `{physical}` in the stylesheet: {uses:?}");
        }
    }
}
