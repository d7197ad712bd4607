//! The service directory: providers a case can be referred to, added, corrected and re-verified.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::provider::ServiceProvider;
use homeward_domain::validate::FieldError;
use homeward_service::Services;
use homeward_service::providers::{self, ProviderEdit, ProviderQuery};

use super::*;
use crate::form_view::{problems, read};
use crate::forms::{self, Typed, typed_from_json, value};
use crate::i18n::catalogue;
use crate::layout::refusal;
use crate::session::{Posted, Session};

async fn directory_page(state: Services, session: Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let everyone = ProviderQuery { country: None, place: None, service: None, dimension: None };
    let entries = match providers::list(&state, &session.caller, everyone).await {
        Ok(p) => p,
        Err(e) => return refusal(t, e),
    };
    let headers = ["f_organisation", "f_services", "f_place", "f_last_verified", "f_data_sharing_agreement"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = entries
        .iter()
        .map(|p| Row {
            link: Some(format!("/admin/directory/{}", p.id)),
            cells: vec![
                p.data.organisation.clone(),
                p.data.services.join(", "),
                format!("{} ({})", p.data.place, p.data.country.as_str()),
                format!(
                    "{}{}",
                    t.date(&p.data.last_verified),
                    if p.stale { format!(" · {}", t.get("stale")) } else { String::new() }
                ),
                t.get(if p.data_sharing_agreement { "yes" } else { "no" }).to_string(),
            ],
        })
        .collect();
    let form = (forms::named("provider"), "/admin/directory".to_string(), typed);
    list_page(&session, "directory", None, Listing { headers, rows, pending: vec![] }, Some(form), &errors)
}

pub async fn directory(State(state): State<Services>, session: Session) -> Response {
    directory_page(state, session, None, vec![]).await
}

pub async fn provider_add(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let provider = match read::<ServiceProvider>(forms::named("provider"), &typed) {
        Ok(p) => p,
        Err(errors) => return directory_page(state, session, Some(&typed), errors).await,
    };
    match providers::add(&state, &session.caller, provider).await {
        Ok(_) => Redirect::to("/admin/directory").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => directory_page(state, session, Some(&typed), errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

pub async fn provider_form(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let entry = match providers::read(&state, &session.caller, &id).await {
        Ok(p) => p,
        Err(e) => return refusal(t, e),
    };
    let form = forms::named("provider");
    let typed = typed_from_json(form, &serde_json::to_value(&entry.data).unwrap_or_default());
    let title = format!("{} · {}", t.get("directory"), entry.data.organisation);
    edit_page(&session, "directory", title, (form, format!("/admin/directory/{id}"), Some(entry.version)), &typed, &[])
}

pub async fn provider_edit(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let t = catalogue(&session.caller.language);
    let form = forms::named("provider");
    let version: i64 = value(&typed, "version").parse().unwrap_or(0);
    let title = format!("{} · {}", t.get("directory"), value(&typed, "organisation"));
    let again = |errors: Vec<FieldError>| {
        let target = (form, format!("/admin/directory/{id}"), Some(version));
        edit_page(&session, "directory", title.clone(), target, &typed, &errors)
    };
    let data = match read::<ServiceProvider>(form, &typed) {
        Ok(p) => p,
        Err(errors) => return again(errors),
    };
    let edit = ProviderEdit { version, data };
    match providers::edit(&state, &session.caller, &id, edit).await {
        Ok(_) => Redirect::to("/admin/directory").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => again(errors),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_form_makes_what_the_api_reads() {
        let provider: ServiceProvider = read(
            forms::named("provider"),
            &[
                ("organisation", "Centre"),
                ("services", "training\nplacement"),
                ("dimensions", "economic"),
                ("country", "SN"),
                ("place", "Thiès"),
                ("last_verified", "2026-06-01"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        )
        .unwrap();
        provider.validate().unwrap();
        assert_eq!(provider.services, ["training", "placement"]);
    }
}
