//! Registering a returnee: the form, and its errors shown next to each field with what was typed
//! kept. The registration goes through the service's operation, so its rules are the API's.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::problem;
use homeward_domain::returnee::{Registration, Sex};
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::cases;
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Session, csrf_for};

#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    date_of_return: String,
    #[serde(default)]
    pub country_of_origin: String,
    #[serde(default)]
    office: String,
    // The return, as the handbook's analyses break scores down by it (lines 9170-9181).
    #[serde(default)]
    host_country: String,
    #[serde(default)]
    return_type: String,
    #[serde(default)]
    return_assistance: String,
    #[serde(default)]
    years_abroad: String,
    #[serde(default)]
    returned_to_community_of_origin: String,
}

/// A text or date input with its value and error.
pub struct TextField {
    name: &'static str,
    kind: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    form: RegisterForm,
    text_fields: Vec<TextField>,
    sexes: Vec<&'static str>,
    countries: Vec<(&'static str, &'static str)>,
    sex_error: Option<String>,
    country_error: Option<String>,
    /// The return's choices: (field, its options, the value picked, its error).
    return_choices: Vec<Choice>,
    years_abroad_error: Option<String>,
    errors: Vec<FieldError>,
}

/// A select of the return's profile: blank means not known.
pub struct Choice {
    name: &'static str,
    options: Vec<(&'static str, String)>,
    value: String,
    error: Option<String>,
}

fn page(session: &Session, form: RegisterForm, errors: Vec<FieldError>, status: StatusCode) -> Response {
    let t = catalogue(&session.caller.language);
    // Each problem in the user's language, by its code.
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| t.field_problem(e));
    let field = |name: &'static str, kind: &'static str, value: &str| TextField {
        name,
        kind,
        value: value.to_string(),
        error: error(name),
    };
    let text_fields = vec![
        field("given_name", "text", &form.given_name),
        field("family_name", "text", &form.family_name),
        field("date_of_birth", "date", &form.date_of_birth),
        field("date_of_return", "date", &form.date_of_return),
        field("office", "text", &form.office),
    ];
    let named = |prefix: &str, names: &[&'static str]| -> Vec<(&'static str, String)> {
        names.iter().map(|n| (*n, t.named(prefix, n).to_string())).collect()
    };
    let countries: Vec<(&'static str, String)> =
        homeward_domain::reference::countries().into_iter().map(|(code, name)| (code, name.to_string())).collect();
    let choice = |name: &'static str, options: Vec<(&'static str, String)>, value: &str| Choice {
        name,
        options,
        value: value.to_string(),
        error: error(&format!("profile.{name}")),
    };
    let return_choices = vec![
        choice("host_country", countries, &form.host_country),
        choice("return_type", named("return_type", &["voluntary", "forced"]), &form.return_type),
        choice("return_assistance", named("return_assistance", &["assisted", "spontaneous"]), &form.return_assistance),
        choice(
            "returned_to_community_of_origin",
            vec![("yes", t.get("yes").to_string()), ("no", t.get("no").to_string())],
            &form.returned_to_community_of_origin,
        ),
    ];
    let page = RegisterPage {
        t,
        session,
        text_fields,
        sexes: Sex::ALL.iter().map(|s| s.name()).collect(),
        countries: homeward_domain::reference::countries(),
        sex_error: error("sex"),
        country_error: error("country_of_origin"),
        return_choices,
        years_abroad_error: error("profile.years_abroad"),
        form,
        errors,
    };
    render(page, status)
}

pub async fn form(session: Session) -> Response {
    let office = session.caller.access.office.clone().unwrap_or_default();
    page(&session, RegisterForm { office, ..Default::default() }, vec![], StatusCode::OK)
}

