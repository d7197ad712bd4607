//! The offices: each a record (name, country, role in a return, languages, contact) with its
//! staff and case counts; recorded and corrected here by administrators.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::office::Office;
use homeward_domain::validate::FieldError;
use homeward_service::Services;
use homeward_service::offices::{self, OfficeUpdate};

use super::*;
use crate::form_view::{problems, read};
use crate::forms::{self, Typed, typed_from_json, value};
use crate::i18n::catalogue;
use crate::layout::refusal;
use crate::session::{Posted, Session};

async fn offices_page(state: Services, session: Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let list = match offices::list(&state, &session.caller).await {
        Ok(o) => o,
        Err(e) => return refusal(t, e),
    };
    if !session.caller.access.may(homeward_domain::access::Permission::ManageUsers) {
        return refusal(t, homeward_service::ServiceError::Forbidden(String::new()));
    }
    let headers = ["f_office", "f_country", "f_role", "f_languages", "accounts", "cases_total", "cases_open"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = list
        .iter()
        .map(|o| Row {
            link: Some(format!("/admin/offices/{}", urlencoding(&o.name))),
            cells: vec![
                o.name.clone(),
                if o.country.is_empty() { t.get("office_to_complete").to_string() } else { o.country.clone() },
                t.named("office_role", o.role.name()).to_string(),
                o.languages.join(", "),
                o.users.as_deref().unwrap_or_default().join(", "),
                o.cases.unwrap_or(0).to_string(),
                o.open_cases.unwrap_or(0).to_string(),
            ],
        })
        .collect();
    let form = (forms::named("office"), "/admin/offices".to_string(), typed);
    list_page(
        &session,
        "offices",
        Some("offices_note"),
        Listing { headers, rows, pending: vec![] },
        Some(form),
        &errors,
    )
}

/// An office's name as a path segment.
fn urlencoding(name: &str) -> String {
    form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20")
}

pub async fn offices(State(state): State<Services>, session: Session) -> Response {
    offices_page(state, session, None, vec![]).await
}

pub async fn office_add(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let office = match read::<Office>(forms::named("office"), &typed) {
        Ok(o) => o,
        Err(errors) => return offices_page(state, session, Some(&typed), errors).await,
    };
    match offices::create(&state, &session.caller, office).await {
        Ok(_) => Redirect::to("/admin/offices").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => offices_page(state, session, Some(&typed), errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

pub async fn office_form(State(state): State<Services>, session: Session, Path(name): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let list = match offices::list(&state, &session.caller).await {
        Ok(o) => o,
        Err(e) => return refusal(t, e),
    };
    let Some(office) = list.into_iter().find(|o| o.name == name) else {
        return refusal(t, homeward_service::ServiceError::NotFound);
    };
    let form = forms::named("office");
    let typed = typed_from_json(form, &serde_json::to_value(&office).unwrap_or_default());
    let title = format!("{} · {}", t.get("offices"), office.name);
    let action = format!("/admin/offices/{}", urlencoding(&office.name));
    edit_page(&session, "offices", title, (form, action, Some(office.version)), &typed, &[])
}

pub async fn office_edit(
    State(state): State<Services>,
    session: Session,
    Path(name): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let t = catalogue(&session.caller.language);
    let form = forms::named("office");
    let version: i64 = value(&typed, "version").parse().unwrap_or(0);
    let title = format!("{} · {}", t.get("offices"), name);
    let again = |errors: Vec<FieldError>| {
        let target = (form, format!("/admin/offices/{}", urlencoding(&name)), Some(version));
        edit_page(&session, "offices", title.clone(), target, &typed, &errors)
    };
    let office = match read::<Office>(form, &typed) {
        Ok(o) => o,
        Err(errors) => return again(errors),
    };
    match offices::update(&state, &session.caller, &name, OfficeUpdate { version, office }).await {
        Ok(_) => Redirect::to("/admin/offices").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => again(errors),
            None => refusal(t, homeward_service::ServiceError::Conflict(String::new(), None)),
        },
    }
}

async fn installations_page(
    state: Services,
    session: Session,
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let own = match homeward_service::installations::own(&state, &session.caller) {
        Ok(o) => o,
        Err(e) => return refusal(t, e),
    };
    let partners = match homeward_service::installations::list(&state, &session.caller).await {
        Ok(p) => p,
        Err(e) => return refusal(t, e),
    };
    let headers = ["f_name", "fingerprint", "f_public_key", "added"].iter().map(|k| t.get(k).to_string()).collect();
    let mut rows = vec![Row {
        link: None,
        cells: vec![t.get("this_installation").to_string(), own.fingerprint, own.public_key, String::new()],
    }];
    rows.extend(partners.into_iter().map(|p| Row {
        link: None,
        cells: vec![
            p.name,
            p.fingerprint,
            p.public_key,
            format!(
                "{} · {}",
                p.added_at.as_deref().map(|a| t.date_text(a)).unwrap_or_default(),
                p.added_by.unwrap_or_default()
            ),
        ],
    }));
    let form = (forms::named("installation"), "/admin/installations".to_string(), typed);
    let listing = Listing { headers, rows, pending: vec![] };
    list_page(&session, "installations", Some("installations_note"), listing, Some(form), &errors)
}

pub async fn installations(State(state): State<Services>, session: Session) -> Response {
    installations_page(state, session, None, vec![]).await
}

pub async fn installation_add(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let new = match read::<homeward_service::installations::NewInstallation>(forms::named("installation"), &typed) {
        Ok(n) => n,
        Err(errors) => return installations_page(state, session, Some(&typed), errors).await,
    };
    match homeward_service::installations::register(&state, &session.caller, new).await {
        Ok(_) => Redirect::to("/admin/installations").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => installations_page(state, session, Some(&typed), errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}
