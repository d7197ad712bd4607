//! A community-based reintegration project (handbook 3.2.2-3.5): what it is, its screening
//! against Table 3.2, its lifecycle, its participants and its ledger.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{CriterionKind, ProjectCatalogue};
use crate::lifecycle::{Lifecycle, Transition};
use crate::problem;
use crate::records::Amount;
use crate::returnee::{LONG_TEXT, SHORT_TEXT, Sex};
use crate::validate::{FieldError, Problems};

named_enum! {
    /// Where a project stands. It is screened before anyone approves it; it runs once approved.
    pub enum ProjectState {
        Proposed = "proposed",
        Screened = "screened",
        Approved = "approved",
        Running = "running",
        Completed = "completed",
        Abandoned = "abandoned",
    }
}

named_enum! {
    pub enum ProjectAction {
        /// Records (or records again) the screening against Table 3.2.
        Screen = "screen",
        Approve = "approve",
        Start = "start",
        Complete = "complete",
        Abandon = "abandon",
    }
}

use ProjectAction as A;
use ProjectState as S;

pub const PROJECT: Lifecycle<ProjectState, ProjectAction> = Lifecycle {
    entity: "community project",
    initial: &[S::Proposed],
    transitions: &[
        Transition { action: A::Screen, from: &[S::Proposed, S::Screened], to: S::Screened },
        Transition { action: A::Approve, from: &[S::Screened], to: S::Approved },
        Transition { action: A::Start, from: &[S::Approved], to: S::Running },
        Transition { action: A::Complete, from: &[S::Running], to: S::Completed },
        Transition { action: A::Abandon, from: &[S::Proposed, S::Screened, S::Approved, S::Running], to: S::Abandoned },
    ],
};

/// A project as proposed: what it is, in which community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectProposal {
    pub community_id: String,
    pub title: String,
    /// An approach of the catalogue (Table 3.3): `collective_returnee`, `new_community_project`,
    /// `existing_project`.
    pub approach: String,
    /// A kind of activity of the catalogue (sections 3.3-3.5); it sets the project's dimension.
    pub activity: String,
    pub description: String,
    /// Where it takes place, in the community.
    #[serde(default)]
    pub location: Option<String>,
}

impl ProjectProposal {
    pub fn validate(&self, catalogue: &ProjectCatalogue) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("community_id", &self.community_id, SHORT_TEXT);
        p.text("title", &self.title, SHORT_TEXT);
        p.text("description", &self.description, LONG_TEXT);
        p.optional_text("location", self.location.as_deref(), SHORT_TEXT);
        if catalogue.approach(&self.approach).is_none() {
            let known: Vec<&str> = catalogue.approaches.iter().map(|e| e.id.as_str()).collect();
            p.add("approach", problem!("one_of", "must be one of {values}", values = known.join(", ")));
        }
        if catalogue.activity(&self.activity).is_none() {
            let known: Vec<&str> = catalogue.activities.iter().map(|e| e.id.as_str()).collect();
            p.add("activity", problem!("one_of", "must be one of {values}", values = known.join(", ")));
        }
        p.into_result()
    }
}

/// One criterion of Table 3.2, judged: met or not, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionAnswer {
    pub criterion: String,
    pub met: bool,
    pub reason: String,
}

/// The screening of a project: every criterion of the catalogue judged once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Screening {
    pub answers: Vec<CriterionAnswer>,
}

impl Screening {
    /// Every criterion of `catalogue` answered once, with a reason; no other criterion.
    pub fn validate(&self, catalogue: &ProjectCatalogue) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        for (i, a) in self.answers.iter().enumerate() {
            if catalogue.criterion(&a.criterion).is_none() {
                p.add(
                    format!("answers[{i}].criterion"),
                    problem!("not_a_criterion", "'{criterion}' is not a screening criterion", criterion = a.criterion),
                );
            }
            if self.answers[..i].iter().any(|b| b.criterion == a.criterion) {
                p.add(
                    format!("answers[{i}].criterion"),
                    problem!("listed_twice", "`{value}` is listed twice", value = a.criterion),
                );
            }
            p.text(&format!("answers[{i}].reason"), &a.reason, LONG_TEXT);
        }
        for c in &catalogue.criteria {
            if !self.answers.iter().any(|a| a.criterion == c.id) {
                p.add("answers", problem!("criterion_unanswered", "'{criterion}' is not judged", criterion = c.id));
            }
        }
        p.into_result()
    }

    /// The negative criteria the project meets.
    pub fn negatives_met<'a>(&'a self, catalogue: &ProjectCatalogue) -> Vec<&'a str> {
        self.answers
            .iter()
            .filter(|a| a.met)
            .filter(|a| catalogue.criterion(&a.criterion).and_then(|c| c.kind) == Some(CriterionKind::Negative))
            .map(|a| a.criterion.as_str())
            .collect()
    }

    /// The positive criteria the project meets, of how many.
    pub fn positives(&self, catalogue: &ProjectCatalogue) -> (usize, usize) {
        let positive = |id: &str| catalogue.criterion(id).and_then(|c| c.kind) == Some(CriterionKind::Positive);
        let met = self.answers.iter().filter(|a| a.met && positive(&a.criterion)).count();
        (met, catalogue.criteria.iter().filter(|c| c.kind == Some(CriterionKind::Positive)).count())
    }
}

