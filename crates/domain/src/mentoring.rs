//! The mentoring approach (seed 002, the ORION pilot, lines 741-900): mentors from the community,
//! mentees selected by location, willingness and reintegration needs (a baseline RSS below the
//! priority threshold first; the mentor's judgement recorded), the relationship from its start
//! to its end, and the notes of its sessions, whose psychosocial part is readable only with that
//! section granted. Mentoring counts as a kind of assistance in the analyses. The selection
//! criteria are data (`data/programme/mentoring.toml`).

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::returnee::{LONG_TEXT, SHORT_TEXT};
use crate::validate::{FieldError, Problems};

/// A criterion of mentee selection.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionCriterion {
    pub id: String,
    /// Must hold for a mentorship to start.
    pub required: bool,
    pub en: String,
    pub fr: String,
    pub line: u32,
}

impl SelectionCriterion {
    pub fn text(&self, language: &str) -> &str {
        if language == "fr" { &self.fr } else { &self.en }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentoringCatalogue {
    pub format: u32,
    pub source: String,
    /// A baseline RSS composite score below this gives a returnee priority (seed 002 line 805).
    pub priority_below: f64,
    #[serde(rename = "criterion")]
    pub criteria: Vec<SelectionCriterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mentoring catalogue: {0}")]
pub struct CatalogueError(pub String);

const BUILTIN: &str = include_str!("../../../data/programme/mentoring.toml");

impl MentoringCatalogue {
    /// Reads and checks the file: known format, a threshold between 0 and 1, ids unique and
    /// snake_case, texts in both languages.
    pub fn parse(text: &str) -> Result<MentoringCatalogue, CatalogueError> {
        let c: MentoringCatalogue = toml::from_str(text).map_err(|e| CatalogueError(e.to_string()))?;
        if c.format != 1 {
            return Err(CatalogueError(format!("format {} is not known (1 is)", c.format)));
        }
        if !(0.0..=1.0).contains(&c.priority_below) {
            return Err(CatalogueError("priority_below is a score between 0 and 1".into()));
        }
        let mut seen = HashSet::new();
        for k in &c.criteria {
            let shaped = !k.id.is_empty() && k.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            if !shaped || !seen.insert(k.id.as_str()) {
                return Err(CatalogueError(format!("criterion '{}': ids are unique snake_case words", k.id)));
            }
            if k.en.trim().is_empty() || k.fr.trim().is_empty() {
                return Err(CatalogueError(format!("criterion '{}': needs its text in English and French", k.id)));
            }
        }
        Ok(c)
    }

    pub fn builtin() -> &'static MentoringCatalogue {
        static CATALOGUE: OnceLock<MentoringCatalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| MentoringCatalogue::parse(BUILTIN).expect("the builtin catalogue is valid (tested)"))
    }

    /// Whether a returnee with this baseline composite score has priority.
    pub fn has_priority(&self, baseline: Option<f64>) -> bool {
        baseline.is_some_and(|b| b < self.priority_below)
    }

    /// Checks a selection: each criterion judged once, none unknown, every required one met.
    pub fn check(&self, answers: &[SelectionAnswer]) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        let mut seen = HashSet::new();
        for (i, a) in answers.iter().enumerate() {
            let field = format!("selection[{i}]");
            p.optional_text(&format!("{field}.note"), a.note.as_deref(), LONG_TEXT);
            if !self.criteria.iter().any(|k| k.id == a.criterion) {
                let problem = crate::problem!(
                    "not_a_criterion",
                    "'{criterion}' is not a selection criterion",
                    criterion = a.criterion
                );
                p.add(field, problem);
            } else if !seen.insert(a.criterion.as_str()) {
                p.add(field, crate::problem!("listed_twice", "`{value}` is listed twice", value = a.criterion));
            }
        }
        for k in &self.criteria {
            match answers.iter().find(|a| a.criterion == k.id) {
                None => p.add(
                    "selection",
                    crate::problem!("criterion_unanswered", "'{criterion}' is not judged", criterion = k.id),
                ),
                Some(a) if k.required && !a.met => p.add(
                    "selection",
                    crate::problem!(
                        "criterion_required",
                        "'{criterion}' must hold for a mentorship to start",
                        criterion = k.id
                    ),
                ),
                Some(_) => {}
            }
        }
        p.into_result()
    }
}

