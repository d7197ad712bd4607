//! Typed input from JSON, for every adapter: a JSON body of the API, a form a page has put in
//! the shape of the operation's input. A value of the wrong type or a missing field is refused
//! naming the field (`components[2].dimension`), as serde_path_to_error locates it.

use homeward_domain::validate::FieldError;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ServiceError;

/// Reads JSON text: syntax errors are `Unreadable`, a wrong or missing field `Invalid`.
pub fn from_json_text<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServiceError> {
    let unreadable =
        |message: String| ServiceError::Unreadable(format!("the body is not valid JSON: {message}"), vec![]);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = clean(&inner.to_string());
            if inner.is_syntax() || inner.is_eof() {
                return Err(unreadable(message));
            }
            return Err(field_error(&path, message));
        }
    };
    de.end().map_err(|e| unreadable(clean(&e.to_string())))?;
    Ok(value)
}

/// Reads a JSON value already built (from a form's inputs): a wrong or missing field is
/// `Invalid`, naming it.
pub fn from_json_value<T: DeserializeOwned>(value: Value) -> Result<T, ServiceError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        field_error(&path, clean(&e.into_inner().to_string()))
    })
}

fn field_error(path: &str, message: String) -> ServiceError {
    let field = if path == "." { missing_field(&message).unwrap_or("body").to_string() } else { path.to_string() };
    ServiceError::invalid(vec![FieldError::new(field, message)])
}

/// serde's messages end with " at line 1 column 42", which means nothing to a form.
fn clean(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The field named by serde's "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Visit {
        date: chrono::NaiveDate,
        notes: String,
    }

    #[test]
    fn text_and_values_name_the_field_at_fault() {
        let e = from_json_text::<Visit>(br#"{"date": "2026-02-30", "notes": ""}"#).unwrap_err();
        let ServiceError::Invalid(_, fields) = e else { panic!("{e:?}") };
        assert_eq!(fields[0].field, "date");
        let e = from_json_value::<Visit>(serde_json::json!({"date": "2026-01-01"})).unwrap_err();
        let ServiceError::Invalid(_, fields) = e else { panic!("{e:?}") };
        assert_eq!((fields[0].field.as_str(), fields[0].message.as_str()), ("notes", "missing field `notes`"));
        assert!(matches!(from_json_text::<Visit>(b"{"), Err(ServiceError::Unreadable(..))));
    }
}
