//! Reading and validating the instrument file. Every error names the item it is about.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::{
    Choice, Consent, Dimension, FieldChoice, FieldKind, Instrument, NonAnswer, ProfileField, Question, QuestionKind,
    Relevance,
};
use crate::Labels;

/// The one file format this engine reads.
const FORMAT: u32 = 1;

/// Why an instrument file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    #[error("instrument file is not valid TOML for an instrument: {0}")]
    Syntax(String),
    #[error("instrument item {item}: {message}")]
    Item { item: String, message: String },
}

fn err(item: impl Into<String>, message: impl Into<String>) -> InstrumentError {
    InstrumentError::Item { item: item.into(), message: message.into() }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    format: u32,
    id: String,
    version: String,
    source: String,
    languages: Vec<String>,
    title: Labels,
    language_names: Labels,
    texts: RawTexts,
    #[serde(default)]
    non_answers: BTreeMap<String, Labels>,
    consent: RawConsent,
    #[serde(default)]
    profile_fields: Vec<RawField>,
    dimensions: Vec<RawDimension>,
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTexts {
    profile_group: Labels,
    stand_alone: Labels,
    round: Labels,
    rounds: RawRounds,
    case_number: Labels,
    case_number_constraint: Labels,
}

/// The survey rounds: their codes in order, and each one's labels.
#[derive(Deserialize)]
struct RawRounds {
    order: Vec<String>,
    #[serde(flatten)]
    labels: BTreeMap<String, Labels>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsent {
    field: String,
    line: u32,
    label: Labels,
    yes: Labels,
    no: Labels,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: String,
    line: u32,
    label: Labels,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    line: u32,
    label: Labels,
    #[serde(default)]
    choices: Vec<RawChoice>,
    relevant: Option<RawFieldRelevance>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFieldRelevance {
    field: String,
    equals: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    dimension: String,
    #[serde(rename = "type")]
    kind: String,
    line: u32,
    label: Labels,
    hint: Option<Labels>,
    #[serde(default)]
    choices: Vec<RawChoice>,
    scored: Option<bool>,
    relevant: Option<RawRelevance>,
    mean_of: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelevance {
    question: String,
    equals: String,
}

/// `{ code = "land", en = "Land", fr = "Terre", exclusive = true }`: every key but `code` and
/// `exclusive` is a language.
#[derive(Deserialize)]
struct RawChoice {
    code: String,
    #[serde(default)]
    exclusive: bool,
    #[serde(flatten)]
    labels: BTreeMap<String, String>,
}

impl Instrument {
    /// Parses and validates an instrument file.
    pub fn from_toml(text: &str) -> Result<Self, InstrumentError> {
        let raw: RawInstrument = toml::from_str(text).map_err(|e| InstrumentError::Syntax(e.to_string()))?;
        raw.validate()
    }
}

/// Codes and field names become XLSForm names and CSV columns, and select_multiple answers are
/// codes separated by spaces: so a name is a letter followed by letters, digits or `_`.
fn check_name(item: &str, what: &str, name: &str) -> Result<(), InstrumentError> {
    let mut chars = name.chars();
    let ok =
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(err(item, format!("{what} '{name}' must start with a letter and use only letters, digits and _")))
    }
}

fn check_labels(item: &str, what: &str, labels: &Labels, langs: &[String]) -> Result<(), InstrumentError> {
    if let Some(unknown) = labels.0.keys().find(|k| !langs.contains(k)) {
        return Err(err(
            item,
            format!("{what} has text in '{unknown}', which is not one of the instrument's languages"),
        ));
    }
    let missing = labels.missing(langs);
    if missing.is_empty() { Ok(()) } else { Err(err(item, format!("{what} has no text in {}", missing.join(", ")))) }
}

impl RawInstrument {
    fn validate(self) -> Result<Instrument, InstrumentError> {
        if self.format != FORMAT {
            return Err(err(
                "format",
                format!("format {} is not supported (this Homeward reads format {FORMAT})", self.format),
            ));
        }
        for (what, value) in [("id", &self.id), ("version", &self.version)] {
            if value.trim().is_empty() {
                return Err(err(what, "must not be empty"));
            }
        }
        let langs = &self.languages;
        if langs.is_empty() {
            return Err(err("languages", "at least one language is needed"));
        }
        if let Some(dup) = first_duplicate(langs.iter().map(String::as_str)) {
            return Err(err("languages", format!("'{dup}' is listed twice")));
        }
        check_labels("title", "the title", &self.title, langs)?;
        check_labels("language_names", "the language names", &self.language_names, langs)?;
        check_labels("texts.profile_group", "the text", &self.texts.profile_group, langs)?;
        check_labels("texts.stand_alone", "the text", &self.texts.stand_alone, langs)?;
        check_labels("texts.round", "the text", &self.texts.round, langs)?;
        check_labels("texts.case_number", "the text", &self.texts.case_number, langs)?;
        check_labels("texts.case_number_constraint", "the text", &self.texts.case_number_constraint, langs)?;
        let rounds = &self.texts.rounds;
        if rounds.order.is_empty() {
            return Err(err("texts.rounds.order", "at least one round is needed"));
        }
        if let Some(dup) = first_duplicate(rounds.order.iter().map(String::as_str)) {
            return Err(err("texts.rounds.order", format!("'{dup}' is listed twice")));
        }
        for code in &rounds.order {
            let labels = rounds.labels.get(code).ok_or_else(|| err(format!("texts.rounds.{code}"), "has no labels"))?;
            check_labels(&format!("texts.rounds.{code}"), "the label", labels, langs)?;
        }
        if let Some(extra) = rounds.labels.keys().find(|code| !rounds.order.contains(code)) {
            return Err(err(format!("texts.rounds.{extra}"), "is not in texts.rounds.order"));
        }
        for (code, labels) in &self.non_answers {
            if NonAnswer::from_code(code).is_none() {
                return Err(err(format!("non_answers.{code}"), "only dk, dwa and na are non-answers"));
            }
            check_labels(&format!("non_answers.{code}"), "the label", labels, langs)?;
        }

        let consent = self.consent;
        check_name("consent", "field", &consent.field)?;
        for (what, labels) in [("label", &consent.label), ("yes", &consent.yes), ("no", &consent.no)] {
            check_labels("consent", what, labels, langs)?;
        }

        let dimensions: Vec<Dimension> = self
            .dimensions
            .into_iter()
            .map(|d| {
                check_name(&d.id, "dimension id", &d.id)?;
                check_labels(&d.id, "the label", &d.label, langs)?;
                Ok(Dimension { id: d.id, line: d.line, label: d.label })
            })
            .collect::<Result<_, InstrumentError>>()?;
        if dimensions.is_empty() || dimensions.len() > super::MAX_DIMENSIONS {
            return Err(err("dimensions", format!("an instrument has 1 to {} dimensions", super::MAX_DIMENSIONS)));
        }
        if let Some(dup) = first_duplicate(dimensions.iter().map(|d| d.id.as_str())) {
            return Err(err(dup, "dimension listed twice"));
        }

        let profile_fields = validate_fields(self.profile_fields, langs)?;

        let mut reserved: HashSet<&str> = ["survey_id", consent.field.as_str()].into();
        reserved.extend(profile_fields.iter().map(|f| f.name.as_str()));
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut questions: Vec<Question> = Vec::with_capacity(self.questions.len());
        for raw in self.questions {
            let q = validate_question(raw, &dimensions, &questions, &by_id, &self.non_answers, langs)?;
            if reserved.contains(q.id.as_str()) || by_id.contains_key(&q.id) {
                return Err(err(&q.id, "this name is already used by another question or field"));
            }
            by_id.insert(q.id.clone(), questions.len());
            questions.push(q);
        }
        for (i, d) in dimensions.iter().enumerate() {
            if !questions.iter().any(|q| q.dimension == i) {
                return Err(err(&d.id, "dimension has no question"));
            }
        }
        let all_codes = questions.iter().flat_map(|q| q.choices.iter().map(|c| c.code.clone())).collect();
        Ok(Instrument {
            id: self.id,
            version: self.version,
            source: self.source,
            languages: self.languages,
            title: self.title,
            language_names: self.language_names,
            texts: super::FormTexts {
                profile_group: self.texts.profile_group,
                stand_alone: self.texts.stand_alone,
                round: self.texts.round,
                rounds: {
                    let mut labels = self.texts.rounds.labels;
                    self.texts
                        .rounds
                        .order
                        .into_iter()
                        .map(|code| {
                            let l = labels.remove(&code).unwrap_or_default();
                            (code, l)
                        })
                        .collect()
                },
                case_number: self.texts.case_number,
                case_number_constraint: self.texts.case_number_constraint,
            },
            consent: Consent {
                field: consent.field,
                line: consent.line,
                label: consent.label,
                yes: consent.yes,
                no: consent.no,
            },
            profile_fields,
            dimensions,
            questions,
            by_id,
            all_codes,
        })
    }
}

fn first_duplicate<'a>(items: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = HashSet::new();
    items.into_iter().find(|i| !seen.insert(*i))
}

fn validate_fields(raw: Vec<RawField>, langs: &[String]) -> Result<Vec<ProfileField>, InstrumentError> {
    let mut fields: Vec<ProfileField> = Vec::with_capacity(raw.len());
    for f in raw {
        let item = f.name.clone();
        check_name(&item, "field name", &f.name)?;
        check_labels(&item, "the label", &f.label, langs)?;
        if fields.iter().any(|other| other.name == f.name) {
            return Err(err(&item, "profile field listed twice"));
        }
        let kind = match f.kind.as_str() {
            "text" => FieldKind::Text,
            "date" => FieldKind::Date,
            "integer" => FieldKind::Integer,
            "decimal" => FieldKind::Decimal,
            "select_one" => FieldKind::SelectOne,
            other => {
                return Err(err(
                    &item,
                    format!("type '{other}' is not one of text, date, integer, decimal, select_one"),
                ));
            }
        };
        let choices = f
            .choices
            .into_iter()
            .map(|c| {
                check_name(&item, "choice code", &c.code)?;
                let label = Labels(c.labels);
                check_labels(&item, &format!("choice '{}'", c.code), &label, langs)?;
                Ok(FieldChoice { code: c.code, label })
            })
            .collect::<Result<Vec<_>, InstrumentError>>()?;
        if (kind == FieldKind::SelectOne) == choices.is_empty() {
            return Err(err(&item, "a select_one field needs choices, and only a select_one field has them"));
        }
        let relevant = match f.relevant {
            None => None,
            Some(r) => {
                let gate = fields.iter().find(|g| g.name == r.field).ok_or_else(|| {
                    err(&item, format!("relevant names '{}', which is not an earlier profile field", r.field))
                })?;
                if !gate.choices.iter().any(|c| c.code == r.equals) {
                    return Err(err(&item, format!("relevant: '{}' is not a choice of {}", r.equals, r.field)));
                }
                Some((r.field, r.equals))
            }
        };
        fields.push(ProfileField { name: f.name, kind, line: f.line, label: f.label, choices, relevant });
    }
    Ok(fields)
}

fn validate_question(
    raw: RawQuestion,
    dimensions: &[Dimension],
    earlier: &[Question],
    by_id: &HashMap<String, usize>,
    non_answers: &BTreeMap<String, Labels>,
    langs: &[String],
) -> Result<Question, InstrumentError> {
    let item = raw.id.clone();
    check_name(&item, "question id", &raw.id)?;
    check_labels(&item, "the label", &raw.label, langs)?;
    if let Some(hint) = &raw.hint {
        check_labels(&item, "the hint", hint, langs)?;
    }
    let dimension = dimensions
        .iter()
        .position(|d| d.id == raw.dimension)
        .ok_or_else(|| err(&item, format!("dimension '{}' is not declared", raw.dimension)))?;
    let earlier_question = |id: &str, role: &str| {
        by_id
            .get(id)
            .copied()
            .ok_or_else(|| err(&item, format!("{role} names '{id}', which is not an earlier question")))
    };

    let kind = match raw.kind.as_str() {
        "select_one" => QuestionKind::SelectOne,
        "select_multiple" => QuestionKind::SelectMultiple,
        "derived" => {
            let inputs = raw
                .mean_of
                .as_deref()
                .filter(|m| !m.is_empty())
                .ok_or_else(|| err(&item, "a derived question needs `mean_of`, a list of earlier questions"))?;
            let mean_of = inputs
                .iter()
                .map(|id| {
                    let i = earlier_question(id, "mean_of")?;
                    if earlier[i].is_derived() || !earlier[i].scored {
                        return Err(err(&item, format!("mean_of: {id} is not a scored, asked question")));
                    }
                    Ok(i)
                })
                .collect::<Result<Vec<_>, _>>()?;
            QuestionKind::Derived { mean_of }
        }
        other => return Err(err(&item, format!("type '{other}' is not one of select_one, select_multiple, derived"))),
    };
    if raw.mean_of.is_some() && !matches!(kind, QuestionKind::Derived { .. }) {
        return Err(err(&item, "only a derived question has `mean_of`"));
    }
    let derived = matches!(kind, QuestionKind::Derived { .. });
    if derived && (!raw.choices.is_empty() || raw.relevant.is_some()) {
        return Err(err(&item, "a derived question is never asked: it has no choices and no `relevant`"));
    }

    let mut choices = Vec::with_capacity(raw.choices.len());
    for c in raw.choices {
        check_name(&item, "choice code", &c.code)?;
        let non_answer = NonAnswer::from_code(&c.code);
        let label = match (non_answer, c.labels.is_empty()) {
            (Some(_), true) => non_answers.get(&c.code).cloned().ok_or_else(|| {
                err(&item, format!("choice '{}' has no label and [non_answers.{}] gives none", c.code, c.code))
            })?,
            _ => Labels(c.labels),
        };
        check_labels(&item, &format!("choice '{}'", c.code), &label, langs)?;
        if c.exclusive && kind != QuestionKind::SelectMultiple {
            return Err(err(
                &item,
                format!("choice '{}' is exclusive, but only select_multiple choices can be", c.code),
            ));
        }
        choices.push(Choice { code: c.code, label, non_answer, exclusive: c.exclusive });
    }
    if !derived && choices.is_empty() {
        return Err(err(&item, "a question that is asked needs choices"));
    }
    if let Some(dup) = first_duplicate(choices.iter().map(|c| c.code.as_str())) {
        return Err(err(&item, format!("choice '{dup}' is listed twice")));
    }
    // A select_multiple answer is a bit set, one bit per choice.
    if choices.len() > 64 {
        return Err(err(&item, "a question has at most 64 choices"));
    }

    let relevant = match raw.relevant {
        None => None,
        Some(r) => {
            let question = earlier_question(&r.question, "relevant")?;
            let gate = &earlier[question];
            if gate.kind != QuestionKind::SelectOne {
                return Err(err(&item, format!("relevant: {} must be a select_one question", r.question)));
            }
            let choice = gate
                .choice_index(&r.equals)
                .ok_or_else(|| err(&item, format!("relevant: '{}' is not a choice of {}", r.equals, r.question)))?;
            Some(Relevance { question, choice })
        }
    };

    Ok(Question {
        id: raw.id,
        dimension,
        kind,
        line: raw.line,
        label: raw.label,
        hint: raw.hint,
        choices,
        scored: raw.scored.unwrap_or(true),
        relevant,
    })
}
