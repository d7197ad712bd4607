//! Writing output fields: CSV quoting and numbers in full precision.

/// Appends `field`, quoted when it holds a delimiter, a quote or a line end.
pub(crate) fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
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

/// Appends the shortest text that reads back as the same 64-bit float (`1`, `0.75`,
/// `0.5925925925925926`, `1e-7`).
pub(crate) fn push_score(out: &mut Vec<u8>, buf: &mut ryu::Buffer, score: f64) {
    let text = buf.format_finite(score).as_bytes();
    // ryu writes whole numbers as `1.0`; `1` is shorter and reads back the same.
    out.extend_from_slice(text.strip_suffix(b".0").unwrap_or(text));
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
        push_score(&mut out, &mut ryu::Buffer::new(), x);
        String::from_utf8(out).unwrap()
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
