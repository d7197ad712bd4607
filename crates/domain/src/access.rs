//! Who may see and do what (docs/domain.md section 1 and 6): roles, what each role may do, the
//! sensitive sections readable only with an explicit grant, and office scoping. Pure rules; the
//! server asks them before touching data.

named_enum! {
    /// A user's role. A user has exactly one.
    pub enum Role {
        /// Manages users, offices, the service directory; sees every office.
        Admin = "admin",
        /// Oversees the case managers of an office; approves exceptions (lines 2286-2293).
        Supervisor = "supervisor",
        /// Counselling, assessments, plans, referrals, follow-up (lines 15560-15566).
        CaseManager = "case_manager",
        /// Counselling and assessments; no plans, money or closure.
        Counsellor = "counsellor",
        /// Monitoring: pseudonymised data only, no names or contacts (lines 8372-8376); may take
        /// the RSS (line 13009).
        MeOfficer = "me_officer",
        /// A service provider: only the referral packets sent to its organisation (lines 7270-7273).
        Partner = "partner",
        /// A communications or outreach focal point: communities and their projects, no case
        /// data (docs/domain.md section 1).
        Outreach = "outreach",
    }
}

named_enum! {
    /// Parts of a case readable only by users granted them explicitly (need-to-know, lines
    /// 3744-3751; docs/domain.md 6.7 and 6.14).
    pub enum Section {
        Health = "health",
        Psychosocial = "psychosocial",
        /// Gender-based violence and protection: vulnerability and risk assessments, security plans.
        GbvProtection = "gbv_protection",
        Trafficking = "trafficking",
        /// Only a voluntary disclosure, as restricted free text; never asked.
        Sogiesc = "sogiesc",
    }
}

named_enum! {
    /// Something a user does. Each endpoint needs one.
    pub enum Permission {
        /// See cases of one's offices, with names (or pseudonymised for the M&E officer).
        ReadCases = "read_cases",
        /// Search cases by name.
        SearchByName = "search_by_name",
        RegisterCase = "register_case",
        EditCase = "edit_case",
        /// Move a case through its lifecycle, including closure.
        MoveCase = "move_case",
        /// Household, consents, counselling, assessments.
        RecordAssessment = "record_assessment",
        TakeSurvey = "take_survey",
        /// Plans and their components, feasibility evaluations.
        Plan = "plan",
        /// Referrals and sending referral packets.
        Refer = "refer",
        /// The assistance ledger.
        RecordAssistance = "record_assistance",
        FollowUp = "follow_up",
        /// The service directory.
        ManageProviders = "manage_providers",
        ManageUsers = "manage_users",
        /// Read the referral packets sent to one's own organisation, and update their state.
        HandleReferralPackets = "handle_referral_packets",
        ReadAudit = "read_audit",
        /// See the referrals sent without consent (the urgent path) in one's offices.
        ReviewOverrides = "review_overrides",
        /// Merge a case registered twice into the other.
        MergeCases = "merge_cases",
        /// See community profiles and community-based projects (handbook Module 3).
        ReadCommunity = "read_community",
        /// Record community profiles; propose, screen, approve and run community projects.
        ManageCommunity = "manage_community",
    }
}

use Permission as P;

/// Everything a case worker does on the cases of their office.
const CASE_WORK: &[Permission] = &[
    P::ReadCases,
    P::SearchByName,
    P::RegisterCase,
    P::EditCase,
    P::MoveCase,
    P::RecordAssessment,
    P::TakeSurvey,
    P::Plan,
    P::Refer,
    P::RecordAssistance,
    P::FollowUp,
];

/// The community level's work (Module 3).
const COMMUNITY_WORK: &[Permission] = &[P::ReadCommunity, P::ManageCommunity];

impl Role {
    /// Whether the role may do it. The table of roles, which the role x endpoint tests read.
    pub fn may(self, permission: Permission) -> bool {
        match self {
            Role::Admin => {
                CASE_WORK.contains(&permission)
                    || COMMUNITY_WORK.contains(&permission)
                    || matches!(
                        permission,
                        P::ManageProviders | P::ManageUsers | P::ReadAudit | P::ReviewOverrides | P::MergeCases
                    )
            }
            Role::Supervisor => {
                CASE_WORK.contains(&permission)
                    || COMMUNITY_WORK.contains(&permission)
                    || matches!(permission, P::ManageProviders | P::ReviewOverrides | P::MergeCases)
            }
            Role::CaseManager => CASE_WORK.contains(&permission) || COMMUNITY_WORK.contains(&permission),
            Role::Counsellor => {
                matches!(
                    permission,
                    P::ReadCases
                        | P::SearchByName
                        | P::RecordAssessment
                        | P::TakeSurvey
                        | P::FollowUp
                        | P::ReadCommunity
                )
            }
            Role::MeOfficer => matches!(permission, P::ReadCases | P::TakeSurvey | P::ReadCommunity),
            Role::Partner => permission == P::HandleReferralPackets,
            Role::Outreach => COMMUNITY_WORK.contains(&permission),
        }
    }

