//! Form definitions as data (`data/forms/case-records.toml`): which inputs a record kind's form
//! has, and how what was typed becomes the API's JSON. Pure: no I/O, no HTTP.
//!
//! Blank inputs are left out of the JSON, so "required" and defaults are the API's; the
//! formats a browser cannot check (a date, a whole number, an option) are checked here for
//! every field at once, because serde stops at the first problem and a form should show all.

use std::sync::OnceLock;

use homeward_domain::problem;
use homeward_domain::records::RecordKind;
use homeward_domain::validate::FieldError;
use serde::Deserialize;
use serde_json::{Map, Value};

const DEFINITIONS: &str = include_str!("../../../data/forms/case-records.toml");

/// How an input is shown and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Date,
    /// A whole number, at least 0.
    Number,
    /// Ticked or not: always a boolean.
    Checkbox,
    /// Unknown, yes or no: left out when unknown.
    YesNo,
    /// One of the field's options.
    Choice,
    /// Any of the field's options (ticked boxes): a list, left out when none is ticked.
    Choices,
    /// A secret: never shown again once typed.
    Password,
    /// One entry per line.
    List,
    /// An amount and a currency: `{name}.amount` and `{name}.currency`.
    Money,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// The prefix of the options' messages (`<labels>_<option>`).
    #[serde(default)]
    pub labels: String,
    #[serde(default)]
    pub options: Vec<String>,
    /// What a new form holds: a value, `today`, or `me` (the user's name).
    #[serde(default)]
    pub default: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    /// What the form makes: a record kind (`household_member`) or another value (`closure`).
    pub name: String,
    /// The message that names the form's page.
    pub title: String,
    /// The fields shown as columns of the list.
    pub columns: Vec<String>,
    pub fields: Vec<FieldDef>,
}

impl FormDef {
    /// The record kind the form makes, if it makes a record.
    pub fn kind(&self) -> Option<RecordKind> {
        RecordKind::from_name(&self.name)
    }
}

/// The forms that make values other than records kept on a case.
const OTHER_FORMS: &[&str] = &[
    "closure",
    "attestation",
    "account",
    "account_change",
    "provider",
    "community",
    "community_project",
    "project_member",
    "project_ledger",
    "project_satisfaction",
    "stakeholder",
    "agreement",
    "capacity_activity",
    "mentor",
    "mentoring_session",
    "office",
    "installation",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Definitions {
    version: u32,
    form: Vec<FormDef>,
}

/// A problem in the definitions file, found when it is loaded.
#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    #[error("forms: {0}")]
    Unreadable(#[from] toml::de::Error),
    #[error("forms: version {0} is not known (1 is)")]
    Version(u32),
    #[error("forms: {0}")]
    Inconsistent(String),
}

/// Reads and checks form definitions.
pub fn load(text: &str) -> Result<Vec<FormDef>, DefinitionError> {
    let defs: Definitions = toml::from_str(text)?;
    if defs.version != 1 {
        return Err(DefinitionError::Version(defs.version));
    }
    let bad = |m: String| Err(DefinitionError::Inconsistent(m));
    for (i, form) in defs.form.iter().enumerate() {
        if defs.form[..i].iter().any(|f| f.name == form.name) {
            return bad(format!("{} has two forms", form.name));
        }
        if form.kind().is_none() && !OTHER_FORMS.contains(&form.name.as_str()) {
            return bad(format!("`{}` is neither a record kind nor one of {OTHER_FORMS:?}", form.name));
        }
        for (j, field) in form.fields.iter().enumerate() {
            if form.fields[..j].iter().any(|f| f.name == field.name) {
                return bad(format!("{}: field {} appears twice", form.name, field.name));
            }
            let is_choice = matches!(field.kind, FieldType::Choice | FieldType::Choices);
            if is_choice == field.options.is_empty() || is_choice == field.labels.is_empty() {
                return bad(format!(
                    "{}: field {}: options and labels go with type choice only",
                    form.name, field.name
                ));
            }
        }
        if let Some(c) = form.columns.iter().find(|c| !form.fields.iter().any(|f| &f.name == *c)) {
            return bad(format!("{}: column {c} is not a field", form.name));
        }
    }
    Ok(defs.form)
}

/// The bundled forms (checked by the tests, so loading them cannot fail at run time).
pub fn all() -> &'static [FormDef] {
    static ALL: OnceLock<Vec<FormDef>> = OnceLock::new();
    ALL.get_or_init(|| load(DEFINITIONS).expect("bundled form definitions are valid (tested)"))
}

