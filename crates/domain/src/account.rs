//! A staff account as an administrator sets it up: the role, the office or provider the role
//! needs, the sensitive sections granted, the language of the pages, and (when set) a password.
//! Checked as a whole, each problem naming its field, for the API and the command line alike.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{Role, Section};
use crate::validate::{FieldError, Problems};

/// The languages the web app has catalogues for (`data/i18n`; a test keeps them the same).
pub const LANGUAGES: &[&str] = &["en", "fr"];

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// An account's settings (everything but its name and password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    pub role: Role,
    /// The office whose cases the user works on; none for programme-wide roles.
    #[serde(default)]
    pub office: Option<String>,
    /// For a partner: the service provider whose referral packets it sees.
    #[serde(default)]
    pub provider: Option<String>,
    /// Sensitive sections granted (only roles that see identities may hold them).
    #[serde(default)]
    pub grants: Vec<Section>,
    #[schema(example = "fr")]
    pub language: String,
    /// A disabled account cannot sign in; its history stays.
    #[serde(default)]
    pub disabled: bool,
    /// May send a referral without consent when life is at risk (handbook L7328-7330): an
    /// explicit grant for mental-health professionals, like a sensitive section.
    #[serde(default)]
    pub emergency_sharing: bool,
}

impl AccountSettings {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        self.check(&mut p);
        p.into_result()
    }

    fn check(&self, p: &mut Problems) {
        p.optional_text("office", self.office.as_deref(), 100);
        match (self.role, &self.provider) {
            (Role::Partner, None) => p.add(
                "provider",
                crate::problem!(
                    "partner_needs_provider",
                    "a partner user needs the provider whose referral packets it sees"
                ),
            ),
            (Role::Partner, Some(_)) => {}
            (_, Some(_)) => p.add(
                "provider",
                crate::problem!("provider_only_partner", "only partner users are linked to a provider"),
            ),
            (_, None) => {}
        }
        if (!self.grants.is_empty() || self.emergency_sharing) && !self.role.may_hold_grants() {
            p.add(
                "grants",
                crate::problem!(
                    "no_grants_for_role",
                    "this role sees no identifying data and cannot be granted sensitive sections"
                ),
            );
        }
        if !LANGUAGES.contains(&self.language.as_str()) {
            p.add("language", crate::problem!("one_of", "must be one of {values}", values = LANGUAGES.join(", ")));
        }
    }
}

/// A new account (enabled). Its fields are spelt out rather than flattened from
/// [`AccountSettings`], so its JSON schema is one plain object that clients and fuzzers can read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub grants: Vec<Section>,
    #[schema(example = "fr")]
    pub language: String,
    #[serde(default)]
    pub emergency_sharing: bool,
}

impl NewAccount {
    pub fn settings(&self) -> AccountSettings {
        AccountSettings {
            role: self.role,
            office: self.office.clone(),
            provider: self.provider.clone(),
            grants: self.grants.clone(),
            language: self.language.clone(),
            disabled: false,
            emergency_sharing: self.emergency_sharing,
        }
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        if let Err(problem) = username_key(&self.username) {
            p.add("username", problem);
        }
        check_password(&mut p, &self.password);
        self.settings().check(&mut p);
        p.into_result()
    }
}

/// The one spelling of a username that accounts are kept and looked up by: Unicode NFKC,
/// lower-cased, so `Demo`, `demo` and `ｄｅｍｏ` are one account. Spaces, control characters and
/// invisible ones (`de\u{200b}mo`) are refused rather than dropped, so what a user sees is
/// what they are.
pub fn username_key(raw: &str) -> Result<String, crate::validate::Problem> {
    use unicode_normalization::UnicodeNormalization;
    let shape = || crate::problem!("username_shape", "must be 1 to 100 characters without spaces");
    let trimmed = raw.trim();
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || invisible(c)) {
        return Err(crate::problem!(
            "username_invisible",
            "may not contain spaces, control characters or invisible characters"
        ));
    }
    let key: String = trimmed.nfkc().collect::<String>().to_lowercase().nfkc().collect();
    if key.is_empty() || key.chars().count() > 100 || key.chars().any(|c| c.is_whitespace() || invisible(c)) {
        return Err(shape());
    }
    Ok(key)
}

/// Characters that show nothing: Unicode's format characters (category Cf), variation
/// selectors, the combining grapheme joiner and the Hangul fillers.
fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x06DD | 0x070F | 0x08E2 | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E
        | 0x3164 | 0xFEFF | 0xFFA0 | 0x110BD | 0x110CD | 0xE0001
        | 0x0600..=0x0605 | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xFE00..=0xFE0F | 0xFFF9..=0xFFFB | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

/// A new password: long enough to resist guessing.
pub fn check_password(p: &mut Problems, password: &str) {
    if password.chars().count() < MIN_PASSWORD {
        p.add("password", crate::problem!("too_short", "must have at least {min} characters", min = MIN_PASSWORD));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(role: Role) -> AccountSettings {
        AccountSettings {
            role,
            office: None,
            provider: None,
            grants: vec![],
            language: "en".into(),
            disabled: false,
            emergency_sharing: false,
        }
    }

    #[test]
    fn an_account_names_every_problem() {
        let account = NewAccount {
            username: "a b".into(),
            password: "short".into(),
            role: Role::MeOfficer,
            office: None,
            provider: None,
            grants: vec![Section::Health],
            language: "de".into(),
            emergency_sharing: false,
        };
        let fields: Vec<String> = account.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["username", "password", "grants", "language"]);
    }

    #[test]
    fn partners_and_only_partners_are_linked_to_a_provider() {
        assert_eq!(settings(Role::Partner).validate().unwrap_err()[0].field, "provider");
        let linked = AccountSettings { provider: Some("p1".into()), ..settings(Role::Partner) };
        assert!(linked.validate().is_ok());
        let wrong = AccountSettings { provider: Some("p1".into()), ..settings(Role::CaseManager) };
        assert_eq!(wrong.validate().unwrap_err()[0].field, "provider");
    }

    #[test]
    fn usernames_have_one_spelling_and_nothing_invisible() {
        assert_eq!(username_key("Demo").unwrap(), "demo");
        assert_eq!(username_key(" demo ").unwrap(), "demo");
        assert_eq!(username_key("ｄｅｍｏ").unwrap(), "demo", "full-width letters are the same name (NFKC)");
        assert_eq!(username_key("Ａïssatou").unwrap(), "aïssatou");
        for sneaky in ["de\u{200b}mo", "de\u{00ad}mo", "demo\u{feff}", "de\u{202e}mo", "de mo", "de\tmo", "de\u{0}mo"] {
            let problem = username_key(sneaky).unwrap_err();
            assert_eq!(problem.code, "username_invisible", "{sneaky:?}");
        }
        assert!(username_key("").is_err());
        assert!(username_key(&"a".repeat(101)).is_err());
    }
}
