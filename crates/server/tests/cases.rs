//! Cases through the API: registration, reading, lists, search, corrections, lifecycle, and the
//! errors a client can cause. Every scenario runs on SQLite and on PostgreSQL.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, id, registration};

on_both_backends!(
    a_registered_case_has_an_id_and_a_human_case_number,
    search_finds_names_without_regard_to_accents_or_case,
    a_returnee_registered_after_a_search_found_nobody_is_found_by_the_next,
    cases_indexed_under_older_search_rules_are_found_once_the_start_indexes_them_again,
    a_name_search_checks_its_other_words_in_the_case_bloom_filter_before_looking_them_up,
    lists_filter_by_status_office_and_page_with_a_cursor,
    a_list_shows_no_contacts_and_a_case_read_shows_them,
    a_stale_version_gets_409_and_changes_nothing,
    illegal_transitions_name_the_state_and_the_way_out,
    closing_records_the_closure_and_opt_out_is_always_possible,
    bad_input_names_the_field_and_never_writes,
    a_case_outside_ones_office_is_not_found,
    the_me_officer_sees_no_names_and_cannot_search_by_name,
    the_worklist_shows_what_falls_due_on_ones_own_cases,
    the_same_person_registered_twice_is_caught_before_it_is_saved,
    the_case_list_sorts_by_any_column_page_after_page,
    a_supervisor_merges_a_case_registered_twice,
    a_merge_never_combines_two_plans_nor_crosses_offices,
);

async fn a_registered_case_has_an_id_and_a_human_case_number(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Aminata", "Diallo", "dakar").await;
    let year = chrono::Datelike::year(&homeward_store::today());
    assert_eq!(case["case_number"], format!("HW-{year}-000001"));
    assert_eq!(case["status"], "intake");
    assert_eq!(case["age_at_return"], 31);
    assert_eq!(case["version"], 1);
    assert_eq!(case["case_manager"], "root");
    let second = t.register(&token, "Moussa", "Sow", "dakar").await;
    assert_eq!(second["case_number"], format!("HW-{year}-000002"));
    let (status, read) = t.get(&token, &format!("/api/v1/cases/{}", id(&case))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["given_name"], "Aminata");
    assert_eq!(read["allowed_actions"], json!(["start_assessment", "opt_out"]));
    let (status, _) = t.get(&token, "/api/v1/cases/no-such-case").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn search_finds_names_without_regard_to_accents_or_case(t: &TestApp) {
    let token = t.admin().await;
    let aissatou = t.register(&token, "Aïssatou", "Ndiaye-Guèye", "dakar").await;
    t.register(&token, "Awa", "Diop", "dakar").await;
    for q in ["aissatou", "AÏSSATOU", "guèye", "GUEYE", "ndiaye", "aiss", "aissatou gueye"] {
        let (status, page) = t.get(&token, &format!("/api/v1/cases?q={}", urlencode(q))).await;
        assert_eq!(status, StatusCode::OK, "{q}: {page}");
        let found: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(found, [aissatou["id"].as_str().unwrap()], "searching {q}");
    }
    let number = aissatou["case_number"].as_str().unwrap();
    let (_, page) = t.get(&token, &format!("/api/v1/cases?q={}", number.to_lowercase())).await;
    assert_eq!(page["items"][0]["id"], aissatou["id"]);
    let (_, none) = t.get(&token, "/api/v1/cases?q=aissatou%20diop").await;
    assert_eq!(none["items"], json!([]), "every word must match");

    // As staff type them: punctuation, spelling as it sounds, part of a case number.
    let ndiaye = t.register(&token, "Mamadou", "N'Diaye", "dakar").await;
    let khadija = t.register(&token, "Khadija", "Sow", "dakar").await;
    for (q, expected) in [
        ("Ndiaye", vec![&aissatou, &ndiaye]),
        ("N'Diaye", vec![&aissatou, &ndiaye]),
        ("Kadija", vec![&khadija]),
        ("mamadu", vec![&ndiaye]),
        ("kadija sow", vec![&khadija]),
    ] {
        let (_, page) = t.get(&token, &format!("/api/v1/cases?q={}", urlencode(q))).await;
        let found: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        let wanted: Vec<&str> = expected.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(found, wanted, "searching {q}");
    }
    let sequence = khadija["case_number"].as_str().unwrap().rsplit('-').next().unwrap().trim_start_matches('0');
    let (_, page) = t.get(&token, &format!("/api/v1/cases?q={sequence}")).await;
    assert_eq!(page["items"][0]["id"], khadija["id"], "the number's digits find it ({sequence})");

    // A page of words is no name: refused on q, not thousands of lookups.
    let (status, body) = t.get(&token, &format!("/api/v1/cases?q={}", urlencode(&"awa ".repeat(5000)))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("at most 12"), "{body}");
    let (status, _) = t.get(&token, &format!("/api/v1/cases?q={}", urlencode(&"awa ".repeat(12)))).await;
    assert_eq!(status, StatusCode::OK);
}

/// Searches count their words to choose which to read first, and keep the counts a minute
/// (`query::term_counts`): a count that is out of date changes the order, never what is found.
async fn a_returnee_registered_after_a_search_found_nobody_is_found_by_the_next(t: &TestApp) {
    let token = t.admin().await;
    let (status, none) = t.get(&token, "/api/v1/cases?q=zanele%20okonkwo").await;
    assert_eq!((status, &none["items"]), (StatusCode::OK, &json!([])), "nobody yet");
    let zanele = t.register(&token, "Zanele", "Okonkwo", "dakar").await;
    for q in ["zanele%20okonkwo", "okonkwo%20zanele", "zan%20okon"] {
        let (_, page) = t.get(&token, &format!("/api/v1/cases?q={q}")).await;
        assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "searching {q}: {page}");
        assert_eq!(page["items"][0]["id"], zanele["id"], "searching {q}");
    }
}

