//! Finding a choice by its code: the innermost step of scoring, run for every cell.

/// Finds a question's choice by its code in a few instructions. Codes of up to 24 bytes are
/// packed into three words; when the scorer is built, a multiplier is searched that sends every
/// code of the question to its own slot of a small table (the smallest power of two, at least
/// twice the number of codes, for which one exists). A slot holds the packed code itself, so a
/// lookup is one load and one comparison, and the tables of all questions stay in the fastest
/// cache while the CSV streams past. A question with a longer code compares codes one by one.
#[derive(Debug, Clone)]
pub(super) struct CodeIndex {
    multiplier: u64,
    /// `64 - log2(slots.len())`: the top bits of the product choose the slot.
    shift: u32,
    slots: Vec<Slot>,
    /// The codes themselves, for questions that compare one by one.
    codes: Vec<Box<[u8]>>,
    linear: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    words: [u64; 3],
    /// Length of the code; `EMPTY` for no code.
    len: u8,
    choice: u8,
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
    fn slot(words: &[u64; 3], len: usize, multiplier: u64, shift: u32) -> usize {
        let mixed = words[0] ^ words[1].rotate_left(21) ^ words[2].rotate_left(42) ^ len as u64;
        (mixed.wrapping_mul(multiplier) >> shift) as usize
    }

    pub(super) fn new(codes: &[&str]) -> Self {
        let full: Vec<Box<[u8]>> = codes.iter().map(|c| c.as_bytes().into()).collect();
        let empty = Slot { words: [0; 3], len: Self::EMPTY, choice: 0 };
        let linear =
            || CodeIndex { multiplier: 0, shift: 63, slots: vec![empty; 2], codes: full.clone(), linear: true };
        if codes.iter().any(|c| c.len() > Self::MAX_LEN) || codes.len() > 64 {
            return linear();
        }
        let packed: Vec<[u64; 3]> = codes.iter().map(|c| Self::pack(c.as_bytes())).collect();
        for bits in (codes.len() * 2).next_power_of_two().trailing_zeros().max(1)..=10 {
            let shift = 64 - bits;
            let mut multiplier = 0x9e37_79b9_7f4a_7c15u64;
            for _ in 0..2_000 {
                let mut slots = vec![empty; 1 << bits];
                let fits = codes.iter().zip(&packed).enumerate().all(|(c, (code, words))| {
                    let slot = &mut slots[Self::slot(words, code.len(), multiplier, shift)];
                    let free = slot.len == Self::EMPTY;
                    *slot = Slot { words: *words, len: code.len() as u8, choice: c as u8 };
                    free
                });
                if fits {
                    return CodeIndex { multiplier, shift, slots, codes: full, linear: false };
                }
                multiplier = multiplier.wrapping_add(0x6a09_e667_f3bc_c909) | 1;
            }
        }
        linear()
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
        let slot = &self.slots[Self::slot(&words, code.len(), self.multiplier, self.shift)];
        (usize::from(slot.len) == code.len() && slot.words == words).then_some(usize::from(slot.choice))
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
