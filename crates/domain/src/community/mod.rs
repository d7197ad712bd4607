//! The community level of the integrated approach (handbook Module 3): community profiles and
//! community-based reintegration projects, screened against Table 3.2 before approval, with their
//! participants and ledger. The catalogue of approaches, activities and criteria is data. And
//! the structural level's stakeholder map (handbook Table 4.1, Annex 6).

pub mod catalogue;
pub mod profile;
pub mod project;
pub mod stakeholder;

pub use catalogue::{CriterionKind, ProjectCatalogue};
pub use profile::CommunityProfile;
pub use project::{
    AgeGroup, CriterionAnswer, LedgerKind, LedgerLine, NewParticipant, PROJECT, ParticipantKind, ProjectAction,
    ProjectProposal, ProjectState, SatisfactionAnswer, Screening, check_approval,
};
pub use stakeholder::{Degree, Engagement, Stakeholder, StakeholderCategory, StakeholderLevel, Stance};

#[cfg(test)]
mod tests;
