//! Checking what a user typed: every problem names its field, and all problems of a record are
//! reported at once, so a form can show each next to its input.
//!
//! A problem has a stable `code` (`required`, `too_long`) and named parameters (`max` = `200`)
//! besides its English sentence, so a page or a client translates it from its own catalogue
//! (`data/i18n`, table `[problem_codes]`) instead of matching English text. Write one with
//! [`problem!`](crate::problem): `problem!("too_long", "is longer than {max} characters", max = 200)`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

/// One problem with one field. `field` is a JSON path such as `date_of_birth` or
/// `components[2].intervention`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    /// What kind of problem it is, a stable name to translate (`required`, `too_long`); `other`
    /// for a problem said only in words.
    pub code: String,
    /// The problem's varying parts by name, as `{max}` stands in a translation.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// The problem in English.
    pub message: String,
}

/// A problem before it is given its field: code, parameters and English sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub params: BTreeMap<String, String>,
    pub message: String,
}

impl Problem {
    /// The problem `code` whose English sentence is `template` with each `{name}` replaced by
    /// its parameter.
    pub fn new(code: &'static str, template: &str, params: Vec<(&'static str, String)>) -> Problem {
        let params: BTreeMap<String, String> = params.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Problem { code, message: fill(template, &params), params }
    }
}

/// `template` with each `{name}` replaced by its parameter, in one pass: a parameter's value is
/// never read as a placeholder (a returnee who types `{max}` sees `{max}`). An unknown
/// `{name}` stays as it is.
pub fn fill(template: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if params.contains_key(name) => {
                out.push_str(&params[name]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A [`Problem`]: its code, its English sentence with `{name}` placeholders, and the value of
/// each name (anything `Display`).
#[macro_export]
macro_rules! problem {
    ($code:literal, $template:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::validate::Problem::new($code, $template, vec![$((stringify!($name), ($value).to_string())),*])
    };
}

/// The problems found in one record; empty when it is valid.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<FieldError>);

impl FieldError {
    /// A problem said only in words (code `other`): for refusals with no code of their own yet.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), code: "other".into(), params: BTreeMap::new(), message: message.into() }
    }

    /// `problem` found in `field`.
    pub fn of(field: impl Into<String>, problem: Problem) -> FieldError {
        FieldError { field: field.into(), code: problem.code.into(), params: problem.params, message: problem.message }
    }
}

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldError::of(field, problem));
    }

    /// `Ok(())` when nothing was found, else every problem.
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }

    /// A required text: present once trimmed, and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, crate::problem!("required", "is required"));
        } else {
            self.optional_text(field, Some(value), max);
        }
    }

    /// An optional text of at most `max` characters, without control characters other than
    /// line breaks and tabs.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        let Some(value) = value else { return };
        if value.chars().count() > max {
            self.add(field, crate::problem!("too_long", "is longer than {max} characters", max = max));
        }
        if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            self.add(field, crate::problem!("control_characters", "contains control characters"));
        }
    }

    /// `later` is not before `earlier` (both present).
    pub fn not_before(&mut self, field: &str, later: NaiveDate, earlier_field: &str, earlier: NaiveDate) {
        if later < earlier {
            let problem = crate::problem!(
                "before",
                "{date} is before {other} ({other_date})",
                date = later,
                other = earlier_field,
                other_date = earlier
            );
            self.add(field, problem);
        }
    }

    /// A date within the years a case can concern (guards against typos such as 0202 or 2202).
    pub fn plausible_date(&mut self, field: &str, date: NaiveDate) {
        let year = chrono::Datelike::year(&date);
        if !(1900..=2200).contains(&year) {
            self.add(field, crate::problem!("implausible_date", "{date} is not a plausible date", date = date));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_required_bounded_and_free_of_control_characters() {
        let mut p = Problems::default();
        p.text("given_name", "  ", 10);
        p.text("family_name", "abcdefghijk", 10);
        p.optional_text("notes", Some("line\nbreak\tok"), 100);
        p.optional_text("address", Some("bell\u{7}"), 100);
        let fields: Vec<(&str, &str)> = p.0.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("given_name", "is required"),
                ("family_name", "is longer than 10 characters"),
                ("address", "contains control characters")
            ]
        );
    }

    #[test]
    fn a_problem_fills_its_template_once() {
        let params = vec![("value", "{count}".to_string()), ("count", "2".to_string())];
        let p = Problem::new("example", "`{value}` is listed twice ({count})", params);
        assert_eq!(p.message, "`{count}` is listed twice (2)", "a value is not a placeholder");
        assert_eq!((p.code, p.params["value"].as_str()), ("example", "{count}"));
        let params = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(fill("{a} {b} {", &params), "1 {b} {");
    }

    #[test]
    fn dates_out_of_order_or_implausible_are_named() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut p = Problems::default();
        p.not_before("date_of_return", d("1990-01-01"), "date_of_birth", d("1995-05-05"));
        p.plausible_date("date_of_birth", d("0202-01-01"));
        assert_eq!(p.0[0].message, "1990-01-01 is before date_of_birth (1995-05-05)");
        assert_eq!(p.0[1].field, "date_of_birth");
        assert!(Problems::default().into_result().is_ok());
    }
}
