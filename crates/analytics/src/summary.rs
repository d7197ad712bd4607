//! Group summaries of a score: n, mean, standard deviation, median and the share in each RSS
//! band, for every combination of the grouping columns, with small-cell suppression.
//!
//! Suppression protects people in small groups: a cell of fewer than `min_cell` people shows no
//! figure, and neither does any cell from which a hidden one could be recomputed by subtraction
//! (from the overall total, or from a line's total, which the same summary with fewer grouping
//! columns publishes). The rule is applied here, before anything leaves the engine.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::frame::{Column, Frame, FrameError};

/// The RSS bands on a score (handbook lines 2250-2253): intensive below the first edge, light
/// above the second, standard between.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BandEdges {
    pub intensive_below: f64,
    pub light_above: f64,
}

impl BandEdges {
    fn band(&self, score: f64) -> usize {
        if score < self.intensive_below {
            0
        } else if score > self.light_above {
            2
        } else {
            1
        }
    }
}

/// Why a cell shows no figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppressed {
    /// Fewer people than the minimum cell size.
    SmallCell,
    /// Its figures, with the totals, would give away a small cell.
    Complementary,
}

/// One group's figures (all `None` when suppressed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The group's value of each grouping column, in the order asked.
    pub group: Vec<String>,
    pub n: Option<usize>,
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1); absent for one person.
    pub sd: Option<f64>,
    pub median: Option<f64>,
    /// The first and third quartiles, interpolated as pandas, R (type 7) and Excel do.
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    /// Shares intensive, standard, light.
    pub bands: Option<[f64; 3]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub measure: String,
    pub by: Vec<String>,
    pub min_cell: usize,
    pub bands: BandEdges,
    pub rows: Vec<Row>,
    /// Everyone with a value of the measure and of every grouping column.
    pub total: Row,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("the measure `{0}` must be numeric, but some of its values are not numbers")]
    CategoricalMeasure(String),
    #[error("the minimum cell size must be at least 1")]
    MinCell,
    #[error("the grouping columns have too many combinations of values to count")]
    TooManyGroups,
}

/// The `p` quantile with linear interpolation between order statistics (position (n − 1)·p), by
/// selection rather than a full sort: linear in the group's size.
fn quantile(values: &mut [f64], p: f64) -> f64 {
    let position = (values.len() - 1) as f64 * p;
    let at = position.floor() as usize;
    let (_, low, above) = values.select_nth_unstable_by(at, f64::total_cmp);
    let low = *low;
    let fraction = position - at as f64;
    if fraction == 0.0 {
        return low;
    }
    let high = above.iter().copied().fold(f64::INFINITY, f64::min);
    low + fraction * (high - low)
}

