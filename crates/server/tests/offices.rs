//! Offices are records: name (one whatever its case), country, role in a return, languages and
//! contact; administrators record and correct them, case workers read them; a case names an
//! existing office, whatever the case of its name. Both backends.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, id, registration};

on_both_backends!(offices_are_records_with_unique_names_and_cases_belong_to_one);

async fn offices_are_records_with_unique_names_and_cases_belong_to_one(t: &TestApp) {
    let root = t.admin().await;
    let cm = t.user("cm", "case_manager", Some("dakar"), "").await;
    let outreach = t.user("out", "outreach", Some("dakar"), "").await;

    // An administrator records a host office in Libya; a case manager may not.
    let tripoli = json!({"name": "Tripoli", "country": "LY", "role": "host", "languages": ["ar", "fr"],
        "contact": "+218 21 000 0000"});
    assert_eq!(t.post(&cm, "/api/v1/offices", tripoli.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, made) = t.post(&root, "/api/v1/offices", tripoli.clone()).await;
    assert_eq!((status, made["role"].as_str()), (StatusCode::CREATED, Some("host")), "{made}");
    // The same name in other letters is the same office.
    let (status, body) =
        t.post(&root, "/api/v1/offices", json!({"name": "TRIPOLI", "country": "LY", "role": "host"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (body["fields"][0]["field"].as_str(), body["fields"][0]["code"].as_str()),
        (Some("name"), Some("office_exists"))
    );
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("Tripoli"), "{body}");
    let (status, body) =
        t.post(&root, "/api/v1/offices", json!({"name": "Louga", "country": "XX", "role": "origin"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown country: {body}");
    let (status, body) = t
        .post(
            &root,
            "/api/v1/offices",
            json!({"name": "Louga", "country": "SN", "role": "origin", "languages": ["Wolof"]}),
        )
        .await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("languages[0]")));

    // Case workers read the offices; administrators see their staff and cases too.
    let (status, seen) = t.get(&cm, "/api/v1/offices").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = seen.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dakar", "kaolack", "thies", "Tripoli"]);
    assert!(seen[0]["users"].is_null() && seen[0]["cases"].is_null(), "counts are for administrators: {seen}");
    assert_eq!(t.get(&outreach, "/api/v1/offices").await.0, StatusCode::FORBIDDEN);

    // A case names an existing office, in any letters; the case is filed under its name.
    let (status, case) = t.post(&cm, "/api/v1/cases", registration("Awa", "Ba", "DAKAR")).await;
    assert_eq!((status, case["office"].as_str()), (StatusCode::CREATED, Some("dakar")), "{case}");
    let (status, body) = t.post(&root, "/api/v1/cases", registration("Awa", "Ba", "Saint-Louis")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (body["fields"][0]["field"].as_str(), body["fields"][0]["code"].as_str()),
        (Some("office"), Some("unknown_office"))
    );
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("dakar, kaolack, thies, Tripoli"), "{body}");
    let (_, listed) = t.get(&root, "/api/v1/offices").await;
    assert_eq!((listed[0]["cases"].as_i64(), listed[0]["users"][0].as_str()), (Some(1), Some("cm")), "{listed}");

    // Corrected: country, role, languages, contact; never the name cases are filed under.
    let office =
        json!({"name": "tripoli", "country": "LY", "role": "transit", "languages": ["ar"], "contact": "Ms Salem"});
    let (status, corrected) = t.put(&root, "/api/v1/offices/Tripoli", json!({"version": 1, "office": office})).await;
    assert_eq!(
        (status, corrected["role"].as_str(), corrected["name"].as_str()),
        (StatusCode::OK, Some("transit"), Some("Tripoli"))
    );
    let stale = json!({"version": 1, "office": {"name": "Tripoli", "country": "LY", "role": "host"}});
    assert_eq!(t.put(&root, "/api/v1/offices/Tripoli", stale).await.0, StatusCode::CONFLICT);
    let renamed = json!({"version": 2, "office": {"name": "Benghazi", "country": "LY", "role": "host"}});
    let (status, body) = t.put(&root, "/api/v1/offices/Tripoli", renamed).await;
    assert_eq!(
        (status, body["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("office_renamed"))
    );
    assert_eq!(
        t.put(
            &root,
            "/api/v1/offices/Nowhere",
            json!({"version": 1, "office": {"name": "Nowhere", "country": "SN", "role": "host"}})
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let _ = id(&case);
}
