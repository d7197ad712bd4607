//! `homeward rss sensitivity`: how many scored surveys change band when the weights the handbook
//! says are "heavier" (Q2, Q25, Q30) take other values. The official factor is not public, so
//! users see how much their conclusions depend on it.

use std::io::Read;

use homeward_rss::{Band, Outcome, Scorer};

use crate::BatchError;
use crate::header::Header;
use crate::pipeline::{self, ChunkResult, Duplicate, Options};
use crate::records::{Records, find_non_utf8};
use crate::score::score_row;

/// Band changes under one weight.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    pub weight: f64,
    /// Scored surveys whose band differs from the profile's, per dimension.
    pub dimensions: Vec<u64>,
    pub composite: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityTable {
    /// The profile the changes are measured against.
    pub profile: String,
    pub questions: Vec<String>,
    pub dimensions: Vec<String>,
    /// Surveys scored (invalid and discarded rows never are).
    pub scored: u64,
    pub rows: Vec<SensitivityRow>,
}

/// Per scored row: bit `v × (D + 1) + d` is set when weight variant `v` moves score `d`
/// (dimensions, then the composite) to another band.
type Changes = Vec<Option<u32>>;

/// Re-weighs `questions` to each of `weights` and counts band changes against `scorer`'s profile.
pub fn sensitivity<R: Read>(
    scorer: &Scorer,
    input: R,
    questions: &[&str],
    weights: &[f64],
    opts: &Options<'_>,
) -> Result<SensitivityTable, BatchError> {
    let instrument = scorer.instrument();
    let dims = instrument.dimensions.len();
    assert!(weights.len() * (dims + 1) <= 32, "at most 32 band changes per row are tracked");
    let variants: Vec<Scorer> = weights
        .iter()
        .map(|&w| {
            let pairs: Vec<(&str, f64)> = questions.iter().map(|&q| (q, w)).collect();
            let name = format!("{} with weight {w}", scorer.profile().name);
            scorer.profile().with_weights(instrument, &name, &pairs).map(|p| Scorer::new(instrument.clone(), p))
        })
        .collect::<Result<_, _>>()?;

    let work = |header: &Header, chunk: &[u8]| {
        let mut result = ChunkResult::new(Changes::new());
        if let Some(bad) = find_non_utf8(chunk) {
            result.fatal = Some(bad);
            return result;
        }
        let mut records = Records::new(chunk);
        let mut outcome = Outcome::default();
        let (mut scores, mut composite) = (vec![None; dims], None);
        while records.next_record() {
            let scored = score_row(scorer, header, &records, &mut outcome).is_ok() && outcome.is_scored();
            let changes = scored.then(|| {
                let mut bits = 0u32;
                for (v, variant) in variants.iter().enumerate() {
                    variant.aggregate(&outcome.item_values, &mut scores, &mut composite);
                    let thresholds = &variant.profile().bands;
                    let band = |s: Option<f64>| s.map(|s| Band::of(s, thresholds));
                    let moved = scores
                        .iter()
                        .zip(&outcome.dimension_bands)
                        .map(|(s, base)| band(*s) != *base)
                        .chain([band(composite) != outcome.composite_band]);
                    for (d, moved) in moved.enumerate() {
                        bits |= u32::from(moved) << (v * (dims + 1) + d);
                    }
                }
                bits
            });
            result.payload.push(changes);
            result.push_id(crate::score::row_id(header, &records));
        }
        result
    };
    let mut table = SensitivityTable {
        profile: scorer.profile().name.clone(),
        questions: questions.iter().map(|q| q.to_string()).collect(),
        dimensions: instrument.dimensions.iter().map(|d| d.id.clone()).collect(),
        scored: 0,
        rows: weights
            .iter()
            .map(|&weight| SensitivityRow { weight, dimensions: vec![0; dims], composite: 0 })
            .collect(),
    };
    let collect = |result: ChunkResult<Changes>, _: u64, dups: &[Duplicate]| {
        let mut dup = dups.iter().map(|d| d.local).peekable();
        for (local, changes) in result.payload.iter().enumerate() {
            // A repeated survey id makes the row invalid: it is not scored.
            if dup.next_if_eq(&local).is_some() {
                continue;
            }
            let Some(bits) = changes else { continue };
            table.scored += 1;
            for (v, row) in table.rows.iter_mut().enumerate() {
                let moved = |d: usize| u64::from(bits >> (v * (dims + 1) + d) & 1);
                for (d, count) in row.dimensions.iter_mut().enumerate() {
                    *count += moved(d);
                }
                row.composite += moved(dims);
            }
        }
        Ok(())
    };
    pipeline::run_surveys(input, opts, instrument, work, collect)?;
    Ok(table)
}
