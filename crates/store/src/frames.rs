//! Plain values, as rows are read and written, in the domain's types: states and other closed
//! sets as enums, days as `NaiveDate`, instants as `DateTime<Utc>`. What a column holds as text is
//! converted at the store's edge (`crate::column`), so nothing above compares a state or slices a
//! date as text, and ids as their own types. No SQL here, no behaviour beyond construction.

use chrono::{DateTime, NaiveDate, Utc};
use homeward_domain::access::{Role, Section};
use homeward_domain::case::CaseState;
use homeward_domain::ids::{CaseId, PlanId, ProviderId, RecordId, ReferralId, SurveyId};
use homeward_domain::plan::PlanState;
use homeward_domain::records::RecordKind;
use homeward_domain::referral::ReferralState;
use homeward_domain::returnee::Sex;
use homeward_domain::survey::{InterviewLocation, SurveyPhase};
use homeward_rss::{Band, ProfileStatus, Status};

/// A case as a list or a search shows it: the registration's fields as columns (they are
/// filtered, searched and shown in lists), without the profile and the closure, which are read
/// with the case itself. A page of fifty is read, opened and sent without them, and shows no
/// returnee's contacts, address or documents (need-to-know).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummaryRow {
    pub id: CaseId,
    pub case_number: String,
    pub office: String,
    pub status: CaseState,
    pub case_manager: String,
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    pub date_of_return: NaiveDate,
    pub country_of_origin: String,
    pub schedule: String,
    pub plan_agreed_on: Option<NaiveDate>,
    pub next_follow_up: Option<NaiveDate>,
    pub latest_band: Option<Band>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A case's row: its summary, and the rest of the profile as JSON of its domain type. Reads as
/// its summary (`case.status`), as a case is its summary and more.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub summary: CaseSummaryRow,
    /// JSON of `homeward_domain::returnee::ProfileDetails`.
    pub profile: String,
    /// JSON of `homeward_domain::closure::Closure`.
    pub closure: Option<String>,
    pub created_by: String,
}

impl std::ops::Deref for CaseRow {
    type Target = CaseSummaryRow;

    fn deref(&self) -> &CaseSummaryRow {
        &self.summary
    }
}

impl std::ops::DerefMut for CaseRow {
    fn deref_mut(&mut self) -> &mut CaseSummaryRow {
        &mut self.summary
    }
}

/// A record kept on a case; `data` is JSON of the kind's domain type.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    pub id: RecordId,
    pub case_id: CaseId,
    pub kind: RecordKind,
    pub section: Option<Section>,
    pub record_date: Option<NaiveDate>,
    pub data: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRow {
    pub id: SurveyId,
    pub case_id: CaseId,
    pub phase: SurveyPhase,
    pub survey_date: NaiveDate,
    pub location: InterviewLocation,
    pub interviewer: String,
    pub interviewer_is_case_manager: bool,
    pub consent: String,
    /// JSON object from question id to the cell as given (codes separated by spaces).
    pub answers: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// The result of one survey under one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResultRow {
    pub survey_id: SurveyId,
    pub profile: String,
    pub profile_status: ProfileStatus,
    pub status: Status,
    pub reason: Option<String>,
    pub economic: Option<f64>,
    pub social: Option<f64>,
    pub psychosocial: Option<f64>,
    pub composite: Option<f64>,
    pub economic_band: Option<Band>,
    pub social_band: Option<Band>,
    pub psychosocial_band: Option<Band>,
    pub composite_band: Option<Band>,
    pub dk_dwa_count: i64,
    pub low_accuracy: bool,
    pub scored_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub id: PlanId,
    pub case_id: CaseId,
    pub plan_version: i64,
    pub state: PlanState,
    /// JSON of `homeward_domain::plan_document::PlanContent`.
    pub content: String,
    /// JSON of the baseline scores copied from the case's baseline survey.
    pub baseline: Option<String>,
    /// JSON of `homeward_domain::plan_document::Attestation`.
    pub attestation: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRow {
    pub id: ProviderId,
    pub organisation: String,
    pub country: String,
    pub place: String,
    /// JSON of `homeward_domain::provider::ServiceProvider`.
    pub data: String,
    pub last_verified: NaiveDate,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub id: ReferralId,
    pub case_id: CaseId,
    pub provider_id: ProviderId,
    pub state: ReferralState,
    /// JSON of `homeward_domain::referral::ReferralRequest`.
    pub request: String,
    /// JSON of the packet as sent, frozen when sent.
    pub packet: Option<String>,
    /// JSON list of the steps taken.
    pub history: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub username: String,
    pub role: Role,
    pub office: Option<String>,
    pub provider_id: Option<ProviderId>,
    /// Granted sensitive sections.
    pub sections: Vec<Section>,
    pub language: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// May share data without consent when life is at risk (an explicit grant).
    pub emergency_sharing: bool,
}

/// A grant of sensitive sections or of emergency sharing that a second administrator decides.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantRequestRow {
    pub id: String,
    pub username: String,
    pub sections: Vec<Section>,
    pub emergency_sharing: bool,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub state: homeward_domain::access::GrantRequestState,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// An import that stored: who, when, from where, and what became of its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `kobo`, `odk_central`, `openrosa`.
    pub source: String,
    pub file_name: Option<String>,
    pub created: i64,
    pub already_imported: i64,
    pub changed: i64,
    pub refused: i64,
}

