//! The programme's settings in force: the feasibility grid, the timing rules, the results
//! framework, the RSS scoring profile and the deployment's numbers (minimum cell, session
//! lifetimes). Each is read at start-up from a settings folder when the file is there, else the
//! bundled one, validated with errors that name the file and the item; what was loaded, from
//! where and at which version is kept for administrators to see.

use std::path::{Path, PathBuf};
use std::time::Duration;

use homeward_analytics::indicators::{self, Indicator};
use homeward_domain::feasibility::FeasibilityGrid;
use homeward_domain::timing::TimingRules;
use homeward_rss::{Instrument, Profile};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::settings::Settings;

/// One setting as loaded: its file, where it came from and the version of its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProgrammeFile {
    /// `feasibility_grid`, `timing_rules`, `results_framework`, `rss_profile`, `retention` or
    /// `settings`.
    pub setting: String,
    /// Its file name in a settings folder.
    pub file: String,
    /// `bundled`, or the path it was read from.
    pub source: String,
    /// The first 12 hexadecimal digits of the SHA-256 of its text: two servers with the same
    /// version read the same file.
    pub version: String,
    /// What it holds, in a few words.
    pub summary: String,
}

/// Everything a settings folder sets, loaded and checked.
#[derive(Debug)]
pub struct Programme {
    pub grid: FeasibilityGrid,
    pub timing: TimingRules,
    pub framework: Vec<Indicator>,
    pub profile: Profile,
    pub settings: Settings,
    pub retention: homeward_domain::retention::RetentionPolicy,
    pub files: Vec<ProgrammeFile>,
}

/// Why a settings folder cannot be used: the file, and what is wrong in it (naming the item).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ProgrammeError {
    pub file: PathBuf,
    pub message: String,
}

/// The numbers of `settings.toml`; each optional (the default stands).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    min_cell: Option<u32>,
    session_idle_minutes: Option<u64>,
    session_hours: Option<u64>,
    document_max_mb: Option<u64>,
}

const SETTINGS_TOML: &str =
    "# The bundled defaults.\nmin_cell = 5\nsession_idle_minutes = 30\nsession_hours = 12\ndocument_max_mb = 10\n";

fn version(text: &str) -> String {
    homeward_store::sha256_hex(text.as_bytes())[..12].to_string()
}

/// A file of the folder, or the bundled text: (source, text).
fn read(folder: Option<&Path>, file: &str, bundled: &str) -> Result<(String, String), ProgrammeError> {
    let Some(path) = folder.map(|f| f.join(file)).filter(|p| p.exists()) else {
        return Ok(("bundled".into(), bundled.to_string()));
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ProgrammeError { file: path.clone(), message: format!("cannot be read: {e}") })?;
    Ok((path.display().to_string(), text))
}

