//! The identifiers of what Homeward keeps, one type each, so that a plan's id cannot be passed
//! where a case's is expected. They are text (UUIDv7, time-ordered, made by the store); in JSON
//! and in the database they are plain strings.

macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(text: impl Into<String>) -> $name {
                $name(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    )+};
}

id_types!(
    /// A returnee's case.
    CaseId,
    /// A record kept on a case (household member, consent, assessment, ...).
    RecordId,
    /// An RSS survey taken in a case.
    SurveyId,
    /// One version of a case's reintegration plan.
    PlanId,
    /// A referral to a service provider.
    ReferralId,
    /// A provider of the service directory.
    ProviderId,
    /// A community of return and its profile.
    CommunityId,
    /// A community-based reintegration project.
    ProjectId,
    /// A stakeholder of an office's map.
    StakeholderId,
    /// A coordination agreement (SOP, MoU, data-sharing agreement, coordination body).
    AgreementId,
    /// A capacity-building activity.
    ActivityId,
    /// A mentor from the community.
    MentorId,
    /// A mentor-mentee relationship.
    MentorshipId,
    /// A document kept with a case or one of its records.
    DocumentId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_text() {
        let id = CaseId::new("01a2");
        assert_eq!(id, "01a2");
        assert_eq!(id.to_string(), "01a2");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"01a2\"");
        assert_eq!(serde_json::from_str::<CaseId>("\"01a2\"").unwrap(), id);
        let text: &str = &id;
        assert_eq!(text, "01a2");
    }
}
