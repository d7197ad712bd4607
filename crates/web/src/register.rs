//! Registering a returnee, and correcting a registration afterwards: one form for both, with
//! every profile field of docs/domain.md 2.1 (contacts, address, languages, preferred gender of
//! staff, an identity document...). Errors are shown next to each field with what was typed kept.
//! Both go through the service's operations, so the rules (and the version check and audit of a
//! correction) are the API's.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::problem;
use homeward_domain::returnee::{Registration, Sex, StaffGender};
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::cases::{self, CaseUpdate};
use homeward_service::views::CaseView;
use serde::Deserialize;

use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Session, csrf_for};

#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    /// Names this registration: a double click or a resent form makes one case.
    #[serde(default)]
    idempotency_key: String,
    /// The version read, when correcting.
    #[serde(default)]
    version: String,
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
    // Reaching the returnee and working with them (docs/domain.md 2.1).
    /// Phone numbers and other ways to reach them, one per line.
    #[serde(default)]
    contacts: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    community: String,
    #[serde(default)]
    occupation: String,
    /// Languages, separated by commas.
    #[serde(default)]
    languages: String,
    #[serde(default)]
    interpreter_needed: String,
    #[serde(default)]
    preferred_staff_gender: String,
    #[serde(default)]
    pre_departure_information: String,
    #[serde(default)]
    in_vulnerable_situation: String,
    #[serde(default)]
    id_document: String,
    /// `1` once the user confirmed the possible duplicates shown are other people.
    #[serde(default)]
    confirmed: String,
    /// The ids of the possible duplicates shown, separated by commas.
    #[serde(default)]
    not_duplicates: String,
}

impl RegisterForm {
    /// The form filled with a case as it stands, to correct it.
    fn of(case: &CaseView) -> RegisterForm {
        let p = &case.profile;
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "yes".to_string(),
            Some(false) => "no".to_string(),
            None => String::new(),
        };
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        RegisterForm {
            csrf: String::new(),
            idempotency_key: String::new(),
            version: case.version.to_string(),
            given_name: case.given_name.clone().unwrap_or_default(),
            family_name: case.family_name.clone().unwrap_or_default(),
            sex: case.sex.name().to_string(),
            date_of_birth: case.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            date_of_return: case.date_of_return.to_string(),
            country_of_origin: case.country_of_origin.clone(),
            office: case.office.clone(),
            host_country: p.host_country.map(|c| c.to_string()).unwrap_or_default(),
            return_type: p.return_type.map(|r| r.name().to_string()).unwrap_or_default(),
            return_assistance: p.return_assistance.map(|r| r.name().to_string()).unwrap_or_default(),
            years_abroad: p.years_abroad.map(|y| y.to_string()).unwrap_or_default(),
            returned_to_community_of_origin: yes_no(p.returned_to_community_of_origin),
            contacts: p.contacts.join("\n"),
            address: text(&p.address),
            province: text(&p.province),
            community: text(&p.community),
            occupation: text(&p.occupation),
            languages: p.languages.join(", "),
            interpreter_needed: yes_no(p.interpreter_needed),
            preferred_staff_gender: p.preferred_staff_gender.map(|g| g.name().to_string()).unwrap_or_default(),
            pre_departure_information: yes_no(p.pre_departure_information),
            in_vulnerable_situation: yes_no(p.in_vulnerable_situation),
            id_document: text(&p.id_document),
            confirmed: String::new(),
            not_duplicates: String::new(),
        }
    }
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
    /// `register`, or `correct_registration` with the case's number.
    title: String,
    /// Where the form posts.
    action: String,
    /// The case being corrected, for the way back.
    case_id: Option<String>,
    form: RegisterForm,
    text_fields: Vec<TextField>,
    sexes: Vec<&'static str>,
    countries: Vec<(&'static str, &'static str)>,
    sex_error: Option<String>,
    country_error: Option<String>,
    /// The return's choices: (field, its options, the value picked, its error).
    return_choices: Vec<Choice>,
    years_abroad_error: Option<String>,
    /// Reaching the returnee: text inputs of the profile.
    contact_fields: Vec<TextField>,
    contacts_error: Option<String>,
    languages_error: Option<String>,
    /// Working with the returnee: choices of the profile.
    situation_choices: Vec<Choice>,
    errors: Vec<FieldError>,
    /// Cases that may be the same person, shown before a new registration is saved.
    duplicates: Vec<homeward_service::duplicates::PossibleDuplicate>,
    /// The input of the first problem, in the form's order: the page opens with the cursor there.
    first_error: Option<String>,
}

