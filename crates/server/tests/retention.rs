//! Retention: the purge removes from closed cases the records past their time and then
//! anonymises them, keeping what the indicators count; a legal hold stops it for a case; a dry
//! run changes nothing; only administrators purge and hold. Both backends.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, best_answers, id};

on_both_backends!(a_purge_removes_what_is_past_its_time_keeps_the_figures_and_stops_at_a_legal_hold);

/// A returnee back in 2015 with records of four kinds and a survey, closed on `closed_on`.
async fn closed_case(t: &TestApp, token: &str, given: &str, closed_on: &str) -> String {
    let mut r = support::registration(given, "Ba", "dakar");
    r["date_of_return"] = json!("2015-01-10");
    r["profile"] = json!({"contacts": ["+221 77 123 45 67"], "address": "Rue 10, Pikine", "host_country": "LY",
        "return_type": "voluntary", "years_abroad": 3});
    let (status, case) = t.post(token, "/api/v1/cases", r).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let c = format!("/api/v1/cases/{}", id(&case));
    for (path, body) in [
        ("consents", json!({"purpose": "counselling", "method": "written_in_person", "given_on": "2015-01-20"})),
        ("sensitive-notes", json!({"section": "health", "date": "2015-02-01", "text": "Diabetes, insulin daily"})),
        (
            "counselling-sessions",
            json!({"date": "2015-03-01", "mode": "in_person", "counsellor": "root", "notes": "Nightmares"}),
        ),
        (
            "assistance",
            json!({"date": "2015-04-01", "modality": "cash", "value": {"amount": "100", "currency": "XOF"},
                "payee": "returnee", "description": "Rent for the room at Rue 10, Pikine"}),
        ),
        (
            "unmet-needs",
            json!({"date": "2015-05-01", "dimension": "psychosocial", "need": "Counselling for her son Moussa",
                "because": "service_unavailable"}),
        ),
        ("surveys", json!({"phase": "baseline", "date": "2015-02-10", "consent": "yes", "answers": best_answers()})),
    ] {
        let (status, body) = t.post(token, &format!("{c}/{path}"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
        // Two documents: the signed consent form (goes with the consents) and the passport
        // (goes with the identity).
        if path == "consents" {
            document(t, token, &c, &format!("kind=consent&file_name=consent.pdf&record_id={}", id(&body))).await;
        }
    }
    document(t, token, &c, "kind=id_document&file_name=passport.pdf").await;
    let closure = json!({"date": closed_on, "reason": "plan_completed", "choice": "voluntary", "timing": "planned"});
    let (status, closed) = t
        .post(token, &format!("{c}/transitions"), json!({"action": "opt_out", "version": 1, "closure": closure}))
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    id(&case)
}

async fn document(t: &TestApp, token: &str, case: &str, query: &str) {
    let request = axum::http::Request::post(format!("{case}/documents?{query}"))
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::from(&b"%PDF-1.4 scan"[..]))
        .unwrap();
    let (status, body) = t.send(request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn case_number(t: &TestApp, token: &str, case: &str) -> String {
    t.get(token, &format!("/api/v1/cases/{case}")).await.1["case_number"].as_str().unwrap().to_string()
}

fn kinds(report: &Value, case_number: &str) -> Vec<(String, i64)> {
    let case = report["cases"].as_array().unwrap().iter().find(|c| c["case_number"] == case_number).unwrap();
    case["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap().to_string(), r["count"].as_i64().unwrap()))
        .collect()
}

async fn a_purge_removes_what_is_past_its_time_keeps_the_figures_and_stops_at_a_legal_hold(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let old = closed_case(t, &root, "Awa", "2016-01-15").await;
    let recent = closed_case(t, &root, "Binta", "2025-06-01").await;
    let held = closed_case(t, &root, "Coumba", "2016-01-15").await;
    let old_number = case_number(t, &root, &old).await;
    let held_number = case_number(t, &root, &held).await;

    // Holds and purges are for administrators.
    let hold = format!("/api/v1/cases/{held}/legal-hold");
    assert_eq!(t.put(&cm, &hold, json!({"reason": "x"})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.post(&cm, "/api/v1/retention/purge?dry_run=true", json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = t.put(&root, &hold, json!({"reason": " "})).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let (status, placed) = t.put(&root, &hold, json!({"reason": "Investigation of the death of a relative"})).await;
    assert_eq!((status, placed["placed_by"].as_str()), (StatusCode::OK, Some("root")), "{placed}");

    // The figures before: the indicators of the years the cases were open.
    let indicators = "/api/v1/indicators?from=2015-01-01&to=2016-12-31&min_cell=1";
    let (_, before) = t.get(&root, indicators).await;

    // A dry run says what would go and changes nothing.
    let records = t.count("case_records").await;
    let (status, dry) = t.post(&root, "/api/v1/retention/purge", json!({})).await;
    assert_eq!((status, dry["dry_run"].as_bool()), (StatusCode::OK, Some(true)), "dry by default: {dry}");
    let listed: Vec<&str> =
        dry["cases"].as_array().unwrap().iter().map(|c| c["case_number"].as_str().unwrap()).collect();
    assert_eq!(listed, [old_number.as_str()], "the recent case is not due, the held one is held: {dry}");
    assert_eq!(dry["held"], json!([held_number]));
    assert_eq!(
        kinds(&dry, &old_number),
        [("consent".to_string(), 1), ("counselling_session".to_string(), 1), ("sensitive_note".to_string(), 1)]
    );
    assert_eq!(dry["cases"][0]["anonymised"], true);
    assert_eq!(dry["cases"][0]["documents"], 2, "the consent form and the passport");
    assert_eq!(t.count("case_records").await, records);
    let documents = t.count("documents").await;

    // The purge: the old case loses its notes, consents and name; its assistance, survey and
    // figures stay. The recent and the held cases are untouched.
    let (status, done) = t.post(&root, "/api/v1/retention/purge?dry_run=false", json!({})).await;
    assert_eq!((status, done["dry_run"].as_bool()), (StatusCode::OK, Some(false)), "{done}");
    assert_eq!(t.count("case_records").await, records - 3);
    assert_eq!(t.count("documents").await, documents - 2, "the held and recent cases keep theirs");
    assert_eq!(t.count("document_contents").await, documents - 2);
    let (_, case) = t.get(&root, &format!("/api/v1/cases/{old}")).await;
    assert_eq!((case["given_name"].as_str(), case["family_name"].as_str()), (Some("[anonymised]"), Some("")), "{case}");
    assert_eq!(case["profile"]["contacts"], json!([]));
    assert!(case["profile"]["address"].is_null() && case["profile"]["host_country"] == "LY", "{case}");
    assert_eq!(case["age_at_return"], 20, "born 1994-03-12, back 2015-01-10: {case}");
    // What the indicators count stays, without its free text.
    let (_, assistance) = t.get(&root, &format!("/api/v1/cases/{old}/assistance")).await;
    assert_eq!(assistance.as_array().unwrap().len(), 1);
    let paid = &assistance[0]["data"];
    assert_eq!((paid["value"]["amount"].as_str(), paid["description"].is_null()), (Some("100"), true), "{paid}");
    let (_, unmet) = t.get(&root, &format!("/api/v1/cases/{old}/unmet-needs")).await;
    assert_eq!(
        (unmet[0]["data"]["need"].as_str(), unmet[0]["data"]["dimension"].as_str()),
        (Some("[anonymised]"), Some("psychosocial")),
        "{unmet}"
    );
    let (_, notes) = t.get(&root, &format!("/api/v1/cases/{old}/sensitive-notes")).await;
    assert_eq!(notes, json!([]));
    let (_, surveys) = t.get(&root, &format!("/api/v1/cases/{old}/surveys")).await;
    assert_eq!(surveys.as_array().unwrap().len(), 1);
    let (_, after) = t.get(&root, indicators).await;
    assert_eq!(before["indicators"], after["indicators"], "the figures of the past do not change");
    let (_, search) = t.get(&root, "/api/v1/cases?q=awa").await;
    assert_eq!(search["items"], json!([]), "the name is no longer found");
    for (case, given) in [(&recent, "Binta"), (&held, "Coumba")] {
        let (_, c) = t.get(&root, &format!("/api/v1/cases/{case}")).await;
        assert_eq!(c["given_name"], given);
    }
    let (_, audit) = t.get(&root, &format!("/api/v1/cases/{old}/audit")).await;
    assert!(audit.to_string().contains("\"purge\""), "{audit}");

    // Archived, the purged case is read only for good.
    let (_, case) = t.get(&root, &format!("/api/v1/cases/{old}")).await;
    let archive = json!({"action": "archive", "version": case["version"]});
    let (status, archived) = t.post(&root, &format!("/api/v1/cases/{old}/transitions"), archive).await;
    assert_eq!((status, archived["status"].as_str()), (StatusCode::OK, Some("archived")), "{archived}");
    let visit = json!({"date": "2026-03-02", "mode": "phone", "kind": "routine"});
    let (status, body) = t.post(&root, &format!("/api/v1/cases/{old}/follow-ups"), visit).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        t.put(&root, &format!("/api/v1/cases/{old}/legal-hold"), json!({"reason": "late"})).await.0,
        StatusCode::OK
    );

    // A second purge finds nothing more; lifting the hold lets the next one purge that case.
    let (_, again) = t.post(&root, "/api/v1/retention/purge?dry_run=false", json!({})).await;
    assert_eq!(again["cases"], json!([]));
    assert_eq!(t.call(&root, "DELETE", &hold, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(t.get(&root, &hold).await.0, StatusCode::NOT_FOUND);
    let (_, last) = t.post(&root, "/api/v1/retention/purge?dry_run=false", json!({})).await;
    assert_eq!(last["cases"][0]["case_number"], held_number.as_str());
}
