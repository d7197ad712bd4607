//! Finding a choice by its code: the innermost step of scoring, run for every cell.

/// Finds a question's choice by its code in a few instructions: codes of up to 24 bytes are
/// packed into three words, and a multiplier is searched (once, when the scorer is built) that
/// sends every code of the question to its own slot of 256. A question where no multiplier
/// works, or with a longer code, compares codes one by one.
#[derive(Debug, Clone)]
pub(super) struct CodeIndex {
    multiplier: u64,
    slots: Box<[u8; 256]>,
    /// Each choice's code, packed, with its length.
    packed: Vec<([u64; 3], usize)>,
    /// The codes themselves, for questions that compare one by one.
    codes: Vec<Box<[u8]>>,
    linear: bool,
}

impl CodeIndex {
    const EMPTY: u8 = u8::MAX;
    const MAX_LEN: usize = 24;

    /// Three words that, with the length, determine a code of up to 24 bytes: a few
    /// overlapping loads instead of a loop over the bytes.
    #[inline]
    fn pack(code: &[u8]) -> [u64; 3] {
        let n = code.len();
        let word = |at: usize| u64::from_le_bytes(code[at..at + 8].try_into().expect("8 bytes"));
        let half = |at: usize| u64::from(u32::from_le_bytes(code[at..at + 4].try_into().expect("4 bytes")));
        match n {
            0 => [0; 3],
            1..=3 => [code.iter().fold(0, |w, &b| w << 8 | u64::from(b)), 0, 0],
            4..=7 => [half(0) | half(n - 4) << 32, 0, 0],
            8..=16 => [word(0), word(n - 8), 0],
            _ => [word(0), word(8), word(n - 8)],
        }
    }

    #[inline]
    fn slot(words: &[u64; 3], len: usize, multiplier: u64) -> usize {
        let mixed = words[0] ^ words[1].rotate_left(21) ^ words[2].rotate_left(42) ^ len as u64;
        (mixed.wrapping_mul(multiplier) >> 56) as usize
    }

    pub(super) fn new(codes: &[&str]) -> Self {
        let too_long = codes.iter().any(|c| c.len() > Self::MAX_LEN);
        let packed: Vec<([u64; 3], usize)> =
            codes.iter().map(|c| (if too_long { [0; 3] } else { Self::pack(c.as_bytes()) }, c.len())).collect();
        let full = || codes.iter().map(|c| c.as_bytes().into()).collect();
        let mut slots = Box::new([Self::EMPTY; 256]);
        let mut multiplier = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            slots.fill(Self::EMPTY);
            let mut collided = false;
            for (c, (words, len)) in packed.iter().enumerate() {
                let slot = &mut slots[Self::slot(words, *len, multiplier)];
                collided |= *slot != Self::EMPTY;
                *slot = c as u8;
            }
            if too_long {
                break;
            }
            if !collided {
                return CodeIndex { multiplier, slots, packed, codes: full(), linear: false };
            }
            multiplier = multiplier.wrapping_add(0x6a09_e667_f3bc_c909) | 1;
        }
        CodeIndex { multiplier, slots, packed, codes: full(), linear: true }
    }

    #[inline]
    pub(super) fn find(&self, code: &[u8]) -> Option<usize> {
        if self.linear {
            return self.codes.iter().position(|c| **c == *code);
        }
        if code.len() > Self::MAX_LEN {
            return None;
        }
        let words = Self::pack(code);
        let c = self.slots[Self::slot(&words, code.len(), self.multiplier)];
        let (expected, len) = self.packed.get(usize::from(c))?;
        (*len == code.len() && *expected == words).then_some(usize::from(c))
    }
}

#[cfg(test)]
mod tests {
    use super::CodeIndex;

    #[test]
    fn every_code_is_found_and_nothing_else_is() {
        let codes = ["land", "animals", "trees", "buildings", "vehicles", "equipment", "other", "no", "dwa"];
        let index = CodeIndex::new(&codes);
        assert!(!index.linear);
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(index.find(c.as_bytes()), Some(i));
        }
        for other in ["", "lan", "lands", "Land", "no ", "a_code_far_longer_than_24_bytes"] {
            assert_eq!(index.find(other.as_bytes()), None, "{other:?}");
        }
    }

    #[test]
    fn long_codes_fall_back_to_comparing_each() {
        let codes = ["short", "a_code_far_longer_than_24_bytes"];
        let index = CodeIndex::new(&codes);
        assert!(index.linear);
        assert_eq!(index.find(b"a_code_far_longer_than_24_bytes"), Some(1));
        assert_eq!(index.find(b"a_code_far_longer_than_24_bytez"), None);
    }
}
