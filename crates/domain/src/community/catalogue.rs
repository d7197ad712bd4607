//! What community projects are made of, as data (`data/programme/community-projects.toml`): the
//! approaches of Table 3.3, the kinds of activity of sections 3.3-3.5 with their dimension, and the
//! screening criteria of Table 3.2, positive and negative. Checked when loaded.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::feasibility::Dimension;

named_enum! {
    /// Whether meeting a criterion speaks for a project or against it (Table 3.2's columns).
    pub enum CriterionKind {
        Positive = "positive",
        Negative = "negative",
    }
}

/// A text of the catalogue in each language, with the handbook line it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub en: String,
    pub fr: String,
    pub line: u32,
    #[serde(default)]
    pub dimension: Option<Dimension>,
    #[serde(default)]
    pub kind: Option<CriterionKind>,
}

impl Entry {
    /// The text in `language` (English when the catalogue has no other).
    pub fn text(&self, language: &str) -> &str {
        if language == "fr" { &self.fr } else { &self.en }
    }
}

/// The catalogue of approaches, activities and criteria.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectCatalogue {
    pub format: u32,
    pub source: String,
    #[serde(rename = "approach")]
    pub approaches: Vec<Entry>,
    #[serde(rename = "activity")]
    pub activities: Vec<Entry>,
    #[serde(rename = "criterion")]
    pub criteria: Vec<Entry>,
}

/// Why the catalogue file cannot be used, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("community projects catalogue: {0}")]
pub struct CatalogueError(pub String);

const BUILTIN: &str = include_str!("../../../../data/programme/community-projects.toml");

impl ProjectCatalogue {
    /// Reads and checks a catalogue: known format, ids unique and snake_case, texts in both
    /// languages, every activity with its dimension, every criterion positive or negative.
    pub fn parse(text: &str) -> Result<ProjectCatalogue, CatalogueError> {
        let c: ProjectCatalogue = toml::from_str(text).map_err(|e| CatalogueError(e.to_string()))?;
        if c.format != 1 {
            return Err(CatalogueError(format!("format {} is not known (1 is)", c.format)));
        }
        let mut seen = HashSet::new();
        for (list, entries) in [("approach", &c.approaches), ("activity", &c.activities), ("criterion", &c.criteria)] {
            if entries.is_empty() {
                return Err(CatalogueError(format!("no {list}")));
            }
            for e in entries {
                let shaped = !e.id.is_empty() && e.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                if !shaped || !seen.insert((list, e.id.clone())) {
                    return Err(CatalogueError(format!("{list} '{}': ids are unique snake_case words", e.id)));
                }
                if e.en.trim().is_empty() || e.fr.trim().is_empty() {
                    return Err(CatalogueError(format!("{list} '{}': needs its text in English and French", e.id)));
                }
                let fits = match list {
                    "approach" => e.dimension.is_none() && e.kind.is_none(),
                    "activity" => e.dimension.is_some() && e.kind.is_none(),
                    _ => e.kind.is_some() && e.dimension.is_none(),
                };
                if !fits {
                    let wants = match list {
                        "approach" => "neither a dimension nor a kind",
                        "activity" => "a dimension and no kind",
                        _ => "a kind (positive or negative) and no dimension",
                    };
                    return Err(CatalogueError(format!("{list} '{}': has {wants}", e.id)));
                }
            }
        }
        Ok(c)
    }

    /// The catalogue shipped with Homeward.
    pub fn builtin() -> &'static ProjectCatalogue {
        static CATALOGUE: OnceLock<ProjectCatalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| ProjectCatalogue::parse(BUILTIN).expect("the builtin catalogue is valid (tested)"))
    }

    pub fn approach(&self, id: &str) -> Option<&Entry> {
        self.approaches.iter().find(|e| e.id == id)
    }

    pub fn activity(&self, id: &str) -> Option<&Entry> {
        self.activities.iter().find(|e| e.id == id)
    }

    pub fn criterion(&self, id: &str) -> Option<&Entry> {
        self.criteria.iter().find(|e| e.id == id)
    }
}
