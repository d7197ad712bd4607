//! The structural level's lists, as data (`data/programme/structures.toml`): the types of
//! capacity-building support of Table 4.6 and the questionnaire asked before and after an
//! activity. Checked when loaded.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

/// A type of support, in each language, with the handbook line it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    pub id: String,
    pub en: String,
    pub fr: String,
    pub line: u32,
}

named_enum! {
    /// When a question is asked: before and after the activity, or after only.
    pub enum Asked {
        Both = "both",
        Post = "post",
    }
}

named_enum! {
    /// How a question is answered: 1 (not at all) to 5 (fully), or yes or no.
    pub enum AnswerKind {
        Scale = "scale",
        YesNo = "yes_no",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub asked: Asked,
    pub answer: AnswerKind,
    /// The question the structural indicator counts (a yes or no asked after).
    #[serde(default)]
    pub indicator: bool,
    pub en: String,
    pub fr: String,
    pub line: u32,
}

impl Question {
    pub fn text(&self, language: &str) -> &str {
        if language == "fr" { &self.fr } else { &self.en }
    }
}

impl Support {
    pub fn text(&self, language: &str) -> &str {
        if language == "fr" { &self.fr } else { &self.en }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructuresCatalogue {
    pub format: u32,
    pub source: String,
    #[serde(rename = "support")]
    pub supports: Vec<Support>,
    #[serde(rename = "question")]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("structures catalogue: {0}")]
pub struct CatalogueError(pub String);

const BUILTIN: &str = include_str!("../../../../data/programme/structures.toml");

fn snake_case(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

impl StructuresCatalogue {
    /// Reads and checks a catalogue: known format, ids unique and snake_case, texts in both
    /// languages, exactly one indicator question, asked after only and answered yes or no.
    pub fn parse(text: &str) -> Result<StructuresCatalogue, CatalogueError> {
        let c: StructuresCatalogue = toml::from_str(text).map_err(|e| CatalogueError(e.to_string()))?;
        if c.format != 1 {
            return Err(CatalogueError(format!("format {} is not known (1 is)", c.format)));
        }
        if c.supports.is_empty() || c.questions.is_empty() {
            return Err(CatalogueError("needs at least one support and one question".into()));
        }
        let mut seen = HashSet::new();
        let texts = c.supports.iter().map(|s| ("support", &s.id, &s.en, &s.fr));
        for (list, id, en, fr) in texts.chain(c.questions.iter().map(|q| ("question", &q.id, &q.en, &q.fr))) {
            if !snake_case(id) || !seen.insert((list, id.clone())) {
                return Err(CatalogueError(format!("{list} '{id}': ids are unique snake_case words")));
            }
            if en.trim().is_empty() || fr.trim().is_empty() {
                return Err(CatalogueError(format!("{list} '{id}': needs its text in English and French")));
            }
        }
        let indicators: Vec<&Question> = c.questions.iter().filter(|q| q.indicator).collect();
        match indicators.as_slice() {
            [q] if q.asked == Asked::Post && q.answer == AnswerKind::YesNo => Ok(c),
            [q] => {
                Err(CatalogueError(format!("question '{}': the indicator question is a yes or no asked after", q.id)))
            }
            _ => Err(CatalogueError("exactly one question is the indicator's".into())),
        }
    }

    /// The catalogue shipped with Homeward.
    pub fn builtin() -> &'static StructuresCatalogue {
        static CATALOGUE: OnceLock<StructuresCatalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| StructuresCatalogue::parse(BUILTIN).expect("the builtin catalogue is valid (tested)"))
    }

    pub fn support(&self, id: &str) -> Option<&Support> {
        self.supports.iter().find(|s| s.id == id)
    }

    /// The questions asked at `moment`.
    pub fn asked(&self, moment: super::Moment) -> impl Iterator<Item = &Question> {
        self.questions.iter().filter(move |q| moment == super::Moment::Post || q.asked == Asked::Both)
    }

    /// The question the structural indicator counts (there is exactly one, checked on load).
    pub fn indicator_question(&self) -> &Question {
        self.questions.iter().find(|q| q.indicator).expect("checked on load")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_is_valid_and_has_table_4_6() {
        let c = StructuresCatalogue::builtin();
        assert_eq!(c.supports.len(), 8);
        assert_eq!(c.indicator_question().id, "more_engaged");
    }

    #[test]
    fn a_catalogue_without_a_yes_or_no_indicator_question_is_refused() {
        let bad = BUILTIN.replace("answer = \"yes_no\"\nindicator = true", "answer = \"scale\"\nindicator = true");
        let e = StructuresCatalogue::parse(&bad).unwrap_err();
        assert!(e.0.contains("more_engaged"), "{e}");
        let none = BUILTIN.replace("indicator = true\n", "");
        assert!(StructuresCatalogue::parse(&none).unwrap_err().0.contains("exactly one"));
        let twice = BUILTIN.replace("id = \"services\"", "id = \"knowledge\"");
        assert!(StructuresCatalogue::parse(&twice).unwrap_err().0.contains("knowledge"));
    }
}
