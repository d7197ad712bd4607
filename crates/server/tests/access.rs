//! Who may do what: every role against every endpoint, the expectation read from the domain's
//! permission table, and the audit log that records every read and write. Both backends.

mod support;

use axum::http::StatusCode;
use homeward_domain::Named;
use homeward_domain::access::{Permission as P, Role};
use homeward_store::audit::{self, Verdict};
use serde_json::{Value, json};
use support::{TestApp, best_answers, id, registration};

on_both_backends!(
    every_role_is_allowed_exactly_what_its_permissions_say,
    every_read_and_write_of_case_data_is_audited,
    a_page_of_cases_is_one_audit_entry_on_the_history_of_each,
    a_refused_write_leaves_no_rows_and_no_audit_entry,
    the_audit_chain_reports_the_first_tampered_entry,
    signing_in_gives_a_token_signing_out_revokes_it_and_guessing_is_limited,
    an_administrator_manages_accounts_and_each_user_their_language,
);

/// One endpoint: what it needs, and a request that is valid when allowed.
struct Endpoint {
    method: &'static str,
    path: String,
    body: Option<Value>,
    needs: P,
    /// Shows identifying data: refused to roles that see pseudonymised data only.
    identifying: bool,
}

fn endpoints(case: &str, provider: &str) -> Vec<Endpoint> {
    let e = |method, path: String, body: Option<Value>, needs, identifying| Endpoint {
        method,
        path,
        body,
        needs,
        identifying,
    };
    let c = format!("/api/v1/cases/{case}");
    let mut list = vec![
        e("GET", "/api/v1/cases".into(), None, P::ReadCases, false),
        e("GET", "/api/v1/worklist".into(), None, P::ReadCases, false),
        e("GET", "/api/v1/programme".into(), None, P::ManageUsers, false),
        e("POST", "/api/v1/programme/rescore".into(), None, P::ManageUsers, false),
        e("POST", "/api/v1/retention/purge?dry_run=true".into(), None, P::ManageUsers, false),
        e("GET", format!("{c}/legal-hold"), None, P::ReadCases, false),
        e("PUT", format!("{c}/legal-hold"), Some(json!({"reason": "investigation"})), P::ManageUsers, false),
        e("DELETE", format!("{c}/legal-hold"), None, P::ManageUsers, false),
        e(
            "POST",
            "/api/v1/cases/duplicates".into(),
            Some(registration("New", "Case", "dakar")),
            P::RegisterCase,
            false,
        ),
        e(
            "POST",
            "/api/v1/cases/confirmed".into(),
            Some(json!({"registration": registration("New", "Case", "dakar"), "not_duplicates": []})),
            P::RegisterCase,
            false,
        ),
        e("POST", "/api/v1/cases".into(), Some(registration("New", "Case", "dakar")), P::RegisterCase, false),
        e("GET", c.clone(), None, P::ReadCases, false),
        e(
            "PUT",
            c.clone(),
            Some(json!({"version": 1, "case": registration("Awa", "Ba", "dakar")})),
            P::EditCase,
            false,
        ),
        e(
            "POST",
            format!("{c}/transitions"),
            Some(json!({"action": "start_assessment", "version": 99})),
            P::MoveCase,
            false,
        ),
        e("GET", format!("{c}/timeline"), None, P::ReadCases, true),
        // Handovers (the case is in an origin office: allowed roles get 422; none exists: 404).
        e("POST", format!("{c}/handovers"), Some(json!({"to_office": "thies"})), P::MoveCase, false),
        e("GET", "/api/v1/handovers".into(), None, P::ReadCases, false),
        e("GET", "/api/v1/handovers/none".into(), None, P::ReadCases, false),
        e(
            "POST",
            "/api/v1/handovers/none/moves".into(),
            Some(json!({"action": "send", "version": 1})),
            P::ReadCases,
            false,
        ),
        e("GET", "/api/v1/handovers/none/file".into(), None, P::ReadCases, false),
        e("POST", "/api/v1/handovers/files".into(), Some(json!({})), P::ReadCases, false),
        e("GET", "/api/v1/installation".into(), None, P::ManageUsers, false),
        e("GET", "/api/v1/installations".into(), None, P::ManageUsers, false),
        e(
            "POST",
            "/api/v1/installations".into(),
            Some(json!({"name": "IOM Mali", "public_key": "hwx1:not-a-key"})),
            P::ManageUsers,
            false,
        ),
        // Documents (a JSON body is no document: allowed roles get 422; none exists: 404). A
        // removal needs the writer's permission of the document's record, checked once it is
        // found (crates/server/tests/documents.rs).
        e("POST", format!("{c}/documents?kind=photo&file_name=a.jpg"), Some(json!({})), P::EditCase, true),
        e("GET", format!("{c}/documents"), None, P::ReadCases, true),
        e("GET", "/api/v1/documents/none".into(), None, P::ReadCases, true),
        e("GET", "/api/v1/documents/none/content".into(), None, P::ReadCases, true),
        e("POST", "/api/v1/documents/none/removal".into(), Some(json!({"reason": "x"})), P::ReadCases, true),
        e("GET", format!("{c}/audit"), None, P::ReadAudit, false),
        e("GET", format!("{c}/due-dates"), None, P::ReadCases, false),
        e("GET", "/api/v1/users".into(), None, P::ManageUsers, false),
        e("GET", "/api/v1/grant-requests".into(), None, P::ManageUsers, false),
        e("POST", "/api/v1/grant-requests/none/decision".into(), Some(json!({"approve": true})), P::ManageUsers, false),
        e("POST", "/api/v1/users/nobody/unlock".into(), None, P::ManageUsers, false),
        e("GET", "/api/v1/consent-overrides".into(), None, P::ReviewOverrides, false),
        e("GET", "/api/v1/offices".into(), None, P::ReadCases, false),
        e(
            "POST",
            "/api/v1/offices".into(),
            Some(json!({"name": "Louga", "country": "SN", "role": "origin"})),
            P::ManageUsers,
            false,
        ),
        e(
            "PUT",
            "/api/v1/offices/dakar".into(),
            Some(json!({"version": 99, "office": {"name": "dakar", "country": "SN", "role": "origin"}})),
            P::ManageUsers,
            false,
        ),
        e("GET", "/api/v1/indicators?from=2026-01-01&to=2026-12-31".into(), None, P::ReadCases, false),
        e(
            "GET",
            "/api/v1/analyses/summary?measure=composite&by=sex&from=2026-01-01&to=2026-12-31".into(),
            None,
            P::ReadCases,
            false,
        ),
        e(
            "GET",
            "/api/v1/analyses/change?measure=composite&from=2026-01-01&to=2026-12-31".into(),
            None,
            P::ReadCases,
            false,
        ),
        e(
            "GET",
            "/api/v1/analyses/regression?formula=composite~sex&from=2026-01-01&to=2026-12-31&min_cell=1".into(),
            None,
            P::ReadCases,
            false,
        ),
        e(
            "POST",
            "/api/v1/users".into(),
            Some(json!({"username": "newcomer", "password": "a long enough password", "role": "counsellor",
                "office": "dakar", "language": "fr"})),
            P::ManageUsers,
            false,
        ),
        e(
            "PUT",
            "/api/v1/users/nobody".into(),
            Some(json!({"role": "counsellor", "office": "dakar", "language": "fr"})),
            P::ManageUsers,
            false,
        ),
        e("GET", "/api/v1/feasibility-grid".into(), None, P::ReadCases, false),
        // An export: what a role may read of the cases; a partner's holds its packets only.
        e("GET", "/api/v1/exports/cases?format=zip".into(), None, P::ReadCases, false),
        // The community level: profiles and projects (none exists: allowed roles get 404 or 422).
        e("POST", "/api/v1/communities".into(), Some(community()), P::ManageCommunity, false),
        e("GET", "/api/v1/communities".into(), None, P::ReadCommunity, false),
        e("GET", "/api/v1/communities/none".into(), None, P::ReadCommunity, false),
        e(
            "PUT",
            "/api/v1/communities/none".into(),
            Some(json!({"version": 1, "profile": community()})),
            P::ManageCommunity,
            false,
        ),
        e(
            "POST",
            "/api/v1/community-projects".into(),
            Some(json!({"community_id": "none", "title": "Market garden", "approach": "collective_returnee",
                "activity": "collective_income_generating", "description": "x"})),
            P::ManageCommunity,
            false,
        ),
        e("GET", "/api/v1/community-projects".into(), None, P::ReadCommunity, false),
        e("GET", "/api/v1/community-projects/none".into(), None, P::ReadCommunity, false),
        e(
            "PUT",
            "/api/v1/community-projects/none/screening".into(),
            Some(json!({"version": 1, "screening": {"answers": []}})),
            P::ManageCommunity,
            false,
        ),
        e(
            "POST",
            "/api/v1/community-projects/none/moves".into(),
            Some(json!({"action": "approve", "version": 1})),
            P::ManageCommunity,
            false,
        ),
        e(
            "POST",
            "/api/v1/community-projects/none/participants".into(),
            Some(json!({"kind": "community_member", "name": "Ndeye", "sex": "female", "age_group": "25_34",
                "role": "member", "joined_on": "2026-02-02"})),
            P::ManageCommunity,
            false,
        ),
        e("GET", "/api/v1/community-projects/none/participants".into(), None, P::ReadCommunity, false),
        e(
            "POST",
            "/api/v1/community-projects/none/ledger".into(),
            Some(json!({"kind": "planned", "date": "2026-02-02", "amount": {"amount": "10", "currency": "XOF"},
                "description": "seeds"})),
            P::ManageCommunity,
            false,
        ),
        e("GET", "/api/v1/community-projects/none/ledger".into(), None, P::ReadCommunity, false),
        e(
            "POST",
            "/api/v1/community-projects/none/satisfaction".into(),
            Some(json!({"respondent": "community_member", "sex": "female", "age_group": "25_34", "date": "2026-06-01",
                "satisfied": true})),
            P::ManageCommunity,
            false,
        ),
        e("GET", "/api/v1/community-projects/none/satisfaction".into(), None, P::ReadCommunity, false),
        e("POST", "/api/v1/stakeholders".into(), Some(stakeholder()), P::ManageCommunity, false),
        e("GET", "/api/v1/stakeholders".into(), None, P::ReadCommunity, false),
        e("GET", "/api/v1/stakeholders/none".into(), None, P::ReadCommunity, false),
        e(
            "PUT",
            "/api/v1/stakeholders/none".into(),
            Some(json!({"version": 1, "stakeholder": stakeholder()})),
            P::ManageCommunity,
            false,
        ),
        e("POST", "/api/v1/agreements".into(), Some(agreement()), P::ManageCommunity, false),
        e("GET", "/api/v1/agreements".into(), None, P::ReadCommunity, false),
        e("GET", "/api/v1/agreements/none".into(), None, P::ReadCommunity, false),
        e(
            "PUT",
            "/api/v1/agreements/none".into(),
            Some(json!({"version": 1, "agreement": agreement()})),
            P::ManageCommunity,
            false,
        ),
        e("POST", "/api/v1/capacity-activities".into(), Some(activity()), P::ManageCommunity, false),
        e("GET", "/api/v1/capacity-activities".into(), None, P::ReadCommunity, false),
        e("GET", "/api/v1/capacity-activities/none".into(), None, P::ReadCommunity, false),
        e(
            "POST",
            "/api/v1/capacity-activities/none/participants".into(),
            Some(json!({"stakeholder": "none"})),
            P::ManageCommunity,
            false,
        ),
        e(
            "PUT",
            "/api/v1/capacity-activities/none/participants/none/questionnaire".into(),
            Some(json!({"moment": "pre", "answered_on": "2026-02-01", "ratings": {}})),
            P::ManageCommunity,
            false,
        ),
        e("POST", "/api/v1/mentors".into(), Some(mentor()), P::ManageCommunity, false),
        e("GET", "/api/v1/mentors".into(), None, P::ReadCommunity, false),
        e("GET", "/api/v1/mentors/none".into(), None, P::ReadCommunity, false),
        e(
            "PUT",
            "/api/v1/mentors/none".into(),
            Some(json!({"version": 1, "mentor": mentor()})),
            P::ManageCommunity,
            false,
        ),
        e("GET", "/api/v1/mentorships".into(), None, P::ReadCases, false),
        e("GET", format!("{c}/mentorships"), None, P::ReadCases, true),
        e(
            "POST",
            format!("{c}/mentorships"),
            Some(json!({"mentor": "none", "started_on": "2026-02-01", "selection": [
                {"criterion": "location", "met": true}, {"criterion": "willingness", "met": true},
                {"criterion": "mentor_judgement", "met": true}]})),
            P::Plan,
            false,
        ),
        e(
            "POST",
            format!("{c}/mentorships/none/end"),
            Some(json!({"version": 1, "ended_on": "2026-03-01"})),
            P::Plan,
            false,
        ),
        e(
            "POST",
            format!("{c}/mentorships/none/sessions"),
            Some(json!({"held_on": "2026-03-01", "notes": "met at the workshop"})),
            P::FollowUp,
            false,
        ),
        e(
            "POST",
            format!("{c}/surveys"),
            Some(json!({"phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": best_answers()})),
            P::TakeSurvey,
            false,
        ),
        e("GET", format!("{c}/surveys"), None, P::ReadCases, false),
        // Sent as JSON, not CSV: an allowed role is told to send CSV (400), others are refused.
        e("POST", "/api/v1/surveys/imports?dry_run=true".into(), Some(json!({})), P::TakeSurvey, false),
        e("POST", format!("{c}/plans"), Some(json!({"content": {}})), P::Plan, false),
        e("GET", format!("{c}/plans"), None, P::ReadCases, true),
        e(
            "POST",
            format!("{c}/referrals"),
            Some(json!({"provider": provider, "service_type": "training", "reason": "x"})),
            P::Refer,
            false,
        ),
        e("GET", format!("{c}/referrals"), None, P::ReadCases, true),
        e(
            "POST",
            "/api/v1/providers".into(),
            Some(json!({"organisation": "X", "services": ["x"], "dimensions": ["social"],
            "country": "SN", "place": "Dakar", "last_verified": "2026-01-01"})),
            P::ManageProviders,
            false,
        ),
        e("GET", "/api/v1/providers".into(), None, P::ReadCases, false),
        e("GET", "/api/v1/referral-packets".into(), None, P::HandleReferralPackets, false),
        // Single items and their moves: the check comes before the lookup, so an allowed role
        // gets 404 for these made-up ids and a denied one 403.
        e(
            "POST",
            format!("{c}/merge"),
            Some(json!({"merged_case": "none", "version": 1, "merged_version": 1, "reason": "same person"})),
            P::MergeCases,
            false,
        ),
        e("GET", format!("{c}/own-file"), None, P::ReadCases, true),
        e("GET", format!("{c}/surveys/none"), None, P::ReadCases, false),
        e("GET", format!("{c}/plans/none"), None, P::ReadCases, true),
        e("PUT", format!("{c}/plans/none"), Some(json!({"version": 1, "content": {}})), P::Plan, false),
        e(
            "POST",
            format!("{c}/plans/none/transitions"),
            Some(json!({"action": "activate", "version": 1})),
            P::Plan,
            false,
        ),
        e("GET", format!("{c}/referrals/none"), None, P::ReadCases, true),
        e(
            "POST",
            format!("{c}/referrals/none/transitions"),
            Some(json!({"action": "cancel", "version": 1, "date": "2026-03-01"})),
            P::Refer,
            false,
        ),
        e("GET", "/api/v1/providers/none".into(), None, P::ReadCases, false),
        e(
            "PUT",
            format!("/api/v1/providers/{provider}"),
            Some(json!({"version": 99, "data": {"organisation": "X",
            "services": ["x"], "dimensions": ["social"], "country": "SN", "place": "Dakar", "last_verified": "2026-01-01"}})),
            P::ManageProviders,
            false,
        ),
        e("GET", "/api/v1/referral-packets/none".into(), None, P::HandleReferralPackets, false),
        e(
            "POST",
            "/api/v1/referral-packets/none/transitions".into(),
            Some(json!({"action": "acknowledge", "version": 1, "date": "2026-03-01"})),
            P::HandleReferralPackets,
            false,
        ),
    ];
    let records: [(&str, P, Value); 11] = [
        (
            "household-members",
            P::RecordAssessment,
            json!({"name": "Ali", "relation": "son", "recorded_on": "2026-02-02"}),
        ),
        (
            "consents",
            P::RecordAssessment,
            json!({"purpose": "counselling", "method": "written_in_person", "given_on": "2026-02-02"}),
        ),
        (
            "counselling-sessions",
            P::RecordAssessment,
            json!({"date": "2026-02-02", "mode": "in_person", "counsellor": "x"}),
        ),
        (
            "vulnerability-assessments",
            P::RecordAssessment,
            json!({"date": "2026-02-02", "tool": "mvvea", "phase": "on_arrival", "assessor": "x"}),
        ),
        (
            "risk-assessments",
            P::RecordAssessment,
            json!({"date": "2026-02-02", "assessor": "x", "risks": ["x"], "mitigation": "y"}),
        ),
        ("skills-assessments", P::RecordAssessment, json!({"date": "2026-02-02"})),
        ("feasibility-checks", P::Plan, json!({"date": "2026-02-02", "intervention": "x", "marks": []})),
        (
            "assistance",
            P::RecordAssistance,
            json!({"date": "2026-02-02", "modality": "cash", "value": {"amount": "1", "currency": "XOF"}, "payee": "returnee"}),
        ),
        ("follow-ups", P::FollowUp, json!({"date": "2026-02-02", "mode": "phone", "kind": "routine"})),
        ("sensitive-notes", P::RecordAssessment, json!({"section": "health", "date": "2026-02-02", "text": "x"})),
        (
            "unmet-needs",
            P::RecordAssessment,
            json!({"date": "2026-02-02", "dimension": "psychosocial", "need": "x", "because": "service_unavailable"}),
        ),
    ];
    for (path, needs, body) in records {
        list.push(e("POST", format!("{c}/{path}"), Some(body.clone()), needs, true));
        list.push(e("GET", format!("{c}/{path}"), None, P::ReadCases, true));
        list.push(e("GET", format!("{c}/{path}/none"), None, P::ReadCases, true));
        list.push(e("PUT", format!("{c}/{path}/none"), Some(json!({"version": 1, "data": body})), needs, true));
    }
    list
}

