//! A Reintegration Sustainability Survey taken in a case (docs/domain.md 2.8): when, where, by whom,
//! the answers as codebook codes, and the results of every scoring profile applied to them.
//! Scoring again under another profile adds a result; no result is ever overwritten.

use chrono::NaiveDate;
use homeward_rss::{Band, Outcome, ProfileStatus, Scorer, Status, Survey};

named_enum! {
    /// When in the case the survey is taken (handbook lines 2475-2477, 9148-9156).
    pub enum SurveyPhase {
        Baseline = "baseline",
        Intermediate = "intermediate",
        Final = "final",
        AdHoc = "ad_hoc",
    }
}

named_enum! {
    /// Where the interview took place (line 13131).
    pub enum InterviewLocation {
        Office = "office",
        Phone = "phone",
        OnSite = "on_site",
    }
}

/// The scores of one survey under one profile, kept with the profile's name and status.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResult {
    pub profile: String,
    pub profile_status: ProfileStatus,
    pub status: Status,
    /// Why the survey is invalid or discarded, naming the question and the value.
    pub reason: Option<String>,
    /// Dimension scores in the instrument's order (economic, social, psychosocial).
    pub dimensions: Vec<Option<f64>>,
    pub composite: Option<f64>,
    pub dimension_bands: Vec<Option<Band>>,
    pub composite_band: Option<Band>,
    pub dk_dwa_count: u32,
    pub low_accuracy: bool,
}

impl SurveyResult {
    fn from_outcome(scorer: &Scorer, outcome: Outcome) -> SurveyResult {
        let profile = scorer.profile();
        SurveyResult {
            profile: profile.name.clone(),
            profile_status: profile.status,
            status: outcome.status,
            reason: outcome.reason.map(|r| r.to_string()),
            dimensions: outcome.dimensions,
            composite: outcome.composite,
            dimension_bands: outcome.dimension_bands,
            composite_band: outcome.composite_band,
            dk_dwa_count: outcome.dk_dwa_count,
            low_accuracy: outcome.low_accuracy,
        }
    }
}

/// One survey of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyInstance {
    pub phase: SurveyPhase,
    pub date: NaiveDate,
    pub location: InterviewLocation,
    pub interviewer: String,
    /// The handbook advises an interviewer who is not the returnee's case manager (line 13009):
    /// recorded, so reports can show how often that held.
    pub interviewer_is_case_manager: bool,
    /// Consent and answers exactly as given (codes; several codes separated by spaces).
    pub answers: Survey,
    results: Vec<SurveyResult>,
}

impl SurveyInstance {
    /// A survey as taken, scored at once with `scorer`. Invalid and discarded surveys are kept
    /// too, with the reason: an attempt stays on the case's record.
    pub fn record(
        phase: SurveyPhase,
        date: NaiveDate,
        location: InterviewLocation,
        interviewer: &str,
        interviewer_is_case_manager: bool,
        answers: Survey,
        scorer: &Scorer,
    ) -> SurveyInstance {
        let mut instance = SurveyInstance {
            phase,
            date,
            location,
            interviewer: interviewer.trim().to_string(),
            interviewer_is_case_manager,
            answers,
            results: Vec::new(),
        };
        instance.score_with(scorer);
        instance
    }

    /// Scores the answers under `scorer`'s profile and adds the result, unless that profile has
    /// scored them already (the same profile gives the same result). Returns that profile's result.
    pub fn score_with(&mut self, scorer: &Scorer) -> &SurveyResult {
        let name = &scorer.profile().name;
        let at = match self.results.iter().position(|r| &r.profile == name) {
            Some(at) => at,
            None => {
                let outcome = scorer.score(&self.answers);
                self.results.push(SurveyResult::from_outcome(scorer, outcome));
                self.results.len() - 1
            }
        };
        &self.results[at]
    }

    /// Every result, oldest first.
    pub fn results(&self) -> &[SurveyResult] {
        &self.results
    }

    /// The result under the named profile.
    pub fn result(&self, profile: &str) -> Option<&SurveyResult> {
        self.results.iter().find(|r| r.profile == profile)
    }
}

#[cfg(test)]
mod tests;
