//! One page per kind of record kept on a case (household, counselling, assessments, assistance,
//! unmet needs, restricted notes): what is recorded, and a form to add one. The forms are data
//! (`crate::forms`); the records go through the service's generic record operations, so the permission, the
//! sensitive sections, validation and audit are the API's.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::records::*;
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::auth::Caller;
use homeward_service::records;
use serde_json::Value;

use crate::form_view::{Input, general_problems, inputs, label_key};
use crate::forms::{self, FieldDef, FieldType, FormDef, Typed};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

/// A record as the page lists it: its data as the API's JSON.
pub struct Listed {
    pub id: String,
    pub created_by: String,
    pub data: Value,
}

/// One record in full: every field that has a value, by its label, in the user's language.
pub struct Full {
    pub id: String,
    pub facts: Vec<(String, String)>,
}

/// Evaluates `$body` with `$T` standing for the record type of `$kind`.
macro_rules! for_kind {
    ($kind:expr, $T:ident => $body:expr) => {
        match $kind {
            RecordKind::HouseholdMember => {
                type $T = HouseholdMember;
                $body
            }
            RecordKind::Consent => {
                type $T = ConsentRecord;
                $body
            }
            RecordKind::CounsellingSession => {
                type $T = CounsellingSession;
                $body
            }
            RecordKind::VulnerabilityAssessment => {
                type $T = VulnerabilityAssessment;
                $body
            }
            RecordKind::RiskAssessment => {
                type $T = RiskAssessment;
                $body
            }
            RecordKind::SkillsAssessment => {
                type $T = SkillsAssessment;
                $body
            }
            RecordKind::FeasibilityCheck => {
                type $T = FeasibilityCheck;
                $body
            }
            RecordKind::Assistance => {
                type $T = Assistance;
                $body
            }
            RecordKind::FollowUp => {
                type $T = FollowUp;
                $body
            }
            RecordKind::SensitiveNote => {
                type $T = SensitiveNote;
                $body
            }
            RecordKind::UnmetNeed => {
                type $T = UnmetNeed;
                $body
            }
        }
    };
}

async fn list_of<T: records::Kind>(
    state: &Services,
    caller: &Caller,
    case_id: &str,
) -> Result<Vec<Listed>, ServiceError> {
    let views = records::list::<T>(state, caller, case_id).await?;
    Ok(views
        .into_iter()
        .rev()
        .map(|v| Listed {
            id: v.id,
            created_by: v.created_by,
            data: serde_json::to_value(&v.data).unwrap_or(Value::Null),
        })
        .collect())
}

/// Adds a record from the form's values: read as the operation's typed input, then created.
async fn create_from<T: records::Kind>(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    json: Value,
    once: Option<homeward_service::idempotency::IdempotencyKey>,
) -> Result<(), ServiceError> {
    let record = homeward_service::input::from_json_value::<T>(json)?;
    records::create_once::<T>(state, caller, case_id, record, once).await.map(|_| ())
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case_id: String,
    case_number: String,
    title: &'a str,
    path: &'static str,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    recorded_by: Vec<String>,
    /// Each record in full, in the order of `rows` (notes, needs, feedback are read here).
    full: Vec<Full>,
    /// Under each money column, its exact total per currency (an assistance ledger's sum).
    totals: Vec<Option<String>>,
    has_totals: bool,
    inputs: Vec<Input>,
    may_add: bool,
    has_errors: bool,
    /// Problems that belong to no input (a refusal of the whole record).
    general: Vec<String>,
}

/// A stored value as a cell of the list, in the user's language.
fn cell(t: &Catalogue, field: &FieldDef, value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Bool(b)) => t.get(if *b { "yes" } else { "no" }).to_string(),
        Some(Value::String(s)) => match field.kind {
            FieldType::Date => t.date_text(s),
            FieldType::Choice => t.named(&field.labels, s).to_string(),
            _ => s.clone(),
        },
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        Some(Value::Object(money)) => format!(
            "{} {}",
            money.get("amount").and_then(Value::as_str).unwrap_or(""),
            money.get("currency").and_then(Value::as_str).unwrap_or("")
        ),
        Some(other) => other.to_string(),
    }
}

