//! The survey instrument: questions, answer codes, skip logic and derived items, as validated data.

mod file;

use std::collections::{HashMap, HashSet};

use crate::Labels;

pub use file::InstrumentError;

/// Scores are summed per dimension in a fixed array: no instrument needs more.
pub const MAX_DIMENSIONS: usize = 8;

/// The survey as loaded from `data/rss/instrument.toml` and validated.
#[derive(Debug, Clone)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub source: String,
    /// Language codes; every label exists in each of them.
    pub languages: Vec<String>,
    pub title: Labels,
    /// How each language names itself.
    pub language_names: Labels,
    /// Texts of forms made from the instrument.
    pub texts: FormTexts,
    pub consent: Consent,
    /// Filled in by staff before the interview (handbook lines 13110-13134).
    pub profile_fields: Vec<ProfileField>,
    pub dimensions: Vec<Dimension>,
    /// In the order they are asked; skip logic and derived items only look backwards.
    pub questions: Vec<Question>,
    by_id: HashMap<String, usize>,
    all_codes: HashSet<String>,
}

/// Texts a form needs besides the questions.
#[derive(Debug, Clone)]
pub struct FormTexts {
    /// Title of the group of profile fields.
    pub profile_group: Labels,
    /// Constraint message for a stand-alone choice; `{choice}` is replaced by its label.
    pub stand_alone: Labels,
    /// The question asking which survey round a submission is.
    pub round: Labels,
    /// The rounds in order: (code, labels); the codes are Homeward's survey phases.
    pub rounds: Vec<(String, Labels)>,
    /// The label of the case number asked on a form.
    pub case_number: Labels,
    /// What a form says when the case number is not one.
    pub case_number_constraint: Labels,
}

/// The consent gate before the questions: `yes` or `no`.
#[derive(Debug, Clone)]
pub struct Consent {
    /// Column / XLSForm field name.
    pub field: String,
    pub line: u32,
    pub label: Labels,
    pub yes: Labels,
    pub no: Labels,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: String,
    pub line: u32,
    pub label: Labels,
}

#[derive(Debug, Clone)]
pub struct ProfileField {
    pub name: String,
    pub kind: FieldKind,
    pub line: u32,
    pub label: Labels,
    /// For `select_one` fields.
    pub choices: Vec<FieldChoice>,
    /// Shown only when another profile field has this code.
    pub relevant: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Date,
    Integer,
    Decimal,
    SelectOne,
}

#[derive(Debug, Clone)]
pub struct FieldChoice {
    pub code: String,
    pub label: Labels,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    /// Index into [`Instrument::dimensions`].
    pub dimension: usize,
    pub kind: QuestionKind,
    pub line: u32,
    pub label: Labels,
    pub hint: Option<Labels>,
    /// Empty for derived questions.
    pub choices: Vec<Choice>,
    /// Unscored questions (Q10, Q32) inform case management but never a score.
    pub scored: bool,
    /// Asked only when an earlier question has a given answer.
    pub relevant: Option<Relevance>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    SelectOne,
    SelectMultiple,
    /// Never asked: the mean of the values of earlier questions (indices) that are not missing.
    Derived {
        mean_of: Vec<usize>,
    },
}

/// "Ask this question only when question `question` was answered with choice `choice`."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relevance {
    pub question: usize,
    pub choice: usize,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub code: String,
    pub label: Labels,
    /// `dk`, `dwa` and `na` are non-answers: never scored.
    pub non_answer: Option<NonAnswer>,
    /// In a select_multiple, this choice may not be combined with others.
    pub exclusive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonAnswer {
    /// `dk`: "I don't know". Counts towards low accuracy.
    DontKnow,
    /// `dwa`: "I don't wish to answer". Counts towards low accuracy.
    DoNotWishToAnswer,
    /// `na`: "N/A". Missing, but not a sign of low accuracy.
    NotApplicable,
}

impl NonAnswer {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "dk" => Some(Self::DontKnow),
            "dwa" => Some(Self::DoNotWishToAnswer),
            "na" => Some(Self::NotApplicable),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::DontKnow => "dk",
            Self::DoNotWishToAnswer => "dwa",
            Self::NotApplicable => "na",
        }
    }

    /// Whether the handbook's low-accuracy rule counts this answer (lines 2257-2264).
    pub fn counts_as_dk_dwa(self) -> bool {
        matches!(self, Self::DontKnow | Self::DoNotWishToAnswer)
    }
}

impl Instrument {
    /// Index of the question with this id.
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index(id).map(|i| &self.questions[i])
    }

    /// Whether `code` is an answer code of any question.
    pub fn is_known_code(&self, code: &str) -> bool {
        self.all_codes.contains(code)
    }

    /// Questions that are answered by the respondent (every question but derived ones).
    pub fn asked_questions(&self) -> impl Iterator<Item = (usize, &Question)> {
        self.questions.iter().enumerate().filter(|(_, q)| !matches!(q.kind, QuestionKind::Derived { .. }))
    }
}

impl Question {
    /// Index of the choice with this code.
    pub fn choice_index(&self, code: &str) -> Option<usize> {
        self.choices.iter().position(|c| c.code == code)
    }

    pub fn is_derived(&self) -> bool {
        matches!(self.kind, QuestionKind::Derived { .. })
    }
}

#[cfg(test)]
mod tests;
