//! Who is acting: a signed-in user (found by their token's hash, see [`crate::session`]) or the
//! command line. Passwords are hashed with argon2id; tokens are random and shown once.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use homeward_domain::Named;
use homeward_domain::access::{Access, Permission, Role, Section};
use homeward_store::frames::UserRow;

use crate::error::ServiceError;

/// The acting user of an operation: whose permissions, office and grants apply, and the name
/// its audit entries carry.
#[derive(Debug, Clone)]
pub struct Caller {
    pub username: String,
    pub access: Access,
    pub language: String,
    /// The address the request came from (`cli` for the command line), in every audit entry.
    pub client: String,
    /// Where refusals are recorded (who, what, why); absent for the command line.
    pub(crate) denials: Option<crate::audit::ReadAudit>,
}

/// What the audit log names as the actor of command-line operations: `cli:` and the account
/// of the operating system that ran the command.
pub const COMMAND_LINE: &str = "cli:";

impl Caller {
    /// The command line, run by whoever holds the database: an administrator of every office
    /// with every grant. Audited as `cli:<system user>`, so the log tells it from a web or API user.
    pub fn command_line(system_user: &str) -> Caller {
        Caller {
            username: format!("{COMMAND_LINE}{system_user}"),
            access: Access {
                role: Role::Admin,
                office: None,
                sections: Section::ALL.to_vec(),
                provider: None,
                emergency_sharing: true,
            },
            language: "en".into(),
            client: "cli".into(),
            denials: None,
        }
    }

    /// The user as an account row describes them, acting from `client`.
    pub fn from_user(user: &UserRow, client: &str) -> Caller {
        Caller {
            username: user.username.clone(),
            access: Access {
                role: user.role,
                office: user.office.clone(),
                sections: user.sections.clone(),
                provider: user.provider_id.as_ref().map(|p| p.to_string()),
                emergency_sharing: user.emergency_sharing,
            },
            language: user.language.clone(),
            client: client.to_string(),
            denials: None,
        }
    }

    /// Someone not signed in who gave `username` (a sign-in attempt), for the audit log.
    pub(crate) fn anonymous(username: &str, client: &str) -> Caller {
        Caller {
            username: format!("anonymous:{username}"),
            access: Access {
                role: Role::Partner,
                office: None,
                sections: vec![],
                provider: None,
                emergency_sharing: false,
            },
            language: "en".into(),
            client: client.to_string(),
            denials: None,
        }
    }

    /// The same caller, whose refusals are recorded in the audit log through `sink`.
    pub(crate) fn recording_denials(self, sink: crate::audit::ReadAudit) -> Caller {
        Caller { denials: Some(sink), ..self }
    }

    /// Records that the caller was refused `entity` `record_id` (of `case_id`) and why: the
    /// audit log shows attempts, not only what succeeded.
    pub(crate) fn denied(&self, entity: &str, record_id: &str, case_id: Option<&str>, why: &str) {
        if let Some(sink) = &self.denials {
            let mut e = crate::audit::entry(self, "denied", entity, record_id, case_id, &[]);
            e.fields = why.to_string();
            sink.record_soon(vec![e]);
        }
    }

    /// Refuses with 403 unless the role may do it.
    pub fn require(&self, permission: Permission) -> Result<(), ServiceError> {
        if self.access.may(permission) {
            Ok(())
        } else {
            self.denied("permission", permission.name(), None, "role");
            Err(ServiceError::Forbidden(format!(
                "your role ({}) does not allow this ({})",
                self.access.role.name(),
                permission.name()
            )))
        }
    }

    /// Refuses with 403 unless the section was granted.
    pub fn require_section(&self, section: Section) -> Result<(), ServiceError> {
        if self.access.may_read_section(section) {
            Ok(())
        } else {
            self.denied("section", section.name(), None, "no grant");
            Err(ServiceError::Forbidden(format!(
                "this is in the restricted section `{}`: it needs an explicit grant",
                section.name()
            )))
        }
    }
}

pub use homeward_domain::access::parse_sections;

/// A new API token: 244 random bits, prefixed so it is recognisable in a leaked file.
pub fn new_token() -> String {
    format!("hw_{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

pub fn token_hash(token: &str) -> String {
    homeward_store::sha256_hex(token.as_bytes())
}

pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }

    #[test]
    fn tokens_are_long_distinct_and_stored_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn grants_are_read_by_name() {
        assert_eq!(parse_sections("health, gbv_protection").unwrap(), [Section::Health, Section::GbvProtection]);
        assert!(parse_sections("gossip").unwrap_err().contains("`gossip` is not a section"));
        assert!(parse_sections("").unwrap().is_empty());
    }
}