/// A row of an import that was not simply stored (or was, with a note), with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    pub import_id: String,
    pub row: i64,
    /// `refused`, `changed_resubmission`, `already_imported` or `created` (with a note).
    pub outcome: String,
    pub instance_id: Option<String>,
    pub case_number: Option<String>,
    /// The case the number named, when it is one the importer may see.
    pub case_id: Option<String>,
    pub column: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// A file uploaded in the web app, waiting between its preview and its import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub id: String,
    pub actor: String,
    pub file_name: String,
    pub content: Vec<u8>,
    pub uploaded_at: DateTime<Utc>,
}

/// Where a submission from the field came from and what it held, kept by its instance id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRow {
    pub instance_id: String,
    pub survey_id: String,
    /// `kobo`, `odk_central`.
    pub source: String,
    pub content_hash: String,
    pub device: Option<String>,
    pub enumerator: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub submitted_at: Option<String>,
    pub imported_by: String,
}

/// A community and its profile.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityRow {
    pub id: homeward_domain::ids::CommunityId,
    pub office: String,
    pub name: String,
    pub country: String,
    /// JSON of `homeward_domain::community::CommunityProfile`.
    pub profile: String,
    pub assessed_on: NaiveDate,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A community-based reintegration project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    pub id: homeward_domain::ids::ProjectId,
    pub community_id: homeward_domain::ids::CommunityId,
    pub office: String,
    pub title: String,
    pub approach: String,
    pub activity: String,
    pub dimension: homeward_domain::feasibility::Dimension,
    pub state: homeward_domain::community::ProjectState,
    /// JSON of `homeward_domain::community::ProjectProposal`.
    pub proposal: String,
    /// JSON of `homeward_domain::community::Screening`, once screened.
    pub screening: Option<String>,
    /// Why it was approved although it meets a negative criterion.
    pub justification: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// Someone taking part in a project.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantRow {
    pub id: String,
    pub project_id: homeward_domain::ids::ProjectId,
    pub kind: homeward_domain::community::ParticipantKind,
    pub case_id: Option<CaseId>,
    /// JSON of `homeward_domain::community::NewParticipant`.
    pub participant: String,
    pub joined_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// A line of a project's ledger, in minor units of its currency.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub id: String,
    pub project_id: homeward_domain::ids::ProjectId,
    pub kind: homeward_domain::community::LedgerKind,
    pub date: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// An answer to a project's participant satisfaction survey.
