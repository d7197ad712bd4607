//! Cutting the input into chunks that end at record boundaries, so each can be parsed alone.

use std::io::Read;

use csv_core::{ReadRecordResult, Reader};

use crate::BatchError;

/// No record may be longer than this: a bigger one means the file is not a survey CSV.
pub(crate) const MAX_RECORD: usize = 64 << 20;

pub(crate) struct Chunker<R> {
    input: R,
    /// Bytes after the last cut, carried into the next chunk.
    carry: Vec<u8>,
    eof: bool,
    chunk_size: usize,
    /// Bytes read so far.
    pub(crate) bytes: u64,
}

impl<R: Read> Chunker<R> {
    pub(crate) fn new(input: R, chunk_size: usize) -> Self {
        Chunker { input, carry: Vec::new(), eof: false, chunk_size, bytes: 0 }
    }

    /// Fills `buf` (cleared first) with the next whole records; `false` when the input is done.
    pub(crate) fn next_chunk(&mut self, buf: &mut Vec<u8>) -> Result<bool, BatchError> {
        buf.clear();
        buf.append(&mut self.carry);
        let offset = self.bytes - buf.len() as u64;
        let mut target = self.chunk_size;
        loop {
            while buf.len() < target && !self.eof {
                // Reads into spare capacity: no zero-filling of the buffer first.
                let want = (target - buf.len()).max(8192) as u64;
                let n = (&mut self.input).take(want).read_to_end(buf).map_err(BatchError::Read)?;
                self.bytes += n as u64;
                self.eof = n == 0;
            }
            if self.eof {
                return Ok(!buf.is_empty());
            }
            match last_record_end(buf) {
                Some(cut) => {
                    self.carry.extend_from_slice(&buf[cut..]);
                    buf.truncate(cut);
                    return Ok(true);
                }
                // One record longer than the buffer: read more.
                None if target < MAX_RECORD => target *= 2,
                None => return Err(BatchError::RowTooLong { offset, limit: MAX_RECORD }),
            }
        }
    }
}

/// The end of the last complete record in `buf`, which starts at a record boundary.
///
/// Without any quote, every line end ends a record, so a reverse search suffices (the common
/// case: codes never need quoting). With quotes, a line end may sit inside a quoted field, so
/// csv-core's own state machine finds the boundary exactly.
pub(crate) fn last_record_end(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr2(b'\n', b'\r', buf).map(|i| i + 1);
    }
    let mut reader = Reader::new();
    let (mut out, mut ends) = (vec![0u8; 1 << 16], vec![0usize; 1024]);
    let (mut at, mut last) = (0, None);
    loop {
        let (result, nin, _, _) = reader.read_record(&buf[at..], &mut out, &mut ends);
        at += nin;
        match result {
            ReadRecordResult::Record => last = Some(at),
            // The field data is not needed here: let csv-core write over it.
            ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
            ReadRecordResult::InputEmpty | ReadRecordResult::End => return last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str, size: usize) -> Vec<String> {
        let mut c = Chunker::new(text.as_bytes(), size);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while c.next_chunk(&mut buf).unwrap() {
            out.push(String::from_utf8(buf.clone()).unwrap());
        }
        out
    }

    #[test]
    fn chunks_end_at_line_ends_and_lose_nothing() {
        let text = "a,b\n1,2\n3,4\n5,6";
        for size in 1..20 {
            let parts = chunks(text, size);
            assert_eq!(parts.concat(), text, "size {size}");
            for p in &parts[..parts.len() - 1] {
                assert!(p.ends_with('\n'), "size {size}: {p:?}");
            }
        }
    }

    #[test]
    fn a_line_end_inside_quotes_is_not_a_boundary() {
        let text = "id,note\n1,\"two\nlines\"\n2,\"x\"\"y\"\n";
        for size in 1..40 {
            let parts = chunks(text, size);
            assert_eq!(parts.concat(), text);
            assert!(parts.iter().all(|p| !p.ends_with("two\n")), "size {size}: {parts:?}");
        }
    }

    #[test]
    fn carriage_returns_alone_end_records_too() {
        assert_eq!(last_record_end(b"a\rb\rc"), Some(4));
        assert_eq!(last_record_end(b"\"a\rb\"\rc"), Some(6));
        assert_eq!(last_record_end(b"no end"), None);
    }
}