/// Approving a project that meets a negative criterion needs a justification (handbook Table
/// 3.2: such a project "could do harm", "is not viable", ...), recorded with the approval.
pub fn check_approval(
    screening: Option<&Screening>,
    catalogue: &ProjectCatalogue,
    justification: Option<&str>,
) -> Result<(), Vec<FieldError>> {
    let mut p = Problems::default();
    let Some(screening) = screening else {
        p.add("screening", problem!("screening_required", "screen the project before approving it"));
        return p.into_result();
    };
    let negatives = screening.negatives_met(catalogue);
    let justified = justification.is_some_and(|j| !j.trim().is_empty());
    if !negatives.is_empty() && !justified {
        let problem = problem!(
            "negative_needs_justification",
            "the project meets negative criteria ({criteria}): approving it needs a justification",
            criteria = negatives.join(", ")
        );
        p.add("justification", problem);
    }
    p.optional_text("justification", justification, LONG_TEXT);
    p.into_result()
}

named_enum! {
    /// Age groups of community members, as reports count them.
    pub enum AgeGroup {
        Under18 = "under_18",
        From18To24 = "18_24",
        From25To34 = "25_34",
        From35To49 = "35_49",
        From50 = "50_plus",
    }
}

impl AgeGroup {
    /// An age within the group, to count a member of the community in the age groups the
    /// indicators break returnees down by (the same bounds).
    pub fn representative_age(self) -> u32 {
        match self {
            AgeGroup::Under18 => 17,
            AgeGroup::From18To24 => 21,
            AgeGroup::From25To34 => 30,
            AgeGroup::From35To49 => 42,
            AgeGroup::From50 => 60,
        }
    }
}

named_enum! {
    /// Whether a participant is a returnee (with a case) or a member of the community.
    pub enum ParticipantKind {
        Returnee = "returnee",
        CommunityMember = "community_member",
    }
}

/// Someone who takes part in a project: a returnee by their case, or a member of the community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParticipant {
    pub kind: ParticipantKind,
    /// The returnee's case (for a returnee).
    #[serde(default)]
    pub case_id: Option<String>,
    /// A community member's name (for a community member).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub age_group: Option<AgeGroup>,
    /// Their part in the project (member, leader, trainer, ...).
    pub role: String,
    pub joined_on: NaiveDate,
}

impl NewParticipant {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.text("role", &self.role, SHORT_TEXT);
        p.plausible_date("joined_on", self.joined_on);
        match self.kind {
            ParticipantKind::Returnee => {
                if self.case_id.as_deref().is_none_or(|c| c.trim().is_empty()) {
                    p.add("case_id", problem!("required", "is required"));
                }
                if self.name.is_some() {
                    p.add("name", problem!("returnee_by_case", "a returnee is named by their case, not here"));
                }
            }
            ParticipantKind::CommunityMember => {
                p.text("name", self.name.as_deref().unwrap_or(""), SHORT_TEXT);
                if self.case_id.is_some() {
                    p.add("case_id", problem!("member_has_no_case", "a community member has no case"));
                }
                if self.sex.is_none() {
                    p.add("sex", problem!("required", "is required"));
                }
                if self.age_group.is_none() {
                    p.add("age_group", problem!("required", "is required"));
                }
            }
        }
        p.into_result()
    }
}

named_enum! {
    /// A line of a project's ledger: money planned (the budget) or spent.
    pub enum LedgerKind {
        Planned = "planned",
        Spent = "spent",
    }
}

/// A line of a project's ledger, in exact minor units of its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerLine {
    pub kind: LedgerKind,
    pub date: NaiveDate,
    pub amount: Amount,
    pub description: String,
}

impl LedgerLine {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        self.amount.check(&mut p, "amount");
        p.text("description", &self.description, SHORT_TEXT);
        p.into_result()
    }
}

/// One answer to the participant satisfaction survey, asked 4 to 6 months after a project starts
/// (handbook lines 8930-8975): it feeds the community indicator, the share of community members
/// satisfied with community-based activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionAnswer {
    /// Who answered: a member of the community or a returnee taking part.
    pub respondent: ParticipantKind,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub date: NaiveDate,
    /// Satisfied with the project's activities.
    pub satisfied: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

impl SatisfactionAnswer {
    /// Its own rules, and that it is not before the project started.
    pub fn validate(&self, started_on: Option<NaiveDate>) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.plausible_date("date", self.date);
        p.optional_text("comment", self.comment.as_deref(), LONG_TEXT);
        match started_on {
            None => p.add(
                "date",
                problem!("project_not_started", "the project has not started: its participants are asked once it runs"),
            ),
            Some(start) => p.not_before("date", self.date, "started_on", start),
        }
        p.into_result()
    }
}