async fn page(
    state: Services,
    session: Session,
    case_id: String,
    (form, kind): (&'static FormDef, RecordKind),
    typed: Option<&Typed>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let open = case.is_open();
    let listed = match for_kind!(kind, T => list_of::<T>(&state, &session.caller, &case_id).await) {
        Ok(l) => l,
        Err(e) => return crate::layout::refusal(t, e),
    };
    let columns: Vec<&FieldDef> =
        form.columns.iter().filter_map(|c| form.fields.iter().find(|f| &f.name == c)).collect();
    let has_errors = !errors.is_empty();
    let general = general_problems(t, form, &errors);
    let page = RecordsPage {
        t,
        session: &session,
        case_id,
        case_number: case.case_number.clone(),
        title: t.get(&form.title),
        path: kind.path(),
        headers: columns.iter().map(|f| t.get(&label_key(&f.name)).to_string()).collect(),
        rows: listed.iter().map(|l| columns.iter().map(|f| cell(t, f, l.data.get(&f.name))).collect()).collect(),
        recorded_by: listed.iter().map(|l| l.created_by.clone()).collect(),
        full: listed.iter().map(|l| full(t, form, l)).collect(),
        totals: columns.iter().map(|f| (f.kind == FieldType::Money).then(|| total(t, &listed, &f.name))).collect(),
        has_totals: !listed.is_empty() && columns.iter().any(|f| f.kind == FieldType::Money),
        inputs: inputs(t, &session, form, typed, &errors),
        may_add: session.caller.access.may(permission(kind)) && open,
        has_errors,
        general,
    };
    render(page, if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK })
}

/// A record's every field with a value, by its label (a nested field by its dotted name).
fn full(t: &Catalogue, form: &FormDef, listed: &Listed) -> Full {
    let facts = form
        .fields
        .iter()
        .filter_map(|f| {
            let mut at = Some(&listed.data);
            for part in f.name.split('.') {
                at = at.and_then(|v| v.get(part));
            }
            let text = cell(t, f, at);
            (!text.is_empty()).then(|| (t.get(&label_key(&f.name)).to_string(), text))
        })
        .collect();
    Full { id: listed.id.clone(), facts }
}

/// The sum of a money field over the records, exact and per currency (`120000 XOF, 50.00 EUR`); a
/// total too large to add up says so instead of showing a wrong figure.
fn total(t: &Catalogue, listed: &[Listed], field: &str) -> String {
    use homeward_domain::reference::{Currency, Money};
    let amounts = listed.iter().filter_map(|l| l.data.get(field)).filter_map(|value| {
        let currency = value.get("currency").and_then(Value::as_str).and_then(|c| c.parse::<Currency>().ok())?;
        Money::parse(value.get("amount").and_then(Value::as_str)?, currency).ok()
    });
    crate::layout::totals_text(t, amounts).join(", ")
}

/// The permission that adds a record of `kind` (the API's [`records::Kind::permission`]).
fn permission(kind: RecordKind) -> homeward_domain::access::Permission {
    use records::Kind;
    for_kind!(kind, T => T::permission())
}

/// The kinds with a page that `session` may read, as (path, title message) for the case page's
/// menu: none for roles that see pseudonymised data, and sensitive kinds only with their grant.
pub fn menu(session: &Session) -> Vec<(&'static str, &'static str)> {
    let access = &session.caller.access;
    if !access.role.sees_identities() {
        return vec![];
    }
    forms::records()
        .filter(|(_, kind)| fixed_section(*kind).is_none_or(|s| access.may_read_section(s)))
        .map(|(f, kind)| (kind.path(), f.title.as_str()))
        .collect()
}

