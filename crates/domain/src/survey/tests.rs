use chrono::NaiveDate;
use homeward_rss::{Profile, Scorer, Status, Survey, builtin};
use homeward_test_support::BEST_ANSWERS;

use super::*;

fn scorer() -> Scorer {
    let inst = builtin::instrument();
    let profile = builtin::provisional_profile(&inst);
    Scorer::new(inst, profile)
}

fn official_scorer() -> Scorer {
    let inst = builtin::instrument();
    let text = builtin::PROVISIONAL_PROFILE_TOML
        .replace("name = \"rss-provisional-1\"", "name = \"iom-official-2026\"")
        .replace("status = \"provisional\"", "status = \"official\"")
        .replace("[items.Q2]\nweight = 2", "[items.Q2]\nweight = 3");
    let profile = Profile::from_toml(&text, &inst).unwrap();
    Scorer::new(inst, profile)
}

fn answers(changes: &[(&str, &str)], consent: &str) -> Survey {
    let inst = builtin::instrument();
    let pairs = BEST_ANSWERS
        .iter()
        .copied()
        .filter(|(q, _)| !changes.iter().any(|(c, _)| c == q))
        .chain(changes.iter().copied());
    Survey::from_pairs(&inst, consent, pairs).unwrap()
}

fn take(survey: Survey) -> SurveyInstance {
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    SurveyInstance::record(
        SurveyPhase::Baseline,
        date,
        InterviewLocation::Office,
        " M. Diallo ",
        false,
        survey,
        &scorer(),
    )
}

#[test]
fn a_survey_is_scored_when_recorded_and_the_result_names_its_profile() {
    let instance = take(answers(&[("Q2", "very_often")], "yes"));
    assert_eq!(instance.interviewer, "M. Diallo");
    let [result] = instance.results() else { panic!("one result") };
    assert_eq!((result.profile.as_str(), result.profile_status), ("rss-provisional-1", ProfileStatus::Provisional));
    assert_eq!(result.status, Status::Scored);
    assert_eq!(result.dimensions[0], Some(0.8));
}

#[test]
fn rescoring_under_another_profile_adds_a_result_and_keeps_the_first() {
    let mut instance = take(answers(&[("Q2", "very_often")], "yes"));
    let first = instance.results()[0].clone();
    let official = instance.score_with(&official_scorer()).clone();
    assert_eq!(official.profile, "iom-official-2026");
    // Q2 at 0 weighs 3 instead of 2: economic 8/11 instead of 8/10.
    assert_eq!(official.dimensions[0], Some(8.0 / 11.0));
    assert_eq!(instance.results().len(), 2);
    assert_eq!(instance.results()[0], first, "the first result is untouched");
    // The same profile again adds nothing.
    instance.score_with(&official_scorer());
    instance.score_with(&scorer());
    assert_eq!(instance.results().len(), 2);
    assert_eq!(instance.result("rss-provisional-1"), Some(&first));
}

#[test]
fn discarded_and_invalid_attempts_stay_on_record_with_their_reason() {
    let refused = take(answers(&[], "no"));
    let result = refused.result("rss-provisional-1").unwrap();
    assert_eq!((result.status, result.composite), (Status::Discarded, None));
    assert_eq!(result.reason.as_deref(), Some("consent: 'no' is not 'yes'"));

    let wrong = take(answers(&[("Q8", "land no")], "yes"));
    let result = wrong.result("rss-provisional-1").unwrap();
    assert_eq!(result.status, Status::Invalid);
    assert!(result.reason.as_deref().unwrap().starts_with("Q8: 'no' stands alone"));
}
