//! Administration: accounts and roles, offices, the service directory, and (to read) the
//! feasibility catalogue and timing rules the programme runs on. Every change goes through the
//! API's handlers, so who may do it, validation and audit are the API's. The catalogue and the
//! timing rules are versioned data files (`data/programme`): shown here, changed in the files.
//!
//! Also each user's own settings: the language of their pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::account::NewAccount;
use homeward_domain::provider::ServiceProvider;
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::providers::{self, ProviderEdit, ProviderQuery};
use homeward_service::users::{self, AccountChange, LanguageChoice};

use crate::form_view::{Input, general_problems, inputs, problems, read};
use crate::forms::{self, FormDef, Typed, typed_from_json, value};
use crate::i18n::{Catalogue, catalogue};
use crate::pages::{MessagePage, refusal, render};
use crate::session::{Posted, Session};

/// The admin pages, as (path, title message), and the permission each needs.
const TABS: [(&str, &str, Permission); 5] = [
    ("users", "accounts", Permission::ManageUsers),
    ("offices", "offices", Permission::ManageUsers),
    ("directory", "directory", Permission::ManageProviders),
    ("grid", "feasibility_catalogue", Permission::ReadCases),
    ("timing", "timing_rules", Permission::ReadCases),
];

/// The admin pages `session` may open.
pub fn tabs(session: &Session) -> Vec<(&'static str, &'static str)> {
    let access = &session.caller.access;
    let manages = access.may(Permission::ManageUsers) || access.may(Permission::ManageProviders);
    TABS.iter().filter(|(_, _, p)| manages && access.may(*p)).map(|(path, title, _)| (*path, *title)).collect()
}

/// A row of a list: its cells, and where it is edited (if it is).
pub struct Row {
    pub link: Option<String>,
    pub cells: Vec<String>,
}

/// A list with, under it, the form that adds to it (or a note when read only).
#[derive(Template)]
#[template(path = "admin.html")]
struct ListPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    tabs: Vec<(&'static str, &'static str)>,
    tab: &'static str,
    title: &'a str,
    note: Option<&'a str>,
    headers: Vec<String>,
    rows: Vec<Row>,
    /// The form: where it posts, its inputs, its problems not at an input.
    action: String,
    inputs: Vec<Input>,
    general: Vec<String>,
    submit: &'a str,
    has_errors: bool,
}

struct Listing {
    headers: Vec<String>,
    rows: Vec<Row>,
}

#[allow(clippy::too_many_arguments)]
fn list_page(
    session: &Session,
    tab: &'static str,
    note: Option<&'static str>,
    listing: Listing,
    form: Option<(&FormDef, String, Option<&Typed>)>,
    errors: &[FieldError],
) -> Response {
    let t = catalogue(&session.caller.language);
    let title = TABS.iter().find(|(p, _, _)| *p == tab).map_or(tab, |(_, title, _)| t.get(title));
    let (action, form_inputs, general) = match form {
        Some((def, action, typed)) => {
            (action, inputs(t, session, def, typed, errors), general_problems(t, def, errors))
        }
        None => (String::new(), vec![], vec![]),
    };
    let page = ListPage {
        t,
        session,
        tabs: tabs(session),
        tab,
        title,
        note: note.map(|n| t.get(n)),
        headers: listing.headers,
        rows: listing.rows,
        action,
        inputs: form_inputs,
        general,
        submit: t.get("add_record"),
        has_errors: !errors.is_empty(),
    };
    render(page, if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY })
}

// -- accounts ----------------------------------------------------------------------------------

