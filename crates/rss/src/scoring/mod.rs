//! Scoring one survey: a pure function of its answers, the instrument and a profile.
//!
//! The rules are those of `docs/rss/SCORING.md`:
//! 1. `invalid` when the data is wrong (first problem in question order);
//! 2. else `discarded` when consent is not `yes` or a question that is asked has no answer;
//! 3. else `scored`: item values from the profile, derived items, weighted dimension and
//!    composite scores, bands, and the dk/dwa count.

mod code_index;
mod outcome;
mod reason;

pub use outcome::{Band, Chosen, Outcome, Status};
pub use reason::Reason;

use code_index::CodeIndex;

use crate::instrument::MAX_DIMENSIONS;
use crate::{CompositeMethod, Instrument, Profile, QuestionKind};

/// One survey's raw answers, as the cells of a row: text exactly as entered.
///
/// Cells are bytes so the batch scorer can hand over CSV fields without copying; implementers
/// must give valid UTF-8 (reasons quote it).
pub trait Answers {
    /// The consent cell.
    fn consent(&self) -> &[u8];
    /// The cell of question `index` of the instrument; empty when there is no answer.
    fn answer(&self, index: usize) -> &[u8];

    /// The cell of question `index` as `(bytes, len)`: `bytes[..len]` is the cell (exactly as
    /// [`Answers::answer`] gives it) and `bytes` runs on for at least 24 more bytes of anything.
    /// Lets the code lookup read whole words without branching on the cell's length. `None`
    /// (the default) when the cell does not sit in such a buffer.
    fn answer_in_context(&self, _index: usize) -> Option<(&[u8], usize)> {
        None
    }
}

/// Answers held as text, e.g. from a JSON request: `answers[i]` is the cell of question `i`
/// (codes separated by spaces for select_multiple).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Survey {
    pub consent: String,
    pub answers: Vec<String>,
}

impl Survey {
    /// A survey from `(question id, cell)` pairs; questions not named have no answer.
    /// Ids the instrument does not know are returned as the error.
    pub fn from_pairs<'a>(
        instrument: &Instrument,
        consent: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        let mut answers = vec![String::new(); instrument.questions.len()];
        for (id, cell) in pairs {
            let i = instrument.question_index(id).ok_or_else(|| id.to_string())?;
            answers[i] = cell.to_string();
        }
        Ok(Survey { consent: consent.to_string(), answers })
    }
}

impl Answers for Survey {
    fn consent(&self) -> &[u8] {
        self.consent.as_bytes()
    }
    fn answer(&self, index: usize) -> &[u8] {
        self.answers.get(index).map_or(&[][..], |a| a.as_bytes())
    }
}

/// Scores surveys under one profile. Build once, share between threads.
#[derive(Debug, Clone)]
pub struct Scorer {
    instrument: Instrument,
    profile: Profile,
    /// Per question: how it counts, flattened from instrument and profile for the hot loop.
    plan: Vec<ItemPlan>,
    /// Per question: finds a choice by its code without comparing against every code.
    codes: Vec<CodeIndex>,
}

/// One question's part in scoring.
#[derive(Debug, Clone)]
struct ItemPlan {
    kind: ItemKind,
    dimension: usize,
    weight: f64,
    /// Bit c set when the handbook's low-accuracy rule counts choice c.
    dk_dwa: u64,
}

#[derive(Debug, Clone)]
enum ItemKind {
    /// Not scored (Q10, Q32).
    Unscored,
    /// Worth the value of its choice; `None` for non-answers.
    Choice(Box<[Option<f64>]>),
    /// Worth its best chosen choice.
    Multiple(Box<[Option<f64>]>),
    /// The mean of these questions' values that are not missing.
    Derived(Box<[usize]>),
}

/// The first problem found while reading answers.
type Invalid = Reason;

