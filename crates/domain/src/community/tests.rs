use super::*;
use crate::lifecycle::check_table;

fn catalogue() -> &'static ProjectCatalogue {
    ProjectCatalogue::builtin()
}

/// Every criterion judged `met` as `negative` and `positive` say.
fn screening(negative_met: bool) -> Screening {
    let answers = catalogue()
        .criteria
        .iter()
        .map(|c| CriterionAnswer {
            criterion: c.id.clone(),
            met: if c.kind == Some(CriterionKind::Negative) { negative_met && c.id == "not_viable" } else { true },
            reason: "seen in the focus group".into(),
        })
        .collect();
    Screening { answers }
}

#[test]
fn the_catalogue_holds_table_3_2_and_3_3_and_the_activities_of_sections_3_3_to_3_5() {
    let c = catalogue();
    assert_eq!(c.approaches.len(), 3);
    assert_eq!(c.criteria.iter().filter(|e| e.kind == Some(CriterionKind::Positive)).count(), 9);
    assert_eq!(c.criteria.iter().filter(|e| e.kind == Some(CriterionKind::Negative)).count(), 4);
    assert_eq!(c.activity("peer_support").unwrap().dimension, Some(crate::feasibility::Dimension::Psychosocial));
    assert_eq!(c.criterion("not_viable").unwrap().text("fr"), "Jugé non viable");
    let broken = [
        ("format = 2\nsource = \"x\"\napproach = []\nactivity = []\ncriterion = []", "format 2"),
        ("format = 1\nsource = \"x\"\napproach = []\nactivity = []\ncriterion = []", "no approach"),
        (
            "format = 1\nsource = \"x\"\nactivity = []\ncriterion = []\n[[approach]]\nid = \"A\"\nen = \"a\"\nfr = \"a\"\nline = 1",
            "snake_case",
        ),
    ];
    for (text, says) in broken {
        assert!(ProjectCatalogue::parse(text).unwrap_err().to_string().contains(says), "{text}");
    }
}

#[test]
fn a_project_moves_through_screening_and_approval_as_its_table_says() {
    check_table(&PROJECT, ProjectState::ALL);
    use ProjectAction as A;
    use ProjectState as S;
    assert!(PROJECT.next(S::Proposed, A::Approve).is_err(), "never approved unscreened");
    assert_eq!(PROJECT.next(S::Screened, A::Screen), Ok(S::Screened), "screened again");
    assert_eq!(PROJECT.next(S::Screened, A::Approve), Ok(S::Approved));
    assert_eq!(PROJECT.next(S::Approved, A::Start), Ok(S::Running));
    assert!(PROJECT.is_final(S::Completed) && PROJECT.is_final(S::Abandoned));
}

#[test]
fn a_screening_judges_every_criterion_once_with_a_reason() {
    assert_eq!(screening(false).validate(catalogue()), Ok(()));
    let mut s = screening(false);
    s.answers.pop();
    s.answers[0].reason = " ".into();
    s.answers.push(s.answers[1].clone());
    let fields: Vec<(String, String)> =
        s.validate(catalogue()).unwrap_err().into_iter().map(|e| (e.field, e.code)).collect();
    assert!(fields.contains(&("answers[0].reason".into(), "required".into())), "{fields:?}");
    assert!(fields.iter().any(|(_, code)| code == "listed_twice"), "{fields:?}");
    assert!(fields.contains(&("answers".into(), "criterion_unanswered".into())), "{fields:?}");
    assert_eq!(screening(false).positives(catalogue()), (9, 9));
}

#[test]
fn approving_a_project_that_meets_a_negative_criterion_needs_a_justification() {
    let c = catalogue();
    assert!(check_approval(None, c, None).is_err(), "not screened");
    assert_eq!(check_approval(Some(&screening(false)), c, None), Ok(()));
    let risky = screening(true);
    let refused = check_approval(Some(&risky), c, Some("  ")).unwrap_err();
    assert_eq!(
        (refused[0].field.as_str(), refused[0].code.as_str()),
        ("justification", "negative_needs_justification")
    );
    assert!(refused[0].message.contains("not_viable"), "{}", refused[0].message);
    assert_eq!(check_approval(Some(&risky), c, Some("a business plan reviewed by the chamber of commerce")), Ok(()));
}

#[test]
fn a_participant_is_a_returnee_by_case_or_a_community_member_by_name_sex_and_age_group() {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let returnee = NewParticipant {
        kind: ParticipantKind::Returnee,
        case_id: Some("c1".into()),
        name: None,
        sex: None,
        age_group: None,
        role: "member".into(),
        joined_on: day,
    };
    assert_eq!(returnee.validate(), Ok(()));
    let member = NewParticipant { kind: ParticipantKind::CommunityMember, case_id: None, ..returnee.clone() };
    let fields: Vec<String> = member.validate().unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["name", "sex", "age_group"]);
}
