//! RSS surveys taken in a case: scored when recorded, with the same status and score fields as
//! the batch output and the profile that produced them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use homeward_domain::access::Permission;
use homeward_domain::ids::{CaseId, SurveyId};
use homeward_domain::problem;
use homeward_domain::survey::{InterviewLocation, SurveyPhase};
use homeward_domain::validate::{FieldError, Problem};
use homeward_rss::{Status, Survey};
use homeward_store::frames::{SurveyResultRow, SurveyRow};
use homeward_store::query::surveys;
use homeward_store::{Tx, audit as store_audit, new_id, now, to_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::case_in_scope;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdempotencyKey;
use crate::views::SurveyView;

/// One answer: a code, or several codes for a multiple-choice question.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

/// A survey as taken.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    pub phase: SurveyPhase,
    pub date: NaiveDate,
    /// The consent answer: `yes` to be scored; anything else keeps the attempt as discarded.
    pub consent: String,
    /// Question id (`Q1`..`Q32`, not `Q21`, which is derived) to the answer's code(s) from the
    /// codebook.
    pub answers: BTreeMap<String, Answer>,
    /// Default `office`.
    #[serde(default)]
    pub location: Option<InterviewLocation>,
    /// Default: the user recording the survey.
    #[serde(default)]
    pub interviewer: Option<String>,
}

/// Records and scores a survey. 201 for a `scored` or `discarded` survey (a discarded attempt
/// stays on the case's record, without scores); 422 for an `invalid` one, naming the question
/// and the value, and nothing is stored.
pub async fn take(state: &Services, caller: &Caller, case_id: &str, request: SurveyRequest) -> Result<SurveyView> {
    take_once(state, caller, case_id, request, None).await
}

/// [`take`], once per idempotency `key`: the same submission again answers the survey stored
/// the first time.
pub async fn take_once(
    state: &Services,
    caller: &Caller,
    case_id: &str,
    request: SurveyRequest,
    key: Option<IdempotencyKey>,
) -> Result<SurveyView> {
    caller.require(Permission::TakeSurvey)?;
    let survey = read_answers(state, &request)?;
    let mut problems = homeward_domain::validate::Problems::default();
    problems.plausible_date("date", request.date);
    let interviewer = request.interviewer.clone().unwrap_or_else(|| caller.username.clone());
    problems.text("interviewer", &interviewer, homeward_domain::returnee::SHORT_TEXT);
    problems.optional_text("consent", Some(&request.consent), 100);
    problems.into_result().map_err(ServiceError::invalid)?;

    let outcome = state.scorer.score(&survey);
    if outcome.status == Status::Invalid {
        let Some(reason) = outcome.reason.as_ref() else {
            return Err(ServiceError::field("answers", "invalid"));
        };
        let field = match reason.field() {
            Some("consent") => "consent".to_string(),
            Some(q) => format!("answers.{q}"),
            None => "answers".into(),
        };
        // The scorer's reason, with its stable code (the batch output's) and its parameters.
        let problem = Problem {
            code: reason.kind(),
            params: reason.params().into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            message: reason.to_string(),
        };
        // The summary is the reason itself, which already names its question.
        return Err(ServiceError::Invalid(problem.message.clone(), vec![FieldError::of(field, problem)]));
    }
    let mut tx = state.store.begin().await?;
    let case = crate::case_to_change(&mut tx, caller, case_id).await?;
    if let Some(id) = crate::idempotency::earlier(&mut tx, caller, key.as_ref(), "survey").await? {
        drop(tx);
        return read(state, caller, case_id, &id).await;
    }
    let at = now();
    let answers: BTreeMap<String, String> = request.answers.iter().map(|(q, a)| (q.clone(), cell(a))).collect();
    let row = SurveyRow {
        id: SurveyId::new(new_id()),
        case_id: CaseId::new(case_id),
        phase: request.phase,
        survey_date: request.date,
        location: request.location.unwrap_or(InterviewLocation::Office),
        interviewer_is_case_manager: interviewer == case.case_manager,
        interviewer,
        consent: request.consent.trim().to_string(),
        answers: to_json(&answers),
        created_at: at,
        created_by: caller.username.clone(),
    };
    let result = result_row(state.scorer.profile(), &row.id, &outcome, at);
    let entries = store(&mut tx, caller, std::slice::from_ref(&row), std::slice::from_ref(&result), "create").await?;
    surveys::refresh_bands(&mut tx, &[case.id.as_str()], &state.scorer.profile().name).await?;
    crate::idempotency::remember(&mut tx, caller, key.as_ref(), "survey", &row.id).await?;
    store_audit::append(&mut tx, &state.audit_key, &entries).await?;
    homeward_store::commit(tx).await?;
    Ok(SurveyView::new(&row, &[result], &state.scorer.profile().name)?)
}

