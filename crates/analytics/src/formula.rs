//! Model formulas as R and statsmodels write them, `composite ~ age + gender + country`, and the
//! design matrix they make from a frame: an intercept, numeric terms as they are, categorical
//! terms in treatment coding (one column per level but the reference, named as R names them:
//! `genderFemale`, `programMedical Support`), rows with a missing value in any term left out.

use std::collections::BTreeMap;

use crate::frame::{Column, Frame, FrameError};

/// `response ~ term + term + ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    pub response: String,
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormulaError {
    #[error("the formula `{0}` needs the form `response ~ term + term`")]
    Shape(String),
    #[error("the formula has an empty term (two `+` in a row, or one at an end)")]
    EmptyTerm,
    #[error("`{0}` appears twice in the formula")]
    Repeated(String),
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("the response `{0}` must be numeric, but some of its values are not numbers")]
    CategoricalResponse(String),
    #[error("reference names `{term}`, which is not a categorical term of the formula")]
    ReferenceTerm { term: String },
    #[error("reference {term}={level}: `{term}` has no level `{level}`; its levels are: {levels}")]
    ReferenceLevel { term: String, level: String, levels: String },
    #[error("reference `{0}` needs the form term=level")]
    ReferenceShape(String),
}

/// Splits on `sep` outside backquotes, so `` `time since return` `` is one name.
fn split_outside_quotes(text: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '`' => quoted = !quoted,
            c if c == sep && !quoted => parts.push(String::new()),
            c => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

impl Formula {
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        let sides = split_outside_quotes(text, '~');
        let [response, rhs] = sides.as_slice() else { return Err(FormulaError::Shape(text.to_string())) };
        if response.is_empty() || rhs.is_empty() {
            return Err(FormulaError::Shape(text.to_string()));
        }
        let mut terms: Vec<String> = vec![];
        for term in split_outside_quotes(rhs, '+') {
            if term.is_empty() {
                return Err(FormulaError::EmptyTerm);
            }
            if terms.contains(&term) || term == *response {
                return Err(FormulaError::Repeated(term));
            }
            terms.push(term);
        }
        Ok(Formula { response: response.clone(), terms })
    }
}

/// Reference levels chosen for categorical terms, from `term=level,term=level`.
pub fn parse_references(text: &str) -> Result<BTreeMap<String, String>, FormulaError> {
    let mut references = BTreeMap::new();
    for pair in split_outside_quotes(text, ',').into_iter().filter(|p| !p.is_empty()) {
        let (term, level) = pair.split_once('=').ok_or_else(|| FormulaError::ReferenceShape(pair.clone()))?;
        references.insert(term.trim().to_string(), level.trim().to_string());
    }
    Ok(references)
}

/// The columns of a model: the response, and the regressors with their names.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub y: Vec<f64>,
    /// Column by column; the first is the intercept.
    pub x: Vec<Vec<f64>>,
    pub names: Vec<String>,
    /// Rows of the frame used (the others had a missing value).
    pub rows_used: Vec<usize>,
}

