//! The demo's structural level and mentoring: the Dakar office's agreements (data-sharing
//! agreements with the directory's providers, an SOP, an MoU near its end on the case manager's
//! worklist), capacity building with questionnaires before and after, mentors, and mentorships
//! of Dakar returnees (a third of the demo cases, started after their baseline survey) with
//! their sessions, so the pages, the structural indicator and the mentoring comparison show
//! real data.

use chrono::{Days, NaiveDate};
use homeward_service::auth::Caller;
use homeward_service::{Services, agreements, capacity, mentoring, stakeholders};
use serde_json::json;

use super::flows::{refused, typed};

fn ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn ahead(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_add_days(Days::new(days)).unwrap_or(today)
}

/// The data-sharing agreements that let referrals send data to the directory's first two
/// providers (the clinic's near its end, on the supervisor's worklist).
pub async fn sharing_agreements(svc: &Services, by: &Caller, providers: &[(String, String)]) -> anyhow::Result<()> {
    let today = homeward_store::today();
    for (i, (id, organisation)) in providers.iter().enumerate() {
        let ends = if i == 0 { ahead(today, 300) } else { ahead(today, 40) };
        let a = json!({"kind": "data_sharing", "title": format!("Data-sharing agreement: {organisation}"), "office": "dakar",
            "parties": ["OIM Sénégal", organisation], "provider": id,
            "scope": "Name, age, contacts and the needs referred, for returnees who consent; feedback on the service given",
            "signed_on": ago(today, 400), "starts_on": ago(today, 395), "ends_on": ends, "responsible": "supervisor"});
        agreements::create(svc, by, typed(a)?).await.map_err(refused)?;
    }
    Ok(())
}

/// The office's other agreements and its capacity building.
pub async fn create(svc: &Services, by: &Caller) -> anyhow::Result<()> {
    let today = homeward_store::today();
    for (kind, title, parties, ends, responsible) in [
        (
            "sop",
            "SOP: referrals between reintegration partners",
            vec!["OIM Sénégal", "Ministère des Sénégalais de l'extérieur"],
            None,
            "supervisor",
        ),
        (
            "mou",
            "MoU: land for community projects",
            vec!["OIM Sénégal", "Mairie de Pikine"],
            Some(ahead(today, 20)),
            super::CASE_MANAGER,
        ),
        (
            "coordination_mechanism",
            "Regional reintegration working group",
            vec!["Gouvernance locale", "OIM Sénégal", "ONG Jappo"],
            None,
            "supervisor",
        ),
    ] {
        let a = json!({"kind": kind, "title": title, "office": "dakar", "parties": parties,
            "scope": "Who does what in the reintegration of returnees to the Dakar region", "signed_on": ago(today, 500),
            "starts_on": ago(today, 480), "ends_on": ends, "responsible": responsible});
        agreements::create(svc, by, typed(a)?).await.map_err(refused)?;
    }

    // Capacity building with the office's stakeholders, asked before and after.
    let map = stakeholders::list(svc, by).await.map_err(refused)?;
    let ids: Vec<&str> = map.iter().filter(|s| s.stakeholder.office == "dakar").map(|s| s.id.as_str()).collect();
    for (title, support, held, who, engaged) in [
        (
            "Formation : orientation des personnes de retour",
            "training",
            150,
            &ids[..3.min(ids.len())],
            [true, true, false],
        ),
        (
            "Réunion de coordination régionale",
            "coordination_meetings",
            110,
            &ids[2.min(ids.len())..],
            [true, false, true],
        ),
    ] {
        let held_on = ago(today, held);
        let a = json!({"title": title, "office": "dakar", "support": support, "held_on": held_on,
            "facilitator": "OIM Sénégal", "location": "Dakar"});
        let activity = capacity::create(svc, by, typed(a)?).await.map_err(refused)?;
        for (i, stakeholder) in who.iter().enumerate() {
            let p = capacity::NewActivityParticipant { stakeholder: stakeholder.to_string() };
            capacity::add_participant(svc, by, &activity.id, p).await.map_err(refused)?;
            let pre = json!({"moment": "pre", "answered_on": ago(today, held + 5), "respondent": "Point focal",
                "ratings": {"knowledge": 2, "services": 2 + i % 2, "coordination": 2}});
            capacity::answer(svc, by, &activity.id, stakeholder, typed(pre)?).await.map_err(refused)?;
            let post = json!({"moment": "post", "answered_on": ago(today, held - 90), "respondent": "Point focal",
                "ratings": {"knowledge": 4, "services": 3 + i % 2, "coordination": 3 + i % 3},
                "yes_no": {"more_engaged": engaged[i % 3]}});
            capacity::answer(svc, by, &activity.id, stakeholder, typed(post)?).await.map_err(refused)?;
        }
    }

    Ok(())
}

/// The mentors of the Dakar and Thiès offices; made before the cases, whose mentorships start
/// as they go.
pub async fn mentors(svc: &Services, by: &Caller) -> anyhow::Result<()> {
    let today = homeward_store::today();
    for (name, place, office) in [
        ("Diallo Ousmane", "Pikine", "dakar"),
        ("Aminata Fall", "Guédiawaye", "dakar"),
        ("Moussa Ndiaye", "Mbour", "thies"),
    ] {
        let m = json!({"name": name, "office": office, "place": place, "languages": ["fr", "wo"],
            "profile": "Returned from Libya in 2019; runs a tailoring workshop", "training": ["IOM mentoring training (ORION)"],
            "trained_on": ago(today, 900), "contact": "+221 77 000 00 00"});
        mentoring::create_mentor(svc, by, typed(m)?).await.map_err(refused)?;
    }
    Ok(())
}

/// A mentor for a Dakar returnee from `started_on` (after the baseline survey), chosen by `n`,
/// and the notes of a first visit (with a psychosocial part) on `visited_on`.
pub async fn mentor_case(
    svc: &Services,
    by: &Caller,
    case_id: &str,
    n: usize,
    started_on: NaiveDate,
    visited_on: NaiveDate,
) -> anyhow::Result<()> {
    let dakar: Vec<_> = mentoring::mentors(svc, by)
        .await
        .map_err(refused)?
        .into_iter()
        .filter(|m| m.mentor.office == "dakar")
        .collect();
    let selection = json!([{"criterion": "location", "met": true}, {"criterion": "willingness", "met": true},
        {"criterion": "mentor_judgement", "met": true, "note": "known to the mentor through the youth association"}]);
    let start = json!({"mentor": dakar[n / 2 % dakar.len()].id, "started_on": started_on, "selection": selection});
    let m = mentoring::start(svc, by, case_id, typed(start)?).await.map_err(refused)?;
    let session = json!({"held_on": visited_on, "notes": "First visit at home; talked about the workshop plan",
        "psychosocial": "Worried about the family's expectations; sleeps better than at return"});
    mentoring::add_session(svc, by, case_id, &m.id, typed(session)?).await.map_err(refused)?;
    Ok(())
}