async fn every_role_is_allowed_exactly_what_its_permissions_say(t: &TestApp) {
    let root = t.admin().await;
    let case = id(&t.register(&root, "Awa", "Ba", "dakar").await);
    let (_, provider) = t
        .post(
            &root,
            "/api/v1/providers",
            json!({"organisation": "P", "services": ["training"],
        "dimensions": ["economic"], "country": "SN", "place": "Dakar", "last_verified": "2026-01-01"}),
        )
        .await;
    let provider = id(&provider);
    let all_sections = "health,psychosocial,gbv_protection,trafficking,sogiesc";
    let mut checked = 0;
    for &role in Role::ALL {
        let username = format!("user_{}", role.name());
        let token = if role == Role::Partner {
            t.user_of_provider(&username, role.name(), None, "", Some(&provider)).await
        } else if role.may_hold_grants() {
            t.user(&username, role.name(), None, all_sections).await
        } else {
            t.user(&username, role.name(), None, "").await
        };
        for e in endpoints(&case, &provider) {
            let partners_packets = role == Role::Partner && e.path.starts_with("/api/v1/exports/");
            let allowed = (role.may(e.needs) && (!e.identifying || role.sees_identities())) || partners_packets;
            let (status, body) = t.call(&token, e.method, &e.path, e.body.clone()).await;
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED && !status.is_server_error(),
                    "{role} {} {} should be allowed, got {status}: {body}",
                    e.method,
                    e.path
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} {} {} should be denied: {body}", e.method, e.path);
                assert!(body["error"].is_string());
            }
            checked += 1;
        }
        if role == Role::Partner {
            let (status, _) = t.call(&token, "GET", &format!("/api/v1/providers/{provider}"), None).await;
            assert_eq!(status, StatusCode::OK, "a partner reads its own directory entry");
        }
        let (status, _) = t.call("", "GET", &format!("/api/v1/cases/{case}"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(checked, Role::ALL.len() * 150, "the matrix covers every endpoint for every role");
}

async fn entries(t: &TestApp) -> Vec<audit::Stored> {
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let mut all = Vec::new();
    for case in t.store_cases().await {
        all.extend(audit::for_case(&mut conn, &case, 1000).await.unwrap());
    }
    // In the order they happened: a read joins the chain a moment after it is recorded (on
    // SQLite, `homeward_store::read_journal`), so possibly after a write made in between.
    all.sort_by(|a, b| (&a.at, a.seq).cmp(&(&b.at, b.seq)));
    all
}

async fn every_read_and_write_of_case_data_is_audited(t: &TestApp) {
    let token = t.user("fatou", "case_manager", None, "health").await;
    let case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    t.get(&token, &format!("/api/v1/cases/{case}")).await;
    t.get(&token, "/api/v1/cases").await;
    t.post(
        &token,
        &format!("/api/v1/cases/{case}/sensitive-notes"),
        json!({"section": "health", "date": "2026-02-02", "text": "x"}),
    )
    .await;
    t.get(&token, &format!("/api/v1/cases/{case}/sensitive-notes")).await;
    t.get(&token, &format!("/api/v1/cases/{case}/due-dates")).await;
    let log: Vec<(String, String, String, String)> =
        entries(t).await.into_iter().map(|s| (s.entry.actor, s.entry.action, s.entry.entity, s.entry.fields)).collect();
    let expected = [
        ("fatou", "create", "case", "registration"),
        ("fatou", "read", "case", "case_number,names,date_of_birth,sex,return,profile,status,closure"),
        ("fatou", "list", "case", "case_number,names,date_of_birth,sex,return,status"),
        ("fatou", "create", "sensitive_note", "*"),
        ("fatou", "read", "sensitive_note", "*"),
        ("fatou", "read", "due_dates", "return,plan_agreed_on"),
    ];
    let expected: Vec<(String, String, String, String)> =
        expected.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
    assert_eq!(log, expected);
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut conn, &t.key, None).await.unwrap(), Verdict::Intact { entries: 6, unkeyed: 0 });
}

