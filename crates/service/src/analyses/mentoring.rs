//! Seed 002's evaluation of the mentoring approach, built in: the change of each RSS dimension
//! between two rounds for mentored and non-mentored returnees, with the difference in differences
//! and effect sizes of the change analysis, overall and for each country of origin. Each
//! comparison is the change analysis grouped by `mentored` with `no` as the control, so its
//! figures, suppression and audit are that analysis's.

use super::change::{ChangeQuery, ChangeView, change_of};
use super::variables::Surveys;
use crate::Services;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

/// One comparison: a dimension overall, or the composite in one country.
#[derive(Debug)]
pub struct MentoringRow {
    pub measure: &'static str,
    /// The country of origin compared within (none: everyone).
    pub country: Option<String>,
    /// The comparison, or why the data cannot give it (too few, one group only, one round).
    pub outcome: std::result::Result<ChangeView, ServiceError>,
}

/// The dimensions compared overall, the composite last.
const DIMENSIONS: [&str; 4] = ["economic", "social", "psychosocial", "composite"];

/// Every comparison of mentored and non-mentored returnees over the surveys of a period: each
/// dimension overall, then the composite by country of origin. A refusal of the caller (not
/// allowed) is the whole answer's; a comparison the data cannot give carries its reason.
pub async fn mentoring_of(
    state: &Services,
    caller: &Caller,
    surveys: &Surveys,
    from_phase: Option<String>,
    to_phase: Option<String>,
) -> Result<Vec<MentoringRow>> {
    let query = |measure: &str| ChangeQuery {
        measure: measure.to_string(),
        from: surveys.from,
        to: surveys.to,
        from_phase: from_phase.clone(),
        to_phase: to_phase.clone(),
        group: Some("mentored".into()),
        control: Some("no".into()),
        min_cell: None,
        profile: Some(surveys.profile.name.clone()),
    };
    let mut rows = vec![];
    for measure in DIMENSIONS {
        rows.push(MentoringRow {
            measure,
            country: None,
            outcome: settle(change_of(state, caller, surveys, &query(measure)).await)?,
        });
    }
    for country in surveys.values("country_of_origin") {
        let within = surveys.within("country_of_origin", &country);
        let outcome = settle(change_of(state, caller, &within, &query("composite")).await)?;
        rows.push(MentoringRow { measure: "composite", country: Some(country), outcome });
    }
    Ok(rows)
}

/// A refusal of the data (invalid for this query) is kept as the row's outcome; any other error
/// ends the whole answer.
fn settle(r: Result<ChangeView>) -> Result<std::result::Result<ChangeView, ServiceError>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e @ ServiceError::Invalid(..)) => Ok(Err(e)),
        Err(e) => Err(e),
    }
}
