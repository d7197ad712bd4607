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
        if !self.grants.is_empty() && !self.role.may_hold_grants() {
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
        }
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        let u = self.username.trim();
        if u.is_empty() || u.chars().count() > 100 || self.username.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            p.add("username", crate::problem!("username_shape", "must be 1 to 100 characters without spaces"));
        }
        check_password(&mut p, &self.password);
        self.settings().check(&mut p);
        p.into_result()
    }
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
        AccountSettings { role, office: None, provider: None, grants: vec![], language: "en".into(), disabled: false }
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
}
