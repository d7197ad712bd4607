//! Consent is checked by the server, for every sharing action (issue 12, part 1; docs/domain.md
//! section 6; handbook L1812-1816, L2011-2013, L2346, L4320, L7266-7330). Each scenario tries
//! the bypass and fails if it ever works again; each runs on SQLite and on PostgreSQL.

mod support;

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};
use support::{TestApp, id};

on_both_backends!(
    a_client_date_never_moves_a_consent_check_and_the_packet_is_dated_by_the_server,
    a_withdrawal_takes_effect_when_recorded_and_the_partner_then_sees_no_data,
    a_packet_carries_only_the_consented_fields_to_a_provider_with_an_agreement_for_the_agreed_plan,
    only_a_user_granted_emergency_sharing_refers_without_consent_and_supervisors_see_it,
    a_record_saying_data_was_shared_needs_its_consent,
);

fn today() -> chrono::NaiveDate {
    homeward_store::today()
}

/// A case with an agreed plan (version 1), a provider with or without a data-sharing agreement.
async fn case_with_agreed_plan(t: &TestApp, token: &str) -> String {
    let case = t.register(token, "Aminata", "Diallo", "dakar").await;
    let case_id = id(&case);
    let path = format!("/api/v1/cases/{case_id}/transitions");
    let (_, c) = t.post(token, &path, json!({"action": "start_assessment", "version": 1})).await;
    t.post(token, &path, json!({"action": "start_planning", "version": c["version"]})).await;
    let content = json!({"place_of_return": "Thiès", "summary": {"economic": "Tailoring workshop"},
        "components": [{"dimension": "economic", "level": "individual", "intervention": "business_start_up_grant",
            "description": "Sewing machines", "modality": "in_kind",
            "estimated_cost": {"amount": "450000", "currency": "XOF"}}],
        "goods": [{"item": "Sewing machine", "estimated_cost": {"amount": "300000", "currency": "XOF"}}]});
    let (status, plan) = t.post(token, &format!("/api/v1/cases/{case_id}/plans"), json!({"content": content})).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let attestation = json!({"date": "2026-02-25", "place": "Dakar", "returnee_name": "Aminata Diallo",
        "returnee_approved": true, "staff_name": "F. Sow", "staff_approved": true});
    let (status, agreed) = t
        .post(
            token,
            &format!("/api/v1/cases/{case_id}/plans/{}/transitions", id(&plan)),
            json!({"action": "agree", "version": plan["version"], "attestation": attestation}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{agreed}");
    case_id
}

async fn provider(t: &TestApp, token: &str, agreement: bool) -> String {
    let provider = json!({"organisation": "Centre de formation", "services": ["vocational training"],
        "dimensions": ["economic"], "country": "SN", "place": "Thiès", "last_verified": "2026-06-01"});
    if agreement {
        return t.provider_with_agreement(token, provider).await;
    }
    let (status, p) = t.post(token, "/api/v1/providers", provider).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    id(&p)
}

async fn consent(t: &TestApp, token: &str, case_id: &str, body: Value) -> (StatusCode, Value) {
    t.post(token, &format!("/api/v1/cases/{case_id}/consents"), body).await
}

fn sharing(provider: &str, fields: &[&str], given_on: &str) -> Value {
    json!({"purpose": "share_with_partner", "method": "written_in_person", "given_on": given_on,
        "partner": provider, "plan_version": 1, "fields": fields})
}

async fn propose(t: &TestApp, token: &str, case_id: &str, body: Value) -> (StatusCode, Value) {
    t.post(token, &format!("/api/v1/cases/{case_id}/referrals"), body).await
}

fn referral(provider: &str, fields: &[&str]) -> Value {
    json!({"provider": provider, "service_type": "vocational training", "reason": "Tailoring course",
        "data_shared": fields})
}

async fn step(t: &TestApp, token: &str, case_id: &str, r: &Value, action: &str, date: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/cases/{case_id}/referrals/{}/transitions", id(r));
    t.post(token, &path, json!({"action": action, "version": r["version"], "date": date})).await
}

fn code(body: &Value) -> &str {
    body["fields"][0]["code"].as_str().unwrap_or_else(|| panic!("no problem code in {body}"))
}

async fn a_client_date_never_moves_a_consent_check_and_the_packet_is_dated_by_the_server(t: &TestApp) {
    let token = t.admin().await;
    let case_id = case_with_agreed_plan(t, &token).await;
    let p = provider(t, &token, true).await;
    // A consent dated ahead of today is refused: it would count before it exists.
    let ahead = (today() + Duration::days(30)).to_string();
    let (status, body) = consent(t, &token, &case_id, sharing(&p, &["name"], &ahead)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "in_the_future"), "{body}");
    assert_eq!(body["fields"][0]["field"], "given_on");

    let (_, r) = propose(t, &token, &case_id, referral(&p, &["name"])).await;
    // No consent on record: a step dated years back or ahead changes nothing.
    for date in ["2020-01-01", "2026-12-31"] {
        let (status, body) = step(t, &token, &case_id, &r, "consent", date).await;
        assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_covering_consent"), "{body}");
    }
    let given = (today() - Duration::days(3)).to_string();
    let (status, _) = consent(t, &token, &case_id, sharing(&p, &["name"], &given)).await;
    assert_eq!(status, StatusCode::CREATED);
    // A date before the consent was given does not undo it either: the check is the server's today.
    let (status, consented) = step(t, &token, &case_id, &r, "consent", "2020-01-01").await;
    assert_eq!(status, StatusCode::OK, "{consented}");
    let (status, sent) = step(t, &token, &case_id, &consented, "send", "2020-01-02").await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["packet"]["sent_on"], today().to_string(), "the packet's date is the server's");
    assert_eq!(sent["packet"]["plan_version"], 1);
    let last = sent["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["date"].as_str(), last["recorded_on"].as_str()),
        (Some("2020-01-02"), Some(&*today().to_string()))
    );
}

