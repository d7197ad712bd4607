//! `homeward rss xlsform`: the survey as an XLSForm for ODK Collect and KoboToolbox.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use homeward_rss::builtin;
use homeward_xlsform::{CaseChoice, rss_form};

use crate::output::write_atomically;

pub fn run(output: &Path, langs: &[String], profile: Option<&Path>) -> anyhow::Result<ExitCode> {
    let instrument = builtin::instrument();
    let profile = super::load_profile(&instrument, profile)?;
    let langs: Vec<&str> = langs.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
    let form = rss_form(&instrument, &profile, &langs, CaseChoice::Number)?;
    let bytes = form.to_xlsx()?;
    write_atomically(output, |file| Ok(file.write_all(&bytes)?))?;
    eprintln!(
        "Wrote {} (form id {}, {} questions, languages {}; Q21 computed with profile {}).",
        output.display(),
        homeward_xlsform::FORM_ID,
        instrument.questions.len(),
        langs.join(", "),
        profile.name
    );
    Ok(ExitCode::SUCCESS)
}