/// A mentor: a member of the community trained to accompany returnees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mentor {
    pub name: String,
    /// The office whose mentor they are; access follows it.
    pub office: String,
    /// Where they live and mentor: mentees are chosen where a mentor is present.
    pub place: String,
    /// Their background and experience (often a returnee themselves).
    #[serde(default)]
    pub profile: Option<String>,
    /// The trainings they took, one per entry.
    #[serde(default)]
    pub training: Vec<String>,
    #[serde(default)]
    pub trained_on: Option<NaiveDate>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub contact: Option<String>,
    /// Takes new mentees.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl Mentor {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("name", &self.name, SHORT_TEXT);
        p.text("office", &self.office, SHORT_TEXT);
        p.text("place", &self.place, SHORT_TEXT);
        p.optional_text("profile", self.profile.as_deref(), LONG_TEXT);
        p.optional_text("contact", self.contact.as_deref(), SHORT_TEXT);
        for (i, t) in self.training.iter().enumerate() {
            p.text(&format!("training[{i}]"), t, SHORT_TEXT);
        }
        for (i, l) in self.languages.iter().enumerate() {
            p.text(&format!("languages[{i}]"), l, SHORT_TEXT);
        }
        if let Some(d) = self.trained_on {
            p.plausible_date("trained_on", d);
        }
        p.into_result()
    }
}

/// Whether a selection criterion holds for the returnee, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionAnswer {
    pub criterion: String,
    pub met: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// A mentorship asked for: the mentor, the day it starts, the selection as judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorshipStart {
    pub mentor: String,
    pub started_on: NaiveDate,
    pub selection: Vec<SelectionAnswer>,
}

/// The notes of a meeting of mentor and mentee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentoringSession {
    pub held_on: NaiveDate,
    pub notes: String,
    /// How the mentee is coping, their wellbeing: the psychosocial section, readable only by
    /// users granted it.
    #[serde(default)]
    pub psychosocial: Option<String>,
}

impl MentoringSession {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("held_on", self.held_on);
        p.text("notes", &self.notes, LONG_TEXT);
        p.optional_text("psychosocial", self.psychosocial.as_deref(), LONG_TEXT);
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(criterion: &str, met: bool) -> SelectionAnswer {
        SelectionAnswer { criterion: criterion.into(), met, note: None }
    }

    #[test]
    fn the_builtin_criteria_are_seed_002s_and_a_low_baseline_has_priority() {
        let c = MentoringCatalogue::builtin();
        let ids: Vec<&str> = c.criteria.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["location", "willingness", "mentor_judgement"]);
        assert!(c.has_priority(Some(0.32)));
        assert!(!c.has_priority(Some(0.33)));
        assert!(!c.has_priority(None), "no baseline, no priority");
    }

    #[test]
    fn a_mentorship_needs_location_and_willingness_but_not_the_mentors_judgement() {
        let c = MentoringCatalogue::builtin();
        let ok = [answer("location", true), answer("willingness", true), answer("mentor_judgement", false)];
        assert!(c.check(&ok).is_ok());
        let unwilling = [answer("location", true), answer("willingness", false), answer("mentor_judgement", true)];
        let e = c.check(&unwilling).unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code.as_str()), ("selection", "criterion_required"));
        let odd = [answer("location", true), answer("location", true), answer("luck", true)];
        let codes: Vec<String> = c.check(&odd).unwrap_err().into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["listed_twice", "not_a_criterion", "criterion_unanswered", "criterion_unanswered"]);
    }

    #[test]
    fn a_bad_catalogue_is_refused() {
        assert!(MentoringCatalogue::parse(&BUILTIN.replace("0.33", "3.3")).unwrap_err().0.contains("between 0 and 1"));
        let twice = BUILTIN.replace("id = \"willingness\"", "id = \"location\"");
        assert!(MentoringCatalogue::parse(&twice).unwrap_err().0.contains("location"));
    }
}
