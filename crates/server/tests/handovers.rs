//! Handovers: a host office prepares a case's handover to an office of the country of origin,
//! refused without the returnee's consent to share with it; sends it; the origin office reads the
//! packet (not the case) and accepts it, after which the case is the origin office's with its
//! number, and the host office keeps only the handover's record; or declines it, saying why.
//! Every step is in the case's audit log. Both backends.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, id};

on_both_backends!(
    a_case_is_handed_over_with_consent_and_read_by_each_side_as_the_rules_say,
    a_declined_handover_leaves_the_case_with_the_host_office
);

/// The host office in Libya and its case manager, granted the sections the packet may carry.
async fn host(t: &TestApp, root: &str) -> String {
    let (status, body) = t
        .post(
            root,
            "/api/v1/offices",
            json!({"name": "Tripoli", "country": "LY", "role": "host", "languages": ["ar", "fr"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    t.user("amal", "case_manager", Some("Tripoli"), "psychosocial,gbv_protection").await
}

/// A returnee counselled in Tripoli before a return in January 2027.
async fn departing(t: &TestApp, token: &str, given: &str) -> String {
    let mut r = support::registration(given, "Sarr", "Tripoli");
    r["date_of_return"] = json!("2027-01-15");
    r["profile"] = json!({"contacts": ["+218 91 000 0000"], "host_country": "LY"});
    let (status, case) = t.post(token, "/api/v1/cases", r).await;
    assert_eq!((status, case["status"].as_str()), (StatusCode::CREATED, Some("pre_departure")), "{case}");
    let c = format!("/api/v1/cases/{}", id(&case));
    for (path, body) in [
        (
            "counselling-sessions",
            json!({"date": "2026-11-02", "mode": "in_person", "counsellor": "amal", "notes": "Fears the debt"}),
        ),
        (
            "vulnerability-assessments",
            json!({"date": "2026-11-03", "tool": "rapid_vulnerability_assessment", "phase": "pre_departure",
            "assessor": "amal", "vulnerabilities": ["health"]}),
        ),
    ] {
        let (status, body) = t.post(token, &format!("{c}/{path}"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
    }
    id(&case)
}

async fn consent_to_share(t: &TestApp, token: &str, case: &str) {
    let consent =
        json!({"purpose": "share_with_country_of_origin", "method": "written_in_person", "given_on": "2026-11-04"});
    let (status, body) = t.post(token, &format!("/api/v1/cases/{case}/consents"), consent).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn moved(t: &TestApp, token: &str, handover: &Value, action: &str, reason: Option<&str>) -> (StatusCode, Value) {
    let body = json!({"action": action, "version": handover["version"], "reason": reason});
    t.post(token, &format!("/api/v1/handovers/{}/moves", id(handover)), body).await
}

fn field_and_code(body: &Value) -> (&str, &str) {
    (body["fields"][0]["field"].as_str().unwrap_or(""), body["fields"][0]["code"].as_str().unwrap_or(""))
}

async fn a_case_is_handed_over_with_consent_and_read_by_each_side_as_the_rules_say(t: &TestApp) {
    let root = t.admin().await;
    let amal = host(t, &root).await;
    let fatou = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let counsellor = t.user("awa", "counsellor", Some("dakar"), "").await;
    let monitor = t.user("monitor", "me_officer", Some("dakar"), "").await;
    let thies = t.user("thies_cm", "case_manager", Some("thies"), "").await;
    let case = departing(t, &amal, "Khady").await;
    let prepare = format!("/api/v1/cases/{case}/handovers");

    // Without the returnee's consent to share with the country of origin, nothing is prepared.
    let (status, body) = t.post(&amal, &prepare, json!({"to_office": "dakar", "include_vulnerability": true})).await;
    assert_eq!((status, field_and_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("consent", "no_covering_consent")));
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("share_with_country_of_origin"), "{body}");
    consent_to_share(t, &amal, &case).await;
    // Only to an office of a country of origin, and one that exists.
    let (status, body) = t.post(&amal, &prepare, json!({"to_office": "Tripoli"})).await;
    assert_eq!(
        (status, field_and_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("to_office", "not_an_origin_office"))
    );
    let (status, body) = t.post(&amal, &prepare, json!({"to_office": "Bamako"})).await;
    assert_eq!((status, field_and_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("to_office", "unknown_office")));
    // An origin office's case is not handed over; another office does not touch this one.
    let local = id(&t.register(&fatou, "Binta", "Ba", "dakar").await);
    let (status, body) =
        t.post(&fatou, &format!("/api/v1/cases/{local}/handovers"), json!({"to_office": "thies"})).await;
    assert_eq!((status, field_and_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("office", "not_a_host_office")));
    assert_eq!(t.post(&fatou, &prepare, json!({"to_office": "dakar"})).await.0, StatusCode::NOT_FOUND);

    // Prepared: the minimum necessary, with the screening the preparer included.
    let (status, prepared) = t
        .post(
            &amal,
            &prepare,
            json!({"to_office": "DAKAR", "include_vulnerability": true, "note": "Meet at the airport"}),
        )
        .await;
    assert_eq!(
        (status, prepared["state"].as_str(), prepared["to_office"].as_str()),
        (StatusCode::CREATED, Some("prepared"), Some("dakar")),
        "{prepared}"
    );
    let packet = &prepared["packet"];
    assert_eq!(packet["counselling"], json!([{"date": "2026-11-02", "mode": "in_person"}]));
    assert!(!packet.to_string().contains("Fears the debt"), "what was said stays in the psychosocial section");
    assert_eq!(packet["vulnerability"][0]["phase"], "pre_departure");
    assert_eq!(packet["consent_given_on"], "2026-11-04");
    assert_eq!(packet["note"], "Meet at the airport");
    assert_eq!(t.post(&amal, &prepare, json!({"to_office": "thies"})).await.0, StatusCode::CONFLICT, "one at a time");
    // Not yet sent: the origin office knows nothing of it.
    assert_eq!(t.get(&fatou, &format!("/api/v1/handovers/{}", id(&prepared))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&fatou, "/api/v1/handovers").await.1, json!([]));
    let (status, body) = moved(t, &fatou, &prepared, "accept", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Sent: the origin office reads the packet, not the case; others nothing.
    let (status, sent) = moved(t, &amal, &prepared, "send", None).await;
    assert_eq!((status, sent["state"].as_str()), (StatusCode::OK, Some("sent")), "{sent}");
    let (status, seen) = t.get(&fatou, &format!("/api/v1/handovers/{}", id(&sent))).await;
    assert_eq!((status, seen["packet"]["given_name"].as_str()), (StatusCode::OK, Some("Khady")), "{seen}");
    assert_eq!(seen["allowed_actions"], json!(["accept", "decline"]));
    assert_eq!(t.get(&fatou, &format!("/api/v1/cases/{case}")).await.0, StatusCode::NOT_FOUND);
    let (_, for_counsellor) = t.get(&counsellor, &format!("/api/v1/handovers/{}", id(&sent))).await;
    assert_eq!(for_counsellor["allowed_actions"], json!([]), "a counsellor reads it but does not take cases");
    let (_, for_monitor) = t.get(&monitor, &format!("/api/v1/handovers/{}", id(&sent))).await;
    assert!(for_monitor["packet"].is_null(), "pseudonymised roles read no packet: {for_monitor}");
    assert_eq!(t.get(&thies, &format!("/api/v1/handovers/{}", id(&sent))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(moved(t, &counsellor, &sent, "accept", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        moved(t, &amal, &sent, "accept", None).await.0,
        StatusCode::FORBIDDEN,
        "the host does not accept for the origin"
    );
    let stale = json!({"action": "accept", "version": 1});
    assert_eq!(t.post(&fatou, &format!("/api/v1/handovers/{}/moves", id(&sent)), stale).await.0, StatusCode::CONFLICT);

    // Accepted: the case is Dakar's, with its number; Tripoli keeps the record of the handover only.
    let (status, accepted) = moved(t, &fatou, &sent, "accept", None).await;
    assert_eq!((status, accepted["state"].as_str()), (StatusCode::OK, Some("accepted")), "{accepted}");
    let (status, taken) = t.get(&fatou, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        (status, taken["office"].as_str(), taken["case_manager"].as_str()),
        (StatusCode::OK, Some("dakar"), Some("fatou"))
    );
    assert_eq!(taken["case_number"], prepared["case_number"]);
    let (status, timeline) = t.get(&fatou, &format!("/api/v1/cases/{case}/timeline")).await;
    assert!(
        status == StatusCode::OK && timeline.to_string().contains("\"consent\""),
        "the history comes along: {timeline}"
    );
    assert_eq!(t.get(&amal, &format!("/api/v1/cases/{case}")).await.0, StatusCode::NOT_FOUND);
    let (status, kept) = t.get(&amal, &format!("/api/v1/handovers/{}", id(&sent))).await;
    assert_eq!(
        (status, kept["state"].as_str(), kept["decided_by"].as_str()),
        (StatusCode::OK, Some("accepted"), Some("fatou"))
    );
    assert!(kept["packet"].is_null(), "the host no longer reads the packet: {kept}");

    // Every step is in the case's audit log, by who took it.
    let (_, log) = t.get(&root, &format!("/api/v1/cases/{case}/audit")).await;
    let steps: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["entity"] == "handover" && !["read", "denied"].contains(&e["action"].as_str().unwrap())
                || e["action"] == "handover_in"
        })
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, [("fatou", "handover_in"), ("fatou", "accept"), ("amal", "send"), ("amal", "prepare")]);
    let mut refused: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "handover" && e["action"] == "denied")
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    refused.sort_unstable();
    refused.dedup();
    assert_eq!(refused, ["amal", "awa", "fatou", "thies_cm"], "every refusal is recorded too");
}

async fn a_declined_handover_leaves_the_case_with_the_host_office(t: &TestApp) {
    let root = t.admin().await;
    let amal = host(t, &root).await;
    let fatou = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let case = departing(t, &amal, "Ndeye").await;
    consent_to_share(t, &amal, &case).await;
    let (_, prepared) = t.post(&amal, &format!("/api/v1/cases/{case}/handovers"), json!({"to_office": "dakar"})).await;
    assert!(prepared["packet"]["vulnerability"].as_array().unwrap().is_empty(), "not included unless asked");
    let (_, sent) = moved(t, &amal, &prepared, "send", None).await;
    let (status, body) = moved(t, &fatou, &sent, "decline", Some(" ")).await;
    assert_eq!((status, field_and_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("reason", "required")));
    let (status, declined) = moved(t, &fatou, &sent, "decline", Some("She returns to Thiès, not Dakar")).await;
    assert_eq!((status, declined["state"].as_str()), (StatusCode::OK, Some("declined")), "{declined}");
    let (status, still) = t.get(&amal, &format!("/api/v1/cases/{case}")).await;
    assert_eq!((status, still["office"].as_str()), (StatusCode::OK, Some("Tripoli")));
    let (_, seen) = t.get(&amal, &format!("/api/v1/handovers/{}", id(&sent))).await;
    assert_eq!(seen["decision_reason"], "She returns to Thiès, not Dakar");
    // A new handover may follow, to the right office.
    let (status, again) =
        t.post(&amal, &format!("/api/v1/cases/{case}/handovers"), json!({"to_office": "thies"})).await;
    assert_eq!((status, again["state"].as_str()), (StatusCode::CREATED, Some("prepared")), "{again}");
}
