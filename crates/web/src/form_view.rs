//! A form defined in `data/forms` as the page shows it: each input with its label in the user's
//! language, what was typed (or its default), and its problems translated.

use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use serde::de::DeserializeOwned;

use crate::forms::{FieldDef, FieldType, FormDef, Typed};
use crate::i18n::Catalogue;
use crate::session::Session;

/// One input of the form as shown.
pub struct Input {
    pub name: String,
    /// The element's id (its name, unless a page shows two forms with the same field names).
    pub id: String,
    pub label: String,
    /// `text`, `textarea`, `date`, `number`, `checkbox`, `yes_no`, `choice`, `choices`, `list`,
    /// `money` or `password`.
    pub kind: &'static str,
    pub value: String,
    /// For money: the currency typed.
    pub currency: String,
    /// For choices: (value, label).
    pub options: Vec<(String, String)>,
    /// For a choice of several: the options ticked.
    pub ticked: Vec<String>,
    pub required: bool,
    pub error: Option<String>,
    /// The first input with a problem: the page opens with the cursor there.
    pub focus: bool,
}

fn type_name(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Text => "text",
        FieldType::Textarea => "textarea",
        FieldType::Date => "date",
        FieldType::Number => "number",
        FieldType::Checkbox => "checkbox",
        FieldType::YesNo => "yes_no",
        FieldType::Choice => "choice",
        FieldType::List => "list",
        FieldType::Money => "money",
        FieldType::Choices => "choices",
        FieldType::Password => "password",
    }
}

/// The message that labels a field: `f_` and its name (`death.family_notified` is
/// `f_death_family_notified`).
pub fn label_key(field: &str) -> String {
    format!("f_{}", field.replace('.', "_"))
}

/// The inputs of `form`, holding what was typed (or the defaults), each with its problem.
pub fn inputs(
    t: &Catalogue,
    session: &Session,
    form: &FormDef,
    typed: Option<&Typed>,
    errors: &[FieldError],
) -> Vec<Input> {
    form.fields
        .iter()
        .map(|f| {
            let default = match f.default.as_deref() {
                Some("today") => homeward_store::today().to_string(),
                Some("me") => session.caller.username.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let (value, currency) = match typed {
                Some(typed) if f.kind == FieldType::Money => (
                    crate::forms::value(typed, &format!("{}.amount", f.name)).to_string(),
                    crate::forms::value(typed, &format!("{}.currency", f.name)).to_string(),
                ),
                // A password is never sent back to the browser.
                Some(_) if f.kind == FieldType::Password => (String::new(), String::new()),
                Some(typed) => (crate::forms::value(typed, &f.name).to_string(), String::new()),
                None => (default, String::new()),
            };
            let error = errors.iter().filter(|e| belongs(e, f)).map(|e| t.field_problem(e)).collect::<Vec<_>>();
            Input {
                name: f.name.clone(),
                id: f.name.clone(),
                label: t.get(&label_key(&f.name)).to_string(),
                kind: type_name(f.kind),
                value,
                currency,
                options: f.options.iter().map(|o| (o.clone(), t.named(&f.labels, o).to_string())).collect(),
                ticked: typed.map_or(vec![], |typed| {
                    typed.iter().filter(|(k, _)| *k == f.name).map(|(_, v)| v.clone()).collect()
                }),
                required: f.required,
                error: if error.is_empty() { None } else { Some(error.join("; ")) },
                focus: false,
            }
        })
        .collect::<Vec<Input>>()
        .into_iter()
        .scan(false, |focused, mut input| {
            if input.error.is_some() && !*focused {
                input.focus = true;
                *focused = true;
            }
            Some(input)
        })
        .collect()
}

/// The inputs with their ids prefixed, for a second form on a page whose fields share names.
pub fn prefixed(inputs: &mut [Input], prefix: &str) {
    for input in inputs {
        input.id = format!("{prefix}{}", input.name);
    }
}

/// Whether a problem is about a field (or a part of it, such as `value.amount`).
fn belongs(problem: &FieldError, field: &FieldDef) -> bool {
    problem.field == field.name || problem.field.starts_with(&format!("{}.", field.name))
}

/// The problems that belong to no input of the form (a refusal of the whole record), translated.
pub fn general_problems(t: &Catalogue, form: &FormDef, errors: &[FieldError]) -> Vec<String> {
    errors.iter().filter(|e| !form.fields.iter().any(|f| belongs(e, f))).map(|e| t.field_problem(e)).collect()
}

/// What a form typed, read as the API reads a body: every problem, each naming its field.
pub fn read<T: DeserializeOwned>(form: &FormDef, typed: &Typed) -> Result<T, Vec<FieldError>> {
    let json = form.to_json(typed)?;
    homeward_service::input::from_json_value::<T>(json).map_err(|e| {
        let message = format!("the form could not be read: {e:?}");
        problems(e).unwrap_or_else(|| vec![FieldError::new("form", message)])
    })
}

/// The problems of a refusal that a form can show; `None` for other errors.
pub fn problems(e: ServiceError) -> Option<Vec<FieldError>> {
    match e {
        ServiceError::Invalid(_, fields) => Some(fields),
        ServiceError::Conflict(m, _) | ServiceError::Forbidden(m) => Some(vec![FieldError::new("form", m)]),
        _ => None,
    }
}