impl Programme {
    /// The settings of `folder` (each file that is there), the bundled ones otherwise. A folder
    /// that does not exist is refused: a typo must not silently run on the defaults.
    pub fn load(folder: Option<&Path>, instrument: &Instrument) -> Result<Programme, ProgrammeError> {
        if let Some(f) = folder
            && !f.is_dir()
        {
            return Err(ProgrammeError { file: f.to_path_buf(), message: "is not a folder".into() });
        }
        let refused = |file: &str, message: String| ProgrammeError {
            file: folder.map_or_else(|| PathBuf::from(file), |f| f.join(file)),
            message,
        };
        let mut files = vec![];
        let mut record = |setting: &str, file: &str, source: String, text: &str, summary: String| {
            files.push(ProgrammeFile {
                setting: setting.into(),
                file: file.into(),
                source,
                version: version(text),
                summary,
            });
        };

        let (source, text) = read(folder, "feasibility-grid.toml", homeward_domain::feasibility::BUILTIN_TOML)?;
        let grid = FeasibilityGrid::from_toml(&text).map_err(|e| refused("feasibility-grid.toml", e.to_string()))?;
        record(
            "feasibility_grid",
            "feasibility-grid.toml",
            source,
            &text,
            format!("{} interventions", grid.interventions.len()),
        );

        let (source, text) = read(folder, "timing-rules.toml", homeward_domain::timing::BUILTIN_TOML)?;
        let timing = TimingRules::from_toml(&text).map_err(|e| refused("timing-rules.toml", e.to_string()))?;
        record(
            "timing_rules",
            "timing-rules.toml",
            source,
            &text,
            "when plans, follow-ups and RSS rounds fall due".into(),
        );

        let (source, text) = read(folder, "results-framework.toml", crate::indicators::FRAMEWORK)?;
        let framework = indicators::load(&text).map_err(|e| refused("results-framework.toml", e.to_string()))?;
        record("results_framework", "results-framework.toml", source, &text, format!("{} indicators", framework.len()));

        let (source, text) = read(folder, "rss-profile.toml", homeward_rss::builtin::PROVISIONAL_PROFILE_TOML)?;
        let profile = Profile::from_toml(&text, instrument).map_err(|e| refused("rss-profile.toml", e.to_string()))?;
        record(
            "rss_profile",
            "rss-profile.toml",
            source,
            &text,
            format!("{} ({})", profile.name, profile.status.as_str()),
        );

        let (source, text) = read(folder, "retention.toml", homeward_domain::retention::BUILTIN_TOML)?;
        let retention = homeward_domain::retention::RetentionPolicy::from_toml(&text)
            .map_err(|e| refused("retention.toml", e.to_string()))?;
        let summary = format!("identity anonymised {} years after closure", retention.identity_after_years);
        record("retention", "retention.toml", source, &text, summary);

        let (source, text) = read(folder, "settings.toml", SETTINGS_TOML)?;
        let numbers: SettingsFile = toml::from_str(&text).map_err(|e| refused("settings.toml", e.to_string()))?;
        let mut settings = Settings::default();
        if let Some(n) = numbers.min_cell {
            if n == 0 {
                return Err(refused("settings.toml", "min_cell: must be at least 1".into()));
            }
            settings.min_cell_floor = n;
        }
        for (name, value, unit, slot) in [
            ("session_idle_minutes", numbers.session_idle_minutes, 60, &mut settings.session_idle),
            ("session_hours", numbers.session_hours, 3600, &mut settings.session_lifetime),
        ] {
            match value {
                Some(0) => return Err(refused("settings.toml", format!("{name}: must be at least 1"))),
                Some(n) => *slot = Duration::from_secs(n.saturating_mul(unit)),
                None => {}
            }
        }
        match numbers.document_max_mb {
            Some(n) if !(1..=100).contains(&n) => {
                return Err(refused("settings.toml", "document_max_mb: must be from 1 to 100".into()));
            }
            Some(n) => settings.document_max_bytes = n * 1024 * 1024,
            None => {}
        }
        let summary = format!(
            "minimum cell {}, sessions idle {} min, at most {} h, documents up to {} MB",
            settings.min_cell_floor,
            settings.session_idle.as_secs() / 60,
            settings.session_lifetime.as_secs() / 3600,
            settings.document_max_bytes / (1024 * 1024)
        );
        record("settings", "settings.toml", source, &text, summary);
        Ok(Programme { grid, timing, framework, profile, settings, retention, files })
    }
}

/// The bundled settings' files, the profile being `scorer`'s (given at start-up when it is not
/// the bundled one).
pub fn bundled_files(scorer: &homeward_rss::Scorer) -> Vec<ProgrammeFile> {
    let mut files = Programme::load(None, scorer.instrument()).expect("the bundled settings are valid (tested)").files;
    let profile = scorer.profile();
    let bundled = homeward_rss::builtin::provisional_profile(scorer.instrument()).name;
    if let Some(f) = files.iter_mut().find(|f| f.setting == "rss_profile" && profile.name != bundled) {
        f.source = "given at start-up".into();
        f.version = "-".into();
        f.summary = format!("{} ({})", profile.name, profile.status.as_str());
    }
    files
}

/// A scoring profile surveys have results under.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredProfile {
    pub profile: String,
    #[schema(value_type = String)]
    pub status: homeward_rss::ProfileStatus,
    /// Surveys with a result under it.
    pub surveys: i64,
}

/// The programme settings in force and the profiles stored surveys are scored under.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammeView {
    pub files: Vec<ProgrammeFile>,
    /// The profile new surveys are scored under.
    pub profile: String,
    #[schema(value_type = String)]
    pub profile_status: homeward_rss::ProfileStatus,
    pub stored_profiles: Vec<StoredProfile>,
    /// Surveys stored in all.
    pub surveys: i64,
}

/// What a rescore added.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RescoreReport {
    pub profile: String,
    #[schema(value_type = String)]
    pub profile_status: homeward_rss::ProfileStatus,
    /// Results added: scored, discarded (too many non-answers) and invalid.
    pub scored: usize,
    pub discarded: usize,
    pub invalid: usize,
    /// Surveys that had a result under the profile already, left as they were.
    pub kept: i64,
}

