//! The instrument and profile shipped with Homeward, compiled into the binary so it runs anywhere.

use crate::{Instrument, Profile};

/// Text of `data/rss/instrument.toml`.
pub const INSTRUMENT_TOML: &str = include_str!("../../../data/rss/instrument.toml");

/// Text of `data/rss/profiles/rss-provisional-1.toml`: provisional, not IOM's official values.
pub const PROVISIONAL_PROFILE_TOML: &str = include_str!("../../../data/rss/profiles/rss-provisional-1.toml");

/// Name of the default profile.
pub const PROVISIONAL_PROFILE_NAME: &str = "rss-provisional-1";

/// The bundled instrument. It is validated by the test suite, so failing here is a build defect.
pub fn instrument() -> Instrument {
    Instrument::from_toml(INSTRUMENT_TOML).expect("bundled instrument is valid (tested)")
}

/// The bundled provisional profile for `instrument`.
pub fn provisional_profile(instrument: &Instrument) -> Profile {
    Profile::from_toml(PROVISIONAL_PROFILE_TOML, instrument).expect("bundled profile is valid (tested)")
}
