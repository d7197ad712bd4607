//! The community level: a community profile with its returnees, and a community-based project
//! walked from proposal through screening (a negative criterion refused without justification),
//! approval, participants from cases and from the community, and its ledger; scope and
//! pseudonymisation kept. Every scenario runs on SQLite and on PostgreSQL.

mod support;

use axum::http::StatusCode;
use homeward_domain::community::ProjectCatalogue;
use serde_json::{Value, json};
use support::{TestApp, id};

on_both_backends!(
    a_community_project_goes_from_proposal_to_completion_with_its_screening_people_and_money,
    an_office_maps_its_stakeholders_with_the_engagement_the_grid_proposes,
);

fn profile(name: &str, office: &str) -> Value {
    json!({"name": name, "office": office, "country": "SN", "province": "Dakar", "population": 12000,
        "perception_of_returnees": "mixed: returnees seen as a burden by some families",
        "sources": "desk review; two focus groups", "assessed_on": "2026-01-10"})
}

/// Every criterion judged: the positive ones met, and of the negative ones only `negative`.
fn screening(version: i64, negative: Option<&str>) -> Value {
    let answers: Vec<Value> = ProjectCatalogue::builtin()
        .criteria
        .iter()
        .map(|c| {
            let positive = c.kind == Some(homeward_domain::community::CriterionKind::Positive);
            json!({"criterion": c.id, "met": positive || Some(c.id.as_str()) == negative, "reason": "focus group, March"})
        })
        .collect();
    json!({"version": version, "screening": {"answers": answers}})
}

