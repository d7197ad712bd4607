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

/// The words a case can be found by: each word of the names, folded, without repeats.
pub fn terms(names: &[&str]) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for name in names {
        for word in fold(name).split(' ').filter(|w| !w.is_empty()) {
            if !terms.iter().any(|t| t == word) {
                terms.push(word.chars().take(64).collect());
            }
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_punctuation_do_not_matter() {
        assert_eq!(fold("Amînata  DIALLO-Ndiaye"), "aminata diallo ndiaye");
        assert_eq!(fold("Ŝéverine O'Brien"), "severine o brien");
        assert_eq!(fold("  "), "");
        assert_eq!(terms(&["Fatou Binta", "Fatou"]), ["fatou", "binta"]);
    }

    #[test]
    fn non_latin_names_keep_their_letters() {
        assert_eq!(fold("محمد"), "محمد");
        assert_eq!(fold("Ελένη"), "ελενη");
    }
}
