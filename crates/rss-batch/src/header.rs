//! The header row: which column holds which question.

use homeward_rss::Instrument;

use crate::BatchError;
use crate::records::Records;

/// Output columns, in this order (docs/rss/SCORING.md).
pub const OUTPUT_COLUMNS: [&str; 14] = [
    "survey_id",
    "status",
    "reason",
    "economic",
    "social",
    "psychosocial",
    "composite",
    "economic_band",
    "social_band",
    "psychosocial_band",
    "composite_band",
    "dk_dwa_count",
    "low_accuracy",
    "profile",
];

/// Where each required field is in the input rows. Other columns are ignored.
#[derive(Debug, Clone)]
pub struct Header {
    /// Number of fields every row must have.
    pub fields: usize,
    pub survey_id: usize,
    pub consent: usize,
    /// Column of each question of the instrument; `None` for a derived question without a column.
    pub questions: Vec<Option<usize>>,
}

impl Header {
    /// Reads the header record at the start of `bytes`; returns it and the bytes it took.
    pub(crate) fn read(bytes: &[u8], instrument: &Instrument) -> Result<(Header, usize), BatchError> {
        let mut records = Records::new(bytes);
        if !records.next_record() {
            return Err(BatchError::Empty);
        }
        if let Some(column) = records.first_non_utf8_field() {
            return Err(BatchError::NotUtf8 { row: 1, column: column + 1 });
        }
        let names: Vec<&str> =
            (0..records.len).map(|i| std::str::from_utf8(records.field(i)).expect("checked UTF-8")).collect();
        let header = Header::new(&names, instrument)?;
        Ok((header, bytes.len() - records.rest().len()))
    }

    /// Maps header names (already split into fields) onto the instrument. Names are trimmed and
    /// case-sensitive; every asked question, `survey_id` and `consent` must be present.
    pub fn new(names: &[&str], instrument: &Instrument) -> Result<Header, BatchError> {
        let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
        let find = |name: &str| -> Result<Option<usize>, BatchError> {
            let mut at = names.iter().enumerate().filter(|(_, n)| **n == name).map(|(i, _)| i);
            match (at.next(), at.next()) {
                (Some(first), Some(second)) => {
                    Err(BatchError::DuplicateColumn { name: name.to_string(), first: first + 1, second: second + 1 })
                }
                (first, _) => Ok(first),
            }
        };
        let required = |name: &str| find(name)?.ok_or_else(|| BatchError::MissingColumn(name.to_string()));
        let survey_id = required("survey_id")?;
        let consent = required(&instrument.consent.field)?;
        let questions = instrument
            .questions
            .iter()
            .map(|q| if q.is_derived() { find(&q.id) } else { required(&q.id).map(Some) })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Header { fields: names.len(), survey_id, consent, questions })
    }
}