async fn a_community_project_goes_from_proposal_to_completion_with_its_screening_people_and_money(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let me = t.user("me", "me_officer", None, "").await;
    let elsewhere = t.user("cm_thies", "case_manager", Some("thies"), "").await;
    let mut registration = support::registration("Awa", "Ba", "dakar");
    registration["profile"] = json!({"community": "pikine"});
    let (status, awa) = t.post(&root, "/api/v1/cases", registration).await;
    assert_eq!(status, StatusCode::CREATED, "{awa}");
    t.register(&root, "Binta", "Sow", "dakar").await;

    // The community and its returnees (matched by name, whatever the case).
    let (status, community) = t.post(&cm, "/api/v1/communities", profile("Pikine", "dakar")).await;
    assert_eq!(status, StatusCode::CREATED, "{community}");
    let community_id = id(&community);
    let (_, read) = t.get(&cm, &format!("/api/v1/communities/{community_id}")).await;
    assert_eq!(read["returnees"].as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read["returnees"][0]["name"], "Awa Ba");
    let (_, pseudonymised) = t.get(&me, &format!("/api/v1/communities/{community_id}")).await;
    assert_eq!(pseudonymised["returnees"], json!([]), "no names for the M&E officer");
    assert_eq!(t.get(&elsewhere, &format!("/api/v1/communities/{community_id}")).await.0, StatusCode::NOT_FOUND);
    let (status, _) = t.post(&cm, "/api/v1/communities", profile("Touba", "thies")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another office's community");

    // Proposed; never approved unscreened.
    let proposal = json!({"community_id": community_id, "title": "Market garden", "approach": "new_community_project",
        "activity": "local_development_livelihood", "description": "a shared garden and its irrigation"});
    let (status, project) = t.post(&cm, "/api/v1/community-projects", proposal).await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    assert_eq!((project["state"].as_str(), project["dimension"].as_str()), (Some("proposed"), Some("economic")));
    let path = format!("/api/v1/community-projects/{}", id(&project));
    let (status, refused) = t.post(&cm, &format!("{path}/moves"), json!({"action": "approve", "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // Screened with a negative criterion met: no approval without a justification.
    let (status, screened) = t.put(&cm, &format!("{path}/screening"), screening(1, Some("not_viable"))).await;
    assert_eq!(status, StatusCode::OK, "{screened}");
    assert_eq!(screened["negatives_met"], json!(["not_viable"]));
    assert_eq!(screened["positives_met"], json!({"met": 9, "of": 9}));
    let (status, refused) = t.post(&cm, &format!("{path}/moves"), json!({"action": "approve", "version": 2})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["fields"][0]["code"], "negative_needs_justification", "{refused}");
    let (status, incomplete) =
        t.put(&cm, &format!("{path}/screening"), json!({"version": 2, "screening": {"answers": []}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "every criterion is judged: {incomplete}");
    let approve = json!({"action": "approve", "version": 2,
        "justification": "viability reviewed again with the chamber of agriculture: a second well is budgeted"});
    let (status, approved) = t.post(&cm, &format!("{path}/moves"), approve).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert!(approved["justification"].as_str().unwrap().starts_with("viability"));

    // Participants: a returnee by case, a member of the community.
    let returnee = json!({"kind": "returnee", "case_id": id(&awa), "role": "member", "joined_on": "2026-02-01"});
    let (status, added) = t.post(&cm, &format!("{path}/participants"), returnee).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["name"], "Awa Ba");
    let member = json!({"kind": "community_member", "name": "Ndeye Faye", "sex": "female", "age_group": "35_49",
        "role": "group leader", "joined_on": "2026-02-01"});
    assert_eq!(t.post(&cm, &format!("{path}/participants"), member).await.0, StatusCode::CREATED);
    let stranger = json!({"kind": "returnee", "case_id": "nobody", "role": "member", "joined_on": "2026-02-01"});
    let (status, refused) = t.post(&cm, &format!("{path}/participants"), stranger).await;
    assert_eq!((status, refused["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("case_id")));
    let (_, people) = t.get(&cm, &format!("{path}/participants")).await;
    assert_eq!(
        (people["returnees"].as_i64(), people["community_members"].as_i64(), people["women"].as_i64()),
        (Some(1), Some(1), Some(2))
    );
    let (_, counted) = t.get(&me, &format!("{path}/participants")).await;
    assert_eq!(counted["returnees"], 1);
    assert!(
        counted["participants"].as_array().unwrap().iter().all(|p| p["name"].is_null() && p["case_id"].is_null()),
        "{counted}"
    );

    // A plan's community-level component takes part in the project; an individual one cannot.
    let content = |level: &str, project: &str| {
        json!({"place_of_return": "Pikine", "summary": {"economic": "Market garden"},
            "components": [{"dimension": "economic", "level": level, "intervention": "business_start_up_grant",
                "description": "a plot in the garden", "modality": "in_kind", "community_project": project}]})
    };
    let plans = format!("/api/v1/cases/{}/plans", id(&awa));
    let (status, refused) = t.post(&cm, &plans, json!({"content": content("individual", &id(&project))})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["fields"][0]["field"], "content.components[0].community_project");
    let (status, refused) = t.post(&cm, &plans, json!({"content": content("community", "no-such-project")})).await;
    assert_eq!(
        (status, refused["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("no_such_project"))
    );
    let (status, plan) = t.post(&cm, &plans, json!({"content": content("community", &id(&project))})).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert_eq!(plan["content"]["components"][0]["community_project"], id(&project));

    // The outreach focal point works with the community and sees no case data.
    let outreach = t.user("outreach", "outreach", Some("dakar"), "").await;
    let (_, theirs) = t.get(&outreach, &format!("/api/v1/communities/{community_id}")).await;
    assert_eq!(theirs["returnees"], json!([]), "no returnee named");
    let (_, people) = t.get(&outreach, &format!("{path}/participants")).await;
    let named: Vec<&str> =
        people["participants"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(named, ["Ndeye Faye"], "the community member, not the returnee: {people}");
    assert!(people["participants"].as_array().unwrap().iter().all(|p| p["case_id"].is_null()), "{people}");
    let by_case = json!({"kind": "returnee", "case_id": id(&awa), "role": "member", "joined_on": "2026-02-01"});
    assert_eq!(t.post(&outreach, &format!("{path}/participants"), by_case).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.get(&outreach, &format!("/api/v1/cases/{}", id(&awa))).await.0, StatusCode::FORBIDDEN);

    // The ledger: planned against spent, exact per currency.
    let line = |kind: &str, amount: &str| json!({"kind": kind, "date": "2026-02-15", "amount": {"amount": amount, "currency": "XOF"}, "description": "seeds"});
    assert_eq!(t.post(&cm, &format!("{path}/ledger"), line("planned", "500000")).await.0, StatusCode::CREATED);
    let (status, ledger) = t.post(&cm, &format!("{path}/ledger"), line("spent", "125000")).await;
    assert_eq!(status, StatusCode::CREATED, "{ledger}");
    assert_eq!(
        ledger["totals"],
        json!([{"currency": "XOF", "planned": "500000", "spent": "125000", "remaining": "375000"}])
    );
    let (status, refused) = t.post(&cm, &format!("{path}/ledger"), line("spent", "12.5")).await;
    assert_eq!(
        (status, refused["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("amount.amount"))
    );

    // Run and closed; a closed project takes no one new; another office sees nothing.
    let (status, started) =
        t.post(&cm, &format!("{path}/moves"), json!({"action": "start", "version": 3, "on": "2026-02-01"})).await;
    assert_eq!((status, started["started_on"].as_str()), (StatusCode::OK, Some("2026-02-01")), "{started}");
    // The satisfaction survey, months after the start, into the community indicator: two of the
    // three community members satisfied (a returnee's answer is kept, not counted there).
    let answer = |respondent: &str, sex: &str, age: &str, satisfied: bool| json!({"respondent": respondent, "sex": sex, "age_group": age, "date": "2026-06-15", "satisfied": satisfied});
    for a in [
        answer("community_member", "female", "35_49", true),
        answer("community_member", "male", "18_24", true),
        answer("community_member", "female", "50_plus", false),
        answer("returnee", "female", "25_34", false),
    ] {
        assert_eq!(t.post(&cm, &format!("{path}/satisfaction"), a).await.0, StatusCode::CREATED);
    }
    let early = json!({"respondent": "community_member", "sex": "female", "age_group": "35_49", "date": "2026-01-15", "satisfied": true});
    let (status, refused) = t.post(&cm, &format!("{path}/satisfaction"), early).await;
    assert_eq!((status, refused["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("before")));
    let (_, survey) = t.get(&cm, &format!("{path}/satisfaction")).await;
    assert_eq!((survey["community_members"].as_i64(), survey["satisfied"].as_i64()), (Some(3), Some(2)));
    let (status, indicators) = t.get(&me, "/api/v1/indicators?from=2026-01-01&to=2026-12-31&min_cell=1").await;
    assert_eq!(status, StatusCode::OK, "{indicators}");
    let community =
        indicators["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "community_satisfaction").unwrap();
    assert_eq!(
        (community["overall"]["count"].as_i64(), community["overall"]["of"].as_i64()),
        (Some(2), Some(3)),
        "{community}"
    );
    assert_eq!(community["target"], 0.5);

    let (status, _) = t.post(&cm, &format!("{path}/moves"), json!({"action": "complete", "version": 4})).await;
    assert_eq!(status, StatusCode::OK);
    let late = json!({"kind": "community_member", "name": "X", "sex": "male", "age_group": "50_plus", "role": "member", "joined_on": "2026-02-01"});
    assert_eq!(t.post(&cm, &format!("{path}/participants"), late).await.0, StatusCode::CONFLICT);
    assert_eq!(t.get(&elsewhere, &path).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = t.get(&elsewhere, "/api/v1/community-projects").await;
    assert_eq!(theirs, json!([]));
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &id(&awa), 100).await.unwrap();
    assert!(log.iter().any(|e| e.entry.entity == "project_participant"), "joining is on the case's log: {log:?}");
}

async fn an_office_maps_its_stakeholders_with_the_engagement_the_grid_proposes(t: &TestApp) {
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let me = t.user("me", "me_officer", None, "").await;
    let elsewhere = t.user("cm_thies", "case_manager", Some("thies"), "").await;
    let mairie = json!({"name": "Mairie de Pikine", "office": "dakar", "category": "local_authority", "level": "local",
        "role_and_functions": "lends land to community projects; chairs the local coordination meeting",
        "interest": "high", "influence": "high", "willingness": "medium", "stance": "supporter", "mapped_on": "2026-01-10"});
    let (status, added) = t.post(&cm, "/api/v1/stakeholders", mairie.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["engagement"], "manage_closely", "high influence and interest: managed closely");
    let mut chamber = mairie.clone();
    chamber["name"] = "Chambre de commerce".into();
    chamber["category"] = "private_sector".into();
    chamber["interest"] = "low".into();
    chamber["engagement"] = "keep_informed".into();
    let (_, chosen) = t.post(&cm, "/api/v1/stakeholders", chamber).await;
    assert_eq!(chosen["engagement"], "keep_informed", "an engagement chosen stands");
    let mut nameless = mairie.clone();
    nameless["name"] = " ".into();
    let (status, refused) = t.post(&cm, "/api/v1/stakeholders", nameless).await;
    assert_eq!((status, refused["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
    let (_, map) = t.get(&me, "/api/v1/stakeholders").await;
    assert_eq!(map.as_array().unwrap().len(), 2, "the M&E officer reads the map");
    assert_eq!(t.get(&elsewhere, "/api/v1/stakeholders").await.1, json!([]), "another office's map is not theirs");
    let path = format!("/api/v1/stakeholders/{}", id(&added));
    assert_eq!(t.get(&elsewhere, &path).await.0, StatusCode::NOT_FOUND);
    let mut obstructing = mairie.clone();
    obstructing["stance"] = "obstructor".into();
    obstructing["interest"] = "low".into();
    let (status, updated) = t.put(&cm, &path, json!({"version": 1, "stakeholder": obstructing.clone()})).await;
    assert_eq!((status, updated["engagement"].as_str()), (StatusCode::OK, Some("keep_satisfied")), "{updated}");
    let (status, _) = t.put(&cm, &path, json!({"version": 1, "stakeholder": obstructing})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version");
}