impl Design {
    pub fn new(
        frame: &Frame,
        formula: &Formula,
        references: &BTreeMap<String, String>,
    ) -> Result<Design, FormulaError> {
        let response = match frame.column(&formula.response)? {
            Column::Numeric(v) => v,
            Column::Categorical { .. } => return Err(FormulaError::CategoricalResponse(formula.response.clone())),
        };
        let columns = formula.terms.iter().map(|t| frame.column(t)).collect::<Result<Vec<_>, _>>()?;
        for term in references.keys() {
            let categorical =
                formula.terms.iter().zip(&columns).any(|(t, c)| t == term && matches!(c, Column::Categorical { .. }));
            if !categorical {
                return Err(FormulaError::ReferenceTerm { term: term.clone() });
            }
        }
        let rows_used: Vec<usize> =
            (0..frame.rows()).filter(|&i| response[i].is_some() && columns.iter().all(|c| c.present(i))).collect();
        let mut x = vec![vec![1.0; rows_used.len()]];
        let mut names = vec!["(Intercept)".to_string()];
        for (term, column) in formula.terms.iter().zip(&columns) {
            match column {
                Column::Numeric(v) => {
                    x.push(rows_used.iter().map(|&i| v[i].unwrap_or(f64::NAN)).collect());
                    names.push(term.clone());
                }
                Column::Categorical { codes, levels } => {
                    // Levels seen among the rows used, in sorted order; the reference is dropped.
                    let mut seen = vec![false; levels.len()];
                    for &i in &rows_used {
                        if let Some(c) = codes[i] {
                            seen[c as usize] = true;
                        }
                    }
                    let present: Vec<usize> = (0..levels.len()).filter(|&l| seen[l]).collect();
                    let reference = match references.get(term) {
                        Some(level) => present.iter().copied().find(|&l| levels[l] == *level).ok_or_else(|| {
                            FormulaError::ReferenceLevel {
                                term: term.clone(),
                                level: level.clone(),
                                levels: present.iter().map(|&l| levels[l].as_str()).collect::<Vec<_>>().join(", "),
                            }
                        })?,
                        None => present.first().copied().unwrap_or(0),
                    };
                    for &level in present.iter().filter(|&&l| l != reference) {
                        x.push(
                            rows_used.iter().map(|&i| f64::from(u8::from(codes[i] == Some(level as u32)))).collect(),
                        );
                        names.push(format!("{term}{}", levels[level]));
                    }
                }
            }
        }
        let y = rows_used.iter().map(|&i| response[i].unwrap_or(f64::NAN)).collect();
        Ok(Design { y, x, names, rows_used })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: &[[&str; 3]]) -> Frame {
        let header = ["score", "age", "program"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        Frame::from_rows(&header, &rows).unwrap()
    }

    #[test]
    fn formulas_read_as_r_writes_them() {
        let f = Formula::parse("composite ~ age + `time since return` + program").unwrap();
        assert_eq!(f.response, "composite");
        assert_eq!(f.terms, ["age", "time since return", "program"]);
        assert_eq!(Formula::parse("a ~ b + + c").unwrap_err(), FormulaError::EmptyTerm);
        assert!(matches!(Formula::parse("a + b").unwrap_err(), FormulaError::Shape(_)));
        assert_eq!(Formula::parse("a ~ b + b").unwrap_err(), FormulaError::Repeated("b".into()));
    }

    #[test]
    fn categorical_terms_are_treatment_coded_against_the_first_level_or_the_one_chosen() {
        let f = frame(&[
            ["0.5", "30", "Training"],
            ["0.7", "40", "Medical Support"],
            ["", "50", "None"],
            ["0.9", "25", "None"],
        ]);
        let formula = Formula::parse("score ~ age + program").unwrap();
        let d = Design::new(&f, &formula, &BTreeMap::new()).unwrap();
        assert_eq!(d.names, ["(Intercept)", "age", "programNone", "programTraining"]);
        assert_eq!(d.rows_used, [0, 1, 3], "the row without a score is left out");
        assert_eq!(d.x[2], [0.0, 0.0, 1.0]);
        let chosen = parse_references("program=None").unwrap();
        let d = Design::new(&f, &formula, &chosen).unwrap();
        assert_eq!(d.names, ["(Intercept)", "age", "programMedical Support", "programTraining"]);
        let wrong = parse_references("program=Cash").unwrap();
        assert_eq!(
            Design::new(&f, &formula, &wrong).unwrap_err().to_string(),
            "reference program=Cash: `program` has no level `Cash`; its levels are: Medical Support, None, Training"
        );
        let numeric = parse_references("age=30").unwrap();
        assert!(matches!(Design::new(&f, &formula, &numeric).unwrap_err(), FormulaError::ReferenceTerm { .. }));
    }
}