async fn users_page(state: Services, session: Session, typed: Option<&Typed>, errors: Vec<FieldError>) -> Response {
    let t = catalogue(&session.caller.language);
    let accounts = match users::list(&state, &session.caller).await {
        Ok(a) => a,
        Err(e) => return refusal(t, e),
    };
    let headers = ["f_username", "f_role", "f_office", "f_grants", "f_language", "f_disabled"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = accounts
        .iter()
        .map(|u| {
            let s = u.settings();
            Row {
                link: Some(format!("/admin/users/{}", u.username)),
                cells: vec![
                    u.username.clone(),
                    t.named("role", s.role.name()).to_string(),
                    s.office.clone().or(s.provider.clone()).unwrap_or_default(),
                    s.grants.iter().map(|g| t.named("section", g.name())).collect::<Vec<_>>().join(", "),
                    t.named("language", &s.language).to_string(),
                    if s.disabled { t.get("yes").to_string() } else { String::new() },
                ],
            }
        })
        .collect();
    let form = (forms::named("account"), "/admin/users".to_string(), typed);
    list_page(&session, "users", None, Listing { headers, rows }, Some(form), &errors)
}

pub async fn users_list(State(state): State<Services>, session: Session) -> Response {
    users_page(state, session, None, vec![]).await
}

pub async fn user_create(State(state): State<Services>, session: Session, Posted(typed): Posted) -> Response {
    let account = match read::<NewAccount>(forms::named("account"), &typed) {
        Ok(a) => a,
        Err(errors) => return users_page(state, session, Some(&typed), errors).await,
    };
    match users::create(&state, &session.caller, account).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => users_page(state, session, Some(&typed), errors).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

/// One record's edit form.
#[derive(Template)]
#[template(path = "admin_edit.html")]
struct EditPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    tabs: Vec<(&'static str, &'static str)>,
    tab: &'static str,
    title: String,
    action: String,
    back: String,
    version: Option<i64>,
    inputs: Vec<Input>,
    general: Vec<String>,
    has_errors: bool,
}

fn edit_page(
    session: &Session,
    tab: &'static str,
    title: String,
    (form, action, version): (&FormDef, String, Option<i64>),
    typed: &Typed,
    errors: &[FieldError],
) -> Response {
    let t = catalogue(&session.caller.language);
    let page = EditPage {
        t,
        session,
        tabs: tabs(session),
        tab,
        title,
        back: format!("/admin/{tab}"),
        action,
        version,
        inputs: inputs(t, session, form, Some(typed), errors),
        general: general_problems(t, form, errors),
        has_errors: !errors.is_empty(),
    };
    render(page, if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY })
}

pub async fn user_form(State(state): State<Services>, session: Session, Path(username): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    let accounts = match users::list(&state, &session.caller).await {
        Ok(a) => a,
        Err(e) => return refusal(t, e),
    };
    let Some(account) = accounts.iter().find(|u| u.username == username) else {
        return refusal(t, ServiceError::NotFound);
    };
    let form = forms::named("account_change");
    let typed = typed_from_json(form, &serde_json::to_value(account.settings()).unwrap_or_default());
    let title = format!("{} · {}", t.get("change_account"), username);
    edit_page(&session, "users", title, (form, format!("/admin/users/{username}"), None), &typed, &[])
}

pub async fn user_change(
    State(state): State<Services>,
    session: Session,
    Path(username): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let t = catalogue(&session.caller.language);
    let form = forms::named("account_change");
    let title = format!("{} · {}", t.get("change_account"), username);
    let again = |errors: Vec<FieldError>| {
        edit_page(&session, "users", title.clone(), (form, format!("/admin/users/{username}"), None), &typed, &errors)
    };
    let change = match read::<AccountChange>(form, &typed) {
        Ok(c) => c,
        Err(errors) => return again(errors),
    };
    match users::update(&state, &session.caller, &username, change).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => match problems(e) {
            Some(errors) => again(errors),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

// -- offices -----------------------------------------------------------------------------------

pub async fn offices(State(state): State<Services>, session: Session) -> Response {
    let t = catalogue(&session.caller.language);
    let offices = match users::offices(&state, &session.caller).await {
        Ok(o) => o,
        Err(e) => return refusal(t, e),
    };
    let headers = ["f_office", "accounts", "cases_total", "cases_open"].iter().map(|k| t.get(k).to_string()).collect();
    let rows = offices
        .iter()
        .map(|o| Row {
            link: None,
            cells: vec![o.office.clone(), o.users.join(", "), o.cases.to_string(), o.open_cases.to_string()],
        })
        .collect();
    list_page(&session, "offices", Some("offices_note"), Listing { headers, rows }, None, &[])
}

// -- the service directory ---------------------------------------------------------------------

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
                t.get(if p.data.data_sharing_agreement { "yes" } else { "no" }).to_string(),
            ],
        })
        .collect();
    let form = (forms::named("provider"), "/admin/directory".to_string(), typed);
    list_page(&session, "directory", None, Listing { headers, rows }, Some(form), &errors)
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