/// An upgrade that changes how search terms are kept (migration 0023 made them integers) leaves
/// the cases without terms; `homeward serve` and the other commands index them again at start.
async fn cases_indexed_under_older_search_rules_are_found_once_the_start_indexes_them_again(t: &TestApp) {
    let token = t.admin().await;
    let kadiatou = t.register(&token, "Kadiatou", "Baldé", "dakar").await;
    t.store.execute_admin("DELETE FROM case_terms").await.unwrap();
    t.store.execute_admin("UPDATE counters SET value = 3 WHERE name = 'search_terms_version'").await.unwrap();
    let (_, page) = t.get(&token, "/api/v1/cases?q=kadiatou%20balde").await;
    assert_eq!(page["items"], json!([]), "as an upgrade leaves them: no terms");

    assert_eq!(homeward_service::cases::reindex_search(&t.services).await.unwrap(), 1);
    for q in ["kadiatou%20balde", "balde", "kadi"] {
        let (_, page) = t.get(&token, &format!("/api/v1/cases?q={q}")).await;
        assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "searching {q}: {page}");
        assert_eq!(page["items"][0]["id"], kadiatou["id"], "searching {q}");
    }
    assert_eq!(homeward_service::cases::reindex_search(&t.services).await.unwrap(), 0, "once only");
}

