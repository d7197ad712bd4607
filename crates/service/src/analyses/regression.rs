//! Least squares of a score on the returnees' attributes, on the database (seed 002, Annex 3:
//! each score on age, sex, time since return, country and programme type).
//!
//! One row per returnee: their latest scored survey of the period (of one round, when asked), so
//! nobody weighs twice and the standard errors mean what they say. A categorical level shared by
//! fewer people than the minimum cell is refused: its coefficient would describe those few.

use chrono::NaiveDate;
use homeward_analytics::formula::{Design, Formula, FormulaError, parse_references};
use homeward_analytics::frame::Column;
use homeward_analytics::ols::{self, Covariance, Fit, OlsError};
use homeward_domain::problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::suppression_rule;
use super::variables::{self, GROUPS, MEASURES, NUMBERS, Surveys};
use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegressionQuery {
    /// `score ~ term + term`: the score is composite, economic, social or psychosocial; terms are
    /// the numeric age, years_abroad, months_since_return, or any grouping of the summaries.
    pub formula: String,
    /// Reference levels, `term=level,term=level` (default: each term's first level, sorted).
    pub reference: Option<String>,
    /// `hc1` for heteroskedasticity-robust standard errors (default: classical).
    pub robust: Option<String>,
    /// Surveys dated from (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Surveys dated to, included.
    pub to: NaiveDate,
    /// Only surveys of this round (default: each returnee's latest survey of any round).
    pub phase: Option<String>,
    /// The fewest returnees a model, and each level of its categorical terms, may rest on
    /// (default 5).
    pub min_cell: Option<u32>,
    /// The scoring profile whose results are analysed (default: the one in force; the bundled
    /// provisional one may be chosen too).
    pub profile: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegressionView {
    pub formula: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub phase: Option<String>,
    /// n, df_resid, r_squared, adj_r_squared, sigma, f_statistic, f_p_value, covariance, and the
    /// coefficients with term, estimate, std_error, t_value, p_value, conf_low, conf_high.
    #[schema(value_type = Object)]
    pub model: Fit,
    pub profile: String,
    #[schema(value_type = String)]
    pub profile_status: homeward_rss::ProfileStatus,
    pub min_cell: u32,
    pub suppression: String,
}

/// The formula's or the references' refusal, with its code and parameters.
fn formula_refusal(e: FormulaError) -> ServiceError {
    match e {
        FormulaError::Shape(text) => ServiceError::problem(
            "formula",
            problem!(
                "formula_shape",
                "the formula `{formula}` needs the form `response ~ term + term`",
                formula = text
            ),
        ),
        FormulaError::EmptyTerm => ServiceError::problem(
            "formula",
            problem!("empty_term", "the formula has an empty term (two `+` in a row, or one at an end)"),
        ),
        FormulaError::Repeated(term) => ServiceError::problem(
            "formula",
            problem!("repeated_term", "`{term}` appears twice in the formula", term = term),
        ),
        FormulaError::ReferenceTerm { term } => ServiceError::problem(
            "reference",
            problem!(
                "reference_term",
                "reference names `{term}`, which is not a categorical term of the formula",
                term = term
            ),
        ),
        FormulaError::ReferenceLevel { term, level, levels } => ServiceError::problem(
            "reference",
            problem!(
                "reference_level",
                "reference {term}={level}: `{term}` has no level `{level}`; its levels are: {values}",
                term = term,
                level = level,
                values = levels
            ),
        ),
        FormulaError::ReferenceShape(text) => ServiceError::problem(
            "reference",
            problem!("reference_shape", "reference `{reference}` needs the form term=level", reference = text),
        ),
        // The variables were checked against the database's before the design is built, and
        // scores are numbers: what remains should not happen; if it does, it is still a refusal
        // of this formula, in words.
        other => ServiceError::field("formula", other.to_string()),
    }
}

/// The least-squares engine's refusal of the model, with its code and parameters.
fn model_refusal(e: OlsError) -> ServiceError {
    let problem = match e {
        OlsError::Aliased(terms) => {
            let (count, terms) = (terms.len(), terms.join(", "));
            if count == 1 {
                problem!(
                    "aliased_term",
                    "the model's terms are linearly dependent: {terms} can be computed from the terms before them; drop it",
                    terms = terms
                )
            } else {
                problem!(
                    "aliased_terms",
                    "the model's terms are linearly dependent: {terms} can be computed from the terms before them; drop them",
                    terms = terms
                )
            }
        }
        OlsError::TooFewRows { n, p } => problem!(
            "too_few_rows",
            "{rows} complete rows are too few for {coefficients} coefficients (after leaving out rows with a missing value)",
            rows = n,
            coefficients = p
        ),
        OlsError::ConstantResponse => problem!(
            "constant_response",
            "the response has the same value in every complete row: there is nothing to explain"
        ),
    };
    ServiceError::problem("formula", problem)
}

/// The variables of the formula, each checked against what the database offers.
fn check_variables(formula: &Formula) -> Result<()> {
    if !MEASURES.contains(&formula.response.as_str()) {
        let problem = problem!(
            "response_not_a_score",
            "the response `{response}` is not a score; scores: {values}",
            response = formula.response,
            values = MEASURES.join(", ")
        );
        return Err(ServiceError::problem("formula", problem));
    }
    if let Some(bad) = formula.terms.iter().find(|t| !GROUPS.contains(&t.as_str()) && !NUMBERS.contains(&t.as_str())) {
        let problem = problem!(
            "not_a_variable",
            "`{value}` is not a variable; variables: {values}",
            value = bad,
            values = format!("{}, {}", NUMBERS.join(", "), GROUPS.join(", "))
        );
        return Err(ServiceError::problem("formula", problem));
    }
    Ok(())
}

/// Fits a score on the returnees' attributes.
pub async fn regression(state: &Services, caller: &Caller, q: RegressionQuery) -> Result<RegressionView> {
    let surveys = variables::surveys(state, caller, q.from, q.to, q.profile.as_deref()).await?;
    regression_of(state, caller, &surveys, &q).await
}

/// The model asked, fitted on surveys already loaded (their period counts, not the query's).
pub async fn regression_of(
    state: &Services,
    caller: &Caller,
    surveys: &Surveys,
    q: &RegressionQuery,
) -> Result<RegressionView> {
    let formula = Formula::parse(&q.formula).map_err(formula_refusal)?;
    check_variables(&formula)?;
    let references = parse_references(q.reference.as_deref().unwrap_or("")).map_err(formula_refusal)?;
    let covariance = match q.robust.as_deref() {
        None | Some("") => Covariance::Classical,
        Some(r) if r.eq_ignore_ascii_case("hc1") => Covariance::Hc1,
        Some(other) => {
            let problem = problem!("not_an_estimator", "`{value}`: the estimator offered is hc1", value = other);
            return Err(ServiceError::problem("robust", problem));
        }
    };
    let min_cell = state.settings.min_cell(q.min_cell);
    let rows = surveys.latest_per_case(q.phase.as_deref());
    if let (Some(phase), true) = (&q.phase, rows.is_empty()) {
        let problem =
            problem!("no_survey_of_round", "no scored survey of round `{phase}` in the period", phase = phase);
        return Err(ServiceError::problem("phase", problem));
    }
    let frame = surveys.frame.select(&rows);
    let design = Design::new(&frame, &formula, &references).map_err(formula_refusal)?;
    let n = design.rows_used.len();
    if n < min_cell as usize {
        let problem = problem!(
            "too_few_in_model",
            "{count} returnees have a value for every variable of the model, fewer than the minimum of {min}",
            count = n,
            min = min_cell
        );
        return Err(ServiceError::problem("formula", problem));
    }
    for term in &formula.terms {
        if let Ok(Column::Categorical { codes, levels }) = frame.column(term) {
            let mut counts = vec![0usize; levels.len()];
            for code in design.rows_used.iter().filter_map(|&i| codes[i]) {
                counts[code as usize] += 1;
            }
            if let Some((level, count)) = levels.iter().zip(&counts).find(|(_, c)| **c > 0 && **c < min_cell as usize) {
                let problem = problem!(
                    "small_level",
                    "{term} `{level}` has {count} returnees in this model, fewer than the minimum of {min}: \
                     its coefficient would describe them. Leave {term} out, or choose a longer period",
                    term = term,
                    level = level,
                    count = count,
                    min = min_cell
                );
                return Err(ServiceError::problem("formula", problem));
            }
        }
    }
    let model = ols::fit(&design, covariance).map_err(model_refusal)?;
    let record = format!("regression:{}:{}..{}", q.formula, surveys.from, surveys.to);
    state.reads.record(vec![entry(caller, "read", "analysis", &record, None, &["aggregates"])]).await?;
    let profile = &surveys.profile;
    Ok(RegressionView {
        formula: format!("{} ~ {}", formula.response, formula.terms.join(" + ")),
        from: surveys.from,
        to: surveys.to,
        phase: q.phase.clone(),
        model,
        profile: profile.name.clone(),
        profile_status: profile.status,
        min_cell,
        suppression: suppression_rule(min_cell),
    })
}