pub async fn register(State(state): State<Services>, session: Session, Form(form): Form<RegisterForm>) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    // The form's fields as the API's JSON: blank inputs are left out, so "required" is said
    // by the same rules as for an API client.
    let mut json = serde_json::Map::new();
    for (key, value) in [
        ("given_name", &form.given_name),
        ("family_name", &form.family_name),
        ("sex", &form.sex),
        ("date_of_birth", &form.date_of_birth),
        ("date_of_return", &form.date_of_return),
        ("country_of_origin", &form.country_of_origin),
        ("office", &form.office),
    ] {
        if !value.trim().is_empty() {
            json.insert(key.into(), value.trim().into());
        }
    }
    let (profile, mut problems) = profile_of(&form);
    if !profile.is_empty() {
        json.insert("profile".into(), profile.into());
    }
    let registration: Registration = match read_all(json) {
        Ok(r) if problems.is_empty() => r,
        Ok(_) => return page(&session, form, problems, StatusCode::UNPROCESSABLE_ENTITY),
        Err(mut errors) => {
            errors.append(&mut problems);
            return page(&session, form, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    match cases::register(&state, &session.caller, registration).await {
        Ok(case) => Redirect::to(&format!("/cases/{}", case.id)).into_response(),
        Err(ServiceError::Invalid(_, errors)) => page(&session, form, errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(ServiceError::Forbidden(message)) => {
            page(&session, form, vec![FieldError::new("office", message)], StatusCode::FORBIDDEN)
        }
        Err(e) => crate::layout::failure(e),
    }
}

/// The return's profile as the API's JSON (blank choices left out), and the problems of what
/// cannot be read.
fn profile_of(form: &RegisterForm) -> (serde_json::Map<String, serde_json::Value>, Vec<FieldError>) {
    let mut profile = serde_json::Map::new();
    let mut problems = vec![];
    for (key, value) in [
        ("host_country", &form.host_country),
        ("return_type", &form.return_type),
        ("return_assistance", &form.return_assistance),
    ] {
        if !value.trim().is_empty() {
            profile.insert(key.into(), value.trim().into());
        }
    }
    match form.years_abroad.trim() {
        "" => {}
        years => match years.parse::<u32>() {
            Ok(y) => {
                profile.insert("years_abroad".into(), y.into());
            }
            Err(_) => problems
                .push(FieldError::of("profile.years_abroad", problem!("not_a_whole_number", "is not a whole number"))),
        },
    }
    match form.returned_to_community_of_origin.as_str() {
        "yes" => _ = profile.insert("returned_to_community_of_origin".into(), true.into()),
        "no" => _ = profile.insert("returned_to_community_of_origin".into(), false.into()),
        _ => {}
    }
    (profile, problems)
}

/// Reads the registration, collecting a problem for every missing or unreadable field (serde
/// stops at the first, but a form should show them all at once).
fn read_all(json: serde_json::Map<String, serde_json::Value>) -> Result<Registration, Vec<FieldError>> {
    let mut errors = Vec::new();
    for required in
        ["given_name", "family_name", "sex", "date_of_birth", "date_of_return", "country_of_origin", "office"]
    {
        if !json.contains_key(required) {
            errors.push(FieldError::of(required, problem!("required", "is required")));
        }
    }
    for (field, value) in &json {
        let text = value.as_str().unwrap_or("");
        let problem = match field.as_str() {
            "sex" => Sex::from_name(text).is_none().then(|| problem!("not_a_choice", "is not one of the choices")),
            "date_of_birth" | "date_of_return" => {
                text.parse::<chrono::NaiveDate>().is_err().then(|| problem!("not_a_date", "is not a date (YYYY-MM-DD)"))
            }
            "country_of_origin" => text.parse::<homeward_domain::reference::CountryCode>().err().map(|e| e.problem()),
            _ => None,
        };
        if let Some(problem) = problem {
            errors.push(FieldError::of(field.clone(), problem));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(serde_json::Value::Object(json)).map_err(|e| vec![FieldError::new("form", e.to_string())])
}
