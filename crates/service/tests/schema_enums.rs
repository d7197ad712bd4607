//! The database allows in each state column exactly the names the code has for it: a state added
//! to an enum without a migration, or to a migration without the enum, fails here.

use std::collections::BTreeSet;

use homeward_domain::Named;
use homeward_store::Store;

fn names<N: Named + Copy>(all: &[N]) -> BTreeSet<String> {
    all.iter().map(|n| n.name().to_string()).collect()
}

#[tokio::test]
async fn every_state_column_allows_exactly_the_codes_names() {
    use homeward_domain::access::{Role, Section};
    use homeward_domain::case::CaseState;
    use homeward_domain::plan::PlanState;
    use homeward_domain::records::RecordKind;
    use homeward_domain::referral::ReferralState;
    use homeward_domain::returnee::Sex;
    use homeward_domain::survey::{InterviewLocation, SurveyPhase};
    use homeward_rss::{Band, ProfileStatus, Status};

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("enums.db").display())).await.unwrap();
    let schema = store.schema().await.unwrap();
    store.close().await;
    let allowed = |table: &str, column: &str| -> BTreeSet<String> {
        let checks = &schema[table].checks;
        let check = checks.iter().find(|c| c.column == column);
        check.unwrap_or_else(|| panic!("no CHECK on {table}.{column}")).values.clone()
    };
    let bands: BTreeSet<String> = Band::ALL.iter().map(|b| b.as_str().to_string()).collect();
    let statuses = [Status::Scored, Status::Discarded, Status::Invalid].iter().map(|s| s.as_str().to_string());
    let profiles = [ProfileStatus::Provisional, ProfileStatus::Official, ProfileStatus::Custom];
    let expected = [
        ("users", "role", names(Role::ALL)),
        ("cases", "status", names(CaseState::ALL)),
        ("cases", "sex", names(Sex::ALL)),
        ("cases", "latest_band", bands.clone()),
        ("case_records", "kind", names(RecordKind::ALL)),
        ("case_records", "section", names(Section::ALL)),
        ("surveys", "phase", names(SurveyPhase::ALL)),
        ("surveys", "location", names(InterviewLocation::ALL)),
        ("survey_results", "status", statuses.collect()),
        ("survey_results", "profile_status", profiles.iter().map(|s| s.as_str().to_string()).collect()),
        ("survey_results", "economic_band", bands.clone()),
        ("survey_results", "social_band", bands.clone()),
        ("survey_results", "psychosocial_band", bands.clone()),
        ("survey_results", "composite_band", bands),
        ("plans", "state", names(PlanState::ALL)),
        ("referrals", "state", names(ReferralState::ALL)),
        ("community_projects", "state", names(homeward_domain::community::ProjectState::ALL)),
        ("community_projects", "dimension", names(homeward_domain::feasibility::Dimension::ALL)),
        ("project_participants", "kind", names(homeward_domain::community::ParticipantKind::ALL)),
        ("project_ledger", "kind", names(homeward_domain::community::LedgerKind::ALL)),
        ("project_satisfaction", "respondent", names(homeward_domain::community::ParticipantKind::ALL)),
        ("project_satisfaction", "sex", names(Sex::ALL)),
        ("project_satisfaction", "age_group", names(homeward_domain::community::AgeGroup::ALL)),
        ("documents", "kind", names(homeward_domain::document::DocumentKind::ALL)),
        ("documents", "section", names(Section::ALL)),
        ("documents", "file_type", names(homeward_domain::document::FileType::ALL)),
        ("documents", "storage", names(homeward_domain::document::Storage::ALL)),
        ("offices", "role", names(homeward_domain::office::OfficeRole::ALL)),
        ("stakeholders", "category", names(homeward_domain::community::StakeholderCategory::ALL)),
        ("stakeholders", "interest", names(homeward_domain::community::Degree::ALL)),
        ("stakeholders", "influence", names(homeward_domain::community::Degree::ALL)),
        ("stakeholders", "stance", names(homeward_domain::community::Stance::ALL)),
    ];
    for (table, column, names) in expected {
        assert_eq!(allowed(table, column), names, "{table}.{column}");
    }
}

/// The rounds the RSS form offers are the survey phases a submission is stored under, and the
/// interview locations are the survey's: a form's answer always has somewhere to go.
#[test]
fn the_forms_rounds_and_locations_are_the_codes_names() {
    use homeward_domain::survey::{InterviewLocation, SurveyPhase};
    let instrument = homeward_rss::builtin::instrument();
    let rounds: Vec<String> = instrument.texts.rounds.iter().map(|(code, _)| code.clone()).collect();
    let phases: Vec<String> = SurveyPhase::ALL.iter().map(|p| p.name().to_string()).collect();
    assert_eq!(rounds, phases);
    let location = instrument.profile_fields.iter().find(|f| f.name == "interview_location").unwrap();
    let codes: BTreeSet<String> = location.choices.iter().map(|c| c.code.clone()).collect();
    assert_eq!(codes, names(InterviewLocation::ALL));
}
