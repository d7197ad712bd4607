//! The RSS as an XLSForm: profile fields, the consent gate, then one group per dimension.

use homeward_rss::instrument::{FieldKind, Instrument, QuestionKind};
use homeward_rss::{Labels, Profile};

use crate::{Sheet, XlsForm, XlsFormError};

/// The form id ODK and Kobo key submissions by.
pub const FORM_ID: &str = "homeward_rss";

/// The profile field that names the case.
const CASE_FIELD: &str = "case_id";

/// The field that says which round of the survey a submission is.
pub const ROUND_FIELD: &str = "round";

/// A Homeward case number (`HW-2026-000025`, in either case), as the form checks it.
const CASE_NUMBER: &str = "regex(., '^[Hh][Ww]-[0-9]{4}-[0-9]{6,}$')";

/// How a form names the case a submission is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseChoice<'a> {
    /// Typed by the enumerator, checked against Homeward's numbering.
    Number,
    /// Chosen from a CSV file attached to the form (`select_one_from_file`): one row per case,
    /// `name` its number and `label` how it is shown ([`case_list_csv`]).
    FromFile(&'a str),
}

/// Builds the RSS form in `languages` (codes of the instrument; the first is the default).
///
/// Q21 is a `calculate` with `profile`'s values, so the form states which profile it embeds.
pub fn rss_form(
    instrument: &Instrument,
    profile: &Profile,
    languages: &[&str],
    case: CaseChoice<'_>,
) -> Result<XlsForm, XlsFormError> {
    if languages.is_empty() {
        return Err(XlsFormError::NoLanguage);
    }
    for lang in languages {
        if !instrument.languages.iter().any(|l| l == lang) {
            return Err(XlsFormError::UnknownLanguage(lang.to_string(), instrument.languages.join(", ")));
        }
    }
    let form = Form { instrument, profile, langs: languages, case };
    Ok(XlsForm { survey: form.survey(), choices: form.choices(), settings: form.settings() })
}

struct Form<'a> {
    instrument: &'a Instrument,
    profile: &'a Profile,
    langs: &'a [&'a str],
    case: CaseChoice<'a>,
}

/// A cell per language: `(column::Language (xx), text)`.
type Localized = Vec<(String, String)>;