#[derive(Debug, Clone, PartialEq)]
pub struct SatisfactionRow {
    pub id: String,
    pub project_id: homeward_domain::ids::ProjectId,
    pub respondent: homeward_domain::community::ParticipantKind,
    pub sex: Sex,
    pub age_group: homeward_domain::community::AgeGroup,
    pub answered_on: NaiveDate,
    pub satisfied: bool,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// A stakeholder of an office's map.
#[derive(Debug, Clone, PartialEq)]
pub struct StakeholderRow {
    pub id: homeward_domain::ids::StakeholderId,
    pub office: String,
    pub name: String,
    pub category: homeward_domain::community::StakeholderCategory,
    pub interest: homeward_domain::community::Degree,
    pub influence: homeward_domain::community::Degree,
    pub stance: homeward_domain::community::Stance,
    /// JSON of `homeward_domain::community::Stakeholder`.
    pub stakeholder: String,
    pub mapped_on: NaiveDate,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A coordination agreement's row: what lists filter by as columns, the rest as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementRow {
    pub id: homeward_domain::ids::AgreementId,
    pub office: String,
    pub kind: homeward_domain::structures::AgreementKind,
    pub title: String,
    pub provider_id: Option<String>,
    pub responsible: String,
    pub signed_on: Option<NaiveDate>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// JSON of `homeward_domain::structures::Agreement`.
    pub agreement: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A capacity-building activity's row.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub id: homeward_domain::ids::ActivityId,
    pub office: String,
    pub title: String,
    pub support: String,
    pub held_on: NaiveDate,
    /// JSON of `homeward_domain::structures::CapacityActivity`.
    pub activity: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A stakeholder's answers to an activity's questionnaire, before or after.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub activity_id: String,
    pub stakeholder_id: String,
    pub moment: homeward_domain::structures::Moment,
    pub answered_on: NaiveDate,
    /// The indicator question's answer (after the activity only).
    pub more_engaged: Option<bool>,
    /// JSON of `homeward_domain::structures::Questionnaire`.
    pub questionnaire: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A post-activity answer to the indicator question with the activity's type of support: what
/// the structural indicator counts.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRow {
    pub stakeholder_id: String,
    pub support: String,
    pub answered_on: NaiveDate,
    pub more_engaged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MentorRow {
    pub id: homeward_domain::ids::MentorId,
    pub office: String,
    pub name: String,
    pub active: bool,
    /// JSON of `homeward_domain::mentoring::Mentor`.
    pub mentor: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MentorshipRow {
    pub id: homeward_domain::ids::MentorshipId,
    pub case_id: CaseId,
    pub mentor_id: String,
    pub office: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// The returnee's baseline RSS composite score when selected, and whether it gave priority.
    pub baseline: Option<f64>,
    pub priority: bool,
    /// JSON of the selection: `Vec<homeward_domain::mentoring::SelectionAnswer>`.
    pub selection: String,
    pub end_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: String,
    pub mentorship_id: String,
    pub case_id: CaseId,
    pub held_on: NaiveDate,
    pub notes: String,
    pub psychosocial: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A document kept with a case or one of its records; its content is kept apart (in
/// `document_contents` or a directory, as `storage` says).
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    pub id: homeward_domain::ids::DocumentId,
    pub case_id: CaseId,
    /// The record it belongs to; none when it belongs to the case itself.
    pub record_id: Option<RecordId>,
    pub kind: homeward_domain::document::DocumentKind,
    /// The section a reader must be granted (the record's, or the one chosen for the case's own
    /// documents).
    pub section: Option<Section>,
    pub file_name: String,
    pub file_type: homeward_domain::document::FileType,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex: checked when it is read back.
    pub sha256: String,
    pub storage: homeward_domain::document::Storage,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// Who removed it, when and why; its content is gone.
    pub removed: Option<Removal>,
}

/// A document's removal.
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// An office as kept. `country` is empty for an office named before offices were records, until
/// an administrator completes it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeRow {
    pub name: String,
    pub country: String,
    pub role: homeward_domain::office::OfficeRole,
    pub languages: Vec<String>,
    pub contact: String,
    /// The partner installation the office belongs to; none for this installation's own.
    pub installation: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A handover as kept; `packet` is the JSON of `homeward_domain::handover::HandoverPacket`.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoverRow {
    pub id: String,
    /// The case; none for a handover received from a partner installation until it is accepted.
    pub case_id: Option<CaseId>,
    pub case_number: String,
    pub from_office: String,
    pub to_office: String,
    pub state: homeward_domain::handover::HandoverState,
    pub packet: String,
    pub decision_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    /// The partner installation it goes to or came from.
    pub remote_installation: Option<String>,
    /// For one received: its id at the sending installation.
    pub remote_id: Option<String>,
}