/// A survey's result under `profile` (the server's, or one it is rescored under), as stored.
pub(crate) fn result_row(
    profile: &homeward_rss::Profile,
    survey_id: &SurveyId,
    outcome: &homeward_rss::Outcome,
    at: chrono::DateTime<chrono::Utc>,
) -> SurveyResultRow {
    let dim = |i: usize| outcome.dimensions.get(i).copied().flatten();
    let dim_band = |i: usize| outcome.dimension_bands.get(i).copied().flatten();
    SurveyResultRow {
        survey_id: survey_id.clone(),
        profile: profile.name.clone(),
        profile_status: profile.status,
        status: outcome.status,
        reason: outcome.reason.as_ref().map(|r| r.to_string()),
        economic: dim(0),
        social: dim(1),
        psychosocial: dim(2),
        composite: outcome.composite,
        economic_band: dim_band(0),
        social_band: dim_band(1),
        psychosocial_band: dim_band(2),
        composite_band: outcome.composite_band,
        dk_dwa_count: i64::from(outcome.dk_dwa_count),
        low_accuracy: outcome.low_accuracy,
        scored_at: at,
    }
}

/// Stores surveys and their results in `tx`, many rows per statement, and gives their audit
/// entries as `action` (`create`, `import`). The caller then sets the cases' bands
/// (`query::surveys::refresh_bands`), once however many surveys it stored, and appends the
/// entries last (see `homeward_store::audit::append`).
pub(crate) async fn store(
    tx: &mut Tx,
    caller: &Caller,
    rows: &[SurveyRow],
    results: &[SurveyResultRow],
    action: &str,
) -> Result<Vec<store_audit::Entry>> {
    surveys::insert_many(tx, rows).await?;
    surveys::insert_results(tx, results).await?;
    Ok(rows.iter().map(|r| entry(caller, action, "survey", &r.id, Some(&r.case_id), &["answers", "scores"])).collect())
}

/// The answers as the scorer reads them; unknown question ids and malformed lists are refused
/// naming the question.
fn read_answers(state: &Services, request: &SurveyRequest) -> Result<Survey> {
    let instrument = state.scorer.instrument();
    let mut problems = Vec::new();
    for (q, a) in &request.answers {
        if instrument.question_index(q).is_none() {
            let problem = problem!("not_a_question", "'{question}' is not a question of the RSS", question = q);
            problems.push(FieldError::of(format!("answers.{q}"), problem));
        }
        if let Answer::Many(codes) = a
            && codes.iter().any(|c| c.split_whitespace().count() != 1)
        {
            let problem = problem!("one_code_per_element", "give one code per list element");
            problems.push(FieldError::of(format!("answers.{q}"), problem));
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::invalid(problems));
    }
    let cells: Vec<(&str, String)> = request.answers.iter().map(|(q, a)| (q.as_str(), cell(a))).collect();
    Survey::from_pairs(instrument, request.consent.trim(), cells.iter().map(|(q, c)| (*q, c.as_str()))).map_err(|q| {
        let problem = problem!("not_a_question", "'{question}' is not a question of the RSS", question = q);
        ServiceError::problem(&format!("answers.{q}"), problem)
    })
}

/// An answer as one cell: several codes separated by spaces, as in the batch files.
fn cell(answer: &Answer) -> String {
    match answer {
        Answer::One(code) => code.clone(),
        Answer::Many(codes) => codes.join(" "),
    }
}

/// The case's surveys by date, each with its results: compare them to see progress.
pub async fn list(state: &Services, caller: &Caller, case_id: &str) -> Result<Vec<SurveyView>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let all = surveys::of_case(&mut conn, case_id).await?;
    drop(conn);
    let profile = &state.scorer.profile().name;
    let views = all.iter().map(|(s, r)| SurveyView::new(s, r, profile)).collect::<Result<Vec<_>, _>>()?;
    let entries = all
        .iter()
        .map(|(s, _)| entry(caller, "read", "survey", &s.id, Some(case_id), &["answers", "scores"]))
        .collect();
    state.reads.record(entries).await?;
    Ok(views)
}

pub async fn read(state: &Services, caller: &Caller, case_id: &str, survey_id: &str) -> Result<SurveyView> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    case_in_scope(&mut conn, caller, case_id).await?;
    let (s, results) = surveys::get(&mut conn, case_id, survey_id).await?.ok_or(ServiceError::NotFound)?;
    drop(conn);
    let view = SurveyView::new(&s, &results, &state.scorer.profile().name)?;
    state.reads.record(vec![entry(caller, "read", "survey", survey_id, Some(case_id), &["answers", "scores"])]).await?;
    Ok(view)
}
