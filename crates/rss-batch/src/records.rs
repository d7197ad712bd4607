//! Splitting a chunk of CSV into records and fields.
//!
//! A chunk without any quote (the usual case: codes never need quoting) is split in place, 64
//! bytes at a time, without copying; a chunk with quotes goes through csv-core, which unescapes
//! fields.

use csv_core::{ReadRecordResult, Reader};
use homeward_rss::scoring::Answers;

use crate::header::Header;

/// Iterates over the records of a chunk that starts at a record boundary.
pub(crate) struct Records<'a> {
    input: &'a [u8],
    /// Position of the next record in `input`.
    at: usize,
    /// `Some` when the chunk has quotes.
    quoted: Option<Quoted>,
    /// Fields of the current record: ranges of `input` (plain) or of `Quoted::data`.
    ends: Vec<(usize, usize)>,
    pub(crate) len: usize,
}

struct Quoted {
    reader: Reader,
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl<'a> Records<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        let quoted = memchr::memchr(b'"', input).map(|_| Quoted {
            reader: Reader::new(),
            data: vec![0; 4096],
            ends: vec![0; 64],
        });
        Records { input, at: 0, quoted, ends: Vec::with_capacity(64), len: 0 }
    }

    /// Reads the next record; `false` at the end of the chunk.
    pub(crate) fn next_record(&mut self) -> bool {
        if self.quoted.is_some() { self.next_quoted() } else { self.next_plain() }
    }

    fn next_plain(&mut self) -> bool {
        let input = self.input;
        // Empty lines are skipped, as csv-core does.
        while self.at < input.len() && matches!(input[self.at], b'\n' | b'\r') {
            self.at += 1;
        }
        if self.at >= input.len() {
            return false;
        }
        self.ends.clear();
        let mut field_start = self.at;
        let mut i = self.at;
        // 64 bytes at a time: one bit per delimiter, then one pass over the bits. Rows are a
        // few hundred bytes of short fields; per-byte or per-delimiter searches cost more, and
        // so do per-word loops, whose exits mispredict.
        while let Some(block) = input.get(i..i + 64) {
            let mut hits = 0u64;
            for (k, word) in block.chunks_exact(8).enumerate() {
                let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
                hits |= gather_high_bits(delimiter_mask(word)) << (8 * k);
            }
            while hits != 0 {
                let at = i + hits.trailing_zeros() as usize;
                hits &= hits - 1;
                self.ends.push((field_start, at));
                field_start = at + 1;
                if input[at] != b',' {
                    return self.end_record(field_start);
                }
            }
            i += 64;
        }
        for (at, &b) in input.iter().enumerate().skip(i) {
            if matches!(b, b',' | b'\n' | b'\r') {
                self.ends.push((field_start, at));
                field_start = at + 1;
                if b != b',' {
                    return self.end_record(field_start);
                }
            }
        }
        // The last line may lack its line end.
        self.ends.push((field_start, input.len()));
        self.end_record(input.len())
    }

    fn end_record(&mut self, next: usize) -> bool {
        self.at = next;
        self.len = self.ends.len();
        true
    }

    fn next_quoted(&mut self) -> bool {
        let q = self.quoted.as_mut().expect("quoted mode");
        let (mut out_at, mut ends_at) = (0, 0);
        loop {
            let input = &self.input[self.at..];
            let (result, nin, nout, nend) = q.reader.read_record(input, &mut q.data[out_at..], &mut q.ends[ends_at..]);
            self.at += nin;
            out_at += nout;
            ends_at += nend;
            match result {
                // Called again with the rest, or with nothing: csv-core then ends the last record,
                // which may lack its line end.
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::OutputFull => q.data.resize(q.data.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => q.ends.resize(q.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    self.ends.clear();
                    let mut start = 0;
                    for &end in &q.ends[..ends_at] {
                        self.ends.push((start, end));
                        start = end;
                    }
                    self.len = ends_at;
                    return true;
                }
                ReadRecordResult::End => return false,
            }
        }
    }

    /// Bytes not yet read.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.input[self.at.min(self.input.len())..]
    }

    #[inline]
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let (start, end) = self.ends[i];
        match &self.quoted {
            None => &self.input[start..end],
            Some(q) => &q.data[start..end],
        }
    }

    /// Field `i` followed by the rest of the chunk, when it sits in the chunk itself (a chunk
    /// without quotes): `(bytes, len)` with `bytes[..len]` the field.
    #[inline]
    pub(crate) fn field_in_context(&self, i: usize) -> Option<(&[u8], usize)> {
        let (start, end) = self.ends[i];
        self.quoted.is_none().then(|| (&self.input[start..], end - start))
    }

    /// The first field that is not UTF-8, if any.
    pub(crate) fn first_non_utf8_field(&self) -> Option<usize> {
        (0..self.len).find(|&i| std::str::from_utf8(self.field(i)).is_err())
    }
}