async fn a_page_of_cases_is_one_audit_entry_on_the_history_of_each(t: &TestApp) {
    let root = t.admin().await;
    let token = t.user("fatou", "case_manager", None, "").await;
    let cases = [
        id(&t.register(&token, "Awa", "Ba", "dakar").await),
        id(&t.register(&token, "Binta", "Diallo", "dakar").await),
        id(&t.register(&token, "Coumba", "Sow", "thies").await),
    ];
    let (status, page) = t.get(&token, "/api/v1/cases?q=Binta").await;
    assert_eq!((status, page["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    t.get(&token, "/api/v1/cases").await;
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let mut pages = Vec::new();
    for case in &cases {
        let lists: Vec<audit::Stored> = audit::for_case(&mut conn, case, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.entry.action == "list")
            .collect();
        pages.push(lists.iter().map(|e| (e.seq, e.entry.case_ids.len())).collect::<Vec<_>>());
    }
    let (search, list) = (pages[1][1], pages[1][0]);
    assert_eq!(search.1, 1, "the search showed one case: {pages:?}");
    assert_eq!(list.1, 3, "the list showed three, in one entry: {pages:?}");
    assert_eq!(pages, [vec![list], vec![list, search], vec![list]], "each case's history has what showed it");
    assert_eq!(
        audit::verify(&mut conn, &t.key, None).await.unwrap(),
        Verdict::Intact { entries: 3 + 2, unkeyed: 0 },
        "three registrations and two pages, each page's cases sealed in its entry"
    );
    drop(conn);
    // On a case's access history, the page's entry names that case.
    for case in &cases {
        let (status, log) = t.get(&root, &format!("/api/v1/cases/{case}/audit")).await;
        assert_eq!(status, StatusCode::OK);
        let lists: Vec<&Value> = log.as_array().unwrap().iter().filter(|e| e["action"] == "list").collect();
        assert!(!lists.is_empty() && lists.iter().all(|e| e["record_id"] == case.as_str()), "{log}");
    }
}

async fn a_refused_write_leaves_no_rows_and_no_audit_entry(t: &TestApp) {
    let token = t.admin().await;
    let case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    let before = (t.count("audit_log").await, t.count("plans").await, t.count("case_records").await);
    let bad_plan = json!({"content": {"components": [{"dimension": "social", "level": "individual",
        "intervention": "cash_assistance", "description": "x", "modality": "cash"}]}});
    let (status, _) = t.post(&token, &format!("/api/v1/cases/{case}/plans"), bad_plan).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "cash assistance is economic");
    let (status, _) = t.post(&token, &format!("/api/v1/cases/{case}/follow-ups"), json!({"date": "2026-02-02"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = t
        .post(
            &token,
            &format!("/api/v1/cases/{case}/transitions"),
            json!({"action": "close", "version": 1,
        "closure": {"date": "2026-03-01", "reason": "plan_completed", "choice": "voluntary", "timing": "planned"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let after = (t.count("audit_log").await, t.count("plans").await, t.count("case_records").await);
    assert_eq!(after, before);
    let (_, read) = t.get(&token, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(read["status"], "intake");
    assert_eq!(read["closure"], json!(null));
}

async fn the_audit_chain_reports_the_first_tampered_entry(t: &TestApp) {
    let token = t.admin().await;
    let case = id(&t.register(&token, "Awa", "Ba", "dakar").await);
    for _ in 0..4 {
        t.get(&token, &format!("/api/v1/cases/{case}")).await;
    }
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut conn, &t.key, None).await.unwrap(), Verdict::Intact { entries: 5, unkeyed: 0 });
    drop(conn);
    let refused = t.store.execute_admin("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3").await;
    assert!(refused.is_err(), "the log is append-only");
    let refused = t.store.execute_admin("DELETE FROM audit_log WHERE seq = 5").await;
    assert!(refused.is_err(), "the log is append-only");

    t.store.execute_admin(t.disable_audit_guard()).await.unwrap();
    t.store.execute_admin("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3").await.unwrap();
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let verdict = audit::verify(&mut conn, &t.key, None).await.unwrap();
    let why = "its content does not match its keyed hash: it was rewritten, or forged without the key";
    assert_eq!(verdict, Verdict::Broken { seq: 3, why: why.into() });
    drop(conn);
    t.store.execute_admin("UPDATE audit_log SET actor = 'root' WHERE seq = 3").await.unwrap();
    t.store.execute_admin("DELETE FROM audit_log WHERE seq = 5").await.unwrap();
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    match audit::verify(&mut conn, &t.key, None).await.unwrap() {
        Verdict::Broken { seq: 5, why } => assert!(why.contains("entries were removed"), "{why}"),
        other => panic!("removing the last entry must be found: {other:?}"),
    }
}

async fn signing_in_gives_a_token_signing_out_revokes_it_and_guessing_is_limited(t: &TestApp) {
    let hash = homeward_service::auth::hash_password("correct horse battery").unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let mut row = homeward_store::frames::UserRow {
        username: "fatou".into(),
        role: homeward_domain::access::Role::CaseManager,
        office: Some("dakar".into()),
        provider_id: None,
        sections: vec![homeward_domain::access::Section::Health],
        language: "fr".into(),
        password_hash: hash,
        disabled: false,
        created_at: homeward_store::now(),
        emergency_sharing: false,
    };
    homeward_store::query::users::upsert(&mut tx, &row).await.unwrap();
    row.username = "awa".into();
    homeward_store::query::users::upsert(&mut tx, &row).await.unwrap();
    homeward_store::commit(tx).await.unwrap();

    let creds = |user: &str, password: &str| json!({"username": user, "password": password});
    let (status, session) = t.post("", "/api/v1/session", creds("fatou", "correct horse battery")).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(session["role"], "case_manager");
    assert_eq!(session["language"], "fr");
    let token = session["token"].as_str().unwrap().to_string();
    let (status, me) = t.get(&token, "/api/v1/session").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "fatou");
    assert_eq!(me["sections"], json!(["health"]));
    assert!(me.get("token").is_none(), "a token is shown once");

    let (unknown, body_unknown) = t.post("", "/api/v1/session", creds("nobody", "correct horse battery")).await;
    let (wrong, body_wrong) = t.post("", "/api/v1/session", creds("awa", "wrong")).await;
    assert_eq!((unknown, wrong), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(body_unknown, body_wrong, "an unknown user and a wrong password read the same");
    for _ in 0..4 {
        t.post("", "/api/v1/session", creds("awa", "wrong")).await;
    }
    let (status, body) = t.post("", "/api/v1/session", creds("awa", "correct horse battery")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "five failures lock the username for a while: {body}");
    assert!(body["error"].as_str().unwrap().contains("try again in 15 minutes"));
    let (status, _) = t.post("", "/api/v1/session", creds("fatou", "correct horse battery")).await;
    assert_eq!(status, StatusCode::CREATED, "another user is not locked out");

    let (status, _) = t.call(&token, "DELETE", "/api/v1/session", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = t.get(&token, "/api/v1/session").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a token signed out no longer works");
}

async fn an_administrator_manages_accounts_and_each_user_their_language(t: &TestApp) {
    let root = t.admin().await;
    let account = json!({"username": "mariama", "password": "correct horse battery", "role": "case_manager",
        "office": "thies", "grants": ["health"], "language": "fr"});
    let (status, created) = t.post(&root, "/api/v1/users", account.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["grants"], json!([]), "a sensitive section waits for a second administrator");
    assert_eq!(created["pending_grant"]["sections"], json!(["health"]));
    assert!(created.get("password").is_none() && !created.to_string().contains("argon2"), "no password is shown");
    let (status, _) = t.post(&root, "/api/v1/users", account).await;
    assert_eq!(status, StatusCode::CONFLICT, "a username is taken once");

    let bad =
        json!({"username": "x y", "password": "short", "role": "me_officer", "grants": ["health"], "language": "de"});
    let (status, body) = t.post(&root, "/api/v1/users", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "password", "grants", "language"]);
    let partner = json!({"username": "centre", "password": "correct horse battery", "role": "partner",
        "provider": "not-in-directory", "language": "fr"});
    let (status, body) = t.post(&root, "/api/v1/users", partner).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "provider", "{body}");

    let creds = json!({"username": "mariama", "password": "correct horse battery"});
    let (status, session) = t.post("", "/api/v1/session", creds.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = session["token"].as_str().unwrap().to_string();
    let (status, me) = t.put(&token, "/api/v1/session/language", json!({"language": "en"})).await;
    assert_eq!((status, me["language"].as_str()), (StatusCode::OK, Some("en")), "{me}");
    let (status, _) = t.put(&token, "/api/v1/session/language", json!({"language": "xx"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let change = json!({"role": "supervisor", "office": "thies", "language": "en", "disabled": true,
        "password": "another long password"});
    let (status, changed) = t.put(&root, "/api/v1/users/mariama", change).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!((changed["role"].as_str(), changed["disabled"].as_bool()), (Some("supervisor"), Some(true)));
    let (status, _) = t.get(&token, "/api/v1/session").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a disabled account's tokens stop working");
    let (status, _) = t.post("", "/api/v1/session", creds).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and it cannot sign in");

    let (status, body) = t.put(&root, "/api/v1/users/root", json!({"role": "case_manager", "language": "en"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an administrator cannot demote themselves: {body}");
    let (status, list) = t.get(&root, "/api/v1/users").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["mariama", "root"]);
    t.register(&root, "Awa", "Ba", "thies").await;
    let (status, offices) = t.get(&root, "/api/v1/offices").await;
    assert_eq!(status, StatusCode::OK);
    let thies = &offices[2];
    assert_eq!(
        (thies["name"].as_str(), thies["cases"].as_i64(), thies["open_cases"].as_i64()),
        (Some("thies"), Some(1), Some(1))
    );
    assert_eq!(thies["users"], json!(["mariama"]));
    t.settle().await;
    let mut conn = t.store.read().await.unwrap();
    let trail = audit::for_record(&mut conn, "user", "mariama", 100).await.unwrap();
    let actions: Vec<(&str, &str, &str)> =
        trail.iter().map(|e| (e.entry.actor.as_str(), e.entry.action.as_str(), e.entry.fields.as_str())).collect();
    assert_eq!(
        actions,
        [
            ("anonymous:mariama", "denied", "wrong username or password"),
            ("root", "end_sessions", ""),
            ("root", "update", "settings,password"),
            ("mariama", "update", "language"),
            ("mariama", "sign_in", ""),
            ("root", "create", "*")
        ],
        "every change of the account is audited, newest first"
    );
}

/// A community's profile as the API takes it.
fn community() -> Value {
    json!({"name": "Pikine", "office": "dakar", "country": "SN", "sources": "focus groups", "assessed_on": "2026-01-10"})
}

/// A stakeholder as the API takes it.
fn stakeholder() -> Value {
    json!({"name": "Mairie de Pikine", "office": "dakar", "category": "local_authority", "level": "local",
        "role_and_functions": "land for community projects", "interest": "high", "influence": "high",
        "willingness": "medium", "stance": "supporter", "mapped_on": "2026-01-10"})
}

/// A coordination agreement as the API takes it (not a data-sharing one: those take the
/// directory's keepers).
fn agreement() -> Value {
    json!({"kind": "mou", "title": "MoU with the town hall", "office": "dakar", "parties": ["IOM", "Mairie"],
        "scope": "Land for community projects", "signed_on": "2026-01-05", "starts_on": "2026-01-05",
        "ends_on": "2027-01-04", "responsible": "root"})
}

/// A capacity-building activity as the API takes it.
fn activity() -> Value {
    json!({"title": "Training on referrals", "office": "dakar", "support": "training", "held_on": "2026-02-01"})
}

/// A mentor as the API takes it.
fn mentor() -> Value {
    json!({"name": "Diallo Ousmane", "office": "dakar", "place": "Pikine", "languages": ["fr", "wo"]})
}
