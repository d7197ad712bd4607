//! Splitting a chunk of CSV into records and fields, with csv-core (no copies of whole rows).

use csv_core::{ReadRecordResult, Reader};
use homeward_rss::scoring::Answers;

use crate::header::Header;

/// Iterates over the records of a chunk that starts at a record boundary.
pub(crate) struct Records<'a> {
    input: &'a [u8],
    reader: Reader,
    /// Field bytes of the current record, unquoted.
    pub(crate) data: Vec<u8>,
    /// End of each field in `data`.
    pub(crate) ends: Vec<usize>,
    pub(crate) len: usize,
}

impl<'a> Records<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Records { input, reader: Reader::new(), data: vec![0; 4096], ends: vec![0; 64], len: 0 }
    }

    /// Reads the next record; `false` at the end of the chunk.
    pub(crate) fn next_record(&mut self) -> bool {
        let (mut out_at, mut ends_at) = (0, 0);
        loop {
            let (result, nin, nout, nend) =
                self.reader.read_record(self.input, &mut self.data[out_at..], &mut self.ends[ends_at..]);
            self.input = &self.input[nin..];
            out_at += nout;
            ends_at += nend;
            match result {
                // Called again with the rest, or with nothing: csv-core then ends the last record,
                // which may lack its line end.
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::OutputFull => self.data.resize(self.data.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    self.len = ends_at;
                    return true;
                }
                ReadRecordResult::End => return false,
            }
        }
    }

    /// Bytes not yet read.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.input
    }

    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }

    /// The first field that is not UTF-8, if any.
    pub(crate) fn first_non_utf8_field(&self) -> Option<usize> {
        (0..self.len).find(|&i| std::str::from_utf8(self.field(i)).is_err())
    }
}

/// The current record seen as one survey's answers.
pub(crate) struct RecordAnswers<'r, 'a> {
    pub(crate) record: &'r Records<'a>,
    pub(crate) header: &'r Header,
}

impl Answers for RecordAnswers<'_, '_> {
    fn consent(&self) -> &[u8] {
        self.record.field(self.header.consent)
    }

    fn answer(&self, index: usize) -> &[u8] {
        self.header.questions[index].map_or(&[][..], |col| self.record.field(col))
    }
}