fn figures(group: Vec<String>, values: &mut [f64], edges: &BandEdges) -> Row {
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = (n > 1).then(|| (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt());
    let [q1, median, q3] = [0.25, 0.5, 0.75].map(|p| quantile(values, p));
    let mut counts = [0usize; 3];
    for v in values.iter() {
        counts[edges.band(*v)] += 1;
    }
    Row {
        group,
        n: Some(n),
        mean: Some(mean),
        sd,
        median: Some(median),
        q1: Some(q1),
        q3: Some(q3),
        bands: Some(counts.map(|c| c as f64 / n as f64)),
        suppressed: None,
    }
}

fn hide(row: &mut Row, why: Suppressed) {
    row.n = None;
    row.mean = None;
    row.sd = None;
    row.median = None;
    row.q1 = None;
    row.q3 = None;
    row.bands = None;
    row.suppressed = Some(why);
}

/// A grouping column as codes and labels: categories as they are; numbers as their distinct
/// values in numeric order.
/// Categorical columns are borrowed as they are: copying a million codes per grouping column
/// would be most of a summary's work.
fn codes_of(column: &Column) -> (Cow<'_, [Option<u32>]>, Cow<'_, [String]>) {
    match column {
        Column::Categorical { codes, levels } => (Cow::Borrowed(codes), Cow::Borrowed(levels)),
        Column::Numeric(values) => {
            let mut distinct: Vec<f64> = values.iter().flatten().copied().collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let codes = values
                .iter()
                .map(|v| v.and_then(|x| distinct.binary_search_by(|d| d.total_cmp(&x)).ok()).map(|i| i as u32))
                .collect();
            (Cow::Owned(codes), Cow::Owned(distinct.iter().map(f64::to_string).collect()))
        }
    }
}

/// Marks cells to suppress: the small ones, then (until nothing changes) the smallest other cell
/// of any line or of the whole table in which exactly one cell is hidden.
pub fn suppression(groups: &[Vec<String>], sizes: &[usize], min_cell: usize) -> Vec<Option<Suppressed>> {
    let mut marks: Vec<Option<Suppressed>> =
        sizes.iter().map(|&n| (n < min_cell).then_some(Suppressed::SmallCell)).collect();
    let dims = groups.first().map_or(0, Vec::len);
    // Lines: for each column, the cells sharing every other column's value; and the whole table.
    let mut lines: Vec<Vec<usize>> = vec![(0..groups.len()).collect()];
    for d in 0..dims {
        let mut by_rest: BTreeMap<Vec<&String>, Vec<usize>> = BTreeMap::new();
        for (i, g) in groups.iter().enumerate() {
            let rest: Vec<&String> = g.iter().enumerate().filter(|(j, _)| *j != d).map(|(_, v)| v).collect();
            by_rest.entry(rest).or_default().push(i);
        }
        lines.extend(by_rest.into_values());
    }
    loop {
        let mut changed = false;
        for line in &lines {
            let hidden = line.iter().filter(|&&i| marks[i].is_some()).count();
            if hidden != 1 || line.len() < 2 {
                continue;
            }
            let smallest = line.iter().copied().filter(|&i| marks[i].is_none()).min_by_key(|&i| (sizes[i], i));
            if let Some(i) = smallest {
                marks[i] = Some(Suppressed::Complementary);
                changed = true;
            }
        }
        if !changed {
            return marks;
        }
    }
}

/// Summarises `measure` by the columns `by` (none: one overall row).
pub fn summarise(
    frame: &Frame,
    measure: &str,
    by: &[String],
    min_cell: usize,
    edges: BandEdges,
) -> Result<Summary, SummaryError> {
    if min_cell == 0 {
        return Err(SummaryError::MinCell);
    }
    let values = match frame.column(measure)? {
        Column::Numeric(v) => v,
        Column::Categorical { .. } => return Err(SummaryError::CategoricalMeasure(measure.to_string())),
    };
    let keys = by.iter().map(|b| frame.column(b).map(codes_of)).collect::<Result<Vec<_>, _>>()?;
    // A group's key: the grouping columns' codes in mixed radix, the first column most
    // significant, so sorting keys sorts groups as their values sort (numbers as numbers).
    let radix: Vec<u64> = keys.iter().map(|(_, labels)| labels.len().max(1) as u64).collect();
    radix.iter().try_fold(1u64, |acc, r| acc.checked_mul(*r)).ok_or(SummaryError::TooManyGroups)?;
    let mut groups: std::collections::HashMap<u64, Vec<f64>> = std::collections::HashMap::new();
    let mut everyone = vec![];
    'rows: for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let mut key = 0u64;
        for ((codes, _), r) in keys.iter().zip(&radix) {
            let Some(code) = codes[i] else { continue 'rows };
            key = key * r + u64::from(code);
        }
        groups.entry(key).or_default().push(*v);
        everyone.push(*v);
    }
    let mut sorted: Vec<(u64, Vec<f64>)> = groups.into_iter().collect();
    sorted.sort_unstable_by_key(|(k, _)| *k);
    let label = |mut key: u64| {
        let mut parts = vec![String::new(); keys.len()];
        for (j, ((_, labels), r)) in keys.iter().zip(&radix).enumerate().rev() {
            parts[j] = labels[(key % r) as usize].clone();
            key /= r;
        }
        parts
    };
    let mut rows: Vec<Row> = sorted.into_iter().map(|(k, mut v)| figures(label(k), &mut v, &edges)).collect();
    let names: Vec<Vec<String>> = rows.iter().map(|r| r.group.clone()).collect();
    let sizes: Vec<usize> = rows.iter().map(|r| r.n.unwrap_or(0)).collect();
    for (row, mark) in rows.iter_mut().zip(suppression(&names, &sizes, min_cell)) {
        if let Some(why) = mark {
            hide(row, why);
        }
    }
    let mut total = if everyone.is_empty() {
        Row {
            group: vec![],
            n: Some(0),
            mean: None,
            sd: None,
            median: None,
            q1: None,
            q3: None,
            bands: None,
            suppressed: None,
        }
    } else {
        figures(vec![], &mut everyone, &edges)
    };
    if total.n.is_some_and(|n| n > 0 && n < min_cell) {
        hide(&mut total, Suppressed::SmallCell);
    }
    Ok(Summary { measure: measure.to_string(), by: by.to_vec(), min_cell, bands: edges, rows, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDGES: BandEdges = BandEdges { intensive_below: 0.33, light_above: 0.66 };

    fn frame(rows: &[(&str, &str, &str)]) -> Frame {
        let header = ["score", "country", "sex"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> =
            rows.iter().map(|(a, b, c)| vec![a.to_string(), b.to_string(), c.to_string()]).collect();
        Frame::from_rows(&header, &rows).unwrap()
    }

    #[test]
    fn figures_are_computed_by_hand() {
        let f = frame(&[("0.2", "SN", "F"), ("0.5", "SN", "F"), ("0.8", "SN", "F"), ("0.9", "SN", "F")]);
        let s = summarise(&f, "score", &["country".into()], 1, EDGES).unwrap();
        let r = &s.rows[0];
        assert_eq!(r.n, Some(4));
        assert!((r.mean.unwrap() - 0.6).abs() < 1e-12);
        // Deviations -0.4, -0.1, 0.2, 0.3: squares sum to 0.3, over 3.
        assert!((r.sd.unwrap() - 0.1f64.sqrt()).abs() < 1e-12);
        assert!((r.median.unwrap() - 0.65).abs() < 1e-12);
        // Positions 0.75 and 2.25 of 0.2, 0.5, 0.8, 0.9: 0.2 + 0.75·0.3 and 0.8 + 0.25·0.1.
        assert!((r.q1.unwrap() - 0.425).abs() < 1e-12 && (r.q3.unwrap() - 0.825).abs() < 1e-12);
        assert_eq!(r.bands.unwrap(), [0.25, 0.25, 0.5]);
    }

    #[test]
    fn a_small_cell_is_hidden_and_so_is_the_one_that_would_give_it_away() {
        let mut rows = vec![];
        for _ in 0..2 {
            rows.push(("0.5", "GN", "F"));
        }
        for _ in 0..6 {
            rows.push(("0.5", "GN", "M"));
        }
        for _ in 0..9 {
            rows.push(("0.5", "SN", "F"));
            rows.push(("0.5", "SN", "M"));
        }
        let s = summarise(&frame(&rows), "score", &["country".into(), "sex".into()], 5, EDGES).unwrap();
        let mark = |c: &str, x: &str| s.rows.iter().find(|r| r.group == [c, x]).unwrap().suppressed;
        assert_eq!(mark("GN", "F"), Some(Suppressed::SmallCell));
        // GN-M = GN total − GN-F, and the F column's total would give GN-F: both lines need a second cell.
        assert_eq!(mark("GN", "M"), Some(Suppressed::Complementary));
        assert_eq!(mark("SN", "F"), Some(Suppressed::Complementary));
        assert_eq!(mark("SN", "M"), Some(Suppressed::Complementary), "then the SN line and the M column too");
        assert!(s.rows.iter().all(|r| r.suppressed.is_none() || r.n.is_none()), "no figure of a hidden cell leaks");
        assert_eq!(s.total.n, Some(26));
    }

    #[test]
    fn when_no_cell_is_small_nothing_is_hidden() {
        let rows: Vec<(&str, &str, &str)> =
            (0..10).map(|i| ("0.4", if i % 2 == 0 { "SN" } else { "GN" }, "F")).collect();
        let s = summarise(&frame(&rows), "score", &["country".into()], 5, EDGES).unwrap();
        assert!(s.rows.iter().all(|r| r.suppressed.is_none()));
    }
}