async fn a_withdrawal_takes_effect_when_recorded_and_the_partner_then_sees_no_data(t: &TestApp) {
    let token = t.admin().await;
    let case_id = case_with_agreed_plan(t, &token).await;
    let p = provider(t, &token, true).await;
    let given = (today() - Duration::days(10)).to_string();
    let (_, c) = consent(t, &token, &case_id, sharing(&p, &["name", "contacts"], &given)).await;
    let (_, r) = propose(t, &token, &case_id, referral(&p, &["name", "contacts"])).await;
    let (_, r) = step(t, &token, &case_id, &r, "consent", &today().to_string()).await;
    let (status, sent) = step(t, &token, &case_id, &r, "send", &today().to_string()).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let partner = t.user_of_provider("centre", "partner", None, "", Some(&p)).await;
    let packet_path = format!("/api/v1/referral-packets/{}", id(&sent));
    let (_, seen) = t.get(&partner, &packet_path).await;
    assert_eq!(
        (seen["packet"]["fields"]["name"].as_str(), seen["consent_withdrawn"].as_bool()),
        (Some("Aminata Diallo"), Some(false))
    );

    // A withdrawal cannot be dated ahead (it would keep sharing until then).
    let item = format!("/api/v1/cases/{case_id}/consents/{}", id(&c));
    let mut withdrawn = c["data"].clone();
    withdrawn["withdrawn_on"] = (today() + Duration::days(5)).to_string().into();
    let (status, body) = t.put(&token, &item, json!({"version": c["version"], "data": withdrawn})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "in_the_future"), "{body}");
    assert_eq!(body["fields"][0]["field"], "withdrawn_on");
    withdrawn["withdrawn_on"] = today().to_string().into();
    let (status, body) = t.put(&token, &item, json!({"version": c["version"], "data": withdrawn})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The partner sees that consent was withdrawn, not the data, in the list and the item.
    let (status, seen) = t.get(&partner, &packet_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((seen["packet"].clone(), seen["consent_withdrawn"].as_bool()), (Value::Null, Some(true)), "{seen}");
    let (_, all) = t.get(&partner, "/api/v1/referral-packets").await;
    assert!(!all.to_string().contains("Aminata"), "{all}");
    // It may still record what happened, and is still shown no data.
    let (status, ack) = t
        .post(
            &partner,
            &format!("{packet_path}/transitions"),
            json!({"action": "acknowledge", "version": seen["version"], "date": today().to_string()}),
        )
        .await;
    assert_eq!((status, ack["packet"].clone()), (StatusCode::OK, Value::Null), "{ack}");
    // And nothing new is sent under the withdrawn consent.
    let (_, again) = propose(t, &token, &case_id, referral(&p, &["name"])).await;
    let (status, body) = step(t, &token, &case_id, &again, "consent", &today().to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("was withdrawn on"), "{body}");
}

async fn a_packet_carries_only_the_consented_fields_to_a_provider_with_an_agreement_for_the_agreed_plan(t: &TestApp) {
    let token = t.admin().await;
    let case_id = case_with_agreed_plan(t, &token).await;
    let with = provider(t, &token, true).await;
    let without = provider(t, &token, false).await;
    let given = (today() - Duration::days(2)).to_string();
    for p in [&with, &without] {
        let (status, body) = consent(t, &token, &case_id, sharing(p, &["name", "languages"], &given)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // More than the returnee agreed to: refused, naming what is beyond.
    let (_, r) = propose(t, &token, &case_id, referral(&with, &["name", "address"])).await;
    let (status, body) = step(t, &token, &case_id, &r, "consent", &today().to_string()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_covering_consent"));
    assert!(body["error"].as_str().unwrap().contains("covers the fields name, languages; not address"), "{body}");
    // A consent for a purpose other than sharing cannot name fields.
    let (status, body) = consent(
        t,
        &token,
        &case_id,
        json!({"purpose": "family_contact", "method": "verbal_by_phone", "given_on": given, "fields": ["name"]}),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "consent_fields_only_sharing"));
    // A provider without a data-sharing agreement receives nothing, consent or not.
    let (_, r) = propose(t, &token, &case_id, referral(&without, &["name"])).await;
    let (status, r) = step(t, &token, &case_id, &r, "consent", &today().to_string()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = step(t, &token, &case_id, &r, "send", &today().to_string()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_data_sharing_agreement"), "{body}");
    // An agreement that has ended, or one not signed yet, does not count; one in force does.
    t.sharing_agreement(&token, &without, "2025-01-01", Some("2025-12-31")).await;
    let mut unsigned = t.sharing_agreement(&token, &without, "2026-01-01", None).await;
    unsigned["agreement"]["signed_on"] = Value::Null;
    let (status, body) = t
        .put(
            &token,
            &format!("/api/v1/agreements/{}", id(&unsigned)),
            json!({"version": unsigned["version"], "agreement": unsigned["agreement"]}),
        )
        .await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &json!("draft")), "{body}");
    let (status, body) = step(t, &token, &case_id, &r, "send", &today().to_string()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_data_sharing_agreement"), "{body}");
    let (_, listed) = t.get(&token, &format!("/api/v1/providers/{without}")).await;
    assert_eq!(listed["data_sharing_agreement"], false, "the directory says so too");
    t.sharing_agreement(&token, &without, "2026-01-01", None).await;
    let (status, body) = step(t, &token, &case_id, &r, "send", &today().to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, listed) = t.get(&token, &format!("/api/v1/providers/{without}")).await;
    assert_eq!(listed["data_sharing_agreement"], true);
    // A referral for a plan version other than the agreed one is refused.
    let mut older = referral(&with, &["name"]);
    older["plan_version"] = 2.into();
    let (_, r) = propose(t, &token, &case_id, older).await;
    let (status, body) = step(t, &token, &case_id, &r, "consent", &today().to_string()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "not_the_agreed_plan"), "{body}");
    // A case whose plan is only drafted has no agreed version to refer for.
    let draft_case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    let (_, r) = propose(t, &token, &draft_case, referral(&with, &["name"])).await;
    let (status, body) = step(t, &token, &draft_case, &r, "consent", &today().to_string()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_agreed_plan"), "{body}");
}

async fn only_a_user_granted_emergency_sharing_refers_without_consent_and_supervisors_see_it(t: &TestApp) {
    let root = t.admin().await;
    let case_id = case_with_agreed_plan(t, &root).await;
    let p = provider(t, &root, true).await;
    let mut urgent = referral(&p, &["name", "contacts"]);
    urgent["urgency"] = "urgent".into();
    urgent["consent_override_reason"] = "Suicidal ideation; the returnee cannot be reached for consent".into();
    // A case manager without the grant cannot type a reason and send.
    let manager = t.user("fatou", "case_manager", Some("dakar"), "psychosocial").await;
    let (status, body) = propose(t, &manager, &case_id, urgent.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"].as_str().unwrap().contains("emergency-sharing grant"));
    // The old way of naming someone else as the overrider is gone.
    let mut named = urgent.clone();
    named["consent_override_by"] = "Dr Ndiaye".into();
    assert_eq!(propose(t, &manager, &case_id, named).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    t.account("dr_ndiaye", "case_manager", Some("dakar"), "psychosocial", true).await;
    let doctor = t.token_of("dr_ndiaye").await;
    let (status, r) = propose(t, &doctor, &case_id, urgent).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["state"], "urgent");
    assert_eq!(r["consent_override"]["by"], "dr_ndiaye");
    let (status, sent) = step(t, &doctor, &case_id, &r, "send", &today().to_string()).await;
    assert_eq!(status, StatusCode::OK, "sent at once, without consent: {sent}");
    // Shown on the case to whoever reads its referrals.
    let (_, listed) = t.get(&manager, &format!("/api/v1/cases/{case_id}/referrals")).await;
    assert_eq!(
        listed[0]["consent_override"]["reason"],
        "Suicidal ideation; the returnee cannot be reached for consent"
    );
    // Listed for the office's supervisor, not another office's, and not for case managers.
    let supervisor = t.user("sup", "supervisor", Some("dakar"), "psychosocial").await;
    let (status, overrides) = t.get(&supervisor, "/api/v1/consent-overrides").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(overrides.as_array().unwrap().len(), 1, "{overrides}");
    assert_eq!(overrides[0]["consent_override"]["by"], "dr_ndiaye");
    let elsewhere = t.user("sup2", "supervisor", Some("thies"), "").await;
    assert_eq!(t.get(&elsewhere, "/api/v1/consent-overrides").await.1, json!([]));
    assert_eq!(t.get(&manager, "/api/v1/consent-overrides").await.0, StatusCode::FORBIDDEN);
    // Audited as an override, and the refused attempt as a denial.
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &case_id, 500).await.unwrap();
    let has = |actor: &str, action: &str| log.iter().any(|e| e.entry.actor == actor && e.entry.action == action);
    assert!(has("dr_ndiaye", "override"), "the override is audited");
    // Denials are committed by the audit writer shortly after the answer.
    for _ in 0..50 {
        if homeward_store::audit::for_case(&mut conn, &case_id, 500)
            .await
            .unwrap()
            .iter()
            .any(|e| e.entry.actor == "fatou" && e.entry.action == "denied")
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the refused override is recorded as a denial");
}

async fn a_record_saying_data_was_shared_needs_its_consent(t: &TestApp) {
    let token = t.admin().await;
    let case_id = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    let assessment = json!({"date": "2026-02-03", "tool": "rapid_vulnerability_assessment", "phase": "on_arrival",
        "assessor": "F. Sow", "shared_with_country_of_origin": true});
    let path = format!("/api/v1/cases/{case_id}/vulnerability-assessments");
    let (status, body) = t.post(&token, &path, assessment.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_covering_consent"), "{body}");
    assert_eq!(body["fields"][0]["field"], "shared_with_country_of_origin");
    let given = (today() - Duration::days(1)).to_string();
    let (status, _) = consent(
        t,
        &token,
        &case_id,
        json!({"purpose": "share_with_country_of_origin", "method": "written_in_person", "given_on": given}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = t.post(&token, &path, assessment).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Onward referrals at closure each need the returnee's consent (line 4320).
    let closing = |version: i64| {
        json!({"action": "opt_out", "version": version, "closure": {"date": today().to_string(),
            "reason": "returnee_chose_to_stop", "choice": "voluntary", "timing": "planned",
            "onward_referrals": ["Chambre des métiers"]}})
    };
    let transitions = format!("/api/v1/cases/{case_id}/transitions");
    // The assessment moved the case on (its status follows the work): close the version as it is.
    let (_, case) = t.get(&token, &format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["status"], "assessment");
    let version = case["version"].as_i64().unwrap();
    let (status, body) = t.post(&token, &transitions, closing(version)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "no_covering_consent"), "{body}");
    assert_eq!(body["fields"][0]["field"], "closure.onward_referrals");
    let (status, _) = consent(
        t,
        &token,
        &case_id,
        json!({"purpose": "onward_referral", "method": "verbal_by_phone", "given_on": given}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = t.post(&token, &transitions, closing(version)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
