//! The structural level and mentoring: coordination agreements with their dates and renewal on
//! the worklist of those responsible; a stakeholder map and capacity-building activities whose
//! questionnaires feed the structural indicator; mentors, mentee selection, session notes under
//! the psychosocial section's rule, and mentoring in the mentored against non-mentored
//! comparison, checked against a hand computation. Every scenario runs on SQLite and PostgreSQL.

mod support;

use axum::http::StatusCode;
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use support::{TestApp, best_answers, id};

on_both_backends!(
    a_data_sharing_tick_of_the_directory_becomes_an_agreement_in_force,
    agreements_keep_their_dates_and_those_responsible_see_them_before_the_end,
    capacity_building_feeds_the_structural_indicator_by_type_of_support,
    mentoring_is_compared_with_no_mentoring_as_seed_002_compared_it,
);

fn today() -> NaiveDate {
    homeward_store::today()
}

fn days_from_today(days: i64) -> String {
    let d = if days >= 0 {
        today().checked_add_days(Days::new(days as u64))
    } else {
        today().checked_sub_days(Days::new(days.unsigned_abs()))
    };
    d.unwrap().to_string()
}

/// Migration 12 on a directory entry written before it: its data-sharing tick becomes an
/// agreement in force (so referrals go on), and the entry reads again without the tick.
async fn a_data_sharing_tick_of_the_directory_becomes_an_agreement_in_force(t: &TestApp) {
    let root = t.admin().await;
    let old = |id: &str, organisation: &str, tick: bool| {
        let data = json!({"organisation": organisation, "services": ["training"], "dimensions": ["economic"],
            "country": "SN", "place": "Thiès", "data_sharing_agreement": tick, "last_verified": "2026-01-10"});
        format!(
            "INSERT INTO providers (id, organisation, country, place, data, last_verified, version, created_at, updated_at) \
             VALUES ('{id}', '{organisation}', 'SN', 'Thiès', '{data}', '2026-01-10', 1, '2026-01-10T00:00:00Z', '2026-01-10T00:00:00Z')"
        )
    };
    t.store.execute_admin(&old("p-old", "Old centre", true)).await.unwrap();
    t.store.execute_admin(&old("p-none", "No agreement", false)).await.unwrap();
    let migrations = match t.store.backend() {
        homeward_store::Backend::Sqlite => homeward_store::MIGRATIONS_SQLITE,
        homeward_store::Backend::Postgres => homeward_store::MIGRATIONS_POSTGRES,
    };
    let sql = migrations.iter().find(|m| m.version == 12).unwrap().sql;
    let from = sql.find("-- A provider's data-sharing agreement").unwrap();
    let to = sql.find("CREATE TABLE capacity_activities").unwrap();
    t.store.execute_admin(&sql[from..to]).await.unwrap();

    for (provider, sharing) in [("p-old", true), ("p-none", false)] {
        let (status, p) = t.get(&root, &format!("/api/v1/providers/{provider}")).await;
        assert_eq!(status, StatusCode::OK, "{p}");
        assert_eq!(p["data_sharing_agreement"], sharing, "{p}");
        assert!(p["data"].get("data_sharing_agreement").is_none(), "the tick is gone from the entry: {p}");
    }
    let (_, agreements) = t.get(&root, "/api/v1/agreements").await;
    let a = &agreements[0];
    assert_eq!(agreements.as_array().unwrap().len(), 1, "{agreements}");
    assert_eq!((a["agreement"]["provider"].as_str(), a["status"].as_str()), (Some("p-old"), Some("in_force")));
    assert_eq!(
        (a["agreement"]["starts_on"].as_str(), a["agreement"]["office"].as_str()),
        (Some("2026-01-10"), Some(""))
    );
    // Completing it is asked: an office and someone responsible.
    let path = format!("/api/v1/agreements/{}", id(a));
    let (status, body) = t.put(&root, &path, json!({"version": 1, "agreement": a["agreement"]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut completed = a["agreement"].clone();
    completed["office"] = json!("dakar");
    completed["responsible"] = json!("root");
    assert_eq!(t.put(&root, &path, json!({"version": 1, "agreement": completed})).await.0, StatusCode::OK);
}

fn mou(office: &str, responsible: &str, ends_on: &str) -> Value {
    json!({"kind": "mou", "title": "MoU with the town hall", "office": office, "parties": ["IOM", "Mairie de Pikine"],
        "scope": "Land and premises for community projects", "signed_on": "2026-01-05", "starts_on": "2026-01-05",
        "ends_on": ends_on, "renewal_notice_days": 60, "responsible": responsible})
}

fn field(body: &Value) -> (&str, &str) {
    (body["fields"][0]["field"].as_str().unwrap_or(""), body["fields"][0]["code"].as_str().unwrap_or(""))
}

async fn agreements_keep_their_dates_and_those_responsible_see_them_before_the_end(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let outreach = t.user("focal", "outreach", Some("dakar"), "").await;
    let thies = t.user("cm_thies", "case_manager", Some("thies"), "").await;

    // Ending within its notice: to renew, on the worklist of the one responsible only.
    let (status, near) = t.post(&cm, "/api/v1/agreements", mou("dakar", "cm", &days_from_today(30))).await;
    assert_eq!(status, StatusCode::CREATED, "{near}");
    assert_eq!((near["status"].as_str(), near["needs_renewal"].as_bool()), (Some("expiring"), Some(true)));
    assert_eq!(near["renew_by"], days_from_today(-30));
    let (status, far) = t.post(&cm, "/api/v1/agreements", mou("dakar", "cm", &days_from_today(400))).await;
    assert_eq!((status, far["status"].as_str()), (StatusCode::CREATED, Some("in_force")));
    let (_, work) = t.get(&cm, "/api/v1/worklist").await;
    let to_renew: Vec<&str> =
        work["agreements_to_renew"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(to_renew, [id(&near).as_str()], "{work}");
    let (_, theirs) = t.get(&root, "/api/v1/worklist").await;
    assert_eq!(theirs["agreements_to_renew"], json!([]), "another's responsibility");

    // Renewed: the end moves; a stale version is refused.
    let mut renewed = near["agreement"].clone();
    renewed["ends_on"] = json!(days_from_today(395));
    let path = format!("/api/v1/agreements/{}", id(&near));
    let (status, body) = t.put(&cm, &path, json!({"version": 1, "agreement": renewed.clone()})).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("in_force")), "{body}");
    let (status, _) = t.put(&cm, &path, json!({"version": 1, "agreement": renewed})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, work) = t.get(&cm, "/api/v1/worklist").await;
    assert_eq!(work["agreements_to_renew"], json!([]));

    // The outreach focal point keeps MoUs, but a data-sharing agreement opens the way for a
    // returnee's data: only those who keep the directory record one.
    let (status, _) = t.post(&outreach, "/api/v1/agreements", mou("dakar", "focal", "2027-06-30")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, provider) = t
        .post(
            &root,
            "/api/v1/providers",
            json!({"organisation": "Clinique", "services": ["counselling"], "dimensions": ["psychosocial"],
            "country": "SN", "place": "Dakar", "last_verified": "2026-06-01"}),
        )
        .await;
    let mut dsa = mou("dakar", "focal", "2027-06-30");
    dsa["kind"] = json!("data_sharing");
    dsa["provider"] = json!(id(&provider));
    assert_eq!(t.post(&outreach, "/api/v1/agreements", dsa.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.post(&root, "/api/v1/agreements", dsa.clone()).await.0, StatusCode::CREATED);

    // Refused with the field named.
    let mut backwards = mou("dakar", "cm", "2025-01-01");
    let (status, body) = t.post(&cm, "/api/v1/agreements", backwards.clone()).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("ends_on", "before")), "{body}");
    backwards["ends_on"] = Value::Null;
    backwards["provider"] = json!(id(&provider));
    let (status, body) = t.post(&cm, "/api/v1/agreements", backwards).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("provider", "provider_only_data_sharing")));
    dsa["provider"] = json!("nobody");
    let (status, body) = t.post(&root, "/api/v1/agreements", dsa).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("provider", "unknown_provider")));

    // Office scope: another office's agreements are not found, nor can one record them.
    assert_eq!(t.get(&thies, &path).await.0, StatusCode::NOT_FOUND);
    let (_, listed) = t.get(&thies, "/api/v1/agreements").await;
    assert_eq!(listed, json!([]));
    assert_eq!(t.post(&cm, "/api/v1/agreements", mou("thies", "cm", "2027-01-01")).await.0, StatusCode::FORBIDDEN);
}

