//! One cell read as a value of its field, or the problem with it (with a code, to translate).

use chrono::{Datelike, NaiveDate};
use homeward_domain::problem;
use homeward_domain::reference::CountryCode;
use homeward_domain::returnee::{ReturnAssistance, ReturnType, Sex, StaffGender};
use homeward_domain::search::fold;
use homeward_domain::validate::Problem;
use serde::Deserialize;
use serde_json::Value;

use crate::fields::{Field, Kind, known};

/// How a date such as `03/04/1990` is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Day, month, year: 3 April 1990 (as in francophone and most field offices).
    #[default]
    DayFirst,
    /// Month, day, year: 4 March 1990 (as a spreadsheet set to US English writes).
    MonthFirst,
}

/// A cell of `field` (trimmed, not empty) as the JSON value the registration reads.
pub(crate) fn read(
    field: &Field,
    text: &str,
    order: DateOrder,
    words: Option<&[(String, String)]>,
) -> Result<Value, Problem> {
    match field.kind {
        Kind::Text => Ok(Value::String(text.to_string())),
        Kind::Date => date(text, order).map(|d| Value::String(d.to_string())),
        Kind::Country => CountryCode::from_code_or_name(text).map(|c| Value::String(c.to_string())).ok_or_else(|| {
            problem!("not_a_country", "'{value}' is not a country: give its code (SN) or its name", value = text)
        }),
        Kind::Choice => choice(field, text, words).map(Value::String),
        Kind::YesNo => yes_no(text).map(Value::Bool),
        Kind::WholeNumber => whole_number(text).map(Value::from),
        Kind::List => Ok(Value::Array(
            text.split([';', ',', '\n'])
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.into()))
                .collect(),
        )),
    }
}

/// A date as spreadsheets write them: ISO (`1990-04-03`, with a time or not), day first
/// (`03/04/1990`, `3-4-1990`, `03.04.1990`) unless `order` says month first, or a date serial
/// number (`32966`, a date cell that lost its format in a CSV).
pub fn date(text: &str, order: DateOrder) -> Result<NaiveDate, Problem> {
    let example = match order {
        DateOrder::DayFirst => "31/12/1990",
        DateOrder::MonthFirst => "12/31/1990",
    };
    let wrong = || {
        problem!(
            "not_a_spreadsheet_date",
            "'{value}' is not a date: write it as {example} or 1990-12-31",
            value = text,
            example = example
        )
    };
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    if let Ok(d) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        return Ok(d);
    }
    if day.len() == 5 && day.bytes().all(|b| b.is_ascii_digit()) {
        // Days since 30 December 1899, as Excel and LibreOffice count (10000 is 1927-05-18).
        let serial: i64 = day.parse().map_err(|_| wrong())?;
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date");
        return epoch.checked_add_signed(chrono::Duration::days(serial)).ok_or_else(wrong);
    }
    let parts: Vec<&str> = day.split(['/', '-', '.']).collect();
    let [a, b, year] = parts[..] else { return Err(wrong()) };
    if year.len() == 2 {
        return Err(problem!("two_digit_year", "'{value}' has a two-digit year: write the year in full", value = text));
    }
    let number = |s: &str| s.parse::<u32>().ok().filter(|_| !s.is_empty() && s.len() <= 4);
    let (Some(a), Some(b), Some(year)) = (number(a), number(b), number(year)) else { return Err(wrong()) };
    let (day, month) = match order {
        DateOrder::DayFirst => (a, b),
        DateOrder::MonthFirst => (b, a),
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).filter(|d| d.year() >= 1000).ok_or_else(wrong)
}

fn yes_no(text: &str) -> Result<bool, Problem> {
    match fold(text).as_str() {
        "yes" | "y" | "oui" | "o" | "true" | "vrai" | "1" | "x" => Ok(true),
        "no" | "n" | "non" | "false" | "faux" | "0" => Ok(false),
        _ => Err(problem!("not_yes_no", "'{value}' is neither yes nor no", value = text)),
    }
}

fn whole_number(text: &str) -> Result<u32, Problem> {
    let whole = text.strip_suffix(".0").unwrap_or(text);
    whole.parse().map_err(|_| problem!("not_a_whole_number", "is not a whole number"))
}

