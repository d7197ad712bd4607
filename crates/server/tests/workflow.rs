//! The case-management workflow through the API: surveys, records, plans, referrals and the
//! partner's packets, follow-ups. Every scenario runs on SQLite and on PostgreSQL.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, best_answers, id};

on_both_backends!(
    a_scored_survey_answers_with_the_batch_fields_and_sets_the_band,
    a_discarded_survey_stays_on_record_and_an_invalid_one_is_refused,
    a_plan_is_drafted_agreed_with_attestations_and_revised_into_a_new_version,
    a_packet_is_sent_only_with_consent_for_that_partner_and_plan_version,
    a_partner_sees_only_the_packets_sent_to_it,
    a_consent_can_be_withdrawn_but_never_rewritten,
    follow_ups_propose_the_next_visit_from_the_timing_rules,
    sensitive_records_need_an_explicit_grant,
    assistance_amounts_are_exact_and_checked,
    the_case_calendar_and_the_grid_come_from_the_programme_data,
    indicators_are_computed_from_the_records_with_small_groups_suppressed,
    scores_are_summarised_on_the_database_by_the_returnees_attributes,
    change_between_rounds_and_regression_run_on_the_database,
    the_case_status_follows_the_work,
    payments_follow_the_plan_unless_a_supervisor_accepts_an_exception,
);

