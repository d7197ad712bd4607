//! What scoring one survey gives.

use std::fmt;

use super::Reason;
use crate::profile::BandThresholds;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    Scored,
    /// Not answered in full, or no consent: kept on record, never scored.
    Discarded,
    /// The data is wrong (unknown code, answer to a skipped question, ...).
    #[default]
    Invalid,
}

impl Status {
    /// The status named `name` (`scored`, `discarded`, `invalid`).
    pub fn from_name(name: &str) -> Option<Status> {
        [Status::Scored, Status::Discarded, Status::Invalid].into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scored => "scored",
            Self::Discarded => "discarded",
            Self::Invalid => "invalid",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Intensity of case management a score suggests (handbook lines 2250-2253).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// Below 0.33: an intensified approach.
    Intensive,
    Standard,
    /// Above 0.66: lighter, hands-off support.
    Light,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Intensive, Band::Standard, Band::Light];

    /// The band named `name` (`intensive`, `standard`, `light`).
    pub fn from_name(name: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.as_str() == name)
    }

    /// The band of an unrounded score.
    pub fn of(score: f64, thresholds: &BandThresholds) -> Band {
        if score < thresholds.intensive_below {
            Band::Intensive
        } else if score > thresholds.light_above {
            Band::Light
        } else {
            Band::Standard
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intensive => "intensive",
            Self::Standard => "standard",
            Self::Light => "light",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One answer as chosen codes: a choice index, or a set of them as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chosen {
    #[default]
    Nothing,
    One(u8),
    Many(u64),
}

impl Chosen {
    /// The chosen choice indices, in instrument order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        let mut bits = self.bits();
        // Only the set bits: this runs for every question of every survey.
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                i
            })
        })
    }

    /// The chosen choice indices as bits.
    pub fn bits(self) -> u64 {
        match self {
            Chosen::Nothing => 0,
            Chosen::One(c) => 1u64 << c,
            Chosen::Many(bits) => bits,
        }
    }

    pub fn is_nothing(self) -> bool {
        matches!(self, Chosen::Nothing)
    }
}

/// The result of scoring one survey. Reused between calls by [`crate::Scorer::score_into`]
/// so batch scoring does not allocate per row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub status: Status,
    /// Why the survey is `invalid` or `discarded`; `None` when scored.
    pub reason: Option<Reason>,
    /// Answers as parsed, by question index (empty for an invalid survey).
    pub chosen: Vec<Chosen>,
    /// Value of each question by index; `None` when missing, skipped, unscored or not scored.
    pub item_values: Vec<Option<f64>>,
    /// Score of each dimension of the instrument, in its order.
    pub dimensions: Vec<Option<f64>>,
    pub composite: Option<f64>,
    pub dimension_bands: Vec<Option<Band>>,
    pub composite_band: Option<Band>,
    /// Questions answered `dk` or `dwa` (counted for scored surveys only).
    pub dk_dwa_count: u32,
    /// More dk/dwa answers than the profile allows: the scores carry less accuracy.
    pub low_accuracy: bool,
}

impl Outcome {
    pub(crate) fn reset(&mut self, questions: usize, dimensions: usize) {
        fn blank<T: Copy>(v: &mut Vec<T>, len: usize, value: T) {
            if v.len() == len {
                v.fill(value);
            } else {
                v.clear();
                v.resize(len, value);
            }
        }
        self.status = Status::Invalid;
        self.reason = None;
        blank(&mut self.chosen, questions, Chosen::Nothing);
        blank(&mut self.item_values, questions, None);
        blank(&mut self.dimensions, dimensions, None);
        blank(&mut self.dimension_bands, dimensions, None);
        self.composite = None;
        self.composite_band = None;
        self.dk_dwa_count = 0;
        self.low_accuracy = false;
    }

    pub fn is_scored(&self) -> bool {
        self.status == Status::Scored
    }
}

/// In JSON, a status and a band are their names, as in the batch output.
macro_rules! serialize_as_str {
    ($($ty:ty),+) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    )+};
}

serialize_as_str!(Status, Band, crate::ProfileStatus);
