//! Message catalogues (`data/i18n/*.toml`): every string of the UI, per language. A language is
//! added by adding a catalogue; its `direction` (`ltr` or `rtl`) sets the page's layout.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const CATALOGUES: &[(&str, &str)] =
    &[("en", include_str!("../../../data/i18n/en.toml")), ("fr", include_str!("../../../data/i18n/fr.toml"))];

/// The messages of one language.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    #[serde(skip)]
    pub code: String,
    /// The language's own name, for the language menu.
    pub language: String,
    /// `ltr` or `rtl`.
    pub direction: String,
    messages: BTreeMap<String, String>,
}

impl Catalogue {
    /// The message `key`; the key itself when missing, so a gap shows instead of breaking a page
    /// (and the tests refuse gaps).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.get(key).map_or(key, String::as_str)
    }

    /// A stored name (`in_assistance`) as shown: the message `prefix_name`.
    pub fn named<'a>(&'a self, prefix: &str, name: &'a str) -> &'a str {
        match self.messages.get(&format!("{prefix}_{name}")) {
            Some(text) => text,
            None => name,
        }
    }
}

fn all() -> &'static [Catalogue] {
    static ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
    ALL.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(code, text)| {
                let mut c: Catalogue = toml::from_str(text).expect("catalogues are valid (tested)");
                c.code = code.to_string();
                c
            })
            .collect()
    })
}

/// The catalogue of `code`, or English.
pub fn catalogue(code: &str) -> &'static Catalogue {
    let all = all();
    all.iter().find(|c| c.code == code).unwrap_or(&all[0])
}

/// Every language code, English first.
pub fn languages() -> impl Iterator<Item = &'static str> {
    all().iter().map(|c| c.code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_has_every_key_of_the_english_one_and_no_other() {
        let en: Vec<&String> = catalogue("en").messages.keys().collect();
        for c in all() {
            let keys: Vec<&String> = c.messages.keys().collect();
            assert_eq!(keys, en, "catalogue {}", c.code);
            assert!(c.messages.values().all(|v| !v.trim().is_empty()), "catalogue {} has an empty message", c.code);
            assert!(["ltr", "rtl"].contains(&c.direction.as_str()));
        }
    }

    #[test]
    fn messages_are_looked_up_by_language_with_english_as_the_fallback() {
        assert_eq!(catalogue("fr").get("sign_in"), "Se connecter");
        assert_eq!(catalogue("xx").get("sign_in"), "Sign in");
        assert_eq!(catalogue("fr").named("status", "in_assistance"), "en assistance");
        assert_eq!(catalogue("fr").named("status", "unknown"), "unknown");
        assert_eq!(languages().collect::<Vec<_>>(), ["en", "fr"]);
    }

    #[test]
    fn every_state_action_sex_and_band_has_a_message() {
        use homeward_domain::Named;
        use homeward_domain::case::{CaseAction, CaseState};
        use homeward_domain::returnee::Sex;
        for c in all() {
            let names = CaseState::ALL
                .iter()
                .map(|s| ("status", s.name()))
                .chain(CaseAction::ALL.iter().map(|a| ("action", a.name())))
                .chain(Sex::ALL.iter().map(|s| ("sex", s.name())))
                .chain(["intensive", "standard", "light"].map(|b| ("band", b)))
                .chain(homeward_domain::consent::ConsentPurpose::ALL.iter().map(|p| ("purpose", p.name())))
                .chain(homeward_domain::consent::ConsentMethod::ALL.iter().map(|m| ("method", m.name())))
                .chain(homeward_domain::records::FollowUpKind::ALL.iter().map(|k| ("kind", k.name())))
                .chain(homeward_domain::records::FollowUpMode::ALL.iter().map(|m| ("mode", m.name())));
            for (prefix, name) in names {
                assert!(c.messages.contains_key(&format!("{prefix}_{name}")), "{}: no message {prefix}_{name}", c.code);
            }
        }
    }
}