pub async fn show(
    State(state): State<Services>,
    session: Session,
    Path((case_id, path)): Path<(String, String)>,
) -> Response {
    let Some(form) = forms::by_path(&path) else { return StatusCode::NOT_FOUND.into_response() };
    page(state, session, case_id, form, None, vec![]).await
}

pub async fn add(
    State(state): State<Services>,
    session: Session,
    Path((case_id, path)): Path<(String, String)>,
    Posted(typed): Posted,
) -> Response {
    let Some((form, kind)) = forms::by_path(&path) else { return StatusCode::NOT_FOUND.into_response() };
    let json = match form.to_json(&typed) {
        Ok(json) => json,
        Err(errors) => return page(state, session, case_id, (form, kind), Some(&typed), errors).await,
    };
    match for_kind!(kind, T => create_from::<T>(&state, &session.caller, &case_id, json, crate::session::once_of(&typed)).await)
    {
        Ok(()) => Redirect::to(&format!("/cases/{case_id}/records/{path}")).into_response(),
        Err(ServiceError::Invalid(_, errors)) => {
            page(state, session, case_id, (form, kind), Some(&typed), errors).await
        }
        Err(ServiceError::Forbidden(message)) => {
            let errors = vec![FieldError::new("form", message)];
            let mut response = page(state, session, case_id, (form, kind), Some(&typed), errors).await;
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
        Err(e) => crate::layout::failure(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record the API reads from `json`, validated, as JSON again.
    fn accepted(kind: RecordKind, json: &Value) -> Result<Value, Vec<FieldError>> {
        for_kind!(kind, T => homeward_service::input::from_json_value::<T>(json.clone())
            .map_err(|e| match e {
                ServiceError::Invalid(_, fields) => fields,
                other => vec![FieldError::new("body", format!("{other:?}"))],
            })
            .and_then(|r| r.validate().map(|()| serde_json::to_value(&r).unwrap())))
    }

    /// What a case worker might type in every input of `form`.
    fn filled(form: &FormDef) -> Vec<(String, String)> {
        let mut typed = vec![];
        for f in &form.fields {
            let mut put = |name: String, value: &str| typed.push((name, value.to_string()));
            match f.kind {
                FieldType::Money => {
                    put(format!("{}.amount", f.name), "120.50");
                    put(format!("{}.currency", f.name), "eur");
                }
                FieldType::Date => put(f.name.clone(), "2026-03-02"),
                FieldType::Number => put(f.name.clone(), "1"),
                FieldType::Checkbox => put(f.name.clone(), "on"),
                FieldType::YesNo => put(f.name.clone(), "no"),
                FieldType::Choice => put(f.name.clone(), f.options.last().unwrap()),
                FieldType::Choices => put(f.name.clone(), &f.options[0]),
                FieldType::Password => put(f.name.clone(), "a long enough password"),
                FieldType::List => put(f.name.clone(), "first\nsecond"),
                FieldType::Text | FieldType::Textarea => put(f.name.clone(), "text"),
            }
        }
        typed
    }

    #[test]
    fn every_form_filled_in_makes_a_record_the_api_accepts_and_misses_none_of_its_fields() {
        for (form, kind) in forms::records() {
            let json = form.to_json(&filled(form)).unwrap();
            let record = accepted(kind, &json).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            for key in record.as_object().unwrap().keys() {
                assert!(form.fields.iter().any(|f| &f.name == key), "{kind}: field {key} is not on the form");
            }
        }
    }

    #[test]
    fn every_option_of_every_choice_is_one_the_api_knows() {
        for (form, kind) in forms::records() {
            for field in form.fields.iter().filter(|f| f.kind == FieldType::Choice) {
                for option in &field.options {
                    let mut typed = filled(form);
                    typed.push((field.name.clone(), option.clone()));
                    let json = form.to_json(&typed).unwrap();
                    if let Err(errors) = accepted(kind, &json) {
                        // Another field may then be out of place (a supplier named when the
                        // returnee is paid), but never this one.
                        assert!(
                            errors.iter().all(|e| e.field != field.name),
                            "{kind}.{}={option}: {errors:?}",
                            field.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn only_required_fields_left_blank_are_refused_by_name() {
        for (form, kind) in forms::records() {
            let errors = form.to_json(&[]).unwrap_err();
            let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            let required: Vec<&str> = form.fields.iter().filter(|f| f.required).map(|f| f.name.as_str()).collect();
            assert_eq!(named, required, "{kind}");
            // And the API agrees that what the form leaves out may be left out.
            let mut typed = filled(form);
            typed.retain(|(name, _)| {
                form.fields.iter().any(|f| f.required && (name == &f.name || name.starts_with(&format!("{}.", f.name))))
            });
            // The first option of each choice: the plainest case (the returnee is paid).
            for f in form.fields.iter().filter(|f| f.kind == FieldType::Choice) {
                typed.push((f.name.clone(), f.options[0].clone()));
            }
            let json = form.to_json(&typed).unwrap();
            accepted(kind, &json).unwrap_or_else(|e| panic!("{kind} with only required fields: {e:?}"));
        }
    }

    #[test]
    fn a_ledger_totals_each_currency_exactly() {
        let row = |amount: &str, currency: &str| Listed {
            id: "r".into(),
            created_by: "demo".into(),
            data: serde_json::json!({"value": {"amount": amount, "currency": currency}}),
        };
        let listed = [row("0.10", "EUR"), row("0.20", "EUR"), row("120000", "XOF"), row("oops", "EUR")];
        assert_eq!(total(crate::i18n::catalogue("en"), &listed, "value"), "0.30 EUR, 120000 XOF");
        // A ledger whose sum would overflow says so; it never shows a wrong total.
        let huge = [row("9223372036854775807", "XOF"), row("1", "XOF"), row("1.00", "EUR")];
        assert_eq!(total(crate::i18n::catalogue("en"), &huge, "value"), "XOF: too large to add up, 1.00 EUR");
        assert_eq!(
            total(crate::i18n::catalogue("fr"), &huge, "value"),
            "XOF: trop grand pour être additionné, 1.00 EUR"
        );
    }

    #[test]
    fn every_label_of_every_form_is_in_every_catalogue() {
        for code in crate::i18n::languages() {
            let t = catalogue(code);
            for form in forms::all() {
                assert!(t.has(&form.title), "{code}: no title {}", form.title);
                for f in &form.fields {
                    assert!(t.has(&label_key(&f.name)), "{code}: no label {}", label_key(&f.name));
                    // A project's approach and activity are labelled from their catalogue
                    // (data/programme/community-projects.toml), whose ids they must be.
                    let catalogue = homeward_domain::community::ProjectCatalogue::builtin();
                    let from_catalogue = match (form.name.as_str(), f.name.as_str()) {
                        ("community_project", "approach") => Some(&catalogue.approaches),
                        ("community_project", "activity") => Some(&catalogue.activities),
                        _ => None,
                    };
                    if let Some(entries) = from_catalogue {
                        let ids: Vec<&String> = entries.iter().map(|e| &e.id).collect();
                        assert_eq!(f.options.iter().collect::<Vec<_>>(), ids, "{}: the catalogue's ids", f.name);
                        continue;
                    }
                    // So are an activity's types of support (data/programme/structures.toml).
                    if (form.name.as_str(), f.name.as_str()) == ("capacity_activity", "support") {
                        let supports = &homeward_domain::structures::StructuresCatalogue::builtin().supports;
                        let ids: Vec<&String> = supports.iter().map(|e| &e.id).collect();
                        assert_eq!(f.options.iter().collect::<Vec<_>>(), ids, "support: the catalogue's ids");
                        continue;
                    }
                    for o in &f.options {
                        assert!(t.has(&format!("{}_{o}", f.labels)), "{code}: no message {}_{o}", f.labels);
                    }
                }
            }
        }
    }
}

/// A record's correction form: the record as it stands, with the version it was read at.
#[derive(Template)]
#[template(path = "record_edit.html")]
struct EditPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case_id: String,
    title: String,
    path: &'static str,
    record_id: String,
    version: i64,
    inputs: Vec<Input>,
    general: Vec<String>,
    has_errors: bool,
}

/// The record `record_id` of `T`, as the form's values and its version.
async fn read_typed<T: records::Kind>(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    record_id: &str,
    form: &FormDef,
) -> Result<(Vec<(String, String)>, i64), ServiceError> {
    let view = records::read::<T>(state, caller, case_id, record_id).await?;
    let json = serde_json::to_value(&view.data).unwrap_or(Value::Null);
    Ok((forms::typed_from_json(form, &json), view.version))
}

/// Saves a correction through the records operation (the version check, the kind's own rules
/// such as a consent's, the audit).
async fn correct<T: records::Kind>(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    record_id: &str,
    version: i64,
    json: Value,
) -> Result<(), ServiceError> {
    let data = homeward_service::input::from_json_value::<T>(json)?;
    records::update::<T>(state, caller, case_id, record_id, records::Correction { version, data }).await.map(|_| ())
}

#[allow(clippy::too_many_arguments)]
fn edit_page(
    session: &Session,
    case_id: String,
    (form, kind): (&'static FormDef, RecordKind),
    record_id: String,
    version: i64,
    typed: &Typed,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let t = catalogue(&session.caller.language);
    let page = EditPage {
        t,
        session,
        case_id,
        title: format!("{} · {}", t.get("correct_record"), t.get(&form.title)),
        path: kind.path(),
        record_id,
        version,
        inputs: inputs(t, session, form, Some(typed), &errors),
        general: general_problems(t, form, &errors),
        has_errors: !errors.is_empty(),
    };
    render(page, status)
}

pub async fn edit_form(
    State(state): State<Services>,
    session: Session,
    Path((case_id, path, record_id)): Path<(String, String, String)>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let Some((form, kind)) = forms::by_path(&path) else { return StatusCode::NOT_FOUND.into_response() };
    let read = for_kind!(kind, T => read_typed::<T>(&state, &session.caller, &case_id, &record_id, form).await);
    match read {
        Ok((typed, version)) => {
            edit_page(&session, case_id, (form, kind), record_id, version, &typed, vec![], StatusCode::OK)
        }
        Err(e) => crate::layout::refusal(t, e),
    }
}

pub async fn edit(
    State(state): State<Services>,
    session: Session,
    Path((case_id, path, record_id)): Path<(String, String, String)>,
    Posted(typed): Posted,
) -> Response {
    let Some((form, kind)) = forms::by_path(&path) else { return StatusCode::NOT_FOUND.into_response() };
    let version: i64 = forms::value(&typed, "version").parse().unwrap_or(0);
    let again = |errors: Vec<FieldError>, status: StatusCode| {
        edit_page(&session, case_id.clone(), (form, kind), record_id.clone(), version, &typed, errors, status)
    };
    let json = match form.to_json(&typed) {
        Ok(json) => json,
        Err(errors) => return again(errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let saved = for_kind!(kind, T => correct::<T>(&state, &session.caller, &case_id, &record_id, version, json).await);
    match saved {
        Ok(()) => Redirect::to(&format!("/cases/{case_id}/records/{path}#r-{record_id}")).into_response(),
        Err(ServiceError::Conflict(..)) => {
            let t = catalogue(&session.caller.language);
            again(vec![FieldError::new("form", t.get("changed_meanwhile").to_string())], StatusCode::CONFLICT)
        }
        Err(e) => match crate::form_view::problems(e) {
            Some(errors) => again(errors, StatusCode::UNPROCESSABLE_ENTITY),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}