/// The high bit of each byte of `word` that is a comma, a line feed or a carriage return.
fn delimiter_mask(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // Exact zero-byte test (no borrow between bytes): high bit set where the byte is 0.
    let zero = |v: u64| !(((v & LOW7) + LOW7) | v | LOW7);
    let repeat = |b: u8| u64::from(b) * 0x0101_0101_0101_0101;
    zero(word ^ repeat(b',')) | zero(word ^ repeat(b'\n')) | zero(word ^ repeat(b'\r'))
}

/// The high bit of each byte of `mask` (as `delimiter_mask` sets them), gathered into the low
/// eight bits: bit k for byte k.
fn gather_high_bits(mask: u64) -> u64 {
    ((mask >> 7) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Where the first field that is not UTF-8 is: `(row index in the chunk, column index)`.
///
/// Checking the whole chunk at once is enough when it is valid: fields are cut at ASCII
/// delimiters, so pieces of valid UTF-8 are valid UTF-8. Only a bad chunk is searched row by row.
pub(crate) fn find_non_utf8(chunk: &[u8]) -> Option<(usize, usize)> {
    if std::str::from_utf8(chunk).is_ok() {
        return None;
    }
    let mut records = Records::new(chunk);
    let mut row = 0;
    while records.next_record() {
        if let Some(column) = records.first_non_utf8_field() {
            return Some((row, column));
        }
        row += 1;
    }
    // Invalid bytes only in skipped blank space: report them on the last row.
    Some((row.saturating_sub(1), 0))
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

    #[inline]
    fn answer(&self, index: usize) -> &[u8] {
        self.header.questions[index].map_or(&[][..], |col| self.record.field(col))
    }

    #[inline]
    fn answer_in_context(&self, index: usize) -> Option<(&[u8], usize)> {
        self.header.questions[index].and_then(|col| self.record.field_in_context(col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str) -> Vec<Vec<String>> {
        let mut r = Records::new(input.as_bytes());
        let mut out = Vec::new();
        while r.next_record() {
            out.push((0..r.len).map(|i| String::from_utf8(r.field(i).to_vec()).unwrap()).collect());
        }
        out
    }

    #[test]
    fn plain_and_quoted_chunks_split_the_same_way() {
        let plain = "a,b,,c\r\n\n1,2,3,4\n,\n5";
        let expected = vec![vec!["a", "b", "", "c"], vec!["1", "2", "3", "4"], vec!["", ""], vec!["5"]];
        assert_eq!(all(plain), expected);
        let mut quoted = plain.to_string();
        quoted.push_str("\n\"x,\"\"y\"\"\",z\n");
        let mut expected_quoted = expected.clone();
        expected_quoted.push(vec!["x,\"y\"", "z"]);
        assert_eq!(all(&quoted), expected_quoted);
    }

    #[test]
    fn long_lines_split_the_same_whatever_their_alignment() {
        for pad in 0..9 {
            let line = format!("{},b,,c,{}\r\nx,y", "a".repeat(pad), "d".repeat(17 - pad));
            let expected = vec![
                vec!["a".repeat(pad), "b".into(), "".into(), "c".into(), "d".repeat(17 - pad)],
                vec!["x".into(), "y".into()],
            ];
            assert_eq!(all(&line), expected);
        }
    }

    #[test]
    fn the_delimiter_mask_marks_exactly_the_delimiters() {
        let word = u64::from_le_bytes(*b"a,\n\rb,\x80,");
        let marked: Vec<usize> = (0..8).filter(|i| delimiter_mask(word) >> (i * 8 + 7) & 1 == 1).collect();
        assert_eq!(marked, [1, 2, 3, 5, 7]);
    }

    #[test]
    fn gathering_high_bits_keeps_byte_order() {
        for pattern in [0u8, 1, 0x80, 0xff, 0b1010_0110, 0b0110_0001] {
            let spread = (0..8).fold(0u64, |m, k| m | (u64::from(pattern >> k & 1) << (8 * k + 7)));
            assert_eq!(gather_high_bits(spread), u64::from(pattern));
        }
    }

    #[test]
    fn rows_longer_than_a_block_split_the_same_way() {
        let long: Vec<String> = (0..40).map(|i| format!("field{i}")).collect();
        let text = format!("{}\n{}\n", long.join(","), long[..3].join(","));
        let rows = all(&text);
        assert_eq!(rows[0], long);
        assert_eq!(rows[1], long[..3].to_vec());
    }

    #[test]
    fn a_bad_byte_is_found_in_its_row_and_column() {
        assert_eq!(find_non_utf8(b"a,b\n1,2\n3,\xff\n"), Some((2, 1)));
        assert_eq!(find_non_utf8("a,é\n".as_bytes()), None);
        assert_eq!(find_non_utf8(b"\"q\",\xc3\n"), Some((0, 1)));
    }
}
