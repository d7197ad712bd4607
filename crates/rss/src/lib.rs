//! The Reintegration Sustainability Survey (RSS) engine.
//!
//! - [`Instrument`]: what is asked and when (questions, codes, skip logic, the derived Q21), loaded
//!   from a versioned data file and validated.
//! - [`Profile`]: what each answer is worth (values, weights, composite method, bands), a separate
//!   data file. The bundled profile `rss-provisional-1` is **not IOM's official scoring**.
//! - [`Scorer`]: a pure function from one survey's answers to its status, item values, scores and bands.
//!
//! Nothing here touches files or the network: callers hand in text.

pub mod builtin;
pub mod instrument;
pub mod profile;
pub mod scoring;
mod text;

pub use instrument::{Choice, Instrument, InstrumentError, NonAnswer, Question, QuestionKind};
pub use profile::{CompositeMethod, Profile, ProfileError, ProfileStatus};
pub use scoring::{Band, Outcome, Reason, Scorer, Status, Survey};
pub use text::Labels;