/// A select of the profile: blank means not known.
pub struct Choice {
    name: &'static str,
    options: Vec<(&'static str, String)>,
    value: String,
    error: Option<String>,
}

/// Where the page posts and what it is called.
struct Target {
    title: String,
    action: String,
    case_id: Option<String>,
}

fn page(
    session: &Session,
    target: Target,
    form: RegisterForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    page_with(session, target, form, errors, status, vec![])
}

fn page_with(
    session: &Session,
    target: Target,
    form: RegisterForm,
    errors: Vec<FieldError>,
    status: StatusCode,
    duplicates: Vec<homeward_service::duplicates::PossibleDuplicate>,
) -> Response {
    let t = catalogue(&session.caller.language);
    // Each problem in the user's language, by its code; a list's problem shows at its input.
    let error = |field: &str| {
        let found: Vec<String> = errors
            .iter()
            .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
            .map(|e| t.field_problem(e))
            .collect();
        (!found.is_empty()).then(|| found.join("; "))
    };
    let field = |name: &'static str, kind: &'static str, value: &str, key: &str| TextField {
        name,
        kind,
        value: value.to_string(),
        error: error(key),
    };
    let text_fields = vec![
        field("given_name", "text", &form.given_name, "given_name"),
        field("family_name", "text", &form.family_name, "family_name"),
        field("date_of_birth", "date", &form.date_of_birth, "date_of_birth"),
        field("date_of_return", "date", &form.date_of_return, "date_of_return"),
        field("office", "text", &form.office, "office"),
    ];
    let contact_fields = vec![
        field("address", "text", &form.address, "profile.address"),
        field("province", "text", &form.province, "profile.province"),
        field("community", "text", &form.community, "profile.community"),
        field("occupation", "text", &form.occupation, "profile.occupation"),
        field("id_document", "text", &form.id_document, "profile.id_document"),
    ];
    let named = |prefix: &str, names: &[&'static str]| -> Vec<(&'static str, String)> {
        names.iter().map(|n| (*n, t.named(prefix, n).to_string())).collect()
    };
    let yes_no = || vec![("yes", t.get("yes").to_string()), ("no", t.get("no").to_string())];
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
        choice("returned_to_community_of_origin", yes_no(), &form.returned_to_community_of_origin),
    ];
    let genders: Vec<&'static str> = StaffGender::ALL.iter().map(|g| g.name()).collect();
    let situation_choices = vec![
        choice("interpreter_needed", yes_no(), &form.interpreter_needed),
        choice("preferred_staff_gender", named("staff_gender", &genders), &form.preferred_staff_gender),
        choice("pre_departure_information", yes_no(), &form.pre_departure_information),
        choice("in_vulnerable_situation", yes_no(), &form.in_vulnerable_situation),
    ];
    let page = RegisterPage {
        t,
        session,
        title: target.title,
        action: target.action,
        case_id: target.case_id,
        text_fields,
        sexes: Sex::ALL.iter().map(|s| s.name()).collect(),
        countries: homeward_domain::reference::countries(),
        sex_error: error("sex"),
        country_error: error("country_of_origin"),
        return_choices,
        years_abroad_error: error("profile.years_abroad"),
        contact_fields,
        contacts_error: error("profile.contacts"),
        languages_error: error("profile.languages"),
        situation_choices,
        form,
        first_error: first_error(&errors),
        errors,
        duplicates,
    };
    render(page, status)
}