    /// Every permission of the role, in the order of [`Permission::ALL`].
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL.iter().copied().filter(|&p| self.may(p)).collect()
    }

    /// Whether the role sees names, dates of birth, contacts and addresses of returnees.
    pub fn sees_identities(self) -> bool {
        !matches!(self, Role::MeOfficer | Role::Partner | Role::Outreach)
    }

    /// Whether the role may be granted sensitive sections (those who see identities; a partner
    /// gets only what a referral packet carries).
    pub fn may_hold_grants(self) -> bool {
        self.sees_identities()
    }
}

/// What a signed-in user is allowed, as the server checks it on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub role: Role,
    /// The office the user works in; `None` sees every office (admins and headquarters staff).
    pub office: Option<String>,
    /// Sensitive sections granted explicitly.
    pub sections: Vec<Section>,
    /// For a partner: the service provider it belongs to.
    pub provider: Option<String>,
    /// May share without consent when life is at risk (an explicit grant, L7328-7330).
    pub emergency_sharing: bool,
}

impl Access {
    pub fn may(&self, permission: Permission) -> bool {
        self.role.may(permission)
    }

    /// Whether a case of `office` is in the user's scope. Outside it a case is "not found", so
    /// its existence is not disclosed.
    pub fn covers_office(&self, office: &str) -> bool {
        self.role != Role::Partner && self.office.as_deref().is_none_or(|mine| mine == office)
    }

    pub fn may_read_section(&self, section: Section) -> bool {
        self.role.may_hold_grants() && self.sections.contains(&section)
    }

    /// Whether the user may refer without consent on the urgent path.
    pub fn may_share_without_consent(&self) -> bool {
        self.role.may_hold_grants() && self.may(Permission::Refer) && self.emergency_sharing
    }

    /// Whether this access reaches no further than `other`: no office `other` does not cover,
    /// no section or emergency grant `other` lacks. An administrator may give only what is
    /// within their own reach.
    pub fn within(&self, other: &Access) -> bool {
        let office = match (&self.office, &other.office) {
            (_, None) => true,
            (Some(mine), Some(theirs)) => mine == theirs,
            (None, Some(_)) => false,
        };
        office
            && self.sections.iter().all(|s| other.sections.contains(s))
            && (!self.emergency_sharing || other.emergency_sharing)
    }
}

named_enum! {
    /// A grant of sensitive sections waiting for a second administrator (four eyes).
    pub enum GrantRequestState {
        Pending = "pending",
        Approved = "approved",
        Refused = "refused",
    }
}

/// Granted sections as written (stored, or typed on the command line): names separated by
/// commas; an unknown name is refused, naming the sections there are.
pub fn parse_sections(text: &str) -> Result<Vec<Section>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Section::from_name(s).ok_or_else(|| {
                let names: Vec<&str> = Section::ALL.iter().map(|s| crate::Named::name(*s)).collect();
                format!("`{s}` is not a section; sections: {}", names.join(", "))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(role: Role, office: Option<&str>, sections: &[Section]) -> Access {
        Access {
            role,
            office: office.map(str::to_string),
            sections: sections.to_vec(),
            provider: None,
            emergency_sharing: false,
        }
    }

    #[test]
    fn a_partner_can_only_handle_its_referral_packets() {
        assert_eq!(Role::Partner.permissions(), [P::HandleReferralPackets]);
        let partner = access(Role::Partner, None, &[Section::Health]);
        assert!(!partner.covers_office("dakar"));
        assert!(!partner.may_read_section(Section::Health), "a grant does not widen a partner's view");
    }

    #[test]
    fn the_me_officer_sees_no_identities_and_cannot_search_by_name() {
        assert!(!Role::MeOfficer.sees_identities());
        assert!(!Role::MeOfficer.may(P::SearchByName));
        assert!(Role::MeOfficer.may(P::TakeSurvey), "the RSS is best taken by someone other than the case manager");
        assert!(!access(Role::MeOfficer, None, &[Section::Health]).may_read_section(Section::Health));
    }

    #[test]
    fn a_counsellor_does_not_plan_refer_pay_or_close() {
        for p in [P::Plan, P::Refer, P::RecordAssistance, P::MoveCase, P::RegisterCase] {
            assert!(!Role::Counsellor.may(p), "{p}");
        }
    }

    #[test]
    fn sensitive_sections_need_an_explicit_grant_even_for_an_admin() {
        let admin = access(Role::Admin, None, &[]);
        assert!(Section::ALL.iter().all(|&s| !admin.may_read_section(s)));
        let nurse = access(Role::CaseManager, Some("dakar"), &[Section::Health]);
        assert!(nurse.may_read_section(Section::Health));
        assert!(!nurse.may_read_section(Section::GbvProtection));
    }

    #[test]
    fn offices_scope_cases_unless_the_user_has_none() {
        let dakar = access(Role::CaseManager, Some("dakar"), &[]);
        assert!(dakar.covers_office("dakar") && !dakar.covers_office("thies"));
        assert!(access(Role::Admin, None, &[]).covers_office("thies"));
    }

    #[test]
    fn only_admins_manage_users_and_read_the_audit_log() {
        for &role in Role::ALL {
            assert_eq!(role.may(P::ManageUsers), role == Role::Admin, "{role}");
            assert_eq!(role.may(P::ReadAudit), role == Role::Admin, "{role}");
        }
    }
}