/// A payment beyond the component's planned amount, ahead of its date or out of instalment order
/// is refused; a supervisor may accept it with a reason, which the audit log records.
async fn payments_follow_the_plan_unless_a_supervisor_accepts_an_exception(t: &TestApp) {
    let root = t.admin().await;
    let manager = t.user("fatou", "case_manager", Some("dakar"), "").await;
    let supervisor = t.user("sup", "supervisor", Some("dakar"), "").await;
    let (case_id, _) = case_in_planning(t, &root).await;
    agreed_plan(t, &root, &case_id).await; // component 0 plans 450000 XOF
    let payment_due = || async {
        let (_, work) = t.get(&root, "/api/v1/worklist").await;
        work["items"].as_array().unwrap().iter().any(|i| i["case_id"] == case_id.as_str() && i["kind"] == "payment")
    };
    assert!(payment_due().await, "the plan's payment is on the worklist");
    let path = format!("/api/v1/cases/{case_id}/assistance");
    let payment = |amount: &str, instalment: u32| {
        json!({"date": "2026-04-01", "modality": "in_kind", "value": {"amount": amount, "currency": "XOF"},
            "plan_version": 1, "component": 0, "instalment": instalment, "instalments": 2, "payee": "supplier",
            "supplier": "Quincaillerie"})
    };
    let code = |b: &serde_json::Value| b["fields"][0]["code"].as_str().unwrap_or("").to_string();
    let (status, body) = t.post(&manager, &path, payment("300000", 2)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "instalment_out_of_order".into()), "{body}");
    let (status, first) = t.post(&manager, &path, payment("300000", 1)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    // A correction follows the same rules, against the other payments (not against itself).
    let correct = |data: Value, version: i64| json!({"version": version, "data": data});
    let first_path = format!("{path}/{}", id(&first));
    let (status, body) = t.put(&manager, &first_path, correct(payment("450000", 1), 1)).await;
    assert_eq!(status, StatusCode::OK, "up to the planned amount, counting the payment once: {body}");
    let (status, body) = t.put(&manager, &first_path, correct(payment("500000", 1), 2)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "beyond_planned".into()), "{body}");
    let mut ahead = payment("300000", 1);
    ahead["date"] = (homeward_store::today() + chrono::Duration::days(3)).to_string().into();
    let (status, body) = t.put(&manager, &first_path, correct(ahead, 2)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "payment_in_the_future".into()), "{body}");
    let (status, body) = t.put(&manager, &first_path, correct(payment("300000", 1), 2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = t.post(&manager, &path, payment("300000", 2)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "beyond_planned".into()), "{body}");
    let mut ahead = payment("100000", 2);
    ahead["date"] = (homeward_store::today() + chrono::Duration::days(10)).to_string().into();
    let (status, body) = t.post(&manager, &path, ahead).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "payment_in_the_future".into()), "{body}");
    // A reason from a case manager is not enough; from a supervisor it is, and it is audited.
    let mut excused = payment("300000", 2);
    excused["exception_reason"] = "Prices rose: the supplier's new quote is attached".into();
    let (status, body) = t.post(&manager, &path, excused.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"].as_array().unwrap().iter().any(|f| f["code"] == "exception_needs_supervisor"), "{body}");
    let (status, accepted) = t.post(&supervisor, &path, excused.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    // Correcting the accepted payment (its handover certificate) keeps the supervisor's acceptance; raising it
    // further is a new exception, which only a supervisor accepts again.
    let accepted_path = format!("{path}/{}", id(&accepted));
    let mut noted = excused.clone();
    noted["handover_certificate"] = true.into();
    let (status, body) = t.put(&manager, &accepted_path, correct(noted.clone(), 1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut raised = noted.clone();
    raised["value"]["amount"] = "350000".into();
    raised["exception_reason"] = "Another price rise".into();
    let (status, body) = t.put(&manager, &accepted_path, correct(raised.clone(), 2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = t.put(&supervisor, &accepted_path, correct(raised, 2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let log = homeward_store::audit::for_case(&mut conn, &case_id, 500).await.unwrap();
    assert!(
        log.iter().any(|e| e.entry.actor == "sup" && e.entry.action == "accept_exception"),
        "the exception is audited"
    );
}

/// Recording the work moves the case along the handbook's path (Figure 2.1), each move audited.
async fn the_case_status_follows_the_work(t: &TestApp) {
    let token = t.admin().await;
    let case_id = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    let c = format!("/api/v1/cases/{case_id}");
    let status = || async { t.get(&token, &c).await.1["status"].as_str().unwrap().to_string() };
    assert_eq!(status().await, "intake");
    let assessment = json!({"date": "2026-02-03", "tool": "rapid_vulnerability_assessment", "phase": "on_arrival",
        "assessor": "F. Sow"});
    assert_eq!(t.post(&token, &format!("{c}/vulnerability-assessments"), assessment).await.0, StatusCode::CREATED);
    assert_eq!(status().await, "assessment", "a first assessment starts the assessment");
    let (_, plan) = t.post(&token, &format!("{c}/plans"), json!({"content": plan_content()})).await;
    assert_eq!(status().await, "planning", "drafting the plan is planning");
    let agree = json!({"action": "agree", "version": plan["version"], "attestation": attestation()});
    assert_eq!(t.post(&token, &format!("{c}/plans/{}/transitions", id(&plan)), agree).await.0, StatusCode::OK);
    assert_eq!(status().await, "plan_agreed");
    let payment = json!({"date": "2026-04-01", "modality": "in_kind", "value": {"amount": "300000", "currency": "XOF"},
        "plan_version": 1, "component": 0, "instalment": 1, "instalments": 1, "payee": "supplier", "supplier": "Quincaillerie"});
    assert_eq!(t.post(&token, &format!("{c}/assistance"), payment).await.0, StatusCode::CREATED);
    assert_eq!(status().await, "in_assistance", "the first assistance starts the assistance stage");
    let visit = json!({"date": "2026-05-02", "mode": "face_to_face", "kind": "routine"});
    assert_eq!(t.post(&token, &format!("{c}/follow-ups"), visit.clone()).await.0, StatusCode::CREATED);
    assert_eq!(status().await, "monitoring", "a visit after assistance starts the monitoring");
    assert_eq!(t.post(&token, &format!("{c}/follow-ups"), visit).await.0, StatusCode::CREATED);
    assert_eq!(status().await, "monitoring", "and the case stays there");
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let moves: Vec<String> = homeward_store::audit::for_case(&mut conn, &case_id, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entry.entity == "case" && e.entry.fields == "status,follows_work")
        .map(|e| e.entry.action)
        .rev()
        .collect();
    assert_eq!(moves, ["start_assessment", "start_planning", "agree_plan", "start_assistance", "start_monitoring"]);
}

async fn case_in_planning(t: &TestApp, token: &str) -> (String, i64) {
    let case = t.register(token, "Aminata", "Diallo", "dakar").await;
    let path = format!("/api/v1/cases/{}/transitions", id(&case));
    let (_, c) = t.post(token, &path, json!({"action": "start_assessment", "version": 1})).await;
    let (_, c) = t.post(token, &path, json!({"action": "start_planning", "version": c["version"]})).await;
    (id(&case), c["version"].as_i64().unwrap())
}

fn survey(phase: &str, date: &str, answers: Value) -> Value {
    json!({"phase": phase, "date": date, "consent": "yes", "answers": answers})
}

async fn a_scored_survey_answers_with_the_batch_fields_and_sets_the_band(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Awa", "Ba", "dakar").await;
    let path = format!("/api/v1/cases/{}/surveys", id(&case));
    let (status, s) = t.post(&token, &path, survey("baseline", "2026-02-10", best_answers())).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["status"], "scored");
    for field in ["economic", "social", "psychosocial", "composite"] {
        assert_eq!(s[field], 1.0, "{field}");
    }
    assert_eq!(s["composite_band"], "light");
    assert_eq!(s["dk_dwa_count"], 0);
    assert_eq!(s["low_accuracy"], false);
    assert_eq!(s["profile"], "rss-provisional-1");
    assert_eq!(s["profile_status"], "provisional");
    assert_eq!(s["interviewer_is_case_manager"], true);
    let (_, read) = t.get(&token, &format!("/api/v1/cases/{}", id(&case))).await;
    assert_eq!(read["latest_band"], "light");
    let (_, light) = t.get(&token, "/api/v1/cases?band=light").await;
    assert_eq!(light["items"][0]["id"], case["id"]);
    let (_, intensive) = t.get(&token, "/api/v1/cases?band=intensive").await;
    assert_eq!(intensive["items"], json!([]));
    let mut multiple = best_answers();
    multiple["Q32"] = json!(["family", "friends"]);
    let (status, s) = t.post(&token, &path, survey("intermediate", "2026-08-10", multiple)).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let (_, all) = t.get(&token, &path).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[1]["answers"]["Q32"], "family friends");
}

async fn a_discarded_survey_stays_on_record_and_an_invalid_one_is_refused(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Awa", "Ba", "dakar").await;
    let path = format!("/api/v1/cases/{}/surveys", id(&case));
    let mut incomplete = best_answers();
    incomplete.as_object_mut().unwrap().remove("Q5");
    let (status, s) = t.post(&token, &path, survey("baseline", "2026-02-10", incomplete)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(s["status"], "discarded");
    assert_eq!(s["composite"], json!(null));
    assert!(s["reason"].as_str().unwrap().contains("Q5"), "{s}");

    let mut wrong = best_answers();
    wrong["Q10"] = "unemployed".into();
    let (status, body) = t.post(&token, &path, survey("baseline", "2026-02-10", wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "answers.Q10");
    assert_eq!(body["error"], "Q10: answered 'unemployed' but Q10 is asked only when Q9 is 'yes'");
    let mut unknown = best_answers();
    unknown["Q99"] = "yes".into();
    let (status, body) = t.post(&token, &path, survey("baseline", "2026-02-10", unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "answers.Q99");
    let (_, all) = t.get(&token, &path).await;
    assert_eq!(all.as_array().unwrap().len(), 1, "only the discarded attempt is kept");
    assert_eq!(t.count("surveys").await, 1);
}

fn plan_content() -> Value {
    json!({
        "place_of_return": "Thiès",
        "summary": {"economic": "Tailoring workshop"},
        "components": [{"dimension": "economic", "level": "individual", "intervention": "business_start_up_grant",
                        "description": "Sewing machines", "modality": "in_kind",
                        "estimated_cost": {"amount": "450000", "currency": "XOF"}}],
        "goods": [{"item": "Sewing machine", "estimated_cost": {"amount": "300000", "currency": "XOF"}}]
    })
}

fn attestation() -> Value {
    json!({"date": "2026-02-25", "place": "Dakar", "returnee_name": "Aminata Diallo", "returnee_approved": true,
           "staff_name": "F. Sow", "staff_approved": true})
}

async fn agreed_plan(t: &TestApp, token: &str, case_id: &str) -> Value {
    let (status, plan) =
        t.post(token, &format!("/api/v1/cases/{case_id}/plans"), json!({"content": plan_content()})).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let path = format!("/api/v1/cases/{case_id}/plans/{}/transitions", id(&plan));
    let (status, agreed) = t
        .post(token, &path, json!({"action": "agree", "version": plan["version"], "attestation": attestation()}))
        .await;
    assert_eq!(status, StatusCode::OK, "{agreed}");
    agreed
}

async fn a_plan_is_drafted_agreed_with_attestations_and_revised_into_a_new_version(t: &TestApp) {
    let token = t.admin().await;
    let (case_id, _) = case_in_planning(t, &token).await;
    t.post(&token, &format!("/api/v1/cases/{case_id}/surveys"), survey("baseline", "2026-02-10", best_answers())).await;
    let mut bad = plan_content();
    bad["components"][0]["intervention"] = "levitation".into();
    let (status, body) = t.post(&token, &format!("/api/v1/cases/{case_id}/plans"), json!({"content": bad})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "content.components[0].intervention");

    let (_, plan) = t.post(&token, &format!("/api/v1/cases/{case_id}/plans"), json!({"content": plan_content()})).await;
    assert_eq!(plan["plan_version"], 1);
    assert_eq!(plan["state"], "draft");
    assert_eq!(plan["baseline"]["composite"], 1.0, "section 5 takes the baseline survey's scores");
    let path = format!("/api/v1/cases/{case_id}/plans/{}", id(&plan));
    let (status, again) =
        t.post(&token, &format!("/api/v1/cases/{case_id}/plans"), json!({"content": plan_content()})).await;
    assert_eq!(status, StatusCode::CONFLICT, "one open plan at a time: {again}");

    let mut unsigned = attestation();
    unsigned["returnee_approved"] = false.into();
    let (status, body) = t
        .post(&token, &format!("{path}/transitions"), json!({"action": "agree", "version": 1, "attestation": unsigned}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "attestation.returnee_approved");
    let (status, agreed) = t
        .post(
            &token,
            &format!("{path}/transitions"),
            json!({"action": "agree", "version": 1, "attestation": attestation()}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{agreed}");
    assert_eq!(agreed["state"], "agreed");
    let (_, case) = t.get(&token, &format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["status"], "plan_agreed");
    assert_eq!(case["plan_agreed_on"], "2026-02-25");
    assert_eq!(case["next_follow_up"], "2026-05-25", "the first follow-up three months after the plan");

    let (status, _) = t.put(&token, &path, json!({"version": agreed["version"], "content": plan_content()})).await;
    assert_eq!(status, StatusCode::CONFLICT, "an agreed plan is not edited");
    let (status, revised) =
        t.post(&token, &format!("{path}/transitions"), json!({"action": "revise", "version": agreed["version"]})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revised["plan_version"], 2);
    assert_eq!(revised["state"], "draft");
    assert_eq!(revised["attestation"], json!(null), "a new version is signed again");
    let (_, all) = t.get(&token, &format!("/api/v1/cases/{case_id}/plans")).await;
    let states: Vec<&str> = all.as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["revised", "draft"]);
}

async fn provider(t: &TestApp, token: &str) -> String {
    let provider = json!({
        "organisation": "Centre de formation", "services": ["vocational training"], "dimensions": ["economic"],
        "country": "SN", "place": "Thiès", "last_verified": "2026-06-01"});
    t.provider_with_agreement(token, provider).await
}

async fn referral(t: &TestApp, token: &str, case_id: &str, provider: &str) -> Value {
    let (status, r) = t
        .post(
            token,
            &format!("/api/v1/cases/{case_id}/referrals"),
            json!({
        "provider": provider, "service_type": "vocational training", "reason": "Tailoring course",
        "data_shared": ["name", "age", "contacts"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    r
}

async fn a_packet_is_sent_only_with_consent_for_that_partner_and_plan_version(t: &TestApp) {
    let token = t.admin().await;
    let (case_id, _) = case_in_planning(t, &token).await;
    let provider = provider(t, &token).await;
    let plan = agreed_plan(t, &token, &case_id).await;
    let r = referral(t, &token, &case_id, &provider).await;
    let step = format!("/api/v1/cases/{case_id}/referrals/{}/transitions", id(&r));
    let (status, body) = t.post(&token, &step, json!({"action": "send", "version": 1, "date": "2026-03-01"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "the lifecycle wants consent first: {body}");
    let (status, body) = t.post(&token, &step, json!({"action": "consent", "version": 1, "date": "2026-03-01"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "consent");
    assert_eq!(
        body["error"],
        format!(
            "consent: no current consent to share data with partner '{provider}' for plan version 1: none is recorded"
        )
    );
    let (status, _) = t
        .post(
            &token,
            &format!("/api/v1/cases/{case_id}/consents"),
            json!({
        "purpose": "share_with_partner", "method": "written_in_person", "given_on": "2026-02-26",
        "partner": provider, "plan_version": 1, "fields": ["name", "age", "contacts"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, consented) =
        t.post(&token, &step, json!({"action": "consent", "version": 1, "date": "2026-03-01"})).await;
    assert_eq!(status, StatusCode::OK, "{consented}");
    let (status, sent) =
        t.post(&token, &step, json!({"action": "send", "version": consented["version"], "date": "2026-03-02"})).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["state"], "sent");
    let fields = sent["packet"]["fields"].as_object().unwrap();
    let mut names: Vec<&String> = fields.keys().collect();
    names.sort();
    assert_eq!(names, ["age", "contacts", "name"], "exactly the chosen fields");
    assert_eq!(fields["name"], "Aminata Diallo");

    // The plan changes: consent given for version 1 does not cover version 2.
    let path = format!("/api/v1/cases/{case_id}/plans/{}/transitions", id(&plan));
    let (_, revised) = t.post(&token, &path, json!({"action": "revise", "version": plan["version"]})).await;
    assert_eq!(revised["plan_version"], 2);
    let second = referral(t, &token, &case_id, &provider).await;
    let step = format!("/api/v1/cases/{case_id}/referrals/{}/transitions", id(&second));
    let (status, body) = t.post(&token, &step, json!({"action": "consent", "version": 1, "date": "2026-04-01"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "no_agreed_plan", "a referral waits for the new version's agreement: {body}");
    let path = format!("/api/v1/cases/{case_id}/plans/{}/transitions", id(&revised));
    let (status, agreed) = t
        .post(&token, &path, json!({"action": "agree", "version": revised["version"], "attestation": attestation()}))
        .await;
    assert_eq!(status, StatusCode::OK, "{agreed}");
    let (status, body) = t.post(&token, &step, json!({"action": "consent", "version": 1, "date": "2026-04-01"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"].as_str().unwrap().contains("the plan has changed since, so consent must be renewed"),
        "{body}"
    );
}

async fn a_partner_sees_only_the_packets_sent_to_it(t: &TestApp) {
    let token = t.admin().await;
    let (case_id, _) = case_in_planning(t, &token).await;
    let ours = provider(t, &token).await;
    let theirs = provider(t, &token).await;
    agreed_plan(t, &token, &case_id).await;
    for p in [&ours, &theirs] {
        t.post(
            &token,
            &format!("/api/v1/cases/{case_id}/consents"),
            json!({
            "purpose": "share_with_partner", "method": "written_in_person", "given_on": "2026-02-26",
            "partner": p, "plan_version": 1, "fields": ["name", "age", "contacts"]}),
        )
        .await;
    }
    let sent = referral(t, &token, &case_id, &ours).await;
    let unsent = referral(t, &token, &case_id, &ours).await;
    let other = referral(t, &token, &case_id, &theirs).await;
    for r in [&sent, &other] {
        let step = format!("/api/v1/cases/{case_id}/referrals/{}/transitions", id(r));
        let (_, c) = t.post(&token, &step, json!({"action": "consent", "version": 1, "date": "2026-03-01"})).await;
        let (status, _) =
            t.post(&token, &step, json!({"action": "send", "version": c["version"], "date": "2026-03-01"})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let partner = t.user_of_provider("centre", "partner", None, "", Some(&ours)).await;
    let (status, packets) = t.get(&partner, "/api/v1/referral-packets").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = packets.as_array().unwrap().iter().map(|p| p["referral_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id(&sent)], "not the unsent one, not another provider's");
    for hidden in [id(&unsent), id(&other)] {
        assert_eq!(t.get(&partner, &format!("/api/v1/referral-packets/{hidden}")).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(t.get(&partner, &format!("/api/v1/cases/{case_id}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.get(&partner, "/api/v1/cases").await.0, StatusCode::FORBIDDEN);
    let step = format!("/api/v1/referral-packets/{}/transitions", id(&sent));
    let (status, ack) = t
        .post(
            &partner,
            &step,
            json!({"action": "acknowledge", "version": 3, "date": "2026-03-03",
        "note": "Appointment on 10 March"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ack}");
    assert_eq!(ack["state"], "acknowledged");
    let (status, _) =
        t.post(&partner, &step, json!({"action": "cancel", "version": ack["version"], "date": "2026-03-03"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a provider does not cancel");
    let (_, seen) = t.get(&token, &format!("/api/v1/cases/{case_id}/referrals/{}", id(&sent))).await;
    assert_eq!(seen["history"].as_array().unwrap().last().unwrap()["note"], "Appointment on 10 March");
}

async fn a_consent_can_be_withdrawn_but_never_rewritten(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Awa", "Ba", "dakar").await;
    let path = format!("/api/v1/cases/{}/consents", id(&case));
    let given = json!({"purpose": "counselling", "method": "verbal_by_phone", "given_on": "2026-02-02"});
    let (_, consent) = t.post(&token, &path, given.clone()).await;
    let item = format!("{path}/{}", id(&consent));
    let mut rewritten = given.clone();
    rewritten["method"] = "written_in_person".into();
    let (status, body) = t.put(&token, &item, json!({"version": 1, "data": rewritten})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut withdrawn = given.clone();
    withdrawn["withdrawn_on"] = "2026-03-01".into();
    let (status, body) = t.put(&token, &item, json!({"version": 1, "data": withdrawn})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["withdrawn_on"], "2026-03-01");
    assert_eq!(body["version"], 2);
    let (status, _) = t.put(&token, &item, json!({"version": 1, "data": given})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = t
        .post(
            &token,
            &path,
            json!({"purpose": "medical_procedure", "method": "verbal_by_phone", "given_on": "2026-02-02"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["fields"][0],
        json!({"field": "method", "code": "consent_written", "params": {"purpose": "medical_procedure"},
            "message": "consent for medical_procedure: must be written"})
    );
}

async fn follow_ups_propose_the_next_visit_from_the_timing_rules(t: &TestApp) {
    let token = t.admin().await;
    let (case_id, _) = case_in_planning(t, &token).await;
    agreed_plan(t, &token, &case_id).await;
    let path = format!("/api/v1/cases/{case_id}/follow-ups");
    let (status, visit) =
        t.post(&token, &path, json!({"date": "2026-05-26", "mode": "face_to_face", "kind": "routine"})).await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    assert_eq!(visit["data"]["next_due"], "2026-08-25", "the next three-monthly visit after the plan");
    let (_, case) = t.get(&token, &format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["next_follow_up"], "2026-08-25");
    let (_, due) = t.get(&token, "/api/v1/cases?follow_up_due_by=2026-09-01").await;
    assert_eq!(due["items"][0]["id"], case_id.as_str());
    let (_, not_yet) = t.get(&token, "/api/v1/cases?follow_up_due_by=2026-08-01").await;
    assert_eq!(not_yet["items"], json!([]));
    let (status, body) = t
        .post(
            &token,
            &path,
            json!({"date": "2026-06-01", "mode": "phone", "kind": "routine", "next_due": "2026-05-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "next_due");
}

async fn sensitive_records_need_an_explicit_grant(t: &TestApp) {
    let admin = t.admin().await;
    let case = t.register(&admin, "Awa", "Ba", "dakar").await;
    let case_id = id(&case);
    let plain = t.user("plain", "case_manager", Some("dakar"), "").await;
    let nurse = t.user("nurse", "case_manager", Some("dakar"), "health").await;
    let note = json!({"section": "health", "date": "2026-02-03", "text": "insulin-dependent"});
    let (status, _) = t.post(&plain, &format!("/api/v1/cases/{case_id}/sensitive-notes"), note.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, created) = t.post(&nurse, &format!("/api/v1/cases/{case_id}/sensitive-notes"), note).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, seen) = t.get(&plain, &format!("/api/v1/cases/{case_id}/sensitive-notes")).await;
    assert_eq!(seen, json!([]), "the note is hidden without the grant");
    assert_eq!(
        t.get(&plain, &format!("/api/v1/cases/{case_id}/sensitive-notes/{}", id(&created))).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, seen) = t.get(&nurse, &format!("/api/v1/cases/{case_id}/sensitive-notes")).await;
    assert_eq!(seen[0]["data"]["text"], "insulin-dependent");
    let vulnerability = json!({"date": "2026-02-03", "tool": "mvvea", "phase": "on_arrival", "assessor": "F. Sow"});
    assert_eq!(
        t.post(&nurse, &format!("/api/v1/cases/{case_id}/vulnerability-assessments"), vulnerability).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(t.get(&plain, &format!("/api/v1/cases/{case_id}/counselling-sessions")).await.0, StatusCode::FORBIDDEN);
    let (_, timeline) = t.get(&plain, &format!("/api/v1/cases/{case_id}/timeline")).await;
    assert!(timeline.as_array().unwrap().iter().all(|e| e["kind"] != "sensitive_note"), "{timeline}");
    let (_, timeline) = t.get(&nurse, &format!("/api/v1/cases/{case_id}/timeline")).await;
    assert!(timeline.as_array().unwrap().iter().any(|e| e["kind"] == "sensitive_note"), "{timeline}");
}

async fn assistance_amounts_are_exact_and_checked(t: &TestApp) {
    let token = t.admin().await;
    let case = t.register(&token, "Awa", "Ba", "dakar").await;
    let path = format!("/api/v1/cases/{}/assistance", id(&case));
    let grant = json!({"date": "2026-04-01", "modality": "business_grant", "value": {"amount": "1250.50", "currency": "EUR"},
                       "instalment": 1, "instalments": 2, "payee": "returnee"});
    let (status, a) = t.post(&token, &path, grant.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["data"]["value"]["amount"], "1250.50");
    let mut xof = grant.clone();
    xof["value"] = json!({"amount": "10.5", "currency": "XOF"});
    let (status, body) = t.post(&token, &path, xof).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "value.amount");
    let (status, need) = t
        .post(
            &token,
            &format!("/api/v1/cases/{}/unmet-needs", id(&case)),
            json!({
        "date": "2026-04-02", "dimension": "psychosocial", "need": "psychiatric care", "because": "service_unavailable",
        "mitigation": "safety plan agreed"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "unmet needs are recorded for advocacy: {need}");
    let mut unknown = grant;
    unknown["value"] = json!({"amount": "10", "currency": "ABC"});
    let (status, body) = t.post(&token, &path, unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "value.currency");
}

async fn the_case_calendar_and_the_grid_come_from_the_programme_data(t: &TestApp) {
    let token = t.admin().await;
    let (status, grid) = t.get(&token, "/api/v1/feasibility-grid").await;
    assert_eq!(status, StatusCode::OK);
    let grid = grid.as_array().unwrap();
    assert_eq!(grid.len(), 29, "the 29 interventions of Annex 5");
    let grant = grid.iter().find(|i| i["id"] == "business_start_up_grant").unwrap();
    assert_eq!(grant["dimension"], "economic");
    assert!(!grant["criteria"].as_array().unwrap().is_empty());

    let (case_id, _) = case_in_planning(t, &token).await;
    let (_, before) = t.get(&token, &format!("/api/v1/cases/{case_id}/due-dates")).await;
    let kinds: Vec<&str> = before.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"plan") && !kinds.contains(&"follow_up"), "follow-ups count from the plan: {kinds:?}");
    let plan = before.as_array().unwrap().iter().find(|d| d["kind"] == "plan").unwrap();
    assert_eq!(plan["date"], "2026-03-01", "the plan is due a month after the return on 2026-02-01");
    agreed_plan(t, &token, &case_id).await;
    let (_, after) = t.get(&token, &format!("/api/v1/cases/{case_id}/due-dates")).await;
    let first_visit = after.as_array().unwrap().iter().find(|d| d["kind"] == "follow_up").unwrap();
    assert_eq!(first_visit["date"], "2026-05-25");
    assert_eq!(first_visit["anchor"], "plan_agreed");
}

async fn indicators_are_computed_from_the_records_with_small_groups_suppressed(t: &TestApp) {
    let root = t.admin().await;
    for i in 0..6 {
        let case = id(&t.register(&root, &format!("Awa{i}"), "Ba", if i < 5 { "dakar" } else { "thies" }).await);
        // The last case's survey falls before the period: it does not count.
        let date = if i == 5 { "2025-12-01" } else { "2026-03-01" };
        let (status, s) =
            t.post(&root, &format!("/api/v1/cases/{case}/surveys"), survey("baseline", date, best_answers())).await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
    }
    let (status, body) = t.get(&root, "/api/v1/indicators?from=2026-01-01&to=2026-12-31&min_cell=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["profile"], "rss-provisional-1");
    let composite = &body["indicators"][0];
    assert_eq!(composite["id"], "composite_at_least_half");
    assert_eq!(
        (composite["overall"]["count"].as_u64(), composite["overall"]["of"].as_u64()),
        (Some(5), Some(5)),
        "{composite}"
    );
    assert_eq!(composite["breakdowns"]["sex"][0]["group"], "female");
    assert_eq!(composite["target"], 0.6);
    let plans = body["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "plan_within_a_month").unwrap();
    assert_eq!(
        (plans["overall"]["count"].as_u64(), plans["overall"]["of"].as_u64()),
        (Some(0), Some(6)),
        "no plan agreed"
    );
    // Five returnees are read one by one (a survey in the period), the sixth is counted by the
    // database with the others of its sex, age and return date: all six are the population.
    let referred = body["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "referred_psychosocial").unwrap();
    assert_eq!(
        (referred["overall"]["count"].as_u64(), referred["overall"]["of"].as_u64()),
        (Some(0), Some(6)),
        "{referred}"
    );
    assert_eq!(referred["breakdowns"]["sex"][0]["of"], 6, "{referred}");

    let (_, strict) = t.get(&root, "/api/v1/indicators?from=2026-01-01&to=2026-12-31&min_cell=6").await;
    let hidden = &strict["indicators"][0]["overall"];
    assert!(
        hidden["count"].is_null() && hidden["suppressed"] == "small_cell",
        "five people under a minimum of six: {hidden}"
    );

    let thies = t.user("thies_cm", "case_manager", Some("thies"), "").await;
    let (_, own) = t.get(&thies, "/api/v1/indicators?from=2025-11-01&to=2026-12-31&min_cell=1").await;
    assert_eq!(own["indicators"][0]["overall"]["of"], 1, "a case manager's indicators cover their office only");
    let monitor = t.user("monitor", "me_officer", None, "").await;
    assert_eq!(t.get(&monitor, "/api/v1/indicators?from=2026-01-01&to=2026-12-31").await.0, StatusCode::OK);
    let (status, body) = t.get(&root, "/api/v1/indicators?from=2026-12-31&to=2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "to");
}

async fn scores_are_summarised_on_the_database_by_the_returnees_attributes(t: &TestApp) {
    let root = t.admin().await;
    for i in 0..7 {
        let case = id(&t.register(&root, &format!("Awa{i}"), "Ba", if i < 6 { "dakar" } else { "thies" }).await);
        let (status, s) = t
            .post(&root, &format!("/api/v1/cases/{case}/surveys"), survey("baseline", "2026-03-01", best_answers()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
    }
    let path = "/api/v1/analyses/summary?measure=composite&by=office,phase&from=2026-01-01&to=2026-12-31";
    let (status, body) = t.get(&root, &format!("{path}&min_cell=5")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["group"], json!(["dakar", "baseline"]));
    assert_eq!(rows[1]["suppressed"], "small_cell", "one returnee in thies: hidden");
    // The total of 7 minus dakar's 6 would give thies away, so dakar goes too.
    assert_eq!(rows[0]["suppressed"], "complementary", "{body}");
    assert!(rows[0]["n"].is_null() && rows[0]["mean"].is_null());
    assert_eq!(body["total"]["n"], 7);
    let (_, open) = t.get(&root, &format!("{path}&min_cell=1")).await;
    assert_eq!((open["rows"][0]["n"].as_u64(), open["rows"][0]["mean"].as_f64()), (Some(6), Some(1.0)));
    let (_, by_age) = t.get(&root, "/api/v1/analyses/summary?measure=social&by=age_group,time_since_return&from=2026-01-01&to=2026-12-31&min_cell=1").await;
    // Born 1994-03-12, returned 2026-02-01: 31 at return; surveyed a month later.
    assert_eq!(by_age["rows"][0]["group"], json!(["25-34", "<3"]), "{by_age}");
    let thies = t.user("thies_cm", "case_manager", Some("thies"), "").await;
    let (_, own) = t.get(&thies, &format!("{path}&min_cell=1")).await;
    assert_eq!(own["total"]["n"], 1, "a case manager's office only");
    let (status, body) = t.get(&root, "/api/v1/analyses/summary?measure=income&from=2026-01-01&to=2026-12-31").await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("measure")));
    let (status, body) =
        t.get(&root, "/api/v1/analyses/summary?measure=composite&by=name&from=2026-01-01&to=2026-12-31").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("`name` is not a grouping"), "{body}");
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Twelve returnees: even ones women, the first six back from Namibia (`NA`) and given a
/// business grant after their baseline. Baselines vary in Q1; every final survey is the best.
async fn change_between_rounds_and_regression_run_on_the_database(t: &TestApp) {
    let root = t.admin().await;
    let q1 = ["very_satisfied", "satisfied", "ok"];
    let (mut before, mut after, mut sexes) = (vec![], vec![], vec![]);
    for i in 0..12 {
        let mut r = support::registration(&format!("Awa{i}"), "Ba", "dakar");
        r["sex"] = json!(if i % 2 == 0 { "female" } else { "male" });
        r["profile"] = json!({"host_country": if i < 6 { "NA" } else { "MA" }, "return_type": "voluntary",
            "years_abroad": 4, "returned_to_community_of_origin": true});
        let (status, case) = t.post(&root, "/api/v1/cases", r).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let path = format!("/api/v1/cases/{}/surveys", id(&case));
        if i == 0 {
            let assessment = json!({"date": "2026-02-15", "tool": "rapid_vulnerability_assessment",
                "phase": "on_arrival", "assessor": "root", "vulnerabilities": ["health"]});
            let (status, v) =
                t.post(&root, &format!("/api/v1/cases/{}/vulnerability-assessments", id(&case)), assessment).await;
            assert_eq!(status, StatusCode::CREATED, "{v}");
            // Surveyed twice at baseline: the later survey is the one that counts.
            let mut early = best_answers();
            early["Q1"] = json!("very_dissatisfied");
            t.post(&root, &path, survey("baseline", "2026-02-20", early)).await;
        }
        let mut answers = best_answers();
        answers["Q1"] = json!(q1[i % 3]);
        let (status, b) = t.post(&root, &path, survey("baseline", "2026-03-01", answers)).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        let (_, a) = t.post(&root, &path, survey("final", "2026-09-01", best_answers())).await;
        before.push(b["economic"].as_f64().unwrap());
        after.push(a["economic"].as_f64().unwrap());
        sexes.push(i % 2);
        if i < 6 {
            let grant = json!({"date": "2026-04-01", "modality": "business_grant",
                "value": {"amount": "100", "currency": "EUR"}, "payee": "returnee"});
            let (status, g) = t.post(&root, &format!("/api/v1/cases/{}/assistance", id(&case)), grant).await;
            assert_eq!(status, StatusCode::CREATED, "{g}");
        }
    }
    let change: Vec<f64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    let period = "from=2026-01-01&to=2026-12-31";

    // The handbook's analysis variables as groupings; one row per returnee and round.
    let (_, vulnerable) =
        t.get(&root, &format!("/api/v1/analyses/summary?measure=economic&by=vulnerable&min_cell=1&{period}")).await;
    let counts: Vec<(&str, u64)> = vulnerable["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["group"][0].as_str().unwrap(), r["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("no", 22), ("yes", 2)], "the repeated baseline counts once: {vulnerable}");
    let by = "return_type,length_of_absence,community_of_origin,time_since_return";
    let (_, profile) =
        t.get(&root, &format!("/api/v1/analyses/summary?measure=economic&by={by}&min_cell=1&{period}")).await;
    let groups: Vec<&Value> = profile["rows"].as_array().unwrap().iter().map(|r| &r["group"]).collect();
    assert_eq!(
        groups,
        [&json!(["voluntary", "3-4", "yes", "<3"]), &json!(["voluntary", "3-4", "yes", "6-11"])],
        "{profile}"
    );
    let (_, rebinned) = t
        .get(
            &root,
            &format!("/api/v1/analyses/summary?measure=economic&by=age_group&bins=age_group=30,40&min_cell=1&{period}"),
        )
        .await;
    assert_eq!(rebinned["rows"][0]["group"], json!(["30-39"]), "born 1994, back in 2026: {rebinned}");
    refused(
        t,
        &root,
        &format!("summary?measure=economic&by=sex&bins=sex=1&{period}"),
        "bins",
        "`sex` is not cut into bins",
    )
    .await;
    refused(
        t,
        &root,
        &format!("summary?measure=economic&by=age_group&bins=age_group=40,30&{period}"),
        "bins",
        "increasing",
    )
    .await;

    let (status, c) = t.get(&root, &format!("/api/v1/analyses/change?measure=economic&{period}")).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["from_phase"].as_str(), c["to_phase"].as_str(), c["cases"].as_u64()),
        (Some("baseline"), Some("final"), Some(12))
    );
    assert!(close(&c["mean_change"]["estimate"], mean(&change)), "{c}");
    assert!(c["mean_change"]["p_value"].as_f64().unwrap() < 0.01, "every baseline but the best rose: {c}");

    // Grouped by the assistance received by the final survey: granted or none.
    let (_, by_aid) =
        t.get(&root, &format!("/api/v1/analyses/change?measure=economic&group=assistance_type&{period}")).await;
    let groups = by_aid["groups"].as_array().unwrap();
    assert_eq!(
        (groups[0]["group"].as_str(), groups[1]["group"].as_str()),
        (Some("business_grant"), Some("none")),
        "{by_aid}"
    );
    assert!(
        close(&groups[0]["mean_change"], mean(&change[..6])) && close(&groups[1]["mean_change"], mean(&change[6..]))
    );
    let did = &by_aid["comparison"]["difference_in_differences"]["estimate"];
    assert_eq!(by_aid["comparison"]["control"], "business_grant", "the first level, unless chosen");
    assert!(close(did, mean(&change[6..]) - mean(&change[..6])), "{by_aid}");
    let (_, chosen) = t
        .get(&root, &format!("/api/v1/analyses/change?measure=economic&group=assistance_type&control=none&{period}"))
        .await;
    assert!(close(
        &chosen["comparison"]["difference_in_differences"]["estimate"],
        mean(&change[..6]) - mean(&change[6..])
    ));
    assert!(chosen["comparison"]["hedges_g"]["estimate"].is_f64());
    let (_, strict) =
        t.get(&root, &format!("/api/v1/analyses/change?measure=economic&group=sex&min_cell=7&{period}")).await;
    assert!(
        strict["groups"].as_array().unwrap().iter().all(|g| g["n"].is_null()) && strict["comparison"].is_null(),
        "{strict}"
    );

    // The latest survey of each returnee (the final: all 1.0 economic) and of the baseline.
    let (status, r) =
        t.get(&root, &format!("/api/v1/analyses/regression?formula=economic%20~%20sex&phase=baseline&{period}")).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (men, women): (Vec<f64>, Vec<f64>) = (
        before.iter().zip(&sexes).filter(|(_, s)| **s == 1).map(|(b, _)| *b).collect(),
        before.iter().zip(&sexes).filter(|(_, s)| **s == 0).map(|(b, _)| *b).collect(),
    );
    let model = &r["model"];
    assert_eq!((model["n"].as_u64(), model["df_resid"].as_u64()), (Some(12), Some(10)));
    assert_eq!(model["coefficients"][1]["term"], "sexmale", "R's name, female the reference");
    assert!(close(&model["coefficients"][0]["estimate"], mean(&women)), "{r}");
    assert!(close(&model["coefficients"][1]["estimate"], mean(&men) - mean(&women)), "{r}");
    let (_, robust) = t
        .get(&root, &format!("/api/v1/analyses/regression?formula=economic~sex%2Bhost_country&reference=sex%3Dmale&robust=hc1&phase=baseline&{period}"))
        .await;
    let terms: Vec<&str> =
        robust["model"]["coefficients"].as_array().unwrap().iter().map(|c| c["term"].as_str().unwrap()).collect();
    assert_eq!(
        terms,
        ["(Intercept)", "sexfemale", "host_countryNA"],
        "Namibia is a country, not a missing value: {robust}"
    );
    assert_eq!(robust["model"]["covariance"], "hc1");

    refused(t, &root, &format!("regression?formula=economic~name&{period}"), "formula", "`name` is not a variable")
        .await;
    refused(t, &root, &format!("regression?formula=income~sex&{period}"), "formula", "not a score").await;
    refused(
        t,
        &root,
        &format!("regression?formula=economic~sex&reference=sex%3Dother&{period}"),
        "reference",
        "has no level `other`",
    )
    .await;
    refused(t, &root, &format!("regression?formula=economic~sex&robust=hc3&{period}"), "robust", "hc1").await;
    refused(
        t,
        &root,
        &format!("regression?formula=economic~sex&phase=exit&{period}"),
        "phase",
        "no scored survey of round `exit`",
    )
    .await;
    refused(
        t,
        &root,
        &format!("regression?formula=economic~sex%2Bage&min_cell=13&{period}"),
        "formula",
        "fewer than the minimum of 13",
    )
    .await;
    refused(
        t,
        &root,
        &format!("regression?formula=economic~host_country&min_cell=7&{period}"),
        "formula",
        "host_country `MA` has 6 returnees",
    )
    .await;
    refused(
        t,
        &root,
        &format!("change?measure=economic&group=phase&{period}"),
        "group",
        "changes from one survey to the next",
    )
    .await;
    refused(t, &root, &format!("change?measure=economic&from_phase=exit&{period}"), "from_phase", "no phase `exit`")
        .await;
    refused(
        t,
        &root,
        &format!("change?measure=economic&group=sex&control=other&{period}"),
        "control",
        "no group `other`",
    )
    .await;

    refused(t, &root, &format!("change?measure=economic&to_phase=exit&{period}"), "to_phase", "no phase `exit`").await;

    let thies = t.user("thies_cm", "case_manager", Some("thies"), "").await;
    let query = format!("change?measure=economic&{period}");
    refused(t, &thies, &query, "from", "all of one round (or none)").await;
}

async fn refused(t: &TestApp, token: &str, query: &str, field: &str, says: &str) {
    let (status, body) = t.get(token, &format!("/api/v1/analyses/{query}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    assert_eq!(body["fields"][0]["field"], field, "{query}: {body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains(says), "{query}: {body}");
}
