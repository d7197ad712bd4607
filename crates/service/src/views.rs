//! What the API answers with. Built from stored rows and the caller's access: the same case
//! reads with names for a case manager and pseudonymised for an M&E officer.

use chrono::NaiveDate;
use homeward_domain::Named;
use homeward_domain::case::{CASE, CaseAction, CaseState};
use homeward_domain::closure::Closure;
use homeward_domain::returnee::{ProfileDetails, Sex, age_on};
use homeward_domain::survey::{InterviewLocation, SurveyPhase};
use homeward_rss::{Band, ProfileStatus, Status};
use homeward_store::column::instant_text;
use homeward_store::frames::{CaseRow, CaseSummaryRow, RecordRow, SurveyResultRow, SurveyRow};
use homeward_store::query::cases::MergeLink;
use homeward_store::{StoreError, from_json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use homeward_domain::timing::TimingRules;

/// What a view shows in place of a fact that would reveal a section the caller lacks.
pub const RESTRICTED: &str = "restricted";

/// A case as the caller may see it: its summary (as lists show it), with the profile and the
/// closure. Names, date of birth, address, community and contacts are left out for roles that
/// see pseudonymised data only.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub profile: ProfileDetails,
    pub closure: Option<Closure>,
    /// The case this one was merged into (the same person registered twice): it holds the
    /// records now. Only in a single case's read.
    pub merged_into: Option<CaseLink>,
    /// The cases merged into this one. Only in a single case's read.
    pub merged_from: Vec<CaseLink>,
}

/// A case read is its summary and more: `view.case_number` reads the summary's.
impl std::ops::Deref for CaseView {
    type Target = CaseSummary;

    fn deref(&self) -> &CaseSummary {
        &self.summary
    }
}

/// Another case, named by its id and number.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLink {
    pub case_id: String,
    pub case_number: String,
}

impl CaseView {
    pub fn new(row: &CaseRow, caller: &Caller, timing: &TimingRules) -> Result<CaseView, StoreError> {
        let profile: ProfileDetails = from_json("case profile", &row.profile)?;
        let identities = caller.access.role.sees_identities();
        let profile = if identities { profile } else { pseudonymised_profile(&profile) };
        let closure: Option<Closure> = row.closure.as_deref().map(|c| from_json("closure", c)).transpose()?;
        let closure = if identities { closure } else { closure.as_ref().map(pseudonymised_closure) };
        Ok(CaseView {
            summary: CaseSummary::new(&row.summary, caller, timing),
            profile,
            closure,
            merged_into: None,
            merged_from: Vec::new(),
        })
    }

    /// The view with the case's merges (`homeward_store::query::cases::merges`).
    pub fn with_merges(mut self, (into, from): (Option<MergeLink>, Vec<MergeLink>)) -> CaseView {
        let link = |l: MergeLink| CaseLink { case_id: l.case_id, case_number: l.case_number };
        self.merged_into = into.map(link);
        self.merged_from = from.into_iter().map(link).collect();
        self
    }

    /// Whether the case can be changed: not closed or archived (reopen it first).
    pub fn is_open(&self) -> bool {
        !matches!(self.summary.status, CaseState::Closed | CaseState::Archived)
    }

    /// The fields a view carries, for the audit log.
    pub fn audited_fields(caller: &Caller) -> &'static [&'static str] {
        if caller.access.role.sees_identities() {
            &["case_number", "names", "date_of_birth", "sex", "return", "profile", "status", "closure"]
        } else {
            &["case_number", "sex", "age_at_return", "return", "profile_pseudonymised", "status"]
        }
    }
}

/// The name of a case's follow-up schedule, or [`RESTRICTED`] when it would reveal a section the
/// caller is not granted (the trafficking schedule).
fn shown_schedule(schedule: &str, caller: &Caller, timing: &TimingRules) -> String {
    match timing.reveals(schedule) {
        Some(section) if !caller.access.may_read_section(section) => RESTRICTED.to_string(),
        _ => schedule.to_string(),
    }
}

