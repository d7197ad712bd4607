//! `homeward rss rescore --profile FILE`: adds a result under another scoring profile to every
//! stored survey that has none (IOM's official weights received, say), never changing a result
//! there is. The dashboards then offer the profile.

use std::path::Path;
use std::process::ExitCode;

use super::admin::command_line;
use super::{load_scorer, profile_line};
use crate::database::{DatabaseArg, block_on};

pub fn run(database: &DatabaseArg, profile: &Path) -> anyhow::Result<ExitCode> {
    let scorer = load_scorer(Some(profile))?;
    println!("{}", profile_line(scorer.profile()));
    block_on(async {
        let store = database.open().await?;
        let services = database.services(&store).await?;
        let report = homeward_service::programme::rescore(&services, &command_line(), &scorer).await;
        services.close().await;
        let r = report.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "{} surveys given a result under {}: {} scored, {} discarded, {} invalid; {} already had one, kept.",
            r.scored + r.discarded + r.invalid,
            r.profile,
            r.scored,
            r.discarded,
            r.invalid,
            r.kept
        );
        Ok(ExitCode::SUCCESS)
    })?
}