impl Scorer {
    /// `profile` must have been loaded for `instrument` (as [`Profile::from_toml`] ensures).
    pub fn new(instrument: Instrument, profile: Profile) -> Self {
        let plan = instrument
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let item = profile.item(i);
                let values = || item.values.clone().into_boxed_slice();
                let kind = match &q.kind {
                    _ if !q.scored => ItemKind::Unscored,
                    QuestionKind::SelectOne => ItemKind::Choice(values()),
                    QuestionKind::SelectMultiple => ItemKind::Multiple(values()),
                    QuestionKind::Derived { mean_of } => ItemKind::Derived(mean_of.clone().into_boxed_slice()),
                };
                let counted = q.choices.iter().map(|c| c.non_answer.is_some_and(|n| n.counts_as_dk_dwa()));
                let dk_dwa = counted.enumerate().fold(0u64, |bits, (c, counted)| bits | u64::from(counted) << c);
                ItemPlan { kind, dimension: q.dimension, weight: item.weight, dk_dwa }
            })
            .collect();
        let codes = instrument
            .questions
            .iter()
            .map(|q| CodeIndex::new(&q.choices.iter().map(|c| c.code.as_str()).collect::<Vec<_>>()))
            .collect();
        Scorer { instrument, profile, plan, codes }
    }

    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Scores one survey.
    pub fn score(&self, answers: &impl Answers) -> Outcome {
        let mut out = Outcome::default();
        self.score_into(answers, &mut out);
        out
    }

    /// Scores one survey into `out`, reusing its buffers.
    pub fn score_into(&self, answers: &impl Answers, out: &mut Outcome) {
        out.reset(self.instrument.questions.len(), self.instrument.dimensions.len());
        let first_gap = match self.read_answers(answers, &mut out.chosen) {
            Ok(gap) => gap,
            Err(reason) => {
                out.chosen.clear();
                out.status = Status::Invalid;
                out.reason = Some(reason);
                return;
            }
        };
        if let Some(reason) = self.discard_reason(answers.consent(), first_gap) {
            out.status = Status::Discarded;
            out.reason = Some(reason);
            return;
        }
        out.status = Status::Scored;
        self.item_values(out);
        self.aggregate(&out.item_values, &mut out.dimensions, &mut out.composite);
        let bands = &self.profile.bands;
        for (band, score) in out.dimension_bands.iter_mut().zip(&out.dimensions) {
            *band = score.map(|s| Band::of(s, bands));
        }
        out.composite_band = out.composite.map(|s| Band::of(s, bands));
        out.low_accuracy = out.dk_dwa_count > self.profile.low_accuracy_above;
    }

    /// Dimension and composite scores from item values, under this scorer's weights.
    /// (Split out so sensitivity analysis can re-weigh without re-reading answers.)
    pub fn aggregate(&self, item_values: &[Option<f64>], dimensions: &mut [Option<f64>], composite: &mut Option<f64>) {
        // Σ weight × value and Σ weight per dimension, over items that are not missing.
        let mut sums = [(0.0f64, 0.0f64); MAX_DIMENSIONS];
        let sums = &mut sums[..self.instrument.dimensions.len()];
        for (item, value) in self.plan.iter().zip(item_values) {
            if let Some(v) = value {
                let s = &mut sums[item.dimension];
                s.0 += item.weight * v;
                s.1 += item.weight;
            }
        }
        let mean = |(wv, w): (f64, f64)| (w > 0.0).then(|| wv / w);
        for (score, &s) in dimensions.iter_mut().zip(sums.iter()) {
            *score = mean(s);
        }
        *composite = match self.profile.composite {
            CompositeMethod::WeightedItems => mean(sums.iter().fold((0.0, 0.0), |acc, s| (acc.0 + s.0, acc.1 + s.1))),
            CompositeMethod::MeanOfDimensions => {
                let (sum, n) = dimensions.iter().flatten().fold((0.0, 0u32), |(s, n), d| (s + d, n + 1));
                (n > 0).then(|| sum / f64::from(n))
            }
        };
    }

    /// Parses every cell into chosen codes; the first problem in question order makes the
    /// survey invalid.
    ///
    /// Returns the first question that is asked but has no answer, if any.
    fn read_answers(&self, answers: &impl Answers, chosen: &mut [Chosen]) -> Result<Option<usize>, Invalid> {
        let mut first_gap = None;
        for (i, q) in self.instrument.questions.iter().enumerate() {
            let cell = trim(answers.answer(i));
            if cell.is_empty() {
                // Skip logic only looks back, so whether this question is asked is known here.
                let asked = !q.is_derived()
                    && q.relevant.is_none_or(|rel| chosen[rel.question] == Chosen::One(rel.choice as u8));
                if asked && first_gap.is_none() {
                    first_gap = Some(i);
                }
                continue;
            }
            chosen[i] = match q.kind {
                // A code is a name without spaces: finding it settles the cell.
                QuestionKind::SelectOne => match self.find_code(answers, i, cell) {
                    Some(c) => Chosen::One(c as u8),
                    None => return Err(self.not_a_code(i, cell)),
                },
                QuestionKind::SelectMultiple => self.read_multiple(i, cell)?,
                QuestionKind::Derived { .. } => {
                    return Err(Reason::DerivedAnswered { question: q.id.clone(), value: lossy(cell) });
                }
            };
            if let Some(rel) = q.relevant
                && chosen[rel.question] != Chosen::One(rel.choice as u8)
            {
                let gate = &self.instrument.questions[rel.question];
                return Err(Reason::NotAsked {
                    question: q.id.clone(),
                    value: lossy(cell),
                    gate: gate.id.clone(),
                    gate_code: gate.choices[rel.choice].code.clone(),
                });
            }
        }
        Ok(first_gap)
    }

    /// The choice of question `i` whose code is the (trimmed) `cell`, reading it in context
    /// when the answers offer that and the cell needed no trimming.
    #[inline]
    fn find_code(&self, answers: &impl Answers, i: usize, cell: &[u8]) -> Option<usize> {
        match answers.answer_in_context(i) {
            Some((bytes, len)) if len == cell.len() && bytes.len() >= len + 24 => {
                self.codes[i].find_in_context(bytes, len)
            }
            _ => self.codes[i].find(cell),
        }
    }

    fn read_multiple(&self, i: usize, cell: &[u8]) -> Result<Chosen, Invalid> {
        let q = &self.instrument.questions[i];
        let mut bits = 0u64;
        let mut count = 0u32;
        for token in cell.split(|&b| b == b' ' || b == b'\t').filter(|t| !t.is_empty()) {
            let Some(c) = self.codes[i].find(token) else {
                return Err(self.not_a_code(i, token));
            };
            if bits & (1 << c) != 0 {
                let code = q.choices[c].code.clone();
                return Err(Reason::RepeatedCode { question: q.id.clone(), code, value: lossy(cell) });
            }
            bits |= 1 << c;
            count += 1;
        }
        if count > 1
            && let Some(c) = q.choices.iter().enumerate().find(|(c, ch)| ch.exclusive && bits & (1 << c) != 0)
        {
            return Err(Reason::NotStandAlone { question: q.id.clone(), code: c.1.code.clone(), value: lossy(cell) });
        }
        Ok(Chosen::Many(bits))
    }

    /// Why `cell` is not an answer to question `i`: several codes, a code of another question, or
    /// no code at all. Only reached for wrong data.
    #[cold]
    fn not_a_code(&self, i: usize, cell: &[u8]) -> Invalid {
        let q = &self.instrument.questions[i];
        let value = lossy(cell);
        if q.kind == QuestionKind::SelectOne && cell.iter().any(u8::is_ascii_whitespace) {
            Reason::SeveralAnswers { question: q.id.clone(), value }
        } else if self.instrument.is_known_code(&value) {
            Reason::CodeOfAnotherQuestion { question: q.id.clone(), value }
        } else {
            Reason::UnknownCode { question: q.id.clone(), value }
        }
    }

    fn discard_reason(&self, consent: &[u8], first_gap: Option<usize>) -> Option<Reason> {
        let consent = trim(consent);
        if consent != b"yes" {
            return Some(Reason::NoConsent { value: lossy(consent) });
        }
        first_gap.map(|i| Reason::Unanswered { question: self.instrument.questions[i].id.clone() })
    }

    /// Item values and the dk/dwa count of a survey that is neither invalid nor discarded.
    fn item_values(&self, out: &mut Outcome) {
        for (i, item) in self.plan.iter().enumerate() {
            let chosen = out.chosen[i];
            out.dk_dwa_count += u32::from(chosen.bits() & item.dk_dwa != 0);
            out.item_values[i] = match &item.kind {
                ItemKind::Unscored => None,
                ItemKind::Choice(values) => match chosen {
                    Chosen::One(c) => values[usize::from(c)],
                    _ => None,
                },
                // A select_multiple is worth its best chosen code (Q8: any asset 1, `no` 0).
                ItemKind::Multiple(values) => chosen.indices().filter_map(|c| values[c]).reduce(f64::max),
                ItemKind::Derived(inputs) => {
                    let present = inputs.iter().filter_map(|&j| out.item_values[j]);
                    let (sum, n) = present.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
                    (n > 0).then(|| sum / f64::from(n))
                }
            };
        }
    }
}

/// User input, quoted in a reason.
fn lossy(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell).into_owned()
}

/// Surrounding white space in a cell is ignored.
fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

#[cfg(test)]
mod tests;
