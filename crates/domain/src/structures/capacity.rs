//! Capacity building (handbook 4.1.2, Tables 4.5-4.6): an activity given to stakeholders of the
//! map, of a type of support, and the questionnaire each participating stakeholder answers
//! before and after it (lines 8980-9030), which the structural indicator counts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{AnswerKind, StructuresCatalogue};
use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

/// A capacity-building activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityActivity {
    pub title: String,
    /// The office that runs it; access follows it.
    pub office: String,
    /// The type of support (an id of `data/programme/structures.toml`).
    pub support: String,
    pub held_on: NaiveDate,
    #[serde(default)]
    pub facilitator: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl CapacityActivity {
    pub fn validate(&self, catalogue: &StructuresCatalogue) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("title", &self.title, SHORT_TEXT);
        p.text("office", &self.office, SHORT_TEXT);
        p.optional_text("facilitator", self.facilitator.as_deref(), SHORT_TEXT);
        p.optional_text("location", self.location.as_deref(), SHORT_TEXT);
        p.optional_text("description", self.description.as_deref(), LONG_TEXT);
        p.plausible_date("held_on", self.held_on);
        if catalogue.support(&self.support).is_none() {
            let known: Vec<&str> = catalogue.supports.iter().map(|s| s.id.as_str()).collect();
            p.add("support", crate::problem!("one_of", "must be one of {values}", values = known.join(", ")));
        }
        p.into_result()
    }
}

named_enum! {
    /// When a questionnaire is answered: before the activity or after it.
    pub enum Moment {
        Pre = "pre",
        Post = "post",
    }
}

/// A participating stakeholder's answers, before or after the activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub moment: Moment,
    pub answered_on: NaiveDate,
    /// Who answered for the stakeholder.
    #[serde(default)]
    pub respondent: Option<String>,
    /// The questions rated 1 (not at all) to 5 (fully), by question id.
    #[serde(default)]
    pub ratings: BTreeMap<String, u8>,
    /// The questions answered yes or no, by question id.
    #[serde(default)]
    pub yes_no: BTreeMap<String, bool>,
}

impl Questionnaire {
    /// Every question asked at its moment answered in its kind, nothing else; before the activity
    /// answered by its day, after it from its day.
    pub fn validate(&self, catalogue: &StructuresCatalogue, held_on: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.optional_text("respondent", self.respondent.as_deref(), SHORT_TEXT);
        p.plausible_date("answered_on", self.answered_on);
        match self.moment {
            Moment::Pre if self.answered_on > held_on => p.add(
                "answered_on",
                crate::problem!(
                    "after",
                    "{date} is after {other} ({other_date})",
                    date = self.answered_on,
                    other = "held_on",
                    other_date = held_on
                ),
            ),
            Moment::Post => p.not_before("answered_on", self.answered_on, "held_on", held_on),
            Moment::Pre => {}
        }
        let asked: Vec<_> = catalogue.asked(self.moment).collect();
        for q in &asked {
            let (field, answered) = match q.answer {
                AnswerKind::Scale => {
                    (format!("ratings.{}", q.id), self.ratings.get(&q.id).map(|&r| (1..=5).contains(&r)))
                }
                AnswerKind::YesNo => (format!("yes_no.{}", q.id), self.yes_no.get(&q.id).map(|_| true)),
            };
            match answered {
                None => p.add(field, crate::problem!("required", "is required")),
                Some(false) => {
                    p.add(field, crate::problem!("between", "must be between {min} and {max}", min = 1, max = 5))
                }
                Some(true) => {}
            }
        }
        let scale = |id: &str| asked.iter().any(|q| q.id == id && q.answer == AnswerKind::Scale);
        let yes_no = |id: &str| asked.iter().any(|q| q.id == id && q.answer == AnswerKind::YesNo);
        for id in self.ratings.keys().filter(|id| !scale(id)) {
            p.add(
                format!("ratings.{id}"),
                crate::problem!("question_not_asked", "'{question}' is not asked then", question = id),
            );
        }
        for id in self.yes_no.keys().filter(|id| !yes_no(id)) {
            p.add(
                format!("yes_no.{id}"),
                crate::problem!("question_not_asked", "'{question}' is not asked then", question = id),
            );
        }
        p.into_result()
    }

    /// The answer to the structural indicator's question (asked after only).
    pub fn more_engaged(&self, catalogue: &StructuresCatalogue) -> Option<bool> {
        self.yes_no.get(&catalogue.indicator_question().id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn post() -> Questionnaire {
        Questionnaire {
            moment: Moment::Post,
            answered_on: day("2026-09-01"),
            respondent: Some("Director".into()),
            ratings: [("knowledge", 4), ("services", 3), ("coordination", 5)].map(|(k, v)| (k.to_string(), v)).into(),
            yes_no: [("more_engaged".to_string(), true)].into(),
        }
    }

    #[test]
    fn a_questionnaire_after_answers_every_question_and_says_whether_more_engaged() {
        let c = StructuresCatalogue::builtin();
        assert!(post().validate(c, day("2026-06-01")).is_ok());
        assert_eq!(post().more_engaged(c), Some(true));
    }

    #[test]
    fn a_questionnaire_before_is_not_asked_the_indicator_question_and_is_answered_by_the_day() {
        let c = StructuresCatalogue::builtin();
        let early = Questionnaire { moment: Moment::Pre, ..post() };
        let fields: Vec<String> =
            early.validate(c, day("2026-06-01")).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["answered_on", "yes_no.more_engaged"]);
    }

    #[test]
    fn ratings_are_one_to_five_and_unknown_or_missing_questions_are_named() {
        let c = StructuresCatalogue::builtin();
        let mut q = post();
        q.ratings.insert("knowledge".into(), 6);
        q.ratings.remove("services");
        q.ratings.insert("weather".into(), 3);
        q.yes_no.clear();
        let errors = q.validate(c, day("2026-06-01")).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("ratings.knowledge", "between"),
                ("ratings.services", "required"),
                ("yes_no.more_engaged", "required"),
                ("ratings.weather", "question_not_asked")
            ]
        );
        let late = Questionnaire { answered_on: day("2026-05-01"), ..post() };
        assert_eq!(late.validate(c, day("2026-06-01")).unwrap_err()[0].code, "before");
    }
}
