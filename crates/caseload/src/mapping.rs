//! A mapping file: what a caseload's own headers mean, values every row shares, the words a
//! sheet uses for choices, and how its dates are written. TOML, for example:
//!
//! ```toml
//! date_order = "day_first"        # or "month_first"
//!
//! [columns]                       # the file's header = the registration's field
//! "Nom complet du père" = "ignore"
//! "N° passeport" = "id_document"
//!
//! [defaults]                      # a value for every row whose cell is empty or absent
//! office = "dakar"
//! country_of_origin = "SN"
//!
//! [values.sex]                    # a word of the file = a code
//! "1" = "female"
//! "2" = "male"
//! ```

use std::collections::BTreeMap;

use homeward_domain::search::fold;
use serde::Deserialize;
use serde_json::Value;

use crate::cells::{self, DateOrder};
use crate::fields::{Field, Kind, named};

/// What a mapping file says, checked.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub date_order: DateOrder,
    /// Folded header → the field it gives (`None`: `ignore`).
    columns: Vec<(String, String, Option<&'static Field>)>,
    defaults: BTreeMap<&'static str, Value>,
    /// Field → folded word → code.
    words: BTreeMap<&'static str, Vec<(String, String)>>,
}

/// Why a mapping file cannot be used, naming the entry.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("the mapping file cannot be used: {0}")]
pub struct MappingError(pub String);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    date_order: DateOrder,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    defaults: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

/// The most a mapping file may hold (it is a few lines).
const MAX_MAPPING: usize = 64 * 1024;

impl Mapping {
    /// Reads and checks a mapping file.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        if text.len() > MAX_MAPPING {
            return Err(MappingError("it is longer than 64 KB".into()));
        }
        let file: File = toml::from_str(text).map_err(|e| MappingError(e.to_string().trim().replace('\n', " ")))?;
        let field = |section: &str, name: &str| {
            named(name).ok_or_else(|| MappingError(format!("[{section}] '{name}' is no field of the registration")))
        };
        let mut mapping = Mapping { date_order: file.date_order, ..Mapping::default() };
        for (header, name) in file.columns {
            let target = if name == "ignore" { None } else { Some(field("columns", &name)?) };
            mapping.columns.push((fold(&header), header, target));
        }
        for (name, value) in file.values {
            let f = field("values", &name)?;
            if f.kind != Kind::Choice {
                return Err(MappingError(format!("[values.{name}]: {name} has no choices")));
            }
            let mut words = Vec::new();
            for (word, code) in value {
                cells::check_code(f, &code).map_err(|e| MappingError(format!("[values.{name}] {e}")))?;
                words.push((fold(&word), code));
            }
            mapping.words.insert(f.name, words);
        }
        for (name, value) in file.defaults {
            let f = field("defaults", &name)?;
            let read = cells::read(f, value.trim(), mapping.date_order, mapping.words(f.name))
                .map_err(|p| MappingError(format!("[defaults] {name}: {}", p.message)))?;
            mapping.defaults.insert(f.name, read);
        }
        Ok(mapping)
    }

    /// Gives `field` to every row whose cell is empty or absent (the office of a user's own
    /// import when the sheet has no office column).
    pub fn with_default(mut self, field: &str, value: &str) -> Mapping {
        if let Some(f) = named(field).filter(|f| f.kind == Kind::Text) {
            self.defaults.entry(f.name).or_insert_with(|| Value::String(value.to_string()));
        }
        self
    }

    /// The field the mapping gives the column `header`: `Some(None)` for `ignore`.
    pub(crate) fn column(&self, header: &str) -> Option<Option<&'static Field>> {
        let folded = fold(header);
        self.columns.iter().find(|(h, _, _)| *h == folded).map(|(_, _, f)| *f)
    }

    /// The headers the mapping names, as it writes them.
    pub(crate) fn columns_named(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(_, header, _)| header.as_str())
    }

    pub(crate) fn default_of(&self, field: &str) -> Option<&Value> {
        self.defaults.get(field)
    }

    pub(crate) fn words(&self, field: &str) -> Option<&[(String, String)]> {
        self.words.get(field).map(Vec::as_slice)
    }
}