/// The registration form again, with the cases that may be the same person and the choice to
/// open one or to confirm this is someone else.
fn duplicates_page(
    session: &Session,
    mut form: RegisterForm,
    duplicates: Vec<homeward_service::duplicates::PossibleDuplicate>,
) -> Response {
    let t = catalogue(&session.caller.language);
    form.not_duplicates = duplicates.iter().map(|d| d.case_id.clone()).collect::<Vec<_>>().join(",");
    page_with(session, new_case(t), form, vec![], StatusCode::OK, duplicates)
}

/// The input of the first problem in the form's order (a profile field by its input's name).
fn first_error(errors: &[FieldError]) -> Option<String> {
    const ORDER: [&str; 12] = [
        "given_name",
        "family_name",
        "date_of_birth",
        "date_of_return",
        "office",
        "sex",
        "country_of_origin",
        "host_country",
        "return_type",
        "return_assistance",
        "years_abroad",
        "address",
    ];
    let named: Vec<&str> = errors.iter().map(|e| e.field.trim_start_matches("profile.")).collect();
    ORDER
        .iter()
        .find(|o| named.iter().any(|n| n == *o))
        .map(|o| o.to_string())
        .or_else(|| named.first().map(|n| n.split('[').next().unwrap_or(n).to_string()))
}

fn new_case(t: &Catalogue) -> Target {
    Target { title: t.get("register").to_string(), action: "/cases/new".into(), case_id: None }
}

fn correction(t: &Catalogue, case_id: &str, case_number: &str) -> Target {
    Target {
        title: format!("{} · {case_number}", t.get("correct_registration")),
        action: format!("/cases/{case_id}/edit"),
        case_id: Some(case_id.to_string()),
    }
}

pub async fn form(session: Session) -> Response {
    let office = session.caller.access.office.clone().unwrap_or_default();
    let t = catalogue(&session.caller.language);
    page(&session, new_case(t), RegisterForm { office, ..Default::default() }, vec![], StatusCode::OK)
}

