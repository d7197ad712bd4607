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

    /// A code of up to 24 bytes as three little-endian words, zero-padded.
    #[inline]
    pub(super) fn pack(code: &[u8]) -> [u64; 3] {
        let mut padded = [0u8; Self::MAX_LEN];
        padded[..code.len()].copy_from_slice(code);
        Self::pack_in_context(&padded, code.len())
    }

    /// The same words for a code of `len` bytes at the start of `bytes`, which runs on for at
    /// least 24 bytes: whole-word loads masked by the length, with no branch on the length (a
    /// branch that would mispredict on most cells).
    #[inline]
    pub(super) fn pack_in_context(bytes: &[u8], len: usize) -> [u64; 3] {
        let word = |k: usize| {
            let kept = len.saturating_sub(8 * k).min(8) as u32;
            let mask = u64::MAX.checked_shr(64 - 8 * kept).unwrap_or(0);
            u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().expect("8 bytes")) & mask
        };
        [word(0), word(1), word(2)]
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
        self.find_packed(&Self::pack(code), code.len())
    }

    /// `find` for a cell of `len` bytes at the start of `bytes`, which runs on for at least
    /// 24 bytes (see [`Self::pack_in_context`]).
    #[inline]
    pub(super) fn find_in_context(&self, bytes: &[u8], len: usize) -> Option<usize> {
        if self.linear || len > Self::MAX_LEN {
            return self.find(&bytes[..len]);
        }
        self.find_packed(&Self::pack_in_context(bytes, len), len)
    }

    #[inline]
    fn find_packed(&self, words: &[u64; 3], len: usize) -> Option<usize> {
        let slot = &self.slots[Self::slot(words, len, self.multiplier, self.shift)];
        (usize::from(slot.len) == len && slot.words == *words).then_some(usize::from(slot.choice))
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
    fn packing_in_context_ignores_what_follows_the_cell() {
        let codes = ["very_good", "good", "fair", "poor", "very_poor", "dk", "dwa", "unhappy_conditions"];
        let index = CodeIndex::new(&codes);
        for (i, code) in codes.iter().enumerate() {
            let row = format!("{code},somewhat_agree,very_often,other_returnees,");
            assert_eq!(index.find_in_context(row.as_bytes(), code.len()), Some(i), "{code}");
            assert_eq!(CodeIndex::pack_in_context(row.as_bytes(), code.len()), CodeIndex::pack(code.as_bytes()));
        }
        let row = b"goodness,and,more,bytes,after,it";
        assert_eq!(index.find_in_context(row, 8), None);
        assert_eq!(index.find_in_context(row, 4), Some(1), "a prefix that is a code is that code");
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