/// A case as a list or a search shows it: what a caseload needs to find and sort the work,
/// without the profile (contacts, address, documents) and the closure, which are read with the
/// case. Names and date of birth are left out for roles that see pseudonymised data only.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: String,
    /// The human case number, e.g. `HW-2026-000042`.
    pub case_number: String,
    pub office: String,
    pub status: CaseState,
    /// What the case can do next.
    pub allowed_actions: Vec<CaseAction>,
    pub case_manager: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Sex,
    pub age_at_return: u32,
    pub date_of_return: NaiveDate,
    pub country_of_origin: String,
    /// The follow-up schedule; `restricted` as in a case's read.
    pub schedule: String,
    pub plan_agreed_on: Option<NaiveDate>,
    /// When the next follow-up visit is due.
    pub next_follow_up: Option<NaiveDate>,
    /// Intensity band of the latest scored survey (`intensive`, `standard`, `light`).
    #[schema(value_type = Option<String>)]
    pub latest_band: Option<Band>,
    /// Send it back with an update (optimistic concurrency).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl CaseSummary {
    pub fn new(row: &CaseSummaryRow, caller: &Caller, timing: &TimingRules) -> CaseSummary {
        let identities = caller.access.role.sees_identities();
        CaseSummary {
            id: row.id.to_string(),
            case_number: row.case_number.clone(),
            office: row.office.clone(),
            status: row.status,
            allowed_actions: CASE.allowed(row.status),
            case_manager: row.case_manager.clone(),
            given_name: identities.then(|| row.given_name.clone()),
            family_name: identities.then(|| row.family_name.clone()),
            date_of_birth: identities.then_some(row.date_of_birth),
            sex: row.sex,
            age_at_return: age_on(row.date_of_birth, row.date_of_return),
            date_of_return: row.date_of_return,
            country_of_origin: row.country_of_origin.clone(),
            schedule: shown_schedule(&row.schedule, caller, timing),
            plan_agreed_on: row.plan_agreed_on,
            next_follow_up: row.next_follow_up,
            latest_band: row.latest_band,
            version: row.version,
            created_at: instant_text(&row.created_at),
            updated_at: instant_text(&row.updated_at),
        }
    }

    /// The fields a summary carries, for the audit log: a page of cases is audited as showing
    /// these, not the profile.
    pub fn audited_fields(caller: &Caller) -> &'static [&'static str] {
        if caller.access.role.sees_identities() {
            &["case_number", "names", "date_of_birth", "sex", "return", "status"]
        } else {
            &["case_number", "sex", "age_at_return", "return", "status"]
        }
    }
}

/// The profile as a pseudonymised view shows it: an allow-list of coded fields, copied one by
/// one. No free text (people type names and phone numbers into it), and a field added to the
/// profile later stays out until someone adds it here.
pub fn pseudonymised_profile(p: &ProfileDetails) -> ProfileDetails {
    ProfileDetails {
        host_country: p.host_country,
        return_assistance: p.return_assistance,
        return_type: p.return_type,
        years_abroad: p.years_abroad,
        province: p.province.clone(),
        returned_to_community_of_origin: p.returned_to_community_of_origin,
        interpreter_needed: p.interpreter_needed,
        preferred_staff_gender: p.preferred_staff_gender,
        pre_departure_information: p.pre_departure_information,
        in_vulnerable_situation: p.in_vulnerable_situation,
        family_counselling_requested: p.family_counselling_requested,
        ..ProfileDetails::default()
    }
}

