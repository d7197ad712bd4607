//! Writing output fields: CSV quoting and numbers in full precision.

/// Whether a spreadsheet would run the cell as a formula (or a dynamic exchange) on opening: it
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP, "CSV injection").
pub fn runs_as_formula(field: &[u8]) -> bool {
    matches!(field.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Appends a text `field`, quoted when it holds a delimiter, a quote or a line end; a cell a
/// spreadsheet would run as a formula is written with a leading `'`, so it shows as the text
/// it is (an id typed as `=HYPERLINK(...)` stays text). Numbers are not written through here.
pub(crate) fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    let formula = runs_as_formula(field);
    if formula || field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        if formula {
            out.push(b'\'');
        }
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// Writes scores as the shortest text that reads back as the same 64-bit float (`1`, `0.75`,
/// `0.5925925925925926`, `1e-7`). Scores repeat a lot (they are means of a few quarter steps),
/// so recent texts are kept in a small direct-mapped cache.
pub(crate) struct ScoreWriter {
    ryu: ryu::Buffer,
    cache: Vec<(u64, [u8; 24], u8)>,
}

impl ScoreWriter {
    const SLOTS: usize = 1024;

    pub(crate) fn new() -> Self {
        // Bits of NaN never equal a score's bits: an empty slot.
        ScoreWriter { ryu: ryu::Buffer::new(), cache: vec![(f64::NAN.to_bits(), [0; 24], 0); Self::SLOTS] }
    }

    pub(crate) fn push(&mut self, out: &mut Vec<u8>, score: f64) {
        let bits = score.to_bits();
        let slot = ((bits ^ (bits >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize % Self::SLOTS;
        let entry = &mut self.cache[slot];
        if entry.0 != bits {
            let text = self.ryu.format_finite(score).as_bytes();
            // ryu writes whole numbers as `1.0`; `1` is shorter and reads back the same.
            let text = text.strip_suffix(b".0").unwrap_or(text);
            let len = text.len().min(24);
            entry.1[..len].copy_from_slice(&text[..len]);
            entry.0 = bits;
            entry.2 = len as u8;
        }
        out.extend_from_slice(&entry.1[..usize::from(entry.2)]);
    }
}

pub(crate) fn push_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(x: f64) -> String {
        let mut out = Vec::new();
        let mut writer = ScoreWriter::new();
        writer.push(&mut out, x);
        // A second time, from the cache.
        writer.push(&mut out, x);
        let text = String::from_utf8(out).unwrap();
        let (a, b) = text.split_at(text.len() / 2);
        assert_eq!(a, b);
        a.to_string()
    }

    #[test]
    fn scores_are_written_in_full_precision_and_read_back_exactly() {
        assert_eq!(score(1.0), "1");
        assert_eq!(score(0.0), "0");
        assert_eq!(score(0.75), "0.75");
        assert_eq!(score(16.0 / 27.0), "0.5925925925925926");
        for x in [1.0 / 3.0, 83.0 / 174.0, 1e-7, 0.1 + 0.2, f64::MIN_POSITIVE] {
            assert_eq!(score(x).parse::<f64>().unwrap(), x);
        }
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        for (cell, written) in [
            ("=1+1", "\"'=1+1\""),
            ("+33 6 12", "\"'+33 6 12\""),
            ("-2", "\"'-2\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("R-001", "R-001"),
        ] {
            let mut out = Vec::new();
            push_field(&mut out, cell.as_bytes());
            assert_eq!(String::from_utf8(out).unwrap(), written, "{cell:?}");
        }
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let field = |f: &str| {
            let mut out = Vec::new();
            push_field(&mut out, f.as_bytes());
            String::from_utf8(out).unwrap()
        };
        assert_eq!(field("S-1"), "S-1");
        assert_eq!(field("Q1: 'a,b' is not an answer code"), "\"Q1: 'a,b' is not an answer code\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn counts_are_written_in_decimal() {
        for n in [0, 7, 10, 32, u32::MAX] {
            let mut out = Vec::new();
            push_u32(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }
}