fn stakeholder(name: &str, office: &str, category: &str) -> Value {
    json!({"name": name, "office": office, "category": category, "level": "local",
        "role_and_functions": "services to returnees", "interest": "medium", "influence": "high",
        "willingness": "medium", "stance": "supporter", "mapped_on": "2026-01-10"})
}

fn questionnaire(moment: &str, answered_on: &str, ratings: [u8; 3], more_engaged: Option<bool>) -> Value {
    let mut q = json!({"moment": moment, "answered_on": answered_on, "respondent": "Director",
        "ratings": {"knowledge": ratings[0], "services": ratings[1], "coordination": ratings[2]}});
    if let Some(yes) = more_engaged {
        q["yes_no"] = json!({"more_engaged": yes});
    }
    q
}

async fn capacity_building_feeds_the_structural_indicator_by_type_of_support(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let outreach = t.user("focal", "outreach", Some("dakar"), "").await;
    let monitor = t.user("monitor", "me_officer", None, "").await;
    let mut map = vec![];
    for (name, category) in
        [("Ministry of Labour", "line_ministry"), ("ONG Jappo", "cso_ngo"), ("Mairie", "local_authority")]
    {
        let (status, s) = t.post(&cm, "/api/v1/stakeholders", stakeholder(name, "dakar", category)).await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        map.push(id(&s));
    }
    let (_, elsewhere) = t.post(&root, "/api/v1/stakeholders", stakeholder("Chambre", "thies", "private_sector")).await;
    let activity = |title: &str, support: &str, held_on: &str| json!({"title": title, "office": "dakar", "support": support, "held_on": held_on, "facilitator": "IOM"});
    let (status, training) =
        t.post(&outreach, "/api/v1/capacity-activities", activity("Referral training", "training", "2026-03-01")).await;
    assert_eq!(status, StatusCode::CREATED, "{training}");
    let (_, sops) =
        t.post(&cm, "/api/v1/capacity-activities", activity("SOP review", "sop_revision", "2026-03-15")).await;
    let (status, body) =
        t.post(&cm, "/api/v1/capacity-activities", activity("Gala", "fundraising", "2026-03-15")).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("support", "one_of")));
    let training = format!("/api/v1/capacity-activities/{}", id(&training));
    let sops = format!("/api/v1/capacity-activities/{}", id(&sops));

    // Participants come from the office's map, once each.
    for (path, s) in [(&training, &map[0]), (&training, &map[1]), (&sops, &map[2])] {
        let (status, body) = t.post(&cm, &format!("{path}/participants"), json!({"stakeholder": s})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = t.post(&cm, &format!("{training}/participants"), json!({"stakeholder": map[0]})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("stakeholder", "already_participant")));
    let (status, body) = t.post(&cm, &format!("{training}/participants"), json!({"stakeholder": id(&elsewhere)})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("stakeholder", "not_on_the_map")));

    // Before: rated, not asked whether more engaged; after: from the day of the activity.
    let answer = |path: &str, s: &str| format!("{path}/participants/{s}/questionnaire");
    let (status, body) =
        t.put(&cm, &answer(&training, &map[0]), questionnaire("pre", "2026-02-25", [2, 2, 1], None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        t.put(&cm, &answer(&training, &map[1]), questionnaire("pre", "2026-02-25", [3, 3, 3], Some(true))).await;
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("yes_no.more_engaged", "question_not_asked"))
    );
    let (status, body) =
        t.put(&cm, &answer(&training, &map[1]), questionnaire("post", "2026-02-28", [3, 3, 3], Some(true))).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("answered_on", "before")));
    let (status, body) =
        t.put(&cm, &answer(&training, &map[1]), questionnaire("post", "2026-06-02", [3, 3, 3], None)).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("yes_no.more_engaged", "required")));
    t.put(&cm, &answer(&training, &map[0]), questionnaire("post", "2026-06-01", [4, 3, 3], Some(true))).await;
    t.put(&cm, &answer(&training, &map[1]), questionnaire("post", "2026-06-02", [3, 3, 2], Some(false))).await;
    let (status, _) =
        t.put(&cm, &answer(&sops, &map[2]), questionnaire("post", "2026-06-10", [4, 4, 4], Some(true))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        t.put(&cm, &answer(&sops, &map[0]), questionnaire("post", "2026-06-10", [4, 4, 4], Some(true))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a participant of that activity");

    let (_, read) = t.get(&outreach, &training).await;
    assert_eq!((read["answered_after"].as_u64(), read["more_engaged"].as_u64()), (Some(2), Some(1)), "{read}");
    let knowledge = &read["changes"][0];
    assert_eq!((knowledge["question"].as_str(), knowledge["n"].as_u64()), (Some("knowledge"), Some(1)));
    assert_eq!((knowledge["mean_pre"].as_f64(), knowledge["mean_post"].as_f64()), (Some(2.0), Some(4.0)));

    // The indicator: 2 of the 3 stakeholders more engaged, against a target of 70 %.
    let indicator = |body: &Value| -> Value {
        body["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "stakeholders_more_engaged").unwrap().clone()
    };
    let (status, body) = t.get(&monitor, "/api/v1/indicators?from=2026-01-01&to=2026-12-31&min_cell=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let engaged = indicator(&body);
    assert_eq!(
        (engaged["overall"]["count"].as_u64(), engaged["overall"]["of"].as_u64()),
        (Some(2), Some(3)),
        "{engaged}"
    );
    assert!((engaged["progress"].as_f64().unwrap() - (2.0 / 3.0) / 0.7).abs() < 1e-9);
    let by_type: Vec<(&str, u64, u64)> = engaged["breakdowns"]["support_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["group"].as_str().unwrap(), f["count"].as_u64().unwrap(), f["of"].as_u64().unwrap()))
        .collect();
    assert_eq!(by_type, [("sop_revision", 1, 1), ("training", 1, 2)]);
    // Answering again corrects: the NGO is more engaged after all.
    t.put(&cm, &answer(&training, &map[1]), questionnaire("post", "2026-06-20", [3, 4, 4], Some(true))).await;
    let (_, body) = t.get(&monitor, "/api/v1/indicators?from=2026-01-01&to=2026-12-31&min_cell=1").await;
    assert_eq!(indicator(&body)["overall"]["count"], 3);
    let (_, small) = t.get(&monitor, "/api/v1/indicators?from=2026-01-01&to=2026-12-31&min_cell=5").await;
    assert!(indicator(&small)["overall"]["count"].is_null(), "three stakeholders are under the minimum cell");
}

fn survey(phase: &str, date: &str, answers: Value) -> Value {
    json!({"phase": phase, "date": date, "consent": "yes", "answers": answers})
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

fn selection(willing: bool) -> Value {
    json!([{"criterion": "location", "met": true, "note": "lives in Pikine"},
        {"criterion": "willingness", "met": willing}, {"criterion": "mentor_judgement", "met": true}])
}

async fn mentoring_is_compared_with_no_mentoring_as_seed_002_compared_it(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let counsellor = t.user("psy", "counsellor", Some("dakar"), "psychosocial").await;
    let monitor = t.user("monitor", "me_officer", None, "").await;
    let (status, mentor) = t
        .post(
            &cm,
            "/api/v1/mentors",
            json!({"name": "Diallo Ousmane", "office": "dakar", "place": "Pikine", "languages": ["fr", "wo"],
            "training": ["IOM mentoring training"], "trained_on": "2026-01-20"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{mentor}");
    let (_, far_mentor) =
        t.post(&root, "/api/v1/mentors", json!({"name": "Fatou", "office": "thies", "place": "Thiès"})).await;

    // Twelve returnees surveyed at baseline and at the end; the first six mentored from April.
    let q1 = ["very_satisfied", "satisfied", "ok"];
    let (mut economic, mut composite) = ([vec![], vec![]], [vec![], vec![]]);
    let mut cases = vec![];
    for i in 0..12 {
        let case = id(&t.register(&root, &format!("Awa{i}"), "Ba", "dakar").await);
        let path = format!("/api/v1/cases/{case}/surveys");
        let mut before = best_answers();
        before["Q1"] = json!(q1[i % 3]);
        before["Q6"] = json!("poor");
        let (status, b) = t.post(&root, &path, survey("baseline", "2026-03-01", before)).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        let mut after = best_answers();
        if i >= 6 {
            after["Q6"] = json!("poor");
        }
        let (_, a) = t.post(&root, &path, survey("final", "2026-09-01", after)).await;
        let group = usize::from(i >= 6);
        economic[group].push(a["economic"].as_f64().unwrap() - b["economic"].as_f64().unwrap());
        composite[group].push(a["composite"].as_f64().unwrap() - b["composite"].as_f64().unwrap());
        if i < 6 {
            let start = json!({"mentor": id(&mentor), "started_on": "2026-04-01", "selection": selection(true)});
            let (status, m) = t.post(&cm, &format!("/api/v1/cases/{case}/mentorships"), start).await;
            assert_eq!(status, StatusCode::CREATED, "{m}");
            assert!(close(&m["baseline"], b["composite"].as_f64().unwrap()), "the baseline survey's composite: {m}");
            assert_eq!(m["priority"], m["baseline"].as_f64().unwrap() < 0.33);
        }
        cases.push(case);
    }
    assert!(mean(&economic[0]) > mean(&economic[1]), "the mentored improve more in this data");

    // The selection's rules.
    let path = format!("/api/v1/cases/{}/mentorships", cases[6]);
    let start = |mentor: &Value, on: &str, willing: bool| json!({"mentor": id(mentor), "started_on": on, "selection": selection(willing)});
    let (status, body) = t.post(&cm, &path, start(&mentor, "2026-04-01", false)).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("selection", "criterion_required")));
    let (status, body) = t.post(&cm, &path, start(&far_mentor, "2026-04-01", true)).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("mentor", "not_a_mentor")));
    let (status, body) = t.post(&cm, &path, start(&mentor, "2026-01-15", true)).await;
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("started_on", "before")),
        "before the return"
    );
    let first = format!("/api/v1/cases/{}/mentorships", cases[0]);
    assert_eq!(t.post(&cm, &first, start(&mentor, "2026-05-01", true)).await.0, StatusCode::CONFLICT, "one at a time");

    // Session notes: the psychosocial part is written and read only with that section.
    let (_, listed) = t.get(&cm, &first).await;
    let mentorship = id(&listed[0]);
    let sessions = format!("{first}/{mentorship}/sessions");
    let note =
        json!({"held_on": "2026-05-02", "notes": "Visited the workshop", "psychosocial": "Sleeps badly since return"});
    assert_eq!(t.post(&cm, &sessions, note.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, body) = t.post(&counsellor, &sessions, note).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, seen) = t.get(&counsellor, &first).await;
    assert_eq!(seen[0]["sessions"][0]["psychosocial"], "Sleeps badly since return");
    let (_, withheld) = t.get(&cm, &first).await;
    let session = &withheld[0]["sessions"][0];
    assert_eq!((session["psychosocial"].is_null(), session["psychosocial_withheld"].as_bool()), (true, Some(true)));
    assert_eq!(t.get(&monitor, &first).await.0, StatusCode::FORBIDDEN, "pseudonymised roles read no notes");
    let (status, body) =
        t.post(&counsellor, &sessions, json!({"held_on": "2026-03-01", "notes": "before it began"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("held_on", "outside_mentorship")));
    // Ended after the final survey, it still counts: the returnee was mentored by then.
    let (status, ended) =
        t.post(&cm, &format!("{first}/{mentorship}/end"), json!({"version": 1, "ended_on": "2026-10-01"})).await;
    assert_eq!((status, ended["ended_on"].as_str()), (StatusCode::OK, Some("2026-10-01")), "{ended}");

    // The comparison, by hand: the difference of the groups' mean changes, and Glass's delta
    // (that difference over the standard deviation of the control group's changes).
    for (measure, changes) in [("economic", &economic), ("composite", &composite)] {
        let (status, c) = t
            .get(
                &monitor,
                &format!(
                    "/api/v1/analyses/change?measure={measure}&group=mentored&control=no&from=2026-01-01&to=2026-12-31"
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{c}");
        let groups = c["groups"].as_array().unwrap();
        assert_eq!((groups[0]["group"].as_str(), groups[1]["group"].as_str()), (Some("no"), Some("yes")));
        assert!(
            close(&groups[1]["mean_change"], mean(&changes[0])) && close(&groups[0]["mean_change"], mean(&changes[1]))
        );
        let did = mean(&changes[0]) - mean(&changes[1]);
        let k = &c["comparison"];
        assert_eq!((k["control"].as_str(), k["treated"].as_str()), (Some("no"), Some("yes")));
        assert!(close(&k["difference_in_differences"]["estimate"], did), "{measure}: {c}");
        assert!(close(&k["glass_delta"]["estimate"], did / sd(&changes[1])), "{measure}: {c}");
    }
    // Mentoring counts as the assistance the mentored received.
    let (_, by_aid) = t
        .get(
            &monitor,
            "/api/v1/analyses/summary?measure=composite&by=assistance_type&min_cell=1&from=2026-09-01&to=2026-09-30",
        )
        .await;
    let kinds: Vec<&str> = by_aid["rows"].as_array().unwrap().iter().map(|r| r["group"][0].as_str().unwrap()).collect();
    assert_eq!(kinds, ["mentoring", "none"], "{by_aid}");
}
