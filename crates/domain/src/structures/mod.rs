//! The structural level of the integrated approach (handbook section 4.1): the coordination
//! mechanisms and agreements an office keeps with its partners (SOPs, MoUs, data-sharing
//! agreements), and the capacity building it gives stakeholders, measured by a questionnaire
//! before and after. The types of support and the questionnaire are data
//! (`data/programme/structures.toml`). The stakeholder map is `crate::community::stakeholder`.

pub mod agreement;
pub mod capacity;
pub mod catalogue;

pub use agreement::{Agreement, AgreementKind, AgreementStatus};
pub use capacity::{CapacityActivity, Moment, Questionnaire};
pub use catalogue::{AnswerKind, Asked, Question, StructuresCatalogue};