/// A name search reads its rarest word's cases from the term index and checks each for its other
/// words in the Bloom filter kept on the row first (migration 0024): a case whose filter lacks a
/// word's bit is passed over without looking the word up. A case whose filter is emptied is passed
/// over by every search of two words, and still found by one word, which reads no filter.
async fn a_name_search_checks_its_other_words_in_the_case_bloom_filter_before_looking_them_up(t: &TestApp) {
    let token = t.admin().await;
    let awa = t.register(&token, "Awa", "Ndiaye", "dakar").await;
    let fatou = t.register(&token, "Fatou", "Ndiaye", "dakar").await;
    let found = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    let (_, page) = t.get(&token, "/api/v1/cases?q=awa%20ndiaye").await;
    assert_eq!(found(&page), [id(&awa)]);

    t.store
        .execute_admin(&format!("UPDATE case_terms SET bloom_low = 0, bloom_high = 0 WHERE case_id = '{}'", id(&awa)))
        .await
        .unwrap();
    for q in ["awa%20ndiaye", "ndiaye%20awa", "aw%20ndi"] {
        let (_, page) = t.get(&token, &format!("/api/v1/cases?q={q}")).await;
        assert_eq!(found(&page), Vec::<String>::new(), "searching {q}: the emptied filter lacks the other word");
    }
    let (_, page) = t.get(&token, "/api/v1/cases?q=ndiaye").await;
    assert_eq!(found(&page), [id(&awa), id(&fatou)], "one word: no filter read");
    let (_, page) = t.get(&token, "/api/v1/cases?q=fatou%20ndiaye").await;
    assert_eq!(found(&page), [id(&fatou)], "other cases' filters are their own");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

async fn lists_filter_by_status_office_and_page_with_a_cursor(t: &TestApp) {
    let token = t.admin().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(id(&t.register(&token, &format!("Name{i}"), "Ba", if i < 3 { "dakar" } else { "thies" }).await));
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/cases?limit=2".to_string();
    loop {
        let (status, page) = t.get(&token, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/cases?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids, "every case once, in registration order");
    // A search pages the same way, whether its words drive from the term index or are checked
    // per case (`ba` is every case's; `name` is a prefix of every given name).
    for q in ["ba", "name%20ba", "ba%20name"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/cases?limit=2&q={q}");
        for _ in 0..ids.len() {
            let (status, page) = t.get(&token, &path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()));
            let Some(cursor) = page["next_cursor"].as_str() else { break };
            path = format!("/api/v1/cases?limit=2&q={q}&cursor={cursor}");
        }
        assert_eq!(seen, ids, "searching {q}: every case once, in registration order");
    }
    let (_, page) = t.get(&token, "/api/v1/cases?limit=1&q=ba&office=thies").await;
    assert_eq!(page["items"][0]["id"], ids[3].as_str(), "the first of thies");
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let (_, page) = t.get(&token, &format!("/api/v1/cases?limit=1&q=ba&office=thies&cursor={cursor}")).await;
    assert_eq!(page["items"][0]["id"], ids[4].as_str(), "then the second");
    assert_eq!(page["next_cursor"], json!(null));
    let (_, thies) = t.get(&token, "/api/v1/cases?office=thies").await;
    assert_eq!(thies["items"].as_array().unwrap().len(), 2);
    let v = 1;
    t.post(
        &token,
        &format!("/api/v1/cases/{}/transitions", ids[0]),
        json!({"action": "start_assessment", "version": v}),
    )
    .await;
    let (_, assessing) = t.get(&token, "/api/v1/cases?status=assessment").await;
    assert_eq!(assessing["items"].as_array().unwrap().len(), 1);
    assert_eq!(assessing["items"][0]["id"], ids[0].as_str());
}

async fn a_list_shows_no_contacts_and_a_case_read_shows_them(t: &TestApp) {
    let token = t.admin().await;
    let mut awa = registration("Awa", "Sow", "dakar");
    awa["profile"] = json!({"contacts": ["+221 77 123 45 67"], "address": "Rue 10, Pikine", "id_document": "A123"});
    let (status, case) = t.post(&token, "/api/v1/cases", awa).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    for path in ["/api/v1/cases", "/api/v1/cases?q=awa%20sow"] {
        let (status, page) = t.get(&token, path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let item = &page["items"][0];
        assert_eq!((item["id"].as_str(), item["given_name"].as_str()), (case["id"].as_str(), Some("Awa")), "{page}");
        assert_eq!((item.get("profile"), item.get("closure")), (None, None), "{path}: a summary: {item}");
        for private in ["+221", "Pikine", "A123"] {
            assert!(!page.to_string().contains(private), "{path} shows {private}: {page}");
        }
    }
    let (_, read) = t.get(&token, &format!("/api/v1/cases/{}", id(&case))).await;
    assert_eq!(read["profile"]["contacts"], json!(["+221 77 123 45 67"]), "{read}");
    // Each is audited as what it showed: the list without the profile, the read with it.
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &id(&case), 100).await.unwrap();
    let fields = |action: &str| log.iter().find(|e| e.entry.action == action).map(|e| e.entry.fields.clone());
    assert!(fields("list").is_some_and(|f| f.contains("names") && !f.contains("profile")), "{log:?}");
    assert!(fields("read").is_some_and(|f| f.contains("profile")), "{log:?}");
}

async fn a_stale_version_gets_409_and_changes_nothing(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Awa", "Fall", "dakar").await;
    let path = format!("/api/v1/cases/{}", id(&case));
    let mut corrected = registration("Awa", "Faal", "dakar");
    let (status, updated) = t.put(&token, &path, json!({"version": 1, "case": corrected.clone()})).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], 2);
    corrected["family_name"] = "Fale".into();
    let (status, body) = t.put(&token, &path, json!({"version": 1, "case": corrected})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["current_version"], 2);
    let (_, read) = t.get(&token, &path).await;
    assert_eq!(read["family_name"], "Faal");
    let (_, found) = t.get(&token, "/api/v1/cases?q=faal").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "the search terms follow the correction");
}