impl Form<'_> {
    /// `label::Français (fr)`: pyxform reads the code in brackets as the language.
    fn column(&self, kind: &str, lang: &str) -> String {
        let name = self.instrument.language_names.get(lang).unwrap_or(lang);
        format!("{kind}::{name} ({lang})")
    }

    fn localized(&self, kind: &str, labels: &Labels) -> Localized {
        self.langs.iter().map(|l| (self.column(kind, l), labels.get(l).unwrap_or_default().to_string())).collect()
    }

    fn survey(&self) -> Sheet {
        let mut columns = vec!["type".to_string(), "name".to_string()];
        for kind in ["label", "hint"] {
            columns.extend(self.langs.iter().map(|l| self.column(kind, l)));
        }
        columns.extend(["required", "relevant", "constraint"].map(String::from));
        columns.extend(self.langs.iter().map(|l| self.column("constraint_message", l)));
        columns.push("calculation".into());
        let mut sheet = Sheet::new("survey", columns);
        let inst = self.instrument;
        let push = |sheet: &mut Sheet, fixed: &[(&str, &str)], texts: &[Localized]| {
            let mut cells: Vec<(&str, &str)> = fixed.to_vec();
            for t in texts {
                cells.extend(t.iter().map(|(c, v)| (c.as_str(), v.as_str())));
            }
            sheet.push(&cells);
        };

        // Each submission gets its own id, the `survey_id` of the batch files.
        push(&mut sheet, &[("type", "calculate"), ("name", "survey_id"), ("calculation", "once(uuid())")], &[]);
        // The standard metadata the devices fill in: when, on which device, by whom.
        for meta in ["start", "end", "today", "deviceid", "username"] {
            push(&mut sheet, &[("type", meta), ("name", meta)], &[]);
        }

        push(
            &mut sheet,
            &[("type", "begin_group"), ("name", "profile")],
            &[self.localized("label", &inst.texts.profile_group)],
        );
        for f in &inst.profile_fields {
            let kind = match f.kind {
                FieldKind::Text => "text".to_string(),
                FieldKind::Date => "date".to_string(),
                FieldKind::Integer => "integer".to_string(),
                FieldKind::Decimal => "decimal".to_string(),
                FieldKind::SelectOne => format!("select_one {}", f.name),
            };
            let relevant =
                f.relevant.as_ref().map(|(field, code)| format!("${{{field}}} = '{code}'")).unwrap_or_default();
            if f.name == CASE_FIELD {
                // The case is named by its Homeward number, checked on the device, and the round
                // follows it: a submission says which case and which survey it is.
                match self.case {
                    CaseChoice::Number => push(
                        &mut sheet,
                        &[("type", &kind), ("name", &f.name), ("required", "yes"), ("constraint", CASE_NUMBER)],
                        &[
                            self.localized("label", &inst.texts.case_number),
                            self.localized("constraint_message", &inst.texts.case_number_constraint),
                        ],
                    ),
                    CaseChoice::FromFile(file) => push(
                        &mut sheet,
                        &[("type", &format!("select_one_from_file {file}")), ("name", &f.name), ("required", "yes")],
                        &[self.localized("label", &inst.texts.case_number)],
                    ),
                }
                push(
                    &mut sheet,
                    &[("type", "select_one round"), ("name", ROUND_FIELD), ("required", "yes")],
                    &[self.localized("label", &inst.texts.round)],
                );
                continue;
            }
            push(
                &mut sheet,
                &[("type", &kind), ("name", &f.name), ("relevant", &relevant)],
                &[self.localized("label", &f.label)],
            );
        }
        push(&mut sheet, &[("type", "end_group")], &[]);

        let consent = &inst.consent;
        let consent_type = format!("select_one {}", consent.field);
        push(
            &mut sheet,
            &[("type", &consent_type), ("name", &consent.field), ("required", "yes")],
            &[self.localized("label", &consent.label)],
        );
        // The questions are asked only with consent.
        let gate = format!("${{{}}} = 'yes'", consent.field);

        for (d, dimension) in inst.dimensions.iter().enumerate() {
            push(
                &mut sheet,
                &[("type", "begin_group"), ("name", &dimension.id), ("relevant", &gate)],
                &[self.localized("label", &dimension.label)],
            );
            for q in inst.questions.iter().filter(|q| q.dimension == d) {
                if let QuestionKind::Derived { mean_of } = &q.kind {
                    let calculation = self.mean_of_values(mean_of);
                    push(&mut sheet, &[("type", "calculate"), ("name", &q.id), ("calculation", &calculation)], &[]);
                    continue;
                }
                let kind = match q.kind {
                    QuestionKind::SelectMultiple => format!("select_multiple {}", q.id),
                    _ => format!("select_one {}", q.id),
                };
                let relevant = q
                    .relevant
                    .map(|r| {
                        let gate_q = &inst.questions[r.question];
                        format!("${{{}}} = '{}'", gate_q.id, gate_q.choices[r.choice].code)
                    })
                    .unwrap_or_default();
                let exclusive: Vec<_> = q.choices.iter().filter(|c| c.exclusive).collect();
                let constraint = exclusive
                    .iter()
                    .map(|c| format!("not(selected(., '{}') and count-selected(.) > 1)", c.code))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let messages = if exclusive.is_empty() {
                    Vec::new()
                } else {
                    self.stand_alone_messages(&exclusive.iter().map(|c| &c.label).collect::<Vec<_>>())
                };
                let hint = q.hint.as_ref().map(|h| self.localized("hint", h)).unwrap_or_default();
                push(
                    &mut sheet,
                    &[
                        ("type", &kind),
                        ("name", &q.id),
                        ("required", "yes"),
                        ("relevant", &relevant),
                        ("constraint", &constraint),
                    ],
                    &[self.localized("label", &q.label), hint, messages],
                );
            }
            push(&mut sheet, &[("type", "end_group")], &[]);
        }
        sheet
    }

    /// "'No' cannot be combined with other answers." in each language, for every stand-alone choice.
    fn stand_alone_messages(&self, labels: &[&Labels]) -> Localized {
        self.langs
            .iter()
            .map(|l| {
                let template = self.instrument.texts.stand_alone.get(l).unwrap_or_default();
                let text = labels
                    .iter()
                    .map(|label| template.replace("{choice}", label.get(l).unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(" ");
                (self.column("constraint_message", l), text)
            })
            .collect()
    }

    /// XPath for the mean of the profile values of `inputs` that are not missing, or empty when
    /// all are: `if(n > 0, (v1 + v2 + ...) div n, '')`.
    fn mean_of_values(&self, inputs: &[usize]) -> String {
        let mut values = Vec::new();
        let mut present = Vec::new();
        for &i in inputs {
            let q = &self.instrument.questions[i];
            let valued: Vec<(&str, f64)> = q
                .choices
                .iter()
                .zip(&self.profile.item(i).values)
                .filter_map(|(c, v)| v.map(|v| (c.code.as_str(), v)))
                .collect();
            let value = valued
                .iter()
                .rev()
                .fold("0".to_string(), |rest, (code, v)| format!("if(${{{}}} = '{code}', {v}, {rest})", q.id));
            let has =
                valued.iter().map(|(code, _)| format!("${{{}}} = '{code}'", q.id)).collect::<Vec<_>>().join(" or ");
            values.push(value);
            present.push(format!("if({has}, 1, 0)"));
        }
        let n = present.join(" + ");
        format!("if(({n}) > 0, ({}) div ({n}), '')", values.join(" + "))
    }

    fn choices(&self) -> Sheet {
        let mut columns = vec!["list_name".to_string(), "name".to_string()];
        columns.extend(self.langs.iter().map(|l| self.column("label", l)));
        let mut sheet = Sheet::new("choices", columns);
        let mut push = |list: &str, code: &str, label: &Labels| {
            let texts = self.localized("label", label);
            let mut cells = vec![("list_name", list), ("name", code)];
            cells.extend(texts.iter().map(|(c, v)| (c.as_str(), v.as_str())));
            sheet.push(&cells);
        };
        let inst = self.instrument;
        for f in &inst.profile_fields {
            for c in &f.choices {
                push(&f.name, &c.code, &c.label);
            }
        }
        for (code, label) in &inst.texts.rounds {
            push(ROUND_FIELD, code, label);
        }
        push(&inst.consent.field, "yes", &inst.consent.yes);
        push(&inst.consent.field, "no", &inst.consent.no);
        for q in &inst.questions {
            for c in &q.choices {
                push(&q.id, &c.code, &c.label);
            }
        }
        sheet
    }

    fn settings(&self) -> Sheet {
        let columns =
            ["form_title", "form_id", "version", "default_language", "instance_name"].map(String::from).to_vec();
        let mut sheet = Sheet::new("settings", columns);
        let lang = self.langs[0];
        let title = self.instrument.title.get(lang).unwrap_or_default();
        // ODK compares versions as text: the instrument's version, then the Q21 profile.
        let version = format!("{}-{}", self.instrument.version, self.profile.name);
        let default_language = format!("{} ({lang})", self.instrument.language_names.get(lang).unwrap_or(lang));
        sheet.push(&[
            ("form_title", title),
            ("form_id", FORM_ID),
            ("version", &version),
            ("default_language", &default_language),
            ("instance_name", "concat(${case_id}, ' ', ${interview_date})"),
        ]);
        sheet
    }
}

/// The case list attached to a form made with [`CaseChoice::FromFile`]: a CSV with the columns
/// ODK Collect and KoboToolbox read, `name` (the case number a submission carries) and `label`.
pub fn case_list_csv(cases: &[(String, String)]) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut csv = String::from("name,label\n");
    for (number, label) in cases {
        csv.push_str(&format!("{},{}\n", quote(number), quote(label)));
    }
    csv
}