/// A choice by its code, a word the data file gives for it, or a word of the mapping file
/// (`words`, folded word → code).
fn choice(field: &Field, text: &str, words: Option<&[(String, String)]>) -> Result<String, Problem> {
    let folded = fold(text);
    let mapped = words.and_then(|w| w.iter().find(|(word, _)| *word == folded)).map(|(_, code)| code.clone());
    let known = known().values.get(field.name).and_then(|v| v.get(&folded)).cloned();
    let code = mapped.or(known).unwrap_or_else(|| text.to_string());
    check_code(field, &code).map(|()| code).map_err(|_| {
        problem!(
            "not_one_of_named",
            "'{value}' is not one of: {values}",
            value = text,
            values = codes(field).join(", ")
        )
    })
}

/// The codes of a choice field.
pub(crate) fn codes(field: &Field) -> Vec<&'static str> {
    use homeward_domain::Named;
    match field.name {
        "sex" => Sex::ALL.iter().map(|v| v.name()).collect(),
        "return_assistance" => ReturnAssistance::ALL.iter().map(|v| v.name()).collect(),
        "return_type" => ReturnType::ALL.iter().map(|v| v.name()).collect(),
        "preferred_staff_gender" => StaffGender::ALL.iter().map(|v| v.name()).collect(),
        _ => Vec::new(),
    }
}

/// Whether `code` is a code of the choice `field`.
pub(crate) fn check_code(field: &Field, code: &str) -> Result<(), String> {
    if codes(field).contains(&code) {
        Ok(())
    } else {
        Err(format!("'{code}' is not a code of {}: {}", field.name, codes(field).join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Result<String, String> {
        date(text, DateOrder::DayFirst).map(|d| d.to_string()).map_err(|p| p.message)
    }

    #[test]
    fn dates_are_read_in_the_forms_spreadsheets_write() {
        for text in ["1990-04-03", "1990-04-03T00:00:00", "03/04/1990", "3/4/1990", "03-04-1990", "03.04.1990", "32966"]
        {
            assert_eq!(d(text).as_deref(), Ok("1990-04-03"), "{text}");
        }
        assert_eq!(date("04/03/1990", DateOrder::MonthFirst).unwrap().to_string(), "1990-04-03");
        assert_eq!(d("31/12/90").unwrap_err(), "'31/12/90' has a two-digit year: write the year in full");
        assert_eq!(d("12/31/1990").unwrap_err(), "'12/31/1990' is not a date: write it as 31/12/1990 or 1990-12-31");
        for wrong in ["1990", "yesterday", "1/2/3/4", "30/02/1990", "a/b/1990"] {
            assert!(d(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn choices_yes_no_and_lists_take_the_words_of_either_language() {
        let sex = crate::fields::named("sex").unwrap();
        let read = |f: &Field, text: &str| read(f, text, DateOrder::DayFirst, None).map_err(|p| p.message);
        assert_eq!(read(sex, "Femme"), Ok(Value::from("female")));
        assert_eq!(read(sex, "M"), Ok(Value::from("male")));
        assert_eq!(read(sex, "X"), Err("'X' is not one of: female, male".into()));
        let mapped = [("1".to_string(), "female".to_string())];
        assert_eq!(super::read(sex, "1", DateOrder::DayFirst, Some(&mapped)).unwrap(), Value::from("female"));
        let interpreter = crate::fields::named("interpreter_needed").unwrap();
        assert_eq!(read(interpreter, "Oui"), Ok(Value::Bool(true)));
        assert_eq!(read(interpreter, "non"), Ok(Value::Bool(false)));
        assert!(read(interpreter, "maybe").is_err());
        let contacts = crate::fields::named("contacts").unwrap();
        assert_eq!(read(contacts, "+221 77 000; +221 78 111,"), Ok(serde_json::json!(["+221 77 000", "+221 78 111"])));
        let country = crate::fields::named("country_of_origin").unwrap();
        assert_eq!(read(country, "Sénégal"), Ok(Value::from("SN")));
        let years = crate::fields::named("years_abroad").unwrap();
        assert_eq!(read(years, "4.0"), Ok(Value::from(4)));
    }
}