/// The form of a record kind, by the kind's URL path (`household-members`).
pub fn by_path(path: &str) -> Option<(&'static FormDef, RecordKind)> {
    records().find(|(_, k)| k.path() == path)
}

/// The forms of records kept on a case, with their kinds.
pub fn records() -> impl Iterator<Item = (&'static FormDef, RecordKind)> {
    all().iter().filter_map(|f| Some((f, f.kind()?)))
}

/// The form called `name` (tested to exist for every name the app asks for).
pub fn named(name: &str) -> &'static FormDef {
    all().iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no form {name} (tested)"))
}

/// What was typed, in the order sent (a form may repeat a name).
pub type Typed = [(String, String)];

/// The last value typed for `name`, or "".
pub fn value<'a>(typed: &'a Typed, name: &str) -> &'a str {
    typed.iter().rev().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// What a form shows for a stored value: its fields as typed pairs (a list one pair per entry,
/// a ticked box as `on`, money as `name.amount` and `name.currency`), so a record can be edited
/// in the form that made it.
pub fn typed_from_json(form: &FormDef, json: &Value) -> Vec<(String, String)> {
    let mut typed = vec![];
    for f in &form.fields {
        let mut at = Some(json);
        for part in f.name.split('.') {
            at = at.and_then(|v| v.get(part));
        }
        let Some(value) = at else { continue };
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        match (f.kind, value) {
            (FieldType::Password, _) | (_, Value::Null) => {}
            (FieldType::Money, v) => {
                typed.push((format!("{}.amount", f.name), v.get("amount").map(text).unwrap_or_default()));
                typed.push((format!("{}.currency", f.name), v.get("currency").map(text).unwrap_or_default()));
            }
            (FieldType::Checkbox, Value::Bool(b)) => {
                typed.push((f.name.clone(), if *b { "on".into() } else { String::new() }))
            }
            (FieldType::YesNo, Value::Bool(b)) => typed.push((f.name.clone(), if *b { "yes" } else { "no" }.into())),
            (FieldType::List, Value::Array(items)) => {
                typed.push((f.name.clone(), items.iter().map(text).collect::<Vec<_>>().join("\n")));
            }
            (FieldType::Choices, Value::Array(items)) => typed.extend(items.iter().map(|i| (f.name.clone(), text(i)))),
            (_, v) => typed.push((f.name.clone(), text(v))),
        }
    }
    typed
}

impl FormDef {
    /// The API's JSON for what was typed, or every problem found, each naming its field.
    pub fn to_json(&self, typed: &Typed) -> Result<Value, Vec<FieldError>> {
        let mut json = Map::new();
        let mut problems = Vec::new();
        for field in &self.fields {
            match field.read(typed) {
                Ok(Some(v)) => insert(&mut json, &field.name, v),
                Ok(None) if field.required => {
                    problems.push(FieldError::of(&field.name, problem!("required", "is required")))
                }
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        drop_untouched(&mut json);
        if problems.is_empty() { Ok(Value::Object(json)) } else { Err(problems) }
    }
}

/// Puts `value` at a dotted path (`death.date_of_death`), making the objects on the way.
fn insert(json: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            json.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let inner = json.entry(head).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                insert(inner, rest, value);
            }
        }
    }
}

/// Removes nested objects in which nothing was filled in (only unticked boxes), so an optional
/// part of a form left alone is absent rather than present and empty.
fn drop_untouched(json: &mut Map<String, Value>) {
    json.retain(|_, v| match v {
        Value::Object(inner) => {
            drop_untouched(inner);
            inner.values().any(|v| v != &Value::Bool(false))
        }
        _ => true,
    });
}