async fn illegal_transitions_name_the_state_and_the_way_out(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Coumba", "Kane", "dakar").await;
    let path = format!("/api/v1/cases/{}/transitions", id(&case));
    let (status, body) = t.post(&token, &path, json!({"action": "start_assistance", "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"],
        "a case in state `intake` cannot `start_assistance`; from there it can: start_assessment, opt_out"
    );
    let (status, body) = t.post(&token, &path, json!({"action": "fly", "version": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "action");
    let (_, moved) = t.post(&token, &path, json!({"action": "start_assessment", "version": 1})).await;
    let (_, moved) = t.post(&token, &path, json!({"action": "start_planning", "version": moved["version"]})).await;
    let (status, body) = t.post(&token, &path, json!({"action": "agree_plan", "version": moved["version"]})).await;
    assert_eq!(status, StatusCode::CONFLICT, "no plan is agreed yet");
    assert!(body["error"].as_str().unwrap().contains("agree the plan first"));
}

async fn closing_records_the_closure_and_opt_out_is_always_possible(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Rokhaya", "Sarr", "dakar").await;
    let path = format!("/api/v1/cases/{}/transitions", id(&case));
    let (status, body) = t.post(&token, &path, json!({"action": "opt_out", "version": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "closure");
    let closure = json!({"date": "2026-03-01", "reason": "deceased", "choice": "involuntary", "timing": "abrupt"});
    let (status, body) = t.post(&token, &path, json!({"action": "opt_out", "version": 1, "closure": closure})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "closure.death");
    let closure =
        json!({"date": "2026-03-01", "reason": "returnee_chose_to_stop", "choice": "voluntary", "timing": "abrupt"});
    let (status, closed) = t.post(&token, &path, json!({"action": "opt_out", "version": 1, "closure": closure})).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closure"]["reason"], "returnee_chose_to_stop");
    assert_eq!(closed["allowed_actions"], json!(["reopen", "archive"]));
    let open = t.register(&token, "Awa", "Ba", "dakar").await;
    let listed = |body: &serde_json::Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    let (_, only_open) = t.get(&token, "/api/v1/cases?open=true").await;
    assert_eq!(listed(&only_open), [id(&open)], "a closed case is left out of the open ones");
    let (_, all) = t.get(&token, "/api/v1/cases").await;
    assert_eq!(listed(&all).len(), 2);

    // A closed case is read only: every write answers 409, nothing is stored.
    let c = format!("/api/v1/cases/{}", id(&case));
    let consent = json!({"purpose": "counselling", "method": "verbal_by_phone", "given_on": "2026-02-02"});
    let before = t.count("case_records").await;
    for (path, body) in [
        (format!("{c}/follow-ups"), json!({"date": "2026-03-02", "mode": "phone", "kind": "routine"})),
        (format!("{c}/consents"), consent.clone()),
        (
            format!("{c}/surveys"),
            json!({"phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": support::best_answers()}),
        ),
        (format!("{c}/plans"), json!({"content": {}})),
    ] {
        let (status, body) = t.post(&token, &path, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
        assert!(body["error"].as_str().unwrap().contains("read only until it is reopened"), "{body}");
    }
    let (status, _) = t
        .put(&token, &c, json!({"version": closed["version"], "case": support::registration("R", "S", "dakar")}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(t.count("case_records").await, before);
    // Reopening leads back to work.
    let (status, reopened) = t.post(&token, &path, json!({"action": "reopen", "version": closed["version"]})).await;
    assert_eq!(status, StatusCode::OK, "{reopened}");
    let (status, given) = t.post(&token, &format!("{c}/consents"), consent.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    // Closed again, the returnee may still withdraw a consent.
    let closure =
        json!({"date": "2026-04-01", "reason": "returnee_chose_to_stop", "choice": "voluntary", "timing": "abrupt"});
    let (status, _) =
        t.post(&token, &path, json!({"action": "opt_out", "version": reopened["version"], "closure": closure})).await;
    assert_eq!(status, StatusCode::OK);
    let mut withdrawn = consent;
    withdrawn["withdrawn_on"] = "2026-04-02".into();
    let item = format!("{c}/consents/{}", id(&given));
    let (status, body) = t.put(&token, &item, json!({"version": given["version"], "data": withdrawn})).await;
    assert_eq!(status, StatusCode::OK, "a withdrawal is always possible: {body}");
}

async fn bad_input_names_the_field_and_never_writes(t: &TestApp) {
    let token = t.admin().await;
    let before = t.count("cases").await;
    let mut missing = registration("A", "B", "dakar");
    missing.as_object_mut().unwrap().remove("date_of_return");
    let (status, body) = t.post(&token, "/api/v1/cases", missing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "date_of_return");

    let mut wrong = registration("A", "B", "dakar");
    wrong["sex"] = "F".into();
    let (_, body) = t.post(&token, "/api/v1/cases", wrong).await;
    // A value serde refuses is a problem said only in words: code `other`, no parameters.
    assert_eq!(
        body["fields"][0],
        json!({"field": "sex", "code": "other", "message": "`F` is not one of: female, male"})
    );

    let mut country = registration("A", "B", "dakar");
    country["country_of_origin"] = "ZZ".into();
    let (_, body) = t.post(&token, "/api/v1/cases", country).await;
    assert_eq!(body["fields"][0]["field"], "country_of_origin");

    let mut dates = registration(" ", "B", "dakar");
    dates["date_of_return"] = "1990-01-01".into();
    let (_, body) = t.post(&token, "/api/v1/cases", dates).await;
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["given_name", "date_of_return"], "every problem at once");

    let mut extra = registration("A", "B", "dakar");
    extra["sexual_orientation"] = "x".into();
    let (status, body) = t.post(&token, "/api/v1/cases", extra).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no such field exists: {body}");

    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/cases")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"given_name\": "))
        .unwrap();
    let (status, body) = t.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().starts_with("the body is not valid JSON"));
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/cases")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from("given_name=A"))
        .unwrap();
    assert_eq!(t.send(request).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let (status, body) = t.get(&token, "/api/v1/cases?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = t.get(&token, "/api/v1/cases?colour=red").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("colour"), "{body}");
    let (status, _) = t.get(&token, "/api/v1/cases?follow_up_due_by=tomorrow").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = t.get("", "/api/v1/cases").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = t.get("hw_forged", "/api/v1/cases").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    assert_eq!(t.count("cases").await, before, "no refused request wrote a case");
    assert_eq!(t.count("counters").await, 0, "nor used up a case number");
}

async fn a_case_outside_ones_office_is_not_found(t: &TestApp) {
    let admin = t.admin().await;
    let thies = t.register(&admin, "Awa", "Ba", "thies").await;
    let dakar_worker = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let (status, _) = t.get(&dakar_worker, &format!("/api/v1/cases/{}", id(&thies))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t.get(&dakar_worker, &format!("/api/v1/cases/{}/surveys", id(&thies))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = t.get(&dakar_worker, "/api/v1/cases").await;
    assert_eq!(list["items"], json!([]));
    let (_, list) = t.get(&dakar_worker, "/api/v1/cases?office=thies").await;
    assert_eq!(list["items"], json!([]), "asking for another office shows nothing");
    let (status, _) = t.post(&dakar_worker, "/api/v1/cases", registration("A", "B", "thies")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t.post(&dakar_worker, "/api/v1/cases", registration("A", "B", "dakar")).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn the_me_officer_sees_no_names_and_cannot_search_by_name(t: &TestApp) {
    let admin = t.admin().await;
    let mut r = registration("Awa", "Ba", "dakar");
    r["profile"] = json!({"address": "12 rue X", "contacts": ["+221 77 000 00 00"], "province": "Dakar"});
    let (_, case) = t.post(&admin, "/api/v1/cases", r).await;
    let monitor = t.user("monitor", "me_officer", None, "").await;
    let (status, seen) = t.get(&monitor, &format!("/api/v1/cases/{}", id(&case))).await;
    assert_eq!(status, StatusCode::OK);
    for hidden in ["given_name", "family_name", "date_of_birth"] {
        assert!(seen.get(hidden).is_none(), "{hidden} shown to the M&E officer: {seen}");
    }
    assert_eq!(seen["profile"]["address"], json!(null));
    assert_eq!(seen["profile"]["contacts"], json!([]));
    assert_eq!(seen["profile"]["province"], "Dakar");
    assert_eq!(seen["age_at_return"], 31);
    let (status, _) = t.get(&monitor, "/api/v1/cases?q=awa").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, by_number) =
        t.get(&monitor, &format!("/api/v1/cases?q={}", case["case_number"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_number["items"][0]["id"], case["id"]);
    let (status, _) = t.get(&monitor, &format!("/api/v1/cases/{}/household-members", id(&case))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A load balancer takes a server whose database does not answer out of rotation: 503, naming
/// the build, instead of a 500 or a hang.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_check_answers_503_when_the_database_does_not() {
    let t = TestApp::sqlite().await;
    let (status, health) = t.get("", "/healthz").await;
    assert_eq!((status, &health["status"]), (StatusCode::OK, &json!("ok")));
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(health["commit"].as_str().is_some_and(|c| !c.is_empty()), "{health}");
    t.store.close().await;
    let (status, health) = t.get("", "/healthz").await;
    assert_eq!(
        (status, &health["status"], &health["database"]),
        (StatusCode::SERVICE_UNAVAILABLE, &json!("unavailable"), &json!("sqlite"))
    );
}

async fn the_worklist_shows_what_falls_due_on_ones_own_cases(t: &TestApp) {
    let root = t.admin().await;
    let fatou = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let sup = t.user("sup", "supervisor", Some("dakar"), "").await;
    // Returned 2026-02-01: the plan (a month after return) is overdue.
    let mut mine = registration("Awa", "Ba", "dakar");
    mine["case_manager"] = "fatou".into();
    let (_, awa) = t.post(&root, "/api/v1/cases", mine).await;
    let mut other = registration("Khadija", "Sow", "dakar");
    other["case_manager"] = "moussa".into();
    let (_, khadija) = t.post(&root, "/api/v1/cases", other).await;
    // A visit whose next one is due today.
    let today = homeward_store::today().to_string();
    let visit = json!({"date": "2026-03-01", "mode": "phone", "kind": "routine", "next_due": today});
    let (status, body) = t.post(&fatou, &format!("/api/v1/cases/{}/follow-ups", id(&awa)), visit).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, work) = t.get(&fatou, "/api/v1/worklist").await;
    assert_eq!(status, StatusCode::OK, "{work}");
    assert_eq!(work["scope"], "mine");
    let items = work["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["case_id"] == id(&awa)), "only her own cases: {work}");
    let has = |kind: &str, when: &str| items.iter().any(|i| i["kind"] == kind && i["when"] == when);
    assert!(has("plan", "overdue"), "{work}");
    assert!(has("follow_up_visit", "today"), "{work}");
    let plan = items.iter().find(|i| i["kind"] == "plan").unwrap();
    assert_eq!(plan["link"], format!("/cases/{}/plan", id(&awa)));
    assert_eq!(plan["name"], "Awa Ba");
    let count = |kind: &str| work["counts"].as_array().unwrap().iter().find(|c| c["kind"] == kind).unwrap().clone();
    assert_eq!(count("plan")["overdue"], 1);
    assert_eq!(
        count("referral_feedback"),
        json!({"kind": "referral_feedback", "overdue": 0, "today": 0, "this_week": 0})
    );
    // The supervisor's is the office's work.
    let (_, office) = t.get(&sup, "/api/v1/worklist").await;
    assert_eq!(office["scope"], "office");
    let cases: Vec<&str> = office["items"].as_array().unwrap().iter().map(|i| i["case_id"].as_str().unwrap()).collect();
    assert!(cases.contains(&id(&awa).as_str()) && cases.contains(&id(&khadija).as_str()), "{office}");
}

async fn the_same_person_registered_twice_is_caught_before_it_is_saved(t: &TestApp) {
    let token = t.admin().await;
    let mut first = registration("Khadija", "N'Diaye", "dakar");
    first["profile"] = json!({"id_document": "A123"});
    let (_, existing) = t.post(&token, "/api/v1/cases", first).await;
    t.register(&token, "Awa", "Sow", "dakar").await;
    let mut again = registration("Kadija", "Ndiaye", "dakar");
    again["profile"] = json!({"id_document": "A123"});
    let (status, found) = t.post(&token, "/api/v1/cases/duplicates", again.clone()).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1, "only the one whose names sound the same: {found:?}");
    assert_eq!(found[0]["case_id"], existing["id"]);
    assert_eq!(found[0]["matches"], json!(["date_of_birth", "sex", "country_of_origin", "id_document"]));
    let (status, none) = t.post(&token, "/api/v1/cases/duplicates", registration("Mariama", "Ba", "dakar")).await;
    assert_eq!((status, none), (StatusCode::OK, json!([])));
    // Confirmed another person: registered, and the confirmation audited against the case shown.
    let body = json!({"registration": again, "not_duplicates": [existing["id"]]});
    let (status, case) = t.post(&token, "/api/v1/cases/confirmed", body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, case["id"].as_str().unwrap(), 100).await.unwrap();
    assert!(
        log.iter().any(|e| e.entry.action == "confirm_not_duplicate" && e.entry.record_id == existing["id"].as_str().unwrap()),
        "{log:?}"
    );
}

async fn the_case_list_sorts_by_any_column_page_after_page(t: &TestApp) {
    let token = t.admin().await;
    for (given, family, office) in [
        ("Awa", "Sow", "thies"),
        ("Binta", "Ba", "dakar"),
        ("Coumba", "Ndiaye", "kaolack"),
        ("Dior", "Ba", "dakar"),
        ("Eva", "Fall", "dakar"),
    ] {
        t.register(&token, given, family, office).await;
    }
    assert_eq!(sorted(t, &token, "name").await, ["Ba Binta", "Ba Dior", "Fall Eva", "Ndiaye Coumba", "Sow Awa"]);
    assert_eq!(sorted(t, &token, "-name").await, ["Sow Awa", "Ndiaye Coumba", "Fall Eva", "Ba Dior", "Ba Binta"]);
    let by_office = sorted(t, &token, "office").await;
    assert_eq!(by_office.len(), 5, "every case, once, across pages");
    assert_eq!(&by_office[3..], ["Ndiaye Coumba", "Sow Awa"], "dakar's three, then kaolack, then thies");
    assert_eq!(
        sorted(t, &token, "-registered").await.first().map(String::as_str),
        Some("Fall Eva"),
        "the newest first"
    );
    let (status, body) = t.get(&token, "/api/v1/cases?sort=age").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("sort 'age' is not one of"), "{body}");
}

/// Every case's "family given" name, page after page (two a page), in the order `sort` asks.
async fn sorted(t: &TestApp, token: &str, sort: &str) -> Vec<String> {
    let mut names = vec![];
    let mut cursor = String::new();
    loop {
        let (status, page) = t.get(token, &format!("/api/v1/cases?sort={sort}&limit=2{cursor}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for c in page["items"].as_array().unwrap() {
            names.push(format!("{} {}", c["family_name"].as_str().unwrap(), c["given_name"].as_str().unwrap()));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={}", urlencode(next)),
            None => return names,
        }
    }
}

async fn a_supervisor_merges_a_case_registered_twice(t: &TestApp) {
    let root = t.admin().await;
    let sup = t.user("mariam", "supervisor", Some("dakar"), "").await;
    let cm = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let kept = t.register(&root, "Khadija", "Ndiaye", "dakar").await;
    let twice = t.register(&root, "Kadija", "N'Diaye", "dakar").await;
    let (kept_id, twice_id) = (id(&kept), id(&twice));
    let visit = json!({"date": "2026-02-02", "mode": "phone", "kind": "routine", "notes": "called"});
    let (status, _) = t.post(&root, &format!("/api/v1/cases/{twice_id}/follow-ups"), visit).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = t
        .post(
            &root,
            &format!("/api/v1/cases/{twice_id}/surveys"),
            json!({"phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": support::best_answers()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let merge = |version: i64, merged_version: i64, reason: &str| json!({"merged_case": twice_id, "version": version, "merged_version": merged_version, "reason": reason});
    let path = format!("/api/v1/cases/{kept_id}/merge");

    // A case manager cannot merge; a reason is required; a stale version is refused.
    let (status, _) = t.post(&cm, &path, merge(1, 1, "same person")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = t.post(&sup, &path, merge(1, 1, "  ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "reason");
    let (status, body) = t
        .post(
            &sup,
            &format!("/api/v1/cases/{kept_id}/merge"),
            json!({"merged_case": kept_id,
        "version": 1, "merged_version": 1, "reason": "x"}),
        )
        .await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("merge_itself")));
    let (status, _) = t.post(&sup, &path, merge(1, 0, "same person")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(t.count("case_merges").await, 0, "nothing merged by a refused request");

    let (_, current) = t.get(&root, &format!("/api/v1/cases/{twice_id}")).await;
    let merged_version = current["version"].as_i64().unwrap();
    let (status, after) = t.post(&sup, &path, merge(1, merged_version, "same ID card, registered in two visits")).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["merged_from"], json!([{"case_id": twice_id, "case_number": twice["case_number"]}]));
    assert!(after["latest_band"].is_string(), "the kept case takes the merged case's survey band: {after}");

    // Every record moved; the merged case is archived, read only, and points to the kept one.
    let (_, visits) = t.get(&root, &format!("/api/v1/cases/{kept_id}/follow-ups")).await;
    assert_eq!(visits.as_array().unwrap().len(), 1);
    let (_, surveys) = t.get(&root, &format!("/api/v1/cases/{kept_id}/surveys")).await;
    assert_eq!(surveys.as_array().unwrap().len(), 1);
    let (_, none) = t.get(&root, &format!("/api/v1/cases/{twice_id}/follow-ups")).await;
    assert_eq!(none, json!([]));
    let (_, merged) = t.get(&root, &format!("/api/v1/cases/{twice_id}")).await;
    assert_eq!(merged["status"], "archived");
    assert_eq!(merged["merged_into"], json!({"case_id": kept_id, "case_number": kept["case_number"]}));
    assert_eq!(merged["allowed_actions"], json!([]));
    let (status, _) = t
        .post(
            &root,
            &format!("/api/v1/cases/{twice_id}/follow-ups"),
            json!({"date": "2026-02-03", "mode": "phone", "kind": "routine"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the merged case takes no more records");

    // Replayed: refused, nothing moves twice.
    let (status, _) = t.post(&sup, &path, merge(2, merged_version + 1, "again")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(t.count("case_merges").await, 1);
    // The merged case is no longer offered as a possible duplicate; the kept one is.
    let (_, found) = t.post(&root, "/api/v1/cases/duplicates", registration("Khadija", "Ndiaye", "dakar")).await;
    let found: Vec<&str> = found.as_array().unwrap().iter().map(|d| d["case_id"].as_str().unwrap()).collect();
    assert_eq!(found, [kept_id.as_str()]);
    // Audited on both cases.
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    for case in [&kept_id, &twice_id] {
        let log = homeward_store::audit::for_case(&mut conn, case, 100).await.unwrap();
        assert!(log.iter().any(|e| e.entry.action == "merge" && e.entry.actor == "mariam"), "{case}: {log:?}");
    }
}

async fn a_merge_never_combines_two_plans_nor_crosses_offices(t: &TestApp) {
    let root = t.admin().await;
    let sup = t.user("mariam", "supervisor", Some("dakar"), "").await;
    let a = id(&t.register(&root, "Awa", "Sow", "dakar").await);
    let b = id(&t.register(&root, "Awa", "Sow", "dakar").await);
    let elsewhere = id(&t.register(&root, "Awa", "Sow", "thies").await);
    for case in [&a, &b] {
        let (status, _) = t.post(&root, &format!("/api/v1/cases/{case}/plans"), json!({"content": {}})).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let version =
        async |case: &str| t.get(&root, &format!("/api/v1/cases/{case}")).await.1["version"].as_i64().unwrap();
    let (va, vb, ve) = (version(&a).await, version(&b).await, version(&elsewhere).await);
    let body = |other: &str, merged_version: i64| json!({"merged_case": other, "version": va, "merged_version": merged_version, "reason": "same"});
    let (status, refusal) = t.post(&sup, &format!("/api/v1/cases/{a}/merge"), body(&b, vb)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refusal}");
    assert!(refusal["error"].as_str().unwrap().contains("reintegration plan"), "{refusal}");
    let (status, refusal) = t.post(&sup, &format!("/api/v1/cases/{a}/merge"), body(&elsewhere, ve)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another office's case is not one of hers: {refusal}");
    assert_eq!(refusal["fields"][0]["code"], "no_such_case");
    assert_eq!(t.count("case_merges").await, 0);
}
