//! Reading and validating a profile file against an instrument. Every error names its item.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{BandThresholds, CompositeMethod, ItemScoring, Profile, ProfileStatus};
use crate::{Instrument, QuestionKind};

const FORMAT: u32 = 1;

/// Why a profile was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("profile file is not valid TOML for a profile: {0}")]
    Syntax(String),
    #[error("profile item {item}: {message}")]
    Item { item: String, message: String },
}

impl ProfileError {
    pub(crate) fn item(item: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Item { item: item.into(), message: message.into() }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    format: u32,
    name: String,
    status: String,
    instrument: String,
    source: String,
    composite: String,
    low_accuracy_above: u32,
    bands: RawBands,
    items: BTreeMap<String, RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBands {
    intensive_below: f64,
    light_above: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    weight: f64,
    #[serde(default)]
    values: BTreeMap<String, f64>,
}

impl Profile {
    /// Parses a profile file and checks it against `instrument`.
    pub fn from_toml(text: &str, instrument: &Instrument) -> Result<Self, ProfileError> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| ProfileError::Syntax(e.to_string()))?;
        raw.validate(instrument)
    }
}

pub(super) fn check_weight(question: &str, weight: f64) -> Result<(), ProfileError> {
    if weight.is_finite() && weight >= 0.0 {
        Ok(())
    } else {
        Err(ProfileError::item(question, format!("weight {weight} must be a number of 0 or more")))
    }
}

/// A dimension whose weights are all 0 could never have a score.
pub(super) fn check_dimension_weights(instrument: &Instrument, items: &[ItemScoring]) -> Result<(), ProfileError> {
    for (d, dimension) in instrument.dimensions.iter().enumerate() {
        let total: f64 =
            instrument.questions.iter().zip(items).filter(|(q, _)| q.dimension == d).map(|(_, item)| item.weight).sum();
        if total <= 0.0 {
            return Err(ProfileError::item(&dimension.id, "no item of this dimension has a weight above 0"));
        }
    }
    Ok(())
}

impl RawProfile {
    fn validate(mut self, instrument: &Instrument) -> Result<Profile, ProfileError> {
        if self.format != FORMAT {
            return Err(ProfileError::item(
                "format",
                format!("format {} is not supported (this Homeward reads format {FORMAT})", self.format),
            ));
        }
        if self.name.trim().is_empty() {
            return Err(ProfileError::item("name", "must not be empty"));
        }
        let status = match self.status.as_str() {
            "provisional" => ProfileStatus::Provisional,
            "official" => ProfileStatus::Official,
            "custom" => ProfileStatus::Custom,
            other => {
                return Err(ProfileError::item(
                    "status",
                    format!("'{other}' is not one of provisional, official, custom"),
                ));
            }
        };
        if self.instrument != instrument.id {
            return Err(ProfileError::item(
                "instrument",
                format!("the profile is for '{}', not for '{}'", self.instrument, instrument.id),
            ));
        }
        let composite = match self.composite.as_str() {
            "weighted_items" => CompositeMethod::WeightedItems,
            "mean_of_dimensions" => CompositeMethod::MeanOfDimensions,
            other => {
                return Err(ProfileError::item(
                    "composite",
                    format!("'{other}' is not one of weighted_items, mean_of_dimensions"),
                ));
            }
        };
        let b = &self.bands;
        let in_unit = |x: f64| (0.0..=1.0).contains(&x);
        if !(in_unit(b.intensive_below) && in_unit(b.light_above) && b.intensive_below <= b.light_above) {
            return Err(ProfileError::item(
                "bands",
                format!("need 0 <= intensive_below ({}) <= light_above ({}) <= 1", b.intensive_below, b.light_above),
            ));
        }
        if let Some(unknown) = self.items.keys().find(|id| instrument.question_index(id).is_none()) {
            return Err(ProfileError::item(unknown, "unknown question: the instrument has no such question"));
        }

        let mut items = Vec::with_capacity(instrument.questions.len());
        for q in &instrument.questions {
            let Some(raw) = self.items.remove(&q.id) else {
                if q.scored {
                    return Err(ProfileError::item(
                        &q.id,
                        "is a scored item but the profile gives it no weight or values",
                    ));
                }
                items.push(ItemScoring { scored: false, weight: 0.0, values: Vec::new() });
                continue;
            };
            if !q.scored {
                return Err(ProfileError::item(
                    &q.id,
                    "is not scored by the instrument, so it cannot have a weight or values",
                ));
            }
            check_weight(&q.id, raw.weight)?;
            if let QuestionKind::Derived { .. } = q.kind {
                if !raw.values.is_empty() {
                    return Err(ProfileError::item(
                        &q.id,
                        "is derived from other questions, so it takes a weight but no values",
                    ));
                }
                items.push(ItemScoring { scored: true, weight: raw.weight, values: Vec::new() });
                continue;
            }
            for (code, value) in &raw.values {
                let Some(choice) = q.choices.iter().find(|c| &c.code == code) else {
                    return Err(ProfileError::item(
                        &q.id,
                        format!("unknown code '{code}': not a choice of this question"),
                    ));
                };
                if choice.non_answer.is_some() {
                    return Err(ProfileError::item(
                        &q.id,
                        format!("code '{code}' is a non-answer and is never scored, so it cannot have a value"),
                    ));
                }
                if !(value.is_finite() && (0.0..=1.0).contains(value)) {
                    return Err(ProfileError::item(&q.id, format!("value {value} of code '{code}' is outside 0..1")));
                }
            }
            let values = q
                .choices
                .iter()
                .map(|c| match (c.non_answer, raw.values.get(&c.code)) {
                    (Some(_), _) => Ok(None),
                    (None, Some(v)) => Ok(Some(*v)),
                    (None, None) => Err(ProfileError::item(&q.id, format!("code '{}' has no value", c.code))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            items.push(ItemScoring { scored: true, weight: raw.weight, values });
        }
        check_dimension_weights(instrument, &items)?;
        Ok(Profile {
            name: self.name,
            status,
            instrument: self.instrument,
            source: self.source,
            composite,
            low_accuracy_above: self.low_accuracy_above,
            bands: BandThresholds { intensive_below: self.bands.intensive_below, light_above: self.bands.light_above },
            items,
        })
    }
}
