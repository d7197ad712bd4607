//! `homeward rss profile check`: validate a profile and show what it says.

use std::path::Path;
use std::process::ExitCode;

use homeward_rss::builtin;

pub fn check(path: &Path) -> anyhow::Result<ExitCode> {
    let instrument = builtin::instrument();
    let profile = super::load_profile(&instrument, Some(path))?;
    let valued: usize = (0..instrument.questions.len()).map(|i| profile.item(i).values.iter().flatten().count()).sum();
    // Scored items whose weight is not 1 (unscored items weigh 0 and are left out).
    let weights: Vec<String> = instrument
        .questions
        .iter()
        .enumerate()
        .filter(|&(i, _)| profile.is_scored(i) && profile.item(i).weight != 1.0)
        .map(|(i, q)| format!("{} = {}", q.id, profile.item(i).weight))
        .collect();
    let scored = (0..instrument.questions.len()).filter(|&i| profile.is_scored(i)).count();
    println!("{} is a valid profile.", path.display());
    println!("{}", super::profile_line(&profile));
    println!("  status:        {}", profile.status);
    println!("  instrument:    {} {}", instrument.id, instrument.version);
    println!("  source:        {}", profile.source);
    println!("  composite:     {}", profile.composite.as_str());
    println!(
        "  bands:         intensive below {}, light above {}, standard between",
        profile.bands.intensive_below, profile.bands.light_above
    );
    println!("  low accuracy:  more than {} dk/dwa answers", profile.low_accuracy_above);
    println!("  scored items:  {scored}, with {valued} answer values");
    println!(
        "  weights:       {} (every other scored item weighs 1)",
        if weights.is_empty() { "all 1".into() } else { weights.join(", ") }
    );
    Ok(ExitCode::SUCCESS)
}