impl FieldDef {
    /// The field's value, `None` when left blank.
    fn read(&self, typed: &Typed) -> Result<Option<Value>, FieldError> {
        let text = value(typed, &self.name).trim();
        let value = match self.kind {
            FieldType::Checkbox => return Ok(Some(Value::Bool(!text.is_empty()))),
            FieldType::Money => return self.read_money(typed),
            FieldType::Choices => {
                let ticked: Vec<&str> = typed
                    .iter()
                    .filter(|(k, _)| *k == self.name)
                    .map(|(_, v)| v.trim())
                    .filter(|v| !v.is_empty())
                    .collect();
                if let Some(bad) = ticked.iter().find(|v| !self.options.iter().any(|o| o == *v)) {
                    return Err(FieldError::of(
                        &self.name,
                        problem!("not_a_choice_named", "'{value}' is not one of the choices", value = bad),
                    ));
                }
                let values: Vec<Value> = ticked.into_iter().map(|v| Value::String(v.into())).collect();
                return Ok(if values.is_empty() { None } else { Some(Value::Array(values)) });
            }
            FieldType::List => {
                let entries: Vec<Value> =
                    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Value::String(l.into())).collect();
                return Ok(if entries.is_empty() { None } else { Some(Value::Array(entries)) });
            }
            _ if text.is_empty() => return Ok(None),
            FieldType::Text | FieldType::Textarea | FieldType::Password => Value::String(text.into()),
            FieldType::Date => match text.parse::<chrono::NaiveDate>() {
                Ok(_) => Value::String(text.into()),
                Err(_) => return Err(FieldError::of(&self.name, problem!("not_a_date", "is not a date (YYYY-MM-DD)"))),
            },
            FieldType::Number => match text.parse::<u32>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    return Err(FieldError::of(&self.name, problem!("not_a_whole_number", "is not a whole number")));
                }
            },
            FieldType::YesNo => match text {
                "yes" => Value::Bool(true),
                "no" => Value::Bool(false),
                _ => return Err(FieldError::of(&self.name, problem!("not_a_choice", "is not one of the choices"))),
            },
            FieldType::Choice if self.options.iter().any(|o| o == text) => Value::String(text.into()),
            FieldType::Choice => {
                return Err(FieldError::of(&self.name, problem!("not_a_choice", "is not one of the choices")));
            }
        };
        Ok(Some(value))
    }

    fn read_money(&self, typed: &Typed) -> Result<Option<Value>, FieldError> {
        let amount = value(typed, &format!("{}.amount", self.name)).trim();
        let currency = value(typed, &format!("{}.currency", self.name)).trim().to_uppercase();
        match (amount.is_empty(), currency.is_empty()) {
            (true, _) => Ok(None),
            (false, true) => {
                Err(FieldError::of(format!("{}.currency", self.name), problem!("required", "is required")))
            }
            (false, false) => Ok(Some(serde_json::json!({ "amount": amount, "currency": currency }))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn form(name: &str) -> &'static FormDef {
        named(name)
    }

    #[test]
    fn blank_inputs_are_left_out_and_typed_ones_become_the_apis_json() {
        let json = form("household_member")
            .to_json(&typed(&[
                ("name", " Awa "),
                ("relation", "daughter"),
                ("age", "7"),
                ("attends_school", "yes"),
                ("returned_together", ""),
                ("recorded_on", "2026-03-01"),
                ("notes", "  "),
            ]))
            .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "Awa", "relation": "daughter", "age": 7, "attends_school": true,
                "co_beneficiary": false, "recorded_on": "2026-03-01"})
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_naming_its_field() {
        let errors = form("assistance")
            .to_json(&typed(&[
                ("date", "01/02/2026"),
                ("modality", "gold"),
                ("value.amount", "100"),
                ("instalment", "-1"),
            ]))
            .unwrap_err();
        let named: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            named,
            [
                ("date", "is not a date (YYYY-MM-DD)"),
                ("modality", "is not one of the choices"),
                ("value.currency", "is required"),
                ("payee", "is required"),
                ("instalment", "is not a whole number"),
            ]
        );
    }

    #[test]
    fn dotted_names_make_nested_objects_and_parts_left_alone_are_left_out() {
        let closure = |extra: &[(&str, &str)]| {
            let mut fields =
                vec![("date", "2026-05-01"), ("reason", "deceased"), ("choice", "involuntary"), ("timing", "abrupt")];
            fields.extend_from_slice(extra);
            form("closure").to_json(&typed(&fields)).unwrap()
        };
        assert!(closure(&[]).get("death").is_none());
        let json = closure(&[("death.family_notified", "on"), ("death.date_of_death", "2026-04-28")]);
        assert_eq!(json["death"]["family_notified"], true);
        assert_eq!(json["death"]["authorities_notified"], false);
        assert_eq!(json["death"]["date_of_death"], "2026-04-28");
    }

    #[test]
    fn a_stored_value_fills_the_form_that_made_it() {
        let provider = serde_json::json!({"organisation": "Centre", "services": ["training", "placement"],
            "dimensions": ["economic", "social"], "country": "SN", "place": "Thiès",
            "last_verified": "2026-06-01"});
        let typed = typed_from_json(form("provider"), &provider);
        assert_eq!(value(&typed, "services"), "training\nplacement");
        let again = form("provider").to_json(&typed).unwrap();
        for key in ["organisation", "services", "dimensions", "country", "place", "last_verified"] {
            assert_eq!(again[key], provider[key], "{key} survives the round trip");
        }
    }

    #[test]
    fn ticked_boxes_make_a_list_of_known_options() {
        let typed = typed(&[("dimensions", "economic"), ("dimensions", "social")]);
        let json = form("provider").to_json(&typed).unwrap_err();
        assert!(json.iter().all(|e| e.field != "dimensions"), "{json:?}");
        let bad = form("provider").to_json(&[("dimensions".to_string(), "money".to_string())]).unwrap_err();
        assert!(bad.iter().any(|e| e.field == "dimensions" && e.message == "'money' is not one of the choices"));
    }

    #[test]
    fn lists_take_one_entry_per_line() {
        let json =
            form("risk_assessment").to_json(&typed(&[("risks", "threats from lender\r\n\r\n stigma \n")])).unwrap_err();
        assert!(json.iter().all(|e| e.field != "risks"), "{json:?}");
        let fields = typed(&[("date", "2026-01-01"), ("assessor", "a"), ("risks", "x\n y \n"), ("mitigation", "m")]);
        assert_eq!(form("risk_assessment").to_json(&fields).unwrap()["risks"], serde_json::json!(["x", "y"]));
    }

    #[test]
    fn inconsistent_definitions_are_refused_when_loaded() {
        let cases = [
            ("version = 2\nform = []", "version 2"),
            (
                "version = 1\n[[form]]\nname = \"nope\"\ntitle = \"t\"\ncolumns = []\nfields = []",
                "`nope` is neither a record kind nor one of",
            ),
            (
                "version = 1\n[[form]]\nname = \"assistance\"\ntitle = \"t\"\ncolumns = [\"x\"]\nfields = []",
                "column x is not a field",
            ),
            (
                "version = 1\n[[form]]\nname = \"assistance\"\ntitle = \"t\"\ncolumns = []\nfields = [{ name = \"a\", type = \"choice\" }]",
                "options and labels go with type choice only",
            ),
            (
                "version = 1\n[[form]]\nname = \"assistance\"\ntitle = \"t\"\ncolumns = []\nfields = [{ name = \"a\", type = \"text\" }, { name = \"a\", type = \"date\" }]",
                "field a appears twice",
            ),
        ];
        for (text, expected) in cases {
            let e = load(text).unwrap_err().to_string();
            assert!(e.contains(expected), "{e} should say {expected}");
        }
    }
}
