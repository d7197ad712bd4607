//! Scoring profiles: what each answer is worth, as validated data.
//!
//! A profile is checked against an [`Instrument`] when it is loaded, so scoring can index values by
//! question and choice without further checks.

mod file;

use std::fmt;

use crate::Instrument;

pub use file::ProfileError;

/// A scoring profile, valid for the instrument it was loaded with.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Written beside every score (`rss-provisional-1`).
    pub name: String,
    pub status: ProfileStatus,
    /// Id of the instrument this profile scores.
    pub instrument: String,
    /// Where the values come from.
    pub source: String,
    pub composite: CompositeMethod,
    /// `low_accuracy` when more than this many questions are answered dk or dwa.
    pub low_accuracy_above: u32,
    pub bands: BandThresholds,
    /// One entry per question of the instrument, in its order.
    items: Vec<ItemScoring>,
}

/// Whether a profile's values may be presented as IOM's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileStatus {
    /// Homeward's assumptions; never to be presented as official.
    Provisional,
    /// Values from IOM's methodological note.
    Official,
    /// An organisation's own values.
    Custom,
}

impl ProfileStatus {
    /// Homeward's assumptions, to be shown with the warning that they are not IOM's scoring.
    pub fn is_provisional(self) -> bool {
        self == ProfileStatus::Provisional
    }

    /// The status named `name`.
    pub fn from_name(name: &str) -> Option<ProfileStatus> {
        [Self::Provisional, Self::Official, Self::Custom].into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provisional => "provisional",
            Self::Official => "official",
            Self::Custom => "custom",
        }
    }
}

impl fmt::Display for ProfileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the composite score is made from the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompositeMethod {
    /// The weighted mean of all items of all dimensions (each item carries its weight).
    WeightedItems,
    /// The mean of the dimension scores that are not missing.
    MeanOfDimensions,
}

impl CompositeMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WeightedItems => "weighted_items",
            Self::MeanOfDimensions => "mean_of_dimensions",
        }
    }
}

/// Band edges on the unrounded score: `intensive` below `intensive_below`, `light` above
/// `light_above`, `standard` between (handbook lines 2250-2253).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandThresholds {
    pub intensive_below: f64,
    pub light_above: f64,
}

/// Weight and values of one question. Unscored questions have weight 0 and no values.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemScoring {
    /// Whether the instrument scores this question at all.
    pub scored: bool,
    pub weight: f64,
    /// Value of each choice, by choice index; `None` for non-answers.
    pub values: Vec<Option<f64>>,
}

impl Profile {
    /// The weight and values of question `index` of the instrument.
    pub fn item(&self, index: usize) -> &ItemScoring {
        &self.items[index]
    }

    /// Whether question `index` takes part in scores.
    pub fn is_scored(&self, index: usize) -> bool {
        self.items[index].scored
    }

    /// A copy with other weights, for sensitivity analysis. The copy is `custom` and named `name`.
    /// Weights must be finite and not negative.
    pub fn with_weights(
        &self,
        instrument: &Instrument,
        name: &str,
        weights: &[(&str, f64)],
    ) -> Result<Profile, ProfileError> {
        let mut copy = self.clone();
        copy.name = name.to_string();
        copy.status = ProfileStatus::Custom;
        for &(question, weight) in weights {
            let i = instrument
                .question_index(question)
                .filter(|&i| self.is_scored(i))
                .ok_or_else(|| ProfileError::item(question, "is not a scored question of the instrument"))?;
            file::check_weight(question, weight)?;
            copy.items[i].weight = weight;
        }
        file::check_dimension_weights(instrument, &copy.items)?;
        Ok(copy)
    }

    /// Question ids with a weight other than 1, with that weight (for summaries).
    pub fn non_unit_weights<'a>(&self, instrument: &'a Instrument) -> Vec<(&'a str, f64)> {
        instrument
            .questions
            .iter()
            .zip(&self.items)
            .filter(|(_, item)| item.weight != 1.0)
            .map(|(q, item)| (q.id.as_str(), item.weight))
            .collect()
    }
}

#[cfg(test)]
mod tests;

/// Read from JSON by its name (`provisional`), as plans keep the status of their baseline scores.
impl<'de> serde::Deserialize<'de> for ProfileStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ProfileStatus::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("`{name}` is not a profile status")))
    }
}
