//! What each column of an export holds, from its header: the names KoboToolbox and ODK Central
//! give the form's fields (with their group paths), their own metadata columns, and the 1/0
//! columns of a select_multiple split into one column per choice.

use homeward_rss::Instrument;
use homeward_rss::instrument::QuestionKind;

/// Where an export came from, told by its metadata columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// KoboToolbox: `_uuid`, `_submission_time`, groups joined with `/`.
    Kobo,
    /// ODK Central: `KEY` / `meta-instanceID`, `SubmissionDate`, groups joined with `-`.
    OdkCentral,
    /// Sent by ODK Collect to Homeward itself, one XML instance at a time.
    OpenRosa,
}

impl Source {
    /// Its name where submissions are stored.
    pub fn name(self) -> &'static str {
        match self {
            Source::Kobo => "kobo",
            Source::OdkCentral => "odk_central",
            Source::OpenRosa => "openrosa",
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// The submission's instance id (with or without `uuid:`).
    InstanceId,
    /// When the server received it.
    SubmittedAt,
    /// A field of the form that is not a question: `case_id`, `round`, `consent`, `start`,
    /// `deviceid`, `interview_date`, ...
    Field(String),
    /// A question's answer, by the question's index in the instrument.
    Question(usize),
    /// One choice of a select_multiple as its own 1/0 column: (question index, choice code).
    Choice(usize, String),
    /// Anything else (Kobo's `_id`, `_index`, `_validation_status`, `__version__`, notes, ...).
    Ignored,
}

/// The columns of a header, and where the export came from.
#[derive(Debug, Clone)]
pub struct Columns {
    pub source: Source,
    pub columns: Vec<Column>,
}

/// Fields of the form read from an export besides the questions.
pub const FIELDS: &[&str] = &[
    "survey_id",
    "case_id",
    "round",
    "consent",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "interview_date",
    "interview_location",
];

impl Columns {
    /// Reads a header. `None` when it names no field of the form at all (a labels export, or a
    /// file that is no export of this form).
    pub fn of(header: &[&str], instrument: &Instrument) -> Option<Columns> {
        let source = if header.iter().any(|h| matches!(h.trim(), "KEY" | "meta-instanceID" | "SubmissionDate")) {
            Source::OdkCentral
        } else {
            Source::Kobo
        };
        let columns: Vec<Column> = header.iter().map(|h| column(h.trim(), source, instrument)).collect();
        let known = columns.iter().any(|c| matches!(c, Column::Question(_) | Column::Choice(..)));
        known.then_some(Columns { source, columns })
    }

    /// The column of a field, if the export has it.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| matches!(c, Column::Field(f) if f == name))
    }
}

fn column(header: &str, source: Source, instrument: &Instrument) -> Column {
    match (source, header) {
        (_, "_uuid" | "KEY" | "meta-instanceID" | "meta/instanceID" | "instanceID") => return Column::InstanceId,
        (_, "_submission_time" | "SubmissionDate") => return Column::SubmittedAt,
        _ => {}
    }
    if header.starts_with('_') {
        return Column::Ignored;
    }
    // Kobo joins groups with `/`; ODK Central with `-` (no field name of the form has either).
    let parts: Vec<&str> = header.split(['/', '-']).filter(|p| !p.is_empty()).collect();
    let Some(&last) = parts.last() else { return Column::Ignored };
    if let Some(q) = instrument.question_index(last) {
        return Column::Question(q);
    }
    if let [.., question, code] = parts.as_slice()
        && let Some(q) = instrument.question_index(question)
        && instrument.questions[q].kind == QuestionKind::SelectMultiple
        && instrument.questions[q].choices.iter().any(|c| c.code == *code)
    {
        return Column::Choice(q, code.to_string());
    }
    if FIELDS.contains(&last) && parts.first() != Some(&"meta") {
        return Column::Field(last.to_string());
    }
    Column::Ignored
}
