//! Search keys: names folded so that `Aminata Diallo`, `AMINATA` and `Amînata` find the same
//! case. Computed here, stored in an indexed column, searched by prefix: the same on SQLite and
//! PostgreSQL, with no database extension.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, accents removed, anything but letters and digits turned into word breaks.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Like [`fold`], but an apostrophe or hyphen inside a name joins rather than breaks it, so
/// `N'Diaye` also reads as `ndiaye`, the way staff type it.
pub fn fold_joined(text: &str) -> String {
    let joined: String = text.chars().filter(|c| !matches!(c, '\'' | '’' | '‘' | '-' | '‐' | '.')).collect();
    fold(&joined)
}

/// A spelling-independent key of a folded word, for names written as they sound (`Kadija` and
/// `Khadija`, `Mamadu` and `Mamadou`, `Musa` and `Moussa`): common French and Wolof
/// transliteration variants made one, `h` dropped, doubled letters made single.
pub fn phonetic(word: &str) -> String {
    let mut s = word.to_string();
    for (from, to) in [
        ("kh", "k"),
        ("ph", "f"),
        ("th", "t"),
        ("dj", "j"),
        ("ch", "s"),
        ("sh", "s"),
        ("ou", "u"),
        ("oo", "u"),
        ("ck", "k"),
        ("ce", "se"),
        ("ci", "si"),
        ("cy", "si"),
        ("qu", "k"),
        ("q", "k"),
        ("c", "k"),
        ("x", "ks"),
        ("z", "s"),
        ("y", "i"),
        ("w", "u"),
        ("ee", "i"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| *c != 'h') {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    if out.len() > 3 && out.ends_with('e') {
        out.pop();
    }
    out
}

/// The mark of a phonetic term, so it never matches a typed prefix by accident.
pub const PHONETIC: char = '~';

/// The mark of a case's sequence number (`#25` for `HW-2026-000025`).
pub const SEQUENCE: char = '#';

/// The words a case can be found by: each word of the names, folded (and joined where an
/// apostrophe or hyphen splits it), and each one's phonetic key, without repeats.
pub fn terms(names: &[&str]) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut add = |term: String| {
        if !term.is_empty() && !terms.contains(&term) {
            terms.push(term.chars().take(64).collect());
        }
    };
    for name in names {
        let words: Vec<String> = fold(name)
            .split(' ')
            .chain(fold_joined(name).split(' '))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        for word in words {
            add(format!("{PHONETIC}{}", phonetic(&word)));
            add(word);
        }
    }
    terms
}

/// The term of a case number's sequence: `HW-2026-000025` → `#25`.
pub fn sequence_term(case_number: &str) -> Option<String> {
    let digits = case_number.rsplit('-').next()?.trim_start_matches('0');
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{SEQUENCE}{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_punctuation_do_not_matter() {
        assert_eq!(fold("Amînata  DIALLO-Ndiaye"), "aminata diallo ndiaye");
        assert_eq!(fold("Ŝéverine O'Brien"), "severine o brien");
        assert_eq!(fold("  "), "");
        let found = terms(&["Fatou Binta", "Fatou"]);
        assert_eq!(found, ["~fatu", "fatou", "~binta", "binta"]);
        assert!(terms(&["N'Diaye"]).contains(&"ndiaye".to_string()), "typed without its apostrophe too");
    }

    #[test]
    fn names_spelt_as_they_sound_have_one_key() {
        for (a, b) in [
            ("kadija", "khadija"),
            ("mamadu", "mamadou"),
            ("musa", "moussa"),
            ("fatumata", "fatoumata"),
            ("aisatou", "aissatou"),
            ("cheikh", "seik"),
            ("yacine", "iasine"),
        ] {
            assert_eq!(phonetic(a), phonetic(b), "{a} ~ {b}");
        }
        assert_ne!(phonetic("awa"), phonetic("ami"));
    }

    #[test]
    fn a_case_number_is_found_by_its_sequence() {
        assert_eq!(sequence_term("HW-2026-000025").as_deref(), Some("#25"));
        assert_eq!(sequence_term("nonsense"), None);
    }

    #[test]
    fn non_latin_names_keep_their_letters() {
        assert_eq!(fold("محمد"), "محمد");
        assert_eq!(fold("Ελένη"), "ελενη");
    }
}