/// The settings in force, for an administrator.
pub async fn view(state: &crate::Services, caller: &crate::auth::Caller) -> crate::Result<ProgrammeView> {
    caller.require(homeward_domain::access::Permission::ManageUsers)?;
    let mut conn = state.store.read().await?;
    let stored = homeward_store::query::surveys::profiles_stored(&mut conn).await?;
    let surveys = homeward_store::query::surveys::count(&mut conn).await?;
    let profile = state.scorer.profile();
    Ok(ProgrammeView {
        files: state.programme.to_vec(),
        profile: profile.name.clone(),
        profile_status: profile.status,
        stored_profiles: stored
            .into_iter()
            .map(|(profile, status, surveys)| StoredProfile { profile, status, surveys })
            .collect(),
        surveys,
    })
}

/// Surveys rescored per transaction.
const RESCORE_CHUNK: i64 = 500;

/// Adds a result under `scorer`'s profile to every stored survey that has none, never changing
/// a result there is; the cases' bands follow when it is the server's profile. One audit entry
/// says who rescored under which profile and how many.
pub async fn rescore(
    state: &crate::Services,
    caller: &crate::auth::Caller,
    scorer: &homeward_rss::Scorer,
) -> crate::Result<RescoreReport> {
    use homeward_store::query::surveys;
    caller.require(homeward_domain::access::Permission::ManageUsers)?;
    let profile = scorer.profile();
    let kept: i64 = {
        let mut conn = state.store.read().await?;
        let stored = surveys::profiles_stored(&mut conn).await?;
        stored.iter().filter(|(p, ..)| *p == profile.name).map(|(.., n)| n).sum()
    };
    let mut report = RescoreReport {
        profile: profile.name.clone(),
        profile_status: profile.status,
        scored: 0,
        discarded: 0,
        invalid: 0,
        kept,
    };
    let mut after = String::new();
    loop {
        let mut tx = state.store.begin().await?;
        let rows = surveys::without_result(&mut tx, &profile.name, &after, RESCORE_CHUNK).await?;
        let Some(last) = rows.last() else { break };
        after = last.id.to_string();
        let at = homeward_store::now();
        let mut results = Vec::with_capacity(rows.len());
        for row in &rows {
            // Answers are stored as Homeward wrote them; one that no longer reads scores as invalid.
            let answers: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&row.answers).unwrap_or_default();
            let outcome = match homeward_rss::Survey::from_pairs(
                scorer.instrument(),
                &row.consent,
                answers.iter().map(|(q, a)| (q.as_str(), a.as_str())),
            ) {
                Ok(survey) => scorer.score(&survey),
                // A question the instrument no longer has: invalid under this profile, said so.
                Err(question) => homeward_rss::Outcome {
                    status: homeward_rss::Status::Invalid,
                    reason: Some(homeward_rss::Reason::UnknownCode { question, value: String::new() }),
                    ..Default::default()
                },
            };
            match outcome.status {
                homeward_rss::Status::Scored => report.scored += 1,
                homeward_rss::Status::Discarded => report.discarded += 1,
                homeward_rss::Status::Invalid => report.invalid += 1,
            }
            results.push(crate::surveys::result_row(profile, &row.id, &outcome, at));
        }
        surveys::insert_results(&mut tx, &results).await?;
        if profile.name == state.scorer.profile().name {
            let cases: Vec<&str> = rows.iter().map(|r| r.case_id.as_str()).collect();
            surveys::refresh_bands(&mut tx, &cases, &profile.name).await?;
        }
        homeward_store::commit(tx).await?;
    }
    let added = report.scored + report.discarded + report.invalid;
    let record = format!("{}:{added}", profile.name);
    let mut tx = state.store.begin().await?;
    homeward_store::audit::append(
        &mut tx,
        &state.audit_key,
        &[crate::audit::entry(caller, "rescore", "surveys", &record, None, &["scores"])],
    )
    .await?;
    homeward_store::commit(tx).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_folder_every_setting_is_the_bundled_one() {
        let instrument = homeward_rss::builtin::instrument();
        let p = Programme::load(None, &instrument).unwrap();
        let settings: Vec<(&str, &str)> = p.files.iter().map(|f| (f.setting.as_str(), f.source.as_str())).collect();
        assert_eq!(
            settings,
            [
                ("feasibility_grid", "bundled"),
                ("timing_rules", "bundled"),
                ("results_framework", "bundled"),
                ("rss_profile", "bundled"),
                ("retention", "bundled"),
                ("settings", "bundled")
            ]
        );
        assert_eq!(p.framework, crate::indicators::bundled_framework());
        assert_eq!(p.settings, Settings::default());
        assert!(p.files.iter().all(|f| f.version.len() == 12));
    }

    #[test]
    fn a_zero_in_the_settings_file_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.toml"), "session_hours = 0\n").unwrap();
        let e = Programme::load(Some(dir.path()), &homeward_rss::builtin::instrument()).unwrap_err();
        assert!(e.to_string().ends_with("settings.toml: session_hours: must be at least 1"), "{e}");
    }
}