/// The closure as a pseudonymised view shows it: its coded facts, none of its free text.
pub fn pseudonymised_closure(c: &Closure) -> Closure {
    Closure {
        date: c.date,
        reason: c.reason,
        choice: c.choice,
        timing: c.timing,
        plan_reviewed: c.plan_reviewed,
        unmet_needs: None,
        exit_interview: None,
        onward_referrals: vec![],
        death: c
            .death
            .as_ref()
            .map(|d| homeward_domain::closure::DeathRecord { investigation_request: None, ..d.clone() }),
    }
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    /// The cases as a list shows them: read one for its profile and closure.
    pub items: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A record kept on a case, with its bookkeeping.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView<T> {
    pub id: String,
    pub case_id: String,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub data: T,
}

impl<T: serde::de::DeserializeOwned> RecordView<T> {
    pub fn new(row: &RecordRow) -> Result<RecordView<T>, StoreError> {
        Ok(RecordView {
            id: row.id.to_string(),
            case_id: row.case_id.to_string(),
            version: row.version,
            created_at: instant_text(&row.created_at),
            created_by: row.created_by.clone(),
            updated_at: instant_text(&row.updated_at),
            data: from_json(row.kind.name(), &row.data)?,
        })
    }
}

/// A survey's status and scores under one profile: the columns of the batch output.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyScores {
    /// `scored`, `discarded` or `invalid`.
    #[schema(value_type = String)]
    pub status: Status,
    /// Why the survey is discarded or invalid, naming the question and the value.
    pub reason: Option<String>,
    pub economic: Option<f64>,
    pub social: Option<f64>,
    pub psychosocial: Option<f64>,
    pub composite: Option<f64>,
    #[schema(value_type = Option<String>)]
    pub economic_band: Option<Band>,
    #[schema(value_type = Option<String>)]
    pub social_band: Option<Band>,
    #[schema(value_type = Option<String>)]
    pub psychosocial_band: Option<Band>,
    #[schema(value_type = Option<String>)]
    pub composite_band: Option<Band>,
    pub dk_dwa_count: Option<i64>,
    pub low_accuracy: bool,
    /// The scoring profile that produced these scores.
    pub profile: String,
    /// `provisional` scores are Homeward's assumptions, NOT IOM's official scoring.
    #[schema(value_type = String)]
    pub profile_status: ProfileStatus,
}

impl From<&SurveyResultRow> for SurveyScores {
    fn from(r: &SurveyResultRow) -> SurveyScores {
        let scored = r.status == Status::Scored;
        SurveyScores {
            status: r.status,
            reason: r.reason.clone(),
            economic: r.economic,
            social: r.social,
            psychosocial: r.psychosocial,
            composite: r.composite,
            economic_band: r.economic_band,
            social_band: r.social_band,
            psychosocial_band: r.psychosocial_band,
            composite_band: r.composite_band,
            dk_dwa_count: scored.then_some(r.dk_dwa_count),
            low_accuracy: r.low_accuracy,
            profile: r.profile.clone(),
            profile_status: r.profile_status,
        }
    }
}

/// A survey taken in a case, with its result under every profile applied so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyView {
    pub id: String,
    pub case_id: String,
    pub phase: SurveyPhase,
    pub date: NaiveDate,
    pub location: InterviewLocation,
    pub interviewer: String,
    pub interviewer_is_case_manager: bool,
    pub consent: String,
    /// Question id to the answer as given.
    pub answers: std::collections::BTreeMap<String, String>,
    /// The result under the server's current profile, flattened: the batch output's columns.
    #[serde(flatten)]
    pub scores: SurveyScores,
    /// Every result, oldest first (re-scoring under another profile adds one).
    pub results: Vec<SurveyScores>,
    pub created_at: String,
    pub created_by: String,
}

impl SurveyView {
    pub fn new(row: &SurveyRow, results: &[SurveyResultRow], profile: &str) -> Result<SurveyView, StoreError> {
        let all: Vec<SurveyScores> = results.iter().map(SurveyScores::from).collect();
        let current = results
            .iter()
            .find(|r| r.profile == profile)
            .or(results.last())
            .map(SurveyScores::from)
            .ok_or_else(|| StoreError::Corrupt(format!("survey {} has no result", row.id)))?;
        Ok(SurveyView {
            id: row.id.to_string(),
            case_id: row.case_id.to_string(),
            phase: row.phase,
            date: row.survey_date,
            location: row.location,
            interviewer: row.interviewer.clone(),
            interviewer_is_case_manager: row.interviewer_is_case_manager,
            consent: row.consent.clone(),
            answers: from_json("survey answers", &row.answers)?,
            scores: current,
            results: all,
            created_at: instant_text(&row.created_at),
            created_by: row.created_by.clone(),
        })
    }
}
