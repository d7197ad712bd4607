use std::collections::BTreeMap;

use serde::Deserialize;

/// A text in every language of the instrument, keyed by language code (`en`, `fr`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Labels(pub BTreeMap<String, String>);

impl Labels {
    /// The text in `lang`, if the instrument has that language.
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }

    /// Languages from `languages` that have no (or only blank) text here.
    pub(crate) fn missing<'a>(&self, languages: &'a [String]) -> Vec<&'a str> {
        languages.iter().filter(|l| self.get(l).is_none_or(|t| t.trim().is_empty())).map(String::as_str).collect()
    }
}
