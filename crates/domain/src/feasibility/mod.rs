//! The feasibility grid (docs/domain.md 4.1; handbook Annex 5): a catalogue of interventions, each
//! with criteria at individual, community and structural level, and a case's evaluation of one
//! intervention against them.

use std::collections::HashSet;

use serde::Deserialize;

named_enum! {
    /// The dimension of reintegration an intervention serves.
    pub enum Dimension {
        Economic = "economic",
        Social = "social",
        Psychosocial = "psychosocial",
    }
}

named_enum! {
    /// The level a criterion is about (Annex 5 columns "Criteria 1-3").
    pub enum CriteriaLevel {
        Individual = "individual",
        Community = "community",
        Structural = "structural",
    }
}

/// One criterion to check before choosing an intervention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub level: CriteriaLevel,
    pub text: String,
}

/// One row of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    /// Stable id, referred to by plan components.
    pub id: String,
    pub dimension: Dimension,
    pub name: String,
    /// The situations the intervention is useful for.
    pub useful_for: String,
    /// Criteria in grid order: individual, then community, then structural.
    pub criteria: Vec<Criterion>,
    /// Line of the handbook seed where the intervention starts (0 for a programme's own).
    pub line: u32,
}

/// The catalogue of interventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeasibilityGrid {
    pub source: String,
    pub interventions: Vec<Intervention>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    #[error("feasibility grid file is not valid TOML for a grid: {0}")]
    Syntax(String),
    #[error("feasibility grid, intervention '{id}': {message}")]
    Intervention { id: String, message: String },
    /// A case's marks that do not fit the intervention's criteria.
    #[error("feasibility grid, intervention '{id}': {}", .problem.message)]
    Marks { id: String, problem: crate::validate::Problem },
    #[error("feasibility grid: {0}")]
    File(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    format: u32,
    source: String,
    interventions: Vec<RawIntervention>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntervention {
    id: String,
    dimension: String,
    name: String,
    useful_for: String,
    #[serde(default)]
    line: u32,
    individual: Vec<String>,
    community: Vec<String>,
    structural: Vec<String>,
}

/// Text of `data/programme/feasibility-grid.toml` (Annex 5).
pub const BUILTIN_TOML: &str = include_str!("../../../../data/programme/feasibility-grid.toml");

impl FeasibilityGrid {
    /// The grid of Annex 5 (validated by the tests).
    pub fn builtin() -> FeasibilityGrid {
        FeasibilityGrid::from_toml(BUILTIN_TOML).expect("bundled feasibility grid is valid (tested)")
    }

    pub fn from_toml(text: &str) -> Result<FeasibilityGrid, GridError> {
        let raw: RawGrid = toml::from_str(text).map_err(|e| GridError::Syntax(e.to_string()))?;
        if raw.format != 1 {
            return Err(GridError::File(format!(
                "format {} is not supported (this Homeward reads format 1)",
                raw.format
            )));
        }
        let mut seen = HashSet::new();
        let mut interventions = Vec::with_capacity(raw.interventions.len());
        for r in raw.interventions {
            let err = |message: String| GridError::Intervention { id: r.id.clone(), message };
            if r.id.is_empty() || !r.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                return Err(err("the id must be lowercase letters, digits and _".into()));
            }
            if !seen.insert(r.id.clone()) {
                return Err(err("listed twice".into()));
            }
            let dimension = Dimension::from_name(&r.dimension).ok_or_else(|| {
                err(format!("dimension '{}' is not one of economic, social, psychosocial", r.dimension))
            })?;
            if r.name.trim().is_empty() {
                return Err(err("the name is empty".into()));
            }
            let levels = [
                (CriteriaLevel::Individual, r.individual),
                (CriteriaLevel::Community, r.community),
                (CriteriaLevel::Structural, r.structural),
            ];
            let criteria: Vec<Criterion> = levels
                .into_iter()
                .flat_map(|(level, texts)| texts.into_iter().map(move |text| Criterion { level, text }))
                .collect();
            if criteria.is_empty() {
                return Err(err("an intervention needs at least one criterion".into()));
            }
            if criteria.iter().any(|c| c.text.trim().is_empty()) {
                return Err(err("a criterion is empty".into()));
            }
            interventions.push(Intervention {
                id: r.id,
                dimension,
                name: r.name,
                useful_for: r.useful_for,
                criteria,
                line: r.line,
            });
        }
        Ok(FeasibilityGrid { source: raw.source, interventions })
    }

    pub fn intervention(&self, id: &str) -> Option<&Intervention> {
        self.interventions.iter().find(|i| i.id == id)
    }
}

named_enum! {
    /// A case worker's answer to one criterion.
    pub enum Mark {
        Met = "met",
        NotMet = "not_met",
        /// Not known yet; to be found out.
        Unknown = "unknown",
        NotApplicable = "not_applicable",
    }
}

/// A case's check of one intervention against its criteria, with a justification per
/// criterion (docs/domain.md 2.10: criteria met or unmet, justification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub intervention: String,
    /// One per criterion of the intervention, in its order.
    pub marks: Vec<(Mark, String)>,
}

/// What an evaluation shows at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EvaluationSummary {
    pub met: usize,
    pub not_met: usize,
    pub unknown: usize,
    pub not_applicable: usize,
}

impl EvaluationSummary {
    /// Every criterion that applies is met.
    pub fn all_met(&self) -> bool {
        self.not_met == 0 && self.unknown == 0
    }
}

impl Evaluation {
    /// Checks `marks` against the intervention: one mark per criterion, and a justification for
    /// every criterion not met (the grid asks the case worker to say why).
    pub fn new(intervention: &Intervention, marks: Vec<(Mark, String)>) -> Result<Evaluation, GridError> {
        let err = |problem| GridError::Marks { id: intervention.id.clone(), problem };
        if marks.len() != intervention.criteria.len() {
            return Err(err(crate::problem!(
                "marks_count",
                "{marks} marks given for {criteria} criteria",
                marks = marks.len(),
                criteria = intervention.criteria.len()
            )));
        }
        if let Some(n) = marks.iter().position(|(m, why)| *m == Mark::NotMet && why.trim().is_empty()) {
            return Err(err(crate::problem!(
                "criterion_unmet_why",
                "criterion {number} is not met: say why",
                number = n + 1
            )));
        }
        Ok(Evaluation { intervention: intervention.id.clone(), marks })
    }

    pub fn summary(&self) -> EvaluationSummary {
        let mut s = EvaluationSummary::default();
        for (mark, _) in &self.marks {
            match mark {
                Mark::Met => s.met += 1,
                Mark::NotMet => s.not_met += 1,
                Mark::Unknown => s.unknown += 1,
                Mark::NotApplicable => s.not_applicable += 1,
            }
        }
        s
    }
}

#[cfg(test)]
mod tests;