pub async fn register(State(state): State<Services>, session: Session, Form(form): Form<RegisterForm>) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    let registration = match registration_of(&form) {
        Ok(r) => r,
        Err(errors) => return page(&session, new_case(t), form, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let once = homeward_service::idempotency::IdempotencyKey::parse(&form.idempotency_key).ok();
    match cases::registered_with(&state, &session.caller, once.as_ref()).await {
        Ok(Some(id)) => return Redirect::to(&format!("/cases/{id}")).into_response(),
        Ok(None) => {}
        Err(e) => return crate::layout::failure(e),
    }
    // Before a new person is saved: may they be on record already?
    let registered = if form.confirmed == "1" {
        let not_duplicates: Vec<String> =
            form.not_duplicates.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        let confirmed = homeward_service::duplicates::ConfirmedRegistration { registration, not_duplicates };
        homeward_service::duplicates::register_confirmed(&state, &session.caller, confirmed, once).await
    } else {
        match homeward_service::duplicates::possible_duplicates(&state, &session.caller, &registration).await {
            Ok(found) if !found.is_empty() => return duplicates_page(&session, form, found),
            Ok(_) => cases::register_once(&state, &session.caller, registration, once).await,
            Err(e) => Err(e),
        }
    };
    match registered {
        Ok(case) => Redirect::to(&format!("/cases/{}", case.id)).into_response(),
        Err(ServiceError::Invalid(_, errors)) => {
            page(&session, new_case(t), form, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ServiceError::Forbidden(message)) => {
            page(&session, new_case(t), form, vec![FieldError::new("office", message)], StatusCode::FORBIDDEN)
        }
        Err(e) => crate::layout::failure(e),
    }
}

/// The registration of a case, to correct it.
pub async fn edit_form(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    let t = catalogue(&session.caller.language);
    if !session.caller.access.may(homeward_domain::access::Permission::EditCase) {
        return crate::layout::refusal(t, ServiceError::Forbidden(t.get("may_not_edit_case").to_string()));
    }
    let case = match cases::read(&state, &session.caller, &id).await {
        Ok(c) => c,
        Err(e) => return crate::layout::refusal(t, e),
    };
    page(&session, correction(t, &id, &case.case_number), RegisterForm::of(&case), vec![], StatusCode::OK)
}

/// Saves a corrected registration, with the version it was read at: someone else's change in
/// between answers the form again with a message, nothing overwritten.
pub async fn edit(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let t = catalogue(&session.caller.language);
    let case = match cases::read(&state, &session.caller, &id).await {
        Ok(c) => c,
        Err(e) => return crate::layout::refusal(t, e),
    };
    let target = || correction(t, &id, &case.case_number);
    let version: i64 = form.version.parse().unwrap_or(0);
    let mut registration = match registration_of(&form) {
        Ok(r) => r,
        Err(errors) => return page(&session, target(), form, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    // The schedule and case manager are not on this form: they stay as they are.
    registration.schedule = Some(case.schedule.clone());
    registration.case_manager = Some(case.case_manager.clone());
    match cases::update(&state, &session.caller, &id, CaseUpdate { version, case: registration }).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(ServiceError::Invalid(_, errors)) => {
            page(&session, target(), form, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ServiceError::Conflict(..)) => {
            let errors = vec![FieldError::new("form", t.get("changed_meanwhile").to_string())];
            page(&session, target(), form, errors, StatusCode::CONFLICT)
        }
        Err(ServiceError::Forbidden(message)) => {
            page(&session, target(), form, vec![FieldError::new("office", message)], StatusCode::FORBIDDEN)
        }
        Err(e) => crate::layout::failure(e),
    }
}

/// The form's fields as the API's registration: blank inputs are left out, so "required" is
/// said by the same rules as for an API client; every problem at once.
fn registration_of(form: &RegisterForm) -> Result<Registration, Vec<FieldError>> {
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
    let (profile, mut problems) = profile_of(form);
    if !profile.is_empty() {
        json.insert("profile".into(), profile.into());
    }
    match read_all(json) {
        Ok(r) if problems.is_empty() => Ok(r),
        Ok(_) => Err(problems),
        Err(mut errors) => {
            errors.append(&mut problems);
            Err(errors)
        }
    }
}

/// The profile as the API's JSON (blank choices left out), and the problems of what cannot be
/// read.
fn profile_of(form: &RegisterForm) -> (serde_json::Map<String, serde_json::Value>, Vec<FieldError>) {
    let mut profile = serde_json::Map::new();
    let mut problems = vec![];
    for (key, value) in [
        ("host_country", &form.host_country),
        ("return_type", &form.return_type),
        ("return_assistance", &form.return_assistance),
        ("address", &form.address),
        ("province", &form.province),
        ("community", &form.community),
        ("occupation", &form.occupation),
        ("preferred_staff_gender", &form.preferred_staff_gender),
        ("id_document", &form.id_document),
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
    for (key, value) in [
        ("returned_to_community_of_origin", &form.returned_to_community_of_origin),
        ("interpreter_needed", &form.interpreter_needed),
        ("pre_departure_information", &form.pre_departure_information),
        ("in_vulnerable_situation", &form.in_vulnerable_situation),
    ] {
        match value.as_str() {
            "yes" => _ = profile.insert(key.into(), true.into()),
            "no" => _ = profile.insert(key.into(), false.into()),
            _ => {}
        }
    }
    let contacts: Vec<&str> = form.contacts.lines().map(str::trim).filter(|c| !c.is_empty()).collect();
    if !contacts.is_empty() {
        profile.insert("contacts".into(), contacts.into());
    }
    let languages: Vec<&str> = form.languages.split(',').map(str::trim).filter(|l| !l.is_empty()).collect();
    if !languages.is_empty() {
        profile.insert("languages".into(), languages.into());
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
    let registration: Registration = serde_json::from_value(serde_json::Value::Object(json))
        .map_err(|e| vec![FieldError::new("form", e.to_string())])?;
    registration.validate()?;
    Ok(registration)
}
