//! Why a survey is not scored, naming the question and the value.

use std::fmt;

/// Why a survey was `invalid` or `discarded`. Values are quoted as given (shortened when long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    // -- discarded: the survey is not answered in full (handbook line 13155) --
    /// Consent is not `yes`.
    NoConsent {
        value: String,
    },
    /// A question that is asked has no answer.
    Unanswered {
        question: String,
    },

    // -- invalid: the data is wrong --
    /// Not an answer code of any question.
    UnknownCode {
        question: String,
        value: String,
    },
    /// An answer code, but of another question.
    CodeOfAnotherQuestion {
        question: String,
        value: String,
    },
    /// Several codes for a select_one question.
    SeveralAnswers {
        question: String,
        value: String,
    },
    /// A stand-alone code (Q8 `no`/`dwa`, Q32 `no_one`) combined with others.
    NotStandAlone {
        question: String,
        code: String,
        value: String,
    },
    /// The same code twice in a select_multiple answer.
    RepeatedCode {
        question: String,
        code: String,
        value: String,
    },
    /// An answer to a question that skip logic says is not asked.
    NotAsked {
        question: String,
        value: String,
        gate: String,
        gate_code: String,
    },
    /// An answer in a derived question (Q21), which is computed, never asked.
    DerivedAnswered {
        question: String,
        value: String,
    },
    EmptySurveyId,
    DuplicateSurveyId {
        value: String,
        first_row: u64,
    },
    /// The row has more or fewer fields than the header.
    FieldCount {
        expected: usize,
        found: usize,
    },
}

impl Reason {
    /// A stable machine name, for APIs and filters.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoConsent { .. } => "no_consent",
            Self::Unanswered { .. } => "unanswered",
            Self::UnknownCode { .. } => "unknown_code",
            Self::CodeOfAnotherQuestion { .. } => "code_of_another_question",
            Self::SeveralAnswers { .. } => "several_answers",
            Self::NotStandAlone { .. } => "not_stand_alone",
            Self::RepeatedCode { .. } => "repeated_code",
            Self::NotAsked { .. } => "not_asked",
            Self::DerivedAnswered { .. } => "derived_answered",
            Self::EmptySurveyId => "empty_survey_id",
            Self::DuplicateSurveyId { .. } => "duplicate_survey_id",
            Self::FieldCount { .. } => "field_count",
        }
    }

    /// The field the reason is about (`Q8`, `consent`, `survey_id`); `None` for a whole row.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::NoConsent { .. } => Some("consent"),
            Self::EmptySurveyId | Self::DuplicateSurveyId { .. } => Some("survey_id"),
            Self::FieldCount { .. } => None,
            Self::Unanswered { question }
            | Self::UnknownCode { question, .. }
            | Self::CodeOfAnotherQuestion { question, .. }
            | Self::SeveralAnswers { question, .. }
            | Self::NotStandAlone { question, .. }
            | Self::RepeatedCode { question, .. }
            | Self::NotAsked { question, .. }
            | Self::DerivedAnswered { question, .. } => Some(question),
        }
    }
}

/// Quotes user input in a message, cut short so one bad cell cannot flood a report.
impl Reason {
    /// The reason's varying parts by name, for a translation of it (`{question}`, `{value}`):
    /// values shortened as the sentence shortens them, without their quotes.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let short = |v: &str| {
            let quoted = Quoted(v).to_string();
            quoted[1..quoted.len() - 1].to_string()
        };
        match self {
            Self::NoConsent { value } => vec![("value", short(value))],
            Self::Unanswered { question } => vec![("question", question.clone())],
            Self::UnknownCode { question, value }
            | Self::CodeOfAnotherQuestion { question, value }
            | Self::SeveralAnswers { question, value }
            | Self::DerivedAnswered { question, value } => {
                vec![("question", question.clone()), ("value", short(value))]
            }
            Self::NotStandAlone { question, code, value } | Self::RepeatedCode { question, code, value } => {
                vec![("question", question.clone()), ("code", short(code)), ("value", short(value))]
            }
            Self::NotAsked { question, value, gate, gate_code } => vec![
                ("question", question.clone()),
                ("value", short(value)),
                ("gate", gate.clone()),
                ("gate_code", gate_code.clone()),
            ],
            Self::EmptySurveyId => vec![],
            Self::DuplicateSurveyId { value, first_row } => {
                vec![("value", short(value)), ("row", first_row.to_string())]
            }
            Self::FieldCount { expected, found } => {
                vec![("expected", expected.to_string()), ("found", found.to_string())]
            }
        }
    }
}

struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_CHARS: usize = 40;
        match self.0.char_indices().nth(MAX_CHARS) {
            None => write!(f, "'{}'", self.0),
            Some((cut, _)) => write!(f, "'{}...'", &self.0[..cut]),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoConsent { value } if value.is_empty() => write!(f, "consent: no answer"),
            Self::NoConsent { value } => write!(f, "consent: {} is not 'yes'", Quoted(value)),
            Self::Unanswered { question } => {
                write!(f, "{question}: no answer (a survey must be answered in full)")
            }
            Self::UnknownCode { question, value } => {
                write!(f, "{question}: {} is not an answer code", Quoted(value))
            }
            Self::CodeOfAnotherQuestion { question, value } => {
                write!(f, "{question}: {} is a code of another question, not of {question}", Quoted(value))
            }
            Self::SeveralAnswers { question, value } => {
                write!(f, "{question}: {} gives several answers but {question} takes one", Quoted(value))
            }
            Self::NotStandAlone { question, code, value } => write!(
                f,
                "{question}: {} stands alone but {} combines it with other answers",
                Quoted(code),
                Quoted(value)
            ),
            Self::RepeatedCode { question, code, value } => {
                write!(f, "{question}: {} is given twice in {}", Quoted(code), Quoted(value))
            }
            Self::NotAsked { question, value, gate, gate_code } => write!(
                f,
                "{question}: answered {} but {question} is asked only when {gate} is '{gate_code}'",
                Quoted(value)
            ),
            Self::DerivedAnswered { question, value } => write!(
                f,
                "{question}: {} given, but {question} is computed from other answers and must be empty",
                Quoted(value)
            ),
            Self::EmptySurveyId => write!(f, "survey_id: empty"),
            Self::DuplicateSurveyId { value, first_row } => {
                write!(f, "survey_id: {} is already used on row {first_row}", Quoted(value))
            }
            Self::FieldCount { expected, found } => {
                write!(f, "row has {found} fields but the header has {expected}")
            }
        }
    }
}