// -- the programme's data: feasibility catalogue and timing rules ------------------------------

/// Only for those who administer something: the pages are part of the admin screens.
fn admin_only(session: &Session) -> Option<Response> {
    let t = catalogue(&session.caller.language);
    tabs(session).is_empty().then(|| render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN))
}

pub async fn grid(State(state): State<Services>, session: Session) -> Response {
    if let Some(refusal) = admin_only(&session) {
        return refusal;
    }
    let t = catalogue(&session.caller.language);
    let headers = ["dimension", "intervention", "useful_for", "criteria_list", "source_line"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = state
        .grid
        .interventions
        .iter()
        .map(|i| Row {
            link: None,
            cells: vec![
                t.get(i.dimension.name()).to_string(),
                i.name.clone(),
                i.useful_for.clone(),
                i.criteria
                    .iter()
                    .map(|c| format!("{}: {}", t.named("criteria_level", c.level.name()), c.text))
                    .collect::<Vec<_>>()
                    .join(" · "),
                i.line.to_string(),
            ],
        })
        .collect();
    list_page(&session, "grid", Some("grid_note"), Listing { headers, rows }, None, &[])
}

pub async fn timing(State(state): State<Services>, session: Session) -> Response {
    if let Some(refusal) = admin_only(&session) {
        return refusal;
    }
    let t = catalogue(&session.caller.language);
    let headers = ["schedule", "due", "anchor", "months_column", "window", "source"]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
    let rows = state
        .timing
        .schedules
        .values()
        .flat_map(|s| {
            s.rules.iter().map(move |r| Row {
                link: None,
                cells: vec![
                    s.label.clone(),
                    t.named("due", r.kind.name()).to_string(),
                    t.named("anchor", r.anchor.name()).to_string(),
                    r.months.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                    r.window_months.to_string(),
                    r.source.clone(),
                ],
            })
        })
        .collect();
    list_page(&session, "timing", Some("timing_note"), Listing { headers, rows }, None, &[])
}

// -- a user's own settings ---------------------------------------------------------------------

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
        Err(e) => crate::pages::failure(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::account::AccountSettings;

    #[test]
    fn the_account_forms_make_what_the_api_reads() {
        let typed =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let account: NewAccount = read(
            forms::named("account"),
            &typed(&[
                ("username", "mariama"),
                ("password", "a long enough password"),
                ("role", "case_manager"),
                ("office", "thies"),
                ("grants", "health"),
                ("grants", "psychosocial"),
                ("language", "fr"),
            ]),
        )
        .unwrap();
        assert_eq!(account.grants.len(), 2);
        account.validate().unwrap();
        let change: AccountChange = read(
            forms::named("account_change"),
            &typed(&[("role", "counsellor"), ("language", "en"), ("disabled", "on")]),
        )
        .unwrap();
        assert!(change.disabled && change.password.is_none());
        let settings: AccountSettings =
            serde_json::from_value(serde_json::to_value(change.settings()).unwrap()).unwrap();
        let round = typed_from_json(forms::named("account_change"), &serde_json::to_value(&settings).unwrap());
        assert_eq!(value(&round, "disabled"), "on");
        assert_eq!(value(&round, "password"), "", "a password is never put back in a form");
    }

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
