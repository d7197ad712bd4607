//! One module per subcommand. Each returns the process exit code, or an error (exit 2).

pub mod admin;
pub mod analyze;
pub mod audit;
pub mod backup;
pub mod demo;
pub mod export;
pub mod import;
pub mod migrate;
pub mod rss_demo;
pub mod rss_profile;
pub mod rss_rescore;
pub mod rss_score;
pub mod rss_sensitivity;
pub mod rss_xlsform;
pub mod serve;

use std::path::Path;

use anyhow::Context;
use homeward_rss::{Instrument, Profile, ProfileStatus, Scorer, builtin};

/// The bundled instrument with the profile from `path`, or the provisional one.
pub fn load_scorer(path: Option<&Path>) -> anyhow::Result<Scorer> {
    let instrument = builtin::instrument();
    let profile = load_profile(&instrument, path)?;
    Ok(Scorer::new(instrument, profile))
}

pub fn load_profile(instrument: &Instrument, path: Option<&Path>) -> anyhow::Result<Profile> {
    let Some(path) = path else {
        return Ok(builtin::provisional_profile(instrument));
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read profile {}", path.display()))?;
    Profile::from_toml(&text, instrument).with_context(|| format!("profile {} refused", path.display()))
}

/// A line that says plainly whether the scores may be presented as IOM's.
pub fn profile_line(profile: &Profile) -> String {
    match profile.status {
        ProfileStatus::Official => format!("Profile: {} (official)", profile.name),
        ProfileStatus::Custom => format!("Profile: {} (custom: not IOM's official scoring)", profile.name),
        ProfileStatus::Provisional => format!(
            "Profile: {} (PROVISIONAL: not IOM's official weights; load an official profile with --profile FILE)",
            profile.name
        ),
    }
}
